// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_decimal.c - parse_decimal; the first byte picks the precision */
#include <errno.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned digits;
	uint64_t v = 0, w = 0;
	char *s;
	int r, r2;

	if (size < 1)
		return 0;
	digits = data[0] % 21;		/* 0..20: above 18 is refused */
	s = fuzz_str(data + 1, size - 1);
	r = parse_decimal(s, digits, &v);
	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (digits > 18)
		FUZZ_ASSERT(r == -EINVAL);
	/* one more digit of precision scales the value by ten, or overflows */
	if (r == 0 && digits < 18) {
		r2 = parse_decimal(s, digits + 1, &w);
		FUZZ_ASSERT(r2 == -ERANGE || (r2 == 0 && w / 10 == v && w % 10 == 0));
	}
	free(s);
	return 0;
}
