// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cglimits.c - limit parsers, v1/v2 translation, the plan, the cgroup map (mountinfo, statmount, /proc/PID/cgroup) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>

#include "c.h"
#include "cgroup-limits.h"
#include "cgroup.h"
#include "unit.h"

static void test_cpu(void)
{
	uint64_t q = 0;

	CHECK(cglimits_parse_cpu("20%", &q) == 0 && q == 20000);
	CHECK(cglimits_parse_cpu("1.5", &q) == 0 && q == 150000);
	CHECK(cglimits_parse_cpu("150%", &q) == 0 && q == 150000);
	CHECK(cglimits_parse_cpu("0.25", &q) == 0 && q == 25000);
	CHECK(cglimits_parse_cpu("12.5%", &q) == 0 && q == 12500);
	CHECK(cglimits_parse_cpu("max", &q) == 0 && q == CGL_MAX);
	CHECK(cglimits_parse_cpu("-1", &q) == 0 && q == CGL_MAX);
	CHECK(cglimits_parse_cpu("", &q) == -EINVAL);
	CHECK(cglimits_parse_cpu("20%%", &q) < 0);
	CHECK(cglimits_parse_cpu("abc", &q) < 0);
	CHECK(cglimits_parse_cpu("-2", &q) < 0);
	CHECK(cglimits_parse_cpu("2000", &q) == -ERANGE);
}

static void test_weight_cpuset(void)
{
	uint64_t w;

	CHECK(cglimits_parse_weight("1", &w) == 0 && w == 1);
	CHECK(cglimits_parse_weight("10000", &w) == 0 && w == 10000);
	CHECK(cglimits_parse_weight("0", &w) == -ERANGE);
	CHECK(cglimits_parse_weight("10001", &w) == -ERANGE);
	CHECK(cglimits_parse_weight("x", &w) == -EINVAL);
	CHECK(cglimits_parse_cpuset("0") == 0);
	CHECK(cglimits_parse_cpuset("0-1,3,5-7") == 0);
	CHECK(cglimits_parse_cpuset("") < 0);
	CHECK(cglimits_parse_cpuset("1-") < 0);
	CHECK(cglimits_parse_cpuset("3-1") < 0);
	CHECK(cglimits_parse_cpuset("0,,1") < 0);
	CHECK(cglimits_parse_cpuset("a") < 0);
}

static void test_io_raw(void)
{
	struct cgl_io_rule r = { 0 };
	struct cgl_raw raw = { 0 };

	CHECK(cglimits_parse_io("8:0:1M", &r) == 0 && r.major == 8 && r.minor == 0 &&
	      r.rate == 1048576);
	CHECK(cglimits_parse_io("259:3:max", &r) == 0 && r.major == 259 && r.minor == 3 &&
	      r.rate == CGL_MAX);
	CHECK(cglimits_parse_io("8:0", &r) < 0);
	CHECK(cglimits_parse_io("8:0:", &r) < 0);
	CHECK(cglimits_parse_io("8:0:0", &r) == -ERANGE);
	CHECK(cglimits_parse_io("/dev/null:1M", &r) == -ENOTBLK);
	CHECK(cglimits_parse_io("/no/such/dev:1M", &r) == -ENOENT);
	CHECK(cglimits_parse_raw("cpu.cfs_quota_us=20000", &raw) == 0 &&
	      streq(raw.key, "cpu.cfs_quota_us") && streq(raw.value, "20000"));
	free(raw.key);
	free(raw.value);
	CHECK(cglimits_parse_raw("cpu.max=20000 100000", &raw) == 0 &&
	      streq(raw.value, "20000 100000"));
	free(raw.key);
	free(raw.value);
	CHECK(cglimits_parse_raw("a.b=x=y", &raw) == 0 && streq(raw.value, "x=y"));
	free(raw.key);
	free(raw.value);
	CHECK(cglimits_parse_raw("devices.deny=a\nc 1:3 rwm", &raw) == 0 &&
	      streq(raw.value, "a\nc 1:3 rwm"));
	free(raw.key);
	free(raw.value);
	CHECK(cglimits_parse_raw("pids\n.max=1", &raw) < 0);
	CHECK(cglimits_parse_raw("nodot=1", &raw) < 0);
	CHECK(cglimits_parse_raw("=1", &raw) < 0);
	CHECK(cglimits_parse_raw("cpu.shares", &raw) < 0);
	CHECK(cglimits_parse_raw("../cpu.shares=1", &raw) < 0);
	CHECK(cglimits_parse_raw(".x=1", &raw) < 0);
}

