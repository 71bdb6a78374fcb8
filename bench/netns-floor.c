// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns-floor.c - the floor for bench/netns.sh: the least a C program must
 * do for `netns add NAME...`: per name, create the file /run/netns/NAME,
 * unshare(CLONE_NEWNET) and bind-mount /proc/self/ns/net onto the file.
 * One name after the other in one thread; no /run/netns set-up (the
 * directory must exist and be a mount point already, as the tools leave it),
 * no checks, no messages.
 *   netns-floor NAME...
 * Exit status: 0, or 1 at the first failure (errno on stderr).
 * Build: cc -O2 -o netns-floor netns-floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];

	for (int i = 1; i < argc; i++) {
		int fd;

		snprintf(path, sizeof(path), "/run/netns/%s", argv[i]);
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
		if (fd < 0 || close(fd) < 0 || unshare(CLONE_NEWNET) < 0 ||
		    mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) {
			fprintf(stderr, "netns-floor: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
	}
	return 0;
}
