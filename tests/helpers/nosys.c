// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nosys.c - run a program as on an older kernel, for the feature-probe
 * tests: each RULE makes one system call fail (a seccomp filter, kept by
 * every child), the rest of the kernel answers as usual.  Built by the
 * tests with "cc nosys.c -lseccomp".
 *
 * Usage: nosys RULE... -- PROGRAM [ARG...]
 *   RULE  SYSCALL[:ERRNO[:ARG&MASK=VALUE]]
 *         SYSCALL fails with ERRNO (ENOSYS, EINVAL, EPERM or a number;
 *         ENOSYS by default), only when its argument number ARG masked
 *         with MASK equals VALUE if that is given (numbers in C syntax),
 *         e.g. memfd_create:EINVAL:1&0x10=0x10 (the MFD_EXEC flag, 6.3).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int errno_of(const char *s)
{
	char *end;
	long v;

	if (strcmp(s, "ENOSYS") == 0)
		return ENOSYS;
	if (strcmp(s, "EINVAL") == 0)
		return EINVAL;
	if (strcmp(s, "EPERM") == 0)
		return EPERM;
	if (strcmp(s, "E2BIG") == 0)
		return E2BIG;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || v <= 0 || v > 4095)
		return -1;
	return (int) v;
}

static int add_rule(scmp_filter_ctx ctx, char *rule)
{
	char *name = rule, *err = strchr(rule, ':'), *cond = NULL;
	int nr, errnum = ENOSYS;

	if (err) {
		*err++ = '\0';
		cond = strchr(err, ':');
		if (cond)
			*cond++ = '\0';
		errnum = errno_of(err);
		if (errnum < 0) {
			fprintf(stderr, "nosys: bad errno '%s' (ENOSYS, EINVAL, EPERM, E2BIG or a number)\n", err);
			return -1;
		}
	}
	nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		fprintf(stderr, "nosys: unknown system call '%s'\n", name);
		return -1;
	}
	if (cond) {
		unsigned int arg;
		unsigned long long mask, value;
		char *end;

		errno = 0;
		arg = (unsigned int) strtoul(cond, &end, 10);
		if (errno != 0 || *end != '&' || arg > 5) {
			fprintf(stderr, "nosys: bad condition '%s' (ARG&MASK=VALUE, ARG 0-5)\n", cond);
			return -1;
		}
		mask = strtoull(end + 1, &end, 0);
		if (errno != 0 || *end != '=') {
			fprintf(stderr, "nosys: bad condition '%s' (ARG&MASK=VALUE, ARG 0-5)\n", cond);
			return -1;
		}
		value = strtoull(end + 1, &end, 0);
		if (errno != 0 || *end != '\0') {
			fprintf(stderr, "nosys: bad value in '%s'\n", cond);
			return -1;
		}
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned) errnum), nr, 1,
					SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, value));
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned) errnum), nr, 0);
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int i, r;

	if (!ctx) {
		fprintf(stderr, "nosys: cannot make a seccomp filter\n");
		return 125;
	}
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (add_rule(ctx, argv[i]) < 0)
			return 125;
	if (i >= argc - 1) {
		fprintf(stderr, "usage: nosys SYSCALL[:ERRNO[:ARG&MASK=VALUE]]... -- PROGRAM [ARG...]\n");
		return 125;
	}
	/* root keeps what setuid and file capabilities would give */
	if (geteuid() == 0)
		(void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		fprintf(stderr, "nosys: cannot load the seccomp filter: %s\n", strerror(-r));
		return 125;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "nosys: cannot execute %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