static const char *find(const struct cgl_write *w, size_t n, const char *file)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (streq(w[i].file, file))
			return w[i].value;
	return NULL;
}

static void test_translate(void)
{
	const int v1[CGL_NCONTROLLERS] = { 1, 1, 1, 1, 1 };
	const int v2[CGL_NCONTROLLERS] = { 2, 2, 2, 2, 2 };
	struct cgl_io_rule io = { 8, 0, false, 1048576 };
	struct cglimits l = { 0 };
	struct cu_error e = { 0 };
	struct cgl_write *w = NULL;
	size_t n = 0;

	l.has_cpu = true;
	l.cpu_quota_us = 20000;
	l.has_cpu_weight = true;
	l.cpu_weight = 100;
	l.has_memory = true;
	l.memory = 32 << 20;
	l.has_swap = true;
	l.swap = 0;
	l.has_pids = true;
	l.pids = 5;
	l.has_io_weight = true;
	l.io_weight = 50;
	(void) cglimits_add_io(&l, &io);

	CHECK(cglimits_translate(&l, v1, &w, &n, &e) == 0);
	CHECK(streq(find(w, n, "cpu.cfs_period_us"), "100000"));
	CHECK(streq(find(w, n, "cpu.cfs_quota_us"), "20000"));
	CHECK(streq(find(w, n, "cpu.shares"), "1024"));
	CHECK(streq(find(w, n, "memory.limit_in_bytes"), "33554432"));
	/* memsw lifted first, then memory + swap */
	CHECK(streq(w[n - 1].file, "blkio.bfq.weight") || find(w, n, "memory.memsw.limit_in_bytes"));
	CHECK(streq(find(w, n, "pids.max"), "5"));
	CHECK(streq(find(w, n, "blkio.throttle.read_bps_device"), "8:0 1048576"));
	CHECK(streq(find(w, n, "blkio.bfq.weight"), "50"));
	CHECK(find(w, n, "cpu.max") == NULL);
	{
		size_t i, first = n, last = n, mem = n;

		for (i = 0; i < n; i++) {
			if (streq(w[i].file, "memory.memsw.limit_in_bytes")) {
				if (first == n)
					first = i;
				last = i;
			}
			if (streq(w[i].file, "memory.limit_in_bytes"))
				mem = i;
		}
		CHECK(first < mem && mem < last);
		CHECK(streq(w[first].value, "-1") && streq(w[last].value, "33554432"));
		CHECK(streq(w[mem].controller, "memory"));
	}
	free(w);

	CHECK(cglimits_translate(&l, v2, &w, &n, &e) == 0);
	CHECK(streq(find(w, n, "cpu.max"), "20000 100000"));
	CHECK(streq(find(w, n, "cpu.weight"), "100"));
	CHECK(streq(find(w, n, "memory.max"), "33554432"));
	CHECK(streq(find(w, n, "memory.swap.max"), "0"));
	CHECK(streq(find(w, n, "pids.max"), "5"));
	CHECK(streq(find(w, n, "io.max"), "8:0 rbps=1048576"));
	CHECK(streq(find(w, n, "io.weight"), "default 50"));
	CHECK(find(w, n, "cpu.cfs_quota_us") == NULL);
	free(w);

	/* "max" on both versions */
	l.cpu_quota_us = CGL_MAX;
	l.memory = CGL_MAX;
	l.pids = CGL_MAX;
	l.has_swap = false;
	CHECK(cglimits_translate(&l, v1, &w, &n, &e) == 0);
	CHECK(streq(find(w, n, "cpu.cfs_quota_us"), "-1"));
	CHECK(streq(find(w, n, "memory.limit_in_bytes"), "-1"));
	CHECK(streq(find(w, n, "pids.max"), "max"));
	free(w);
	CHECK(cglimits_translate(&l, v2, &w, &n, &e) == 0);
	CHECK(streq(find(w, n, "cpu.max"), "max 100000"));
	CHECK(streq(find(w, n, "memory.max"), "max"));
	free(w);

	/* below 1 ms: refused before anything is written */
	l.cpu_quota_us = 500;
	CHECK(cglimits_translate(&l, v2, &w, &n, &e) < 0 && strstr(e.msg, "below 1 ms"));
	l.cpu_quota_us = 1000;
	CHECK(cglimits_translate(&l, v2, &w, &n, &e) == 0);
	free(w);

	/* v1 swap needs memory */
	l.has_memory = false;
	l.has_swap = true;
	CHECK(cglimits_translate(&l, v1, &w, &n, &e) < 0 && strstr(e.msg, "--memory-swap"));
	cglimits_free(&l);
	CHECK(cglimits_empty(&l));
	CHECK(streq(cglimits_controller_name(CGL_IO, 1), "blkio"));
	CHECK(streq(cglimits_controller_name(CGL_IO, 2), "io"));
}

