// SPDX-License-Identifier: GPL-2.0-or-later
/* vethctl(8) - veth pairs, bridges, addresses, routes and NAT over rtnetlink */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "net-connect.h"
#include "net-lease.h"
#include "net-nat.h"
#include "net-netlink.h"
#include "net-nsname.h"
#include "strutils.h"
#include "table.h"
#include "vethctl-cni.h"

/* Subnet a bridge made by connect gets without an IPv4 --addr. */
#define DEFAULT_SUBNET	"10.200.0.1/24"
#define DEFAULT_BRIDGE	"ctr0"
#define DEFAULT_IFNAME	"eth0"
/* What the kernel takes for a veth and a bridge (ETH_MIN_MTU, ETH_MAX_MTU). */
#define MTU_MIN		68
#define MTU_MAX		65535

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
	struct netlink_sock *sk;	/* socket in that namespace */
	char **argv;			/* the command's arguments */
	int argc;
};

/* A row of commands[] (c.h: struct cu_command first). */
struct command {
	struct cu_command cmd;
	int (*fn)(struct vethctl_control *ctl);
};

static int open_ns(const char *spec)
{
	struct cu_error e = { 0 };
	int fd = netns_open_spec(spec, &e);

	if (fd < 0)
		cu_error_die(&e);
	return fd;
}

static struct netlink_sock *open_sock(int nsfd)
{
	struct cu_error e = { 0 };
	struct netlink_sock *sk = netlink_open(nsfd, &e);

	if (!sk)
		cu_error_die(&e);
	return sk;
}

static void check_ifname(const char *name)
{
	struct cu_error e = { 0 };

	if (netlink_check_ifname(name, &e) < 0)
		cu_error_die(&e);
}

/* ---- add / delete / up / down / move / attach / detach ------------ */

/*
 * Which end's name was taken, and where: for a clear EEXIST message.  Asked
 * only after the kernel refused, so a pair that can be made costs one
 * request and the peer's namespace gets a socket only on this path.
 */
static void die_exists(struct vethctl_control *ctl, const char *peer, int peerfd)
{
	struct cu_error e = { 0 };
	struct netlink_link l;
	struct netlink_sock *psk;
	char buf[PATH_MAX];
	bool exists;

	if (netlink_link_get(ctl->sk, ctl->argv[0], &l, &e) == 0)
		diex(_("cannot create veth pair: %1$s already exists in %2$s (choose another name, or delete it)"),
		     ctl->argv[0], connect_ns_label(ctl->netns, buf, sizeof(buf)));
	if (!peer)
		return;
	psk = peerfd >= 0 ? open_sock(peerfd) : ctl->sk;
	exists = netlink_link_get(psk, peer, &l, &e) == 0;
	if (psk != ctl->sk)
		netlink_close(psk);
	if (exists)
		diex(_("cannot create veth pair: %1$s already exists in %2$s (choose another name, or delete it)"),
		     peer, connect_ns_label(peerfd >= 0 ? ctl->peer_netns : ctl->netns,
					    buf, sizeof(buf)));
}

/* The name the kernel gave the peer ("vethN"), on stdout: it was not given. */
static void print_peer(struct vethctl_control *ctl, const struct netlink_veth *v)
{
	struct cu_error e = { 0 };
	struct netlink_sock *psk = v->peer_netns_fd >= 0 ? open_sock(v->peer_netns_fd) : ctl->sk;
	struct netlink_link l, p;

	if (netlink_link_get(ctl->sk, v->name, &l, &e) < 0 ||
	    netlink_link_get_index(psk, l.link, &p, &e) < 0)
		cu_error_die(&e);
	printf("%s\n", p.name);
	if (psk != ctl->sk)
		netlink_close(psk);
}

static int cmd_add(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct netlink_veth v = {
		.name = ctl->argv[0],
		.peer = ctl->argc > 1 ? ctl->argv[1] : NULL,
		.peer_netns_fd = -1,
		.mtu = ctl->mtu,
		.mac = ctl->has_mac ? ctl->mac : NULL,
		.peer_mac = ctl->has_peer_mac ? ctl->peer_mac : NULL,
	};
	int r;

	check_ifname(v.name);
	if (v.peer)
		check_ifname(v.peer);
	if (ctl->peer_netns)
		v.peer_netns_fd = open_ns(ctl->peer_netns);
	r = netlink_veth_add(ctl->sk, &v, &e);
	if (r == -EEXIST)
		die_exists(ctl, v.peer, v.peer_netns_fd);
	if (r < 0)
		cu_error_die(&e);
	if (!v.peer && !explain_dry_run())	/* a dry run's peer has no name yet */
		print_peer(ctl, &v);
	if (v.peer_netns_fd >= 0)
		close(v.peer_netns_fd);
	return 0;
}

static void undo_connection(struct vethctl_control *ctl, const char *key,
			    const struct lease_rec *rec, const struct netlink_link *host);

/*
 * The host end of a connection (a veth that a record names, at its index)
 * goes with its record and masquerade element, as with disconnect.
 */
static int cmd_delete(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char key[IF_NAMESIZE + 32], suffix[32];
	struct lease_rec rec;
	struct netlink_link l;
	int r;

	check_ifname(ctl->argv[0]);
	if (netlink_link_get(ctl->sk, ctl->argv[0], &l, NULL) == 0 && streq(l.kind, "veth")) {
		connect_bridge_lease_key(ctl->nsfd, "", suffix, sizeof(suffix));
		r = lease_find(NULL, suffix,
			       &(struct lease_match) { .host = l.name, .host_index = l.index },
			       &rec, key, sizeof(key), &e);
		if (r < 0)
			cu_error_die(&e);
		if (r > 0) {
			undo_connection(ctl, key, &rec, &l);
			connect_reap(ctl->nsfd, key);
			return 0;
		}
	}
	if (netlink_link_del(ctl->sk, ctl->argv[0], &e) < 0)
		cu_error_die(&e);
	return 0;
}

static int set_updown(struct vethctl_control *ctl, bool up)
{
	struct cu_error e = { 0 };

	check_ifname(ctl->argv[0]);
	if (netlink_link_set_up(ctl->sk, ctl->argv[0], up, &e) < 0)
		cu_error_die(&e);
	return 0;
}

static int cmd_up(struct vethctl_control *ctl)
{
	return set_updown(ctl, true);
}

static int cmd_down(struct vethctl_control *ctl)
{
	return set_updown(ctl, false);
}

