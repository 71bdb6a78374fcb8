/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-map.h - where the cgroup hierarchies are mounted, and which group
 * a process is in: the one reader of the mount table and of
 * /proc/PID/cgroup for cgset and nsenter2 --join-cgroup.
 *
 * The hierarchies are the mounts of file system types "cgroup" and
 * "cgroup2", never fixed directory names: hosts split or join cpu and
 * cpuacct differently.  They come from statmount(2) of the mounts at and
 * below /sys/fs/cgroup (one call per mount there, whatever else the host
 * mounts), else from /proc/self/mountinfo.  Of a hierarchy mounted twice
 * the first mount serves; a later mount at or above a mount point hides
 * what is below it, as the kernel's path lookup does.
 *
 * Test-only override: CGSET_MOUNTINFO=FILE makes cgroup_map_load() read FILE
 * (mountinfo format) instead of asking the kernel, so a test can point the hierarchies at
 * its own cgroup2 mount.  A mount point in it that is not really a cgroup
 * file system is "emulated": a plain directory tree laid out like cgroupfs,
 * where interface files are created on write and removed on delete.
 */
#ifndef CU_CGROUP_MAP_H
#define CU_CGROUP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "c.h"

#define CGROUP_MAX_HIER		32
#define CGROUP_MOUNTINFO_ENV	"CGSET_MOUNTINFO"

enum cgroup_mode {
	CGROUP_NONE,
	CGROUP_V1,		/* only "cgroup" hierarchies */
	CGROUP_V2,		/* only a "cgroup2" hierarchy */
	CGROUP_HYBRID,		/* both: v1 controllers, v2 for membership */
};

struct cgroup_hier {
	char *mount;		/* mount point */
	char *root;		/* the group mounted there ("/"; a subtree when bind-mounted) */
	char *base;		/* groups are named below it: mount[/parent] */
	int version;		/* 1 or 2 */
	char *controllers;	/* v1: "cpu,cpuacct"; v2: NULL */
	bool emulated;		/* not a cgroup fs (test override only) */
};

struct cgroup_map {
	enum cgroup_mode mode;
	struct cgroup_hier h[CGROUP_MAX_HIER];
	size_t n;
	int v2;			/* index of the v2 hierarchy, -1 */
	char *parent;		/* group names are below it ("" for the roots) */
	bool planned;		/* --dry-run: the parent is a unit not started yet */
};

/* Build @m from mountinfo text.  0 or -errno. */
int cgroup_map_parse(struct cgroup_map *m, const char *mountinfo,
		     struct cu_error *e) __must_check;

/* One mount, as statmount(2) describes it. */
struct cgroup_mount {
	uint64_t id, parent;	/* unique mount IDs */
	uint64_t magic;		/* the file system's magic (statfs f_type) */
	char *point;		/* mount point */
	char *opts;		/* file system options: "cpu,cpuacct" */
	char *root;		/* the mounted directory of the file system; NULL: "/" */
};
/*
 * Build @m from the mounts of a tree (its root and descendants, in mount
 * ID order); a mount at or above a hierarchy's mount point that is not its
 * ancestor hides it.  0 or -errno.
 */
int cgroup_map_from_mounts(struct cgroup_map *m, const struct cgroup_mount *v,
			   size_t n, struct cu_error *e) __must_check;
/*
 * From statmount(2) below /sys/fs/cgroup, else mountinfo (or
 * $CGSET_MOUNTINFO); no hierarchy at all is an error.
 */
int cgroup_map_load(struct cgroup_map *m, struct cu_error *e) __must_check;
/*
 * The kernel's mounts only (statmount(2), else /proc/self/mountinfo),
 * never $CGSET_MOUNTINFO; an empty map is no error.  For joining another
 * process's groups, which must be real ones.  0 or -errno.
 */
int cgroup_map_load_mounts(struct cgroup_map *m, struct cu_error *e) __must_check;
void cgroup_map_free(struct cgroup_map *m);

const char *cgroup_mode_name(enum cgroup_mode mode);
/* Is @controller in the comma/space list of hierarchy @h? */
bool cgroup_hier_has(const struct cgroup_hier *h, const char *controller);
/*
 * The hierarchy for @controller: the v1 one that has it, else the v2 one
 * (whose cgroup.controllers may still lack it), else -1.
 */
int cgroup_hier_of(const struct cgroup_map *m, const char *controller);
/* The hierarchy holding membership ("base"): v2, else v1 freezer, else -1. */
int cgroup_base_hier(const struct cgroup_map *m);
/* The hierarchy for an interface file name ("cpu.cfs_quota_us"), or -1. */
int cgroup_hier_of_file(const struct cgroup_map *m, const char *file);

/* The text of /proc/@pid/cgroup (0: the caller's), or NULL. */
char *cgroup_proc_read(pid_t pid);
/*
 * The group of each hierarchy of @m in @text, the contents of
 * /proc/PID/cgroup: path[i] is "/a/b" (relative to the hierarchy's root,
 * "/" for the root itself) or NULL where the text names no group of
 * hierarchy i.  The caller frees each path.
 */
void cgroup_proc_paths(const struct cgroup_map *m, const char *text,
		       char *path[CGROUP_MAX_HIER]);
/*
 * The next line of /proc/PID/cgroup text at *@cursor that is of a
 * hierarchy of @m: its index, with *@path its group (as above, the
 * caller frees it), and *@cursor moved past the line; -1 at the end.
 */
int cgroup_proc_next(const struct cgroup_map *m, const char **cursor, char **path);
/*
 * The directory of group @path (as /proc/PID/cgroup gives it) on the mount
 * of hierarchy @h, or NULL when the group is not below the mounted root.
 */
char *cgroup_hier_dir(const struct cgroup_hier *h, const char *path);

#endif /* CU_CGROUP_MAP_H */
