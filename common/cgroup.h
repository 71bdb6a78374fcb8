/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.h - control groups on v1, v2 and hybrid hosts.
 *
 * A group NAME exists in some of the hierarchies of a map (cgroup-map.h:
 * where they are mounted); it is created where its limits need it (plus
 * the v2 hierarchy, or the v1 freezer, for membership, freezing and
 * killing), all or nothing.
 */
#ifndef CU_CGROUP_H
#define CU_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "c.h"
#include "cgroup-map.h"

#define CGROUP_MAX_ENABLED	64

/*
 * --dry-run: name groups below @label, the group a unit the plan would
 * start gets (a placeholder: no directory, no check).
 */
void cgroup_map_plan_parent(struct cgroup_map *m, const char *label);

/*
 * Name groups below @parent ("a/b", relative to each hierarchy's root; ""
 * or "/" for the roots) instead of at the roots.  The parent must exist in
 * the base hierarchy (v2, else the v1 freezer).  0 or -errno.
 */
int cgroup_map_set_parent(struct cgroup_map *m, const char *parent,
			  struct cu_error *e) __must_check;

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
/*
 * Another process's groups, to move into them later (nsenter2
 * --join-cgroup): the kernel checks the credentials and cgroup namespace
 * of the opener, so the files are opened before joining any namespace and
 * written after.
 */
struct cgroup_join {
	int fd[CGROUP_MAX_HIER];	/* @file of each group, O_WRONLY */
	char *dir[CGROUP_MAX_HIER];	/* the group's directory, for messages */
	const char *file;		/* the file opened in each (not owned) */
	size_t n;
};
/*
 * Open @file ("cgroup.procs") of the group of each hierarchy of @m that
 * @text (the contents of /proc/PID/cgroup) names, in the text's order;
 * hierarchies not mounted here, or groups outside the mounted subtree,
 * are left out (j->n counts the others).  0 or -errno, nothing kept open.
 */
int cgroup_join_open(const struct cgroup_map *m, const char *text, const char *file,
		     struct cgroup_join *j, struct cu_error *e) __must_check;
/* Write "0" (the writer itself) to each; then close them.  0 or -errno. */
int cgroup_join_write(struct cgroup_join *j, struct cu_error *e) __must_check;
void cgroup_join_free(struct cgroup_join *j);

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