static int cmd_move(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	int fd;

	check_ifname(ctl->argv[0]);
	fd = open_ns(ctl->argv[1]);
	if (netlink_link_move(ctl->sk, ctl->argv[0], fd, NULL, &e) < 0)
		cu_error_die(&e);
	close(fd);
	return 0;
}

static int cmd_attach(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct netlink_link br;

	check_ifname(ctl->argv[0]);
	check_ifname(ctl->argv[1]);
	if (netlink_link_get(ctl->sk, ctl->argv[1], &br, &e) < 0) {
		if (!netlink_dry_blind(ctl->sk))
			diex(_("cannot attach %1$s: no bridge %2$s (create it with: vethctl bridge add %2$s)"),
			     ctl->argv[0], ctl->argv[1]);
		snprintf(br.kind, sizeof(br.kind), "bridge");	/* a plan cannot look there */
	}
	if (!streq(br.kind, "bridge"))
		diex(_("cannot attach %1$s: %2$s is not a bridge"), ctl->argv[0], ctl->argv[1]);
	if (netlink_link_set_master(ctl->sk, ctl->argv[0], ctl->argv[1], &e) < 0)
		cu_error_die(&e);
	return 0;
}

static int cmd_detach(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };

	check_ifname(ctl->argv[0]);
	if (netlink_link_set_master(ctl->sk, ctl->argv[0], NULL, &e) < 0)
		cu_error_die(&e);
	return 0;
}

/* ---- addr / route / bridge -------------------------------------------- */

static enum netlink_op parse_op(const char *s)
{
	if (streq(s, "add"))
		return NETLINK_OP_ADD;
	if (streq(s, "del") || streq(s, "delete"))
		return NETLINK_OP_DEL;
	diex(_("unknown action: %s (use add or del)"), s);
}

static int cmd_addr(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	enum netlink_op op = parse_op(ctl->argv[0]);
	struct cu_inet a;

	if (ctl->argc != 3)
		diex(_("addr: expected add|del NAME CIDR (see vethctl --help)"));
	check_ifname(ctl->argv[1]);
	cidr_or_err(ctl->argv[2], &a, _("invalid address"));
	if (netlink_addr(ctl->sk, op, ctl->argv[1], &a, &e) < 0)
		cu_error_die(&e);
	return 0;
}

/* "default" or a CIDR; a bare address means a host route. */
static void parse_dest(const char *s, struct cu_inet *dst, int family)
{
	memset(dst, 0, sizeof(*dst));
	if (streq(s, "default")) {
		dst->family = family;
		return;
	}
	if (strchr(s, '/'))
		cidr_or_err(s, dst, _("invalid destination"));
	else
		inet_addr_or_err(s, dst, _("invalid destination"));
}

static int cmd_route(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	enum netlink_op op = parse_op(ctl->argv[0]);
	struct cu_inet dst, gw;
	const char *dev = NULL;
	bool has_gw = false;

	for (int i = 2; i + 1 < ctl->argc; i += 2) {
		if (streq(ctl->argv[i], "via")) {
			inet_addr_or_err(ctl->argv[i + 1], &gw, _("invalid gateway"));
			has_gw = true;
		} else if (streq(ctl->argv[i], "dev")) {
			dev = ctl->argv[i + 1];
			check_ifname(dev);
		} else {
			diex(_("route: unknown keyword: %s (use via GW or dev NAME)"), ctl->argv[i]);
		}
	}
	if ((ctl->argc - 2) % 2 || (!has_gw && !dev))
		diex(_("route: expected add|del default|CIDR via GW [dev NAME] (see vethctl --help)"));
	parse_dest(ctl->argv[1], &dst, has_gw ? gw.family : AF_INET);
	if (has_gw && gw.family != dst.family)
		diex(_("route: %1$s and %2$s are of different address families"),
		     ctl->argv[1], ctl->argv[3]);
	if (netlink_route(ctl->sk, op, &dst, has_gw ? &gw : NULL, dev, &e) < 0)
		cu_error_die(&e);
	return 0;
}

/*
 * The connections recorded on bridge @br go with it, each as disconnect
 * undoes it: its pair (still on @br, under the recorded name), its record
 * and its masquerade element.
 */
static void bridge_disconnect_all(struct vethctl_control *ctl, const char *key,
				  const struct netlink_link *br)
{
	struct cu_error e = { 0 };
	struct lease_rec *recs;
	struct netlink_link host;
	size_t n;
	int r;

	if (lease_list(key, &recs, &n, &e) < 0)
		cu_error_die(&e);
	for (size_t i = 0; i < n; i++) {
		r = recs[i].host_index > 0 ?
			netlink_link_get_index(ctl->sk, recs[i].host_index, &host, NULL) :
			netlink_link_get(ctl->sk, recs[i].host, &host, NULL);
		if (r == 0 && (!streq(host.name, recs[i].host) ||
			       !streq(host.kind, "veth") || host.master != br->index))
			r = -ENODEV;	/* not ours (any more): left alone */
		undo_connection(ctl, key, &recs[i], r == 0 ? &host : NULL);
	}
	free(recs);
}

static int cmd_bridge_list(struct vethctl_control *ctl);

static int cmd_bridge(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char key[IF_NAMESIZE + 32];
	enum netlink_op op;
	struct cu_inet a;
	struct netlink_link l;

	if (ctl->argc == 1 && streq(ctl->argv[0], "list"))
		return cmd_bridge_list(ctl);
	if (ctl->argc == 2 && streq(ctl->argv[0], "list"))
		diex(_("bridge list: takes no argument (see vethctl --help)"));
	op = parse_op(ctl->argv[0]);
	if (ctl->argc != 2)
		diex(_("bridge: expected add|del BR, or list (see vethctl --help)"));
	check_ifname(ctl->argv[1]);
	if (ctl->addr)
		cidr_or_err(ctl->addr, &a, _("invalid address"));
	if (op == NETLINK_OP_ADD) {
		if (connect_bridge_create(ctl->sk, ctl->argv[1], ctl->addr ? &a : NULL, &e) < 0)
			cu_error_die(&e);
		return 0;
	}
	if (netlink_link_get(ctl->sk, ctl->argv[1], &l, &e) < 0) {
		if (!netlink_dry_blind(ctl->sk))
			cu_error_die(&e);
		memset(&l, 0, sizeof(l));	/* a plan cannot look there */
		snprintf(l.kind, sizeof(l.kind), "bridge");
	}
	if (!streq(l.kind, "bridge"))
		diex(_("cannot delete bridge: %s is not a bridge (use vethctl delete)"), ctl->argv[1]);
	connect_bridge_lease_key(ctl->nsfd, ctl->argv[1], key, sizeof(key));
	connect_reap(ctl->nsfd, key);
	bridge_disconnect_all(ctl, key, &l);
	if (netlink_link_del(ctl->sk, ctl->argv[1], &e) < 0)
		cu_error_die(&e);
	/* the bridge is gone, and with it every lease on it */
	if (lease_forget(key, &e) < 0)
		cu_error_warn(&e);
	return 0;
}

