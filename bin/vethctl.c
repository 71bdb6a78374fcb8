// SPDX-License-Identifier: GPL-2.0-or-later
/* vethctl(8) - veth pairs, bridges, addresses, routes and NAT over rtnetlink */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "net-lease.h"
#include "net-nat.h"
#include "net-netlink.h"
#include "net-nsname.h"
#include "strutils.h"
#include "table.h"
#include "vethctl.h"

/* Subnet a bridge made by connect gets without an IPv4 --addr. */
#define DEFAULT_SUBNET	"10.200.0.1/24"
#define DEFAULT_BRIDGE	"ctr0"
#define DEFAULT_IFNAME	"eth0"
/* What the kernel takes for a veth and a bridge (ETH_MIN_MTU, ETH_MAX_MTU). */
#define MTU_MIN		68
#define MTU_MAX		65535

/* A row of commands[] (c.h: struct cu_command first). */
struct command {
	struct cu_command cmd;
	int (*fn)(struct vethctl_control *ctl);
};

/* Undo steps are best effort: the error reported is the step's that failed. */
static void undo_done(int r __unused)
{
}

static void die_err(const struct cu_error *e)
{
	cu_error_die(e);
}

/* "network namespace NS" or "the current network namespace". */
static const char *ns_label(const char *spec, char *buf, size_t len)
{
	if (!spec)
		return _("the current network namespace");
	snprintf(buf, len, _("network namespace %s"), spec);
	return buf;
}

static int open_ns(const char *spec)
{
	struct cu_error e = { 0 };
	int fd = netns_open_spec(spec, &e);

	if (fd < 0)
		die_err(&e);
	return fd;
}

static struct nl_sock *open_sock(int nsfd)
{
	struct cu_error e = { 0 };
	struct nl_sock *sk = nl_open(nsfd, &e);

	if (!sk)
		die_err(&e);
	return sk;
}

static void check_ifname(const char *name)
{
	struct cu_error e = { 0 };

	if (nl_check_ifname(name, &e) < 0)
		die_err(&e);
}

static void check(int r, const struct cu_error *e)
{
	if (r < 0)
		die_err(e);
}

/* The path a lease keeps to find its namespace again. */
void ns_owner_path(const char *spec, char *buf, size_t len)
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

/* ---- add / delete / up / down / move / attach / detach ------------ */

/*
 * Which end's name was taken, and where: for a clear EEXIST message.  Asked
 * only after the kernel refused, so a pair that can be made costs one
 * request and the peer's namespace gets a socket only on this path.
 */
static void die_exists(struct vethctl_control *ctl, const char *peer, int peerfd)
{
	struct cu_error e = { 0 };
	struct nl_link l;
	struct nl_sock *psk;
	char buf[PATH_MAX];
	bool exists;

	if (nl_link_get(ctl->sk, ctl->argv[0], &l, &e) == 0)
		diex(_("cannot create veth pair: %1$s already exists in %2$s (choose another name, or delete it)"),
		     ctl->argv[0], ns_label(ctl->netns, buf, sizeof(buf)));
	if (!peer)
		return;
	psk = peerfd >= 0 ? open_sock(peerfd) : ctl->sk;
	exists = nl_link_get(psk, peer, &l, &e) == 0;
	if (psk != ctl->sk)
		nl_close(psk);
	if (exists)
		diex(_("cannot create veth pair: %1$s already exists in %2$s (choose another name, or delete it)"),
		     peer, ns_label(peerfd >= 0 ? ctl->peer_netns : ctl->netns,
				    buf, sizeof(buf)));
}

/* The name the kernel gave the peer ("vethN"), on stdout: it was not given. */
static void print_peer(struct vethctl_control *ctl, const struct nl_veth *v)
{
	struct cu_error e = { 0 };
	struct nl_sock *psk = v->peer_netns_fd >= 0 ? open_sock(v->peer_netns_fd) : ctl->sk;
	struct nl_link l, p;

	check(nl_link_get(ctl->sk, v->name, &l, &e), &e);
	check(nl_link_get_index(psk, l.link, &p, &e), &e);
	printf("%s\n", p.name);
	if (psk != ctl->sk)
		nl_close(psk);
}

