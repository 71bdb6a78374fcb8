// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_percent.c - parse_percent: a decimal with 4 digits, then '%' */
#include <errno.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	size_t len = strlen(s);
	uint64_t ppm = 0, d = 0;
	int r = parse_percent(s, &ppm);

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r == 0) {
		FUZZ_ASSERT(len >= 2 && s[len - 1] == '%');
		s[len - 1] = '\0';
		FUZZ_ASSERT(parse_decimal(s, 4, &d) == 0 && d == ppm);
	}
	free(s);
	return 0;
}
