// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-chroot-escape - the classic escape from a chroot: chroot into a
 * subdirectory (so the cwd is outside the new root), walk up with ".."
 * far more often than any tree is deep, chroot there, and print the file
 * named on the command line (a marker only the host has).  Inside a
 * container made with pivot_root the walk stops at the container's "/"
 * and the file is not found.  Exit status: 0 and the file on stdout when
 * it escaped, 1 when the file was not reachable, 2 when a step failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int i, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	if (mkdir("/.cu-escape", 0700) < 0 && errno != EEXIST) {
		perror("mkdir /.cu-escape");
		return 2;
	}
	if (chdir("/") < 0 || chroot("/.cu-escape") < 0) {
		perror("chroot /.cu-escape");
		return 2;
	}
	for (i = 0; i < 256; i++)
		if (chdir("..") < 0) {
			perror("chdir ..");
			return 2;
		}
	if (chroot(".") < 0) {
		perror("chroot .");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t) n) != n)
			return 2;
	close(fd);
	return 0;
}