static int cmd_add(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct nl_veth v = {
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
	r = nl_veth_add(ctl->sk, &v, &e);
	if (r == -EEXIST)
		die_exists(ctl, v.peer, v.peer_netns_fd);
	check(r, &e);
	if (!v.peer && !explain_dry_run())	/* a dry run's peer has no name yet */
		print_peer(ctl, &v);
	if (v.peer_netns_fd >= 0)
		close(v.peer_netns_fd);
	return 0;
}

static void undo_connection(struct vethctl_control *ctl, const char *key,
			    const struct lease_rec *rec, const struct nl_link *host);

/*
 * The host end of a connection (a veth that a record names, at its index)
 * goes with its record and masquerade element, as with disconnect.
 */
static int cmd_delete(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char key[IF_NAMESIZE + 32], suffix[32];
	struct lease_rec rec;
	struct nl_link l;
	int r;

	check_ifname(ctl->argv[0]);
	if (nl_link_get(ctl->sk, ctl->argv[0], &l, NULL) == 0 && streq(l.kind, "veth")) {
		bridge_lease_key(ctl->nsfd, "", suffix, sizeof(suffix));
		r = lease_find(NULL, suffix,
			       &(struct lease_match) { .host = l.name, .host_index = l.index },
			       &rec, key, sizeof(key), &e);
		check(r, &e);
		if (r > 0) {
			undo_connection(ctl, key, &rec, &l);
			reap(ctl, key);
			return 0;
		}
	}
	check(nl_link_del(ctl->sk, ctl->argv[0], &e), &e);
	return 0;
}

static int set_updown(struct vethctl_control *ctl, bool up)
{
	struct cu_error e = { 0 };

	check_ifname(ctl->argv[0]);
	check(nl_link_set_up(ctl->sk, ctl->argv[0], up, &e), &e);
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
	check(nl_link_move(ctl->sk, ctl->argv[0], fd, NULL, &e), &e);
	close(fd);
	return 0;
}

static int cmd_attach(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	struct nl_link br;

	check_ifname(ctl->argv[0]);
	check_ifname(ctl->argv[1]);
	if (nl_link_get(ctl->sk, ctl->argv[1], &br, &e) < 0) {
		if (!nl_dry_blind(ctl->sk))
			diex(_("cannot attach %1$s: no bridge %2$s (create it with: vethctl bridge add %2$s)"),
			     ctl->argv[0], ctl->argv[1]);
		snprintf(br.kind, sizeof(br.kind), "bridge");	/* a plan cannot look there */
	}
	if (!streq(br.kind, "bridge"))
		diex(_("cannot attach %1$s: %2$s is not a bridge"), ctl->argv[0], ctl->argv[1]);
	check(nl_link_set_master(ctl->sk, ctl->argv[0], ctl->argv[1], &e), &e);
	return 0;
}

static int cmd_detach(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };

	check_ifname(ctl->argv[0]);
	check(nl_link_set_master(ctl->sk, ctl->argv[0], NULL, &e), &e);
	return 0;
}

/* ---- addr / route / bridge -------------------------------------------- */

static enum nl_op parse_op(const char *s)
{
	if (streq(s, "add"))
		return NL_ADD;
	if (streq(s, "del") || streq(s, "delete"))
		return NL_DEL;
	diex(_("unknown action: %s (use add or del)"), s);
}

static int cmd_addr(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	enum nl_op op = parse_op(ctl->argv[0]);
	struct cu_inet a;

	if (ctl->argc != 3)
		diex(_("addr: expected add|del NAME CIDR (see vethctl --help)"));
	check_ifname(ctl->argv[1]);
	cidr_or_err(ctl->argv[2], &a, _("invalid address"));
	check(nl_addr(ctl->sk, op, ctl->argv[1], &a, &e), &e);
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
	enum nl_op op = parse_op(ctl->argv[0]);
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
	check(nl_route(ctl->sk, op, &dst, has_gw ? &gw : NULL, dev, &e), &e);
	return 0;
}

