/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-limits.h - one limit syntax for cgroup v1 and v2: parse what the
 * user types (--cpu 20%, --memory 32M, --io-read-bps /dev/sda:1M,
 * -r KEY=VALUE) and translate it into the interface-file writes of either
 * version; then the plan that routes those writes to the hierarchies of a
 * map, and its all-or-nothing apply to a group.
 *
 * The parsing and translating are pure: nothing touches the file system
 * except cglimits_parse_io(), which stat()s a device path to learn its
 * MAJ:MIN.  Only cgroup_plan_apply() changes the system.
 */
#ifndef CU_CGLIMITS_H
#define CU_CGLIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c.h"
#include "cgroup.h"

/* "max": no limit (any value that means unlimited). */
#define CGL_MAX			UINT64_MAX
/* The CFS period every quota is expressed in, microseconds. */
#define CGL_CPU_PERIOD_US	100000ULL
/* The kernel refuses quotas below 1 ms. */
#define CGL_CPU_MIN_QUOTA_US	1000ULL

/* The controllers a limit can need; the v1 name of CGL_IO is "blkio". */
enum cgl_controller {
	CGL_CPU,
	CGL_CPUSET,
	CGL_MEMORY,
	CGL_PIDS,
	CGL_IO,
	CGL_NCONTROLLERS
};

struct cgl_io_rule {
	unsigned int major, minor;
	bool is_write;			/* wbps, else rbps */
	uint64_t rate;			/* bytes/s, CGL_MAX */
};

struct cgl_raw {
	char *key;			/* "cpu.cfs_quota_us" */
	char *value;
};

struct cglimits {
	bool has_cpu, has_cpu_weight, has_memory, has_swap, has_pids,
	     has_io_weight;
	uint64_t cpu_quota_us;		/* per CGL_CPU_PERIOD_US, or CGL_MAX */
	uint64_t cpu_weight;		/* 1..10000, v2 scale */
	char *cpuset;			/* "0-1,3", NULL: unset */
	uint64_t memory, swap;		/* bytes or CGL_MAX */
	uint64_t pids;			/* count or CGL_MAX */
	uint64_t io_weight;		/* 1..10000, v2 scale */
	struct cgl_io_rule *io;
	size_t nio;
	struct cgl_raw *raw;
	size_t nraw;
};

/* One interface-file write in a controller's hierarchy. */
struct cgl_write {
	char controller[32];		/* hierarchy key: "cpu", "blkio", ... */
	char file[128];			/* "cpu.cfs_quota_us" */
	char value[256];
	bool fresh_default;		/* the kernel's value in a new group */
};

/* "20%" (of one CPU), "1.5" (CPUs), "max": quota in µs per 100 ms. */
int cglimits_parse_cpu(const char *s, uint64_t *quota_us) __must_check;
/* A weight 1..10000. */
int cglimits_parse_weight(const char *s, uint64_t *w) __must_check;
/* A CPU list "0-2,4": digits, ',' and '-' ranges in order. */
int cglimits_parse_cpuset(const char *s) __must_check;
/* "MAJ:MIN:RATE" or "/dev/PATH:RATE" (a block device); RATE a size or max. */
int cglimits_parse_io(const char *s, struct cgl_io_rule *rule) __must_check;
/* "KEY=VALUE": KEY a file name "controller.something", no '/'. */
int cglimits_parse_raw(const char *s, struct cgl_raw *raw) __must_check;

/* Add to @l (dies on bad input through the *_or_err convention: 0/-errno). */
int cglimits_add_io(struct cglimits *l, const struct cgl_io_rule *rule);
int cglimits_add_raw(struct cglimits *l, const struct cgl_raw *raw);

/* Does @l set anything at all? */
bool cglimits_empty(const struct cglimits *l);
/* Does @l need controller @c? */
bool cglimits_needs(const struct cglimits *l, enum cgl_controller c);

/* v1 name ("blkio") or v2 name ("io") of a controller. */
const char *cglimits_controller_name(enum cgl_controller c, int version);

/*
 * The writes that apply @l (raw entries excluded), in a safe order, given
 * the cgroup version (1 or 2) that hosts each controller (version[c]).
 * *out is malloc'ed; 0 or -errno with @e filled (e.g. quota below 1 ms).
 */
int cglimits_translate(const struct cglimits *l,
		       const int version[CGL_NCONTROLLERS],
		       struct cgl_write **out, size_t *n,
		       struct cu_error *e) __must_check;

/* The controller part of a raw key: "cpu" for "cpu.cfs_quota_us". */
int cglimits_raw_controller(const char *key, char *buf, size_t len) __must_check;

void cglimits_free(struct cglimits *l);

/* Where the limits go: hierarchies, v2 controllers to enable, the writes. */
struct cgroup_plan {
	struct cgl_write *w;
	size_t n;
	int *hier;			/* the hierarchy of each write */
	uint32_t mask;			/* bit i: the group needs hierarchy i */
	char v2_ctrls[256];		/* "cpu memory": enabled in the ancestors */
};

/*
 * The plan of @l on the hierarchies of @m: the writes in a safe order and
 * where each goes, plus the base hierarchy (membership) and, on v1 alone,
 * cpuacct.  0, or -errno with @e filled (a controller no hierarchy has, a
 * raw name or value too long) and nothing left to free.
 */
int cgroup_plan_make(const struct cgroup_map *m, const struct cglimits *l,
		     struct cgroup_plan *p, struct cu_error *e) __must_check;
/*
 * Make group @g where @p needs it (cgroup_create()), write the limits and
 * move its processes into hierarchies it newly has; all or nothing: when
 * anything fails, the old values are put back and what was made is
 * removed.  0 or -errno with @e filled.
 */
int cgroup_plan_apply(struct cgroup *g, const struct cgroup_plan *p,
		      struct cu_error *e) __must_check;
void cgroup_plan_free(struct cgroup_plan *p);

#endif /* CU_CGLIMITS_H */
