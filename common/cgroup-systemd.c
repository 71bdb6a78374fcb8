// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup-systemd.c - a delegated systemd unit for cgset's groups (sd-bus) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "c.h"
#include "cgroup-systemd.h"
#include "dlsym.h"
#include "explain.h"
#include "fileutils.h"
#include "nls.h"
#include "strutils.h"
#include "syscalls.h"

#define CGUNIT_LOCKDIR	"/run/container-utils"
#define CGUNIT_WAIT_MS	10000	/* for systemd to place or remove the scope */

static bool path_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cgunit_host(const struct cgroup_map *m)
{
	_cleanup_free_ char *init = NULL;
	struct stat st;

	if (m->mode != CGROUP_V2 || m->h[m->v2].emulated)
		return false;
	/* sd_booted()'s test */
	if (lstat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	if (xasprintf(&init, "%s/init.scope", m->h[m->v2].mount) < 0)
		return false;
	return path_is_dir(init);
}

void cgunit_name(struct cgunit *u, const char *name)
{
	snprintf(u->name, sizeof(u->name), "%s", name);
}

int cgunit_lock(struct cgunit *u, struct cu_error *e)
{
	_cleanup_free_ char *path = NULL;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	int fd;

	if (u->lockfd >= 0 || explain_dry_run())
		return 0;	/* a plan starts and stops nothing: no race to lock out */
	if (u->user && (!rt || *rt != '/'))
		return 0;	/* nowhere private to lock: go without */
	if (!u->user && mkdir(CGUNIT_LOCKDIR, 0755) < 0 && errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create %s"), CGUNIT_LOCKDIR);
	if (xasprintf(&path, "%s/%s", u->user ? rt : CGUNIT_LOCKDIR,
		      u->user ? "container-utils-cgset.lock" : "cgset.lock") < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return cu_error_set(e, errno, _("cannot lock %s"), path);
		}
	}
	u->lockfd = fd;
	return 0;
}

void cgunit_unlock(struct cgunit *u)
{
	if (u->lockfd >= 0)
		close(u->lockfd);	/* closing drops the flock */
	u->lockfd = -1;
}

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The keeper's v2 group, "a/b" (relative to the v2 root); NULL when gone. */
static char *keeper_group(pid_t pid)
{
	static const struct cgroup_hier v2 = { .version = 2 };
	_cleanup_free_ char *text = cgroup_proc_read(pid);
	char *path[CGROUP_MAX_HIER] = { NULL }, *g = NULL;
	const struct cgroup_map m = { .h = { v2 }, .n = 1, .v2 = 0 };

	if (!text)
		return NULL;
	cgroup_proc_paths(&m, text, path);
	if (path[0])
		g = xstrdup(path[0] + 1);
	free(path[0]);
	return g;
}

/*
 * The keeper: a grandchild (never our zombie) in its own session that
 * holds the scope open.  Its PID comes back through a pipe.
 */
static pid_t keeper_spawn(struct cu_error *e)
{
	int p[2], status;
	pid_t mid, keeper = -1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return cu_error_set(e, errno, _("cannot create a pipe"));
	mid = fork();
	if (mid < 0) {
		close(p[0]);
		close(p[1]);
		return cu_error_set(e, errno, _("cannot fork"));
	}
	if (mid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		keeper = fork();
		if (keeper != 0) {
			/* the parent reads -1 when fork failed */
			ignore_result(write(p[1], &keeper, sizeof(keeper)));
			_exit(0);
		}
		(void) setsid(); /* a new session: no terminal's signals */
		if (null >= 0) {
			(void) dup2(null, 0); /* best effort: it never reads or writes */
			(void) dup2(null, 1);
			(void) dup2(null, 2);
		}
		(void) sys_close_range(3, ~0U, 0); /* no inherited descriptor is used */
		ignore_result(chdir("/")); /* keep no directory busy; / exists */
		(void) prctl(PR_SET_NAME, "cgset-keeper", 0, 0, 0);
		sigemptyset(&none);
		(void) sigprocmask(SIG_SETMASK, &none, NULL); /* TERM from systemd ends it */
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &keeper, sizeof(keeper)) != (ssize_t) sizeof(keeper))
		keeper = -1;
	close(p[0]);
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	if (keeper <= 0)
		return cu_error_set(e, EAGAIN, _("cannot fork"));
	return keeper;
}

/*
 * Move the keeper from the scope's own group into the leaf .keeper, so
 * the scope's group has no process and can enable controllers below it.
 */
