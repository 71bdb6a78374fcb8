// SPDX-License-Identifier: GPL-2.0-or-later
/* exec.c - chainloading: exec with 126/127, child supervision and status translation */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "exec.h"
#include "strutils.h"
#include "syscalls.h"

/*
 * The descriptors above 2 this process was started with.  The caller handed
 * them down on purpose (a socket-activation fd, a notification pipe, a
 * script's "3<file"), so they stay for the program, as env(1) keeps them;
 * only what we opened ourselves must not reach it.  They are recorded by a
 * constructor, before any of our own code has opened anything.
 *
 * Only numbers below EXEC_OWN_MAX are looked at, at start and at exec: the
 * kernel hands out the lowest free number, so what we open lands there
 * unless a thousand descriptors are open at once, which no tool does.
 * Numbers from EXEC_OWN_MAX up are the caller's and are left alone.  That
 * bound makes the record one or two poll(2) calls instead of a read of
 * /proc/self/fd (an open, two getdents and a close: a tenth of a
 * millisecond on every start).
 */
enum {
	EXEC_MAX_INHERITED = 256,
	EXEC_OWN_MAX = 1024,
	EXEC_POLL_CHUNK = 512,
};
static int inherited_fds[EXEC_MAX_INHERITED];
static size_t n_inherited;
static bool inherited_unknown;	/* too many, or no way to tell: mark nothing */

static void note_inherited(int fd)
{
	if (n_inherited < EXEC_MAX_INHERITED)
		inherited_fds[n_inherited++] = fd;
	else
		inherited_unknown = true;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

/* poll(2) with no events answers POLLNVAL for a number that is not open. */
__attribute__((constructor)) static void record_inherited_fds(void)
{
	struct pollfd pfd[EXEC_POLL_CHUNK];
	struct rlimit rl;
	unsigned base, i, chunk = EXEC_POLL_CHUNK;

	/* poll(2) takes at most RLIMIT_NOFILE entries per call */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < chunk)
		chunk = (unsigned) rl.rlim_cur;
	if (chunk == 0) {
		inherited_unknown = true;
		return;
	}
	for (base = 3; base < EXEC_OWN_MAX; base += chunk) {
		unsigned n = EXEC_OWN_MAX - base < chunk ? EXEC_OWN_MAX - base : chunk;

		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd) { .fd = (int) (base + i) };
		if (poll(pfd, n, 0) < 0) {
			inherited_unknown = true;
			return;
		}
		for (i = 0; i < n; i++)
			if (!(pfd[i].revents & POLLNVAL))
				note_inherited(pfd[i].fd);
	}
	/* in ascending order by construction */
}

static bool is_inherited(int fd)
{
	return bsearch(&fd, inherited_fds, n_inherited, sizeof(int), cmp_int) != NULL;
}

/* Mark fds in [lo, hi] close-on-exec by walking /proc/self/fd. */
static int cloexec_walk(unsigned lo, unsigned hi, bool keep_inherited)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint32_t fd;
		int flags;

		if (parse_u32(de->d_name, &fd) < 0 || fd < lo || fd > hi ||
		    (int) fd == dirfd(d) || (keep_inherited && is_inherited((int) fd)))
			continue;
		flags = fcntl((int) fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC))
			(void) fcntl((int) fd, F_SETFD, flags | FD_CLOEXEC); /* best effort: fd may be gone */
	}
	closedir(d);
	return 0;
}

static bool close_range_unusable(void)
{
	return errno == ENOSYS || errno == EINVAL || errno == EPERM;
}

int exec_cloexec_from(int from)
{
	if (sys_close_range((unsigned) from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (!close_range_unusable())
		return -errno;
	return cloexec_walk((unsigned) from, ~0U, false);
}

int exec_cloexec_own(void)
{
	unsigned lo = 3;
	size_t i;

	if (inherited_unknown)
		return 0;	/* cannot tell ours: O_CLOEXEC alone protects */
	for (i = 0; i <= n_inherited; i++) {
		unsigned hi = i < n_inherited ? (unsigned) inherited_fds[i] - 1 : EXEC_OWN_MAX - 1;

		if (hi >= lo && sys_close_range(lo, hi, CLOSE_RANGE_CLOEXEC) < 0) {
			if (!close_range_unusable())
				return -errno;
			return cloexec_walk(3, EXEC_OWN_MAX - 1, true);
		}
		if (i < n_inherited)
			lo = (unsigned) inherited_fds[i] + 1;
	}
	return 0;
}

/*
 * exec_program(), and for @child the same without exit(3): a child that
 * shares its parent's memory must not run the parent's atexit handlers,
 * which would close the parent's stdout under it.
 */
static __noreturn void exec_or_leave(char *const argv[], bool child)
{
	int code;

	/*
	 * fds we opened are O_CLOEXEC already; this backs that up.  fds 0-2
	 * and whatever the caller handed down to us stay.
	 */
	if (exec_cloexec_own() < 0)
		warn(_("cannot mark file descriptors close-on-exec"));
	fflush(stdout);
	execvp(argv[0], argv);
	code = errno == ENOENT ? CU_EXIT_ENOENT : CU_EXIT_CANNOT_INVOKE;
	warn(_("cannot execute %s"), argv[0]);
	if (child)
		_exit(code);
	exit(code);
}

void exec_program(char *const argv[])
{
	exec_or_leave(argv, false);
}

const char *exec_shell_path(void)
{
	const char *shell = getenv("SHELL");

	return shell && *shell ? shell : "/bin/sh";
}

/* $SHELL, else /bin/sh, as an argv */
static void shell_argv(char *argv[2])
{
	argv[0] = (char *) exec_shell_path();
	argv[1] = NULL;
}

void exec_shell(void)
{
	char *argv[2];

	shell_argv(argv);
	exec_program(argv);
}

void exec_program_or_shell(char *const argv[])
{
	if (argv && argv[0])
		exec_program(argv);
	exec_shell();
}

void exec_child_program_or_shell(char *const argv[])
{
	char *sh[2];

	if (argv && argv[0])
		exec_or_leave(argv, true);
	shell_argv(sh);
	exec_or_leave(sh, true);
}

int exec_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return CU_EXIT_CANCELED;
}

void exec_forward_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGWINCH);
}