/* ---- nat ---------------------------------------------------------------- */

static int cmd_nat(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	enum netlink_op op = parse_op(ctl->argv[0]);
	struct cu_inet net;
	bool added;

	if (!nat_supported())
		diex(_("nat: this vethctl was built without NAT support (rebuild with libnftables)"));
	if (ctl->argc != 2)
		diex(_("nat: expected add|del SUBNET (see vethctl --help)"));
	cidr_or_err(ctl->argv[1], &net, _("invalid subnet"));
	if (net.family != AF_INET)
		diex(_("nat: %s: only IPv4 subnets are masqueraded"), ctl->argv[1]);
	if (ctl->out)
		check_ifname(ctl->out);
	if ((ctl->out && nat_check_out(ctl->out, &e) < 0) ||
	    nat_load(&e) < 0 ||
	    connect_nat_in(ctl->nsfd, op == NETLINK_OP_ADD, &net, ctl->out, &added, &e) < 0)
		cu_error_die(&e);
	return 0;
}

/* ---- list ----------------------------------------------------------------- */

enum { COL_NAME, COL_PEER, COL_PEER_NETNS, COL_STATE, COL_MTU, COL_MASTER,
       COL_ADDRESSES, COL_MAC, COL_INDEX };

/* ip -j link's keys in --json where ip has the field */
static const struct table_column list_cols[] = {
	[COL_NAME]	= { "NAME", 0.1, 0, N_("interface name"), "ifname" },
	[COL_PEER]	= { "PEER", 0.1, 0, N_("name of the other end"), "link" },
	[COL_PEER_NETNS] = { "PEER-NETNS", 0.1, 0, N_("network namespace of the other end") },
	[COL_STATE]	= { "STATE", 0.1, 0, N_("operational state"), "operstate" },
	[COL_MTU]	= { "MTU", 0.05, TABLE_RIGHT | TABLE_NUMBER, N_("maximum transmission unit") },
	[COL_MASTER]	= { "MASTER", 0.1, 0, N_("bridge the interface is attached to") },
	[COL_ADDRESSES]	= { "ADDRESSES", 0.3, TABLE_WRAP | TABLE_LIST, N_("IPv4 and IPv6 addresses, comma separated") },
	[COL_MAC]	= { "MAC", 0.15, TABLE_HIDDEN, N_("hardware address"), "address" },
	[COL_INDEX]	= { "INDEX", 0.05, TABLE_RIGHT | TABLE_NUMBER | TABLE_HIDDEN, N_("interface index"), "ifindex" },
};

struct list_ctx {
	struct vethctl_control *ctl;
	struct cu_table *t;
	struct netlink_link *links;
	size_t nlinks;
	char **addrs;			/* per link, comma separated */
	char **ns_names;		/* by nsid, for peers elsewhere */
	int *ns_fds;
	size_t nns;
	bool want_addrs;		/* dump the addresses too */
};

static int collect_link(const struct netlink_link *l, void *data)
{
	struct list_ctx *lc = data;

	lc->links = xrealloc(lc->links, (lc->nlinks + 1) * sizeof(*lc->links));
	lc->links[lc->nlinks++] = *l;
	return 0;
}

static int collect_addr(int index, const struct cu_inet *a, void *data)
{
	struct list_ctx *lc = data;
	char text[INET6_ADDRSTRLEN + 8], *s;

	for (size_t i = 0; i < lc->nlinks; i++) {
		if (lc->links[i].index != index || format_inet(a, true, text, sizeof(text)) < 0)
			continue;
		s = lc->addrs[i];
		xasprintf(&lc->addrs[i], "%s%s%s", s ? s : "", s ? "," : "", text);
		free(s);
	}
	return 0;
}

/* Names in /run/netns by the nsid this namespace gives them: one scan. */
static void map_nsids(struct list_ctx *lc)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *de;

	lc->nns = 0;
	while (d && (de = readdir(d))) {
		struct cu_error e = { 0 };
		int32_t id;
		int fd;

		if (de->d_name[0] == '.' || (fd = netns_open_name(de->d_name, &e)) < 0)
			continue;
		if (netlink_nsid_get(lc->ctl->sk, fd, &id, &e) < 0 || id < 0 || id > 4096) {
			close(fd);
			continue;
		}
		if ((size_t) id >= lc->nns) {
			lc->ns_names = xrealloc(lc->ns_names, (id + 1) * sizeof(char *));
			lc->ns_fds = xrealloc(lc->ns_fds, (id + 1) * sizeof(int));
			for (size_t i = lc->nns; i <= (size_t) id; i++)
				lc->ns_names[i] = NULL, lc->ns_fds[i] = -1;
			lc->nns = id + 1;
		}
		lc->ns_names[id] = xstrdup(de->d_name);
		lc->ns_fds[id] = fd;
	}
	if (d)
		closedir(d);
}

static const char *link_name(const struct list_ctx *lc, int index)
{
	for (size_t i = 0; i < lc->nlinks; i++)
		if (lc->links[i].index == index)
			return lc->links[i].name;
	return "";
}

/* The peer's name, asked in its own namespace when it is elsewhere. */
static void peer_of(struct list_ctx *lc, const struct netlink_link *l, char *name,
		    size_t len, const char **ns)
{
	struct cu_error e = { 0 };
	struct netlink_link p;
	struct netlink_sock *psk;

	*ns = "";
	name[0] = '\0';
	if (l->link_netnsid < 0) {
		snprintf(name, len, "%s", link_name(lc, l->link));
		return;
	}
	if ((size_t) l->link_netnsid >= lc->nns || !lc->ns_names[l->link_netnsid]) {
		snprintf(name, len, "if%d", l->link);
		*ns = "?";
		return;
	}
	*ns = lc->ns_names[l->link_netnsid];
	psk = netlink_open(lc->ns_fds[l->link_netnsid], &e);
	if (psk && netlink_link_get_index(psk, l->link, &p, &e) == 0)
		snprintf(name, len, "%s", p.name);
	netlink_close(psk);
}

static const char *operstate_name(uint8_t s)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
		"TESTING", "DORMANT", "UP",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "UNKNOWN";
}

