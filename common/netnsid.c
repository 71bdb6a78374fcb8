// SPDX-License-Identifier: GPL-2.0-or-later
/* netnsid.c - nsid get/set and interface counts over rtnetlink (libmnl) */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "c.h"
#include "explain.h"
#include "netnsid.h"

#ifndef NETLINK_EXT_ACK
# define NETLINK_EXT_ACK	11
#endif

struct netns_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char buf[32768];	/* big enough for a link dump (MNL_SOCKET_DUMP_SIZE) */
};

/* What a reply carries back to the caller. */
struct reply {
	int32_t nsid;
	unsigned links;
	char ext_ack[256];
};

struct netns_nl *netns_nl_open(void)
{
	struct netns_nl *nl = xcalloc(1, sizeof(*nl));
	int one = 1;

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		goto fail;
	/* best effort: older kernels have no extended ACKs */
	(void) mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int) time(NULL);
	return nl;
fail:
	netns_nl_close(nl);
	return NULL;
}

struct netns_nl *netns_nl_open_in(int nsfd, int origfd)
{
	struct netns_nl *nl;
	int saved;

	if (ex_setns(nsfd, CLONE_NEWNET) < 0)
		return NULL;
	nl = netns_nl_open();
	saved = errno;
	if (ex_setns(origfd, CLONE_NEWNET) < 0) {
		/* a socket from the wrong side is worse than none */
		saved = errno;
		netns_nl_close(nl);
		nl = NULL;
	}
	errno = saved;
	return nl;
}

void netns_nl_close(struct netns_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock) {
		int saved = errno;

		mnl_socket_close(nl->sock);
		errno = saved;
	}
	free(nl);
}

static int ack_attr_cb(const struct nlattr *attr, void *data)
{
	struct reply *r = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(r->ext_ack, sizeof(r->ext_ack), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: errno from the header, the ext-ack text from its TLVs. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		(void) mnl_attr_parse(nlh, (unsigned int) off, ack_attr_cb, data); /* text only */
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh __unused, void *data __unused)
{
	return MNL_CB_STOP;
}

static int nsid_attr_cb(const struct nlattr *attr, void *data)
{
	struct reply *r = data;

	if (mnl_attr_get_type(attr) == NETNSA_NSID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		r->nsid = (int32_t) mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct rtgenmsg), nsid_attr_cb, data);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	if (nlh->nlmsg_type == RTM_NEWLINK)
		r->links++;
	return MNL_CB_OK;
}

/* Send @nlh and run the replies through @cb until the ACK, DONE or an error. */
static int talk(struct netns_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, struct reply *r)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	unsigned int seq = ++nl->seq;
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = seq;
	/* a dry run: a change (RTM_NEWNSID) is the plan's line, not sent */
	if (explain_dry_run() && nlh->nlmsg_type >= RTM_BASE && nlh->nlmsg_type % 4 != 2) {
		explain_netlink(nlh, 0);
		return 0;
	}
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, (size_t) n, seq, nl->portid, cb, r,
				  ctl, ARRAY_SIZE(ctl));
	} while (ret > 0);
	ret = ret < 0 ? -errno : 0;
	explain_netlink(nlh, ret);
	return ret;
}

static struct nlmsghdr *nsid_msg(char *buf, uint16_t type, uint16_t flags, int nsfd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t) nsfd);
	return nlh;
}

int netns_nsid_get(struct netns_nl *nl, int nsfd, int32_t *nsid)
{
	char buf[256] __attribute__((aligned(4)));
	struct reply r = { .nsid = -1 };
	int ret;

	ret = talk(nl, nsid_msg(buf, RTM_GETNSID, NLM_F_ACK, nsfd), nsid_cb, &r);
	if (ret < 0)
		return ret;
	*nsid = r.nsid;
	return 0;
}

int netns_nsid_set(struct netns_nl *nl, int nsfd, int32_t nsid, struct cu_error *e)
{
	char buf[256] __attribute__((aligned(4)));
	struct reply r = { .nsid = -1 };
	struct nlmsghdr *nlh = nsid_msg(buf, RTM_NEWNSID, NLM_F_ACK, nsfd);
	int ret;

	mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t) nsid);
	ret = talk(nl, nlh, NULL, &r);
	if (ret < 0)	/* the message is the kernel's text, maybe empty */
		return cu_error_set(e, -ret, "%s", r.ext_ack);
	return 0;
}

int netns_count_links(struct netns_nl *nl, unsigned *count)
{
	char buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct reply r = { .nsid = -1 };
	struct ifinfomsg *ifi;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = talk(nl, nlh, link_cb, &r);
	if (ret < 0)
		return ret;
	*count = r.links;
	return 0;
}
