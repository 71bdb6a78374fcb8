// SPDX-License-Identifier: GPL-2.0-or-later
/* test_idmap.c - id map parsing: both syntaxes, auto, overflow, junk */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c.h"
#include "ns-idmap.h"
#include "unit.h"

static int range(const char *s, uint32_t inner, uint32_t outer, uint32_t count)
{
	struct idmap_range r = { 0 };

	return idmap_parse_range(s, &r) == 0 && r.inner == inner &&
	       r.outer == outer && r.count == count;
}

static int fails(const char *s, int err)
{
	struct idmap_range r;

	return idmap_parse_range(s, &r) == err;
}

static void test_syntax(void)
{
	CHECK(range("0:100000:65536", 0, 100000, 65536));
	CHECK(range("1000:1000:1", 1000, 1000, 1));
	/* the old form is OUTER,INNER,COUNT */
	CHECK(range("100000,0,65536", 0, 100000, 65536));
	CHECK(range("4242,0,1", 0, 4242, 1));
	CHECK(range("0:0:4294967295", 0, 0, 4294967295U));
	CHECK(range("4294967294:0:1", 4294967294U, 0, 1));
}

static void test_bad(void)
{
	CHECK(fails("", -EINVAL));
	CHECK(fails(NULL, -EINVAL));
	CHECK(fails("0:x:1", -EINVAL));
	CHECK(fails("0:1", -EINVAL));
	CHECK(fails("0:1:2:3", -EINVAL));
	CHECK(fails("0:1,2", -EINVAL));		/* mixed separators */
	CHECK(fails("0::1", -EINVAL));
	CHECK(fails(":0:1", -EINVAL));
	CHECK(fails("0:0:", -EINVAL));
	CHECK(fails("-1:0:1", -EINVAL));
	CHECK(fails("0:-5:1", -EINVAL));
	CHECK(fails("0,0,-1", -EINVAL));
	CHECK(fails("0:0:0", -EINVAL));		/* empty range */
	CHECK(fails(" 0:0:1", -EINVAL));
	CHECK(fails("0:0:1 ", -EINVAL));
	CHECK(fails("0:0:1x", -EINVAL));
	CHECK(fails("+1:0:1", -EINVAL));
	CHECK(fails("auto", -EINVAL));		/* only idmap_parse knows auto */
	/* overflow: a number past 2^32-1, a range past 2^32 */
	CHECK(fails("4294967296:0:1", -ERANGE));
	CHECK(fails("99999999999999999999:0:1", -ERANGE));
	CHECK(fails("4294967295:0:1", -ERANGE));
	CHECK(fails("1:0:4294967295", -ERANGE));
	CHECK(fails("0:4294967000:1000", -ERANGE));
}

static void test_map(void)
{
	struct idmap *m = calloc(1, sizeof(*m));
	char buf[256];
	size_t i;

	CHECK(idmap_parse("0:100000:1000", m) == 0);
	CHECK(idmap_parse("1000,2000,10", m) == 0);
	CHECK(m->nranges == 2 && m->ranges[1].inner == 2000 && m->ranges[1].outer == 1000);
	CHECK(idmap_parse("500:300000:10", m) == -EEXIST);	/* inner overlap */
	CHECK(idmap_parse("5000:100999:2", m) == -EEXIST);	/* outer overlap */
	CHECK(idmap_parse("auto", m) == 0 && m->want_auto && m->nranges == 2);
	CHECK(idmap_parse("junk", m) == -EINVAL && m->nranges == 2);
	CHECK(idmap_format(m, buf, sizeof(buf)) == 0 &&
	      streq(buf, "0 100000 1000\n2000 1000 10\n"));
	CHECK(idmap_format(m, buf, 8) == -ENOBUFS);
	memset(m, 0, sizeof(*m));
	for (i = 0; i < IDMAP_MAX_RANGES; i++) {
		struct idmap_range r = { (uint32_t) i, (uint32_t) i, 1 };

		if (idmap_add(m, &r) < 0)
			break;
	}
	CHECK(i == IDMAP_MAX_RANGES);
	{
		struct idmap_range r = { 9999, 9999, 1 };

		CHECK(idmap_add(m, &r) == -E2BIG);
	}
	free(m);
}

