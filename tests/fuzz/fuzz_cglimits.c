// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cglimits.c - cgset's limit parsers: --cpu, weights, --cpuset, --io-*
 * rules and -r KEY=VALUE; a raw key accepted is a file name in the group's
 * own directory, never a path out of it */
#include <errno.h>

#include "c.h"
#include "cgroup-limits.h"
#include "fuzz.h"

static void raw_key(const char *s)
{
	struct cgl_raw raw = { NULL, NULL };
	char ctrl[32];
	int rc = cglimits_parse_raw(s, &raw);

	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc < 0)
		return;
	FUZZ_ASSERT(raw.key && raw.value && *raw.key);
	/* a value may have several lines (libcgroup writes each in turn); a key never */
	FUZZ_ASSERT(!strchr(raw.key, '/') && !strchr(raw.key, '\n'));
	FUZZ_ASSERT(!streq(raw.key, ".") && !streq(raw.key, ".."));
	FUZZ_ASSERT(strlen(raw.key) + 1 + strlen(raw.value) == strlen(s));
	rc = cglimits_raw_controller(raw.key, ctrl, sizeof(ctrl));
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0)
		FUZZ_ASSERT(*ctrl && !strchr(ctrl, '.') && strncmp(raw.key, ctrl, strlen(ctrl)) == 0);
	free(raw.key);
	free(raw.value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	uint64_t v;
	struct cgl_io_rule io;
	int rc;

	if (size < 1)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 5) {
	case 0:
		rc = cglimits_parse_cpu(s, &v);
		FUZZ_ASSERT(rc <= 0);
		/* 0 parses; cglimits_translate() refuses quotas below 1 ms */
		if (rc == 0)
			FUZZ_ASSERT(v == CGL_MAX || v <= 1000ULL * CGL_CPU_PERIOD_US);
		break;
	case 1:
		rc = cglimits_parse_weight(s, &v);
		FUZZ_ASSERT(rc <= 0);
		if (rc == 0)
			FUZZ_ASSERT(v >= 1 && v <= 10000);
		break;
	case 2:
		rc = cglimits_parse_cpuset(s);
		FUZZ_ASSERT(rc <= 0);
		if (rc == 0)
			FUZZ_ASSERT(strspn(s, "0123456789,-") == strlen(s));
		break;
	case 3:
		/* only MAJ:MIN forms: a /dev path would stat() the fuzzer's host */
		if (*s == '/')
			break;
		rc = cglimits_parse_io(s, &io);
		FUZZ_ASSERT(rc <= 0);
		break;
	default:
		raw_key(s);
		break;
	}
	free(s);
	return 0;
}
