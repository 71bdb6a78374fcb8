/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-netlink.h - rtnetlink through libmnl: links (veth, bridge), masters,
 * up/down, moves between namespaces, addresses, routes, link dumps and
 * counts, and the nsids by which one network namespace names another.
 *
 * One socket per network namespace: a netlink socket is bound to the netns
 * it was created in, so netlink_open() takes a netns fd and opens the socket
 * inside it (setns in a short section, then back).  Every call returns 0
 * (or a positive value where said) or -errno and fills @e with a message
 * that carries the kernel's extended-ACK text when there is one.
 */
#ifndef CU_NETLINK_H
#define CU_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "c.h"
#include "strutils.h"

struct netlink_sock;

/* A socket in the namespace of @netns_fd (-1: the current one). */
struct netlink_sock *netlink_open(int netns_fd, struct cu_error *e);
void netlink_close(struct netlink_sock *sk);

/*
 * Run the caller inside @netns_fd until netlink_netns_leave(): for work that
 * opens its own sockets or /proc/sys files (nftables, ip_forward).  Returns
 * the fd of the namespace to go back to, or -errno.
 */
int netlink_netns_enter(int netns_fd, struct cu_error *e) __must_check;
int netlink_netns_leave(int saved_fd, struct cu_error *e) __must_check;

/* Is @name a valid interface name (1..15 bytes, no '/', ':', space)? */
int netlink_check_ifname(const char *name, struct cu_error *e) __must_check;

struct netlink_link {
	int index;
	char name[IF_NAMESIZE];
	char kind[32];			/* "veth", "bridge", "" */
	unsigned int flags;		/* IFF_* */
	uint8_t operstate;		/* IF_OPER_* */
	uint32_t mtu;
	int master;			/* ifindex, 0 for none */
	int link;			/* peer ifindex (veth), 0 for none */
	int link_netnsid;		/* nsid of the peer's netns, -1 same */
	uint8_t mac[6];
	bool has_mac;
};

/* RTM_GETLINK by name: 0, -ENODEV when there is none. */
int netlink_link_get(struct netlink_sock *sk, const char *name, struct netlink_link *out,
		     struct cu_error *e) __must_check;
int netlink_link_get_index(struct netlink_sock *sk, int index, struct netlink_link *out,
			   struct cu_error *e) __must_check;

/*
 * Dumps return -EINTR when the table changed while it was read
 * (NLM_F_DUMP_INTR); the caller drops what it collected and asks again.
 */
typedef int (*netlink_link_fn)(const struct netlink_link *l, void *data);
int netlink_link_dump(struct netlink_sock *sk, netlink_link_fn fn, void *data,
		      struct cu_error *e) __must_check;

struct netlink_veth {
	const char *name;
	const char *peer;		/* NULL: the kernel names it */
	int peer_netns_fd;		/* -1: same namespace as @name */
	uint32_t mtu;			/* 0: default; applied to both ends */
	const uint8_t *mac;		/* NULL: random */
	const uint8_t *peer_mac;
};

/* One RTM_NEWLINK: both ends or neither. */
int netlink_veth_add(struct netlink_sock *sk, const struct netlink_veth *v,
		     struct cu_error *e) __must_check;
/* A bridge with STP off and forward delay 0. */
int netlink_bridge_add(struct netlink_sock *sk, const char *name,
		       struct cu_error *e) __must_check;
int netlink_link_del(struct netlink_sock *sk, const char *name,
		     struct cu_error *e) __must_check;
/* By index: -ENODEV when there is none. */
int netlink_link_del_index(struct netlink_sock *sk, int index,
			   struct cu_error *e) __must_check;
int netlink_link_set_up(struct netlink_sock *sk, const char *name, bool up,
			struct cu_error *e) __must_check;
/* @master NULL: leave the current master. */
int netlink_link_set_master(struct netlink_sock *sk, const char *name,
			    const char *master, struct cu_error *e) __must_check;
/* Hairpin mode of bridge port @name: frames may go back out where they came in. */
int netlink_link_set_hairpin(struct netlink_sock *sk, const char *name, bool on,
			     struct cu_error *e) __must_check;
/* Move to @netns_fd, renamed to @newname unless NULL. */
int netlink_link_move(struct netlink_sock *sk, const char *name, int netns_fd,
		      const char *newname, struct cu_error *e) __must_check;

enum netlink_op { NETLINK_OP_ADD, NETLINK_OP_DEL };

int netlink_addr(struct netlink_sock *sk, enum netlink_op op, const char *ifname,
		 const struct cu_inet *a, struct cu_error *e) __must_check;

/* Addresses of @index (0: all links) of @family (AF_UNSPEC: both). */
typedef int (*netlink_addr_fn)(int index, const struct cu_inet *a, void *data);
int netlink_addr_dump(struct netlink_sock *sk, int family, int index, netlink_addr_fn fn,
		      void *data, struct cu_error *e) __must_check;
/* The first IPv4 address of @ifname: 1 found, 0 none, or -errno. */
int netlink_addr_first_v4(struct netlink_sock *sk, const char *ifname,
			  struct cu_inet *out, struct cu_error *e) __must_check;

/* @dst with prefix 0 is the default route; @gw and @oif may be NULL. */
int netlink_route(struct netlink_sock *sk, enum netlink_op op, const struct cu_inet *dst,
		  const struct cu_inet *gw, const char *oif,
		  struct cu_error *e) __must_check;

/* A route of the main table: @dst (prefix 0: default), @gw when has_gw, @oif. */
struct netlink_route_info {
	struct cu_inet dst;
	struct cu_inet gw;
	bool has_gw;
	int oif;
};
typedef int (*netlink_route_fn)(const struct netlink_route_info *rt, void *data);
/* The unicast routes of the main table of @family. */
int netlink_route_dump(struct netlink_sock *sk, int family, netlink_route_fn fn, void *data,
		       struct cu_error *e) __must_check;

/*
 * The nsid by which the namespace of @sk refers to peer namespace
 * @netns_fd (RTM_GETNSID): *nsid is -1 when none is assigned.
 */
int netlink_nsid_get(struct netlink_sock *sk, int netns_fd, int32_t *nsid,
		     struct cu_error *e) __must_check;
/*
 * Assign @nsid (-1: let the kernel choose) to peer namespace @netns_fd
 * (RTM_NEWNSID).  On failure @e holds the errno and only the kernel's
 * extended-ACK text (empty when it sent none), for the caller to word.
 */
int netlink_nsid_set(struct netlink_sock *sk, int netns_fd, int32_t nsid,
		     struct cu_error *e) __must_check;

/* How many interfaces the namespace of @sk has (a RTM_GETLINK dump). */
int netlink_link_count(struct netlink_sock *sk, unsigned *count,
		       struct cu_error *e) __must_check;

/*
 * Dry run (--dry-run): is @sk blind (it stands for a network namespace the
 * plan does not enter, and sees only "lo" and the plan's own links)?  Is
 * the caller between an netlink_netns_enter() and netlink_netns_leave() that were
 * not made?
 */
bool netlink_dry_blind(const struct netlink_sock *sk);
bool netlink_dry_elsewhere(void);

#endif /* CU_NETLINK_H */
