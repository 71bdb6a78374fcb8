// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup.c - control groups on v1, v2 and hybrid hosts */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "cgroup.h"
#include "fileutils.h"
#include "strutils.h"
#include "syscalls.h"

static bool is_dir(const char *path);

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* --- where groups are named (the map itself: cgroup-map.c) ---------------- */

int cgroup_map_set_parent(struct cgroup_map *m, const char *parent,
			  struct cu_error *e)
{
	const char *rel = parent;
	int base = cgroup_base_hier(m), r;
	size_t i;

	while (*rel == '/')
		rel++;
	if (*rel && (r = cgroup_name_check(rel, e)) < 0)
		return r;
	for (i = 0; i < m->n; i++) {
		char *b;

		if (xasprintf(&b, "%s%s%s", m->h[i].mount, *rel ? "/" : "", rel) < 0)
			return -ENOMEM;
		free(m->h[i].base);
		m->h[i].base = b;
	}
	free(m->parent);
	m->parent = xstrdup(rel);
	if (*rel && base >= 0 && !is_dir(m->h[base].base))
		return cu_error_set(e, 0, _("parent group does not exist: %1$s (no directory %2$s: create it, or name another with --parent)"),
				    rel, m->h[base].base);
	return 0;
}

void cgroup_map_plan_parent(struct cgroup_map *m, const char *label)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->h[i].base);
		if (xasprintf(&m->h[i].base, "%s/%s", m->h[i].mount, label) < 0)
			m->h[i].base = xstrdup(m->h[i].mount);
	}
	free(m->parent);
	m->parent = xstrdup(label);
	m->planned = true;
}

/* --- names --------------------------------------------------------------- */

int cgroup_name_check(const char *name, struct cu_error *e)
{
	const char *p = name;

	if (*p == '/')
		p++;	/* libcgroup's "/NAME": relative to each hierarchy root */
	if (!*p)
		return cu_error_set(e, 0, _("invalid cgroup name: '%s': empty (give a name such as 'web' or 'web/db')"), name);
	for (const char *c = p; *c; c++)
		if (iscntrl((unsigned char) *c))
			return cu_error_set(e, 0, _("invalid cgroup name: '%s': control character (use printable characters)"), name);
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0)
			return cu_error_set(e, 0, _("invalid cgroup name: '%s': empty path component (remove the extra '/')"), name);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return cu_error_set(e, 0, _("invalid cgroup name: '%s': '.' and '..' components are not allowed (the name must stay inside the hierarchy)"), name);
		if (len > 255)
			return cu_error_set(e, 0, _("invalid cgroup name: '%s': component longer than 255 bytes"), name);
		p += len;
		if (*p == '/' && p[1] == '\0')
			return cu_error_set(e, 0, _("invalid cgroup name: '%s': empty path component (remove the extra '/')"), name);
		if (*p == '/')
			p++;
	}
	return 0;
}

/* --- groups -------------------------------------------------------------- */

static const char *rel_name(const char *name)
{
	return *name == '/' ? name + 1 : name;
}

static char *hier_path(const struct cgroup_map *m, size_t i, const char *name)
{
	char *p;

	if (xasprintf(&p, "%s/%s", m->h[i].base, rel_name(name)) < 0)
		err(cu_exit_failure, _("cannot allocate memory"));
	return p;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}


void cgroup_init(struct cgroup *g, const struct cgroup_map *m, const char *name)
{
	memset(g, 0, sizeof(*g));
	g->map = m;
	g->name = xstrdup(rel_name(name));
}

int cgroup_open(struct cgroup *g, const struct cgroup_map *m, const char *name,
		struct cu_error *e)
{
	bool any = false;
	size_t i;

	cgroup_init(g, m, name);
	for (i = 0; i < m->n; i++) {
		char *p = hier_path(m, i, name);
		struct stat st;

		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			g->path[i] = p;
			/* cgroupfs (kernfs), ext4, tmpfs: 2 + the number of subdirectories */
			g->nochild[i] = st.st_nlink == 2;
			any = true;
		} else
			free(p);
	}
	if (!any)
		return e ? cu_error_set(e, 0, _("no such cgroup: %1$s (create it with 'cgset create %1$s')"),
					g->name) : -ENOENT;
	return 0;
}

void cgroup_free(struct cgroup *g)
{
	size_t i;

	for (i = 0; i < CGROUP_MAX_HIER; i++)
		free(g->path[i]);
	for (i = 0; i < g->nenabled; i++)
		free(g->enabled[i].dir);
	for (i = 0; i < g->nancestors; i++)
		free(g->ancestors[i].dir);
	free(g->name);
	memset(g, 0, sizeof(*g));
}

static int write_file(const char *dir, const char *file, const char *value, bool emulated)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	if (xasprintf(&p, "%s/%s", dir, file) < 0)
		return -ENOMEM;
	/* a plan narrates the write below and makes neither it nor the open */
	fd = explain_dry_run() ? EXPLAIN_DRY_FD :
	     open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW |
		  (emulated ? O_CREAT | O_TRUNC : 0), 0644);
	if (fd < 0 && fd != EXPLAIN_DRY_FD)
		return -errno;
	n = ex_write_path(fd, value, len, p);
	if (n < 0)
		return -errno;
	return (size_t) n == len ? 0 : -EIO;
}

static int read_file(const char *dir, const char *file, char *buf, size_t len)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_close_ int fd = -1;
	size_t got = 0;
	ssize_t n = 0;

	if (xasprintf(&p, "%s/%s", dir, file) < 0)
		return -ENOMEM;
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t) n;
	if (n < 0)
		return -errno;
	buf[got] = '\0';
	while (got > 0 && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return 0;
}

