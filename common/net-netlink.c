/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-netlink.c - rtnetlink requests and dumps through libmnl: the one
 * netlink socket of the suite (vethctl, its CNI plugin and netns).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "net-netlink.h"

struct netlink_sock {
	struct mnl_socket *mnl;
	unsigned int portid;
	unsigned int seq;
	char extack[256];		/* the kernel's text of the last error */
	bool blind;			/* dry run: stands for a netns not entered */
	dev_t ns_dev;			/* dry run: its netns */
	ino_t ns_ino;
};

static void dry_sock_ns(struct netlink_sock *sk, int netns_fd);
static int dry_link_add(dev_t dev, ino_t ino, const char *name, const char *kind);
static int dry_depth;		/* dry run: netns entries not made */

/*
 * One request; one received datagram (dumps fill up to 32 KiB).  A request's
 * buffer starts zeroed: Debian 12's libmnl (1.0.4) does not clear the padding
 * after an attribute, and those bytes would go to the kernel as they are
 * (valgrind: "sendto(msg) points to uninitialised byte(s)").
 */
#define NL_BUFSZ	8192
#define NL_RECVSZ	32768

static struct netlink_sock *sock_new(int *err)
{
	struct netlink_sock *sk = xcalloc(1, sizeof(*sk));
	int one = 1;

	sk->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!sk->mnl)
		goto fail;
	/* Best effort: older kernels lack them, the errno still comes. */
	(void) mnl_socket_setsockopt(sk->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void) mnl_socket_setsockopt(sk->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(sk->mnl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	sk->portid = mnl_socket_get_portid(sk->mnl);
	sk->seq = (unsigned int) time(NULL);
	return sk;
fail:
	*err = errno;
	if (sk->mnl)
		mnl_socket_close(sk->mnl);
	free(sk);
	return NULL;
}

int netlink_netns_enter(int netns_fd, struct cu_error *e)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (self < 0)
		return cu_error_set(e, errno, _("cannot open the current network namespace"));
	if (ex_setns(netns_fd, CLONE_NEWNET) < 0) {
		int r = cu_error_set(e, errno, _("cannot enter network namespace"));

		close(self);
		return r;
	}
	if (explain_dry_run())
		dry_depth++;	/* still where we were: say so to what follows */
	return self;
}

int netlink_netns_leave(int saved_fd, struct cu_error *e)
{
	int r = 0;

	if (ex_setns(saved_fd, CLONE_NEWNET) < 0)
		r = cu_error_set(e, errno, _("cannot return to the original network namespace"));
	else if (explain_dry_run() && dry_depth > 0)
		dry_depth--;
	close(saved_fd);
	return r;
}

struct netlink_sock *netlink_open(int netns_fd, struct cu_error *e)
{
	struct netlink_sock *sk;
	int saved = -1, err = 0;

	if (netns_fd >= 0) {
		saved = netlink_netns_enter(netns_fd, e);
		if (saved < 0)
			return NULL;
	}
	sk = sock_new(&err);
	if (saved >= 0 && netlink_netns_leave(saved, e) < 0) {
		netlink_close(sk);
		return NULL;
	}
	if (!sk)
		cu_error_set(e, err, _("cannot open a netlink socket"));
	else if (explain_dry_run())
		dry_sock_ns(sk, netns_fd);
	return sk;
}

void netlink_close(struct netlink_sock *sk)
{
	if (!sk)
		return;
	explain_ifname(sk, -1, NULL);	/* forget its names: the memory may be reused */
	mnl_socket_close(sk->mnl);
	free(sk);
}

/* @name with control characters as \xHH, so a message stays one line. */
static void escape_name(const char *name, char *buf, size_t len)
{
	size_t o = 0;

	for (; *name && o + 5 < len; name++) {
		unsigned char c = (unsigned char) *name;

		if (iscntrl(c))
			o += (size_t) snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char) c;
	}
	buf[o] = '\0';
}

