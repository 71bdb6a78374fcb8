// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netnsname.c - the /run/netns name check */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <string.h>

#include "c.h"
#include "net-nsname.h"
#include "unit.h"

static void test_open_spec(void)
{
	struct cu_error e = { 0 };
	char pid[32];
	int fd;

	CHECK(netns_open_spec("", &e) == -EINVAL && strstr(e.msg, "''"));
	CHECK(netns_open_spec(NULL, &e) == -EINVAL);
	fd = netns_open_spec("/proc/self/ns/net", &e);
	CHECK_MSG(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "a path to a netns opens, close-on-exec");
	if (fd >= 0)
		close(fd);
	CHECK(netns_open_spec("/proc/self/ns/uts", &e) == -EINVAL && strstr(e.msg, "not a network namespace"));
	CHECK(netns_open_spec("/dev/null", &e) == -EINVAL);
	CHECK(netns_open_spec("/nonexistent/cu", &e) == -ENOENT && strstr(e.msg, "/nonexistent/cu"));
	snprintf(pid, sizeof(pid), "%d", (int) getpid());
	fd = netns_open_spec(pid, &e);
	CHECK_MSG(fd >= 0, "a PID opens its network namespace");
	if (fd >= 0)
		close(fd);
	CHECK(netns_open_spec("999999999", &e) == -ESRCH && strstr(e.msg, "999999999"));
	CHECK(netns_open_spec("cu-no-such-netns", &e) == -ENOENT && strstr(e.msg, "'cu-no-such-netns' does not exist"));
	CHECK(netns_open_spec("..", &e) == -EINVAL);
	CHECK(netns_open_name("a/b", &e) == -EINVAL);
}

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
	CHECK(netns_path("a/b", path, sizeof(path), &e) == -EINVAL);
	CHECK(netns_check_name("-", &e) == 0);
	CHECK(netns_check_name(".hidden", &e) == 0);
	CHECK(netns_check_name("a\nb", &e) == 0);	/* any byte but '/' names a file */
	test_open_spec();
	return unit_done();
}