static int keeper_settle(const char *unitdir, pid_t keeper, struct cu_error *e)
{
	_cleanup_free_ char *leaf = NULL, *procs = NULL;
	char buf[32];
	int fd, n;

	if (xasprintf(&leaf, "%s/%s", unitdir, CGUNIT_KEEPER) < 0 ||
	    xasprintf(&procs, "%s/cgroup.procs", leaf) < 0)
		return -ENOMEM;
	if (ex_mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create cgroup %s"), leaf);
	fd = explain_dry_run() ? EXPLAIN_DRY_FD : open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && fd != EXPLAIN_DRY_FD)
		return cu_error_set(e, errno, _("cannot open %s"), procs);
	n = keeper > 0 ? snprintf(buf, sizeof(buf), "%d", (int) keeper)
		       : snprintf(buf, sizeof(buf), "PID");	/* a plan's keeper */
	if (ex_write_path(fd, buf, (size_t) n, procs) != n) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return cu_error_set(e, r, _("cannot move process %1$s into %2$s"), buf, leaf);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

#define SD_DEST		"org.freedesktop.systemd1"
#define SD_PATH		"/org/freedesktop/systemd1"
#define SD_MANAGER	"org.freedesktop.systemd1.Manager"

#define SDBUS_SYMBOLS(X) \
	X(sd_bus_open_system) X(sd_bus_open_user) X(sd_bus_flush_close_unref) \
	X(sd_bus_call_method) X(sd_bus_message_new_method_call) \
	X(sd_bus_message_append) X(sd_bus_message_open_container) \
	X(sd_bus_message_close_container) X(sd_bus_call) \
	X(sd_bus_message_read) X(sd_bus_message_unref) \
	X(sd_bus_get_property_string) X(sd_bus_get_property_trivial) \
	X(sd_bus_error_free) X(sd_bus_error_has_name)

static struct {
#define SDBUS_POINTER(f) __typeof__(f) *f;
	SDBUS_SYMBOLS(SDBUS_POINTER)
#undef SDBUS_POINTER
} sdb;

#define SDBUS_SYMBOL(f) { #f, (void **) &sdb.f, DL_ADDR(CU_LINK_SYSTEMD, f) },
static const struct dl_symbol sdbus_symbols[] = { SDBUS_SYMBOLS(SDBUS_SYMBOL) };
#undef SDBUS_SYMBOL

#define SDBUS_SONAME	"libsystemd.so.0"
DL_NOTE_UNLESS(CU_LINK_SYSTEMD, "systemd", "cgroup delegation by systemd (cgset on a systemd host)",
	       DL_PRIORITY_RECOMMENDED, SDBUS_SONAME);

static struct dl_library sdbus_library = {
	.soname = SDBUS_SONAME,
	.symbols = sdbus_symbols,
	.nsymbols = ARRAY_SIZE(sdbus_symbols),
};

int cgunit_open(struct cgunit *u, struct cu_error *e)
{
	sd_bus *bus = NULL;
	int r;

	u->lockfd = -1;
	u->user = geteuid() != 0;
	r = dl_library_load(&sdbus_library, e);
	if (r < 0)
		return r;
	r = u->user ? sdb.sd_bus_open_user(&bus) : sdb.sd_bus_open_system(&bus);
	if (r < 0 && u->user)
		return cu_error_set(e, r, _("cannot connect to your systemd user manager's D-Bus (log in with a systemd user session, or use --parent or --no-systemd)"));
	if (r < 0)
		return cu_error_set(e, r, _("cannot connect to systemd's D-Bus (use --parent or --no-systemd to go without systemd)"));
	u->bus = bus;
	return 0;
}

void cgunit_close(struct cgunit *u)
{
	if (u->bus)
		sdb.sd_bus_flush_close_unref(u->bus);
	u->bus = NULL;
	cgunit_unlock(u);
	free(u->cgpath);
	u->cgpath = NULL;
}

enum unit_op { OP_LOOKUP, OP_PROPS, OP_START, OP_STOP };

/* One line naming the unit and the D-Bus error. */
static int bus_error(const struct cgunit *u, enum unit_op op, const sd_bus_error *be,
		     int r, struct cu_error *e)
{
	const char *n = be && be->name ? be->name : NULL;
	const char *msg = be && be->message ? be->message : "";

	switch (op) {
	case OP_LOOKUP:
		return n ? cu_error_set(e, 0, _("cannot look up unit %1$s: %2$s: %3$s"), u->name, n, msg) :
			   cu_error_set(e, r, _("cannot look up unit %s"), u->name);
	case OP_PROPS:
		return n ? cu_error_set(e, 0, _("cannot read the properties of unit %1$s: %2$s: %3$s"), u->name, n, msg) :
			   cu_error_set(e, r, _("cannot read the properties of unit %s"), u->name);
	case OP_START:
		return n ? cu_error_set(e, 0, _("cannot start unit %1$s: %2$s: %3$s"), u->name, n, msg) :
			   cu_error_set(e, r, _("cannot start unit %s"), u->name);
	case OP_STOP:
		break;
	}
	return n ? cu_error_set(e, 0, _("cannot stop unit %1$s: %2$s: %3$s"), u->name, n, msg) :
		   cu_error_set(e, r, _("cannot stop unit %s"), u->name);
}

/* The unit's object path, or NULL when it is not loaded. */
static int unit_object(struct cgunit *u, char **obj, struct cu_error *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path;
	int r;

	*obj = NULL;
	r = sdb.sd_bus_call_method(u->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit",
				   &be, &reply, "s", u->name);
	if (r < 0) {
		if (sdb.sd_bus_error_has_name(&be, "org.freedesktop.systemd1.NoSuchUnit"))
			r = 0;
		else
			r = bus_error(u, OP_LOOKUP, &be, r, e);
		sdb.sd_bus_error_free(&be);
		return r;
	}
	r = sdb.sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		*obj = xstrdup(path);
	sdb.sd_bus_message_unref(reply);
	return r < 0 ? cu_error_set(e, r, _("cannot look up unit %s"), u->name) : 0;
}

static int get_string(struct cgunit *u, const char *obj, const char *iface,
		      const char *prop, char **out, struct cu_error *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	int r = sdb.sd_bus_get_property_string(u->bus, SD_DEST, obj, iface, prop, &be, out);

	if (r < 0)
		r = bus_error(u, OP_PROPS, &be, r, e);
	sdb.sd_bus_error_free(&be);
	return r;
}

int cgunit_find(struct cgunit *u, struct cu_error *e)
{
	_cleanup_free_ char *obj = NULL, *state = NULL, *cg = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	int r, delegate = 0;

	free(u->cgpath);
	u->cgpath = NULL;
	r = unit_object(u, &obj, e);
	if (r < 0 || !obj)
		return r;
	r = get_string(u, obj, "org.freedesktop.systemd1.Unit", "ActiveState", &state, e);
	if (r < 0)
		return r;
	if (!streq(state, "active"))
		return 0;	/* inactive, or stopping: as if not running */
	r = get_string(u, obj, "org.freedesktop.systemd1.Scope", "ControlGroup", &cg, e);
	if (r < 0)
		return r;
	r = sdb.sd_bus_get_property_trivial(u->bus, SD_DEST, obj, "org.freedesktop.systemd1.Scope",
					    "Delegate", &be, 'b', &delegate);
	if (r < 0) {
		r = bus_error(u, OP_PROPS, &be, r, e);
		sdb.sd_bus_error_free(&be);
		return r;
	}
	if (!delegate)
		return cu_error_set(e, 0, _("unit %s is not delegated (Delegate=no): cgset did not make it (stop it, or use --parent)"),
				    u->name);
	if (!cg || *cg != '/')
		return cu_error_set(e, 0, _("unit %s has no control group"), u->name);
	u->cgpath = xstrdup(cg + 1);
	return 0;
}

/* StartTransientUnit(name, mode, properties, aux) for the scope. */
static int start_call(struct cgunit *u, pid_t keeper, sd_bus_error *be)
{
	sd_bus_message *m = NULL, *reply = NULL;
	int r;

	r = sdb.sd_bus_message_new_method_call(u->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						"StartTransientUnit");
	if (r < 0)
		return r;
	r = sdb.sd_bus_message_append(m, "ss", u->name, "fail");
	if (r >= 0)
		r = sdb.sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sdb.sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
					      "Description", "s", "cgset control groups",
					      "Delegate", "b", 1,
					      "CPUAccounting", "b", 1,
					      "MemoryAccounting", "b", 1,
					      "TasksAccounting", "b", 1,
					      "IOAccounting", "b", 1,
					      "CollectMode", "s", "inactive-or-failed",
					      "PIDs", "au", 1, (uint32_t) keeper);
	if (r >= 0)
		r = sdb.sd_bus_message_close_container(m);
	if (r >= 0)
		r = sdb.sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = sdb.sd_bus_call(u->bus, m, 0, be, &reply);
	sdb.sd_bus_message_unref(reply);
	sdb.sd_bus_message_unref(m);
	return r;
}

