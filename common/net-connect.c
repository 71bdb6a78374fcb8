// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net-connect.c - connect a network namespace to a bridge: the steps that
 * "vethctl connect" and vethctl's CNI mode share (pair, wiring, address,
 * masquerade, undo, and the lease record's names).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c.h"
#include "nls.h"
#include "net-connect.h"
#include "net-nat.h"
#include "net-nsname.h"

/* "network namespace NS" or "the current network namespace". */
const char *connect_ns_label(const char *spec, char *buf, size_t len)
{
	if (!spec)
		return _("the current network namespace");
	snprintf(buf, len, _("network namespace %s"), spec);
	return buf;
}

/* The path a lease keeps to find its namespace again. */
void connect_owner_path(const char *spec, char *buf, size_t len)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", NETNS_RUN_DIR, spec);
	if (strchr(spec, '/'))
		snprintf(buf, len, "%s", spec);
	else if (access(p, F_OK) == 0)
		snprintf(buf, len, "%s", p);
	else
		snprintf(buf, len, "/proc/%s/ns/net", spec);
}

/* The lease file of bridge @br in the namespace @nsfd (-1: ours). */
void connect_bridge_lease_key(int nsfd, const char *br, char *key, size_t len)
{
	struct stat st;
	int r = nsfd >= 0 ? fstat(nsfd, &st) : stat("/proc/self/ns/net", &st);

	snprintf(key, len, "%s@%ju", br, r == 0 ? (uintmax_t) st.st_ino : 0);
}

/* A new bridge, with an address and up; deleted again when a step fails. */
int connect_bridge_create(struct netlink_sock *sk, const char *name,
			  const struct cu_inet *a, struct cu_error *e)
{
	int r = netlink_bridge_add(sk, name, e);

	if (r == -EEXIST)
		return cu_error_set(e, 0, _("cannot create bridge: %s already exists (use it, or delete it with vethctl bridge del)"),
				    name);
	if (r < 0)
		return r;
	if (a && (r = netlink_addr(sk, NETLINK_OP_ADD, name, a, e)) < 0)
		goto out_del_bridge;
	if ((r = netlink_link_set_up(sk, name, true, e)) < 0)
		goto out_del_bridge;
	return 0;
out_del_bridge:
	ignore_result(netlink_link_del(sk, name, NULL));	/* undo; r is the error */
	return r;
}

/* nat_add()/nat_del() inside the namespace that forwards. */
int connect_nat_in(int nsfd, bool add, const struct cu_inet *net, const char *out,
		   bool *added, struct cu_error *e)
{
	int saved = -1, r, r2 = 0;

	if (nsfd >= 0 && (saved = netlink_netns_enter(nsfd, e)) < 0)
		return saved;
	r = add ? nat_add(net, out, added, e) : nat_del(net, out, e);
	if (saved >= 0)
		r2 = netlink_netns_leave(saved, r < 0 ? NULL : e);
	return r < 0 ? r : r2;
}

void connect_random_name(char *buf, size_t len)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t) getpid() ^ (uint32_t) time(NULL);
	snprintf(buf, len, "vc%08x", v);
}

/* The pair, created with its other end directly inside NS. */
int connect_pair(struct connect *c, struct cu_error *e)
{
	struct netlink_veth v = { .name = c->host, .peer = c->ifname,
			     .peer_netns_fd = c->tfd, .mtu = c->mtu,
			     .peer_mac = c->peer_mac };
	char old[IF_NAMESIZE];
	struct netlink_link l;
	char buf[PATH_MAX];
	int r = -EEXIST;

	if (netlink_link_get(c->tsk, c->ifname, &l, NULL) == 0)
		return cu_error_set(e, 0, _("cannot connect: %1$s already exists in %2$s (choose another --ifname)"),
				    c->ifname, connect_ns_label(c->ns, buf, sizeof(buf)));
	for (int i = 0; i < 10 && r == -EEXIST; i++) {
		if (i > 0) {
			/* the name is taken: the record names the next one first */
			snprintf(old, sizeof(old), "%s", c->host);
			connect_random_name(c->host, sizeof(c->host));
			snprintf(c->rec.host, sizeof(c->rec.host), "%s", c->host);
			if ((r = lease_update(c->key, old, &c->rec, e)) < 0)
				return r;
		}
		r = netlink_veth_add(c->sk, &v, e);
	}
	if (r < 0)
		return r;
	c->made_pair = true;
	r = netlink_link_get(c->sk, c->host, &l, e);
	if (r < 0)
		return r;
	c->rec.host_index = l.index;
	return lease_update(c->key, c->host, &c->rec, e);
}

int connect_wire(struct connect *c, struct cu_error *e)
{
	int r;

	if ((r = netlink_link_set_master(c->sk, c->host, c->bridge, e)) < 0 ||
	    (r = netlink_link_set_up(c->sk, c->host, true, e)) < 0 ||
	    (r = netlink_link_set_up(c->tsk, "lo", true, e)) < 0)
		return r;
	return netlink_link_set_up(c->tsk, c->ifname, true, e);
}

/* The address (leased above when IPv4), set in NS. */
int connect_addr(struct connect *c, struct cu_error *e)
{
	return netlink_addr(c->tsk, NETLINK_OP_ADD, c->ifname, &c->addr, e);
}

int connect_nat(struct connect *c, struct cu_error *e)
{
	int r;

	if (!c->nat)
		return 0;
	r = connect_nat_in(c->nsfd, true, &c->net, c->out, &c->natted, e);
	return r;
}

/* lease_release() callback: the entry goes unless another record asks for it. */
int connect_drop_nat(const struct lease_rec *d, bool shared, void *data)
{
	struct connect_nat_drop *nd = data;
	bool added;
	int r;

	if (!d->nat || !nd->natted || shared)
		return 0;
	r = connect_nat_in(nd->nsfd, false, &d->net, d->out[0] ? d->out : NULL, &added, nd->e);
	return r == -ENOENT ? 0 : r;	/* removed by hand already: nothing to undo */
}

/*
 * The masquerade entries of namespaces that went away without a disconnect
 * (their records wait in @key): removed now, unless a live record asks for
 * them.  Best effort: what fails is said and tried again next time.
 */
void connect_reap(int nsfd, const char *key)
{
	struct cu_error e = { 0 };
	struct connect_nat_drop nd = { .nsfd = nsfd, .natted = true, .e = &e };

	if (lease_reap(key, connect_drop_nat, &nd, &e) < 0)
		cu_error_warn(&e);
}

/* Undo in reverse; each step's own error was already recorded. */
void connect_undo(struct connect *c)
{
	struct connect_nat_drop nd = { .nsfd = c->nsfd, .natted = c->natted };
	bool nat;

	if (c->leased)
		ignore_result(lease_release(c->key, &c->rec.o, c->host, connect_drop_nat, &nd, NULL));
	else if (c->natted)
		ignore_result(connect_nat_in(c->nsfd, false, &c->net, c->out, &nat, NULL));
	if (c->made_pair)
		ignore_result(netlink_link_del(c->sk, c->host, NULL));
	if (c->made_bridge)
		ignore_result(netlink_link_del(c->sk, c->bridge, NULL));
}
