/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-connect.h - the steps of "vethctl connect" that its CNI mode
 * (bin/vethctl-cni.c) runs too: the same bridge, pair, wiring, lease
 * record, masquerade and undo, so a container started by a CNI runtime is
 * wired exactly as one wired by hand.  The two front ends fill a struct
 * connect and call the steps in order; connect_undo() undoes those done.
 */
#ifndef CU_NET_CONNECT_H
#define CU_NET_CONNECT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "c.h"
#include "net-lease.h"
#include "net-netlink.h"
#include "strutils.h"

/* One connection: what to make, and what is made so far (for the undo). */
struct connect {
	struct netlink_sock *sk;	/* in the bridge's namespace */
	int nsfd;			/* that namespace, -1: ours */
	uint32_t mtu;			/* of both ends, 0: the default */
	const uint8_t *peer_mac;	/* of NS's end, NULL: random */
	bool nat;			/* masquerade the subnet */
	const char *out;		/* NAT's outgoing interface, NULL: any */

	const char *ns;			/* the NS argument */
	int tfd;			/* its fd */
	struct netlink_sock *tsk;	/* socket inside it */
	const char *bridge, *ifname;
	char host[IF_NAMESIZE];		/* our end, on the bridge */
	struct cu_inet gw, addr, net;	/* bridge address, NS address */
	bool has_gw, has_addr, has_net;
	bool made_bridge, made_pair, leased, natted;
	char key[IF_NAMESIZE + 32];	/* lease file */
	struct lease_rec rec;		/* what disconnect will undo */
};

/* What connect_drop_nat() needs. */
struct connect_nat_drop {
	int nsfd;			/* the namespace that forwards */
	bool natted;			/* false: the entry is not ours to drop */
	struct cu_error *e;
};

/* "network namespace NS" or "the current network namespace" (@spec NULL). */
const char *connect_ns_label(const char *spec, char *buf, size_t len);
/* The lease file of bridge @br in the namespace @nsfd (-1: ours). */
void connect_bridge_lease_key(int nsfd, const char *br, char *key, size_t len);
/* The path a lease keeps to find its namespace again. */
void connect_owner_path(const char *spec, char *buf, size_t len);
/* A new bridge, with an address (may be NULL) and up; gone again on failure. */
int connect_bridge_create(struct netlink_sock *sk, const char *name,
			  const struct cu_inet *a, struct cu_error *e) __must_check;
/* A host end name "vc" and 8 hex digits. */
void connect_random_name(char *buf, size_t len);

/* connect's steps, in their order; connect_undo() undoes those done. */
int connect_pair(struct connect *c, struct cu_error *e) __must_check;
int connect_wire(struct connect *c, struct cu_error *e) __must_check;
int connect_addr(struct connect *c, struct cu_error *e) __must_check;
int connect_nat(struct connect *c, struct cu_error *e) __must_check;
void connect_undo(struct connect *c);

/* nat_add()/nat_del() inside the namespace that forwards. */
int connect_nat_in(int nsfd, bool add, const struct cu_inet *net, const char *out,
		   bool *added, struct cu_error *e) __must_check;
/* lease_release() callback: the entry goes unless another record asks for it. */
int connect_drop_nat(const struct lease_rec *d, bool shared, void *data);
/* Masquerade entries of namespaces gone without a disconnect, removed (@nsfd: -1 ours). */
void connect_reap(int nsfd, const char *key);

#endif /* CU_NET_CONNECT_H */
