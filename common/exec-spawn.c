// SPDX-License-Identifier: GPL-2.0-or-later
/* exec-spawn.c - children that share our memory until they exec (clone3 + CLONE_VM) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "exec-spawn.h"

/*
 * The child of clone3(2) with CLONE_VM starts on its own stack, with no
 * frame to return into: it must call @fn itself and leave with exit(2).
 * Only assembly can say that.  Arguments: @args, @size, @fn, @arg; the
 * result is clone3's raw one (the PID, or -errno) in the parent.  The
 * registers holding @fn and @arg survive the system call in the child.
 */
#if defined(__x86_64__) && !SPAWN_UNDER_ASAN
# define HAVE_SPAWN_VM 1
__asm__(
	".text\n"
	".globl cu_clone3_vm\n"
	".hidden cu_clone3_vm\n"
	".type cu_clone3_vm, @function\n"
	".p2align 4\n"
	"cu_clone3_vm:\n"
	"	endbr64\n"
	"	mov %rdx, %r8\n"		/* fn */
	"	mov %rcx, %r9\n"		/* arg */
	"	mov $435, %eax\n"		/* __NR_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"		/* the child: the outermost frame */
	"	mov %r9, %rdi\n"
	"	call *%r8\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"		/* __NR_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size cu_clone3_vm, .-cu_clone3_vm\n");
#elif defined(__aarch64__) && !SPAWN_UNDER_ASAN
# define HAVE_SPAWN_VM 1
__asm__(
	".text\n"
	".globl cu_clone3_vm\n"
	".hidden cu_clone3_vm\n"
	".type cu_clone3_vm, %function\n"
	".p2align 2\n"
	"cu_clone3_vm:\n"
	"	mov x8, #435\n"			/* __NR_clone3 */
	"	svc #0\n"
	"	cbnz x0, 1f\n"
	"	mov x29, xzr\n"			/* the child: the outermost frame */
	"	mov x30, xzr\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x8, #93\n"			/* __NR_exit */
	"	svc #0\n"
	"	brk #0\n"
	"1:	ret\n"
	".size cu_clone3_vm, .-cu_clone3_vm\n");
#else
# define HAVE_SPAWN_VM 0
#endif

#if HAVE_SPAWN_VM
long cu_clone3_vm(struct cu_clone_args *args, size_t size,
		  int (*fn)(void *), void *arg);
#endif

/*
 * The child's stack: what it runs before exec (mounts, netlink) needs far
 * less, plus room for execvp's copy of argv when it runs a script through
 * /bin/sh.  A PROT_NONE page under it turns an overflow into a fault
 * instead of a write into our memory.
 */
enum { SPAWN_STACK = 512 * 1024, SPAWN_GUARD = 4096 };

#if HAVE_SPAWN_VM
static size_t stack_size(char *const argv[])
{
	size_t argc = 0;

	while (argv && argv[argc])
		argc++;
	return (SPAWN_STACK + (argc + 3) * sizeof(char *) + 4095) & ~(size_t) 4095;
}
#endif

bool spawn_vm_supported(void)
{
	return HAVE_SPAWN_VM;
}

pid_t spawn_vm(struct cu_clone_args *args, int (*fn)(void *), void *arg,
	       char *const exec_argv[])
{
#if HAVE_SPAWN_VM
	const size_t size = stack_size(exec_argv), len = size + SPAWN_GUARD;
	char *stack;
	long r;
	int err;

	stack = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	if (mprotect(stack, SPAWN_GUARD, PROT_NONE) < 0) {
		err = errno;
		(void) munmap(stack, len);
		errno = err;
		return -1;
	}
	args->flags |= CLONE_VM | CLONE_VFORK;
	args->stack = (uint64_t) (uintptr_t) (stack + SPAWN_GUARD);
	args->stack_size = size;
	r = cu_clone3_vm(args, sizeof(*args), fn, arg);
	explain_clone3_done(args->flags, r < 0 ? -1 : r, (int) -r);
	/* the child has exec'd or exited: its stack is no longer in use */
	(void) munmap(stack, len);
	if (r < 0) {
		errno = (int) -r;
		return -1;
	}
	return (pid_t) r;
#else
	(void) args;
	(void) fn;
	(void) arg;
	(void) exec_argv;
	errno = ENOSYS;
	return -1;
#endif
}

/* ---- the handshake ---- */

enum { SPAWN_READY = 'R', SPAWN_GO = 'G', SPAWN_FAILED = 'E' };

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int spawn_pipes(struct spawn *sp)
{
	int err;

	sp->status[0] = sp->status[1] = sp->gofd[0] = sp->gofd[1] = -1;
	if (!sp->handshake)
		return 0;
	if (pipe2(sp->status, O_CLOEXEC) < 0)
		return -errno;
	if (sp->go && pipe2(sp->gofd, O_CLOEXEC) < 0) {
		err = errno;
		close_fd(&sp->status[0]);
		close_fd(&sp->status[1]);
		return -err;
	}
	return 0;
}

void spawn_close(struct spawn *sp)
{
	if (!sp->handshake)
		return;
	close_fd(&sp->status[0]);
	close_fd(&sp->status[1]);
	if (sp->go) {
		close_fd(&sp->gofd[0]);
		close_fd(&sp->gofd[1]);
	}
}

