/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CU_SPAWN_H
#define CU_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

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

#endif /* CU_SPAWN_H */
