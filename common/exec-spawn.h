/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec-spawn.h - starting a child: in our memory until it execs
 * (spawn_vm), else a fork-like clone; and the one handshake a parent and
 * its child use to say "I run", "go on" and "failed, because".
 */
#ifndef CU_SPAWN_H
#define CU_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "c.h"
#include "syscalls.h"

/*
 * ASan keeps the real fork: its shadow of the child's stack would outlive
 * the stack, and its runtime does not expect a second task in our memory.
 */
#if defined(__SANITIZE_ADDRESS__)
# define SPAWN_UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SPAWN_UNDER_ASAN 1
# endif
#endif
#ifndef SPAWN_UNDER_ASAN
# define SPAWN_UNDER_ASAN 0
#endif

/* Can spawn_vm() start a child here (architecture and build)? */
bool spawn_vm_supported(void);

/*
 * Start @fn(@arg) in a child made by clone3(2) with @args (flags,
 * exit_signal, pidfd, cgroup: all as the caller sets them) plus CLONE_VM
 * and CLONE_VFORK: it runs in our memory, on a stack of its own, while we
 * sleep until it has exec'd or exited.  No copy of our page tables and no
 * copy-on-write faults: the cost of a fork a child that only sets up and
 * execs pays for nothing.
 *
 * The child must leave by exec or _exit(2) (@fn's return value is its exit
 * status): exit(3) would run our atexit handlers on our stdio.
 * @exec_argv is what it will execvp(3) (NULL: nothing known), whose copy of
 * argv for a script through /bin/sh lives on the child's stack.  Returns
 * the child's PID, or -1 with errno set (ENOSYS: not supported here, fork
 * instead).
 */
pid_t spawn_vm(struct cu_clone_args *args, int (*fn)(void *), void *arg,
	       char *const exec_argv[]);

/*
 * A child to start, and its handshake.  The caller fills the first part.
 *
 * The handshake (@handshake) is a status pipe, child to parent: "R" when
 * the child runs (spawn_ready()), then "E" and a struct cu_error when it
 * fails (spawn_fail()); exec closes the pipe (close-on-exec), which the
 * parent sees as the hang-up.  With @go, a second pipe makes the child
 * wait in spawn_ready() until the parent, which acts on it from outside
 * first, says go (spawn_go()).
 */
struct spawn {
	struct cu_clone_args clone;	/* flags, exit_signal, pidfd, cgroup */
	bool share_vm;			/* try spawn_vm() first (not with @go) */
	bool plain_fork;		/* the fork-like child is fork(2)'s, not clone3's */
	bool handshake;			/* make the status pipe */
	bool go;			/* and the go pipe */
	int (*child)(struct spawn *sp);	/* the spawn_vm child: must exec or _exit */
	void *arg;			/* for @child */
	char *const *exec_argv;		/* what the child will exec, or NULL */

	/* spawn_pipes() and spawn_start() fill these */
	int status[2];			/* child -> parent */
	int gofd[2];			/* parent -> child */
	bool said_ready;		/* the parent read the "R" */
};

/*
 * Make the pipes @sp asks for (none without @handshake), close-on-exec.
 * 0, or -errno with none made.  Call it before spawn_start() when @sp
 * asks for a handshake (and again before each new start).
 */
int spawn_pipes(struct spawn *sp) __must_check;

/*
 * Start the child.  With @share_vm, where spawn_vm() can, it runs
 * @child(@sp) in our memory and leaves by exec or _exit (the return value
 * is its exit status).  Otherwise it is a fork-like child, made by fork(2)
 * with @plain_fork, else by clone3(2) with @clone (clone(2) before Linux
 * 5.3, for flags clone(2) has): spawn_start() returns 0 in it, as fork(2)
 * does, and the caller goes on there.  Returns the PID in the parent, or
 * -1 with errno set and the pipes closed.
 */
pid_t spawn_start(struct spawn *sp);

/*
 * The child: say "I run"; with @go, then wait for the parent's go.
 * 0, or -1 when the parent is gone (leave with _exit then).
 */
int spawn_ready(struct spawn *sp);

/*
 * The child failed: send @e to the parent, which reports it (write(2)
 * only: safe in a spawn_vm child), or without a handshake report it
 * itself (cu_error_warn); _exit with 125.
 */
__noreturn void spawn_fail(struct spawn *sp, const struct cu_error *e);

/*
 * The child stays on without exec (nsrun --init): close the status pipe,
 * so that the parent's spawn_wait() ends as it would at the exec.
 */
void spawn_detach(struct spawn *sp);

/*
 * The parent: the child's word.  Before go, the "R" (or its failure);
 * else everything up to the hang-up, in one wake-up (poll(2) for the
 * hang-up alone).  1: it runs (or has exec'd); 0: it died before saying
 * a word; -1: it failed, @e says why.
 */
int spawn_wait(struct spawn *sp, struct cu_error *e);

/* The parent: go on.  0 or -errno. */
int spawn_go(struct spawn *sp) __must_check;

/* Close what is left of the pipes (the parent, once done). */
void spawn_close(struct spawn *sp);

#endif /* CU_SPAWN_H */