/* This machine: each v1 controller on its own hierarchy, cgroup2 beside. */
static const char hybrid_split[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* A systemd v1 host: cpu and cpuacct joined, odd directory names. */
static const char v1_joined[] =
	"25 20 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
	"26 25 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:8 - cgroup cgroup rw,cpu,cpuacct\n"
	"27 25 0:24 / /sys/fs/cgroup/my\\040memory rw,nosuid shared:9 - cgroup cgroup rw,memory\n"
	"28 25 0:25 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids,clone_children\n"
	"29 25 0:25 / /mnt/pids-again rw - cgroup cgroup rw,pids,clone_children\n";

static const char v2_only[] =
	"22 1 0:5 / /proc rw - proc proc rw\n"
	"30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
	"31 23 0:26 / /tmp/again rw - cgroup2 cgroup2 rw\n";

static void test_mountinfo(void)
{
	struct cgroup_map m;
	struct cu_error e = { 0 };
	int h;

	CHECK(cgroup_map_parse(&m, hybrid_split, &e) == 0);
	CHECK(m.mode == CGROUP_HYBRID && streq(cgroup_mode_name(m.mode), "hybrid"));
	CHECK(m.n == 6);
	h = cgroup_hier_of(&m, "cpu");
	CHECK(h >= 0 && streq(m.h[h].mount, "/sys/fs/cgroup/cpu") && m.h[h].version == 1);
	h = cgroup_hier_of(&m, "cpuacct");
	CHECK(h >= 0 && streq(m.h[h].mount, "/sys/fs/cgroup/cpuacct"));
	CHECK(cgroup_hier_of(&m, "cpu") != cgroup_hier_of(&m, "cpuacct"));
	CHECK(m.v2 >= 0 && streq(m.h[m.v2].mount, "/sys/fs/cgroup/unified"));
	/* not bound to v1: the v2 hierarchy hosts it */
	CHECK(cgroup_hier_of(&m, "hugetlb") == m.v2);
	CHECK(cgroup_base_hier(&m) == m.v2);
	CHECK(cgroup_hier_of_file(&m, "cgroup.freeze") == m.v2);
	CHECK(cgroup_hier_of_file(&m, "memory.limit_in_bytes") == cgroup_hier_of(&m, "memory"));
	h = cgroup_hier_of(&m, "name=systemd");
	CHECK(h >= 0 && streq(m.h[h].controllers, "name=systemd"));
	cgroup_map_free(&m);

	CHECK(cgroup_map_parse(&m, v1_joined, &e) == 0);
	CHECK(m.mode == CGROUP_V1 && m.v2 == -1);
	CHECK(m.n == 3);	/* the second pids mount is the same hierarchy */
	h = cgroup_hier_of(&m, "cpu");
	CHECK(h >= 0 && h == cgroup_hier_of(&m, "cpuacct"));
	CHECK(streq(m.h[h].mount, "/sys/fs/cgroup/cpu,cpuacct"));
	CHECK(streq(m.h[h].controllers, "cpu,cpuacct"));
	h = cgroup_hier_of(&m, "memory");
	CHECK(h >= 0 && streq(m.h[h].mount, "/sys/fs/cgroup/my memory"));
	h = cgroup_hier_of(&m, "pids");
	CHECK(h >= 0 && streq(m.h[h].controllers, "pids"));
	CHECK(cgroup_hier_of(&m, "io") == -1);
	CHECK(cgroup_base_hier(&m) == -1);	/* no freezer, no v2 */
	cgroup_map_free(&m);

	CHECK(cgroup_map_parse(&m, v2_only, &e) == 0);
	CHECK(m.mode == CGROUP_V2 && m.n == 1 && m.v2 == 0);
	CHECK(streq(m.h[0].mount, "/sys/fs/cgroup"));
	CHECK(cgroup_hier_of(&m, "cpu") == 0 && cgroup_hier_of(&m, "memory") == 0);
	CHECK(cgroup_hier_of(&m, "blkio") == -1);
	cgroup_map_free(&m);

	/* a tmpfs over the cgroup2 mount hides it (crun's trick on hybrid hosts) */
	{
		char covered[sizeof(hybrid_split) + 128];

		snprintf(covered, sizeof(covered), "%s%s", hybrid_split,
			 "50 41 0:60 / /sys/fs/cgroup/unified rw - tmpfs tmpfs rw\n");
		CHECK(cgroup_map_parse(&m, covered, &e) == 0);
		CHECK(m.mode == CGROUP_V1 && m.v2 == -1 && m.n == 5);
		CHECK(cgroup_hier_of(&m, "memory") >= 0);
		cgroup_map_free(&m);
		snprintf(covered, sizeof(covered), "%s%s", hybrid_split,
			 "50 31 0:60 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
		CHECK(cgroup_map_parse(&m, covered, &e) == 0);
		CHECK(m.mode == CGROUP_NONE && m.n == 0);
		cgroup_map_free(&m);
	}

	CHECK(cgroup_map_parse(&m, "22 1 0:5 / /proc rw - proc proc rw\n", &e) == 0);
	CHECK(m.mode == CGROUP_NONE);
	cgroup_map_free(&m);
}

static void test_names(void)
{
	struct cu_error e = { 0 };

	CHECK(cgroup_name_check("web", &e) == 0);
	CHECK(cgroup_name_check("web/db", &e) == 0);
	CHECK(cgroup_name_check("/web", &e) == 0);	/* libcgroup's form */
	CHECK(cgroup_name_check("a.b-c_d", &e) == 0);
	CHECK(cgroup_name_check("..a", &e) == 0);
	CHECK(cgroup_name_check("", &e) < 0);
	CHECK(cgroup_name_check("/", &e) < 0);
	CHECK(cgroup_name_check("..", &e) < 0 && strstr(e.msg, "'..'"));
	CHECK(cgroup_name_check("../x", &e) < 0);
	CHECK(cgroup_name_check("a/../../x", &e) < 0);
	CHECK(cgroup_name_check("a/.", &e) < 0);
	CHECK(cgroup_name_check("a//b", &e) < 0 && strstr(e.msg, "empty path component"));
	CHECK(cgroup_name_check("//a", &e) < 0);
	CHECK(cgroup_name_check("a/", &e) < 0);
	CHECK(cgroup_name_check("a\nb", &e) < 0);
}

/* /proc/PID/cgroup read against a map: one path per hierarchy, and its directory */
static void test_proc_paths(void)
{
	static const char proc[] =
		"13:name=systemd:/user.slice/session-1.scope\n"
		"12:pids:/\n"
		"5:cpu:/web/db\n"
		"4:cpuacct:\n"
		"3:memory,hugetlb:/other\n"
		"0::/web/db\n"
		"0::/second/line/ignored\n"
		"garbage without colons\n";
	/* a container's view: the hierarchy's group "/web" is mounted, not its root */
	static const char bound[] =
		"41 31 0:38 /web /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
		"42 31 0:39 /we\\040b /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
	char *path[CGROUP_MAX_HIER], *dir;
	struct cgroup_map m;
	struct cu_error e = { 0 };
	int h;
	size_t i;

	CHECK(cgroup_map_parse(&m, hybrid_split, &e) == 0);
	cgroup_proc_paths(&m, proc, path);
	h = cgroup_hier_of(&m, "name=systemd");
	CHECK(h >= 0 && path[h] && streq(path[h], "/user.slice/session-1.scope"));
	h = cgroup_hier_of(&m, "cpu");
	CHECK(h >= 0 && path[h] && streq(path[h], "/web/db"));
	/* an empty path is the hierarchy's root */
	h = cgroup_hier_of(&m, "cpuacct");
	CHECK(h >= 0 && path[h] && streq(path[h], "/"));
	/* the first v2 line counts */
	CHECK(path[m.v2] && streq(path[m.v2], "/web/db"));
	/* "memory,hugetlb" is not the map's "memory" hierarchy; freezer is not listed */
	CHECK(path[cgroup_hier_of(&m, "memory")] == NULL);
	CHECK(path[cgroup_hier_of(&m, "freezer")] == NULL);
	dir = cgroup_hier_dir(&m.h[m.v2], path[m.v2]);
	CHECK(dir && streq(dir, "/sys/fs/cgroup/unified/web/db"));
	free(dir);
	for (i = 0; i < CGROUP_MAX_HIER; i++)
		free(path[i]);
	/* line by line, in the text's order: the lines of hierarchies the map has */
	{
		const char *cur = proc;
		int want[] = { cgroup_hier_of(&m, "name=systemd"), cgroup_hier_of(&m, "cpu"),
			       cgroup_hier_of(&m, "cpuacct"), m.v2, m.v2, -1 };
		bool order = true;
		char *p;

		for (i = 0; i < ARRAY_SIZE(want); i++) {
			h = cgroup_proc_next(&m, &cur, &p);
			order &= h == want[i] && (h < 0 ? p == NULL : p != NULL);
			free(p);
		}
		CHECK_MSG(order, "cgroup_proc_next() walks the lines of the map's hierarchies in order");
	}
	cgroup_map_free(&m);

	/* the mounted root comes off the path; a group outside it has no directory */
	CHECK(cgroup_map_parse(&m, bound, &e) == 0);
	CHECK(m.n == 2 && m.v2 == 0 && streq(m.h[0].root, "/web") && streq(m.h[1].root, "/we b"));
	dir = cgroup_hier_dir(&m.h[0], "/web/db");
	CHECK(dir && streq(dir, "/sys/fs/cgroup/unified/db"));
	free(dir);
	dir = cgroup_hier_dir(&m.h[0], "/web");
	CHECK(dir && streq(dir, "/sys/fs/cgroup/unified"));
	free(dir);
	CHECK(cgroup_hier_dir(&m.h[0], "/webs/db") == NULL);
	CHECK(cgroup_hier_dir(&m.h[0], "/") == NULL);
	dir = cgroup_hier_dir(&m.h[1], "/we b/x");
	CHECK(dir && streq(dir, "/sys/fs/cgroup/cpu/x"));
	free(dir);
	cgroup_map_free(&m);
	CHECK(cgroup_map_parse(&m, v2_only, &e) == 0 && streq(m.h[0].root, "/"));
	cgroup_proc_paths(&m, "", path);
	CHECK(path[0] == NULL);
	cgroup_map_free(&m);
}

/* The plan: where each write goes, what the group needs, and its errors */
static void test_plan(void)
{
	struct cglimits l = { 0 };
	struct cgl_raw raw = { 0 };
	struct cgroup_plan p;
	struct cgroup_map m;
	struct cu_error e = { 0 };
	int hm, hp;
	size_t i;

	CHECK(cgroup_map_parse(&m, hybrid_split, &e) == 0);
	l.has_memory = true;
	l.memory = 32 << 20;
	l.has_pids = true;
	l.pids = 5;
	CHECK(cgroup_plan_make(&m, &l, &p, &e) == 0);
	hm = cgroup_hier_of(&m, "memory");
	hp = m.v2;	/* pids is not bound to v1 in this map */
	CHECK(p.n == 2);
	for (i = 0; i < p.n; i++)
		CHECK(p.hier[i] == (streq(p.w[i].file, "memory.limit_in_bytes") ? hm : hp));
	/* membership: the v2 hierarchy, which enables pids in the ancestors */
	CHECK(p.mask == ((1U << hm) | (1U << m.v2)));
	CHECK(streq(p.v2_ctrls, "pids"));
	cgroup_plan_free(&p);

	/* a raw file goes where its controller lives; an unknown one is refused */
	CHECK(cglimits_parse_raw("cpu.shares=512", &raw) == 0 && cglimits_add_raw(&l, &raw) == 0);
	CHECK(cglimits_parse_raw("blkio.weight=100", &raw) == 0 && cglimits_add_raw(&l, &raw) == 0);
	CHECK(cgroup_plan_make(&m, &l, &p, &e) < 0 && p.w == NULL && p.n == 0);
	CHECK(strstr(e.msg, "blkio.weight") && strstr(e.msg, "no cgroup hierarchy on this host has the blkio controller"));
	cglimits_free(&l);
	memset(&l, 0, sizeof(l));
	CHECK(cglimits_parse_raw("cpu.shares=512", &raw) == 0 && cglimits_add_raw(&l, &raw) == 0);
	CHECK(cgroup_plan_make(&m, &l, &p, &e) == 0);
	CHECK(p.n == 1 && p.hier[0] == cgroup_hier_of(&m, "cpu"));
	cgroup_plan_free(&p);
	cglimits_free(&l);
	memset(&l, 0, sizeof(l));
	/* a value longer than a write holds */
	{
		char big[300];

		memset(big, 'x', sizeof(big));
		memcpy(big, "cpu.shares=", 11);
		big[sizeof(big) - 1] = '\0';
		CHECK(cglimits_parse_raw(big, &raw) == 0 && cglimits_add_raw(&l, &raw) == 0);
		CHECK(cgroup_plan_make(&m, &l, &p, &e) < 0 && strstr(e.msg, "name or value too long"));
	}
	cglimits_free(&l);
	cgroup_map_free(&m);
}

/* statmount(2)'s view: the tree at /sys/fs/cgroup, in mount ID order */
#define M(id, parent, magic, point, opts) { id, parent, magic, (char *) (point), (char *) (opts) }
#define CG1	0x27e0ebULL
#define CG2	0x63677270ULL

static void test_mounts(void)
{
	static const struct cgroup_mount hybrid[] = {
		M(30, 25, TMPFS_MAGIC, "/sys/fs/cgroup", "mode=755"),
		M(31, 30, CG1, "/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct"),
		M(32, 30, CG1, "/sys/fs/cgroup/memory", "memory,release_agent=/x"),
		M(33, 30, CG1, "/sys/fs/cgroup/systemd", "xattr,name=systemd"),
		M(34, 30, CG2, "/sys/fs/cgroup/unified", ""),
		/* below a hierarchy, not over it: it stays */
		M(35, 32, TMPFS_MAGIC, "/sys/fs/cgroup/memory/sub", ""),
		/* the same hierarchy again */
		M(36, 30, CG1, "/sys/fs/cgroup/memory2", "memory"),
		/* a hierarchy mounted over a tmpfs: the tmpfs is its ancestor */
		M(37, 30, TMPFS_MAGIC, "/sys/fs/cgroup/pids", ""),
		M(38, 37, CG1, "/sys/fs/cgroup/pids", "pids"),
	};
	struct cgroup_mount covered[ARRAY_SIZE(hybrid) + 1];
	static const struct cgroup_mount v2[] = {
		M(30, 30, CG2, "/sys/fs/cgroup", ""),
	};
	struct cgroup_map m;
	struct cu_error e = { 0 };
	int h;

	CHECK(cgroup_map_from_mounts(&m, hybrid, ARRAY_SIZE(hybrid), &e) == 0);
	CHECK(m.mode == CGROUP_HYBRID && m.n == 5);
	h = cgroup_hier_of(&m, "cpuacct");
	CHECK(h >= 0 && h == cgroup_hier_of(&m, "cpu") &&
	      streq(m.h[h].mount, "/sys/fs/cgroup/cpu,cpuacct"));
	h = cgroup_hier_of(&m, "memory");
	CHECK(h >= 0 && streq(m.h[h].controllers, "memory") &&
	      streq(m.h[h].mount, "/sys/fs/cgroup/memory"));
	h = cgroup_hier_of(&m, "name=systemd");
	CHECK(h >= 0 && streq(m.h[h].controllers, "name=systemd"));
	h = cgroup_hier_of(&m, "pids");
	CHECK(h >= 0 && streq(m.h[h].mount, "/sys/fs/cgroup/pids"));
	CHECK(m.v2 >= 0 && streq(m.h[m.v2].mount, "/sys/fs/cgroup/unified") &&
	      m.h[m.v2].controllers == NULL);
	cgroup_map_free(&m);

	/* a tmpfs over the cgroup2 mount hides it (crun's trick on hybrid hosts) */
	memcpy(covered, hybrid, sizeof(hybrid));
	covered[ARRAY_SIZE(hybrid)] = (struct cgroup_mount) M(40, 34, TMPFS_MAGIC, "/sys/fs/cgroup/unified", "size=4k");
	CHECK(cgroup_map_from_mounts(&m, covered, ARRAY_SIZE(covered), &e) == 0);
	CHECK(m.mode == CGROUP_V1 && m.v2 == -1 && m.n == 4);
	cgroup_map_free(&m);
	/* one over the memory mount point: the hierarchy's other mount serves */
	covered[ARRAY_SIZE(hybrid)] = (struct cgroup_mount) M(40, 32, TMPFS_MAGIC, "/sys/fs/cgroup/memory", "");
	CHECK(cgroup_map_from_mounts(&m, covered, ARRAY_SIZE(covered), &e) == 0);
	h = cgroup_hier_of(&m, "memory");
	CHECK(m.mode == CGROUP_HYBRID && m.n == 5 && h >= 0 &&
	      streq(m.h[h].mount, "/sys/fs/cgroup/memory2"));
	cgroup_map_free(&m);
	/* over the whole tree: nothing is left */
	covered[ARRAY_SIZE(hybrid)] = (struct cgroup_mount) M(40, 30, TMPFS_MAGIC, "/sys/fs/cgroup", "");
	CHECK(cgroup_map_from_mounts(&m, covered, ARRAY_SIZE(covered), &e) == 0);
	CHECK(m.mode == CGROUP_NONE && m.n == 0);
	cgroup_map_free(&m);

	CHECK(cgroup_map_from_mounts(&m, v2, ARRAY_SIZE(v2), &e) == 0);
	CHECK(m.mode == CGROUP_V2 && m.n == 1 && m.v2 == 0 &&
	      streq(m.h[0].mount, "/sys/fs/cgroup"));
	cgroup_map_free(&m);
	CHECK(cgroup_map_from_mounts(&m, hybrid, 1, &e) == 0);
	CHECK(m.mode == CGROUP_NONE && m.n == 0);
	cgroup_map_free(&m);
}

/* This host: what the kernel answers for /sys/fs/cgroup equals mountinfo. */
static void test_map_load(void)
{
	struct cgroup_map a, b;
	struct cu_error e = { 0 };
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *text = NULL;
	size_t len = 0, i;
	bool same;

	unsetenv(CGROUP_MOUNTINFO_ENV);
	if (!f || getdelim(&text, &len, '\0', f) < 0 || cgroup_map_parse(&b, text, &e) < 0) {
		unit_skip("cgroup_map_load() agrees with mountinfo", "cannot read mountinfo");
		goto out;
	}
	if (b.mode == CGROUP_NONE) {
		unit_skip("cgroup_map_load() agrees with mountinfo", "no cgroup mounted here");
		cgroup_map_free(&b);
		goto out;
	}
	CHECK(cgroup_map_load(&a, &e) == 0);
	same = a.mode == b.mode && a.n == b.n && a.v2 == b.v2;
	for (i = 0; same && i < a.n; i++)
		same = streq(a.h[i].mount, b.h[i].mount) && streq(a.h[i].root, b.h[i].root) &&
		       a.h[i].version == b.h[i].version &&
		       (a.h[i].version == 2 || streq(a.h[i].controllers, b.h[i].controllers)) &&
		       !a.h[i].emulated;
	CHECK_MSG(same, "cgroup_map_load() finds the hierarchies mountinfo lists, in its order, with their roots");
	cgroup_map_free(&a);
	cgroup_map_free(&b);
out:
	free(text);
	if (f)
		fclose(f);
}

int main(void)
{
	test_cpu();
	test_weight_cpuset();
	test_io_raw();
	test_translate();
	test_mountinfo();
	test_mounts();
	test_map_load();
	test_names();
	test_proc_paths();
	test_plan();
	return unit_done();
}