int netlink_check_ifname(const char *name, struct cu_error *e)
{
	size_t len = strlen(name);
	char shown[4 * IF_NAMESIZE + 8];

	for (const char *p = name; *p; p++) {
		if (iscntrl((unsigned char) *p)) {
			escape_name(name, shown, sizeof(shown));
			return cu_error_set(e, 0, _("invalid interface name: '%s': contains a control character (use letters, digits, '-', '_', '.')"),
					    shown);
		}
	}
	if (len == 0)
		return cu_error_set(e, 0, _("invalid interface name: '' (give 1 to 15 bytes)"));
	if (len >= IF_NAMESIZE)
		return cu_error_set(e, 0, _("invalid interface name: %1$s: %2$zu bytes, the kernel allows 15 (use a shorter name)"),
				    name, len);
	if (strpbrk(name, "/: \t\n") || streq(name, ".") || streq(name, ".."))
		return cu_error_set(e, 0, _("invalid interface name: %s: contains '/', ':' or white space (use letters, digits, '-', '_', '.')"),
				    name);
	return 0;
}

/* What the callbacks of one request share: the socket and the caller's. */
struct talk {
	struct netlink_sock *sk;
	mnl_cb_t cb;
	void *data;
	bool intr;			/* the dump changed under us */
};

/* NLMSG_ERROR: errno and the extended-ACK message, if the kernel sent one. */
static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct netlink_sock *sk = ((struct talk *) data)->sk;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(attr, nlh, off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				snprintf(sk->extack, sizeof(sk->extack), "%s",
					 mnl_attr_get_str(attr));
		}
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int cb_noop(const struct nlmsghdr *nlh __unused, void *data __unused)
{
	return MNL_CB_OK;
}

static int cb_done(const struct nlmsghdr *nlh __unused, void *data __unused)
{
	return MNL_CB_STOP;
}

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		t->intr = true;
	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int dry_talk(struct netlink_sock *sk, struct nlmsghdr *nlh, struct talk *t);
static void dry_after(struct netlink_sock *sk, const struct nlmsghdr *nlh, struct talk *t,
		      int *r, int err);

/*
 * Send @nlh and read answers until the ACK (or the end of a dump).  On
 * failure @e gets "@what: kernel text" and the errno.  @what is a msgid
 * (N_()) and a format for the arguments after it: it is translated only
 * when the request fails, so a command that succeeds never opens the catalog.  Data
 * callbacks never stop early: the rest of a dump would be left in the socket.
 */
static int netlink_talk(struct netlink_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb,
			void *data, struct cu_error *e, const char *what, ...) __printf(6, 7);
static int netlink_talk(struct netlink_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb,
			void *data, struct cu_error *e, const char *what, ...)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = cb_error,
					 [NLMSG_NOOP] = cb_noop,
					 [NLMSG_DONE] = cb_done };
	struct talk t = { .sk = sk, .cb = cb, .data = data };
	char *buf = xmalloc(NL_RECVSZ), text[256];
	unsigned int seq = ++sk->seq;
	ssize_t n;
	int r = MNL_CB_OK, err;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	sk->extack[0] = '\0';
	if (explain_dry_run() && (err = dry_talk(sk, nlh, &t)) <= 0) {
		free(buf);
		if (err == 0)
			return 0;
		err = -err;
		r = MNL_CB_ERROR;
		goto failed;
	}
	if (mnl_socket_sendto(sk->mnl, nlh, nlh->nlmsg_len) < 0)
		r = MNL_CB_ERROR;
	while (r > MNL_CB_STOP) {
		n = mnl_socket_recvfrom(sk->mnl, buf, NL_RECVSZ);
		if (n < 0)
			r = MNL_CB_ERROR;
		else
			r = mnl_cb_run2(buf, (size_t) n, seq, sk->portid, cb_data,
					&t, ctl, ARRAY_SIZE(ctl));
	}
	err = errno;
	free(buf);
	if (explain_dry_run())
		dry_after(sk, nlh, &t, &r, err);
	explain_netlink_sock(nlh, r == MNL_CB_STOP && !t.intr ? 0 : -err, sk);
	if (r == MNL_CB_STOP && !t.intr)
		return 0;
failed:
	if (e) {
		va_list ap;

		va_start(ap, what);
		vsnprintf(text, sizeof(text), _(what), ap);
		va_end(ap);
	}
	if (r == MNL_CB_STOP)
		return cu_error_set(e, EINTR, _("%s: the kernel's table changed during the dump (run again)"), text);
	if (sk->extack[0])
		return cu_error_set(e, err, "%s: %s", text, sk->extack);
	return cu_error_set(e, err, "%s", text);
}

