/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec-seal.h - binary sealing (CVE-2019-5736): a sealed copy of our own
 * binary to run from, and the sealed exec trampoline (exec-seal-tramp.c).
 */
#ifndef CU_EXEC_SEAL_H
#define CU_EXEC_SEAL_H

#include <stddef.h>

/*
 * Run again from a sealed in-memory copy of our own binary, so that a
 * process of a container we join cannot rewrite the host's binary through
 * /proc/PID/exe (CVE-2019-5736).  The copy holds what execve(2) needs (no
 * section headers or debug information).  Returns 0 in the copy, which
 * takes back the process name exec from a memfd changed, and -errno when
 * the copy cannot be made or run (the caller then goes on as it is).
 * Call it before doing anything else: the first image's work is lost.
 */
int seal_reexec(char *const argv[]);

/*
 * The exec trampoline, the cheap form of the protection above for a
 * process that forked and has a parent waiting for it (nsenter2): a tiny
 * static program (common/exec-seal-tramp.c, @image of @len bytes) in a sealed
 * memfd named @name.  The child execs it instead of the program; it execs
 * the program as execvp(3) would, so that at that moment /proc/self/exe is
 * the sealed trampoline, and on failure writes the errno to an error pipe
 * and exits 127 (ENOENT) or 126.
 *
 * seal_tramp_open(): the sealed memfd (close-on-exec), or -errno.
 * seal_tramp_argv(): the trampoline's argv for running @argv with the
 *   error pipe's write end @errfd (one allocation: free() it), or NULL.
 * seal_tramp_exec(): exec the trampoline @tramp with it (@errfd is kept open
 *   across that exec only).  Only system calls: safe in a child sharing our
 *   memory.  Returns -errno when the trampoline could not be exec'd.
 * seal_tramp_result(): read the errno the trampoline reported from the
 *   pipe's read end @rfd, once the child has ended; 0 when it reported none.
 */
int seal_tramp_open(const char *name, const unsigned char *image, size_t len);
char **seal_tramp_argv(int errfd, char *const argv[]);
int seal_tramp_exec(int tramp, int errfd, char *const targv[]);
int seal_tramp_result(int rfd);

#endif /* CU_EXEC_SEAL_H */
