// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_ids.c - parse_id and parse_u32 agree; (uid_t) -1 is never an id */
#include <errno.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	uint32_t id = 0, u = 0;
	int r = parse_id(s, &id);
	int ru = parse_u32(s, &u);

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r == 0)
		FUZZ_ASSERT(ru == 0 && u == id && id != UINT32_MAX);
	else
		FUZZ_ASSERT(ru < 0 || u == UINT32_MAX);
	free(s);
	return 0;
}