/* Wait until systemd has moved the keeper into the scope; its group then. */
static char *wait_placed(const struct cgunit *u, pid_t keeper)
{
	unsigned int waited;

	for (waited = 0; waited < CGUNIT_WAIT_MS; waited += 5) {
		char *g = keeper_group(keeper);
		const char *last = g ? strrchr(g, '/') : NULL;

		if (g && streq(last ? last + 1 : g, u->name))
			return g;
		free(g);
		sleep_ms(5);
	}
	return NULL;
}

/*
 * The D-Bus call, narrated (issue 19): a note in --explain (it is a
 * message to systemd, not a system call), a step in a plan.
 */
static bool start_step(const struct cgunit *u, pid_t holder)
{
	struct explain_step st;
	char call[512], pid[32];

	if (!explain_on())
		return true;
	if (holder > 0)
		snprintf(pid, sizeof(pid), "%d", (int) holder);
	else
		snprintf(pid, sizeof(pid), "PID");
	snprintf(call, sizeof(call),
		 "D-Bus %s org.freedesktop.systemd1.Manager.StartTransientUnit(\"%s\", \"fail\", [Delegate=yes, PIDs=[%s], ...])",
		 u->user ? "--user" : "--system", u->name, pid);
	if (explain_begin(&st, u->user ? EXPLAIN_PRIV_NONE : EXPLAIN_PRIV_SYSTEMD, "%s", call)) {
		explain_note("%s  [%s]", call, "systemd-run --scope -p Delegate=yes");
		return true;
	}
	explain_concept(&st, "systemd-run --scope -p Delegate=yes");
	explain_end(&st, 0, 0);
	return false;
}

