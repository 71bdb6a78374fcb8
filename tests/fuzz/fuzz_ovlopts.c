// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_ovlopts.c - the overlay superblock options of a mountinfo line, as
 * unionmount list and umount read them back: any string splits into
 * layers, upper, work and other options without a crash or a leak */
#include <errno.h>

#include "c.h"
#include "union.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct ovl_info info;
	size_t i;

	memset(&info, 0, sizeof(info));
	FUZZ_ASSERT(ovl_parse_options(s, &info) == 0);
	for (i = 0; i < info.nlowers; i++)
		FUZZ_ASSERT(info.lowers[i] && strlen(info.lowers[i]) <= strlen(s));
	if (info.upper)
		FUZZ_ASSERT(strstr(s, "upperdir=") && strlen(info.upper) <= strlen(s));
	if (info.work)
		FUZZ_ASSERT(strstr(s, "workdir=") && strlen(info.work) <= strlen(s));
	if (info.options)
		FUZZ_ASSERT(strlen(info.options) <= strlen(s));
	ovl_info_free(&info);
	free(s);
	return 0;
}
