// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-floor-all.c - the floor of the `--all` rows of bench/nsrun.sh (what
 * `nsrun --all --user --map-root-user` and `bwrap --unshare-all` both do):
 * a child in new user, mount, PID, network, UTS, IPC and cgroup
 * namespaces that maps our own ids as root (it writes its own maps, as
 * unprivileged unshare -r does) and execs, while we wait.  The child shares
 * our memory until it execs (CLONE_VM|CLONE_VFORK, the cheapest child there
 * is).  Nothing else: no loopback, no /proc, no option parsing.  If this
 * floor is above 0.5 x bwrap, so is every tool that creates the same
 * namespaces.
 * Build: cc -O2 -o nsrun-floor-all nsrun-floor-all.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));
static char **prog;
static uid_t uid;
static gid_t gid;

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

static int child(void *arg)
{
	char map[64];

	(void) arg;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned) uid);
	if (write_file("/proc/self/uid_map", map) < 0 ||
	    write_file("/proc/self/setgroups", "deny") < 0)
		_exit(125);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned) gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		_exit(125);
	execvp(prog[0], prog);
	_exit(127);
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2)
		return 125;
	prog = argv + 1;
	uid = geteuid();
	gid = getegid();
	pid = clone(child, stack + sizeof(stack),
		    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
		    CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP |
		    CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	if (pid < 0)
		return 125;
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