/* State of a dump or a single get. */
struct dump_ctx {
	void *fn;
	void *data;
	int ret;
	struct netlink_link *one;
};

static struct nlmsghdr *put_link_hdr(char *buf, uint16_t type, uint16_t flags,
				     struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	return nlh;
}

static int parse_linkinfo(const struct nlattr *nest, struct netlink_link *l)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
		    mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			snprintf(l->kind, sizeof(l->kind), "%.*s",
				 (int) mnl_attr_get_payload_len(attr),
				 (const char *) mnl_attr_get_payload(attr));
	}
	return 0;
}

static void parse_link_attr(const struct nlattr *attr, struct netlink_link *l)
{
	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(attr));
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->master = (int) mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->link = (int) mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK_NETNSID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->link_netnsid = (int) mnl_attr_get_u32(attr);
		break;
	case IFLA_OPERSTATE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			l->operstate = mnl_attr_get_u8(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == 6) {
			memcpy(l->mac, mnl_attr_get_payload(attr), 6);
			l->has_mac = true;
		}
		break;
	case IFLA_LINKINFO:
		parse_linkinfo(attr, l);
		break;
	}
}

static void parse_link(const struct nlmsghdr *nlh, struct netlink_link *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	memset(l, 0, sizeof(*l));
	l->index = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	l->link_netnsid = -1;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
		parse_link_attr(attr, l);
	if (l->link == l->index && l->link_netnsid < 0)
		l->link = 0;
}

static int cb_link(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct netlink_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	parse_link(nlh, &l);
	if (ctx->one) {
		*ctx->one = l;
		return MNL_CB_OK;
	}
	if (ctx->ret >= 0)
		ctx->ret = ((netlink_link_fn) ctx->fn)(&l, ctx->data);
	return MNL_CB_OK;
}

static int link_get(struct netlink_sock *sk, const char *name, int index,
		    struct netlink_link *out, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct dump_ctx ctx = { .one = out };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_GETLINK, 0, &ifm);
	int r;

	ifm->ifi_index = index;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(out, 0, sizeof(*out));
	if (name)
		r = netlink_talk(sk, nlh, cb_link, &ctx, e, "%s", name);
	else
		r = netlink_talk(sk, nlh, cb_link, &ctx, e, N_("interface"));
	if (r == -ENODEV && name) {
		cu_error_set(e, 0, _("no such interface: %s"), name);
		return -ENODEV;
	}
	return r;
}

int netlink_link_get(struct netlink_sock *sk, const char *name, struct netlink_link *out,
		     struct cu_error *e)
{
	return link_get(sk, name, 0, out, e);
}

int netlink_link_get_index(struct netlink_sock *sk, int index, struct netlink_link *out,
			   struct cu_error *e)
{
	return link_get(sk, NULL, index, out, e);
}

int netlink_link_dump(struct netlink_sock *sk, netlink_link_fn fn, void *data,
		      struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct dump_ctx ctx = { .fn = (void *) fn, .data = data };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_GETLINK, NLM_F_DUMP, &ifm);
	int r;

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = netlink_talk(sk, nlh, cb_link, &ctx, e, N_("cannot list interfaces"));
	return r < 0 ? r : ctx.ret;
}

/* ifindex of @name, or -ENODEV with @e filled. */
static int link_index(struct netlink_sock *sk, const char *name, struct cu_error *e)
{
	struct netlink_link l;
	int r = netlink_link_get(sk, name, &l, e);

	if (r == -ENODEV && explain_dry_run() && sk->blind) {
		r = dry_link_add(sk->ns_dev, sk->ns_ino, name, "");
		explain_ifname(sk, r, name);
		return r;	/* a link the plan cannot see: a placeholder */
	}
	if (r >= 0)
		explain_ifname(sk, l.index, name);
	return r < 0 ? r : l.index;
}

