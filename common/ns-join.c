// SPDX-License-Identifier: GPL-2.0-or-later
/* ns-join.c - join a running process's namespaces, root, cwd, environment, cgroups */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "cgroup.h"
#include "explain.h"
#include "fileutils.h"
#include "strutils.h"
#include "ns-join.h"
#include "ns.h"
#include "syscalls.h"

/*
 * Fill @e with "MSG: reason (HINT)" (no hint: "MSG: reason") and return
 * -errnum.  The message is complete, so e->errnum is left 0.
 */
static int __printf(4, 5) fail(struct cu_error *e, int errnum, const char *hint,
				const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	if (hint)
		/* TRANSLATORS: what failed, the system's reason, and the fix */
		cu_error_set(e, 0, _("%1$s: %2$s (%3$s)"), msg, strerror(errnum), hint);
	else
		cu_error_set(e, 0, "%s: %s", msg, strerror(errnum));
	return -errnum;
}

static size_t type_index(const struct ns_type *type)
{
	return (size_t) (type - ns_types);
}

int nsjoin_target_open(pid_t pid, struct nsjoin_target *t, struct cu_error *e)
{
	t->pid = pid;
	t->procfd = -1;
	/* fds of pidfd_open are close-on-exec by definition */
	t->pidfd = sys_pidfd_open(pid, 0);
	/* the process is held by its pidfd throughout: no PID reuse race */
	if (t->pidfd < 0 && errno == ENOSYS)
		return cu_error_set(e, 0, _("cannot open process %d: this kernel has no pidfd_open (joining a process needs Linux 5.3 or later)"),
				    (int) pid);
	if (t->pidfd < 0)
		return fail(e, errno, errno == ESRCH ? _("is it still running?") : NULL,
			    _("cannot open process %d"), (int) pid);
	return 0;
}

/*
 * The target's /proc/PID directory, opened on first use: joining by pidfd
 * alone needs none.  It is bound to the process it was opened for (a new
 * process with the same PID has another), and that is the pidfd's process
 * if the pidfd's process still runs after the open.  The fd or -errno.
 */
static int target_proc(struct nsjoin_target *t, struct cu_error *e)
{
	char path[32];
	int r;

	if (t->procfd >= 0)
		return t->procfd;
	snprintf(path, sizeof(path), "/proc/%d", (int) t->pid);
	t->procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->procfd < 0)
		return fail(e, errno, NULL, _("cannot open %s"), path);
	r = nsjoin_target_check(t, e);
	if (r < 0) {
		close(t->procfd);
		t->procfd = -1;
		return r;
	}
	return t->procfd;
}

void nsjoin_target_close(struct nsjoin_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->procfd >= 0)
		close(t->procfd);
	t->pidfd = t->procfd = -1;
}

int nsjoin_target_check(const struct nsjoin_target *t, struct cu_error *e)
{
	if (sys_pidfd_send_signal(t->pidfd, 0, NULL, 0) == 0 || errno == EPERM)
		return 0;
	return fail(e, errno, NULL, _("process %d has exited"), (int) t->pid);
}

static int target_stat(struct nsjoin_target *t, const struct ns_type *type,
		       ino_t *ino, struct cu_error *e)
{
	char name[32];
	int procfd = target_proc(t, e);

	if (procfd < 0)
		return procfd;
	snprintf(name, sizeof(name), "ns/%s", type->name);
	return ns_link_inode(procfd, name, ino);
}

/* target_stat() with the error explained; the caller checks the target after. */
static int target_stat_or_fail(struct nsjoin_target *t, const struct ns_type *type,
			       ino_t *ino, struct cu_error *e)
{
	int r = target_stat(t, type, ino, e);

	if (r < 0 && t->procfd < 0)
		return r;	/* /proc/PID itself: @e says why */
	if (r == -EACCES || r == -EPERM)
		return fail(e, -r, _("run as root or as the owner of the process"),
			    _("cannot read the namespaces of process %d"), (int) t->pid);
	if (r < 0)
		return fail(e, -r, NULL, _("cannot read /proc/%1$d/ns/%2$s"),
			    (int) t->pid, type->name);
	return 0;
}