int cgroup_read(const struct cgroup *g, size_t hier, const char *file,
		char *buf, size_t len)
{
	if (hier >= g->map->n || !g->path[hier])
		return -ENOENT;
	return read_file(g->path[hier], file, buf, len);
}

/* --- create -------------------------------------------------------------- */

/* The v1 hierarchy id of @ctrl in /proc/cgroups, 0 when it is not bound. */
static unsigned int v1_hierarchy_id(const char *ctrl)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "r" CU_CLOEXECSTR);
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\t ");

		if (n == strlen(ctrl) && strncmp(line, ctrl, n) == 0)
			return (unsigned int) strtoul(line + n, NULL, 10);
	}
	return 0;
}

static int enable_error(struct cgroup *g, const char *dir, const char *ctrl,
			int r, struct cu_error *e)
{
	int v1 = cgroup_hier_of(g->map, ctrl);
	unsigned int id = v1_hierarchy_id(ctrl);

	if (v1 >= 0 && g->map->h[v1].version == 1)
		return cu_error_set(e, 0, _("cannot enable controller %1$s in %2$s: it is bound to the cgroup v1 hierarchy %3$s (set it there, or free it from v1)"),
				    ctrl, dir, g->map->h[v1].mount);
	if ((r == -ENOENT || r == -EINVAL) && id > 0)
		return cu_error_set(e, 0, _("cannot enable controller %1$s in %2$s: it is bound to cgroup v1 (hierarchy %3$u in /proc/cgroups), so cgroup v2 cannot have it (use the v1 hierarchy, or unmount it there)"),
				    ctrl, dir, id);
	if (r == -EBUSY)
		return cu_error_set(e, 0, _("cannot enable controller %1$s in %2$s: the group has processes of its own (cgroup v2's no-internal-processes rule: move them into a child group first)"),
				    ctrl, dir);
	if (r == -ENOENT || r == -EINVAL)
		return cu_error_set(e, 0, _("cannot enable controller %1$s in %2$s: it is not in that group's cgroup.controllers (enable it in the parent above, or the kernel lacks it)"),
				    ctrl, dir);
	if (r == -EOPNOTSUPP)
		return cu_error_set(e, 0, _("cannot enable controller %1$s in %2$s: the group is threaded and %1$s is a domain controller"),
				    ctrl, dir);
	return cu_error_set(e, r, _("cannot enable controller %1$s in %2$s"), ctrl, dir);
}

static void record_enabled(struct cgroup *g, size_t hier, const char *dir,
			   const char *ctrl)
{
	if (g->nenabled == CGROUP_MAX_ENABLED)
		return;
	g->enabled[g->nenabled].hier = hier;
	g->enabled[g->nenabled].dir = xstrdup(dir);
	snprintf(g->enabled[g->nenabled].ctrl, sizeof(g->enabled[0].ctrl), "%s", ctrl);
	g->nenabled++;
}

/*
 * Enable the controllers of @ctrls that @dir's cgroup.subtree_control
 * lacks: all in one write, and when the kernel refuses, one by one so the
 * error names the controller (runc does the same).
 */
static int enable_level(struct cgroup *g, size_t hier, const char *dir,
			const char *ctrls, struct cu_error *e)
{
	bool emulated = g->map->h[hier].emulated;
	struct cgroup_hier have = { 0 };
	char cur[512], cmd[512] = "", one[40];
	const char *c = ctrls;
	int r;

	r = read_file(dir, "cgroup.subtree_control", cur, sizeof(cur));
	/* a plan's unit group does not exist yet: nothing enabled in it */
	if (r < 0 && !(r == -ENOENT && (emulated || g->map->planned)))
		return cu_error_set(e, r, _("cannot read %s/cgroup.subtree_control"), dir);
	have.controllers = r < 0 ? NULL : cur;
	for (; *c; c += strspn(c, " ,")) {
		size_t n = strcspn(c, " ,");

		snprintf(one, sizeof(one), "%.*s", (int) n, c);
		c += n;
		if (!cgroup_hier_has(&have, one) && strlen(cmd) + n + 3 < sizeof(cmd))
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s+%s",
				 *cmd ? " " : "", one);
	}
	if (!*cmd)
		return 0;
	if (write_file(dir, "cgroup.subtree_control", cmd, emulated) == 0) {
		for (c = cmd; *c; c += strspn(c, " ")) {
			size_t n = strcspn(c, " ");

			snprintf(one, sizeof(one), "%.*s", (int) n - 1, c + 1);
			record_enabled(g, hier, dir, one);
			c += n;
		}
		return 0;
	}
	for (c = cmd; *c; c += strspn(c, " ")) {
		size_t n = strcspn(c, " ");

		snprintf(one, sizeof(one), "%.*s", (int) n, c);
		c += n;
		r = write_file(dir, "cgroup.subtree_control", one, emulated);
		if (r < 0)
			return enable_error(g, dir, one + 1, r, e);
		record_enabled(g, hier, dir, one + 1);
	}
	return 0;
}

/* Enable @ctrls in every ancestor of the group, top down. */
static int enable_controllers(struct cgroup *g, size_t hier, const char *ctrls,
			      struct cu_error *e)
{
	const char *mount = g->map->h[hier].base;
	_cleanup_free_ char *dir = xstrdup(mount);
	const char *p = g->name;