static void put_peer(struct nlmsghdr *nlh, const struct netlink_veth *v)
{
	struct nlattr *data, *peer;
	struct ifinfomsg *pifm;

	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	if (v->peer)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, v->peer);
	if (v->peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) v->peer_netns_fd);
	if (v->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	if (v->peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, v->peer_mac);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
}

int netlink_veth_add(struct netlink_sock *sk, const struct netlink_veth *v,
		     struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK,
					    NLM_F_CREATE | NLM_F_EXCL, &ifm);
	struct nlattr *info;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	if (v->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	if (v->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, v->mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	put_peer(nlh, v);
	mnl_attr_nest_end(nlh, info);
	return netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot create veth pair"));
}

int netlink_bridge_add(struct netlink_sock *sk, const char *name, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK,
					    NLM_F_CREATE | NLM_F_EXCL, &ifm);
	struct nlattr *info, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot create bridge"));
}

int netlink_link_del(struct netlink_sock *sk, const char *name, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_DELLINK, 0, &ifm);
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot delete interface"));
	if (r == -ENODEV)
		return cu_error_set(e, 0, _("cannot delete interface: no such interface: %s"), name);
	return r;
}

int netlink_link_del_index(struct netlink_sock *sk, int index, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_DELLINK, 0, &ifm);

	ifm->ifi_index = index;
	return netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot delete interface"));
}

/* An RTM_NEWLINK that changes the existing link @name. */
static struct nlmsghdr *put_set(char *buf, struct netlink_sock *sk, const char *name,
				struct ifinfomsg **ifm, struct cu_error *e)
{
	int index = link_index(sk, name, e);
	struct nlmsghdr *nlh;

	if (index < 0)
		return NULL;
	nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifm);
	(*ifm)->ifi_index = index;
	return nlh;
}

int netlink_link_set_up(struct netlink_sock *sk, const char *name, bool up,
			struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_set(buf, sk, name, &ifm, e);

	if (!nlh)
		return -ENODEV;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return netlink_talk(sk, nlh, NULL, NULL, e, up ? N_("cannot set link up")
			    : N_("cannot set link down"));
}

int netlink_link_set_master(struct netlink_sock *sk, const char *name,
			    const char *master, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	int mindex = 0;

	if (master) {
		mindex = link_index(sk, master, e);
		if (mindex < 0)
			return mindex;
	}
	nlh = put_set(buf, sk, name, &ifm, e);
	if (!nlh)
		return -ENODEV;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) mindex);
	return netlink_talk(sk, nlh, NULL, NULL, e, master ? N_("cannot attach to the bridge")
			    : N_("cannot detach from the bridge"));
}

int netlink_link_set_hairpin(struct netlink_sock *sk, const char *name, bool on,
			     struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlattr *nest;
	struct nlmsghdr *nlh = put_set(buf, sk, name, &ifm, e);

	if (!nlh)
		return -ENODEV;
	/* RTM_SETLINK of family AF_BRIDGE goes to the bridge the port is on */
	nlh->nlmsg_type = RTM_SETLINK;
	ifm->ifi_family = AF_BRIDGE;
	nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO | NLA_F_NESTED);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, on ? 1 : 0);
	mnl_attr_nest_end(nlh, nest);
	return netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot set hairpin mode"));
}

int netlink_link_move(struct netlink_sock *sk, const char *name, int netns_fd,
		      const char *newname, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_set(buf, sk, name, &ifm, e);

	if (!nlh)
		return -ENODEV;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) netns_fd);
	if (newname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	return netlink_talk(sk, nlh, NULL, NULL, e, N_("cannot move the link"));
}

int netlink_addr(struct netlink_sock *sk, enum netlink_op op, const char *ifname,
		 const struct cu_inet *a, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 }, text[INET6_ADDRSTRLEN + 8] = "?";
	int index = link_index(sk, ifname, e);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t len = inet_addr_len(a);

	if (index < 0)
		return index;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = op == NETLINK_OP_ADD ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = op == NETLINK_OP_ADD ? NLM_F_CREATE | NLM_F_EXCL : 0;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t) a->family;
	ifa->ifa_prefixlen = (uint8_t) a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t) index;
	mnl_attr_put(nlh, IFA_LOCAL, len, a->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr.bytes);
	if (format_inet(a, true, text, sizeof(text)) < 0)
		text[0] = '\0';
	return netlink_talk(sk, nlh, NULL, NULL, e, op == NETLINK_OP_ADD ? N_("cannot add address %1$s to %2$s")
			    : N_("cannot remove address %1$s from %2$s"), text, ifname);
}

