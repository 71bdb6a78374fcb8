// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_size.c - parse_size, parse_size_or_max */
#include <errno.h>
#include <strings.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	uint64_t a = 0, b = 0;
	int r = parse_size(s, &a);
	int rm = parse_size_or_max(s, &b);

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (strcasecmp(s, "max") == 0)
		FUZZ_ASSERT(rm == 0 && b == PARSE_MAX);
	else
		FUZZ_ASSERT(rm == r && (r < 0 || a == b));
	/* a bare number means bytes, exactly as parse_u64 reads it */
	if (*s && strspn(s, "0123456789") == strlen(s)) {
		uint64_t u = 0;

		FUZZ_ASSERT(parse_u64(s, &u) == r && (r < 0 || u == a));
	}
	free(s);
	return 0;
}
