// SPDX-License-Identifier: GPL-2.0-or-later
/* exec-reaper.c - PID 1 for --init: forward signals, reap zombies, pass status on */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "exec.h"
#include "exec-reaper.h"

/* The signals an init cannot catch, or must keep for itself. */
static bool not_forwarded(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD;
}

static int block_all(sigset_t *all)
{
	sigfillset(all);
	sigdelset(all, SIGKILL);
	sigdelset(all, SIGSTOP);
	/* faults must still kill us rather than loop */
	sigdelset(all, SIGSEGV);
	sigdelset(all, SIGBUS);
	sigdelset(all, SIGILL);
	sigdelset(all, SIGFPE);
	return sigprocmask(SIG_SETMASK, all, NULL) < 0 ? -errno : 0;
}

/* Reap every child that has ended; true when @prog was among them. */
static bool reap_all(pid_t prog, int *wstatus)
{
	bool done = false;
	int st;
	pid_t w;

	while ((w = waitpid(-1, &st, WNOHANG)) > 0)
		if (w == prog) {
			*wstatus = st;
			done = true;
		}
	return done;
}

static int supervise(pid_t prog, int sfd)
{
	int wstatus = 0;

	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t) sizeof(si))
			return n < 0 ? -errno : -EIO;
		if (si.ssi_signo == SIGCHLD) {
			if (reap_all(prog, &wstatus))
				return exec_status_code(wstatus);
			continue;
		}
		if (!not_forwarded((int) si.ssi_signo))
			/* ESRCH: it ended, and its SIGCHLD follows */
			(void) kill(prog, (int) si.ssi_signo);
	}
}

int reaper_run(char *const argv[], const sigset_t *mask)
{
	sigset_t all;
	pid_t prog;
	int sfd, r;

	r = block_all(&all);
	if (r < 0)
		return r;
	/* without a PID namespace we are not PID 1: adopt orphans anyway */
	/* EINVAL only before Linux 3.4 */
	(void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0)
		return -errno;
	prog = fork();
	if (prog < 0) {
		r = -errno;
		close(sfd);
		return r;
	}
	if (prog == 0) {
		close(sfd);
		if (sigprocmask(SIG_SETMASK, mask, NULL) < 0)
			die(_("cannot restore the signal mask"));
		exec_program_or_shell(argv);
	}
	r = supervise(prog, sfd);
	close(sfd);
	return r;
}
