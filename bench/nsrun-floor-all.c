// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-floor-all.c - the floor of the `--all` rows of bench/nsrun.sh (what
 * `nsrun --all --user --map-root-user` and `bwrap --unshare-all` both do):
 * clone3 into new user, mount, PID, network, UTS, IPC and cgroup
 * namespaces, map our own ids as root (the child writes its own maps, as
 * unprivileged unshare -r does), exec, wait.  Nothing else: no loopback,
 * no /proc, no option parsing.  If this floor is above 0.5 x bwrap, so is
 * every tool that creates the same namespaces.
 * Build: cc -O2 -o nsrun-floor-all nsrun-floor-all.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t) strlen(s) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
			 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP,
		.exit_signal = SIGCHLD,
	};
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int status;
	pid_t pid;

	if (argc < 2)
		return 125;
	pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return 125;
	if (pid == 0) {
		snprintf(map, sizeof(map), "0 %u 1", (unsigned) uid);
		if (write_file("/proc/self/uid_map", map) < 0 ||
		    write_file("/proc/self/setgroups", "deny") < 0)
			_exit(125);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned) gid);
		if (write_file("/proc/self/gid_map", map) < 0)
			_exit(125);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
