// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup-map.c - where the cgroup hierarchies are mounted, and a process's groups */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "c.h"
#include "cgroup-map.h"
#include "fileutils.h"
#include "strutils.h"
#include "syscalls.h"

#ifndef CGROUP2_SUPER_MAGIC
# define CGROUP2_SUPER_MAGIC	0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
# define CGROUP_SUPER_MAGIC	0x27e0eb
#endif
/* statmount(2): the file system's own options (Linux 6.11) */
#ifndef CU_STATMOUNT_MNT_OPTS
# define CU_STATMOUNT_MNT_OPTS	0x00000080U
#endif

/* Where hierarchies are mounted: the tree below it is asked for first. */
#define CGROUP_ROOT		"/sys/fs/cgroup"
/* More mounts than this below CGROUP_ROOT: read mountinfo instead. */
#define CGROUP_MAX_MOUNTS	128

/* v1 mount options that are not controllers */
static const char *const v1_flags[] = {
	"rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode",
	"favordynmods", "nofavordynmods",
};

/* --- mountinfo ----------------------------------------------------------- */

/* The controllers among v1 super options: "rw,cpu,cpuacct" -> "cpu,cpuacct". */
static char *v1_controllers(const char *opts)
{
	char *out = xcalloc(1, strlen(opts) + 1);
	const char *p = opts;

	while (*p) {
		size_t len = strcspn(p, ","), i;
		bool skip = len == 0 || (memchr(p, '=', len) && !startswith(p, "name="));

		for (i = 0; !skip && i < ARRAY_SIZE(v1_flags); i++)
			skip = strlen(v1_flags[i]) == len && strncmp(p, v1_flags[i], len) == 0;
		if (!skip) {
			if (*out)
				strcat(out, ",");
			strncat(out, p, len);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return out;
}

static bool have_hier(const struct cgroup_map *m, int version, const char *ctrls)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->h[i].version == version &&
		    (version == 2 || (ctrls && streq(m->h[i].controllers, ctrls))))
			return true;
	return false;
}

/*
 * A later mount on @mp hides the hierarchies mounted at or below it (a
 * tmpfs over /sys/fs/cgroup/unified, as container runtimes do): drop them.
 */
static void drop_covered(struct cgroup_map *m, const char *mp)
{
	size_t i = 0, len = strlen(mp);

	if (streq(mp, "/"))
		return;		/* a new root: what follows is mounted on it */
	while (i < m->n) {
		const char *h = m->h[i].mount;

		if (strncmp(h, mp, len) != 0 || (h[len] != '\0' && h[len] != '/')) {
			i++;
			continue;
		}
		free(m->h[i].mount);
		free(m->h[i].root);
		free(m->h[i].base);
		free(m->h[i].controllers);
		memmove(&m->h[i], &m->h[i + 1], (m->n - i - 1) * sizeof(m->h[0]));
		m->n--;
		if (m->v2 == (int) i)
			m->v2 = -1;
		else if (m->v2 > (int) i)
			m->v2--;
	}
}

/*
 * Add the hierarchy mounted at @mp (its directory @root of the file
 * system) unless the map has it already.
 */
static int add_hier(struct cgroup_map *m, const char *mp, const char *root,
		    int version, const char *opts, struct cu_error *e)
{
	char *ctrls = version == 1 ? v1_controllers(opts ? opts : "") : NULL;

	if (have_hier(m, version, ctrls) || (ctrls && !*ctrls)) {
		free(ctrls);
		return 0;
	}
	if (m->n == CGROUP_MAX_HIER) {
		free(ctrls);
		return cu_error_set(e, E2BIG, _("too many cgroup hierarchies"));
	}
	m->h[m->n].mount = xstrdup(mp);
	m->h[m->n].root = xstrdup(root ? root : "/");
	m->h[m->n].base = xstrdup(mp);
	m->h[m->n].version = version;
	m->h[m->n].controllers = ctrls;	/* v2: NULL, nothing needs them */
	m->h[m->n].emulated = false;
	if (version == 2)
		m->v2 = (int) m->n;
	m->n++;
	return 0;
}

static void map_init(struct cgroup_map *m)
{
	memset(m, 0, sizeof(*m));
	m->v2 = -1;
}

static void map_set_mode(struct cgroup_map *m)
{
	bool v1 = false;
	size_t i;

	for (i = 0; i < m->n; i++)
		v1 |= m->h[i].version == 1;
	if (v1 && m->v2 >= 0)
		m->mode = CGROUP_HYBRID;
	else if (v1)
		m->mode = CGROUP_V1;
	else if (m->v2 >= 0)
		m->mode = CGROUP_V2;
	else
		m->mode = CGROUP_NONE;
}

