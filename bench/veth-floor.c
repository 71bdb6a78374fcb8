// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * veth-floor.c - the floor for bench/vethctl.sh: the least a C program must
 * do for `vethctl -N A add NAME PEER --peer-netns B`: enter A's network
 * namespace, open B, and send one RTM_NEWLINK (kind veth, the peer's
 * IFLA_NET_NS_FD) over a NETLINK_ROUTE socket; wait for the ACK.  No option
 * parsing, no messages, no libmnl.
 *   veth-floor A B NAME PEER [COUNT]
 * A and B are names in /run/netns.  With COUNT, makes COUNT pairs NAME0/PEER0
 * ... in one process (for profiling the kernel alone).
 * With VETH_FLOOR_MASTER=BRIDGE (a bridge in A), the same one RTM_NEWLINK
 * also makes NAME a port of BRIDGE and brings it up (IFLA_MASTER, IFF_UP),
 * and one RTM_NEWLINK in B brings PEER up (the kernel cannot do that in the
 * first message: the peer is opened before it is paired): the floor of a
 * bridge attachment.
 * Exit status: 0, or 1 with the kernel's errno on stderr.
 * Build: cc -O2 -o veth-floor veth-floor.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
	char buf[512];
	size_t len;
};

/* Append one attribute; returns its offset (for nested ones). */
static size_t put(struct req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *) (r->buf + r->len);
	size_t off = r->len;

	a->rta_type = type;
	a->rta_len = (unsigned short) RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->len += RTA_ALIGN(a->rta_len);
	return off;
}

static void end_nest(struct req *r, size_t off)
{
	((struct rtattr *) (r->buf + off))->rta_len = (unsigned short) (r->len - off);
}

static int open_ns(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "/run/netns/%s", name);
	return open(p, O_RDONLY | O_CLOEXEC);
}

/* Send @r, read the ACK. */
static int talk(int sk, struct req *r, const char *name)
{
	struct nlmsghdr *h;
	char ans[1024];
	ssize_t n;

	if (send(sk, r->buf, r->len, 0) < 0)
		return -1;
	n = recv(sk, ans, sizeof(ans), 0);
	if (n < (ssize_t) NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return -1;
	h = (struct nlmsghdr *) ans;
	if (h->nlmsg_type == NLMSG_ERROR) {
		int err = ((struct nlmsgerr *) NLMSG_DATA(h))->error;

		if (err) {
			fprintf(stderr, "veth-floor: %s: %s\n", name, strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* A header for RTM_NEWLINK with @flags (NLM_F_*), @up: IFF_UP asked. */
static struct nlmsghdr *start(struct req *r, unsigned short flags, int up, unsigned seq)
{
	struct nlmsghdr *h = (struct nlmsghdr *) r->buf;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	memset(r->buf, 0, sizeof(r->buf));
	r->len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	if (up)
		ifi.ifi_flags = ifi.ifi_change = IFF_UP;
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = seq;
	memcpy(NLMSG_DATA(h), &ifi, sizeof(ifi));
	return h;
}

static int add_pair(int sk, const char *name, const char *peer, int peerfd,
		    unsigned master, unsigned seq)
{
	struct req r = { .len = 0 };
	struct nlmsghdr *h = start(&r, NLM_F_CREATE | NLM_F_EXCL, master != 0, seq);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	size_t li, ld, pe;

	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (master)
		put(&r, IFLA_MASTER, &master, sizeof(master));
	li = put(&r, IFLA_LINKINFO, NULL, 0);
	put(&r, IFLA_INFO_KIND, "veth", 5);
	ld = put(&r, IFLA_INFO_DATA, NULL, 0);
	pe = put(&r, VETH_INFO_PEER, NULL, 0);
	memcpy(r.buf + r.len, &ifi, sizeof(ifi));
	r.len += NLMSG_ALIGN(sizeof(ifi));
	put(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	put(&r, IFLA_NET_NS_FD, &peerfd, sizeof(peerfd));
	end_nest(&r, pe);
	end_nest(&r, ld);
	end_nest(&r, li);
	h->nlmsg_len = (unsigned) r.len;
	return talk(sk, &r, name);
}

/* @name (existing) up. */
static int set_up(int sk, const char *name, unsigned seq)
{
	struct req r = { .len = 0 };
	struct nlmsghdr *h = start(&r, 0, 1, seq);

	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	h->nlmsg_len = (unsigned) r.len;
	return talk(sk, &r, name);
}

int main(int argc, char **argv)
{
	char name[IFNAMSIZ], peer[IFNAMSIZ];
	const char *br = getenv("VETH_FLOOR_MASTER");
	unsigned master = 0;
	int a, b, sk, skb = -1, count;

	if (argc < 5)
		return 2;
	count = argc > 5 ? atoi(argv[5]) : 0;
	a = open_ns(argv[1]);
	b = open_ns(argv[2]);
	if (a < 0 || b < 0 || setns(a, CLONE_NEWNET) < 0)
		return 1;
	if (br && *br && !(master = if_nametoindex(br)))
		return 1;
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		return 1;
	if (master && (setns(b, CLONE_NEWNET) < 0 ||
		       (skb = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0))
		return 1;
	if (!count)
		return add_pair(sk, argv[3], argv[4], b, master, 1) < 0 ||
		       (master && set_up(skb, argv[4], 2) < 0);
	for (int i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s%d", argv[3], i);
		snprintf(peer, sizeof(peer), "%s%d", argv[4], i);
		if (add_pair(sk, name, peer, b, master, 2 * (unsigned) i + 1) < 0 ||
		    (master && set_up(skb, peer, 2 * (unsigned) i + 2) < 0))
			return 1;
	}
	return 0;
}