static int parse_addr(const struct nlmsghdr *nlh, struct cu_inet *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *local = NULL, *addr = NULL;
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;

	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			addr = attr;
	}
	if (local)
		addr = local;
	if (!addr || mnl_attr_get_payload_len(addr) != len)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = ifa->ifa_family;
	a->prefix = ifa->ifa_prefixlen;
	memcpy(a->addr.bytes, mnl_attr_get_payload(addr), len);
	return (int) ifa->ifa_index;
}

static int cb_addr(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct cu_inet a;
	int index;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	index = parse_addr(nlh, &a);
	if (index < 0 || (ctx->ret > 0 && index != ctx->ret))
		return MNL_CB_OK;
	/* a dump runs to its end: the callback cannot stop it */
	(void) ((netlink_addr_fn) ctx->fn)(index, &a, ctx->data);
	return MNL_CB_OK;
}

int netlink_addr_dump(struct netlink_sock *sk, int family, int index, netlink_addr_fn fn,
		      void *data, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct dump_ctx ctx = { .fn = (void *) fn, .data = data,
				.ret = index };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t) family;
	return netlink_talk(sk, nlh, cb_addr, &ctx, e, N_("cannot list addresses"));
}

static int first_v4(int index __unused, const struct cu_inet *a, void *data)
{
	struct cu_inet *out = data;

	if (out->family)
		return 0;
	*out = *a;
	return -1;
}

int netlink_addr_first_v4(struct netlink_sock *sk, const char *ifname,
			  struct cu_inet *out, struct cu_error *e)
{
	int index = link_index(sk, ifname, e);
	int r;

	if (index < 0)
		return index;
	memset(out, 0, sizeof(*out));
	r = netlink_addr_dump(sk, AF_INET, index, first_v4, out, e);
	if (r < 0)
		return r;
	return out->family ? 1 : 0;
}

int netlink_route(struct netlink_sock *sk, enum netlink_op op, const struct cu_inet *dst,
		  const struct cu_inet *gw, const char *oif, struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 }, text[INET6_ADDRSTRLEN + 8] = "default";
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int index = 0;

	if (oif && (index = link_index(sk, oif, e)) < 0)
		return index;
	nlh->nlmsg_type = op == NETLINK_OP_ADD ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = op == NETLINK_OP_ADD ? NLM_F_CREATE | NLM_F_EXCL : 0;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t) dst->family;
	rtm->rtm_dst_len = (uint8_t) dst->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (op == NETLINK_OP_DEL)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	if (dst->prefix)
		mnl_attr_put(nlh, RTA_DST, inet_addr_len(dst), dst->addr.bytes);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, inet_addr_len(gw), gw->addr.bytes);
	if (index)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) index);
	if (dst->prefix && format_inet(dst, true, text, sizeof(text)) < 0)
		text[0] = '\0';
	return netlink_talk(sk, nlh, NULL, NULL, e, op == NETLINK_OP_ADD ? N_("cannot add route %s")
			    : N_("cannot remove route %s"), text);
}

static int cb_nsid(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			ctx->ret = (int) mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *put_nsid_hdr(char *buf, uint16_t type, int netns_fd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t) netns_fd);
	return nlh;
}

int netlink_nsid_get(struct netlink_sock *sk, int netns_fd, int32_t *nsid,
		     struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct dump_ctx ctx = { .ret = -1 };
	int r;

	r = netlink_talk(sk, put_nsid_hdr(buf, RTM_GETNSID, netns_fd), cb_nsid, &ctx,
			 e, N_("cannot get the namespace id"));
	if (r < 0)
		return r;
	*nsid = (int32_t) ctx.ret;
	return 0;
}

