// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vethctl-cni.c - vethctl as a CNI plugin (CNI specification 1.0 and 1.1).
 *
 * A runtime (podman, containerd, CRI-O, a kubelet) runs vethctl with
 * CNI_COMMAND and the other CNI_* variables set and a network configuration
 * on stdin.  ADD wires the container with the steps of "vethctl connect"
 * (common/net-connect.c: the same lease record, pair, wiring, masquerade and
 * undo), DEL undoes what its own record says and never what it finds in
 * the container, CHECK compares the kernel with the previous result, GC
 * drops the attachments the runtime no longer knows, STATUS says whether
 * ADD can work, VERSION lists the versions spoken.
 *
 * Each attachment (container ID, interface name) has a small record under
 * CNI_STATE_DIR/NETWORK/ written before anything is made, so that DEL finds
 * what a killed or half-failed ADD left, also when the namespace is gone.
 *
 * A file of its own (not in bin/vethctl.c) so the CLI and the CNI mode can
 * change apart; the configuration parser is in common/net-cni.c, where the
 * fuzzer reaches it.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "c.h"
#include "nls.h"
#include "fileutils.h"
#include "net-cni.h"
#include "net-lease.h"
#include "net-nat.h"
#include "net-netlink.h"
#include "net-nsname.h"
#include "strutils.h"
#include "net-connect.h"
#include "vethctl-cni.h"

#define CNI_STATE_DIR	"/run/container-utils/cni"
#define CNI_INPUT_MAX	(1024 * 1024)

struct cni_call {
	const char *command;
	const char *id, *netns, *ifname;
	struct cni_conf conf;
	struct cni_error err;
	char state[PATH_MAX];		/* the attachment's record */
};

/* What a record says: enough for DEL without the namespace. */
struct cni_state {
	char key[IF_NAMESIZE + 32];
	char bridge[IF_NAMESIZE];
	char host[IF_NAMESIZE];
	int host_index;
	struct lease_owner o;
	bool nat;
};

bool cni_mode(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	if (getenv("CNI_COMMAND"))
		return true;
	/* a link named for the plugin type, run without arguments */
	base = base ? base + 1 : argv[0];
	return argc == 1 && !streq(base, "vethctl");
}

static int from_cu(struct cni_error *e, const struct cu_error *ce, int code)
{
	if (ce->errnum)
		return cni_error_set(e, code, "%s: %s", ce->msg, strerror(ce->errnum));
	return cni_error_set(e, code, "%s", ce->msg);
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(4) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);

	if (!s)
		diex(_("out of memory"));
	printf("%s\n", s);
	free(s);
}

static int fail(struct cni_call *call)
{
	char *s = cni_error_json(call->conf.version, &call->err);

	if (!s)
		diex(_("out of memory"));
	printf("%s\n", s);
	free(s);
	return EXIT_FAILURE;
}

/* The configuration on stdin, refused from CNI_INPUT_MAX bytes on. */
static int read_stdin(char **buf, size_t *len, struct cni_error *e)
{
	int r = file_read_fd(STDIN_FILENO, CNI_INPUT_MAX - 1, buf, len);

	if (r == -EFBIG)
		return cni_error_set(e, CNI_ERR_IO, _("the network configuration is larger than %d bytes"),
				     CNI_INPUT_MAX);
	if (r < 0)
		return cni_error_set(e, CNI_ERR_IO, _("cannot read the network configuration from stdin: %s"),
				     strerror(-r));
	return 0;
}

/* ---- the attachment's record ------------------------------------------- */

static int state_path(struct cni_call *call)
{
	if ((size_t) snprintf(call->state, sizeof(call->state), "%s/%s/%s:%s",
			      CNI_STATE_DIR, call->conf.name, call->id,
			      call->ifname) >= sizeof(call->state))
		return cni_error_set(&call->err, CNI_ERR_ENV, _("CNI_CONTAINERID is too long"));
	return 0;
}

