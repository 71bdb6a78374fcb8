/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.h - control groups on v1, v2 and hybrid hosts.
 *
 * The hierarchies are the mounts of file system types "cgroup" and
 * "cgroup2", never fixed directory names: hosts split or join cpu and
 * cpuacct differently.  They come from statmount(2) of the mounts at and
 * below /sys/fs/cgroup (one call per mount there, whatever else the host
 * mounts), else from /proc/self/mountinfo.  A group NAME exists in some of them;
 * it is created where its limits need it (plus the v2 hierarchy, or the v1
 * freezer, for membership, freezing and killing), all or nothing.
 *
 * Test-only override: CGSET_MOUNTINFO=FILE makes cgroup_map_load() read FILE
 * (mountinfo format) instead of asking the kernel, so a test can point the hierarchies at
 * its own cgroup2 mount.  A mount point in it that is not really a cgroup
 * file system is "emulated": a plain directory tree laid out like cgroupfs,
 * where interface files are created on write and removed on delete.
 */
#ifndef CU_CGROUP_H
#define CU_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "c.h"

#define CGROUP_MAX_HIER		32
#define CGROUP_MAX_ENABLED	64
#define CGROUP_MOUNTINFO_ENV	"CGSET_MOUNTINFO"

enum cgroup_mode {
	CGROUP_NONE,
	CGROUP_V1,		/* only "cgroup" hierarchies */
	CGROUP_V2,		/* only a "cgroup2" hierarchy */
	CGROUP_HYBRID,		/* both: v1 controllers, v2 for membership */
};