int netlink_nsid_set(struct netlink_sock *sk, int netns_fd, int32_t nsid,
		     struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct nlmsghdr *nlh = put_nsid_hdr(buf, RTM_NEWNSID, netns_fd);
	int r;

	mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t) nsid);
	/* no text of ours: netns(8) words the message around the kernel's */
	r = netlink_talk(sk, nlh, NULL, NULL, NULL, "%s", "");
	if (r < 0)
		return cu_error_set(e, r, "%s", sk->extack);
	return 0;
}

static int count_link(const struct netlink_link *l __unused, void *data)
{
	(*(unsigned *) data)++;
	return 0;
}

int netlink_link_count(struct netlink_sock *sk, unsigned *count, struct cu_error *e)
{
	int r, tries = 3;

	/* a table that changes under the dump is read again, a few times */
	do {
		*count = 0;
		r = netlink_link_dump(sk, count_link, count, e);
	} while (r == -EINTR && --tries > 0);
	return r < 0 ? r : 0;
}

static int cb_route(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct netlink_route_info rt;
	uint32_t table;
	size_t len;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	len = rtm->rtm_family == AF_INET6 ? 16 : 4;
	memset(&rt, 0, sizeof(rt));
	table = rtm->rtm_table;
	rt.dst.family = rt.gw.family = rtm->rtm_family;
	rt.dst.prefix = rtm->rtm_dst_len;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				table = mnl_attr_get_u32(attr);
			break;
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				rt.oif = (int) mnl_attr_get_u32(attr);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(attr) == len)
				memcpy(rt.dst.addr.bytes, mnl_attr_get_payload(attr), len);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(attr) == len) {
				memcpy(rt.gw.addr.bytes, mnl_attr_get_payload(attr), len);
				rt.has_gw = true;
			}
			break;
		default:
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	(void) ((netlink_route_fn) ctx->fn)(&rt, ctx->data);
	return MNL_CB_OK;
}

int netlink_route_dump(struct netlink_sock *sk, int family, netlink_route_fn fn, void *data,
		       struct cu_error *e)
{
	char buf[NL_BUFSZ] = { 0 };
	struct dump_ctx ctx = { .fn = (void *) fn, .data = data };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t) family;
	return netlink_talk(sk, nlh, cb_route, &ctx, e, N_("cannot list routes"));
}

/*
 * --- dry run (--dry-run) ------------------------------------------------
 *
 * A request that creates, deletes or changes something is narrated with
 * the privilege it needs and not sent; the caller sees an ACK.  A GET is a
 * read and is sent, and the plan's own links and addresses are added to
 * the answers, so that the steps after a new link find it (under a
 * placeholder index).  A socket that stands for another network namespace
 * was opened in ours (entering one is a privileged step the plan does not
 * make): it is blind, sends nothing, and knows only "lo" and the plan's own
 * links; any other link it is asked to act on gets a placeholder index.
 */
struct dry_link {
	dev_t dev;
	ino_t ino;
	int index;
	char name[IF_NAMESIZE];
	char kind[16];
};

struct dry_addr {
	dev_t dev;
	ino_t ino;
	int index;
	struct cu_inet a;
};

static struct dry_link *dry_links;
static size_t dry_nlinks;
static struct dry_addr *dry_addrs;
static size_t dry_naddrs;

bool netlink_dry_blind(const struct netlink_sock *sk)
{
	return explain_dry_run() && sk && sk->blind;
}

bool netlink_dry_elsewhere(void)
{
	return explain_dry_run() && dry_depth > 0;
}

static void dry_sock_ns(struct netlink_sock *sk, int netns_fd)
{
	struct stat st;

	sk->blind = netns_fd >= 0;
	if ((netns_fd >= 0 ? fstat(netns_fd, &st) : stat("/proc/self/ns/net", &st)) == 0) {
		sk->ns_dev = st.st_dev;
		sk->ns_ino = st.st_ino;
	}
}

static int dry_link_add(dev_t dev, ino_t ino, const char *name, const char *kind)
{
	struct dry_link *l;

	dry_links = xrealloc(dry_links, (dry_nlinks + 1) * sizeof(*dry_links));
	l = &dry_links[dry_nlinks];
	memset(l, 0, sizeof(*l));
	l->dev = dev;
	l->ino = ino;
	l->index = EXPLAIN_DRY_IFINDEX + (int) dry_nlinks++;
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	return l->index;
}

