/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.h - chainloading: run the rest of argv, wait for a forked child and
 * report its end the way env(1), timeout(1) and unshare(1) do.
 */
#ifndef CU_EXEC_H
#define CU_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "c.h"

/*
 * Mark every fd >= @from close-on-exec: close_range(CLOSE_RANGE_CLOEXEC),
 * falling back to a walk of /proc/self/fd.  0 or -errno.
 */
int exec_cloexec_from(int from) __must_check;

/*
 * Mark every fd from 3 to 1023 close-on-exec except those this process
 * inherited (recorded at start-up): what the caller handed down stays, as
 * with env(1).  Numbers from 1024 up are the caller's (the kernel gives us
 * the lowest free ones) and stay too.
 */
int exec_cloexec_own(void) __must_check;

/*
 * Exec @argv (PATH search) after exec_cloexec_own(); on failure
 * print "cannot execute PROGRAM: reason" and exit 126, or 127 when the
 * program was not found.  Never returns.
 */
__noreturn void exec_program(char *const argv[]);

/* $SHELL when set and not empty, else /bin/sh. */
const char *exec_shell_path(void);

/* Exec $SHELL, else /bin/sh, as exec_program(). */
__noreturn void exec_shell(void);

/* Exec @argv when it has a program, else the shell. */
__noreturn void exec_program_or_shell(char *const argv[]);

/*
 * exec_program_or_shell() for a child of clone(CLONE_VM): on failure it
 * leaves with _exit(2), so the parent's atexit handlers do not run in it.
 */
__noreturn void exec_child_program_or_shell(char *const argv[]);

/* A wait status as a shell sees it: the exit code, or 128+N for signal N. */
int exec_status_code(int wstatus);

/*
 * The signals a waiting parent passes on to its child: INT, TERM, HUP,
 * QUIT, USR1, USR2, WINCH.
 */
void exec_forward_sigset(sigset_t *set);

/*
 * Block the forwarded signals (before fork), saving the old mask in @old;
 * the child restores @old with exec_restore_sigmask().
 */
int exec_block_forwarded(sigset_t *old) __must_check;
int exec_restore_sigmask(const sigset_t *old) __must_check;

/*
 * How a supervisor stops its child, docker stop's rule: the first TERM,
 * HUP or INT (a stop signal) is forwarded and starts a grace period of
 * @stop_timeout seconds, after which @stop ends the child.
 */
struct exec_watch {
	unsigned stop_timeout;		/* seconds from the first stop signal to @stop */
	bool tty_int_forward_only;	/* a Ctrl-C (SIGINT from the terminal) is no stop */
	/*
	 * A stop signal arrived: true when this ended the child itself (the
	 * signal is then neither forwarded nor starts the grace period).
	 * NULL: always forward.
	 */
	bool (*on_stop)(pid_t pid, int sig, void *data);
	/* The grace period is over.  NULL: SIGKILL the child. */
	void (*stop)(pid_t pid, int pidfd, void *data);
	void *data;
};

/*
 * Wait for child @pid (pidfd @pidfd, or -1), passing the signals of
 * exec_forward_sigset() on to it as they arrive, and stopping it by @w
 * (NULL: pass them on only); on return *wstatus is its wait status.  The
 * signals are blocked while it waits (they need not be beforehand), and
 * the mask is restored.  0 or -errno.
 */
int exec_supervise_watch(pid_t pid, int pidfd, const struct exec_watch *w,
			 int *wstatus) __must_check;

/* exec_supervise_watch() with no stop rule: forward only. */
static inline int __must_check exec_supervise(pid_t pid, int pidfd, int *wstatus)
{
	return exec_supervise_watch(pid, pidfd, NULL, wstatus);
}

/*
 * Leave with the child's end: exit with its code, or restore the default
 * action of the signal that killed it and raise it on ourselves (so the
 * shell sees 128+N), exiting 128+N if we survive.
 */
__noreturn void exec_exit_like(int wstatus);

#endif /* CU_EXEC_H */
