// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nsutils.c - the namespace table, open, compare, persist */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "ns.h"
#include "unit.h"

static void test_table(void)
{
	size_t i, j;
	bool unique = true;

	CHECK(ns_type_by_name("mnt") == ns_type_by_name("mount"));
	CHECK(ns_type_by_name("mnt")->flag == CLONE_NEWNS);
	CHECK(ns_type_by_name("net")->flag == CLONE_NEWNET && ns_type_by_name("net")->option == 'n');
	CHECK(ns_type_by_name("time")->flag == CLONE_NEWTIME);
	CHECK(ns_type_by_name("") == NULL);
	CHECK(ns_type_by_name("Net") == NULL);
	CHECK(ns_type_by_name("network") == NULL);
	CHECK(ns_type_by_flag(CLONE_NEWUSER) == &ns_types[0]);
	CHECK(streq(ns_type_by_flag(CLONE_NEWPID)->name, "pid"));
	CHECK(ns_type_by_flag(0) == NULL);
	CHECK(ns_type_by_flag(CLONE_NEWNET | CLONE_NEWNS) == NULL);
	for (i = 0; i < NS_NTYPES; i++)
		for (j = i + 1; j < NS_NTYPES; j++)
			if (ns_types[i].flag == ns_types[j].flag ||
			    ns_types[i].option == ns_types[j].option ||
			    streq(ns_types[i].name, ns_types[j].name))
				unique = false;
	CHECK_MSG(unique, "ns_types: flags, options and names are unique");
	CHECK(streq(ns_types[0].name, "user"));
	/* the index names the row, and the row's flag name its flag */
	CHECK(ns_types[NS_USER].flag == CLONE_NEWUSER && ns_types[NS_CGROUP].flag == CLONE_NEWCGROUP);
	CHECK(ns_types[NS_IPC].flag == CLONE_NEWIPC && ns_types[NS_UTS].flag == CLONE_NEWUTS);
	CHECK(ns_types[NS_NET].flag == CLONE_NEWNET && ns_types[NS_PID].flag == CLONE_NEWPID);
	CHECK(ns_types[NS_MNT].flag == CLONE_NEWNS && ns_types[NS_TIME].flag == CLONE_NEWTIME);
	CHECK(streq(ns_types[NS_MNT].flagname, "CLONE_NEWNS"));
	CHECK(streq(ns_types[NS_NET].flagname, "CLONE_NEWNET"));
	for (i = 0; i < NS_NTYPES; i++)
		CHECK(ns_types[i].name && ns_types[i].longname && ns_types[i].flagname &&
		      ns_types[i].label && startswith(ns_types[i].flagname, "CLONE_NEW"));
}

/* nsrun names the first namespace it could not make in this order, "user" last */
static void test_label_first(void)
{
	CHECK(streq(ns_label_first(CLONE_NEWUSER), "user"));
	CHECK(streq(ns_label_first(0), "user"));
	CHECK(streq(ns_label_first(CLONE_NEWUSER | CLONE_NEWPID), "PID"));
	CHECK(streq(ns_label_first(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET), "mount"));
	CHECK(streq(ns_label_first(CLONE_NEWNET | CLONE_NEWIPC), "IPC"));
	CHECK(streq(ns_label_first(CLONE_NEWNET | CLONE_NEWPID), "network"));
	CHECK(streq(ns_label_first(CLONE_NEWUTS | CLONE_NEWIPC), "UTS"));
	CHECK(streq(ns_label_first(CLONE_NEWCGROUP | CLONE_NEWTIME), "cgroup"));
	CHECK(streq(ns_label_first(CLONE_NEWTIME | CLONE_NEWUSER), "time"));
}

static void test_open(void)
{
	const struct ns_type *net = ns_type_by_name("net");
	struct stat st;
	ino_t ino = 0;
	char path[64];
	size_t i;
	int fd;

	for (i = 0; i < NS_NTYPES; i++) {
		char what[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[i].name);
		if (access(path, F_OK) < 0) {
			unit_skip(path, "the kernel lacks this namespace type");
			continue;
		}
		fd = ns_open(0, &ns_types[i]);
		snprintf(what, sizeof(what), "ns_open %s: close-on-exec, NS_GET_NSTYPE matches", ns_types[i].name);
		CHECK_MSG(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
			  ns_fd_type(fd) == ns_types[i].flag, what);
		if (fd >= 0)
			close(fd);
	}
	fd = ns_open(getpid(), net);
	CHECK(fd >= 0 && ns_fd_type(fd) == CLONE_NEWNET);
	if (fd >= 0)
		close(fd);
	CHECK(ns_open(999999999, net) == -ENOENT);
	CHECK(ns_inode(0, net, &ino) == 0 && stat("/proc/self/ns/net", &st) == 0 && st.st_ino == ino);
	CHECK(ns_inode(999999999, net, &ino) == -ENOENT);
	CHECK(ns_is_current(0, net));
	CHECK(ns_is_current(getpid(), net));
	CHECK(ns_is_current(getppid(), net) || getuid() != 0);
	CHECK(!ns_is_current(999999999, net));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(ns_fd_type(fd) < 0);
	close(fd);
	CHECK(ns_fd_type(-1) == -EBADF);
}

static bool same_ns_inode(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

static void test_persist(void)
{
	char dir[] = "/tmp/cu-test-nsutils.XXXXXX";
	char target[128], link[128], sub[128];
	struct cu_error e = { 0 };
	struct stat st;

	if (getuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		unit_skip("ns_persist", "needs root (mount namespaces, bind mounts)");
		return;
	}
	/* in a private mount namespace of our own: nothing leaks to the host */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(target, sizeof(target), "%s/uts", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(sub, sizeof(sub), "%s/missing/uts", dir);

	CHECK(ns_persist("/proc/self/ns/uts", target, &e) == 0);
	CHECK_MSG(same_ns_inode(target, "/proc/self/ns/uts"), "ns_persist: target is the namespace");
	CHECK(stat(target, &st) == 0);
	CHECK(umount2(target, MNT_DETACH) == 0);
	CHECK_MSG(ns_persist("/proc/self/ns/uts", target, &e) == 0, "ns_persist on an existing file");
	CHECK(umount2(target, MNT_DETACH) == 0);

	CHECK(ns_persist("/proc/self/ns/no-such", link, &e) < 0);
	CHECK_MSG(access(link, F_OK) < 0 && strstr(e.msg, "cannot bind"),
		  "ns_persist: a failed mount removes the file it created");
	CHECK_MSG(ns_persist("/proc/self/ns/no-such", target, &e) < 0 && access(target, F_OK) == 0,
		  "ns_persist: a failed mount keeps a file that was there");

	CHECK(symlink(target, link) == 0);
	CHECK_MSG(ns_persist("/proc/self/ns/uts", link, &e) == -ELOOP && !same_ns_inode(target, "/proc/self/ns/uts"),
		  "ns_persist: a symlink target is refused, nothing mounted through it");
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(ns_persist("/proc/self/ns/uts", dir, &e) == -EINVAL);
	CHECK(ns_persist("/proc/self/ns/uts", sub, &e) == -ENOENT && strstr(e.msg, sub));
	unlink(link);
	unlink(target);
	CHECK(rmdir(dir) == 0);
}

int main(void)
{
	test_table();
	test_label_first();
	test_open();
	test_persist();
	return unit_done();
}