	for (;;) {
		size_t len = strcspn(p, "/");
		int r = enable_level(g, hier, dir, ctrls, e);

		if (r < 0)
			return r;
		if (p[len] == '\0')
			return 0;
		free(dir);
		if (xasprintf(&dir, "%s/%.*s", mount, (int) (p + len - g->name), g->name) < 0)
			return -ENOMEM;
		p += len + 1;
	}
}

/* A new v1 cpuset group is empty: give it its parent's CPUs and nodes. */
static int cpuset_inherit(const char *path, bool emulated, struct cu_error *e)
{
	_cleanup_free_ char *parent = xstrdup(path);
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char buf[1024];
	size_t i;

	*strrchr(parent, '/') = '\0';
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		int r = read_file(parent, files[i], buf, sizeof(buf));

		if (r == 0 && *buf)
			r = write_file(path, files[i], buf, emulated);
		if (r < 0)
			return cu_error_set(e, r, _("cannot copy %1$s from %2$s"), files[i], parent);
	}
	return 0;
}

/* mkdir @path; a v1 cpuset group gets its parent's CPUs and nodes. */
static int make_dir(struct cgroup *g, size_t hier, const char *path,
		    struct cu_error *e)
{
	const struct cgroup_hier *h = &g->map->h[hier];

	if (ex_mkdir(path, 0755) < 0)
		return cu_error_set(e, errno, _("cannot create cgroup %s"), path);
	if (h->version == 1 && cgroup_hier_has(h, "cpuset"))
		return cpuset_inherit(path, h->emulated, e);
	return 0;
}

/*
 * The parent of a nested group may be missing in a hierarchy its limits
 * newly need (web exists in v2 only, web/db asks for memory): make those
 * ancestors too, as long as the parent group exists in the base hierarchy.
 */
static int make_ancestors(struct cgroup *g, size_t hier, const char *parent,
			  struct cu_error *e)
{
	const char *mount = g->map->h[hier].base;
	int base = cgroup_base_hier(g->map);
	_cleanup_free_ char *pname = xstrdup(g->name), *bparent = NULL;
	const char *p;

	*strrchr(pname, '/') = '\0';
	if (base >= 0 && (size_t) base != hier)
		bparent = hier_path(g->map, (size_t) base, pname);
	if (!bparent || !is_dir(bparent))
		return cu_error_set(e, 0, _("parent group does not exist: %s (create it first)"), parent);
	for (p = strchr(g->name, '/'); p; p = strchr(p + 1, '/')) {
		char *dir;
		int r;

		if (xasprintf(&dir, "%s/%.*s", mount, (int) (p - g->name), g->name) < 0)
			return -ENOMEM;
		if (is_dir(dir) || g->nancestors == CGROUP_MAX_ENABLED) {
			free(dir);
			continue;
		}
		r = make_dir(g, hier, dir, e);
		if (r < 0) {
			free(dir);
			return r;
		}
		g->ancestors[g->nancestors].hier = hier;
		g->ancestors[g->nancestors++].dir = dir;
	}
	return 0;
}

static int create_one(struct cgroup *g, size_t hier, const char *v2_ctrls,
		      struct cu_error *e)
{
	const struct cgroup_hier *h = &g->map->h[hier];
	char *p = hier_path(g->map, hier, g->name);
	_cleanup_free_ char *parent = xstrdup(p);
	int r = 0;

	*strrchr(parent, '/') = '\0';
	if (!is_dir(h->base) && !g->map->planned) {
		free(p);
		return cu_error_set(e, 0, _("parent group does not exist: %1$s in %2$s (make it there first, e.g. with 'cgset create %1$s' and a limit of that hierarchy)"),
				    g->map->parent, h->mount);
	}
	/* a top-level group's parent is the hierarchy's root (or --parent) */
	if (strchr(g->name, '/') && !is_dir(parent))
		r = make_ancestors(g, hier, parent, e);
	if (r == 0 && h->version == 2 && v2_ctrls && *v2_ctrls)
		r = enable_controllers(g, hier, v2_ctrls, e);
	if (r == 0)
		r = make_dir(g, hier, p, e);
	if (r < 0 && !is_dir(p)) {
		free(p);
		return r;
	}
	g->path[hier] = p;
	g->created[hier] = true;
	g->nochild[hier] = true;
	return r;
}

int cgroup_create(struct cgroup *g, uint32_t mask, const char *v2_ctrls,
		  struct cu_error *e)
{
	size_t i;

	for (i = 0; i < g->map->n; i++) {
		int r;

		if (!(mask & (1U << i)))
			continue;
		if (g->path[i] && g->map->h[i].version == 2 && v2_ctrls && *v2_ctrls)
			r = enable_controllers(g, i, v2_ctrls, e);
		else if (g->path[i])
			continue;
		else
			r = create_one(g, i, v2_ctrls, e);
		if (r < 0) {
			cgroup_rollback(g);
			return r;
		}
	}
	return 0;
}

/* rmdir, and in an emulated tree remove the plain files first. */
static int remove_dir(const char *path, bool emulated)
{
	if (emulated && !explain_dry_run()) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (de->d_type == DT_REG)
				/* rmdir below reports whatever is left */
				(void) unlinkat(dirfd(d), de->d_name, 0);
		if (d)
			closedir(d);
	}
	return ex_rmdir(path) < 0 ? -errno : 0;
}

