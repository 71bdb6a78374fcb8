// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_netnsname.c - a netns name never leaves /run/netns */
#include <errno.h>
#include <limits.h>

#include "c.h"
#include "net-nsname.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), path[PATH_MAX];
	struct cu_error e;
	int r = netns_check_name(s, &e);

	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
	if (r == 0) {
		FUZZ_ASSERT(*s && !strchr(s, '/') && strlen(s) <= NAME_MAX);
		FUZZ_ASSERT(strcmp(s, ".") != 0 && strcmp(s, "..") != 0);
		FUZZ_ASSERT(netns_path(s, path, sizeof(path), &e) == 0);
		FUZZ_ASSERT(strncmp(path, NETNS_RUN_DIR "/", sizeof(NETNS_RUN_DIR)) == 0);
		FUZZ_ASSERT(strcmp(path + sizeof(NETNS_RUN_DIR), s) == 0);
	} else {
		FUZZ_ASSERT(strlen(e.msg) < sizeof(e.msg) && netns_path(s, path, sizeof(path), &e) == r);
	}
	free(s);
	return 0;
}
