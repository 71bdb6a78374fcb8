// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nsjoin.c - nsjoin on ourselves: no privilege needed */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "ns-join.h"
#include "ns.h"
#include "unit.h"

static void test_files(void)
{
	struct cu_error e = { 0 };
	struct nsjoin_set s;

	nsjoin_set_init(&s);
	CHECK(nsjoin_set_mask(&s) == 0);
	CHECK(nsjoin_set_file(&s, ns_type_by_name("net"), "/proc/self/ns/net", &e) == 0);
	CHECK(nsjoin_set_mask(&s) == CLONE_NEWNET);
	CHECK(nsjoin_set_file(&s, ns_type_by_name("net"), "/etc/passwd", &e) < 0 &&
	      strstr(e.msg, "not a namespace file: /etc/passwd"));
	CHECK(nsjoin_set_file(&s, ns_type_by_name("net"), "/proc/self/ns/uts", &e) < 0 &&
	      strstr(e.msg, "is a uts namespace, not net"));
	CHECK(nsjoin_set_file(&s, ns_type_by_name("uts"), "/no/such/file", &e) == -ENOENT &&
	      strstr(e.msg, "/no/such/file"));
	/* a failed open leaves what was there */
	CHECK(nsjoin_set_mask(&s) == CLONE_NEWNET);
	nsjoin_set_free(&s);
	CHECK(nsjoin_set_mask(&s) == 0);
}

static void test_link_inode(void)
{
	struct stat st;
	ino_t ino = 0;

	CHECK(ns_link_inode(AT_FDCWD, "/proc/self/ns/net", &ino) == 0 &&
	      stat("/proc/self/ns/net", &st) == 0 && st.st_ino == ino);
	/* a link that is not a namespace's, and a file that is no link */
	CHECK(ns_link_inode(AT_FDCWD, "/proc/self/exe", &ino) == -EINVAL);
	CHECK(ns_link_inode(AT_FDCWD, "/proc/self/status", &ino) == -EINVAL);
	CHECK(ns_link_inode(AT_FDCWD, "/proc/self/ns/no-such", &ino) == -ENOENT);
}

static void test_target(void)
{
	struct cu_error e = { 0 };
	struct nsjoin_target t;
	char **env = NULL;
	int mask = -1, fd;
	ino_t ino, ours;

	CHECK(nsjoin_target_open(getpid(), &t, &e) == 0);
	/* /proc/PID is opened when something needs it, not before */
	CHECK(t.pidfd >= 0 && t.procfd == -1);
	CHECK(nsjoin_target_check(&t, &e) == 0);
	CHECK(nsjoin_target_differ(&t, &mask, &e) == 0 && mask == 0);
	CHECK(t.procfd >= 0);
	CHECK(nsjoin_target_inode(&t, ns_type_by_name("uts"), &ino, &e) == 0);
	CHECK(ns_inode(0, ns_type_by_name("uts"), &ours) == 0 && ours == ino);
	/* /proc/PID/environ is the environment at exec, not setenv()'s */
	CHECK(nsjoin_read_env(&t, &env, &e) == 0 && env != NULL);
	nsjoin_env_free(env);
	fd = nsjoin_open_dir(&t, "cwd", NULL, &e);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(nsjoin_open_dir(&t, "root", "/no/such/dir", &e) == -ENOENT &&
	      strstr(e.msg, "/no/such/dir"));
	nsjoin_target_close(&t);
	CHECK(nsjoin_target_open(0x3fffffff, &t, &e) == -ESRCH &&
	      strstr(e.msg, "cannot open process 1073741823"));
}

int main(void)
{
	test_files();
	test_link_inode();
	test_target();
	return unit_done();
}
