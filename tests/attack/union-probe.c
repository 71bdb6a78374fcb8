// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * union-probe - what a program from an image layer gains when run by an
 * unprivileged user: prints "euid=N", then "read=ok" or "read=denied" for
 * each file given (a root-only file needs the setuid bit or a file
 * capability to open).  Linked statically, so a layer can carry it alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i, fd;

	printf("euid=%d\n", (int) geteuid());
	for (i = 1; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		printf("read=%s\n", fd >= 0 ? "ok" : "denied");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