static const struct dry_link *dry_link_find(const struct netlink_sock *sk, const char *name,
					    int index)
{
	for (size_t i = 0; i < dry_nlinks; i++) {
		const struct dry_link *l = &dry_links[i];

		if (l->dev == sk->ns_dev && l->ino == sk->ns_ino &&
		    (name ? streq(l->name, name) : l->index == index))
			return l;
	}
	return NULL;
}

/* Answer as the kernel would for a link of the plan: an RTM_NEWLINK. */
static void dry_feed_link(struct talk *t, const struct dry_link *l)
{
	char buf[512] __attribute__((aligned(4))) = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, &ifm);
	struct nlattr *info;

	ifm->ifi_index = l->index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	if (l->kind[0]) {
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, l->kind);
		mnl_attr_nest_end(nlh, info);
	}
	(void) cb_data(nlh, t);
}

static void dry_feed_addrs(struct netlink_sock *sk, struct talk *t)
{
	char buf[256] __attribute__((aligned(4)));

	for (size_t i = 0; i < dry_naddrs; i++) {
		const struct dry_addr *d = &dry_addrs[i];
		struct nlmsghdr *nlh;
		struct ifaddrmsg *ifa;

		if (d->dev != sk->ns_dev || d->ino != sk->ns_ino)
			continue;
		memset(buf, 0, sizeof(buf));
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWADDR;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = (uint8_t) d->a.family;
		ifa->ifa_prefixlen = (uint8_t) d->a.prefix;
		ifa->ifa_index = (uint32_t) d->index;
		mnl_attr_put(nlh, IFA_LOCAL, inet_addr_len(&d->a), d->a.addr.bytes);
		mnl_attr_put(nlh, IFA_ADDRESS, inet_addr_len(&d->a), d->a.addr.bytes);
		(void) cb_data(nlh, t);
	}
}

/* The name (and kind, peer, peer's netns fd) of an RTM_NEWLINK. */
struct dry_new {
	const char *name, *kind, *peer;
	int peer_fd;
};

static void dry_parse_new(const struct nlmsghdr *nlh, struct dry_new *n)
{
	const struct nlattr *a, *b, *c;

	memset(n, 0, sizeof(*n));
	n->peer_fd = -1;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			n->name = mnl_attr_get_str(a);
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND)
				n->kind = mnl_attr_get_str(b);
			if (mnl_attr_get_type(b) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(c, b) {
				const struct nlattr *p;
				size_t off = sizeof(struct ifinfomsg);

				if (mnl_attr_get_type(c) != VETH_INFO_PEER ||
				    mnl_attr_get_payload_len(c) < off)
					continue;
				for (p = (const struct nlattr *) ((const char *) mnl_attr_get_payload(c) + off);
				     mnl_attr_ok(p, (int) ((const char *) mnl_attr_get_payload(c) +
							   mnl_attr_get_payload_len(c) - (const char *) p));
				     p = mnl_attr_next(p)) {
					if (mnl_attr_get_type(p) == IFLA_IFNAME)
						n->peer = mnl_attr_get_str(p);
					else if (mnl_attr_get_type(p) == IFLA_NET_NS_FD)
						n->peer_fd = (int) mnl_attr_get_u32(p);
				}
			}
		}
	}
}

/* A new link of the plan: EEXIST as the kernel would say, else recorded. */
static int dry_new_link(struct netlink_sock *sk, const struct nlmsghdr *nlh)
{
	struct dry_new n;
	struct netlink_link l;
	struct stat st;

	dry_parse_new(nlh, &n);
	if (!n.name)
		return 0;
	if (dry_link_find(sk, n.name, 0) ||
	    (!sk->blind && link_get(sk, n.name, 0, &l, NULL) == 0))
		return -EEXIST;
	(void) dry_link_add(sk->ns_dev, sk->ns_ino, n.name, n.kind ? n.kind : "");
	if (!n.peer)
		return 0;	/* the kernel names it: nothing can ask for it by name */
	if (n.peer_fd >= 0 && fstat(n.peer_fd, &st) == 0)
		(void) dry_link_add(st.st_dev, st.st_ino, n.peer, n.kind ? n.kind : "");
	else
		(void) dry_link_add(sk->ns_dev, sk->ns_ino, n.peer, n.kind ? n.kind : "");
	return 0;
}