void cgroup_rollback(struct cgroup *g)
{
	size_t i;

	explain_note(N_("rollback: removing the groups just made, in reverse"));
	for (i = g->map->n; i-- > 0;) {
		if (!g->created[i])
			continue;
		/* just made and never used: nothing keeps it busy */
		(void) remove_dir(g->path[i], g->map->h[i].emulated);
		free(g->path[i]);
		g->path[i] = NULL;
		g->created[i] = false;
	}
	while (g->nancestors > 0) {
		struct cgroup_enabled *an = &g->ancestors[--g->nancestors];

		/* made by us a moment ago, and now empty again */
		(void) remove_dir(an->dir, g->map->h[an->hier].emulated);
		free(an->dir);
	}
	while (g->nenabled > 0) {
		struct cgroup_enabled *en = &g->enabled[--g->nenabled];
		char cmd[40];

		snprintf(cmd, sizeof(cmd), "-%s", en->ctrl);
		/* best effort: a sibling may have started to use it meanwhile */
		(void) write_file(en->dir, "cgroup.subtree_control", cmd,
				  g->map->h[en->hier].emulated);
		free(en->dir);
	}
}

void cgroup_commit(struct cgroup *g)
{
	size_t i;

	for (i = 0; i < CGROUP_MAX_HIER; i++)
		g->created[i] = false;
	for (i = 0; i < g->nenabled; i++)
		free(g->enabled[i].dir);
	g->nenabled = 0;
	for (i = 0; i < g->nancestors; i++)
		free(g->ancestors[i].dir);
	g->nancestors = 0;
}

/* --- writes -------------------------------------------------------------- */

/* v2 would OOM-kill at once: refuse memory.max below memory.current. */
static int check_memory_max(struct cgroup *g, size_t hier, const char *value,
			    struct cu_error *e)
{
	char buf[64];
	uint64_t want, cur;

	if (parse_u64(value, &want) < 0 ||
	    read_file(g->path[hier], "memory.current", buf, sizeof(buf)) < 0 ||
	    parse_u64(buf, &cur) < 0 || want >= cur)
		return 0;
	return cu_error_set(e, 0, _("memory limit below current usage: %1$s for %2$s (it uses %3$s bytes: raise the limit, or free memory first)"),
			    value, g->name, buf);
}

static int write_error(struct cgroup *g, size_t hier, const char *file,
		       const char *value, int r, struct cu_error *e)
{
	const char *dir = g->path[hier];
	char cur[64];
	int h;

	if (r == -ENOENT) {
		h = cgroup_hier_of_file(g->map, file);
		if (h >= 0 && (size_t) h != hier)
			return cu_error_set(e, 0, _("no such interface file: %1$s in %2$s (that controller lives in %3$s on this host)"),
					    file, dir, g->map->h[h].mount);
		if (g->map->h[hier].version == 1)
			return cu_error_set(e, 0, _("no such interface file: %1$s in %2$s (this controller is a cgroup v1 controller on this host: use its v1 file, e.g. cpu.cfs_quota_us for cpu.max, or --cpu, --memory, ...)"),
					    file, dir);
		return cu_error_set(e, 0, _("no such interface file: %1$s in %2$s (this is cgroup v2: use the v2 file, e.g. cpu.max for cpu.cfs_quota_us, or --cpu, --memory, ...)"),
				    file, dir);
	}
	if (r == -EBUSY && streq(file, "memory.limit_in_bytes") &&
	    read_file(dir, "memory.usage_in_bytes", cur, sizeof(cur)) == 0)
		return cu_error_set(e, 0, _("memory limit below current usage: %1$s for %2$s (it uses %3$s bytes: raise the limit, or free memory first)"),
				    value, g->name, cur);
	if (r == -EINVAL && (streq(file, "cpu.cfs_quota_us") || streq(file, "cpu.max")))
		return cu_error_set(e, 0, _("CPU quota refused: %1$s: %2$s (the quota must be at least 1000 µs, or max)"),
				    file, value);
	if ((r == -EINVAL || r == -ENOSPC || r == -ERANGE) && startswith(file, "cpuset."))
		return cu_error_set(e, 0, _("cpuset refused: %1$s=%2$s: the kernel rejects it (use CPUs and nodes the parent has)"),
				    file, value);
	return cu_error_set(e, r, _("cannot write %1$s to %2$s/%3$s"), value, dir, file);
}

int cgroup_write(struct cgroup *g, size_t hier, const char *file,
		 const char *value, struct cu_error *e)
{
	int r;

	if (hier >= g->map->n || !g->path[hier])
		return cu_error_set(e, ENOENT, _("cannot write %s"), file);
	if (strchr(file, '/'))
		return cu_error_set(e, 0, _("invalid interface file name: %s"), file);
	/* a group made a moment ago uses no memory yet */
	if (streq(file, "memory.max") && g->map->h[hier].version == 2 && !g->created[hier]) {
		r = check_memory_max(g, hier, value, e);
		if (r < 0)
			return r;
	}
	r = write_file(g->path[hier], file, value, g->map->h[hier].emulated);
	if (r < 0)
		return write_error(g, hier, file, value, r, e);
	return 0;
}

/* --- membership ---------------------------------------------------------- */

static int attach_error(struct cgroup *g, size_t hier, const char *buf, int r,
			struct cu_error *e)
{
	if (r == -ENOSPC)
		return cu_error_set(e, 0, _("cannot move process %1$s into %2$s: its cpuset is empty (set --cpuset, or cpuset.cpus and cpuset.mems)"),
				    buf, g->path[hier]);
	if (r == -EBUSY && g->map->h[hier].version == 2)
		return cu_error_set(e, 0, _("cannot move process %1$s into %2$s: it has child groups with controllers (cgroup v2's no-internal-processes rule: use a leaf group)"),
				    buf, g->path[hier]);
	return cu_error_set(e, r, _("cannot move process %1$s into %2$s"), buf, g->path[hier]);
}