int nsjoin_target_inode(struct nsjoin_target *t, const struct ns_type *type,
			ino_t *ino, struct cu_error *e)
{
	int r = target_stat_or_fail(t, type, ino, e);

	return r < 0 ? r : nsjoin_target_check(t, e);
}

int nsjoin_target_differ(struct nsjoin_target *t, int *mask, struct cu_error *e)
{
	_cleanup_close_ int self = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned noted = 0;
	size_t i;

	*mask = 0;
	if (self < 0)
		return fail(e, errno, NULL, _("cannot open %s"), "/proc/self/ns");
	for (i = 0; i < NS_NTYPES; i++) {
		ino_t theirs, ours;
		int r;

		if (ns_link_inode(self, ns_types[i].name, &ours) < 0)
			continue;	/* a type this kernel lacks */
		r = target_stat(t, &ns_types[i], &theirs, e);
		if ((r == -EACCES || r == -EPERM) && t->procfd >= 0 && explain_dry_run()) {
			/* a privileged read: the plan says so and assumes they differ */
			if (!noted++)
				explain_note(N_("which namespaces of process %d differ from ours is for root or its owner to read: the plan assumes all but the user namespace"),
					     (int) t->pid);
			if (ns_types[i].flag != CLONE_NEWUSER)
				*mask |= ns_types[i].flag;
			continue;
		}
		r = r < 0 ? target_stat_or_fail(t, &ns_types[i], &theirs, e) : 0;
		if (r < 0)
			return r;
		if (theirs != ours)
			*mask |= ns_types[i].flag;
	}
	/* the inodes were the target's only if it still runs now */
	return nsjoin_target_check(t, e);
}

void nsjoin_set_init(struct nsjoin_set *s)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++) {
		s->fd[i] = -1;
		s->path[i] = NULL;
	}
	s->target_mask = 0;
}

void nsjoin_set_free(struct nsjoin_set *s)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		free(s->path[i]);
	}
	nsjoin_set_init(s);
}

int nsjoin_set_mask(const struct nsjoin_set *s)
{
	int mask = s->target_mask;
	size_t i;

	for (i = 0; i < NS_NTYPES; i++)
		if (!ex_fd_failed(s->fd[i]))	/* a dry run's placeholder too */
			mask |= ns_types[i].flag;
	return mask;
}

void nsjoin_set_fd(struct nsjoin_set *s, const struct ns_type *type, int fd,
		   const char *what)
{
	size_t i = type_index(type);

	if (s->fd[i] >= 0)
		close(s->fd[i]);
	free(s->path[i]);
	s->fd[i] = fd;
	s->path[i] = xstrdup(what);
}

/* Check that @fd, opened from @path, is a namespace of type @type. */
static int check_ns_fd(int fd, const struct ns_type *type, const char *path,
		       struct cu_error *e)
{
	const struct ns_type *is;
	int r = ns_fd_type(fd);

	if (r == -ENOTTY || r == -EINVAL)
		return cu_error_set(e, 0, _("not a namespace file: %1$s (give /proc/PID/ns/%2$s or a bind mount of it)"),
				    path, type->name);
	if (r < 0)
		return fail(e, -r, NULL, _("cannot read the namespace type of %s"), path);
	is = ns_type_by_flag(r);
	if (r != type->flag)
		return cu_error_set(e, 0, _("wrong namespace type: %1$s is a %2$s namespace, not %3$s"),
				    path, is ? is->name : "?", type->name);
	return 0;
}

int nsjoin_set_file(struct nsjoin_set *s, const struct ns_type *type,
		    const char *path, struct cu_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0 && explain_dry_run() && (errno == EACCES || errno == EPERM)) {
		struct explain_step st;

		/* a privileged read: the plan shows it and goes on without it */
		(void) explain_step_begin(&st, EXPLAIN_PRIV_SETNS,
					  _("run as root or as the owner of the process"),
					  "openat(AT_FDCWD, \"%s\", O_RDONLY|O_CLOEXEC)", path);
		nsjoin_set_fd(s, type, EXPLAIN_DRY_FD, path);
		return 0;
	}
	if (fd < 0)
		return fail(e, errno, errno == EACCES ? _("run as root or as the owner of the process") : NULL,
			    _("cannot open %s"), path);
	r = check_ns_fd(fd, type, path, e);
	if (r < 0) {
		close(fd);
		return r;
	}
	nsjoin_set_fd(s, type, fd, path);
	return 0;
}

