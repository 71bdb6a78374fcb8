// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-floor.c - the floor for bench/nsrun.sh: the least a C program must
 * do for `nsrun --fork --pid --mount-proc true`: clone3 into new PID and
 * mount namespaces, make / private, mount /proc, exec, wait.  No option
 * parsing, no error messages, no signal forwarding.
 * Build: cc -O2 -o nsrun-floor nsrun-floor.c
 */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct clone_args args = {
		.flags = CLONE_NEWNS | CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	int status;
	pid_t pid;

	if (argc < 2)
		return 125;
	pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return 125;
	if (pid == 0) {
		if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(125);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
