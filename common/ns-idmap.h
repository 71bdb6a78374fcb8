/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-idmap.h - user namespace id maps: parsing INNER:OUTER:COUNT (and the old
 * OUTER,INNER,COUNT), sub-id ranges from /etc/subuid and /etc/subgid, and
 * writing uid_map, gid_map and setgroups directly or through newuidmap and
 * newgidmap.
 */
#ifndef CU_NS_IDMAP_H
#define CU_NS_IDMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "c.h"

/* The kernel's limit on lines in one uid_map or gid_map (Linux 4.15+). */
enum { IDMAP_MAX_RANGES = 340 };

struct idmap_range {
	uint32_t inner;		/* first id inside the namespace */
	uint32_t outer;		/* first id in the parent namespace */
	uint32_t count;
};

struct idmap {
	struct idmap_range ranges[IDMAP_MAX_RANGES];
	size_t nranges;
	bool want_auto;		/* a sub-id range from /etc/sub[ug]id */
};

enum idmap_kind { IDMAP_UID, IDMAP_GID };

/*
 * One range: "INNER:OUTER:COUNT" (uid_map order) or the old
 * "OUTER,INNER,COUNT".  -EINVAL for empty input, junk, a negative number,
 * a zero count or mixed separators; -ERANGE when a range passes 2^32.
 */
int idmap_parse_range(const char *s, struct idmap_range *r) __must_check;

/*
 * A --map-users/--map-groups argument: a range, or "auto" (sets
 * want_auto).  Adds the range to @m.  0 or -errno (-EEXIST: overlaps a
 * range already in @m; -E2BIG: too many ranges).
 */
int idmap_parse(const char *s, struct idmap *m) __must_check;

/* Add one range, refusing overlaps inside or outside.  0 or -errno. */
int idmap_add(struct idmap *m, const struct idmap_range *r) __must_check;

/*
 * The first sub-id range of @user (name) or @id (number) in @file
 * ("/etc/subuid").  0, -ENOENT when there is none, or -errno.
 */
int idmap_subid_lookup(const char *file, const char *user, uint32_t id,
		       uint32_t *start, uint32_t *count) __must_check;

/*
 * Resolve want_auto for the caller (@user, @id): add the sub-id range at
 * inner id 0, or 1 when inner 0 is already mapped.  0 or -errno, @e filled
 * with the file and the user.
 */
int idmap_resolve_auto(struct idmap *m, enum idmap_kind kind, const char *user,
		       uint32_t id, struct cu_error *e) __must_check;

/* The map in uid_map format ("inner outer count\n" per line). */
int idmap_format(const struct idmap *m, char *buf, size_t len) __must_check;

/* Write /proc/PID/uid_map or gid_map (pid 0: /proc/self) in one write(2). */
int idmap_write(pid_t pid, enum idmap_kind kind, const struct idmap *m,
		struct cu_error *e) __must_check;

/* What to write to /proc/PID/setgroups, as unshare(1)'s --setgroups. */
enum setgroups_mode {
	SETGROUPS_NONE = -1,	/* leave it as the kernel made it */
	SETGROUPS_DENY = 0,
	SETGROUPS_ALLOW = 1,
};

/* The words of the file and of --setgroups, indexed by the mode. */
extern const char *const idmap_setgroups_strings[2];

/* "allow" or "deny" to its mode: 0, or -EINVAL for any other word. */
int idmap_setgroups_parse(const char *word, enum setgroups_mode *mode) __must_check;

/*
 * Write the word of @mode to /proc/PID/setgroups (pid 0: self); nothing for
 * SETGROUPS_NONE.
 */
int idmap_write_setgroups(pid_t pid, enum setgroups_mode mode,
			  struct cu_error *e) __must_check;

/*
 * Run newuidmap or newgidmap for PID with the ranges of @m and wait for it.
 * 0, or -errno with @e naming the helper and its status.
 */
int idmap_run_helper(pid_t pid, enum idmap_kind kind, const struct idmap *m,
		     struct cu_error *e) __must_check;

#endif /* CU_NS_IDMAP_H */