int cgroup_attach_hier(struct cgroup *g, size_t hier, pid_t pid, struct cu_error *e)
{
	char buf[32];
	int r;

	snprintf(buf, sizeof(buf), "%d", (int) (pid ? pid : getpid()));
	r = write_file(g->path[hier], "cgroup.procs", buf, g->map->h[hier].emulated);
	return r < 0 ? attach_error(g, hier, buf, r, e) : 0;
}

int cgroup_attach_self(struct cgroup *g, size_t hier, struct cu_error *e)
{
	char buf[32];
	int r;

	if (g->map->h[hier].version == 2)
		return cgroup_attach_hier(g, hier, 0, e);
	/* cgroup.procs would wait for an RCU grace period: ~10 ms here */
	r = write_file(g->path[hier], "tasks", "0", g->map->h[hier].emulated);
	if (r == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%d", (int) getpid());
	return attach_error(g, hier, buf, r, e);
}

/* Move the process back to the groups @orig (from /proc/PID/cgroup). */
static void attach_undo(struct cgroup *g, size_t upto, char *const orig[], pid_t pid)
{
	char buf[32];
	size_t i;

	snprintf(buf, sizeof(buf), "%d", (int) (pid ? pid : getpid()));
	explain_note(N_("rollback: moving the process back to its groups"));
	for (i = 0; i < upto; i++) {
		_cleanup_free_ char *dir = NULL;

		if (!orig[i] || !(dir = cgroup_hier_dir(&g->map->h[i], orig[i])))
			continue;
		/* best effort: the process may be gone, or its old group */
		(void) write_file(dir, "cgroup.procs", buf, g->map->h[i].emulated);
	}
}

int cgroup_attach(struct cgroup *g, pid_t pid, struct cu_error *e)
{
	char *orig[CGROUP_MAX_HIER] = { NULL };
	_cleanup_free_ char *text = cgroup_proc_read(pid);
	size_t i;
	int r = 0;

	if (text)
		cgroup_proc_paths(g->map, text, orig);
	/* where the group is not, the process stays: nothing to move back */
	for (i = 0; i < g->map->n; i++)
		if (!g->path[i] || g->map->h[i].emulated) {
			free(orig[i]);
			orig[i] = NULL;
		}
	for (i = 0; i < g->map->n && r == 0; i++)
		if (g->path[i])
			r = cgroup_attach_hier(g, i, pid, e);
	if (r < 0)
		attach_undo(g, i - 1, orig, pid);
	for (i = 0; i < g->map->n; i++)
		free(orig[i]);
	return r;
}

/* Open @file of the group at @path (from /proc/PID/cgroup) in hierarchy @h. */
static int join_open_one(struct cgroup_join *j, const struct cgroup_hier *h,
			 const char *path, const char *file, struct cu_error *e)
{
	_cleanup_free_ char *p = NULL;
	char *dir = cgroup_hier_dir(h, path);
	int fd;

	if (!dir)
		return 0;	/* outside the subtree mounted here */
	if (xasprintf(&p, "%s/%s", dir, file) < 0) {
		free(dir);
		return -ENOMEM;
	}
	/* a plan writes nothing: the write is narrated only */
	fd = explain_dry_run() ? EXPLAIN_DRY_FD : open(p, O_WRONLY | O_CLOEXEC);
	if (ex_fd_failed(fd)) {
		int r = cu_error_set(e, errno, _("cannot open %s"), p);

		free(dir);
		return r;
	}
	j->fd[j->n] = fd;
	j->dir[j->n++] = dir;
	return 0;
}

int cgroup_join_open(const struct cgroup_map *m, const char *text, const char *file,
		     struct cgroup_join *j, struct cu_error *e)
{
	bool done[CGROUP_MAX_HIER] = { false };
	char *path;
	int h, r = 0;

	j->n = 0;
	j->file = file;
	/* in the kernel's order; a hierarchy of the text not mounted here is left out */
	while (r == 0 && (h = cgroup_proc_next(m, &text, &path)) >= 0) {
		if (!done[h])
			r = join_open_one(j, &m->h[h], path, file, e);
		done[h] = true;
		free(path);
	}
	if (r < 0)
		cgroup_join_free(j);
	return r;
}

int cgroup_join_write(struct cgroup_join *j, struct cu_error *e)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		_cleanup_free_ char *p = NULL;

		if (xasprintf(&p, "%s/%s", j->dir[i], j->file) < 0)
			return -ENOMEM;
		/* "0" is the writer itself, in every PID namespace */
		if (ex_write_path(j->fd[i], "0", 1, p) != 1)
			return cu_error_set(e, errno, _("cannot join cgroup %s"), j->dir[i]);
	}
	cgroup_join_free(j);
	return 0;
}

void cgroup_join_free(struct cgroup_join *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		if (j->fd[i] >= 0)
			close(j->fd[i]);
		free(j->dir[i]);
	}
	j->n = 0;
}

