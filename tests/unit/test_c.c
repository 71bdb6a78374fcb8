// SPDX-License-Identifier: GPL-2.0-or-later
/* test_c.c - c.h's errors, exits, command table and helpers, and closestream's write errors */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "closestream.h"
#include "dlsym.h"
#include "unit.h"

static void to_dev_full(const void *arg)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	if (arg)
		cu_set_exit_failure(CU_EXIT_CANCELED);
	close_stdout_atexit();
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		_exit(99);
	puts("hello");
	exit(0);
}

static void to_closed_pipe(const void *arg)
{
	int p[2];

	(void) arg;
	signal(SIGPIPE, SIG_IGN);
	close_stdout_atexit();
	if (pipe(p) < 0 || dup2(p[1], STDOUT_FILENO) < 0)
		_exit(99);
	close(p[0]);
	close(p[1]);
	puts("hello");
	exit(0);
}

static void call_errtryhelp(const void *arg)
{
	if (arg)
		cu_set_exit_failure(CU_EXIT_CANCELED);
	errtryhelp();
}

static void call_error_die(const void *arg)
{
	struct cu_error e;

	(void) arg;
	(void) cu_error_set(&e, -ENOENT, "cannot open %s", "/x");
	cu_error_die(&e);
}

static void call_version(const void *arg)
{
	(void) arg;
	dup2(STDERR_FILENO, STDOUT_FILENO);	/* captured with stderr */
	print_version();
}

static void test_exits(void)
{
	char err[512];
	int ws;

	ws = unit_run_child(to_dev_full, NULL, err, sizeof(err));
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 1 && strstr(err, ": write error: No space left on device\n"),
		  "a failed write to stdout: status 1 and 'write error'");
	ws = unit_run_child(to_dev_full, "125", err, sizeof(err));
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 125, "a failed write to stdout in a chainloader: 125");
	ws = unit_run_child(to_closed_pipe, NULL, err, sizeof(err));
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && err[0] == '\0',
		  "EPIPE on stdout is not an error (the reader went away)");
	ws = unit_run_child(call_errtryhelp, NULL, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 1 &&
	      strstr(err, "Try 'test_c --help' for more information.\n"));
	ws = unit_run_child(call_errtryhelp, "125", err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 125);
	ws = unit_run_child(call_error_die, NULL, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 1 &&
	      strstr(err, "test_c: cannot open /x: No such file or directory\n"));
	ws = unit_run_child(call_version, NULL, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0 &&
	      strcmp(err, "test_c from " PACKAGE_STRING "\n") == 0);
}

static void test_error(void)
{
	struct cu_error e = { 0 };
	char big[1024];

	CHECK(cu_error_set(&e, ENOENT, "x %d", 1) == -ENOENT && e.errnum == ENOENT && streq(e.msg, "x 1"));
	CHECK(cu_error_set(&e, -EPERM, "y") == -EPERM && e.errnum == EPERM);
	CHECK_MSG(cu_error_set(&e, 0, "z") == -EINVAL && e.errnum == 0 && streq(e.msg, "z"),
		  "cu_error_set without errno still fails (-EINVAL)");
	CHECK(cu_error_set(NULL, EIO, "no struct") == -EIO);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_MSG(cu_error_set(&e, E2BIG, "%s", big) == -E2BIG && strlen(e.msg) == sizeof(e.msg) - 1,
		  "a long message is truncated, not overflowed");
}

static void test_alloc_and_strings(void)
{
	char *s = NULL;

	CHECK(xasprintf(&s, "%s-%d", "a", 7) == 3 && streq(s, "a-7"));
	free(s);
	s = xstrndup("abcdef", 3);
	CHECK(streq(s, "abc"));
	free(s);
	s = xmalloc(0);
	CHECK(s != NULL);
	free(s);
	s = xcalloc(0, 0);
	CHECK(s != NULL);
	s = xrealloc(s, 64);
	CHECK(s != NULL);
	free(s);
	CHECK(startswith("netns", "net") && !startswith("ne", "net") && startswith("x", ""));
	CHECK(streq("a", "a") && !streq("a", "b"));
	{
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int k = take_fd(&fd);

		CHECK(fd == -1 && k >= 0);
		close(k);
	}
	{
		_cleanup_close_ int fd = -1;	/* cleanup of -1 is a no-op */

		CHECK(fd == -1);
	}
}

static int (*dl_abs)(int);