static void dry_new_addr(struct netlink_sock *sk, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct dry_addr *d;

	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) != IFA_LOCAL || mnl_attr_get_payload_len(a) > 16)
			continue;
		dry_addrs = xrealloc(dry_addrs, (dry_naddrs + 1) * sizeof(*dry_addrs));
		d = &dry_addrs[dry_naddrs++];
		memset(d, 0, sizeof(*d));
		d->dev = sk->ns_dev;
		d->ino = sk->ns_ino;
		d->index = (int) ifa->ifa_index;
		d->a.family = ifa->ifa_family;
		d->a.prefix = ifa->ifa_prefixlen;
		memcpy(d->a.addr.bytes, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	}
}

/* A GET of one link, by name or index, from the plan's links. */
static const struct dry_link *dry_get_link(struct netlink_sock *sk, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(*ifm))
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			return dry_link_find(sk, mnl_attr_get_str(a), 0);
	return dry_link_find(sk, NULL, ifm->ifi_index);
}

/*
 * In a dry run, before @nlh would be sent: 0 (handled, success), -errno
 * (handled, failure), or 1 (a read: send it, dry_after() adds the plan's).
 */
static int dry_talk(struct netlink_sock *sk, struct nlmsghdr *nlh, struct talk *t)
{
	const unsigned int type = nlh->nlmsg_type;
	const bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	const struct dry_link *l;
	int r;

	if (type >= RTM_BASE && type % 4 != 2) {	/* NEW, DEL, SET */
		if (type == RTM_NEWLINK && (nlh->nlmsg_flags & NLM_F_CREATE) &&
		    (r = dry_new_link(sk, nlh)) < 0)
			return r;
		if (type == RTM_NEWADDR)
			dry_new_addr(sk, nlh);
		explain_netlink_sock(nlh, 0, sk);	/* the plan's line */
		return 0;
	}
	if (!sk->blind)
		return 1;
	if (type == RTM_GETLINK && !dump) {
		l = dry_get_link(sk, nlh);
		if (l) {
			dry_feed_link(t, l);
			return 0;
		}
		if (dry_link_find(sk, "lo", 0) == NULL) {
			struct dry_link lo = { .index = 1, .name = "lo" };
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
			const struct nlattr *a;

			mnl_attr_for_each(a, nlh, sizeof(*ifm))
				if (mnl_attr_get_type(a) == IFLA_IFNAME &&
				    streq(mnl_attr_get_str(a), "lo")) {
					dry_feed_link(t, &lo);	/* every netns has one */
					return 0;
				}
		}
		return -ENODEV;
	}
	if (type == RTM_GETLINK) {
		for (size_t i = 0; i < dry_nlinks; i++)
			if (dry_links[i].dev == sk->ns_dev && dry_links[i].ino == sk->ns_ino)
				dry_feed_link(t, &dry_links[i]);
	} else if (type == RTM_GETADDR) {
		dry_feed_addrs(sk, t);
	}
	return 0;	/* nothing else is known there */
}

/* In a dry run, after a read was answered: the plan's links and addresses too. */
static void dry_after(struct netlink_sock *sk, const struct nlmsghdr *nlh, struct talk *t,
		      int *r, int err)
{
	const bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	const struct dry_link *l;

	if (nlh->nlmsg_type == RTM_GETLINK && !dump && *r == MNL_CB_ERROR &&
	    err == ENODEV && (l = dry_get_link(sk, nlh))) {
		dry_feed_link(t, l);
		*r = MNL_CB_STOP;
	} else if (nlh->nlmsg_type == RTM_GETLINK && dump && *r == MNL_CB_STOP) {
		for (size_t i = 0; i < dry_nlinks; i++)
			if (dry_links[i].dev == sk->ns_dev && dry_links[i].ino == sk->ns_ino)
				dry_feed_link(t, &dry_links[i]);
	} else if (nlh->nlmsg_type == RTM_GETADDR && *r == MNL_CB_STOP) {
		dry_feed_addrs(sk, t);
	}
}
