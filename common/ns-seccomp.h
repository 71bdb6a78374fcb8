/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-seccomp.h - Docker's default seccomp policy, compiled by libseccomp.
 *
 * The filter is built once, before the clone (libseccomp allocates and is
 * looked up in the root of the moment), and installed in the child with one
 * seccomp(2) call: the child may share our memory until it execs, so it must
 * not allocate.
 */
#ifndef CU_NS_SECCOMP_H
#define CU_NS_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "c.h"

struct syscall_filter {
	void *insns;		/* struct sock_filter[], as libseccomp made it */
	size_t len;		/* number of instructions */
};

/*
 * Build Docker's default policy for a container whose capabilities are
 * @caps (bit N = capability N): the syscalls Docker allows only with a
 * capability (mount with CAP_SYS_ADMIN, init_module with CAP_SYS_MODULE...)
 * are allowed only when @caps has it.  0, or -errno with @e filled.
 */
int syscall_filter_build_default(uint64_t caps, struct syscall_filter *f,
				 struct cu_error *e) __must_check;

/*
 * Install @f on this thread: seccomp(2), no allocation.  Needs
 * CAP_SYS_ADMIN in our user namespace or no_new_privs.  0 or -errno.
 */
int syscall_filter_install(const struct syscall_filter *f,
			   struct cu_error *e) __must_check;

void syscall_filter_free(struct syscall_filter *f);

#endif /* CU_NS_SECCOMP_H */