/* Turn the target part of @s into files of /proc/PID/ns (the fallback). */
static int open_target_files(struct nsjoin_set *s, struct nsjoin_target *t,
			     struct cu_error *e)
{
	int procfd = target_proc(t, e);
	size_t i;

	if (procfd < 0)
		return procfd;
	for (i = 0; i < NS_NTYPES; i++) {
		char name[32], what[64];
		int fd;

		if (!(s->target_mask & ns_types[i].flag) || s->fd[i] >= 0)
			continue;
		snprintf(name, sizeof(name), "ns/%s", ns_types[i].name);
		snprintf(what, sizeof(what), "/proc/%d/%s", (int) t->pid, name);
		fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(e, errno, errno == EACCES ? _("run as root or as the owner of the process") : NULL,
				    _("cannot open %s"), what);
		nsjoin_set_fd(s, &ns_types[i], fd, what);
	}
	s->target_mask = 0;
	return nsjoin_target_check(t, e);
}

/* Is the user namespace behind @fd the one of inode @ours? */
static bool is_userns(int fd, ino_t ours)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_ino == ours;
}

static int enter_failed(const struct nsjoin_set *s, size_t i, int errnum,
			ino_t our_userns, struct cu_error *e)
{
	const char *hint = NULL;

	if (errnum == EPERM || errnum == EACCES)
		hint = _("run as root, or as the owner of its user namespace with --user");
	else if (errnum == EINVAL && ns_types[i].flag == CLONE_NEWUSER &&
		 is_userns(s->fd[i], our_userns))
		hint = _("it is already ours: leave out --user");
	else if (errnum == EINVAL && ns_types[i].flag == CLONE_NEWPID)
		hint = _("only our own PID namespace or one below it can be entered");
	return fail(e, errnum, hint, _("cannot enter %1$s namespace %2$s"),
		    ns_types[i].name, s->path[i]);
}

/*
 * One pass over the files of @s; failures are reported when @report
 * (@our_userns, taken before the first setns, explains an EINVAL).
 */
static int enter_files(struct nsjoin_set *s, bool with_user, bool report,
		       ino_t our_userns, struct cu_error *e)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++) {
		if (ex_fd_failed(s->fd[i]))	/* none, or a dry run's placeholder */
			continue;
		if (!with_user && ns_types[i].flag == CLONE_NEWUSER)
			continue;
		if (ex_setns(s->fd[i], ns_types[i].flag) < 0) {
			if (report)
				return enter_failed(s, i, errno, our_userns, e);
			continue;	/* pending: retried in the second pass */
		}
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
	return 0;
}

static int enter_by_pidfd(struct nsjoin_set *s, const struct nsjoin_target *t,
			  struct cu_error *e)
{
	if (ex_setns(t->pidfd, s->target_mask) == 0) {
		s->target_mask = 0;
		return 0;
	}
	if (errno == ESRCH)
		return fail(e, errno, NULL, _("process %d has exited"), (int) t->pid);
	/*
	 * EINVAL: a kernel before 5.8 (no pidfd in setns), or one of the
	 * namespaces cannot be entered; the per-file way tells which.
	 */
	return 1;
}

int nsjoin_enter(struct nsjoin_set *s, struct nsjoin_target *t,
		 struct cu_error *e)
{
	bool files = false;
	ino_t userns;
	size_t i;
	int r;

	for (i = 0; i < NS_NTYPES; i++)
		files |= !ex_fd_failed(s->fd[i]);
	if (s->target_mask && !files) {
		r = enter_by_pidfd(s, t, e);
		if (r <= 0)
			return r;
	}
	if (s->target_mask) {
		r = open_target_files(s, t, e);
		if (r < 0)
			return r;
	}
	if (ns_inode(0, ns_type_by_flag(CLONE_NEWUSER), &userns) < 0)
		userns = 0;	/* only for a hint */
	(void) enter_files(s, false, false, userns, e);	/* failures stay pending */
	return enter_files(s, true, true, userns, e);
}

