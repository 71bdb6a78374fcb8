// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_idmap.c - nsrun's --map-users/--map-groups: every map accepted is one
 * the kernel would take (no overlap, no wrap, at most 340 lines) and prints
 * back as the ranges that were parsed */
#include <errno.h>
#include <inttypes.h>

#include "c.h"
#include "ns-idmap.h"
#include "fuzz.h"

static void check_map(const struct idmap *m)
{
	static char buf[IDMAP_MAX_RANGES * 36 + 1];
	const char *p = buf;
	size_t i, j;

	FUZZ_ASSERT(m->nranges <= IDMAP_MAX_RANGES);
	for (i = 0; i < m->nranges; i++) {
		const struct idmap_range *a = &m->ranges[i];

		FUZZ_ASSERT(a->count > 0);
		FUZZ_ASSERT((uint64_t) a->inner + a->count <= (1ULL << 32));
		FUZZ_ASSERT((uint64_t) a->outer + a->count <= (1ULL << 32));
		for (j = 0; j < i; j++) {
			const struct idmap_range *b = &m->ranges[j];

			FUZZ_ASSERT(a->inner + (uint64_t) a->count <= b->inner ||
				    b->inner + (uint64_t) b->count <= a->inner);
			FUZZ_ASSERT(a->outer + (uint64_t) a->count <= b->outer ||
				    b->outer + (uint64_t) b->count <= a->outer);
		}
	}
	FUZZ_ASSERT(idmap_format(m, buf, sizeof(buf)) == 0);
	for (i = 0; i < m->nranges; i++) {
		unsigned int in, out, cnt;
		int n = 0;

		FUZZ_ASSERT(sscanf(p, "%u %u %u\n%n", &in, &out, &cnt, &n) == 3 && n > 0);
		FUZZ_ASSERT(in == m->ranges[i].inner && out == m->ranges[i].outer &&
			    cnt == m->ranges[i].count);
		p += n;
	}
	FUZZ_ASSERT(*p == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct idmap m;
	char *s = fuzz_str(data, size), *line, *save = NULL;

	memset(&m, 0, sizeof(m));
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct idmap_range r;
		size_t before = m.nranges;
		int rc = idmap_parse(line, &m);

		FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE ||
			    rc == -EEXIST || rc == -E2BIG);
		FUZZ_ASSERT(m.nranges == before + (rc == 0 && !streq(line, "auto")));
		rc = idmap_parse_range(line, &r);
		FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (rc == 0)
			FUZZ_ASSERT(r.count > 0 && (uint64_t) r.inner + r.count <= (1ULL << 32) &&
				    (uint64_t) r.outer + r.count <= (1ULL << 32));
	}
	check_map(&m);
	free(s);
	return 0;
}
