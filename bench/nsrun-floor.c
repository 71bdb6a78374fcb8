// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-floor.c - the floor for bench/nsrun.sh: the least a C program must
 * do for `nsrun --fork --pid --mount-proc true`: a child in new PID and
 * mount namespaces that makes / private, mounts /proc and execs, while we
 * wait.  The child shares our memory until it execs (CLONE_VM|CLONE_VFORK,
 * the cheapest child there is).  No option parsing, no error messages, no
 * signal forwarding.
 * Build: cc -O2 -o nsrun-floor nsrun-floor.c
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));

static int child(void *arg)
{
	char **argv = arg;

	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		_exit(125);
	execvp(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2)
		return 125;
	pid = clone(child, stack + sizeof(stack),
		    CLONE_NEWNS | CLONE_NEWPID | CLONE_VM | CLONE_VFORK | SIGCHLD, argv + 1);
	if (pid < 0)
		return 125;
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
