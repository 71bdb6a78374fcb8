/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileutils.h - whole-file reads, mkdir -p, and removing a directory tree
 * through descriptors only.  They return 0 (or a length) or -errno, apart
 * from file_open_subdir() (an fd, or -1 and errno) and
 * file_dir_has_subdirs() (a bool).
 */
#ifndef CU_FILEUTILS_H
#define CU_FILEUTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "c.h"

/*
 * Read all of @fd (to its end: a pipe, /proc, stdin) into a new
 * NUL-terminated buffer *@out of *@len bytes (@len may be NULL; the NUL is
 * not counted).  More than @max bytes gives -EFBIG (0: no limit); EINTR is
 * retried.  On failure *@out is NULL.
 */
int file_read_fd(int fd, size_t max, char **out, size_t *len) __must_check;

/* file_read_fd() of @path, relative to @dirfd (AT_FDCWD: the working dir). */
int file_read_all(int dirfd, const char *path, size_t max, char **out,
		  size_t *len) __must_check;

/*
 * Create @dir and the missing directories above it with @mode (as mkdir -p;
 * an existing one is fine).
 */
int file_mkdir_p(const char *dir, mode_t mode) __must_check;

/* Does the directory @path hold a subdirectory other than @except (may be NULL)? */
bool file_dir_has_subdirs(const char *path, const char *except);

/*
 * Open the directory @name in @dirfd without leaving it: no symlink on the
 * way, no mount point crossed (a bind mount of the same file system too).
 * Before Linux 5.6 (no openat2) only the last component is checked
 * (O_NOFOLLOW): compare st_dev then.  An fd, or -1 with errno set.
 */
int file_open_subdir(int dirfd, const char *name);

/* Deeper than this, file_remove_tree_at() leaves a tree (-ENOTEMPTY). */
#define FILE_REMOVE_MAX_DEPTH	256

enum {
	FILE_REMOVE_CONTENTS	= 1 << 0,	/* empty @name, keep it */
};

/*
 * Remove @name in @dirfd and everything under it, best effort, through
 * descriptors only: a symlink is unlinked, never followed (also one a
 * process swaps in for a directory during the walk), and nothing on
 * another file system or behind a mount point (a bind mount of the same
 * file system too) is entered or removed.  @name itself is opened with
 * O_NOFOLLOW; the caller vouches for the path above it.
 *
 * Returns 0 when all is gone, -ENOTEMPTY when something stayed (another
 * mount, a tree deeper than FILE_REMOVE_MAX_DEPTH, an entry we may not
 * remove), or the -errno of opening or removing @name itself (-ENOENT: it
 * was not there).
 */
int file_remove_tree_at(int dirfd, const char *name, unsigned int flags);

#endif /* CU_FILEUTILS_H */