static void list_line(struct list_ctx *lc, size_t i)
{
	const struct netlink_link *l = &lc->links[i];
	struct libscols_line *ln = table_add_line(lc->t, NULL);
	char peer[IF_NAMESIZE + 16], mac[32] = "";
	const char *pns;

	peer_of(lc, l, peer, sizeof(peer), &pns);
	table_set(lc->t, ln, COL_NAME, l->name);
	table_set(lc->t, ln, COL_PEER, peer);
	/* "?": the peer's namespace has no name we can see; unknown is null */
	table_set(lc->t, ln, COL_PEER_NETNS, table_is_json(lc->t) && streq(pns, "?") ? NULL : pns);
	table_set(lc->t, ln, COL_STATE, operstate_name(l->operstate));
	table_set_u64(lc->t, ln, COL_MTU, l->mtu);
	table_set(lc->t, ln, COL_MASTER, l->master ? link_name(lc, l->master) : "");
	table_set(lc->t, ln, COL_ADDRESSES, lc->addrs[i] ? lc->addrs[i] : "");
	if (l->has_mac && format_mac(l->mac, mac, sizeof(mac)) < 0)
		mac[0] = '\0';
	table_set(lc->t, ln, COL_MAC, mac);
	table_set_u64(lc->t, ln, COL_INDEX, (unsigned long long) l->index);
}

static void list_free(struct list_ctx *lc)
{
	for (size_t i = 0; i < lc->nlinks; i++)
		free(lc->addrs[i]);
	for (size_t i = 0; i < lc->nns; i++) {
		free(lc->ns_names[i]);
		if (lc->ns_fds[i] >= 0)
			close(lc->ns_fds[i]);
	}
	free(lc->addrs);
	free(lc->links);
	free(lc->ns_names);
	free(lc->ns_fds);
	table_free(lc->t);
}

/* Links and addresses; a dump the kernel interrupted is asked again. */
static int list_collect(struct list_ctx *lc, struct cu_error *e)
{
	int r = -EINTR;

	for (int tries = 0; tries < 5 && r == -EINTR; tries++) {
		for (size_t i = 0; lc->addrs && i < lc->nlinks; i++)
			free(lc->addrs[i]);
		free(lc->addrs);
		lc->addrs = NULL;
		lc->nlinks = 0;
		r = netlink_link_dump(lc->ctl->sk, collect_link, lc, e);
		if (r < 0)
			continue;
		lc->addrs = xcalloc(lc->nlinks + 1, sizeof(char *));
		if (lc->want_addrs)
			r = netlink_addr_dump(lc->ctl->sk, AF_UNSPEC, 0, collect_addr, lc, e);
	}
	return r;
}

static int cmd_list(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct list_ctx lc = { .ctl = ctl };

	lc.t = table_new("veths", list_cols, ARRAY_SIZE(list_cols),
			 "NAME,PEER,PEER-NETNS,STATE,MTU,MASTER,ADDRESSES",
			 &ctl->topts, &e);
	if (!lc.t)
		cu_error_die(&e);
	lc.want_addrs = table_has(lc.t, COL_ADDRESSES);
	if (list_collect(&lc, &e) < 0)
		cu_error_die(&e);
	if (table_has(lc.t, COL_PEER) || table_has(lc.t, COL_PEER_NETNS))
		map_nsids(&lc);
	for (size_t i = 0; i < lc.nlinks; i++)
		if (streq(lc.links[i].kind, "veth"))
			list_line(&lc, i);
	if (table_print(lc.t) < 0)
		die(_("cannot print the list"));
	list_free(&lc);
	return 0;
}

/* ---- bridge list ----------------------------------------------------------- */

enum { BCOL_NAME, BCOL_STATE, BCOL_ADDRESSES, BCOL_PORTS, BCOL_NAT, BCOL_MTU, BCOL_INDEX };

static const struct table_column bridge_cols[] = {
	[BCOL_NAME]	 = { "NAME", 0.1, 0, N_("bridge name"), "ifname" },
	[BCOL_STATE]	 = { "STATE", 0.1, 0, N_("operational state"), "operstate" },
	[BCOL_ADDRESSES] = { "ADDRESSES", 0.3, TABLE_WRAP | TABLE_LIST, N_("IPv4 and IPv6 addresses, comma separated") },
	[BCOL_PORTS]	 = { "PORTS", 0.3, TABLE_WRAP | TABLE_LIST, N_("bridge: links attached to it, comma separated") },
	[BCOL_NAT]	 = { "NAT", 0.05, TABLE_BOOL, N_("bridge: is its IPv4 subnet masqueraded") },
	[BCOL_MTU]	 = { "MTU", 0.05, TABLE_RIGHT | TABLE_NUMBER | TABLE_HIDDEN, N_("maximum transmission unit") },
	[BCOL_INDEX]	 = { "INDEX", 0.05, TABLE_RIGHT | TABLE_NUMBER | TABLE_HIDDEN, N_("interface index"), "ifindex" },
};

/* nat_masquerades() inside the namespace that forwards. */
static int nat_query(int nsfd, const struct cu_inet *net, struct cu_error *e)
{
	int saved = -1, r, r2 = 0;

	if (nsfd >= 0 && (saved = netlink_netns_enter(nsfd, e)) < 0)
		return saved;
	r = nat_masquerades(net, e);
	if (saved >= 0)
		r2 = netlink_netns_leave(saved, r < 0 ? NULL : e);
	return r < 0 || r2 == 0 ? r : r2;
}

/*
 * Is an IPv4 subnet of the bridge (@addrs: its addresses, comma separated)
 * masqueraded?  1, 0, or -1 when the table cannot be read: said once, and
 * the column stays empty.
 */
static int bridge_nat(struct vethctl_control *ctl, const char *addrs, bool *warned)
{
	_cleanup_free_ char *copy = xstrdup(addrs ? addrs : "");
	char *tok, *save = NULL;
	struct cu_error e = { 0 };
	struct cu_inet a;
	int r;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_cidr(tok, &a) < 0 || a.family != AF_INET)
			continue;
		r = nat_query(ctl->nsfd, &a, &e);
		if (r < 0 && !*warned) {
			*warned = true;
			cu_error_warn(&e);
		}
		if (r != 0)
			return r < 0 ? -1 : 1;
	}
	return 0;
}