struct cgroup_hier {
	char *mount;		/* mount point */
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

/*
 * --dry-run: name groups below @label, the group a unit the plan would
 * start gets (a placeholder: no directory, no check).
 */
void cgroup_map_plan_parent(struct cgroup_map *m, const char *label);

/* Build @m from mountinfo text.  0 or -errno. */
int cgroup_map_parse(struct cgroup_map *m, const char *mountinfo,
		     struct cu_error *e) __must_check;

/* One mount, as statmount(2) describes it. */
struct cgroup_mount {
	uint64_t id, parent;	/* unique mount IDs */
	uint64_t magic;		/* the file system's magic (statfs f_type) */
	char *point;		/* mount point */
	char *opts;		/* file system options: "cpu,cpuacct" */
};
/*
 * Build @m from the mounts of a tree (its root and descendants, in mount
 * ID order); a mount at or above a hierarchy's mount point that is not its
 * ancestor hides it.  0 or -errno.
 */
int cgroup_map_from_mounts(struct cgroup_map *m, const struct cgroup_mount *v,
			   size_t n, struct cu_error *e) __must_check;
/* From statmount(2) below /sys/fs/cgroup, else mountinfo (or $CGSET_MOUNTINFO). */
int cgroup_map_load(struct cgroup_map *m, struct cu_error *e) __must_check;
void cgroup_map_free(struct cgroup_map *m);
/*
 * Name groups below @parent ("a/b", relative to each hierarchy's root; ""
 * or "/" for the roots) instead of at the roots.  The parent must exist in
 * the base hierarchy (v2, else the v1 freezer).  0 or -errno.
 */
int cgroup_map_set_parent(struct cgroup_map *m, const char *parent,
			  struct cu_error *e) __must_check;

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

/* A group name: relative, no "." or ".." or empty component. */
int cgroup_name_check(const char *name, struct cu_error *e) __must_check;

struct cgroup_enabled {
	size_t hier;
	char *dir;		/* the parent whose subtree_control we changed */
	char ctrl[32];
};

struct cgroup {
	const struct cgroup_map *map;
	char *name;
	char *path[CGROUP_MAX_HIER];	/* set where the group exists */
	bool created[CGROUP_MAX_HIER];	/* made by this struct (rollback) */
	bool nochild[CGROUP_MAX_HIER];	/* had no child group when looked up */
	struct cgroup_enabled enabled[CGROUP_MAX_ENABLED];
	size_t nenabled;
	struct cgroup_enabled ancestors[CGROUP_MAX_ENABLED]; /* made parents */
	size_t nancestors;
};

/* Look the group up in every hierarchy; -ENOENT when it is in none. */
int cgroup_open(struct cgroup *g, const struct cgroup_map *m, const char *name,
		struct cu_error *e) __must_check;
/* An empty handle for @name (nothing exists yet). */
void cgroup_init(struct cgroup *g, const struct cgroup_map *m, const char *name);
/*
 * Make the group in every hierarchy of @mask (bit i: hierarchy i) it is
 * not in yet; in the v2 hierarchy enable @v2_ctrls ("cpu memory") in each
 * ancestor first.  On failure everything done here is undone.
 */
int cgroup_create(struct cgroup *g, uint32_t mask, const char *v2_ctrls,
		  struct cu_error *e) __must_check;
/*
 * After cgroup_create() added hierarchies to an existing group: move the
 * processes it already has into them.
 */
int cgroup_adopt(struct cgroup *g, struct cu_error *e) __must_check;
/* Undo what cgroup_create() made (directories, subtree_control). */
void cgroup_rollback(struct cgroup *g);
/* Forget the rollback record: what was made stays. */
void cgroup_commit(struct cgroup *g);

/* Write @value to interface @file of the group in hierarchy @hier. */
int cgroup_write(struct cgroup *g, size_t hier, const char *file,
		 const char *value, struct cu_error *e) __must_check;
/* Read interface @file (whole, NUL-terminated, trailing newline cut). */
int cgroup_read(const struct cgroup *g, size_t hier, const char *file,
		char *buf, size_t len) __must_check;

/* Move @pid (0: the caller) into the group in every hierarchy it is in. */
int cgroup_attach(struct cgroup *g, pid_t pid, struct cu_error *e) __must_check;
/* The same for one hierarchy. */
int cgroup_attach_hier(struct cgroup *g, size_t hier, pid_t pid,
		       struct cu_error *e) __must_check;
/*
 * Move the calling process, which must be single-threaded (a fresh child),
 * into hierarchy @hier: on v1 through "tasks" with 0, a move of the current
 * thread alone, for which the kernel (6.1+) skips the global threadgroup
 * lock and the RCU grace period a cgroup.procs write waits for.
 */
int cgroup_attach_self(struct cgroup *g, size_t hier, struct cu_error *e) __must_check;
/* A directory fd of the v2 group (for CLONE_INTO_CGROUP), or -errno. */
int cgroup_open_v2_fd(const struct cgroup *g) __must_check;

/* Number of processes in the group (all hierarchies), or -errno. */
int cgroup_count_procs(const struct cgroup *g) __must_check;
/* Freeze or thaw, waiting until the kernel says it is done. */
int cgroup_freeze(struct cgroup *g, bool freeze, struct cu_error *e) __must_check;
/* Kill every process (cgroup.kill, or freeze-kill-thaw on v1) and wait. */
int cgroup_kill(struct cgroup *g, struct cu_error *e) __must_check;
/* Wait up to @ms milliseconds until no process is left. */
int cgroup_wait_empty(const struct cgroup *g, unsigned int ms) __must_check;
/*
 * Remove the group from every hierarchy: children first with @recursive,
 * retrying while processes drain.
 */
int cgroup_delete(struct cgroup *g, bool recursive, struct cu_error *e) __must_check;
/*
 * One rmdir per hierarchy, the base one last, stopping at the first that
 * fails (-errno: EBUSY while processes or child groups are left); what was
 * removed is forgotten, so cgroup_kill() and cgroup_delete() can go on.
 */
int cgroup_remove_empty(struct cgroup *g) __must_check;

struct cgroup_stats {
	bool has_usage, has_throttle, has_quota, has_memory, has_oom,
	     has_pids, has_frozen, has_failcnt, has_pids_events;
	uint64_t usage_us, user_us, system_us;
	uint64_t nr_periods, nr_throttled, throttled_us;
	uint64_t quota_us, period_us;		/* quota UINT64_MAX: max */
	uint64_t mem_current, mem_peak, mem_max; /* max UINT64_MAX: max */
	uint64_t oom_events, oom_kills;
	uint64_t pids_current, pids_max;	/* max UINT64_MAX: max */
	uint64_t mem_failcnt;			/* v1: times the limit was hit */
	uint64_t pids_max_events;		/* forks refused at pids.max */
	bool frozen;
	int nprocs;
};

/* Usage and limits of the group, from whichever hierarchy has them. */
int cgroup_stats(const struct cgroup *g, struct cgroup_stats *s) __must_check;

/* Call @fn for every group directory below @base ("" for all), per hierarchy. */
int cgroup_walk(const struct cgroup_map *m, const char *base,
		int (*fn)(const char *rel, size_t hier, void *data),
		void *data) __must_check;

void cgroup_free(struct cgroup *g);

#endif /* CU_CGROUP_H */
