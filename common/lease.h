/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease.h - addresses handed out on a bridge's subnet, one lease file per
 * bridge under /run/container-utils/leases/, held with flock(2).
 *
 * Each lease names its owner: a network namespace by device and inode plus
 * the path it was reached by (/run/netns/NAME, /proc/PID/ns/net, a file).
 * A lease whose path no longer leads to that namespace is reclaimed the next
 * time the file is read, so leases cannot leak when a namespace is deleted
 * without a disconnect.
 */
#ifndef CU_LEASE_H
#define CU_LEASE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "c.h"
#include "strutils.h"

#define LEASE_DIR	"/run/container-utils/leases"

struct lease_owner {
	dev_t dev;
	ino_t ino;
	char path[256];
};

/* Fill @o for the namespace open as @fd, reached through @path. */
int lease_owner_init(struct lease_owner *o, int fd, const char *path,
		     struct cu_error *e) __must_check;

/*
 * Lease an address on @key (a file name) for @o.  @gw is the bridge's
 * address with the subnet's prefix: never handed out.  @want NULL: the
 * next free address (auto), else exactly @want (-EADDRINUSE when another
 * live namespace holds it).  @nat is recorded for lease_release().
 */
int lease_take(const char *key, const struct cu_inet *gw,
	       const struct cu_inet *want, const struct lease_owner *o,
	       bool nat, struct cu_inet *got, struct cu_error *e) __must_check;

/*
 * Drop the leases of @o on @key.  Returns 1 when one was dropped (its NAT
 * flag in *@nat, and whether another lease still uses NAT in *@nat_others),
 * 0 when @o held none.
 */
int lease_release(const char *key, const struct lease_owner *o, bool *nat,
		  bool *nat_others, struct cu_error *e) __must_check;

/* Remove the lease file @key (its bridge is gone); 0 when there was none. */
int lease_forget(const char *key, struct cu_error *e) __must_check;

#endif /* CU_LEASE_H */