static void bridge_line(struct list_ctx *lc, size_t i, bool *warned)
{
	const struct netlink_link *l = &lc->links[i];
	struct libscols_line *ln = table_add_line(lc->t, NULL);
	_cleanup_free_ char *ports = xstrdup("");
	int nat;

	for (size_t j = 0; j < lc->nlinks; j++) {
		char *old = ports;

		if (lc->links[j].master != l->index)
			continue;
		xasprintf(&ports, "%s%s%s", old, *old ? "," : "", lc->links[j].name);
		free(old);
	}
	table_set(lc->t, ln, BCOL_NAME, l->name);
	table_set(lc->t, ln, BCOL_STATE, operstate_name(l->operstate));
	table_set(lc->t, ln, BCOL_ADDRESSES, lc->addrs[i] ? lc->addrs[i] : "");
	table_set(lc->t, ln, BCOL_PORTS, ports);
	if (table_has(lc->t, BCOL_NAT) &&
	    (nat = bridge_nat(lc->ctl, lc->addrs[i], warned)) >= 0)
		table_set_bool(lc->t, ln, BCOL_NAT, nat > 0);
	table_set_u64(lc->t, ln, BCOL_MTU, l->mtu);
	table_set_u64(lc->t, ln, BCOL_INDEX, (unsigned long long) l->index);
}

/* Bridges with their addresses, ports and whether NAT is on. */
static int cmd_bridge_list(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct list_ctx lc = { .ctl = ctl };
	bool warned = !nat_supported();

	lc.t = table_new("bridges", bridge_cols, ARRAY_SIZE(bridge_cols),
			 "NAME,STATE,ADDRESSES,PORTS,NAT", &ctl->topts, &e);
	if (!lc.t)
		cu_error_die(&e);
	lc.want_addrs = table_has(lc.t, BCOL_ADDRESSES) || table_has(lc.t, BCOL_NAT);
	if (list_collect(&lc, &e) < 0)
		cu_error_die(&e);
	for (size_t i = 0; i < lc.nlinks; i++)
		if (streq(lc.links[i].kind, "bridge"))
			bridge_line(&lc, i, &warned);
	if (table_print(lc.t) < 0)
		die(_("cannot print the list"));
	list_free(&lc);
	return 0;
}

/* ---- connect / disconnect --------------------------------------------- */

static void lease_key(struct connect *c)
{
	connect_bridge_lease_key(c->nsfd, c->bridge, c->key, sizeof(c->key));
}

/*
 * The address a bridge that connect makes gets for the container's IPv4
 * @addr: the first host address of its subnet (10.0.0.1 for 10.0.0.7/24,
 * 10.0.0.0 in a /31), or the last one (10.0.0.254) when @addr is that
 * first one, so that the container always has a gateway on its subnet.
 * False for a /32: there is no other address.
 */
static bool gateway_for(const struct cu_inet *addr, struct cu_inet *gw)
{
	uint32_t net, bcast, first, last;

	if (addr->prefix >= 32)
		return false;
	cidr_network(addr, gw);
	net = ntohl(gw->addr.v4.s_addr);
	bcast = net | (~0U >> addr->prefix);
	first = addr->prefix == 31 ? net : net + 1;
	last = addr->prefix == 31 ? bcast : bcast - 1;
	gw->addr.v4.s_addr = htonl(ntohl(addr->addr.v4.s_addr) == first ? last : first);
	return true;
}

/* The bridge, made with an address when missing; its IPv4 address. */
static int conn_bridge(struct connect *c, struct cu_error *e)
{
	struct netlink_link l;
	struct cu_inet a, *pa = NULL;
	int r = netlink_link_get(c->sk, c->bridge, &l, NULL);

	if (r == 0 && !streq(l.kind, "bridge"))
		return cu_error_set(e, 0, _("cannot connect: %s is not a bridge (choose another --bridge)"), c->bridge);
	if (r < 0) {
		if (c->has_addr && c->addr.family == AF_INET)
			pa = gateway_for(&c->addr, &a) ? &a : NULL;
		else {	/* auto, none (auto works next time) or IPv6 */
			pa = &a;
			ignore_result(parse_cidr(DEFAULT_SUBNET, &a));	/* a constant */
		}
		if ((r = connect_bridge_create(c->sk, c->bridge, pa, e)) < 0)
			return r;
		c->made_bridge = true;
	}
	r = netlink_addr_first_v4(c->sk, c->bridge, &c->gw, e);
	if (r < 0)
		return r;
	c->has_gw = r > 0;
	return 0;
}

/*
 * An address asked for must be usable by a host on the bridge: on its
 * subnet, not the bridge's own, not the network or broadcast address.
 */
static int check_want_addr(const struct connect *c, struct cu_error *e)
{
	const struct cu_inet *a = &c->addr;
	struct cu_inet gwnet;
	char text[INET6_ADDRSTRLEN + 8];
	uint32_t host, mask;

	if (a->family != AF_INET)
		return 0;
	if (format_inet(a, true, text, sizeof(text)) < 0)
		text[0] = '\0';
	if (c->has_gw) {
		cidr_network(&c->gw, &gwnet);
		if (!cidr_contains(&gwnet, a) || a->prefix != c->gw.prefix)
			return cu_error_set(e, 0, _("cannot connect: %1$s is not on the subnet of bridge %2$s (use an address of its subnet, or --addr auto)"),
					    text, c->bridge);
		if (a->addr.v4.s_addr == c->gw.addr.v4.s_addr)
			return cu_error_set(e, 0, _("cannot connect: %1$s is the address of bridge %2$s (use another, or --addr auto)"),
					    text, c->bridge);
	}
	if (a->prefix >= 31)
		return 0;	/* point-to-point: both addresses are hosts */
	mask = ~0U >> a->prefix;
	host = ntohl(a->addr.v4.s_addr) & mask;
	if (host == 0 || host == mask)
		return cu_error_set(e, 0, _("cannot connect: %s is the network or broadcast address of its subnet (use a host address)"),
				    text);
	return 0;
}

/* The subnet a route and NAT use: the bridge's, else the address's. */
static void conn_net(struct connect *c)
{
	if (c->has_gw)
		cidr_network(&c->gw, &c->net);
	else if (c->has_addr && c->addr.family == AF_INET)
		cidr_network(&c->addr, &c->net);
	else
		return;
	c->has_net = true;
}

/*
 * The record of this connection, with the address it leases (auto, or the
 * IPv4 address asked for): written before the address and NAT are set up,
 * so that what disconnect undoes comes from here and nowhere else.
 */
static int conn_record(const struct vethctl_control *ctl, struct connect *c,
		       struct cu_error *e)
{
	char path[PATH_MAX];
	bool automatic = ctl->addr && streq(ctl->addr, "auto");
	enum lease_mode mode = LEASE_NONE;
	struct cu_inet got;
	int r;

