// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root-swap - race a host-side tree walk: for each pair A B (a directory
 * full of files and a symlink to a host directory) a process exchanges
 * the two names with renameat2(RENAME_EXCHANGE) as fast as it can, for
 * SECONDS seconds at most, so a walk that removes A/... by path finds the
 * symlink there.  It writes its PID to PIDFILE, detaches (a session of its
 * own), and exits 0 once every swapper ended.
 * Usage: root-swap SECONDS PIDFILE A B [A B]...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void swap_until(time_t end, const char *a, const char *b)
{
	/* a name the walk removed ends the race for it: go on until the end */
	while (time(NULL) < end)
		(void) renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int main(int argc, char **argv)
{
	time_t end;
	FILE *f;
	int i;

	if (argc < 5 || argc % 2 == 0) {
		fprintf(stderr, "usage: %s SECONDS PIDFILE A B [A B]...\n", argv[0]);
		return 2;
	}
	(void) setsid();
	f = fopen(argv[2], "w");
	if (!f || fprintf(f, "%d\n", (int) getpid()) < 0 || fclose(f) != 0) {
		perror(argv[2]);
		return 2;
	}
	end = time(NULL) + atoi(argv[1]);
	for (i = 3; i < argc; i += 2) {
		pid_t pid = fork();

		if (pid == 0) {
			swap_until(end, argv[i], argv[i + 1]);
			_exit(0);
		}
		if (pid < 0)
			perror("fork");
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