/* One mountinfo line: add its hierarchy when it is a new cgroup mount. */
static int parse_line(struct cgroup_map *m, char *line, struct cu_error *e)
{
	char *f[12], *sep, *tail, *save = NULL;
	size_t nf = 0;
	int version;

	sep = strstr(line, " - ");
	if (!sep)
		return 0;
	*sep = '\0';
	tail = sep + 3;
	for (char *t = strtok_r(line, " ", &save); t && nf < 5; t = strtok_r(NULL, " ", &save))
		f[nf++] = t;
	for (char *t = strtok_r(tail, " ", &save); t && nf < 8; t = strtok_r(NULL, " ", &save))
		f[nf++] = t;
	if (nf < 8)
		return 0;
	unmangle_octal(f[3]);
	unmangle_octal(f[4]);
	drop_covered(m, f[4]);
	if (streq(f[5], "cgroup2"))
		version = 2;
	else if (streq(f[5], "cgroup"))
		version = 1;
	else
		return 0;
	return add_hier(m, f[4], f[3], version, f[7], e);
}

int cgroup_map_parse(struct cgroup_map *m, const char *mountinfo, struct cu_error *e)
{
	_cleanup_free_ char *text = xstrdup(mountinfo);
	char *line, *save = NULL;

	map_init(m);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int r = parse_line(m, line, e);

		if (r < 0)
			return r;
	}
	map_set_mode(m);
	return 0;
}

/* Is @a a mount point at or above @b ("/sys/fs/cgroup" for ".../cpu")? */
static bool path_covers(const char *a, const char *b)
{
	size_t len = strlen(a);

	if (streq(a, "/"))
		return true;
	return strncmp(a, b, len) == 0 && (b[len] == '\0' || b[len] == '/');
}

/* Is mount @anc an ancestor of mount @i (by parent IDs within @v)? */
static bool mount_is_ancestor(const struct cgroup_mount *v, size_t n, size_t anc, size_t i)
{
	uint64_t p = v[i].parent;
	size_t steps, j;

	/* bounded: a root mount may name itself as its parent */
	for (steps = 0; steps < n; steps++) {
		if (p == v[anc].id)
			return true;
		for (j = 0; j < n && v[j].id != p; j++)
			;
		if (j == n)
			return false;	/* left the tree listed */
		p = v[j].parent;
	}
	return false;
}

int cgroup_map_from_mounts(struct cgroup_map *m, const struct cgroup_mount *v,
			   size_t n, struct cu_error *e)
{
	size_t i, j;

	map_init(m);
	for (i = 0; i < n; i++) {
		int version, r;
		bool hidden = false;

		if (v[i].magic == CGROUP2_SUPER_MAGIC)
			version = 2;
		else if (v[i].magic == CGROUP_SUPER_MAGIC)
			version = 1;
		else
			continue;
		/* a mount at or above it that is not below it in the tree hides it */
		for (j = 0; j < n && !hidden; j++)
			hidden = j != i && path_covers(v[j].point, v[i].point) &&
				 !mount_is_ancestor(v, n, j, i);
		if (hidden)
			continue;
		r = add_hier(m, v[i].point, v[i].root, version, v[i].opts, e);
		if (r < 0)
			return r;
	}
	map_set_mode(m);
	return 0;
}

/* Is @path a cgroup file system of @version? */
static bool is_cgroupfs(const char *path, int version)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return false;
	return version == 2 ? sf.f_type == CGROUP2_SUPER_MAGIC :
			      sf.f_type == CGROUP_SUPER_MAGIC;
}

/*
 * The kernel's answer for the mounts at and below /sys/fs/cgroup, one
 * statmount(2) each (Linux 6.11 for the options): the cost does not grow
 * with the rest of the mount table (a host with a thousand netns mounts).
 * 1 with @m built, 0 when the caller must read mountinfo instead (older
 * kernel, nothing mounted there, more mounts than we list), or -errno.
 */