	if (automatic && !c->has_gw)
		return cu_error_set(e, 0, _("cannot lease an address: bridge %s has no IPv4 address (give it one: vethctl bridge add BR --addr CIDR)"),
				    c->bridge);
	if (c->has_addr && (r = check_want_addr(c, e)) < 0)
		return r;
	conn_net(c);
	if (c->nat && !c->has_net)
		return cu_error_set(e, 0, _("cannot masquerade: no IPv4 subnet (give --addr, or an address to the bridge)"));
	connect_owner_path(c->ns, path, sizeof(path));
	if ((r = lease_owner_init(&c->rec.o, c->tfd, path, e)) < 0)
		return r;
	connect_random_name(c->host, sizeof(c->host));
	snprintf(c->rec.host, sizeof(c->rec.host), "%s", c->host);
	snprintf(c->rec.ifname, sizeof(c->rec.ifname), "%s", c->ifname);
	c->rec.nat = c->nat;
	if (c->has_net)
		c->rec.net = c->net;
	if (c->out)
		snprintf(c->rec.out, sizeof(c->rec.out), "%s", c->out);
	connect_reap(c->nsfd, c->key);
	if (automatic)
		mode = LEASE_AUTO;
	else if (c->has_addr && c->addr.family == AF_INET)
		mode = LEASE_WANT;
	r = lease_take(c->key, c->has_gw ? &c->gw : NULL, mode, &c->addr,
		       &c->rec, &got, e);
	if (r < 0)
		return r;
	c->leased = true;
	if (mode != LEASE_NONE)
		c->addr = got;
	return 0;
}

/* Default route through the bridge, when its address is on our subnet. */
static int conn_route(struct connect *c, struct cu_error *e)
{
	struct cu_inet dflt = { .family = AF_INET };

	if (!c->has_gw || c->addr.family != AF_INET || !cidr_contains(&c->net, &c->addr))
		return 0;
	return netlink_route(c->tsk, NETLINK_OP_ADD, &dflt, &c->gw, NULL, e);
}

/* Are the namespaces of @a and @b (-1: ours) the same? */
static bool same_netns(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) < 0 ||
	    (b >= 0 ? fstat(b, &sb) : stat("/proc/self/ns/net", &sb)) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void conn_init(struct vethctl_control *ctl, struct connect *c)
{
	struct cu_error e = { 0 };

	memset(c, 0, sizeof(*c));
	c->sk = ctl->sk;
	c->nsfd = ctl->nsfd;
	c->mtu = ctl->mtu;
	c->peer_mac = ctl->has_mac ? ctl->mac : NULL;
	c->nat = ctl->nat;
	c->out = ctl->out;
	c->ns = ctl->argv[0];
	c->bridge = ctl->bridge ? ctl->bridge : DEFAULT_BRIDGE;
	c->ifname = ctl->ifname ? ctl->ifname : DEFAULT_IFNAME;
	check_ifname(c->bridge);
	check_ifname(c->ifname);
	if (ctl->out)
		check_ifname(ctl->out);
	if (ctl->out && nat_check_out(ctl->out, &e) < 0)
		cu_error_die(&e);
	if (ctl->addr && !streq(ctl->addr, "auto")) {
		cidr_or_err(ctl->addr, &c->addr, _("invalid address"));
		c->has_addr = true;
	}
	if (ctl->nat && !ctl->addr)
		diex(_("connect: --nat needs --addr (the lease records it for disconnect)"));
	if (ctl->nat && !nat_supported())
		diex(_("connect: this vethctl was built without NAT support (rebuild with libnftables)"));
	if (ctl->nat && nat_load(&e) < 0)
		cu_error_die(&e);
	c->tfd = open_ns(c->ns);
	if (same_netns(c->tfd, ctl->nsfd))
		diex(_("cannot connect: %s is the namespace the bridge is in (connect another namespace)"), c->ns);
	c->tsk = open_sock(c->tfd);
	lease_key(c);
}

static int cmd_connect(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char text[INET6_ADDRSTRLEN + 8];
	struct connect c;
	int r;

	conn_init(ctl, &c);
	if ((r = conn_bridge(&c, &e)) < 0 ||
	    (r = conn_record(ctl, &c, &e)) < 0 ||
	    (r = connect_pair(&c, &e)) < 0 ||
	    (r = connect_wire(&c, &e)) < 0 ||
	    (ctl->addr && (r = connect_addr(&c, &e)) < 0) ||
	    (ctl->addr && (r = conn_route(&c, &e)) < 0) ||
	    (r = connect_nat(&c, &e)) < 0) {
		connect_undo(&c);
		cu_error_die(&e);
	}
	if (ctl->addr && streq(ctl->addr, "auto") &&
	    format_inet(&c.addr, true, text, sizeof(text)) == 0)
		printf("%s\n", text);
	if (!ctl->addr)
		warnx(_("%1$s is connected to %2$s without an IP address (for one, disconnect and connect again with --addr auto or --addr CIDR)"),
		      c.ns, c.bridge);
	netlink_close(c.tsk);
	close(c.tfd);
	return 0;
}

/*
 * The host end the record names, if it is still that link: a veth of that
 * name, at the recorded index, or (a connect killed before it wrote the
 * index down) with its peer in NS.  0 and *@l filled, 1 when it is gone or
 * the name now belongs to another link, which is left alone; or -errno.
 */
static int disc_host_end(struct vethctl_control *ctl, int tfd,
			 const struct lease_rec *rec, struct netlink_link *l,
			 struct cu_error *e)
{
	int32_t nsid;
	int r;

	if (rec->host_index > 0)
		r = netlink_link_get_index(ctl->sk, rec->host_index, l, e);
	else
		r = netlink_link_get(ctl->sk, rec->host, l, e);
	if (r == -ENODEV && netlink_dry_blind(ctl->sk)) {
		/* a plan cannot look there: the record says what it would find */
		memset(l, 0, sizeof(*l));
		snprintf(l->name, sizeof(l->name), "%s", rec->host);
		snprintf(l->kind, sizeof(l->kind), "veth");
		l->index = rec->host_index > 0 ? rec->host_index : EXPLAIN_DRY_IFINDEX;
		explain_ifname(ctl->sk, l->index, l->name);
		return 0;
	}
	if (r == -ENODEV)
		return 1;
	if (r < 0)
		return r;
	if (!streq(l->name, rec->host) || !streq(l->kind, "veth"))
		return 1;
	if (rec->host_index == 0 &&
	    (l->link_netnsid < 0 || netlink_nsid_get(ctl->sk, tfd, &nsid, NULL) < 0 ||
	     l->link_netnsid != nsid))
		return 1;
	return 0;
}