int cgroup_open_v2_fd(const struct cgroup *g)
{
	int fd;

	if (g->map->v2 < 0 || !g->path[g->map->v2] || g->map->h[g->map->v2].emulated)
		return -ENOENT;
	fd = open(g->path[g->map->v2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Count the lines of @dir/cgroup.procs, or kill each of those processes. */
static int procs_each(const char *dir, int sig)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char line[32];
	int n = 0;

	if (xasprintf(&p, "%s/cgroup.procs", dir) < 0)
		return -ENOMEM;
	f = fopen(p, "r" CU_CLOEXECSTR);
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		uint32_t pid;

		line[strcspn(line, "\n")] = '\0';
		if (sig && parse_u32(line, &pid) == 0 && pid > 0)
			(void) ex_kill((pid_t) pid, sig); /* ESRCH: gone already */
		n++;
	}
	return n;
}

int cgroup_count_procs(const struct cgroup *g)
{
	int most = 0;
	size_t i;

	/* the same process is listed in every hierarchy: the largest count */
	for (i = 0; i < g->map->n; i++) {
		int n;

		if (!g->path[i] || g->map->h[i].emulated)
			continue;
		n = procs_each(g->path[i], 0);
		if (n < 0)
			return n;
		if (n > most)
			most = n;
	}
	return most;
}

int cgroup_wait_empty(const struct cgroup *g, unsigned int ms)
{
	unsigned int waited = 0, step = 1;

	for (;;) {
		int n = cgroup_count_procs(g);

		if (n <= 0)
			return n;
		if (waited >= ms)
			return -EBUSY;
		sleep_ms(step);
		waited += step;
		if (step < 32)
			step *= 2;
	}
}

/* --- freeze and kill ------------------------------------------------------ */

static bool freeze_done(const struct cgroup *g, size_t hier, bool freeze)
{
	char buf[512];

	if (g->map->h[hier].version == 2) {
		const char *p;

		if (read_file(g->path[hier], "cgroup.events", buf, sizeof(buf)) < 0)
			return false;
		p = strstr(buf, "frozen ");
		return p && p[7] == (freeze ? '1' : '0');
	}
	if (read_file(g->path[hier], "freezer.state", buf, sizeof(buf)) < 0)
		return false;
	return streq(buf, freeze ? "FROZEN" : "THAWED");
}

/* The hierarchy that can freeze the group: v2, else v1 freezer; or -1. */
static int freeze_hier(const struct cgroup *g)
{
	int h = g->map->v2;

	if (h >= 0 && g->path[h])
		return h;
	h = cgroup_hier_of(g->map, "freezer");
	return h >= 0 && g->path[h] && g->map->h[h].version == 1 ? h : -1;
}

int cgroup_freeze(struct cgroup *g, bool freeze, struct cu_error *e)
{
	int h = freeze_hier(g), r, i;

	if (h < 0)
		return cu_error_set(e, 0, _("cannot freeze %s: the group is in neither the v2 hierarchy nor a v1 freezer hierarchy (recreate it with cgset create)"),
				    g->name);
	if (g->map->h[h].version == 2)
		r = write_file(g->path[h], "cgroup.freeze", freeze ? "1" : "0", false);
	else
		r = write_file(g->path[h], "freezer.state", freeze ? "FROZEN" : "THAWED", false);
	if (r == -ENOENT && g->map->h[h].version == 2)
		return cu_error_set(e, 0, _("cannot freeze or thaw %s: the kernel has no cgroup.freeze (the cgroup v2 freezer came in Linux 5.2)"),
				    g->path[h]);
	if (r < 0 && freeze)
		return cu_error_set(e, r, _("cannot freeze %s"), g->path[h]);
	if (r < 0)
		return cu_error_set(e, r, _("cannot thaw %s"), g->path[h]);
	if (g->map->h[h].emulated || explain_dry_run())
		return 0;	/* a plan does not wait for a state it did not ask */
	for (i = 0; i < 5000; i++) {
		if (freeze_done(g, (size_t) h, freeze))
			return 0;
		sleep_ms(1);
	}
	return cu_error_set(e, ETIMEDOUT, _("%s did not reach its state within 5 s"), g->path[h]);
}

/*
 * v1, and v2 without cgroup.kill (before Linux 5.14): freeze so nothing
 * forks, SIGKILL every member, thaw so they die.
 */
static int kill_v1(struct cgroup *g, struct cu_error *e)
{
	bool frozen = freeze_hier(g) >= 0 && cgroup_freeze(g, true, NULL) == 0;
	size_t i;
	int r;

	for (i = 0; i < g->map->n; i++)
		if (g->path[i] && !g->map->h[i].emulated)
			(void) procs_each(g->path[i], SIGKILL); /* the wait below checks */
	if (frozen) {
		r = cgroup_freeze(g, false, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_kill(struct cgroup *g, struct cu_error *e)
{
	int h = g->map->v2, r, tries;

	for (tries = 0; tries < 10; tries++) {
		r = -ENOENT;
		if (h >= 0 && g->path[h])
			r = write_file(g->path[h], "cgroup.kill", "1", g->map->h[h].emulated);
		/* no cgroup.kill before Linux 5.14: freeze, SIGKILL each, thaw */
		if (r == -ENOENT && !(h >= 0 && g->map->h[h].emulated))
			r = kill_v1(g, e);
		if (r < 0)
			return cu_error_set(e, r, _("cannot kill the processes of %s"), g->name);
		if (explain_dry_run())
			return 0;	/* nothing was killed: nothing to wait for */
		/* v1 members can fork between listing and signal: go again */
		r = cgroup_wait_empty(g, 200);
		if (r == 0)
			return 0;
	}
	return cu_error_set(e, EBUSY, _("processes of %s survived SIGKILL"), g->name);
}

/* --- delete -------------------------------------------------------------- */

/* rmdir with backoff while EBUSY (processes draining): about 1 s. */
static int rmdir_retry(const char *path, bool emulated)
{
	unsigned int step = 1;
	int r, i;

	for (i = 0; i < 11; i++) {
		r = remove_dir(path, emulated);
		if (r != -EBUSY)
			return r;
		sleep_ms(step);
		step *= 2;
	}
	return r;
}

static int remove_tree(const char *path, bool emulated, struct cu_error *e)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return cu_error_set(e, errno, _("cannot open %s"), path);
	while (r == 0 && (de = readdir(d))) {
		char *sub;

		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (xasprintf(&sub, "%s/%s", path, de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		r = remove_tree(sub, emulated, e);
		free(sub);
	}
	closedir(d);
	if (r < 0)
		return r;
	r = rmdir_retry(path, emulated);
	if (r == -EBUSY)
		return cu_error_set(e, 0, _("cannot remove %s: processes are still in it (run 'cgset kill' first)"), path);
	if (r < 0)
		return cu_error_set(e, r, _("cannot remove %s"), path);
	return 0;
}

static int children_error(const char *path, struct cu_error *e)
{
	return cu_error_set(e, 0, _("cannot remove %s: it has child groups (use --recursive)"), path);
}

/*
 * A group that had no child when it was looked up: one rmdir, and only
 * when that fails (a child made since, processes draining) the full way.
 */
static int remove_group(struct cgroup *g, size_t i, bool recursive, struct cu_error *e)
{
	const char *path = g->path[i];
	bool emulated = g->map->h[i].emulated;

	if (g->nochild[i]) {
		int r = remove_dir(path, emulated);

		if (r == 0)
			return 0;
		if (r != -EBUSY && r != -ENOTEMPTY)
			return cu_error_set(e, r, _("cannot remove %s"), path);
		if (!recursive && file_dir_has_subdirs(path, NULL))
			return children_error(path, e);
	}
	return remove_tree(path, emulated, e);
}

int cgroup_delete(struct cgroup *g, bool recursive, struct cu_error *e)
{
	size_t i;

	for (i = 0; !recursive && i < g->map->n; i++)
		if (g->path[i] && !g->nochild[i] && file_dir_has_subdirs(g->path[i], NULL))
			return children_error(g->path[i], e);
	for (i = g->map->n; i-- > 0;) {
		int r;

		if (!g->path[i])
			continue;
		r = remove_group(g, i, recursive, e);
		if (r < 0)
			return r;
		free(g->path[i]);
		g->path[i] = NULL;
	}
	return 0;
}

static int remove_fast(struct cgroup *g, size_t i)
{
	int r;

	if (!g->path[i])
		return 0;
	r = remove_dir(g->path[i], g->map->h[i].emulated);
	if (r == 0) {
		free(g->path[i]);
		g->path[i] = NULL;
	}
	return r;
}

int cgroup_remove_empty(struct cgroup *g)
{
	int base = cgroup_base_hier(g->map), r;
	size_t i;

	/* the base hierarchy last: cgroup.kill is there if one is busy */
	for (i = g->map->n; i-- > 0;)
		if ((int) i != base && (r = remove_fast(g, i)) < 0)
			return r;
	return base >= 0 ? remove_fast(g, (size_t) base) : 0;
}

/* --- stats --------------------------------------------------------------- */

/* The number after "KEY " in a keyed file (cpu.stat, memory.events). */
static bool keyed(const char *buf, const char *key, uint64_t *v)
{
	size_t len = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, key, len) == 0 && p[len] == ' ') {
			char num[32];
			size_t n = strcspn(p + len + 1, " \n");

			if (n == 0 || n >= sizeof(num))
				return false;
			memcpy(num, p + len + 1, n);
			num[n] = '\0';
			return parse_u64(num, v) == 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static bool read_u64(const struct cgroup *g, int h, const char *file, uint64_t *v)
{
	char buf[64];

	if (h < 0 || !g->path[h] || read_file(g->path[h], file, buf, sizeof(buf)) < 0)
		return false;
	if (streq(buf, "max") || streq(buf, "-1") || streq(buf, "9223372036854771712")) {
		*v = UINT64_MAX;
		return true;
	}
	return parse_u64(buf, v) == 0;
}

static void stats_cpu(const struct cgroup *g, struct cgroup_stats *s)
{
	int h2 = g->map->v2, hc = cgroup_hier_of(g->map, "cpu");
	int ha = cgroup_hier_of(g->map, "cpuacct");
	char buf[1024];

	if (h2 >= 0 && g->path[h2] && read_file(g->path[h2], "cpu.stat", buf, sizeof(buf)) == 0)
		s->has_usage = keyed(buf, "usage_usec", &s->usage_us) &&
			       keyed(buf, "user_usec", &s->user_us) &&
			       keyed(buf, "system_usec", &s->system_us);
	if (!s->has_usage && read_u64(g, ha, "cpuacct.usage", &s->usage_us)) {
		long hz = sysconf(_SC_CLK_TCK);

		s->usage_us /= 1000;
		s->has_usage = true;
		/* cpuacct.stat counts USER_HZ ticks */
		if (hz > 0 && read_file(g->path[ha], "cpuacct.stat", buf, sizeof(buf)) == 0 &&
		    keyed(buf, "user", &s->user_us) && keyed(buf, "system", &s->system_us)) {
			s->user_us = s->user_us * 1000000 / (uint64_t) hz;
			s->system_us = s->system_us * 1000000 / (uint64_t) hz;
		}
	}
	if (hc < 0 || !g->path[hc])
		return;
	if (read_file(g->path[hc], "cpu.stat", buf, sizeof(buf)) == 0) {
		s->has_throttle = keyed(buf, "nr_periods", &s->nr_periods) &&
				  keyed(buf, "nr_throttled", &s->nr_throttled);
		if (!keyed(buf, "throttled_usec", &s->throttled_us) &&
		    keyed(buf, "throttled_time", &s->throttled_us))
			s->throttled_us /= 1000;
	}
	if (g->map->h[hc].version == 1) {
		s->has_quota = read_u64(g, hc, "cpu.cfs_quota_us", &s->quota_us) &&
			       read_u64(g, hc, "cpu.cfs_period_us", &s->period_us);
	} else if (read_file(g->path[hc], "cpu.max", buf, sizeof(buf)) == 0) {
		char *sp = strchr(buf, ' ');

		s->period_us = sp ? strtoull(sp + 1, NULL, 10) : 100000;
		s->quota_us = startswith(buf, "max") ? UINT64_MAX : strtoull(buf, NULL, 10);
		s->has_quota = true;
	}
}

static void stats_memory(const struct cgroup *g, struct cgroup_stats *s)
{
	int h = cgroup_hier_of(g->map, "memory");
	char buf[1024];

	if (h < 0 || !g->path[h])
		return;
	if (g->map->h[h].version == 1) {
		s->has_memory = read_u64(g, h, "memory.usage_in_bytes", &s->mem_current) &&
				read_u64(g, h, "memory.max_usage_in_bytes", &s->mem_peak) &&
				read_u64(g, h, "memory.limit_in_bytes", &s->mem_max);
		s->has_failcnt = read_u64(g, h, "memory.failcnt", &s->mem_failcnt);
		if (read_file(g->path[h], "memory.oom_control", buf, sizeof(buf)) == 0 &&
		    keyed(buf, "oom_kill", &s->oom_kills)) {
			s->has_oom = true;
			/* v1 counts limit hits in failcnt; OOM events are the kills */
			s->oom_events = s->oom_kills;
		}
		return;
	}
	s->has_memory = read_u64(g, h, "memory.current", &s->mem_current) &&
			read_u64(g, h, "memory.max", &s->mem_max);
	if (!read_u64(g, h, "memory.peak", &s->mem_peak))
		s->mem_peak = s->mem_current;
	if (read_file(g->path[h], "memory.events", buf, sizeof(buf)) == 0)
		s->has_oom = keyed(buf, "oom", &s->oom_events) &&
			     keyed(buf, "oom_kill", &s->oom_kills);
}

int cgroup_stats(const struct cgroup *g, struct cgroup_stats *s)
{
	int hp = cgroup_hier_of(g->map, "pids"), hf = freeze_hier(g);
	char buf[256];

	memset(s, 0, sizeof(*s));
	stats_cpu(g, s);
	stats_memory(g, s);
	s->has_pids = read_u64(g, hp, "pids.current", &s->pids_current) &&
		      read_u64(g, hp, "pids.max", &s->pids_max);
	if (hp >= 0 && g->path[hp] && read_file(g->path[hp], "pids.events", buf, sizeof(buf)) == 0)
		s->has_pids_events = keyed(buf, "max", &s->pids_max_events);
	if (hf >= 0 && !g->map->h[hf].emulated) {
		s->has_frozen = true;
		s->frozen = freeze_done(g, (size_t) hf, true);
	}
	s->nprocs = cgroup_count_procs(g);
	return s->nprocs < 0 ? s->nprocs : 0;
}

/* --- walk ---------------------------------------------------------------- */

static int walk_dir(const char *mount, const char *rel, size_t hier,
		    int (*fn)(const char *, size_t, void *), void *data, int depth)
{
	_cleanup_free_ char *path = NULL;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > 64)
		return 0;
	if (xasprintf(&path, "%s%s%s", mount, *rel ? "/" : "", rel) < 0)
		return -ENOMEM;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		char *sub;

		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (xasprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		r = fn(sub, hier, data);
		if (r == 0)
			r = walk_dir(mount, sub, hier, fn, data, depth + 1);
		free(sub);
	}
	closedir(d);
	return r;
}

int cgroup_walk(const struct cgroup_map *m, const char *base,
		int (*fn)(const char *rel, size_t hier, void *data), void *data)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		int r;

		if (m->h[i].version == 1 && startswith(m->h[i].controllers, "name="))
			continue;
		r = walk_dir(m->h[i].base, rel_name(base), i, fn, data, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- adopt --------------------------------------------------------------- */

/* Move each process listed in @from/cgroup.procs into hierarchy @hier. */
static int adopt_from(struct cgroup *g, const char *from, size_t hier,
		      struct cu_error *e)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char line[32];

	if (xasprintf(&p, "%s/cgroup.procs", from) < 0)
		return -ENOMEM;
	f = fopen(p, "r" CU_CLOEXECSTR);
	if (!f)
		return cu_error_set(e, errno, _("cannot read %s"), p);
	while (fgets(line, sizeof(line), f)) {
		uint32_t pid;
		int r;

		line[strcspn(line, "\n")] = '\0';
		if (parse_u32(line, &pid) < 0 || pid == 0)
			continue;
		r = cgroup_attach_hier(g, hier, (pid_t) pid, e);
		/* a process that exited meanwhile is not an error */
		if (r < 0 && e && e->errnum != ESRCH)
			return r;
	}
	return 0;
}

int cgroup_adopt(struct cgroup *g, struct cu_error *e)
{
	int src = -1;
	size_t i;

	for (i = 0; i < g->map->n && src < 0; i++)
		if (g->path[i] && !g->created[i] && !g->map->h[i].emulated)
			src = (int) i;
	if (src < 0)
		return 0;
	for (i = 0; i < g->map->n; i++) {
		int r;

		if (!g->created[i] || g->map->h[i].emulated)
			continue;
		r = adopt_from(g, g->path[src], i, e);
		if (r < 0)
			return r;
	}
	return 0;
}
