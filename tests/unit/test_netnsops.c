// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netnsops.c - the /proc walk and the look-up of processes by netns */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "net-ns.h"
#include "unit.h"

static void test_find(void)
{
	struct netns_proc v[] = {
		{ 10, { 4, 100 } }, { 11, { 4, 100 } }, { 5, { 4, 200 } },
		{ 6, { 4, 300 } }, { 7, { 4, 300 } }, { 8, { 4, 300 } },
	};
	struct netns_procs p = { v, ARRAY_SIZE(v) };
	struct netns_id id = { 4, 300 };
	size_t first, count;

	first = netns_procs_find(&p, &id, &count);
	CHECK(first == 3 && count == 3);
	id.ino = 100;
	first = netns_procs_find(&p, &id, &count);
	CHECK(first == 0 && count == 2);
	id.ino = 150;
	(void) netns_procs_find(&p, &id, &count);
	CHECK(count == 0);
	id.ino = 999;
	(void) netns_procs_find(&p, &id, &count);
	CHECK(count == 0);
	id.dev = 5;
	id.ino = 300;
	(void) netns_procs_find(&p, &id, &count);
	CHECK(count == 0);
}

static void test_scan(void)
{
	struct netns_procs p;
	struct netns_id self;
	size_t first, count, i;
	int found = 0;

	CHECK(netns_id_of_path("/proc/self/ns/net", &self) == 0);
	CHECK(netns_scan_procs(&p) == 0);
	CHECK(p.n > 0);
	first = netns_procs_find(&p, &self, &count);
	for (i = first; i < first + count; i++)
		if (p.v[i].pid == getpid())
			found = 1;
	CHECK_MSG(found, "the walk finds this process in its own netns");
	for (i = 1; i < p.n; i++)
		if (p.v[i - 1].id.ino > p.v[i].id.ino)
			break;
	CHECK_MSG(i == p.n || p.n == 0, "the walk is sorted by inode");
	netns_free_procs(&p);
	CHECK(p.v == NULL && p.n == 0);
}

static void test_ref(void)
{
	struct netns_ref ref;
	int nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	CHECK(nsfd >= 0);
	netns_ref_take("cu-unit-no-such-name", &ref);
	CHECK_MSG(ref.id.ino == 0 && !ref.has_handle, "no name: no namespace to look at");
	CHECK(!netns_ref_lives(nsfd, &ref));
	netns_ref_take("a/b", &ref);
	CHECK(ref.id.ino == 0);
	/* no handle (an old kernel): a file on another device was stale */
	ref.id.dev = (dev_t) -1;
	ref.id.ino = 42;
	CHECK(!netns_ref_lives(nsfd, &ref));
	CHECK(ref.id.ino == 0);
	close(nsfd);
}

int main(void)
{
	test_find();
	test_scan();
	test_ref();
	return unit_done();
}
