// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_layername.c - an OCI layer entry name (or hard link target) that
 * unionmount apply accepts normalises to a path that stays inside DIR:
 * relative, no "." or ".." component, no empty component */
#include <errno.h>

#include "c.h"
#include "layer.h"
#include "fuzz.h"

static bool has_component(const char *p, const char *comp)
{
	size_t n = strlen(comp);

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == n && strncmp(p, comp, n) == 0)
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *out = NULL, *again = NULL;
	int rc = layer_normalize(s, &out);

	FUZZ_ASSERT(rc == 0 || rc == -EPERM || rc == -EXDEV);
	if (rc == 0) {
		FUZZ_ASSERT(out && *out != '/');
		FUZZ_ASSERT(!strstr(out, "//") && !has_component(out, "..") &&
			    !has_component(out, "."));
		FUZZ_ASSERT(!*out || out[strlen(out) - 1] != '/');
		FUZZ_ASSERT(!*s || strlen(out) <= strlen(s));
		/* normalising is idempotent */
		FUZZ_ASSERT(layer_normalize(out, &again) == 0 && streq(again, out));
		free(again);
	} else {
		FUZZ_ASSERT(out == NULL);
		FUZZ_ASSERT(*s == '/' || has_component(s, ".."));
	}
	free(out);
	free(s);
	return 0;
}