/* Ranges that would pass 2^32 - 1 are refused wherever they come from. */
static void test_overflow(void)
{
	char path[] = "/tmp/test_idmap.XXXXXX";
	struct idmap_range big = { .inner = 0, .outer = 4294967290U, .count = 10 };
	struct idmap *m = calloc(1, sizeof(*m));
	uint32_t start = 0, count = 0;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(m != NULL && idmap_add(m, &big) == -ERANGE && m->nranges == 0);
	big.outer = 4294967285U;
	CHECK(m != NULL && idmap_add(m, &big) == 0);
	big.inner = 100;
	big.outer = 0;
	big.count = 0;
	CHECK(m != NULL && idmap_add(m, &big) == -ERANGE);
	free(m);
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("huge:4294967290:10\nedge:4294967285:10\n", f);
	fclose(f);
	CHECK(idmap_subid_lookup(path, "huge", 1, &start, &count) < 0);
	CHECK(idmap_subid_lookup(path, "edge", 1, &start, &count) == 0 &&
	      start == 4294967285U && count == 10);
	unlink(path);
}

static void test_subid(void)
{
	char path[] = "/tmp/test_idmap.XXXXXX";
	struct idmap *m = calloc(1, sizeof(*m));
	struct cu_error e = { 0 };
	uint32_t start = 0, count = 0;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL);
	if (!f) {
		free(m);
		return;
	}
	fputs("# comment\nalice:100000:65536\n4242:200000:1000\nbroken\nbob:x:1\nbob:300000:0\n", f);
	fclose(f);
	CHECK(idmap_subid_lookup(path, "alice", 1, &start, &count) == 0 &&
	      start == 100000 && count == 65536);
	CHECK(idmap_subid_lookup(path, "carol", 4242, &start, &count) == 0 &&
	      start == 200000 && count == 1000);
	CHECK(idmap_subid_lookup(path, "bob", 7, &start, &count) == -ENOENT);
	CHECK(idmap_subid_lookup("/nonexistent/subuid", "alice", 1, &start, &count) == -ENOENT);
	/* auto with nothing in /etc/subuid for a made-up user: names file and user */
	m->want_auto = true;
	CHECK(idmap_resolve_auto(m, IDMAP_UID, "no-such-user-xyz", 4000000000U, &e) < 0 &&
	      strstr(e.msg, "no-such-user-xyz") && strstr(e.msg, "/etc/subuid"));
	unlink(path);
	free(m);
}

static void test_setgroups(void)
{
	enum setgroups_mode m = SETGROUPS_NONE;
	struct cu_error e = { 0 };

	CHECK(idmap_setgroups_parse("allow", &m) == 0 && m == SETGROUPS_ALLOW);
	CHECK(idmap_setgroups_parse("deny", &m) == 0 && m == SETGROUPS_DENY);
	m = SETGROUPS_NONE;
	CHECK(idmap_setgroups_parse("Allow", &m) == -EINVAL && m == SETGROUPS_NONE);
	CHECK(idmap_setgroups_parse("", &m) == -EINVAL && m == SETGROUPS_NONE);
	CHECK(idmap_setgroups_parse("allowx", &m) == -EINVAL);
	CHECK(streq(idmap_setgroups_strings[SETGROUPS_DENY], "deny"));
	/* NONE writes nothing: no such process, and still no error */
	CHECK(idmap_write_setgroups(999999999, SETGROUPS_NONE, &e) == 0 && !e.msg[0]);
	CHECK(idmap_write_setgroups(999999999, SETGROUPS_DENY, &e) < 0 &&
	      strstr(e.msg, "/proc/999999999/setgroups"));
}

int main(void)
{
	test_syntax();
	test_bad();
	test_map();
	test_subid();
	test_overflow();
	test_setgroups();
	return unit_done();
}
