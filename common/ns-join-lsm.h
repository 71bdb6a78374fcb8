/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-join-lsm.h - the SELinux context of another process for our next exec
 * (nsenter2 --follow-context), through libselinux loaded on first use.
 */
#ifndef CU_NS_JOIN_LSM_H
#define CU_NS_JOIN_LSM_H

#include <stdbool.h>
#include <sys/types.h>

#include "c.h"

/*
 * Whether SELinux is enabled: libselinux loads and is_selinux_enabled(3)
 * says so.  Without the library or without SELinux: false, and
 * --follow-context does nothing (as nsenter(1) then does).
 */
bool seccon_enabled(void);

/*
 * Make the context of process @pid ours for the next execve(2)
 * (getpidcon(3), setexeccon(3)).  0, or -errno with @e filled.
 */
int seccon_follow(pid_t pid, struct cu_error *e) __must_check;

#endif /* CU_NS_JOIN_LSM_H */