static void test_dlsym(void)
{
	static const struct dl_symbol none[] = { { "abs", (void **) &dl_abs } };
	static const struct dl_symbol bogus[] = { { "cu_no_such_symbol", (void **) &dl_abs } };
	struct dl_library missing = { .soname = "libcu-no-such-library.so.9", .package = "cu-pkg",
				      .symbols = none, .nsymbols = 1 };
	struct dl_library libc = { .soname = "libc.so.6", .package = "libc6",
				   .symbols = none, .nsymbols = 1 };
	struct dl_library old = { .soname = "libc.so.6", .package = "libc6",
				  .symbols = bogus, .nsymbols = 1 };
	struct cu_error e = { 0 };

	CHECK(dl_library_load(&missing, &e) == -ENOENT);
	CHECK_MSG(strstr(e.msg, "cannot load libcu-no-such-library.so.9: ") == e.msg &&
		  strstr(e.msg, "(install the package that provides it)") && e.errnum == 0 &&
		  !strstr(e.msg, "cu-pkg"),
		  "a missing library: one line naming its soname, no package configure did not name");
	memset(&e, 0, sizeof(e));
	CHECK(dl_library_load(&missing, &e) == -ENOENT &&
	      strstr(e.msg, "libcu-no-such-library.so.9") && strstr(e.msg, "earlier load failed"));
	/* package names come only from configure's --with-package-hints */
	if (strstr(CU_PACKAGE_HINTS, "libsmartcols.so.1=libsmartcols1"))
		CHECK(dl_package_hint("libsmartcols.so.1") &&
		      strcmp(dl_package_hint("libsmartcols.so.1"), "libsmartcols1") == 0);
	else
		CHECK(dl_package_hint("libsmartcols.so.1") == NULL);
	CHECK(dl_package_hint("libsmartcols.so") == NULL && dl_package_hint("smartcols.so.1") == NULL &&
	      dl_package_hint("libsmartcols.so.1=libsmartcols1") == NULL);
	CHECK(dl_library_load(&libc, &e) == 0 && dl_abs && dl_abs(-3) == 3);
	CHECK(dl_library_load(&libc, &e) == 0);	/* once: the second call is a no-op */
	CHECK(dl_library_load(&old, &e) == -ENOENT && strstr(e.msg, "cu_no_such_symbol") &&
	      strstr(e.msg, "too old") && !old.handle);
}

static int cmd_calls;

static int count_call(int *ctl)
{
	cmd_calls += *ctl;
	return 7;
}

/* a tool's row: the shared part first, then what the tool adds */
static const struct test_command {
	struct cu_command cmd;
	int (*fn)(int *ctl);
	const char *note;
} commands[] = {
	{ { "add",    NULL,  1, -1 }, count_call, "a" },
	{ { "delete", "del", 1,  1 }, count_call, "d" },
	{ { "list",   "ls",  0,  0 }, count_call, "l" },
};

struct cmd_case {
	const char *name;
	int nargs;
	char *args[3];
};

static void call_command(const void *arg)
{
	const struct cmd_case *c = arg;
	const struct test_command *row = CU_COMMAND_OR_ERR(commands, c->name);

	cu_command_check_args(&row->cmd, c->nargs, c->args);
	_exit(0);
}

static void test_commands(void)
{
	static const struct cmd_case cases[] = {
		{ NULL, 0, { NULL } },
		{ "nope", 0, { NULL } },
		{ "add", 0, { NULL } },
		{ "del", 2, { "a", "b", NULL } },
		{ "ls", 0, { NULL } },
		{ "add", 3, { "a", "b", "c" } },
	};
	static const char *const want[] = {
		"test_c: no command given; see 'test_c --help'\n",
		"test_c: unknown command 'nope'; see 'test_c --help'\n",
		"test_c: add: missing argument (see --help)\n",
		"test_c: delete: unexpected argument: 'b'\n",
		"",
		"",
	};
	char err[512];
	int one = 1, ws;
	size_t i;

	CHECK(CU_COMMAND_FIND(commands, "del") == &commands[1]);
	CHECK(CU_COMMAND_FIND(commands, "delete") == &commands[1]);
	CHECK(CU_COMMAND_FIND(commands, "de") == NULL && CU_COMMAND_FIND(commands, NULL) == NULL);
	CHECK(CU_COMMAND_FIND(commands, "list") == &commands[2] && streq(commands[2].note, "l"));
	CHECK(CU_COMMAND_OR_ERR(commands, "ls")->fn(&one) == 7 && cmd_calls == 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char what[128];

		ws = unit_run_child(call_command, &cases[i], err, sizeof(err));
		snprintf(what, sizeof(what), "command '%s' with %d operands: %s",
			 cases[i].name ? cases[i].name : "(none)", cases[i].nargs,
			 *want[i] ? "one line, status 1" : "accepted");
		CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == (*want[i] ? 1 : 0) &&
			  streq(err, want[i]), what);
	}
}

static int ignored_call_count;

static int __must_check must_use(void)
{
	return ++ignored_call_count;
}

static void test_small_helpers(void)
{
	int64_t a, b;

	ignore_result(must_use());	/* compiles quietly under -Werror, and runs once */
	CHECK(ignored_call_count == 1);
	a = cu_now_ms();
	usleep(20000);
	b = cu_now_ms();
	CHECK_MSG(a > 0 && b - a >= 20 && b - a < 5000, "cu_now_ms counts milliseconds, monotonic");
}

int main(void)
{
	test_dlsym();
	test_exits();
	test_error();
	test_alloc_and_strings();
	test_commands();
	test_small_helpers();
	return unit_done();
}