int exec_block_forwarded(sigset_t *old)
{
	sigset_t set;

	exec_forward_sigset(&set);
	/* SIGCHLD too: the supervisor learns of the child's end through it */
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	return 0;
}

int exec_restore_sigmask(const sigset_t *old)
{
	if (sigprocmask(SIG_SETMASK, old, NULL) < 0)
		return -errno;
	return 0;
}

static void send_signal(pid_t pid, int pidfd, int sig)
{
	if (pidfd >= 0 && sys_pidfd_send_signal(pidfd, sig, NULL, 0) == 0)
		return;
	/* ESRCH: the child is gone; its status is collected next */
	(void) kill(pid, sig);
}

/* What the supervisor knows of the grace period. */
struct watch_state {
	int64_t deadline;	/* the grace period's end, or -1 */
	bool stopped;		/* the grace period has started (once only) */
};

/*
 * Forward @si to the child; a stop signal starts the grace period, unless
 * the watch's on_stop ended the child itself.
 */
static void on_signal(pid_t pid, int pidfd, const struct exec_watch *w,
		      const struct signalfd_siginfo *si, struct watch_state *ws)
{
	int sig = (int) si->ssi_signo;
	bool stop = w && (sig == SIGTERM || sig == SIGHUP ||
			  (sig == SIGINT && !(w->tty_int_forward_only &&
					      si->ssi_code == SI_KERNEL)));

	if (stop && w->on_stop && w->on_stop(pid, sig, w->data))
		return;
	send_signal(pid, pidfd, sig);
	if (stop && !ws->stopped) {
		ws->deadline = cu_now_ms() + (int64_t) w->stop_timeout * 1000;
		ws->stopped = true;
	}
}

/* The grace period is over: the watch's stop, or SIGKILL. */
static void stop_child(pid_t pid, int pidfd, const struct exec_watch *w)
{
	if (w->stop)
		w->stop(pid, pidfd, w->data);
	else
		send_signal(pid, pidfd, SIGKILL);
}

/* Wait on @sfd for a signal or the grace period's end.  0 or -errno. */
static int wait_signals(pid_t pid, int pidfd, int sfd, const struct exec_watch *w,
			struct watch_state *ws)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN };
	struct signalfd_siginfo si;
	int64_t left = ws->deadline < 0 ? -1 : ws->deadline - cu_now_ms();
	int n;

	if (ws->deadline >= 0 && left <= 0) {
		stop_child(pid, pidfd, w);
		ws->deadline = -1;
		return 0;
	}
	n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int) left);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	/* one signal a wake-up: poll(2) wakes us again for the next one */
	if (n > 0 && read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si) &&
	    si.ssi_signo != SIGCHLD)
		on_signal(pid, pidfd, w, &si, ws);
	return 0;
}

int exec_supervise_watch(pid_t pid, int pidfd, const struct exec_watch *w,
			 int *wstatus)
{
	struct watch_state ws = { -1, false };
	sigset_t set, old;
	int sfd, r = 0;

	exec_forward_sigset(&set);
	sigaddset(&set, SIGCHLD);
	/*
	 * signalfd only sees blocked signals: block them here too, in case the
	 * caller did not (a SIGCHLD left unblocked would make us wait forever).
	 */
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		r = -errno;
		(void) sigprocmask(SIG_SETMASK, &old, NULL); /* cannot fail: valid set */
		return r;
	}
	for (;;) {
		pid_t p = waitpid(pid, wstatus, WNOHANG);

		if (p == pid)
			break;
		if (p < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		r = wait_signals(pid, pidfd, sfd, w, &ws);
		if (r < 0)
			break;
	}
	close(sfd);
	(void) sigprocmask(SIG_SETMASK, &old, NULL); /* cannot fail: valid set */
	return r;
}

void exec_exit_like(int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		struct rlimit nocore = { 0, 0 };
		sigset_t set;

		fflush(stdout);
		fflush(stderr);
		/* the child may have dumped core; we must not dump another */
		(void) setrlimit(RLIMIT_CORE, &nocore);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		(void) sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		exit(128 + sig);
	}
	exit(exec_status_code(wstatus));
}
