// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_subid.c - nsrun --map-auto's reading of /etc/subuid: any file gives
 * either no range or one of the caller's, non-empty and below 2^32 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c.h"
#include "ns-idmap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	uint32_t start = 0, count = 0;
	int rc;

	if (fd < 0)
		fd = memfd_create("subuid", MFD_CLOEXEC);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t) size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = idmap_subid_lookup(path, "cu-tester", 4242, &start, &count);
	FUZZ_ASSERT(rc == 0 || rc == -ENOENT);
	if (rc == 0)
		FUZZ_ASSERT(count > 0 && (uint64_t) start + count <= (1ULL << 32));
	return 0;
}