/* Written whole (a temporary file renamed over it), so never half there. */
static int state_write(struct cni_call *call, const struct cni_state *st)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 8];
	json_t *o;
	int r;

	snprintf(dir, sizeof(dir), "%s/%s", CNI_STATE_DIR, call->conf.name);
	r = file_mkdir_p(dir, 0755);
	if (r < 0)
		return cni_error_set(&call->err, CNI_ERR_IO, _("cannot create %s: %s"), dir, strerror(-r));
	o = json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:s, s:b}",
		      "key", st->key, "bridge", st->bridge, "host", st->host,
		      "hostIndex", st->host_index, "dev", (json_int_t) st->o.dev,
		      "ino", (json_int_t) st->o.ino, "netns", st->o.path,
		      "nat", st->nat);
	if (!o)
		return cni_error_set(&call->err, CNI_ERR_INTERNAL, _("cannot write %s"), call->state);
	snprintf(tmp, sizeof(tmp), "%s.new", call->state);
	r = json_dump_file(o, tmp, JSON_COMPACT);
	json_decref(o);
	if (r < 0 || rename(tmp, call->state) < 0) {
		(void) unlink(tmp);
		return cni_error_set(&call->err, CNI_ERR_IO, _("cannot write %s"), call->state);
	}
	return 0;
}

/* The network's directory goes with its last record. */
static void rmdir_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	(void) rmdir(dir);	/* fails while other records are there */
}

/* 1 read, 0 none, -1 unreadable. */
static int state_read(const char *path, struct cni_state *st, struct cni_error *e)
{
	json_error_t jerr;
	json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	const char *key, *bridge, *host, *netns;
	json_int_t dev, ino;
	int idx, nat, r;

	memset(st, 0, sizeof(*st));
	if (!o) {
		if (access(path, F_OK) < 0 && errno == ENOENT)
			return 0;
		return cni_error_set(e, CNI_ERR_IO, _("cannot read %1$s: %2$s"), path, jerr.text);
	}
	r = json_unpack(o, "{s:s, s:s, s:s, s:i, s:I, s:I, s:s, s:b}",
			"key", &key, "bridge", &bridge, "host", &host,
			"hostIndex", &idx, "dev", &dev, "ino", &ino,
			"netns", &netns, "nat", &nat);
	if (r == 0) {
		snprintf(st->key, sizeof(st->key), "%s", key);
		snprintf(st->bridge, sizeof(st->bridge), "%s", bridge);
		snprintf(st->host, sizeof(st->host), "%s", host);
		snprintf(st->o.path, sizeof(st->o.path), "%s", netns);
		st->host_index = idx;
		st->o.dev = (dev_t) dev;
		st->o.ino = (ino_t) ino;
		st->nat = nat;
	}
	json_decref(o);
	if (r < 0 || strchr(st->key, '/') || !st->key[0])
		return cni_error_set(e, CNI_ERR_IO, _("cannot read %s: not a record of vethctl"), path);
	return 1;
}

/* ---- ADD ----------------------------------------------------------------- */

static int env_check(struct cni_call *call, bool need_netns)
{
	struct cu_error ce = { 0 };

	call->id = getenv("CNI_CONTAINERID");
	call->netns = getenv("CNI_NETNS");
	call->ifname = getenv("CNI_IFNAME");
	if (!call->id || !cni_valid_container_id(call->id))
		return cni_error_set(&call->err, CNI_ERR_ENV, _("CNI_CONTAINERID is missing or invalid (letters, digits, '_', '.', '-', starting with a letter or digit)"));
	if (!call->ifname || netlink_check_ifname(call->ifname, &ce) < 0)
		return cni_error_set(&call->err, CNI_ERR_ENV, _("CNI_IFNAME is missing or not an interface name"));
	if (need_netns && (!call->netns || !*call->netns))
		return cni_error_set(&call->err, CNI_ERR_ENV, _("CNI_NETNS is missing (the path of the container's network namespace)"));
	if (call->netns && *call->netns && call->netns[0] != '/')
		return cni_error_set(&call->err, CNI_ERR_ENV, _("CNI_NETNS must be a path: %s"), call->netns);
	return state_path(call);
}

/* What ADD has done beyond connect's own steps. */
struct cni_add {
	struct connect c;
	bool gw_added;			/* the gateway address, on a bridge that was there */
	bool wrote_state;
	struct cni_state st;
};