/*
 * Undo a recorded connection: the pair (@host: the host end as checked
 * against the record, NULL when it is gone), the record, then the
 * masquerade element unless another record still asks for it.
 */
static void undo_connection(struct vethctl_control *ctl, const char *key,
			    const struct lease_rec *rec, const struct netlink_link *host)
{
	struct cu_error e = { 0 };
	struct connect_nat_drop nd = { .nsfd = ctl->nsfd, .natted = true, .e = &e };

	/*
	 * libnftables is loaded before anything is changed; a failed NAT
	 * removal keeps the record: disconnect again finishes
	 */
	if ((rec->nat && nat_load(&e) < 0) ||
	    (host && netlink_link_del_index(ctl->sk, host->index, &e) < 0) ||
	    lease_release(key, &rec->o, rec->host, connect_drop_nat, &nd, &e) < 0)
		cu_error_die(&e);
}

/*
 * Undo one connection from its record.  Nothing is read inside NS: a
 * container can rename its end, re-address it or move it, and none of that
 * matters here.
 */
static int cmd_disconnect(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char key[IF_NAMESIZE + 32], suffix[32], buf[PATH_MAX], path[PATH_MAX];
	struct lease_rec rec;
	struct lease_owner o;
	struct netlink_link host;
	struct connect c;
	int r;

	conn_init(ctl, &c);
	connect_owner_path(c.ns, path, sizeof(path));
	if (lease_owner_init(&o, c.tfd, path, &e) < 0)
		cu_error_die(&e);
	connect_bridge_lease_key(ctl->nsfd, "", suffix, sizeof(suffix));
	r = lease_find(ctl->bridge ? c.key : NULL, suffix,
		       &(struct lease_match) { .o = &o, .ifname = c.ifname },
		       &rec, key, sizeof(key), &e);
	if (r < 0)
		cu_error_die(&e);
	if (r == 0)
		diex(_("cannot disconnect: no connection of %1$s as %2$s is recorded (give the --ifname and --bridge connect used; nothing changed)"),
		     connect_ns_label(c.ns, buf, sizeof(buf)), c.ifname);
	r = disc_host_end(ctl, c.tfd, &rec, &host, &e);
	if (r < 0)
		cu_error_die(&e);
	undo_connection(ctl, key, &rec, r == 0 ? &host : NULL);
	connect_reap(ctl->nsfd, key);
	netlink_close(c.tsk);
	close(c.tfd);
	return 0;
}

/* ---- command line ------------------------------------------------------- */

static const struct command commands[] = {
	{ { "add",	  NULL,  1, 2 }, cmd_add },
	{ { "addr",	  NULL,  3, 3 }, cmd_addr },
	{ { "attach",	  NULL,  2, 2 }, cmd_attach },
	{ { "bridge",	  NULL,  1, 2 }, cmd_bridge },
	{ { "connect",	  NULL,  1, 1 }, cmd_connect },
	{ { "delete",	  "del", 1, 1 }, cmd_delete },
	{ { "detach",	  NULL,  1, 1 }, cmd_detach },
	{ { "disconnect", NULL,  1, 1 }, cmd_disconnect },
	{ { "down",	  NULL,  1, 1 }, cmd_down },
	{ { "list",	  "ls",  0, 0 }, cmd_list },
	{ { "move",	  NULL,  2, 2 }, cmd_move },
	{ { "nat",	  NULL,  2, 2 }, cmd_nat },
	{ { "route",	  NULL,  4, 6 }, cmd_route },
	{ { "up",	  NULL,  1, 1 }, cmd_up },
};