/* The lease file of bridge @br in the namespace @nsfd (-1: ours). */
void bridge_lease_key(int nsfd, const char *br, char *key, size_t len)
{
	struct stat st;
	int r = nsfd >= 0 ? fstat(nsfd, &st) : stat("/proc/self/ns/net", &st);

	snprintf(key, len, "%s@%ju", br, r == 0 ? (uintmax_t) st.st_ino : 0);
}

/*
 * The connections recorded on bridge @br go with it, each as disconnect
 * undoes it: its pair (still on @br, under the recorded name), its record
 * and its masquerade element.
 */
static void bridge_disconnect_all(struct vethctl_control *ctl, const char *key,
				  const struct nl_link *br)
{
	struct cu_error e = { 0 };
	struct lease_rec *recs;
	struct nl_link host;
	size_t n;
	int r;

	check(lease_list(key, &recs, &n, &e), &e);
	for (size_t i = 0; i < n; i++) {
		r = recs[i].host_index > 0 ?
			nl_link_get_index(ctl->sk, recs[i].host_index, &host, NULL) :
			nl_link_get(ctl->sk, recs[i].host, &host, NULL);
		if (r == 0 && (!streq(host.name, recs[i].host) ||
			       !streq(host.kind, "veth") || host.master != br->index))
			r = -ENODEV;	/* not ours (any more): left alone */
		undo_connection(ctl, key, &recs[i], r == 0 ? &host : NULL);
	}
	free(recs);
}

/* A new bridge, with an address and up; deleted again when a step fails. */
int bridge_create(struct nl_sock *sk, const char *name,
		  const struct cu_inet *a, struct cu_error *e)
{
	int r = nl_bridge_add(sk, name, e);

	if (r == -EEXIST)
		return cu_error_set(e, 0, _("cannot create bridge: %s already exists (use it, or delete it with vethctl bridge del)"),
				    name);
	if (r < 0)
		return r;
	if (a && (r = nl_addr(sk, NL_ADD, name, a, e)) < 0)
		goto out_del_bridge;
	if ((r = nl_link_set_up(sk, name, true, e)) < 0)
		goto out_del_bridge;
	return 0;
out_del_bridge:
	undo_done(nl_link_del(sk, name, NULL));	/* undo; r is the error */
	return r;
}

static int cmd_bridge_list(struct vethctl_control *ctl);

static int cmd_bridge(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	char key[IF_NAMESIZE + 32];
	enum nl_op op;
	struct cu_inet a;
	struct nl_link l;

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
	if (op == NL_ADD)
		return check(bridge_create(ctl->sk, ctl->argv[1],
					   ctl->addr ? &a : NULL, &e), &e), 0;
	if (nl_link_get(ctl->sk, ctl->argv[1], &l, &e) < 0) {
		if (!nl_dry_blind(ctl->sk))
			die_err(&e);
		memset(&l, 0, sizeof(l));	/* a plan cannot look there */
		snprintf(l.kind, sizeof(l.kind), "bridge");
	}
	if (!streq(l.kind, "bridge"))
		diex(_("cannot delete bridge: %s is not a bridge (use vethctl delete)"), ctl->argv[1]);
	bridge_lease_key(ctl->nsfd, ctl->argv[1], key, sizeof(key));
	reap(ctl, key);
	bridge_disconnect_all(ctl, key, &l);
	check(nl_link_del(ctl->sk, ctl->argv[1], &e), &e);
	/* the bridge is gone, and with it every lease on it */
	if (lease_forget(key, &e) < 0)
		cu_error_warn(&e);
	return 0;
}

/* ---- nat ---------------------------------------------------------------- */