/* The bridge, made when missing; its gateway address when isGateway. */
static int add_bridge(struct cni_call *call, struct cni_add *a, struct cu_error *e)
{
	const struct cni_conf *cf = &call->conf;
	bool gw = cf->has_ipam && cf->is_gw;
	struct netlink_link l;
	int r = netlink_link_get(a->c.sk, cf->bridge, &l, NULL);

	if (r == 0 && !streq(l.kind, "bridge"))
		return cu_error_set(e, 0, _("cannot attach: %s is not a bridge (choose another \"bridge\")"), cf->bridge);
	if (r < 0) {
		if ((r = connect_bridge_create(a->c.sk, cf->bridge, gw ? &cf->gateway : NULL, e)) < 0)
			return r;
		a->c.made_bridge = true;
		return 0;
	}
	if (!gw)
		return 0;
	r = netlink_addr(a->c.sk, NETLINK_OP_ADD, cf->bridge, &cf->gateway, e);
	if (r == -EEXIST)
		return 0;
	if (r == 0)
		a->gw_added = true;
	return r;
}

/* The record, then the lease: before anything is made (DEL reads them). */
static int add_record(struct cni_call *call, struct cni_add *a, struct cu_error *e)
{
	const struct cni_conf *cf = &call->conf;
	struct connect *c = &a->c;
	struct cu_inet got;
	int r;

	if ((r = lease_owner_init(&c->rec.o, c->tfd, call->netns, e)) < 0)
		return r;
	connect_random_name(c->host, sizeof(c->host));
	snprintf(c->rec.host, sizeof(c->rec.host), "%s", c->host);
	snprintf(c->rec.ifname, sizeof(c->rec.ifname), "%s", c->ifname);
	c->rec.nat = cf->ipmasq;
	if (cf->has_ipam) {
		c->net = cf->subnet;
		c->has_net = true;
		c->rec.net = c->net;
		c->gw = cf->gateway;
		c->has_gw = true;
	}
	snprintf(a->st.key, sizeof(a->st.key), "%s", c->key);
	snprintf(a->st.bridge, sizeof(a->st.bridge), "%s", cf->bridge);
	snprintf(a->st.host, sizeof(a->st.host), "%s", c->host);
	a->st.o = c->rec.o;
	a->st.nat = cf->ipmasq;
	if (state_write(call, &a->st) < 0)
		return cu_error_set(e, 0, "%s", call->err.msg);
	a->wrote_state = true;
	connect_reap(-1, c->key);
	if (cf->has_ipam)
		r = lease_take_range(c->key, &cf->gateway, cf->range_start,
				     cf->range_end, &c->rec, &got, e);
	else
		r = lease_take(c->key, NULL, LEASE_NONE, NULL, &c->rec, &got, e);
	if (r < 0)
		return r;
	c->leased = true;
	if (cf->has_ipam) {
		c->addr = got;
		c->has_addr = true;
	}
	return 0;
}

/* The pair as connect makes it; the record learns its final name and index. */
static int add_pair(struct cni_call *call, struct cni_add *a, struct cu_error *e)
{
	int r = connect_pair(&a->c, e);

	if (r < 0)
		return r;
	snprintf(a->st.host, sizeof(a->st.host), "%s", a->c.host);
	a->st.host_index = a->c.rec.host_index;
	if (state_write(call, &a->st) < 0)
		return cu_error_set(e, 0, "%s", call->err.msg);
	return 0;
}

/*
 * The host end is a bridge port only: no IPv6 of its own, set before it is
 * up.  With IPv6 on, every port brought up in the host's namespace walks
 * that namespace's whole IPv6 routing table (fib6_ifup) and adds its own
 * fe80::/64 and ff00::/8 routes to nodes that hold one route per port
 * (fib6_add_rt2node): a cost that grew with the number of containers on
 * the host (bench/cni.sh; the profile is in the commit message).  Best
 * effort: a kernel without IPv6 has no such file, and the port works the
 * same either way.
 */
static void host_end_no_ipv6(const char *host)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", host);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	ignore_result(write(fd, "1", 1));	/* best effort, as said above */
	close(fd);
}

static bool is_default(const struct cu_inet *dst)
{
	return dst->prefix == 0;
}

