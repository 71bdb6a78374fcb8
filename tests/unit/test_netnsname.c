// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netnsname.c - the /run/netns name check */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "c.h"
#include "netnsname.h"
#include "unit.h"

int main(void)
{
	struct cu_error e = { 0 };
	char longname[NAME_MAX + 2];
	char path[64];

	CHECK(netns_check_name("net0", &e) == 0);
	CHECK(netns_check_name("a.b-c_d", &e) == 0);
	CHECK(netns_check_name("...", &e) == 0);
	CHECK(netns_check_name("", &e) == -EINVAL && strstr(e.msg, "empty"));
	CHECK(netns_check_name(NULL, &e) == -EINVAL);
	CHECK(netns_check_name(".", &e) == -EINVAL);
	CHECK(netns_check_name("..", &e) == -EINVAL);
	CHECK(netns_check_name("a/b", &e) == -EINVAL && strstr(e.msg, "a/b"));
	CHECK(netns_check_name("../../etc", &e) == -EINVAL);
	memset(longname, 'x', NAME_MAX);
	longname[NAME_MAX] = '\0';
	CHECK(netns_check_name(longname, &e) == 0);
	longname[NAME_MAX] = 'x';
	longname[NAME_MAX + 1] = '\0';
	CHECK(netns_check_name(longname, &e) == -EINVAL);
	CHECK(netns_path("net0", path, sizeof(path), &e) == 0 && streq(path, "/run/netns/net0"));
	CHECK(netns_path("net0", path, 8, &e) == -ENAMETOOLONG);
	return unit_done();
}
