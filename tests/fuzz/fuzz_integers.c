// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_integers.c - parse_u64, parse_s64, parse_u64_max, parse_count_or_max */
#include <errno.h>
#include <inttypes.h>
#include <strings.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), buf[32];
	uint64_t u = 0, m = 0, c = 0;
	int64_t v = 0, v2 = 0;
	int ru = parse_u64(s, &u), rs = parse_s64(s, &v);
	int rm = parse_u64_max(s, 1000000, &m), rc = parse_count_or_max(s, &c);

	FUZZ_ASSERT(ru == 0 || ru == -EINVAL || ru == -ERANGE);
	FUZZ_ASSERT(rs == 0 || rs == -EINVAL || rs == -ERANGE);
	/* a value printed back reads the same */
	if (ru == 0) {
		uint64_t u2 = 0;

		snprintf(buf, sizeof(buf), "%" PRIu64, u);
		FUZZ_ASSERT(parse_u64(buf, &u2) == 0 && u2 == u);
		FUZZ_ASSERT(rm == (u > 1000000 ? -ERANGE : 0));
		FUZZ_ASSERT(rc == 0 && c == u);
		if (u <= INT64_MAX)
			FUZZ_ASSERT(rs == 0 && (uint64_t) v == u);
	} else {
		FUZZ_ASSERT(rm == ru);
		FUZZ_ASSERT(strcasecmp(s, "max") == 0 ? (rc == 0 && c == PARSE_MAX) : rc == ru);
	}
	if (rs == 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, v);
		FUZZ_ASSERT(parse_s64(buf, &v2) == 0 && v2 == v);
	}
	free(s);
	return 0;
}
