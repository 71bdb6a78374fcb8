/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - a tiny TAP producer for the C unit tests of common/ */
#ifndef CU_UNIT_H
#define CU_UNIT_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int unit_count;
static int unit_failures;

static inline void unit_check(int ok, const char *what, const char *file, int line)
{
	unit_count++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", unit_count, what);
	if (!ok) {
		unit_failures++;
		printf("# failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

#define CHECK(cond)	unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_MSG(cond, msg) unit_check(!!(cond), msg, __FILE__, __LINE__)

static inline void unit_skip(const char *what, const char *why)
{
	unit_count++;
	printf("ok %d - %s # SKIP %s\n", unit_count, what, why);
	fflush(stdout);
}

/*
 * Run fn(arg) in a child with stderr captured into @err (NUL-terminated);
 * return its wait status.  fn is expected to exit (the *_or_err dies).
 */
static inline int unit_run_child(void (*fn)(const void *), const void *arg,
				 char *err, size_t errlen)
{
	int p[2], ws = -1;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	err[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < errlen && (n = read(p[0], err + got, errlen - got - 1)) > 0)
		got += (size_t) n;
	err[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &ws, 0) < 0)
		return -1;
	return ws;
}

static inline int unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failures ? 1 : 0;
}

#endif
