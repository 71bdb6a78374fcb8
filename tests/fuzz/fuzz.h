/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - what every libFuzzer harness in tests/fuzz/ shares.
 *
 * A harness is one file tests/fuzz/fuzz_NAME.c defining
 * LLVMFuzzerTestOneInput(); its seeds live in tests/fuzz/corpus/NAME/.
 * tests/fuzz/run.sh (`make fuzz`) builds every fuzz_*.c with clang
 * -fsanitize=fuzzer,address,undefined against all of common/, so adding a
 * parser's harness is adding those two things and nothing else.
 * A property that does not hold is reported with FUZZ_ASSERT (an abort,
 * which libFuzzer saves as a crash input).
 */
#ifndef CU_FUZZ_H
#define CU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (up to its first NUL); free() it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
