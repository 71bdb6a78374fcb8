/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-mount.h - what a new mount namespace needs: propagation, a root to
 * pivot into, volumes and tmpfs whose destinations are resolved inside that
 * root (a symlink can never lead outside it), /proc, a minimal /dev and a
 * read-only /sys.
 */
#ifndef CU_NS_MOUNT_H
#define CU_NS_MOUNT_H

#include <stdbool.h>

#include "c.h"

/* "private", "slave", "shared" (MS_*) or "unchanged" (0).  0 or -EINVAL. */
int mount_parse_propagation(const char *s, unsigned long *flags) __must_check;

/* Make "/" and everything under it @flags (MS_PRIVATE...); 0 is a no-op. */
int mount_set_propagation(unsigned long flags, struct cu_error *e) __must_check;

/*
 * Clone the tree at @dir (open_tree) and attach the clone on top of it, so
 * it is a mount point pivot_root accepts however @dir was named ("." and
 * /proc/self/cwd included); return an O_PATH fd of the clone's root, or
 * -errno.  @dir NULL: an fd of "/".
 */
int mount_open_root(const char *dir, struct cu_error *e) __must_check;

/*
 * Open @path (created as a directory, or as an empty file when @file) with
 * every component resolved inside @rootfd (openat2 RESOLVE_IN_ROOT).
 * Returns an O_PATH fd or -errno.
 */
int mount_open_in_root(int rootfd, const char *path, bool file,
		       struct cu_error *e) __must_check;

/* Bind @src (a host path) on @dst inside @rootfd, read-only if @ro. */
int mount_bind_in_root(int rootfd, const char *src, const char *dst, bool ro,
		       struct cu_error *e) __must_check;

/* A fresh tmpfs (mode 1777, nosuid, nodev) on @dst inside @rootfd. */
int mount_tmpfs_in_root(int rootfd, const char *dst, struct cu_error *e) __must_check;

/*
 * A minimal /dev inside @rootfd: tmpfs with null, zero, full, random,
 * urandom and tty bound from the host, a new devpts instance on /dev/pts
 * with /dev/ptmx, /dev/shm, and the fd, stdin, stdout, stderr links.
 */
int mount_dev(int rootfd, struct cu_error *e) __must_check;

/* sysfs on /sys inside @rootfd, read-only (a read-only rbind of the host's /sys
 * where the kernel refuses a new sysfs). */
int mount_sys(int rootfd, struct cu_error *e) __must_check;

/*
 * Make @rootfd (from mount_open_root) the root: pivot_root with the old
 * root detached, then chdir("/").  Never a chroot: where pivot_root cannot
 * work (an initramfs root, a chroot) it fails with a message that names
 * --no-pivot.  No mount of the namespace may be shared (make them private
 * or slaves first): pivot_root(2) refuses a shared root, and the detach of
 * the old root must not propagate.  0 or -errno.
 */
int mount_pivot_root(int rootfd, struct cu_error *e) __must_check;

/*
 * --no-pivot: move @rootfd over "/" (MS_MOVE) and chroot into it.  The old
 * root stays below: a process with CAP_SYS_CHROOT can escape.  0 or -errno.
 */
int mount_move_root(int rootfd, struct cu_error *e) __must_check;

/*
 * A fresh procfs (nosuid, nodev, noexec) on @dir inside @rootfd, created if
 * missing; call it before mount_pivot_root().  @rootfd -1: our own root,
 * where @dir is mounted on as it is (no walk unless it is missing).
 */
int mount_proc(int rootfd, const char *dir, struct cu_error *e) __must_check;

#endif /* CU_NS_MOUNT_H */