static int add_routes(struct cni_call *call, struct cni_add *a, struct cu_error *e)
{
	const struct cni_conf *cf = &call->conf;
	bool have_default = false;
	int r;

	for (size_t i = 0; i < cf->nroutes; i++) {
		const struct cni_route *rt = &cf->routes[i];

		have_default |= is_default(&rt->dst);
		r = netlink_route(a->c.tsk, NETLINK_OP_ADD, &rt->dst, rt->has_gw ? &rt->gw : &cf->gateway,
				  call->ifname, e);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	if (cf->is_default_gw && !have_default) {
		struct cu_inet dflt = { .family = AF_INET };

		r = netlink_route(a->c.tsk, NETLINK_OP_ADD, &dflt, &cf->gateway, call->ifname, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static void undo_add(struct cni_call *call, struct cni_add *a)
{
	connect_undo(&a->c);
	/* best effort, as in connect_undo(): the error is the step's */
	if (a->gw_added && !a->c.made_bridge)
		ignore_result(netlink_addr(a->c.sk, NETLINK_OP_DEL, call->conf.bridge, &call->conf.gateway, NULL));
	if (a->wrote_state) {
		(void) unlink(call->state);
		rmdir_parent(call->state);
	}
}

static json_t *iface_json(struct netlink_sock *sk, const char *name, const char *sandbox)
{
	char mac[24] = "";
	struct netlink_link l;
	json_t *o = json_pack("{s:s}", "name", name);

	if (netlink_link_get(sk, name, &l, NULL) == 0 && l.has_mac &&
	    format_mac(l.mac, mac, sizeof(mac)) == 0)
		json_object_set_new(o, "mac", json_string(mac));
	if (sandbox)
		json_object_set_new(o, "sandbox", json_string(sandbox));
	return o;
}

static json_t *inet_json(const struct cu_inet *a, bool with_prefix)
{
	char text[INET6_ADDRSTRLEN + 8];

	if (format_inet(a, with_prefix, text, sizeof(text)) < 0)
		text[0] = '\0';
	return json_string(text);
}

/*
 * The result: prevResult (a chained call) with ours appended, as the
 * specification asks, else ours: the bridge, the host end, the container's
 * end, its address with the gateway, the routes.
 */
static json_t *add_result(struct cni_call *call, struct cni_add *a)
{
	const struct cni_conf *cf = &call->conf;
	json_t *res, *ifs, *ips, *routes;
	size_t base;

	res = cf->prev_result ? json_deep_copy(cf->prev_result) : json_object();
	if (!res)
		diex(_("out of memory"));
	json_object_set_new(res, "cniVersion", json_string(cf->version));
	if (!json_is_array(ifs = json_object_get(res, "interfaces")))
		json_object_set_new(res, "interfaces", ifs = json_array());
	base = json_array_size(ifs);
	json_array_append_new(ifs, iface_json(a->c.sk, cf->bridge, NULL));
	json_array_append_new(ifs, iface_json(a->c.sk, a->c.host, NULL));
	json_array_append_new(ifs, iface_json(a->c.tsk, call->ifname, call->netns));
	if (cf->has_ipam) {
		json_t *ip = json_object();

		if (!json_is_array(ips = json_object_get(res, "ips")))
			json_object_set_new(res, "ips", ips = json_array());
		if (cni_version_pre1(cf->version))
			json_object_set_new(ip, "version", json_string("4"));
		json_object_set_new(ip, "interface", json_integer((json_int_t) base + 2));
		json_object_set_new(ip, "address", inet_json(&a->c.addr, true));
		json_object_set_new(ip, "gateway", inet_json(&cf->gateway, false));
		json_array_append_new(ips, ip);
	}
	if (cf->nroutes || cf->is_default_gw) {
		bool have_default = false;

		if (!json_is_array(routes = json_object_get(res, "routes")))
			json_object_set_new(res, "routes", routes = json_array());
		for (size_t i = 0; i < cf->nroutes; i++) {
			json_t *r = json_pack("{s:o}", "dst", inet_json(&cf->routes[i].dst, true));

			have_default |= is_default(&cf->routes[i].dst);
			if (cf->routes[i].has_gw)
				json_object_set_new(r, "gw", inet_json(&cf->routes[i].gw, false));
			json_array_append_new(routes, r);
		}
		if (cf->is_default_gw && !have_default)
			json_array_append_new(routes, json_pack("{s:s, s:o}", "dst", "0.0.0.0/0",
								"gw", inet_json(&cf->gateway, false)));
	}
	if (!json_object_get(res, "dns"))
		json_object_set_new(res, "dns", json_object());
	return res;
}

static int cmd_add(struct cni_call *call)
{
	struct cu_error e = { 0 };
	struct cni_add a;
	struct stat st;
	json_t *res;
	int r;

	if (env_check(call, true) < 0)
		return fail(call);
	if (stat(call->state, &st) == 0) {
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("container %1$s is already attached to network %2$s as %3$s (DEL it first)"),
			      call->id, call->conf.name, call->ifname);
		return fail(call);
	}
	memset(&a, 0, sizeof(a));
	a.c.nsfd = -1;
	a.c.mtu = call->conf.mtu;
	a.c.nat = call->conf.ipmasq;
	a.c.ns = call->netns;
	a.c.bridge = call->conf.bridge;
	a.c.ifname = call->ifname;
	a.c.tfd = -1;
	if (call->conf.ipmasq && !nat_supported()) {
		cni_error_set(&call->err, CNI_ERR_CONFIG, _("\"ipMasq\": this vethctl was built without NAT support (rebuild with libnftables)"));
		return fail(call);
	}
	if ((call->conf.ipmasq && nat_load(&e) < 0) ||
	    !(a.c.sk = netlink_open(-1, &e))) {
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
		return fail(call);
	}
	a.c.tfd = netns_open_spec(call->netns, &e);
	if (a.c.tfd < 0) {
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
		netlink_close(a.c.sk);
		return fail(call);
	}
	if (!(a.c.tsk = netlink_open(a.c.tfd, &e))) {
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
		goto out;
	}
	connect_bridge_lease_key(-1, call->conf.bridge, a.c.key, sizeof(a.c.key));
	if ((r = add_bridge(call, &a, &e)) < 0 ||
	    (r = add_record(call, &a, &e)) < 0 ||
	    (r = add_pair(call, &a, &e)) < 0 ||
	    (host_end_no_ipv6(a.c.host), (r = connect_wire(&a.c, &e)) < 0) ||
	    (call->conf.hairpin && (r = netlink_link_set_hairpin(a.c.sk, a.c.host, true, &e)) < 0) ||
	    (a.c.has_addr && (r = connect_addr(&a.c, &e)) < 0) ||
	    (r = add_routes(call, &a, &e)) < 0 ||
	    (r = connect_nat(&a.c, &e)) < 0) {
		undo_add(call, &a);
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
		goto out;
	}
	res = add_result(call, &a);
	print_json(res);
	json_decref(res);
	call->err.code = 0;
out:
	if (a.c.tsk)
		netlink_close(a.c.tsk);
	close(a.c.tfd);
	netlink_close(a.c.sk);
	return call->err.code ? fail(call) : 0;
}

/* ---- DEL, GC ------------------------------------------------------------- */

/*
 * Undo the attachment recorded in @path from the record alone: the host
 * end (when it is still the link recorded: a veth of that name at that
 * index, or on that bridge if the index was never written), the lease and
 * its masquerade entry, then the record.  The namespace may be gone.
 */
static int undo_recorded(const char *path, struct cni_error *err)
{
	struct netlink_sock *sk;
	struct cu_error e = { 0 };
	struct connect_nat_drop nd = { .nsfd = -1, .natted = true, .e = &e };
	struct cni_state st;
	struct netlink_link host, br;
	int r = state_read(path, &st, err);

	if (r <= 0)
		return r;
	if ((st.nat && nat_load(&e) < 0) || !(sk = netlink_open(-1, &e)))
		return from_cu(err, &e, CNI_ERR_INTERNAL);
	if (st.host_index > 0)
		r = netlink_link_get_index(sk, st.host_index, &host, &e);
	else
		r = netlink_link_get(sk, st.host, &host, &e);
	if (r == 0 && streq(host.name, st.host) && streq(host.kind, "veth") &&
	    (st.host_index > 0 ||
	     (netlink_link_get(sk, st.bridge, &br, NULL) == 0 && host.master == br.index)))
		r = netlink_link_del_index(sk, host.index, &e);
	else
		r = r == -ENODEV || r == 0 ? 0 : r;	/* gone, or not ours any more */
	if (r == -ENODEV)
		r = 0;	/* went with its namespace meanwhile */
	if (r == 0)
		r = lease_release(st.key, &st.o, st.host, connect_drop_nat, &nd, &e);
	if (r >= 0) {
		connect_reap(-1, st.key);
		r = 0;
	}
	netlink_close(sk);
	if (r < 0)
		return from_cu(err, &e, CNI_ERR_INTERNAL);	/* the record stays: DEL again */
	if (unlink(path) < 0 && errno != ENOENT)
		return cni_error_set(err, CNI_ERR_IO, _("cannot remove %1$s: %2$s"), path, strerror(errno));
	rmdir_parent(path);
	return 0;
}

static int cmd_del(struct cni_call *call)
{
	if (env_check(call, false) < 0 || undo_recorded(call->state, &call->err) < 0)
		return fail(call);
	return 0;
}

static bool still_valid(const json_t *valid, const char *id, const char *ifname)
{
	size_t i;
	json_t *v;

	json_array_foreach(valid, i, v) {
		const char *vid = json_string_value(json_object_get(v, "containerID"));
		const char *vif = json_string_value(json_object_get(v, "ifname"));

		if (vid && vif && streq(vid, id) && streq(vif, ifname))
			return true;
	}
	return false;
}

/* Every recorded attachment of the network the runtime no longer lists. */
static int cmd_gc(struct cni_call *call)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct cni_error first = { 0 };
	struct dirent *de;
	DIR *d;

	if (!call->conf.valid_attachments) {
		/* no list is not an empty list: nothing is taken away on a guess */
		cni_error_set(&call->err, CNI_ERR_CONFIG, _("GC needs \"cni.dev/valid-attachments\" (the attachments to keep)"));
		return fail(call);
	}
	snprintf(dir, sizeof(dir), "%s/%s", CNI_STATE_DIR, call->conf.name);
	d = opendir(dir);
	if (!d)
		return 0;	/* nothing recorded */
	while ((de = readdir(d))) {
		char *colon = strrchr(de->d_name, ':');
		struct cni_error e = { 0 };

		if (de->d_name[0] == '.' || !colon || strstr(de->d_name, ".new"))
			continue;
		*colon = '\0';
		if (still_valid(call->conf.valid_attachments, de->d_name, colon + 1))
			continue;
		*colon = ':';
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (undo_recorded(path, &e) < 0 && !first.code)
			first = e;	/* go on with the others */
	}
	closedir(d);
	if (first.code) {
		call->err = first;
		return fail(call);
	}
	return 0;
}

/* ---- CHECK --------------------------------------------------------------- */

struct addr_want {
	struct cu_inet a;
	bool found;
};

static int find_addr(int index __unused, const struct cu_inet *a, void *data)
{
	struct addr_want *w = data;

	if (a->family == w->a.family && a->prefix == w->a.prefix &&
	    memcmp(a->addr.bytes, w->a.addr.bytes, inet_addr_len(a)) == 0)
		w->found = true;
	return 0;
}

/* Is each address prevResult gives our container interface there? */
static int check_addrs(struct cni_call *call, struct netlink_sock *tsk, const struct netlink_link *l)
{
	const json_t *prev = call->conf.prev_result;
	json_t *ifs = json_object_get(prev, "interfaces"), *ip;
	struct cu_error e = { 0 };
	size_t i;

	json_array_foreach(json_object_get(prev, "ips"), i, ip) {
		json_t *idx = json_object_get(ip, "interface");
		const char *addr = json_string_value(json_object_get(ip, "address"));
		const json_t *itf;
		struct addr_want w = { .found = false };

		if (!json_is_integer(idx) || !addr)
			continue;
		itf = json_array_get(ifs, (size_t) json_integer_value(idx));
		if (!itf || !json_is_string(json_object_get(itf, "sandbox")) ||
		    !streq(json_string_value(json_object_get(itf, "name")) ?: "", call->ifname))
			continue;	/* not our container interface */
		if (parse_cidr(addr, &w.a) < 0)
			return cni_error_set(&call->err, CNI_ERR_CONFIG, _("invalid prevResult: address %s"), addr);
		if (netlink_addr_dump(tsk, w.a.family, l->index, find_addr, &w, &e) < 0)
			return from_cu(&call->err, &e, CNI_ERR_INTERNAL);
		if (!w.found)
			return cni_error_set(&call->err, CNI_ERR_INTERNAL, _("address %1$s is missing from %2$s in %3$s"),
					     addr, call->ifname, call->netns);
	}
	return 0;
}

/* Is the bridge's gateway address there (isGateway)? */
static int check_gateway(struct cni_call *call, struct netlink_sock *sk, const struct netlink_link *br)
{
	const struct cni_conf *cf = &call->conf;
	struct addr_want w = { .a = cf->gateway, .found = false };
	char text[INET6_ADDRSTRLEN + 8];
	struct cu_error e = { 0 };

	if (!cf->has_ipam || !cf->is_gw)
		return 0;
	if (netlink_addr_dump(sk, AF_INET, br->index, find_addr, &w, &e) < 0)
		return from_cu(&call->err, &e, CNI_ERR_INTERNAL);
	if (w.found)
		return 0;
	if (format_inet(&cf->gateway, true, text, sizeof(text)) < 0)
		text[0] = '\0';
	return cni_error_set(&call->err, CNI_ERR_INTERNAL, _("gateway address %1$s is missing from bridge %2$s"),
			     text, br->name);
}

struct route_want {
	struct cu_inet dst;		/* its network */
	const struct cu_inet *gw;
	int oif;
	bool found;
};

static bool same_ip(const struct cu_inet *a, const struct cu_inet *b)
{
	return a->family == b->family &&
	       memcmp(a->addr.bytes, b->addr.bytes, inet_addr_len(a)) == 0;
}

static int find_route(const struct netlink_route_info *rt, void *data)
{
	struct route_want *w = data;
	struct cu_inet dst;

	cidr_network(&rt->dst, &dst);
	if (dst.prefix == w->dst.prefix && same_ip(&dst, &w->dst) &&
	    rt->oif == w->oif && rt->has_gw && same_ip(&rt->gw, w->gw))
		w->found = true;
	return 0;
}

/* One route ADD set up in the container: @dst via @gw on the interface. */
static int check_route(struct cni_call *call, struct netlink_sock *tsk, const struct netlink_link *l,
		       const struct cu_inet *dst, const struct cu_inet *gw)
{
	struct route_want w = { .gw = gw, .oif = l->index, .found = false };
	char dtext[INET6_ADDRSTRLEN + 8], gtext[INET6_ADDRSTRLEN + 8];
	struct cu_error e = { 0 };

	cidr_network(dst, &w.dst);
	if (netlink_route_dump(tsk, dst->family, find_route, &w, &e) < 0)
		return from_cu(&call->err, &e, CNI_ERR_INTERNAL);
	if (w.found)
		return 0;
	if (format_inet(&w.dst, true, dtext, sizeof(dtext)) < 0)
		dtext[0] = '\0';
	if (format_inet(gw, false, gtext, sizeof(gtext)) < 0)
		gtext[0] = '\0';
	return cni_error_set(&call->err, CNI_ERR_INTERNAL, _("route %1$s via %2$s is missing from %3$s in %4$s"),
			     dtext, gtext, call->ifname, call->netns);
}

/* The routes add_routes() sets up: the ipam routes, the default one. */
static int check_routes(struct cni_call *call, struct netlink_sock *tsk, const struct netlink_link *l)
{
	const struct cni_conf *cf = &call->conf;
	bool have_default = false;

	if (!cf->has_ipam)
		return 0;
	for (size_t i = 0; i < cf->nroutes; i++) {
		const struct cni_route *rt = &cf->routes[i];

		have_default |= is_default(&rt->dst);
		if (check_route(call, tsk, l, &rt->dst, rt->has_gw ? &rt->gw : &cf->gateway) < 0)
			return -1;
	}
	if (cf->is_default_gw && !have_default) {
		struct cu_inet dflt = { .family = AF_INET };

		return check_route(call, tsk, l, &dflt, &cf->gateway);
	}
	return 0;
}

/* The subnet's masquerade (ipMasq), in the table of the host's namespace. */
static int check_masq(struct cni_call *call)
{
	const struct cni_conf *cf = &call->conf;
	char text[INET6_ADDRSTRLEN + 8];
	struct cu_inet net;
	struct cu_error e = { 0 };
	int r;

	if (!cf->ipmasq || !cf->has_ipam)
		return 0;
	cidr_network(&cf->subnet, &net);
	r = nat_masquerades(&net, &e);
	if (r < 0)
		return from_cu(&call->err, &e, CNI_ERR_INTERNAL);
	if (r > 0)
		return 0;
	if (format_inet(&net, true, text, sizeof(text)) < 0)
		text[0] = '\0';
	return cni_error_set(&call->err, CNI_ERR_INTERNAL, _("the masquerade of %1$s is missing from table ip %2$s"),
			     text, NAT_TABLE);
}

static int cmd_check(struct cni_call *call)
{
	struct cu_error e = { 0 };
	struct netlink_sock *sk = NULL, *tsk = NULL;
	struct cni_state st;
	struct netlink_link host, br, l;
	int fd = -1, r;

	if (env_check(call, true) < 0)
		return fail(call);
	if (!call->conf.prev_result) {
		cni_error_set(&call->err, CNI_ERR_CONFIG, _("CHECK needs \"prevResult\" (the result of ADD)"));
		return fail(call);
	}
	r = state_read(call->state, &st, &call->err);
	if (r == 0)
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("container %1$s is not attached to network %2$s as %3$s"),
			      call->id, call->conf.name, call->ifname);
	if (r <= 0)
		return fail(call);
	r = -1;
	if (!(sk = netlink_open(-1, &e)))
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
	else if (netlink_link_get(sk, st.bridge, &br, &e) < 0 || !streq(br.kind, "bridge"))
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("bridge %s is missing"), st.bridge);
	else if (netlink_link_get_index(sk, st.host_index, &host, &e) < 0 ||
		 !streq(host.name, st.host) || host.master != br.index)
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("host end %1$s is missing from bridge %2$s"),
			      st.host, st.bridge);
	else if (!(host.flags & IFF_UP))
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("host end %s is down"), st.host);
	else if (check_gateway(call, sk, &br) < 0)
		;	/* said */
	else if ((fd = netns_open_spec(call->netns, &e)) < 0 || !(tsk = netlink_open(fd, &e)))
		from_cu(&call->err, &e, CNI_ERR_INTERNAL);
	else if (netlink_link_get(tsk, call->ifname, &l, &e) < 0)
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("interface %1$s is missing from %2$s"),
			      call->ifname, call->netns);
	else if (!(l.flags & IFF_UP))
		cni_error_set(&call->err, CNI_ERR_INTERNAL, _("interface %1$s in %2$s is down"),
			      call->ifname, call->netns);
	else if (check_addrs(call, tsk, &l) == 0 && check_routes(call, tsk, &l) == 0 &&
		 check_masq(call) == 0)
		r = 0;
	if (tsk)
		netlink_close(tsk);
	if (fd >= 0)
		close(fd);
	if (sk)
		netlink_close(sk);
	return r < 0 ? fail(call) : 0;
}

