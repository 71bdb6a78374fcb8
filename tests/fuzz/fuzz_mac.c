// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_mac.c - parse_mac and format_mac */
#include <errno.h>
#include <strings.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), buf[18];
	uint8_t m[6], m2[6];
	int r = parse_mac(s, m);

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -EADDRNOTAVAIL);
	if (r == 0) {
		FUZZ_ASSERT(!(m[0] & 1));
		FUZZ_ASSERT(format_mac(m, buf, sizeof(buf)) == 0);
		FUZZ_ASSERT(strcasecmp(buf, s) == 0 || strchr(s, '-'));
		FUZZ_ASSERT(parse_mac(buf, m2) == 0 && memcmp(m, m2, 6) == 0);
	}
	free(s);
	return 0;
}