int nsjoin_open_dir(struct nsjoin_target *t, const char *which,
		    const char *path, struct cu_error *e)
{
	int fd, procfd;

	if (path) {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return fail(e, errno, NULL, _("cannot open directory %s"), path);
		return fd;
	}
	procfd = target_proc(t, e);
	if (procfd < 0)
		return procfd;
	fd = openat(procfd, which, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && explain_dry_run() && (errno == EACCES || errno == EPERM)) {
		struct explain_step s;

		/* a privileged read: the plan shows it and goes on without it */
		(void) explain_step_begin(&s, EXPLAIN_PRIV_SETNS,
					  _("run as root or as the owner of the process"),
					  "open(\"/proc/%d/%s\", O_PATH|O_DIRECTORY)", (int) t->pid, which);
		return EXPLAIN_DRY_FD;
	}
	if (fd < 0)
		return fail(e, errno, errno == EACCES ? _("run as root or as the owner of the process") : NULL,
			    _("cannot open /proc/%1$d/%2$s"), (int) t->pid, which);
	return fd;
}

int nsjoin_chroot_chdir(int rootfd, int wdfd, struct cu_error *e)
{
	if (!ex_fd_failed(rootfd)) {
		struct explain_step s;
		long r = 0;

		if (rootfd >= 0 && fchdir(rootfd) < 0)
			return fail(e, errno, NULL, _("cannot change directory to the new root"));

		if (explain_step_begin(&s, EXPLAIN_PRIV_MOUNT, "chroot .", "chroot(\".\")"))
			r = chroot(".");
		if (explain_step_end(&s, r) < 0)
			return fail(e, errno, NULL, _("cannot change the root directory"));
		if (wdfd < 0 && chdir("/") < 0)
			return fail(e, errno, NULL, _("cannot change directory to %s"), "/");
	}
	if (wdfd >= 0 && fchdir(wdfd) < 0)
		return fail(e, errno, NULL, _("cannot change the working directory"));
	return 0;
}

/* Read all of the file @name under the target's /proc dir; NUL-terminated. */
static int read_target_file(struct nsjoin_target *t, const char *name,
			    char **buf, size_t *len, struct cu_error *e)
{
	int procfd = target_proc(t, e);
	_cleanup_close_ int fd = -1;
	int r;

	if (procfd < 0)
		return procfd;
	fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(e, errno, errno == EACCES ? _("run as root or as the owner of the process") : NULL,
			    _("cannot open /proc/%1$d/%2$s"), (int) t->pid, name);
	r = file_read_fd(fd, 0, buf, len);
	if (r < 0)
		return fail(e, -r, NULL, _("cannot read /proc/%1$d/%2$s"),
			    (int) t->pid, name);
	return nsjoin_target_check(t, e);
}

int nsjoin_read_env(struct nsjoin_target *t, char ***envp, struct cu_error *e)
{
	size_t len, count = 0, i = 0, off;
	char *buf, **env;
	int r = read_target_file(t, "environ", &buf, &len, e);

	if (r < 0)
		return r;
	for (off = 0; off < len; off += strlen(buf + off) + 1)
		count++;
	env = xcalloc(count + 2, sizeof(*env));
	/* slot 0 owns the buffer, so the caller frees one block */
	env[0] = buf;
	for (off = 0; off < len; off += strlen(buf + off) + 1)
		if (strchr(buf + off, '='))
			env[1 + i++] = buf + off;
	*envp = env + 1;
	return 0;
}

void nsjoin_env_free(char **envp)
{
	if (envp) {
		free(envp[-1]);
		free(envp - 1);
	}
}

/* --- the target's cgroups (cgroup.c does the joining) --------------------- */

int nsjoin_cgroup_open(struct nsjoin_target *t, struct cgroup_join *cg,
		       struct cu_error *e)
{
	struct cgroup_map m;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_target_file(t, "cgroup", &buf, &len, e);

	cg->n = 0;
	if (r < 0)
		return r;
	/* the real hierarchies, never a test's $CGSET_MOUNTINFO */
	r = cgroup_map_load_mounts(&m, e);
	/* on v1 as on v2 cgroup.procs: the whole process, not one thread */
	if (r == 0)
		r = cgroup_join_open(&m, buf, "cgroup.procs", cg, e);
	cgroup_map_free(&m);
	if (r == 0 && cg->n == 0)
		r = cu_error_set(e, 0, _("cannot join the cgroups of process %d: none of its cgroup hierarchies is mounted here"),
				 (int) t->pid);
	return r;
}