/* nat_add()/nat_del() inside the namespace that forwards. */
int nat_in(int nsfd, bool add, const struct cu_inet *net, const char *out,
	   bool *added, struct cu_error *e)
{
	int saved = -1, r, r2 = 0;

	if (nsfd >= 0 && (saved = nl_netns_enter(nsfd, e)) < 0)
		return saved;
	r = add ? nat_add(net, out, added, e) : nat_del(net, out, e);
	if (saved >= 0)
		r2 = nl_netns_leave(saved, r < 0 ? NULL : e);
	return r < 0 ? r : r2;
}

static int cmd_nat(struct vethctl_control *ctl)
{
	struct cu_error e = { 0 };
	enum nl_op op = parse_op(ctl->argv[0]);
	struct cu_inet net;
	bool added;

	if (!nat_supported())
		diex(_("nat: this vethctl was built without NAT support (rebuild with libnftables)"));
	if (ctl->argc != 2)
		diex(_("nat: expected add|del SUBNET (see vethctl --help)"));
	cidr_or_err(ctl->argv[1], &net, _("invalid subnet"));
	if (net.family != AF_INET)
		diex(_("nat: %s: only IPv4 subnets are masqueraded"), ctl->argv[1]);
	if (ctl->out) {
		check_ifname(ctl->out);
		check(nat_check_out(ctl->out, &e), &e);
	}
	check(nat_load(&e), &e);
	check(nat_in(ctl->nsfd, op == NL_ADD, &net, ctl->out, &added, &e), &e);
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
	struct nl_link *links;
	size_t nlinks;
	char **addrs;			/* per link, comma separated */
	char **ns_names;		/* by nsid, for peers elsewhere */
	int *ns_fds;
	size_t nns;
	bool want_addrs;		/* dump the addresses too */
};

static int collect_link(const struct nl_link *l, void *data)
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
		int fd, id;

		if (de->d_name[0] == '.' || (fd = netns_open_name(de->d_name, &e)) < 0)
			continue;
		id = nl_netns_id(lc->ctl->sk, fd, &e);
		if (id < 0 || id > 4096) {
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
static void peer_of(struct list_ctx *lc, const struct nl_link *l, char *name,
		    size_t len, const char **ns)
{
	struct cu_error e = { 0 };
	struct nl_link p;
	struct nl_sock *psk;

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
	psk = nl_open(lc->ns_fds[l->link_netnsid], &e);
	if (psk && nl_link_get_index(psk, l->link, &p, &e) == 0)
		snprintf(name, len, "%s", p.name);
	nl_close(psk);
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
	const struct nl_link *l = &lc->links[i];
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
		r = nl_link_dump(lc->ctl->sk, collect_link, lc, e);
		if (r < 0)
			continue;
		lc->addrs = xcalloc(lc->nlinks + 1, sizeof(char *));
		if (lc->want_addrs)
			r = nl_addr_dump(lc->ctl->sk, AF_UNSPEC, 0, collect_addr, lc, e);
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
		die_err(&e);
	lc.want_addrs = table_has(lc.t, COL_ADDRESSES);
	check(list_collect(&lc, &e), &e);
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

	if (nsfd >= 0 && (saved = nl_netns_enter(nsfd, e)) < 0)
		return saved;
	r = nat_masquerades(net, e);
	if (saved >= 0)
		r2 = nl_netns_leave(saved, r < 0 ? NULL : e);
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
	const struct nl_link *l = &lc->links[i];
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
		die_err(&e);
	lc.want_addrs = table_has(lc.t, BCOL_ADDRESSES) || table_has(lc.t, BCOL_NAT);
	check(list_collect(&lc, &e), &e);
	for (size_t i = 0; i < lc.nlinks; i++)
		if (streq(lc.links[i].kind, "bridge"))
			bridge_line(&lc, i, &warned);
	if (table_print(lc.t) < 0)
		die(_("cannot print the list"));
	list_free(&lc);
	return 0;
}

/* ---- connect / disconnect --------------------------------------------- */

static void lease_key(struct conn *c)
{
	bridge_lease_key(c->ctl->nsfd, c->bridge, c->key, sizeof(c->key));
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
static int conn_bridge(struct conn *c, struct cu_error *e)
{
	struct nl_link l;
	struct cu_inet a, *pa = NULL;
	int r = nl_link_get(c->ctl->sk, c->bridge, &l, NULL);

	if (r == 0 && !streq(l.kind, "bridge"))
		return cu_error_set(e, 0, _("cannot connect: %s is not a bridge (choose another --bridge)"), c->bridge);
	if (r < 0) {
		if (c->has_addr && c->addr.family == AF_INET)
			pa = gateway_for(&c->addr, &a) ? &a : NULL;
		else	/* auto, none (auto works next time) or IPv6 */
			pa = &a, undo_done(parse_cidr(DEFAULT_SUBNET, &a)); /* a constant */
		if ((r = bridge_create(c->ctl->sk, c->bridge, pa, e)) < 0)
			return r;
		c->made_bridge = true;
	}
	r = nl_addr_first_v4(c->ctl->sk, c->bridge, &c->gw, e);
	if (r < 0)
		return r;
	c->has_gw = r > 0;
	return 0;
}

void random_name(char *buf, size_t len)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t) getpid() ^ (uint32_t) time(NULL);
	snprintf(buf, len, "vc%08x", v);
}

