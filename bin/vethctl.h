/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vethctl.h - the steps of "vethctl connect" that its CNI mode
 * (bin/vethctl-cni.c) runs too: the same pair, wiring, lease record,
 * masquerade and undo, so a container started by a CNI runtime is wired
 * exactly as one wired by hand.
 */
#ifndef CU_VETHCTL_H
#define CU_VETHCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "c.h"
#include "net-lease.h"
#include "net-netlink.h"
#include "strutils.h"
#include "table.h"

struct vethctl_control {
	const char *netns;		/* --netns: where we act */
	const char *peer_netns;		/* --peer-netns */
	uint32_t mtu;
	uint8_t mac[6], peer_mac[6];
	bool has_mac, has_peer_mac;
	const char *bridge;
	const char *addr;		/* CIDR or "auto" */
	const char *ifname;
	const char *out;
	bool nat;
	struct table_opts topts;

	int nsfd;			/* --netns opened, -1: current */
	struct netlink_sock *sk;		/* socket in that namespace */
	char **argv;			/* the command's arguments */
	int argc;
};

/* What connect has done so far, so a failing step can undo the others. */
struct conn {
	struct vethctl_control *ctl;
	const char *ns;			/* the NS argument */
	int tfd;			/* its fd */
	struct netlink_sock *tsk;		/* socket inside it */
	const char *bridge, *ifname;
	char host[IF_NAMESIZE];		/* our end, on the bridge */
	struct cu_inet gw, addr, net;	/* bridge address, NS address */
	bool has_gw, has_addr, has_net;
	bool made_bridge, made_pair, leased, natted;
	char key[IF_NAMESIZE + 32];	/* lease file */
	struct lease_rec rec;		/* what disconnect will undo */
};

/* What drop_nat() needs. */
struct nat_drop {
	int nsfd;			/* the namespace that forwards */
	bool natted;			/* false: the entry is not ours to drop */
	struct cu_error *e;
};

/* The lease file of bridge @br in the namespace @nsfd (-1: ours). */
void bridge_lease_key(int nsfd, const char *br, char *key, size_t len);
/* The path a lease keeps to find its namespace again. */
void ns_owner_path(const char *spec, char *buf, size_t len);
/* A new bridge, with an address (may be NULL) and up; gone again on failure. */
int bridge_create(struct netlink_sock *sk, const char *name, const struct cu_inet *a,
		  struct cu_error *e);
/* A host end name "vc" and 8 hex digits. */
void random_name(char *buf, size_t len);

/* connect's steps, in their order; conn_undo() undoes those done. */
int conn_pair(struct conn *c, struct cu_error *e);
int conn_wire(struct conn *c, struct cu_error *e);
int conn_addr(struct conn *c, struct cu_error *e);
int conn_nat(struct conn *c, struct cu_error *e);
void conn_undo(struct conn *c);

/* nat_add()/nat_del() inside the namespace that forwards. */
int nat_in(int nsfd, bool add, const struct cu_inet *net, const char *out,
	   bool *added, struct cu_error *e);
/* lease_release() callback: the entry goes unless another record asks for it. */
int drop_nat(const struct lease_rec *d, bool shared, void *data);
/* Masquerade entries of namespaces gone without a disconnect, removed. */
void reap(struct vethctl_control *ctl, const char *key);

/* CNI mode (bin/vethctl-cni.c): is this run a CNI plugin call, and run it. */
bool cni_mode(int argc, char **argv);
int cni_main(void);

#endif /* CU_VETHCTL_H */
