// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-remount - try to make a read-only mount writable from inside a
 * container: mount(NULL, DIR, NULL, MS_REMOUNT|MS_BIND, NULL) (a bind
 * remount without MS_RDONLY), then open DIR/FILE for writing and write
 * TEXT (default: a line).  Prints what each step gave.  Exit status: 0
 * when the write went through (the mount was made writable), 1 when it
 * was refused, 2 on bad usage.  Usage: root-remount DIR FILE [TEXT]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *text = argc > 3 ? argv[3] : "written from the container\n";
	size_t len = strlen(text);
	char path[4096];
	int fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s DIR FILE [TEXT]\n", argv[0]);
		return 2;
	}
	if (mount(NULL, argv[1], NULL, MS_REMOUNT | MS_BIND, NULL) < 0)
		printf("remount: %s\n", strerror(errno));
	else
		printf("remount: ok\n");
	snprintf(path, sizeof(path), "%s/%s", argv[1], argv[2]);
	fd = open(path, O_WRONLY | (argc > 3 ? 0 : O_APPEND) | O_CLOEXEC);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	if (write(fd, text, len) != (ssize_t) len) {
		printf("write: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("write: ok\n");
	return 0;
}
