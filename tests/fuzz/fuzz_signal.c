// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_signal.c - parse_signal and signal_name */
#include <errno.h>
#include <signal.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	int sig = 0, back = 0;
	int r = parse_signal(s, &sig);
	const char *name;

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r == 0) {
		FUZZ_ASSERT(sig >= 1 && sig <= SIGRTMAX);
		name = signal_name(sig);
		if (name)
			FUZZ_ASSERT(parse_signal(name, &back) == 0 && back == sig);
	}
	free(s);
	return 0;
}
