// SPDX-License-Identifier: GPL-2.0-or-later
/* fileutils.c - whole-file reads, mkdir -p, removing a tree by descriptors */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "fileutils.h"
#include "syscalls.h"

int file_read_fd(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);

	*out = NULL;
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {		/* room for a byte and the NUL */
			if (cap > SIZE_MAX / 2) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (r == 0)
			break;
		n += (size_t) r;
		if (max && n > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int file_read_all(int dirfd, const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_NOCTTY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return -errno;
	return file_read_fd(fd, max, out, len);
}

int file_mkdir_p(const char *dir, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(dir);
	char *s;

	if (!*p)
		return -ENOENT;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

bool file_dir_has_subdirs(const char *path, const char *except)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	while (d && !found && (de = readdir(d)))
		found = de->d_type == DT_DIR && !streq(de->d_name, ".") &&
			!streq(de->d_name, "..") && !(except && streq(de->d_name, except));
	if (d)
		closedir(d);
	return found;
}

int file_open_subdir(int dirfd, const char *name)
{
	struct cu_open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(dirfd, name, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, name, (int) how.flags);
	return fd;
}

/*
 * Remove everything in the directory @dirfd (on device @dev); false when
 * something stayed.  An entry is looked at without following it, and a
 * subdirectory is entered only when the directory opened is the one
 * looked at (same device and inode): a swap during the walk leaves it.
 */
static bool remove_contents(int dirfd, dev_t dev, unsigned int depth)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	bool all = true;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while ((de = readdir(dir))) {
		struct stat st, sub_st;
		int sub;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			all &= errno == ENOENT;		/* gone by itself */
			continue;
		}
		if (st.st_dev != dev) {			/* another file system */
			all = false;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			all &= unlinkat(dirfd, de->d_name, 0) == 0;
			continue;
		}
		sub = depth < FILE_REMOVE_MAX_DEPTH ? file_open_subdir(dirfd, de->d_name) : -1;
		if (sub < 0 || fstat(sub, &sub_st) < 0 || sub_st.st_dev != dev ||
		    sub_st.st_ino != st.st_ino || !remove_contents(sub, dev, depth + 1))
			all = false;
		else
			all &= unlinkat(dirfd, de->d_name, AT_REMOVEDIR) == 0;
		if (sub >= 0)
			close(sub);
	}
	closedir(dir);
	return all;
}

int file_remove_tree_at(int dirfd, const char *name, unsigned int flags)
{
	_cleanup_close_ int fd = openat(dirfd, name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		/* not a directory (a symlink to one included): one unlink */
		if ((errno != ENOTDIR && errno != ELOOP) || (flags & FILE_REMOVE_CONTENTS))
			return -errno;
		return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!remove_contents(fd, st.st_dev, 0))
		return -ENOTEMPTY;
	if (flags & FILE_REMOVE_CONTENTS)
		return 0;
	return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}
