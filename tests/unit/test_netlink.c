// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_netlink.c - common/net-netlink: the interface name check, and (as
 * root, in network namespaces of its own) link counts and nsids
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "c.h"
#include "net-netlink.h"
#include "unit.h"

/*
 * In a network namespace A of our own, with a peer B: the counts of their
 * links, and B's nsid in A (none, set, get, and the kernel's own text when
 * it refuses a second one).
 */
static void test_namespaces(void)
{
	const char *what = "netlink_link_count, netlink_nsid_get/set";
	struct netlink_veth v = { .name = "cut0", .peer = "cut1", .peer_netns_fd = -1 };
	struct cu_error e = { 0 };
	struct netlink_sock *sk = NULL, *in = NULL;
	int a = -1, b = -1;
	int32_t id = -2;
	unsigned n = 0;

	if (unshare(CLONE_NEWNET) < 0) {
		unit_skip(what, "needs root (network namespaces)");
		return;
	}
	a = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(a >= 0 && unshare(CLONE_NEWNET) == 0);
	b = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(b >= 0 && setns(a, CLONE_NEWNET) == 0);	/* back in A */

	sk = netlink_open(-1, &e);
	CHECK(sk != NULL);
	CHECK(netlink_link_count(sk, &n, &e) == 0 && n == 1);		/* lo */
	CHECK(netlink_veth_add(sk, &v, &e) == 0);
	CHECK(netlink_link_count(sk, &n, &e) == 0 && n == 3);
	in = netlink_open(b, &e);
	CHECK(in != NULL);
	CHECK(in && netlink_link_count(in, &n, &e) == 0 && n == 1);	/* B's lo only */

	CHECK(netlink_nsid_get(sk, b, &id, &e) == 0 && id == -1);
	CHECK(netlink_nsid_set(sk, b, 7, &e) == 0);
	CHECK(netlink_nsid_get(sk, b, &id, &e) == 0 && id == 7);
	CHECK(netlink_nsid_set(sk, b, 8, &e) == -EEXIST && e.errnum == EEXIST &&
	      !strstr(e.msg, "cannot") && !strchr(e.msg, ':'));	/* only the kernel's text */
	CHECK(netlink_nsid_get(sk, b, &id, &e) == 0 && id == 7);

	netlink_close(in);
	netlink_close(sk);
	close(a);
	close(b);
}

int main(void)
{
	struct cu_error e = { 0 };

	CHECK(netlink_check_ifname("eth0", &e) == 0);
	CHECK(netlink_check_ifname("veth-a_b.1", &e) == 0);
	CHECK(netlink_check_ifname("abcdefghijklmno", &e) == 0);		/* 15 bytes */
	CHECK(netlink_check_ifname("abcdefghijklmnop", &e) == -EINVAL &&
	      strstr(e.msg, "16 bytes") && strstr(e.msg, "abcdefghijklmnop"));
	CHECK(netlink_check_ifname("", &e) == -EINVAL);
	CHECK(netlink_check_ifname("a/b", &e) == -EINVAL && strstr(e.msg, "a/b"));
	CHECK(netlink_check_ifname("a:b", &e) == -EINVAL);
	CHECK(netlink_check_ifname("a b", &e) == -EINVAL);
	CHECK(netlink_check_ifname(".", &e) == -EINVAL);
	CHECK(netlink_check_ifname("..", &e) == -EINVAL);
	test_namespaces();
	return unit_done();
}