static int map_from_statmount(struct cgroup_map *m, struct cu_error *e)
{
	struct cgroup_mount v[CGROUP_MAX_MOUNTS];
	struct cu_mnt_id_req req = { .size = sizeof(req) };
	uint64_t ids[CGROUP_MAX_MOUNTS];
	union {
		struct cu_statmount sm;
		char bytes[4096];
	} buf;
	struct statx stx;
	bool complete = true;
	ssize_t got;
	size_t n = 0, i;
	int r = 0;

	if (statx(AT_FDCWD, CGROUP_ROOT, AT_NO_AUTOMOUNT, STATX_MNT_ID_UNIQUE, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID_UNIQUE) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return 0;
	ids[0] = stx.stx_mnt_id;
	req.mnt_id = ids[0];
	got = sys_listmount(&req, (__u64 *) ids + 1, CGROUP_MAX_MOUNTS - 1, 0);
	if (got < 0 || (size_t) got >= CGROUP_MAX_MOUNTS - 1)
		return 0;
	for (i = 0; i < (size_t) got + 1; i++) {
		const uint64_t want = CU_STATMOUNT_SB_BASIC | CU_STATMOUNT_MNT_BASIC |
				      CU_STATMOUNT_MNT_ROOT | CU_STATMOUNT_MNT_POINT |
				      CU_STATMOUNT_MNT_OPTS;
		struct cu_statmount *sm = &buf.sm;

		req.mnt_id = ids[i];
		req.param = want;
		memset(sm, 0, sizeof(*sm));
		if (sys_statmount(&req, sm, sizeof(buf), 0) < 0) {
			if (errno == ENOENT)
				continue;	/* unmounted meanwhile */
			complete = false;
			break;
		}
		/* a v1 hierarchy is known by its options: without them, mountinfo */
		if ((sm->mask & (want & ~CU_STATMOUNT_MNT_OPTS)) != (want & ~CU_STATMOUNT_MNT_OPTS) ||
		    (sm->sb_magic == CGROUP_SUPER_MAGIC && !(sm->mask & CU_STATMOUNT_MNT_OPTS))) {
			complete = false;
			break;
		}
		v[n].id = sm->mnt_id;
		v[n].parent = sm->mnt_parent_id;
		v[n].magic = sm->sb_magic;
		v[n].point = xstrdup(sm->str + sm->mnt_point);
		v[n].root = xstrdup(sm->str + sm->mnt_root);
		v[n].opts = xstrdup(sm->mask & CU_STATMOUNT_MNT_OPTS ? sm->str + sm->mnt_opts : "");
		n++;
	}
	if (complete)
		r = cgroup_map_from_mounts(m, v, n, e);
	for (i = 0; i < n; i++) {
		free(v[i].point);
		free(v[i].opts);
		free(v[i].root);
	}
	if (r < 0 || !complete)
		return r;
	if (m->n == 0) {
		/* none there: they may be mounted elsewhere */
		cgroup_map_free(m);
		return 0;
	}
	return 1;
}

static int map_from_mountinfo(struct cgroup_map *m, const char *src, bool test,
			      struct cu_error *e)
{
	_cleanup_free_ char *text = NULL;
	size_t i;
	int r = file_read_all(AT_FDCWD, src, 0, &text, NULL);

	if (r < 0)
		return cu_error_set(e, r, _("cannot read %s"), src);
	r = cgroup_map_parse(m, text, e);
	for (i = 0; r == 0 && test && i < m->n; i++)
		m->h[i].emulated = !is_cgroupfs(m->h[i].mount, m->h[i].version);
	return r;
}

int cgroup_map_load_mounts(struct cgroup_map *m, struct cu_error *e)
{
	int r;

	map_init(m);	/* cgroup_map_free()-able whatever fails below */
	r = map_from_statmount(m, e);
	if (r == 0)
		r = map_from_mountinfo(m, "/proc/self/mountinfo", false, e);
	return r < 0 ? r : 0;
}

int cgroup_map_load(struct cgroup_map *m, struct cu_error *e)
{
	const char *override = getenv(CGROUP_MOUNTINFO_ENV);
	int r;

	if (override && *override) {
		map_init(m);
		r = map_from_mountinfo(m, override, true, e);
	} else {
		r = cgroup_map_load_mounts(m, e);
	}
	if (r < 0)
		return r;
	if (m->mode == CGROUP_NONE)
		return cu_error_set(e, 0, _("no cgroup file system is mounted (mount cgroup2 on /sys/fs/cgroup)"));
	return 0;
}

void cgroup_map_free(struct cgroup_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->h[i].mount);
		free(m->h[i].root);
		free(m->h[i].base);
		free(m->h[i].controllers);
	}
	free(m->parent);
	m->parent = NULL;
	m->n = 0;
}

