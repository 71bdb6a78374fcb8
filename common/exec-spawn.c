// SPDX-License-Identifier: GPL-2.0-or-later
/* exec-spawn.c - children that share our memory until they exec (clone3 + CLONE_VM) */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
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
