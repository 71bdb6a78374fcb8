/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-nat.h - masquerade through one nftables table owned by the suite.
 *
 * Table "ip container_utils": a set of source subnets masqueraded to any
 * interface ("masq") and a set of subnet . out-interface pairs
 * ("masq_out"), a postrouting nat chain and a forward chain that accepts
 * them.  Subnets come and go as set elements; the table goes when both sets
 * are empty.  IP forwarding is turned on in the current network namespace
 * (callers enter the namespace that forwards), and off again with the
 * table when it was the table that turned it on.
 */
#ifndef CU_NAT_H
#define CU_NAT_H

#include <stdbool.h>

#include "c.h"
#include "strutils.h"

#define NAT_TABLE	"container_utils"

/*
 * Was this build made with libnftables' headers?  The library itself is
 * loaded by the first nat_add()/nat_del(), which fail with a message naming
 * the package when it is missing.
 */
bool nat_supported(void);

/*
 * Can @out be named in the table?  Interface names the kernel takes that
 * nft would read as syntax or as a wildcard are refused: only letters,
 * digits, '-', '_' and '.' (1 to 15 of them, not "." or "..").
 */
int nat_check_out(const char *out, struct cu_error *e) __must_check;

/*
 * Load libnftables (once per process; nat_add() and nat_del() do it too):
 * callers that change other things before NAT check it first.
 */
int nat_load(struct cu_error *e) __must_check;

/*
 * Masquerade @subnet (IPv4 network) leaving through @out (NULL: any
 * interface but the subnet itself).  *@added tells whether the element is
 * new (false: it was already there, nothing changed).
 */
int nat_add(const struct cu_inet *subnet, const char *out, bool *added,
	    struct cu_error *e) __must_check;

/* Remove exactly that element; -ENOENT when it is not there. */
int nat_del(const struct cu_inet *subnet, const char *out,
	    struct cu_error *e) __must_check;

/*
 * Is @subnet masqueraded (to any interface, or to one)?  1 when it is in
 * a set and the rule masquerading that set is there, else 0; read from the
 * table in the current network namespace; -errno when it cannot be
 * read (no libnftables, no CAP_NET_ADMIN).
 */
int nat_masquerades(const struct cu_inet *subnet, struct cu_error *e) __must_check;

#endif /* CU_NAT_H */