const char *cgroup_mode_name(enum cgroup_mode mode)
{
	switch (mode) {
	case CGROUP_V1:
		return "v1";
	case CGROUP_V2:
		return "v2";
	case CGROUP_HYBRID:
		return "hybrid";
	case CGROUP_NONE:
		break;
	}
	return "none";
}

bool cgroup_hier_has(const struct cgroup_hier *h, const char *controller)
{
	const char *p = h->controllers;
	size_t len = strlen(controller);

	while (p && *p) {
		size_t n = strcspn(p, ", \n");

		if (n == len && strncmp(p, controller, len) == 0)
			return true;
		p += n;
		p += strspn(p, ", \n");
	}
	return false;
}

int cgroup_hier_of(const struct cgroup_map *m, const char *controller)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->h[i].version == 1 && cgroup_hier_has(&m->h[i], controller))
			return (int) i;
	if (streq(controller, "blkio") || streq(controller, "cpuacct") ||
	    startswith(controller, "name="))
		return -1;
	return m->v2;
}

int cgroup_base_hier(const struct cgroup_map *m)
{
	if (m->v2 >= 0)
		return m->v2;
	return cgroup_hier_of(m, "freezer");
}

int cgroup_hier_of_file(const struct cgroup_map *m, const char *file)
{
	char ctrl[32];
	size_t n = strcspn(file, ".");

	if (n == 0 || file[n] != '.' || n >= sizeof(ctrl))
		return -1;
	memcpy(ctrl, file, n);
	ctrl[n] = '\0';
	if (streq(ctrl, "cgroup") || streq(ctrl, "notify_on_release"))
		return cgroup_base_hier(m);
	return cgroup_hier_of(m, ctrl);
}

/* --- /proc/PID/cgroup ---------------------------------------------------- */

char *cgroup_proc_read(pid_t pid)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) (pid ? pid : getpid()));
	return file_read_all(AT_FDCWD, path, 0, &text, NULL) < 0 ? NULL : text;
}

/*
 * The hierarchy of one line of /proc/PID/cgroup ("ID:CONTROLLERS:PATH",
 * @len bytes) with *@path its PATH ("/" when empty), or -1 when the line
 * is not of a hierarchy of @m.
 */
static int proc_line(const struct cgroup_map *m, const char *line, size_t len,
		     char **path)
{
	const char *c1 = memchr(line, ':', len);
	const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t) (c1 + 1 - line)) : NULL;
	size_t clen, i;

	if (!c2)
		return -1;
	clen = (size_t) (c2 - c1 - 1);
	/* the kernel lists a v1 hierarchy's controllers in its mount options' order */
	for (i = 0; i < m->n; i++)
		if (m->h[i].version == 2 ? clen == 0 && startswith(line, "0:") :
		    clen == strlen(m->h[i].controllers) &&
		    strncmp(c1 + 1, m->h[i].controllers, clen) == 0) {
			*path = c2 + 1 == line + len ? xstrdup("/") :
				xstrndup(c2 + 1, len - (size_t) (c2 + 1 - line));
			return (int) i;
		}
	return -1;
}

int cgroup_proc_next(const struct cgroup_map *m, const char **cursor, char **path)
{
	const char *line;

	*path = NULL;
	while ((line = *cursor) && *line) {
		size_t len = strcspn(line, "\n");
		int h;

		*cursor = line[len] ? line + len + 1 : line + len;
		h = proc_line(m, line, len, path);
		if (h >= 0)
			return h;
	}
	return -1;
}

void cgroup_proc_paths(const struct cgroup_map *m, const char *text,
		       char *path[CGROUP_MAX_HIER])
{
	size_t i;
	char *p;
	int h;

	for (i = 0; i < CGROUP_MAX_HIER; i++)
		path[i] = NULL;
	while ((h = cgroup_proc_next(m, &text, &p)) >= 0) {
		if (!path[h])
			path[h] = p;
		else
			free(p);	/* the first line of a hierarchy counts */
	}
}

char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path)
{
	const char *root = h->root ? h->root : "/";
	size_t rl = strlen(root);
	char *dir;

	/* a bind-mounted subtree (inside a container): its groups only */
	if (streq(root, "/"))
		rl = 0;
	else if (strncmp(path, root, rl) != 0 || (path[rl] && path[rl] != '/'))
		return NULL;
	if (xasprintf(&dir, "%s%s", h->mount, path + rl) < 0)
		return NULL;
	return dir;
}