/* ---- VERSION, STATUS, dispatch ------------------------------------------- */

static int cmd_version(struct cni_call *call)
{
	json_t *o = json_pack("{s:s, s:[]}", "cniVersion", call->conf.version,
			      "supportedVersions");
	json_t *v = json_object_get(o, "supportedVersions");

	for (size_t i = 0; i < cni_nversions; i++)
		json_array_append_new(v, json_string(cni_versions[i]));
	print_json(o);
	json_decref(o);
	return 0;
}

static int cmd_status(struct cni_call *call)
{
	struct cu_error e = { 0 };

	if (call->conf.ipmasq && (!nat_supported() || nat_load(&e) < 0)) {
		cni_error_set(&call->err, CNI_ERR_UNAVAILABLE, _("\"ipMasq\": libnftables cannot be loaded (install it)"));
		return fail(call);
	}
	return 0;
}

int cni_main(void)
{
	static const struct {
		const char *name;
		int (*fn)(struct cni_call *call);
		bool version_only;
	} cmds[] = {
		{ "ADD", cmd_add, false },
		{ "DEL", cmd_del, false },
		{ "CHECK", cmd_check, false },
		{ "GC", cmd_gc, false },
		{ "STATUS", cmd_status, false },
		{ "VERSION", cmd_version, true },
	};
	struct cni_call call;
	char *buf = NULL;
	size_t len = 0;
	int r = -1;

	memset(&call, 0, sizeof(call));
	snprintf(call.conf.version, sizeof(call.conf.version), "%s",
		 cni_versions[cni_nversions - 1]);
	call.command = getenv("CNI_COMMAND");
	for (size_t i = 0; call.command && i < ARRAY_SIZE(cmds); i++) {
		if (!streq(call.command, cmds[i].name))
			continue;
		if (read_stdin(&buf, &len, &call.err) < 0)
			return fail(&call);
		if (cmds[i].version_only && len == 0)
			return cmds[i].fn(&call);	/* VERSION without input: the newest */
		if (cni_conf_parse(buf, len, cmds[i].version_only, &call.conf, &call.err) < 0 &&
		    !(cmds[i].version_only && call.err.code == CNI_ERR_VERSION))
			r = fail(&call);	/* VERSION answers any version asked in */
		else
			r = cmds[i].fn(&call);
		cni_conf_free(&call.conf);
		free(buf);
		return r;
	}
	cni_error_set(&call.err, CNI_ERR_ENV, _("CNI_COMMAND is %s (give ADD, DEL, CHECK, GC, STATUS or VERSION)"),
		      call.command ? call.command : _("not set"));
	return fail(&call);
}