/*
 * In the child: the go pipe's write end must go, or the parent's death
 * would not end our wait for go.  (The status pipe's read end may stay
 * until exec closes it: it holds nothing open.)  The child side only
 * closes, never writes to @sp: a spawn_vm child shares it with the parent.
 */
static void child_ends(const struct spawn *sp)
{
	if (sp->go)
		close(sp->gofd[1]);
}

static int vm_child(void *arg)
{
	struct spawn *sp = arg;

	child_ends(sp);
	return sp->child(sp);
}

/* A child of its own memory: 0 in it, as fork(2). */
static pid_t fork_like(struct spawn *sp)
{
	struct cu_clone_args a = sp->clone;
	pid_t pid;

	if (sp->plain_fork)
		return fork();
	pid = ex_clone3(&a, sizeof(a));
	/* before Linux 5.3, for the flags clone(2) has */
	if (pid < 0 && errno == ENOSYS &&
	    !(a.flags & (CLONE_PIDFD | CLONE_INTO_CGROUP)))
		pid = (pid_t) syscall(SYS_clone, (unsigned long) (a.flags | a.exit_signal),
				      0, 0, 0, 0);
	return pid;
}

pid_t spawn_start(struct spawn *sp)
{
	pid_t pid = -1;
	int err;

	sp->said_ready = false;
	if (sp->share_vm && !sp->go && sp->child) {
		struct cu_clone_args a = sp->clone;	/* spawn_vm adds to it */

		pid = spawn_vm(&a, vm_child, sp, sp->exec_argv);
		if (pid < 0 && errno != ENOSYS)
			goto fail;
	}
	if (pid < 0)
		pid = fork_like(sp);
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		child_ends(sp);
		return 0;
	}
	if (sp->handshake)
		close_fd(&sp->status[1]);
	if (sp->go)
		close_fd(&sp->gofd[0]);
	return pid;
fail:
	err = errno;
	spawn_close(sp);
	errno = err;
	return -1;
}

int spawn_ready(struct spawn *sp)
{
	char c = SPAWN_READY;

	if (!sp->handshake)
		return 0;
	if (write(sp->status[1], &c, 1) != 1)
		return -1;
	if (!sp->go)
		return 0;
	if (read(sp->gofd[0], &c, 1) != 1 || c != SPAWN_GO)
		return -1;
	close(sp->gofd[0]);
	return 0;
}

void spawn_fail(struct spawn *sp, const struct cu_error *e)
{
	char buf[1 + sizeof(*e)];

	if (sp->handshake) {
		buf[0] = SPAWN_FAILED;
		memcpy(buf + 1, e, sizeof(*e));
		/* one write (less than PIPE_BUF: whole or not at all); a failed
		 * one: the parent is gone, and our status says it all */
		(void) !write(sp->status[1], buf, sizeof(buf));
	} else {
		cu_error_warn(e);
	}
	_exit(CU_EXIT_CANCELED);
}

void spawn_detach(struct spawn *sp)
{
	if (sp->handshake)
		close(sp->status[1]);
}

/* Read up to @len bytes of @fd, to its end. */
static size_t read_upto(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	do {
		while ((n = read(fd, buf + got, len - got)) < 0 && errno == EINTR)
			;
		if (n > 0)
			got += (size_t) n;
	} while (n > 0 && got < len);
	return got;
}

/* Before go: one message, the "R" or a failure. */
static int wait_first(struct spawn *sp, struct cu_error *e)
{
	char c = 0;

	if (read_upto(sp->status[0], &c, 1) != 1)
		return 0;
	if (c == SPAWN_READY) {
		sp->said_ready = true;
		return 1;
	}
	if (c == SPAWN_FAILED && read_upto(sp->status[0], (char *) e, sizeof(*e)) == sizeof(*e))
		return -1;
	return 0;
}

int spawn_wait(struct spawn *sp, struct cu_error *e)
{
	struct pollfd pfd = { .fd = sp->status[0], .events = 0 };
	char buf[2 + sizeof(*e)];
	size_t got, off = 0;
	int r;

	if (!sp->handshake)
		return 1;
	if (sp->go && !sp->said_ready) {
		r = wait_first(sp, e);
		if (r <= 0)
			close_fd(&sp->status[0]);
		return r;
	}
	/* a wait for POLLIN would wake us at the "R" too */
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	got = read_upto(sp->status[0], buf, sizeof(buf));
	close_fd(&sp->status[0]);
	if (got > 0 && buf[0] == SPAWN_READY) {
		sp->said_ready = true;
		off = 1;
	}
	if (got - off == 1 + sizeof(*e) && buf[off] == SPAWN_FAILED) {
		memcpy(e, buf + off + 1, sizeof(*e));
		return -1;
	}
	return sp->said_ready ? 1 : 0;
}

int spawn_go(struct spawn *sp)
{
	char c = SPAWN_GO;
	int r = 0;

	if (write(sp->gofd[1], &c, 1) != 1)
		r = -errno;
	close_fd(&sp->gofd[1]);
	return r;
}
