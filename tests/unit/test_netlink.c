// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netlink.c - the interface name check of common/net-netlink */
#include <errno.h>
#include <string.h>

#include "c.h"
#include "net-netlink.h"
#include "unit.h"

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
	return unit_done();
}
