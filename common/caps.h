/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caps.h - capability lists by libcap-ng name, and applying them before exec */
#ifndef CU_CAPS_H
#define CU_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "c.h"

/* A set of capabilities as a bit mask (bit N = capability N). */
struct caps_set {
	uint64_t mask;
};

/*
 * "net_admin,sys_time", "CAP_CHOWN", "all": names as libcap-ng knows them,
 * with or without "cap_", any case, comma separated; adds to @set.
 * 0, or -EINVAL with @bad pointing at the name it did not know.
 */
int caps_parse(const char *list, struct caps_set *set, char *bad,
	       size_t badlen) __must_check;

/* The capabilities this kernel knows, as a set. */
void caps_all(struct caps_set *set);

struct caps_plan {
	struct caps_set drop;	/* from every set, bounding included */
	struct caps_set add;	/* to effective, permitted, inheritable, ambient */
	bool keep;		/* --keep-caps: permitted into ambient */
};

/*
 * Load libcap-ng now: before a change of root, when caps_apply() will run
 * after it.  caps_parse() and caps_all() load it by themselves (or exit).
 */
int caps_lib_load(struct cu_error *e) __must_check;

/* Does this process have @cap in its effective set? */
bool caps_have(unsigned cap);

/* Is there anything to do? */
bool caps_plan_empty(const struct caps_plan *p);

/*
 * Apply @p to this process (after any setuid, which must have kept caps
 * with PR_SET_KEEPCAPS).  0 or -errno with @e filled.
 */
int caps_apply(const struct caps_plan *p, struct cu_error *e) __must_check;

#endif /* CU_CAPS_H */