static void __noreturn usage(void)
{
	fputs(USAGE_HEADER, stdout);
	printf(_(" %s [options] <command> [<argument>...]\n"), program_invocation_short_name);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("Make veth pairs and bridges, give them addresses and routes, and\n"
		"wire network namespaces to a bridge with NAT.\n"), stdout);
	fputs(USAGE_COMMANDS, stdout);
	fputs(_(" add <name> [<peer>]        create a veth pair\n"), stdout);
	fputs(_(" delete <name>              delete a link (both ends of a veth)\n"), stdout);
	fputs(_(" list                       list veth pairs\n"), stdout);
	fputs(_(" up|down <name>             set a link up or down\n"), stdout);
	fputs(_(" move <name> <netns>        move a link to another namespace\n"), stdout);
	fputs(_(" addr add|del <name> <cidr> add or remove an address\n"), stdout);
	fputs(_(" route add|del default|<cidr> via <gw> [dev <name>]\n"
		"                            add or remove a route\n"), stdout);
	fputs(_(" bridge add|del <bridge>    create or delete a bridge\n"), stdout);
	fputs(_(" bridge list                bridges, their addresses, ports and NAT\n"), stdout);
	fputs(_(" attach <name> <bridge>     put a link on a bridge\n"), stdout);
	fputs(_(" detach <name>              take a link off its bridge\n"), stdout);
	fputs(_(" connect <netns>            wire a namespace to a bridge\n"), stdout);
	fputs(_(" disconnect <netns>         undo what connect did\n"), stdout);
	fputs(_(" nat add|del <subnet>       masquerade a subnet, forwarding on\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("With CNI_COMMAND in the environment, vethctl is a CNI plugin\n"
		"(network configuration on stdin; see CNI MODE in vethctl(8)).\n"), stdout);
	fputs(USAGE_OPTIONS, stdout);
	fputs(_(" -N, --netns <netns>        act inside this network namespace\n"), stdout);
	fputs(_("     --peer-netns <netns>   create the peer in this namespace\n"), stdout);
	fputs(_("     --mtu <bytes>          MTU of both ends\n"), stdout);
	fputs(_("     --address <mac>        MAC address of the first end\n"), stdout);
	fputs(_("     --peer-address <mac>   MAC address of the peer\n"), stdout);
	fputs(_(" -b, --bridge <bridge>      bridge for connect (default ctr0)\n"), stdout);
	fputs(_("     --addr <cidr>|auto     address (connect, bridge add)\n"), stdout);
	fputs(_("     --ifname <name>        name inside the namespace (default eth0)\n"), stdout);
	fputs(_("     --nat                  masquerade the subnet (connect)\n"), stdout);
	fputs(_("     --out <iface>          masquerade only out of this interface\n"), stdout);
	fputs(_(" -J, --json                 use JSON output format\n"), stdout);
	fputs(_("     --noheadings           don't print headings\n"), stdout);
	fputs(_(" -o, --output <list>        output columns\n"), stdout);
	fputs(_("     --raw                  use the raw output format\n"), stdout);
	fputs(_("     --explain              narrate each kernel call on stderr\n"), stdout);
	fputs(_("     --dry-run              print the plan with privileges, change nothing\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	USAGE_HELP_OPTIONS(28);
	table_usage_columns(stdout, list_cols, ARRAY_SIZE(list_cols));
	fputs(_("\nColumns of bridge list:\n"), stdout);
	for (size_t i = 0; i < ARRAY_SIZE(bridge_cols); i++)
		printf(" %12s  %s\n", bridge_cols[i].name, _(bridge_cols[i].help));
	printf(USAGE_MAN_TAIL("vethctl(8)"));
	exit(EXIT_SUCCESS);
}

enum {
	OPT_PEER_NETNS = CHAR_MAX + 1,
	OPT_PEER_ADDRESS,
	OPT_ADDR,
	OPT_NAT,
	OPT_OUT,
	OPT_ADDRESS,
	OPT_IFNAME,
	OPT_MTU,
};

/* --dry-run: turned on once the command is known (a listing just runs). */
static bool dry_run;

static void parse_options(int argc, char **argv, struct vethctl_control *ctl)
{
	static const struct option longopts[] = {
		{ "addr",	  required_argument, NULL, OPT_ADDR },
		{ "address",	  required_argument, NULL, OPT_ADDRESS },
		{ "bridge",	  required_argument, NULL, 'b' },
		{ "dry-run",	  no_argument,	     NULL, OPT_DRY_RUN },
		{ "explain",	  no_argument,	     NULL, OPT_EXPLAIN },
		{ "help",	  no_argument,	     NULL, 'h' },
		{ "ifname",	  required_argument, NULL, OPT_IFNAME },
		{ "mtu",	  required_argument, NULL, OPT_MTU },
		{ "nat",	  no_argument,	     NULL, OPT_NAT },
		{ "netns",	  required_argument, NULL, 'N' },
		{ "out",	  required_argument, NULL, OPT_OUT },
		{ "peer-address", required_argument, NULL, OPT_PEER_ADDRESS },
		{ "peer-netns",	  required_argument, NULL, OPT_PEER_NETNS },
		TABLE_LONGOPTS,
		{ "version",	  no_argument,	     NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "b:hJN:o:V", longopts, NULL)) != -1) {
		if (table_parse_option(&ctl->topts, c, optarg))
			continue;
		switch (c) {
		case OPT_ADDRESS:
			mac_or_err(optarg, ctl->mac, _("invalid MAC address"));
			ctl->has_mac = true;
			break;
		case OPT_PEER_ADDRESS:
			mac_or_err(optarg, ctl->peer_mac, _("invalid MAC address"));
			ctl->has_peer_mac = true;
			break;
		case 'b':
			ctl->bridge = optarg;
			break;
		case OPT_ADDR:
			ctl->addr = optarg;
			break;
		case OPT_IFNAME:
			ctl->ifname = optarg;
			break;
		case OPT_MTU:
			ctl->mtu = u32_or_err(optarg, _("invalid MTU"));
			if (ctl->mtu < MTU_MIN || ctl->mtu > MTU_MAX)
				diex(_("invalid MTU: '%1$s' (use %2$d to %3$d bytes; Ethernet's is 1500)"),
				     optarg, MTU_MIN, MTU_MAX);
			break;
		case 'N':
			ctl->netns = optarg;
			break;
		case OPT_PEER_NETNS:
			ctl->peer_netns = optarg;
			break;
		case OPT_NAT:
			ctl->nat = true;
			break;
		case OPT_OUT:
			ctl->out = optarg;
			break;
		case OPT_EXPLAIN:
			explain_enable();
			break;
		case OPT_DRY_RUN:
			dry_run = true;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			errtryhelp();
		}
	}
	ctl->argv = argv + optind;
	ctl->argc = argc - optind;
}

static const struct command *find_command(struct vethctl_control *ctl)
{
	const struct command *cmd = CU_COMMAND_OR_ERR(commands, ctl->argc > 0 ? ctl->argv[0] : NULL);

	ctl->argv++;
	ctl->argc--;
	cu_command_check_args(&cmd->cmd, ctl->argc, ctl->argv);
	return cmd;
}
/* Does the command print a listing (list, bridge list)? */
static bool is_listing(const struct vethctl_control *ctl, const struct command *cmd)
{
	return cmd->fn == cmd_list ||
	       (cmd->fn == cmd_bridge && ctl->argc > 0 && streq(ctl->argv[0], "list"));
}
/*
 * Would the command work in a network namespace of the user's own?  Only
 * when it names no other namespace and keeps no record in /run (connect,
 * disconnect, nat, bridge del go through the lease and NAT files there).
 */
static bool own_netns_helps(const struct vethctl_control *ctl, const struct command *cmd)
{
	static const char *const local[] = {
		"add", "delete", "up", "down", "addr", "route", "attach", "detach", "list",
	};

	if (ctl->netns || ctl->peer_netns)
		return false;
	if (streq(cmd->cmd.name, "bridge"))
		return ctl->argc > 0 && streq(ctl->argv[0], "add");
	for (size_t i = 0; i < ARRAY_SIZE(local); i++)
		if (streq(cmd->cmd.name, local[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct vethctl_control ctl = { .nsfd = -1 };
	const struct command *cmd;
	char **orig;
	int r;

	cu_init_locale();
	close_stdout_atexit();
	if (cni_mode(argc, argv))
		return cni_main();	/* CNI_COMMAND set: a CNI runtime calls */

	/* getopt reorders argv: the hint repeats the words as they were typed */
	orig = xcalloc((size_t) argc + 1, sizeof(char *));
	memcpy(orig, argv, (size_t) argc * sizeof(char *));
	parse_options(argc, argv, &ctl);
	cmd = find_command(&ctl);
	table_opts_only_for(&ctl.topts, is_listing(&ctl, cmd), _("listings (list)"));
	if (dry_run && !is_listing(&ctl, cmd))
		explain_enable_dry_run();
	cu_perm_hint_init(argc, orig, own_netns_helps(&ctl, cmd) ?
			  "nsrun --user --map-root-user --net" : NULL);
	free(orig);
	if (ctl.netns)
		ctl.nsfd = open_ns(ctl.netns);
	ctl.sk = open_sock(ctl.nsfd);

	r = cmd->fn(&ctl);

	netlink_close(ctl.sk);
	if (ctl.nsfd >= 0)
		close(ctl.nsfd);
	return r;
}
