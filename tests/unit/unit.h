/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - a tiny TAP producer for the C unit tests of common/ */
#ifndef CU_UNIT_H
#define CU_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_count;
static int unit_failures;

static inline void unit_check(int ok, const char *what, const char *file, int line)
{
	unit_count++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", unit_count, what);
	if (!ok) {
		unit_failures++;
		printf("# failed at %s:%d\n", file, line);
	}
}

#define CHECK(cond)	unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_MSG(cond, msg) unit_check(!!(cond), msg, __FILE__, __LINE__)

static inline int unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failures ? 1 : 0;
}

#endif
