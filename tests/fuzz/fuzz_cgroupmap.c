// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cgroupmap.c - the reading of /proc/self/mountinfo (cgset, nsenter2
 * --join-cgroup): any text builds a map of at most CGROUP_MAX_HIER
 * hierarchies, each with a mount point, a root and of version 1 or 2, at
 * most one of them v2 (the text is the kernel's, so a relative mount point
 * is not ours to refuse); the same text read as /proc/PID/cgroup gives
 * each hierarchy at most one group, a path that is not empty */
#include <errno.h>

#include "c.h"
#include "cgroup.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct cgroup_map m;
	struct cu_error e;
	char *path[CGROUP_MAX_HIER];
	size_t i, nv2 = 0;

	memset(&m, 0, sizeof(m));
	if (cgroup_map_parse(&m, s, &e) == 0) {
		FUZZ_ASSERT(m.n <= CGROUP_MAX_HIER);
		for (i = 0; i < m.n; i++) {
			FUZZ_ASSERT(m.h[i].mount);
			FUZZ_ASSERT(m.h[i].root);
			FUZZ_ASSERT(m.h[i].version == 1 || m.h[i].version == 2);
			nv2 += m.h[i].version == 2;
		}
		FUZZ_ASSERT(nv2 <= 1);
		FUZZ_ASSERT(m.v2 == -1 || (m.v2 >= 0 && (size_t) m.v2 < m.n &&
					   m.h[m.v2].version == 2));
		cgroup_proc_paths(&m, s, path);
		for (i = 0; i < CGROUP_MAX_HIER; i++) {
			char *dir;

			if (!path[i])
				continue;
			FUZZ_ASSERT(i < m.n && path[i][0] != '\0' && !strchr(path[i], '\n'));
			dir = cgroup_hier_dir(&m.h[i], path[i]);
			FUZZ_ASSERT(!dir || strncmp(dir, m.h[i].mount, strlen(m.h[i].mount)) == 0);
			free(dir);
			free(path[i]);
		}
	}
	cgroup_map_free(&m);
	free(s);
	return 0;
}
