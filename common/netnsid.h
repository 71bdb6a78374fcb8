/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netnsid.h - rtnetlink (libmnl) questions about network namespaces: the
 * nsid by which the current namespace refers to a peer (RTM_GETNSID,
 * RTM_NEWNSID), and the number of interfaces inside one (RTM_GETLINK on a
 * socket opened inside it).
 */
#ifndef CU_NETNSID_H
#define CU_NETNSID_H

#include <stdint.h>

#include "c.h"

struct netns_nl;

/* A route netlink socket in the current network namespace, or NULL (errno). */
struct netns_nl *netns_nl_open(void);

/*
 * The same, but created inside the network namespace @nsfd (we enter it,
 * open the socket and return to @origfd; the socket stays in @nsfd).
 */
struct netns_nl *netns_nl_open_in(int nsfd, int origfd);

void netns_nl_close(struct netns_nl *nl);

/* The nsid of peer namespace @nsfd: *nsid is -1 when none is assigned. */
int netns_nsid_get(struct netns_nl *nl, int nsfd, int32_t *nsid) __must_check;

/*
 * Assign @nsid (-1: let the kernel choose) to peer namespace @nsfd; on
 * failure @e holds the errno and the kernel's extended-ACK text (empty
 * when it sent none).
 */
int netns_nsid_set(struct netns_nl *nl, int nsfd, int32_t nsid,
		   struct cu_error *e) __must_check;

/* How many interfaces the namespace of @nl has (a RTM_GETLINK dump). */
int netns_count_links(struct netns_nl *nl, unsigned *count) __must_check;

#endif /* CU_NETNSID_H */