/* The pair, created with its other end directly inside NS. */
int conn_pair(struct conn *c, struct cu_error *e)
{
	struct nl_veth v = { .name = c->host, .peer = c->ifname,
			     .peer_netns_fd = c->tfd, .mtu = c->ctl->mtu,
			     .peer_mac = c->ctl->has_mac ? c->ctl->mac : NULL };
	char old[IF_NAMESIZE];
	struct nl_link l;
	char buf[PATH_MAX];
	int r = -EEXIST;

	if (nl_link_get(c->tsk, c->ifname, &l, NULL) == 0)
		return cu_error_set(e, 0, _("cannot connect: %1$s already exists in %2$s (choose another --ifname)"),
				    c->ifname, ns_label(c->ns, buf, sizeof(buf)));
	for (int i = 0; i < 10 && r == -EEXIST; i++) {
		if (i > 0) {
			/* the name is taken: the record names the next one first */
			snprintf(old, sizeof(old), "%s", c->host);
			random_name(c->host, sizeof(c->host));
			snprintf(c->rec.host, sizeof(c->rec.host), "%s", c->host);
			if ((r = lease_update(c->key, old, &c->rec, e)) < 0)
				return r;
		}
		r = nl_veth_add(c->ctl->sk, &v, e);
	}
	if (r < 0)
		return r;
	c->made_pair = true;
	r = nl_link_get(c->ctl->sk, c->host, &l, e);
	if (r < 0)
		return r;
	c->rec.host_index = l.index;
	return lease_update(c->key, c->host, &c->rec, e);
}

int conn_wire(struct conn *c, struct cu_error *e)
{
	int r;

	if ((r = nl_link_set_master(c->ctl->sk, c->host, c->bridge, e)) < 0 ||
	    (r = nl_link_set_up(c->ctl->sk, c->host, true, e)) < 0 ||
	    (r = nl_link_set_up(c->tsk, "lo", true, e)) < 0)
		return r;
	return nl_link_set_up(c->tsk, c->ifname, true, e);
}

/*
 * An address asked for must be usable by a host on the bridge: on its
 * subnet, not the bridge's own, not the network or broadcast address.
 */
