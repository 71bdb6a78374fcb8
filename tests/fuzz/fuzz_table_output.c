// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_table_output.c - the --output column list of every listing */
#include <errno.h>

#include "c.h"
#include "table.h"
#include "fuzz.h"

static const struct table_column cols[] = {
	{ "NAME", 0.2, 0, "name" },
	{ "NSID", 0.1, TABLE_RIGHT | TABLE_NUMBER, "id" },
	{ "UP", 0.1, TABLE_BOOL, "up" },
	{ "ADDRS", 0.3, TABLE_ARRAY, "addresses" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table_opts o = { 0 };
	struct cu_error e = { 0 };
	struct cu_table *t;
	char *s;

	if (size < 1)
		return 0;
	o.json = data[0] & 1;
	o.raw = data[0] & 2;
	o.noheadings = data[0] & 4;
	s = fuzz_str(data + 1, size - 1);
	o.output = s;
	t = table_new("t", cols, ARRAY_SIZE(cols), "NAME,NSID", &o, &e);
	if (t) {
		struct libscols_line *ln = table_add_line(t, NULL);

		FUZZ_ASSERT(table_set(t, ln, 0, "x") == 0);
		FUZZ_ASSERT(table_set_u64(t, ln, 1, 7) == 0);
		FUZZ_ASSERT(table_set_bool(t, ln, 2, true) == 0);
		FUZZ_ASSERT(table_set(t, ln, 3, "a\nb") == 0);
		table_free(t);
	} else {
		FUZZ_ASSERT(e.msg[0] != '\0');
	}
	free(s);
	return 0;
}
