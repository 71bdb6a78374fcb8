/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-confine.h - the default confinement of a container (nsrun --root): the
 * OCI/Docker masked and read-only paths, a read-only sysfs, Docker's default
 * capabilities (without CAP_MKNOD) and Docker's default seccomp policy.
 *
 * Order: confine_prepare() in the parent, before the clone (it loads
 * libseccomp and builds the filter); confine_mounts() inside, once /proc,
 * /sys and /dev are mounted under the new root and before the pivot;
 * confine_lockdown() last, before the identity change and exec: seccomp
 * first (loading a filter without no_new_privs needs CAP_SYS_ADMIN), then
 * the capabilities, bounding set included.
 */
#ifndef CU_NS_CONFINE_H
#define CU_NS_CONFINE_H

#include <stdbool.h>
#include <stdint.h>

#include "c.h"
#include "ns-seccomp.h"

/* Docker's default capabilities, without CAP_MKNOD (see nsrun(1)). */
#define CONFINE_DEFAULT_CAPS \
	((1ULL << 0) /* CAP_CHOWN */ | (1ULL << 1) /* CAP_DAC_OVERRIDE */ | \
	 (1ULL << 3) /* CAP_FOWNER */ | (1ULL << 4) /* CAP_FSETID */ | \
	 (1ULL << 5) /* CAP_KILL */ | (1ULL << 6) /* CAP_SETGID */ | \
	 (1ULL << 7) /* CAP_SETUID */ | (1ULL << 8) /* CAP_SETPCAP */ | \
	 (1ULL << 10) /* CAP_NET_BIND_SERVICE */ | (1ULL << 13) /* CAP_NET_RAW */ | \
	 (1ULL << 18) /* CAP_SYS_CHROOT */ | (1ULL << 29) /* CAP_AUDIT_WRITE */ | \
	 (1ULL << 31) /* CAP_SETFCAP */)

struct confine {
	bool on;		/* --root without --privileged */
	bool seccomp;		/* Docker's default seccomp policy */
	bool paths;		/* masked and read-only paths, read-only sysfs */
	bool caps;		/* only the default capabilities (and --cap-add) */
	const char **unmask;	/* --unmask: paths left as they are */
	size_t nunmask;
	uint64_t keep;		/* the capabilities the container keeps */
	bool sys_new;		/* --mount-sys: a dry run looks at the host's sysfs */
	struct syscall_filter filter;
};

/* Defaults: everything on (the caller sets @on for --root). */
void confine_init(struct confine *c);

/*
 * Is @path one confine_mounts() masks or makes read-only (for --unmask)?
 * "/sys" stands for the read-only sysfs, "ALL" for every one.
 */
bool confine_known_path(const char *path);

/*
 * Work out the capabilities to keep (the default set, plus @add, minus
 * @drop) and build the seccomp filter for them.  In the parent, before
 * anything changed.  0 or -errno with @e filled.
 */
int confine_prepare(struct confine *c, uint64_t add, uint64_t drop,
		    struct cu_error *e) __must_check;

/*
 * Mask and make read-only the paths under the procfs at @proc (a path in
 * the root, "/proc" by default) and under /sys, everything resolved inside
 * @rootfd without following symbolic links; a path that is missing or not
 * on procfs/sysfs is left alone.  0 or -errno with @e filled.
 */
int confine_mounts(const struct confine *c, int rootfd, const char *proc,
		   struct cu_error *e) __must_check;

/* Install the seccomp filter, then drop the capabilities.  No allocation. */
int confine_lockdown(const struct confine *c, struct cu_error *e) __must_check;

#endif /* CU_NS_CONFINE_H */