static int check_want_addr(const struct conn *c, struct cu_error *e)
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
static void conn_net(struct conn *c)
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
static int conn_record(struct conn *c, struct cu_error *e)
{
	char path[PATH_MAX];
	bool automatic = c->ctl->addr && streq(c->ctl->addr, "auto");
	enum lease_mode mode = LEASE_NONE;
	struct cu_inet got;
	int r;

	if (automatic && !c->has_gw)
		return cu_error_set(e, 0, _("cannot lease an address: bridge %s has no IPv4 address (give it one: vethctl bridge add BR --addr CIDR)"),
				    c->bridge);
	if (c->has_addr && (r = check_want_addr(c, e)) < 0)
		return r;
	conn_net(c);
	if (c->ctl->nat && !c->has_net)
		return cu_error_set(e, 0, _("cannot masquerade: no IPv4 subnet (give --addr, or an address to the bridge)"));
	ns_owner_path(c->ns, path, sizeof(path));
	if ((r = lease_owner_init(&c->rec.o, c->tfd, path, e)) < 0)
		return r;
	random_name(c->host, sizeof(c->host));
	snprintf(c->rec.host, sizeof(c->rec.host), "%s", c->host);
	snprintf(c->rec.ifname, sizeof(c->rec.ifname), "%s", c->ifname);
	c->rec.nat = c->ctl->nat;
	if (c->has_net)
		c->rec.net = c->net;
	if (c->ctl->out)
		snprintf(c->rec.out, sizeof(c->rec.out), "%s", c->ctl->out);
	reap(c->ctl, c->key);
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

/* The address (leased above when IPv4), set in NS. */
int conn_addr(struct conn *c, struct cu_error *e)
{
	return nl_addr(c->tsk, NL_ADD, c->ifname, &c->addr, e);
}

/* Default route through the bridge, when its address is on our subnet. */
static int conn_route(struct conn *c, struct cu_error *e)
{
	struct cu_inet dflt = { .family = AF_INET };

	if (!c->has_gw || c->addr.family != AF_INET || !cidr_contains(&c->net, &c->addr))
		return 0;
	return nl_route(c->tsk, NL_ADD, &dflt, &c->gw, NULL, e);
}

int conn_nat(struct conn *c, struct cu_error *e)
{
	int r;

	if (!c->ctl->nat)
		return 0;
	r = nat_in(c->ctl->nsfd, true, &c->net, c->ctl->out, &c->natted, e);
	return r;
}

/* lease_release() callback: the entry goes unless another record asks for it. */
int drop_nat(const struct lease_rec *d, bool shared, void *data)
{
	struct nat_drop *nd = data;
	bool added;
	int r;

	if (!d->nat || !nd->natted || shared)
		return 0;
	r = nat_in(nd->nsfd, false, &d->net, d->out[0] ? d->out : NULL, &added, nd->e);
	return r == -ENOENT ? 0 : r;	/* removed by hand already: nothing to undo */
}

/*
 * The masquerade entries of namespaces that went away without a disconnect
 * (their records wait in @key): removed now, unless a live record asks for
 * them.  Best effort: what fails is said and tried again next time.
 */
void reap(struct vethctl_control *ctl, const char *key)
{
	struct cu_error e = { 0 };
	struct nat_drop nd = { .nsfd = ctl->nsfd, .natted = true, .e = &e };

	if (lease_reap(key, drop_nat, &nd, &e) < 0)
		cu_error_warn(&e);
}

/* Undo in reverse; each step's own error was already recorded. */
void conn_undo(struct conn *c)
{
	struct nat_drop nd = { .nsfd = c->ctl->nsfd, .natted = c->natted };
	bool nat;

	if (c->leased)
		undo_done(lease_release(c->key, &c->rec.o, c->host, drop_nat, &nd, NULL));
	else if (c->natted)
		undo_done(nat_in(c->ctl->nsfd, false, &c->net, c->ctl->out, &nat, NULL));
	if (c->made_pair)
		undo_done(nl_link_del(c->ctl->sk, c->host, NULL));
	if (c->made_bridge)
		undo_done(nl_link_del(c->ctl->sk, c->bridge, NULL));
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

static void conn_init(struct vethctl_control *ctl, struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->ctl = ctl;
	c->ns = ctl->argv[0];
	c->bridge = ctl->bridge ? ctl->bridge : DEFAULT_BRIDGE;
	c->ifname = ctl->ifname ? ctl->ifname : DEFAULT_IFNAME;
	check_ifname(c->bridge);
	check_ifname(c->ifname);
	if (ctl->out) {
		struct cu_error e = { 0 };

		check_ifname(ctl->out);
		check(nat_check_out(ctl->out, &e), &e);
	}
	if (ctl->addr && !streq(ctl->addr, "auto")) {
		cidr_or_err(ctl->addr, &c->addr, _("invalid address"));
		c->has_addr = true;
	}
	if (ctl->nat && !ctl->addr)
		diex(_("connect: --nat needs --addr (the lease records it for disconnect)"));
	if (ctl->nat && !nat_supported())
		diex(_("connect: this vethctl was built without NAT support (rebuild with libnftables)"));
	if (ctl->nat) {
		struct cu_error e = { 0 };

		check(nat_load(&e), &e);
	}
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
	struct conn c;
	int r;

	conn_init(ctl, &c);
	if ((r = conn_bridge(&c, &e)) < 0 ||
	    (r = conn_record(&c, &e)) < 0 ||
	    (r = conn_pair(&c, &e)) < 0 ||
	    (r = conn_wire(&c, &e)) < 0 ||
	    (ctl->addr && (r = conn_addr(&c, &e)) < 0) ||
	    (ctl->addr && (r = conn_route(&c, &e)) < 0) ||
	    (r = conn_nat(&c, &e)) < 0) {
		conn_undo(&c);
		die_err(&e);
	}
	if (ctl->addr && streq(ctl->addr, "auto") &&
	    format_inet(&c.addr, true, text, sizeof(text)) == 0)
		printf("%s\n", text);
	if (!ctl->addr)
		warnx(_("%1$s is connected to %2$s without an IP address (for one, disconnect and connect again with --addr auto or --addr CIDR)"),
		      c.ns, c.bridge);
	nl_close(c.tsk);
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
			 const struct lease_rec *rec, struct nl_link *l,
			 struct cu_error *e)
{
	int r;

	if (rec->host_index > 0)
		r = nl_link_get_index(ctl->sk, rec->host_index, l, e);
	else
		r = nl_link_get(ctl->sk, rec->host, l, e);
	if (r == -ENODEV && nl_dry_blind(ctl->sk)) {
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
	    (l->link_netnsid < 0 || l->link_netnsid != nl_netns_id(ctl->sk, tfd, NULL)))
		return 1;
	return 0;
}

/*
 * Undo a recorded connection: the pair (@host: the host end as checked
 * against the record, NULL when it is gone), the record, then the
 * masquerade element unless another record still asks for it.
 */
static void undo_connection(struct vethctl_control *ctl, const char *key,
			    const struct lease_rec *rec, const struct nl_link *host)
{
	struct cu_error e = { 0 };
	struct nat_drop nd = { .nsfd = ctl->nsfd, .natted = true, .e = &e };

	if (rec->nat)
		check(nat_load(&e), &e);	/* before anything is changed */
	if (host)
		check(nl_link_del_index(ctl->sk, host->index, &e), &e);
	/* a failed NAT removal keeps the record: disconnect again finishes */
	check(lease_release(key, &rec->o, rec->host, drop_nat, &nd, &e), &e);
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
	struct nl_link host;
	struct conn c;
	int r;

	conn_init(ctl, &c);
	ns_owner_path(c.ns, path, sizeof(path));
	check(lease_owner_init(&o, c.tfd, path, &e), &e);
	bridge_lease_key(ctl->nsfd, "", suffix, sizeof(suffix));
	r = lease_find(ctl->bridge ? c.key : NULL, suffix,
		       &(struct lease_match) { .o = &o, .ifname = c.ifname },
		       &rec, key, sizeof(key), &e);
	check(r, &e);
	if (r == 0)
		diex(_("cannot disconnect: no connection of %1$s as %2$s is recorded (give the --ifname and --bridge connect used; nothing changed)"),
		     ns_label(c.ns, buf, sizeof(buf)), c.ifname);
	r = disc_host_end(ctl, c.tfd, &rec, &host, &e);
	check(r, &e);
	undo_connection(ctl, key, &rec, r == 0 ? &host : NULL);
	reap(ctl, key);
	nl_close(c.tsk);
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

	nl_close(ctl.sk);
	if (ctl.nsfd >= 0)
		close(ctl.nsfd);
	return r;
}