int cgunit_start(struct cgunit *u, const char *v2mount, pid_t self, struct cu_error *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *dir = NULL;
	pid_t holder;
	int r;

	if (explain_dry_run()) {
		/* no keeper, no call: the unit's group is a placeholder */
		(void) start_step(u, self);
		free(u->cgpath);
		if (xasprintf(&u->cgpath, "<%s>", u->name) < 0)
			return -ENOMEM;
		u->planned = true;
		if (xasprintf(&dir, "%s/%s", v2mount, u->cgpath) < 0)
			return -ENOMEM;
		return keeper_settle(dir, self, e);
	}
	holder = self > 0 ? self : keeper_spawn(e);

	if (holder < 0)
		return holder;
	(void) start_step(u, holder);
	r = start_call(u, holder, &be);
	if (r < 0) {
		if (!self)
			(void) kill(holder, SIGKILL); /* ours, never placed */
		if (!self && sdb.sd_bus_error_has_name(&be, "org.freedesktop.systemd1.UnitExists")) {
			sdb.sd_bus_error_free(&be);
			return cgunit_find(u, e); /* another cgset started it */
		}
		r = bus_error(u, OP_START, &be, r, e);
		sdb.sd_bus_error_free(&be);
		return r;
	}
	free(u->cgpath);
	u->cgpath = wait_placed(u, holder);
	if (!u->cgpath) {
		if (!self)
			(void) kill(holder, SIGKILL); /* the scope ends with it */
		return cu_error_set(e, ETIMEDOUT, _("unit %s did not start within 10 s"), u->name);
	}
	u->started = true;
	u->own = self > 0;
	if (xasprintf(&dir, "%s/%s", v2mount, u->cgpath) < 0)
		return -ENOMEM;
	r = keeper_settle(dir, holder, e);
	if (r < 0 && !self)
		(void) kill(holder, SIGKILL); /* the scope ends with it */
	return r;
}

int cgunit_stop_if_unused(struct cgunit *u, const char *dir, struct cu_error *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	unsigned int waited;
	int r;

	if (!u->bus || u->own || file_dir_has_subdirs(dir, CGUNIT_KEEPER))
		return 0;
	r = sdb.sd_bus_call_method(u->bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit",
				   &be, NULL, "ss", u->name, "fail");
	if (r < 0) {
		if (sdb.sd_bus_error_has_name(&be, "org.freedesktop.systemd1.NoSuchUnit"))
			r = 0;
		else
			r = bus_error(u, OP_STOP, &be, r, e);
		sdb.sd_bus_error_free(&be);
		return r;
	}
	for (waited = 0; waited < CGUNIT_WAIT_MS && path_is_dir(dir); waited += 5)
		sleep_ms(5);
	return 0;
}

#else /* !HAVE_LIBSYSTEMD */

int cgunit_open(struct cgunit *u, struct cu_error *e)
{
	u->lockfd = -1;
	return cu_error_set(e, 0, _("this is a systemd host, but cgset was built without libsystemd (use --parent or --no-systemd)"));
}

void cgunit_close(struct cgunit *u)
{
	cgunit_unlock(u);
	free(u->cgpath);
	u->cgpath = NULL;
}

int cgunit_find(struct cgunit *u, struct cu_error *e)
{
	(void) u;
	return cu_error_set(e, ENOTSUP, _("cannot look up unit %s"), u->name);
}

int cgunit_start(struct cgunit *u, const char *v2mount, pid_t self, struct cu_error *e)
{
	(void) u;
	(void) v2mount;
	(void) self;
	return cu_error_set(e, ENOTSUP, _("cannot start unit %s"), u->name);
}

int cgunit_stop_if_unused(struct cgunit *u, const char *dir, struct cu_error *e)
{
	(void) u;
	(void) dir;
	(void) e;
	return 0;
}

#endif /* HAVE_LIBSYSTEMD */
