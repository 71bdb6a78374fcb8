/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * c.h - what every container-utils file needs: error reporting with one
 * exit-failure value, usage/version strings, the subcommand table,
 * allocation that cannot fail, cleanup attributes and small helpers.
 */
#ifndef CU_C_H
#define CU_C_H

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"

#ifndef __GNUC__
# error "container-utils needs GCC or clang"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + \
	0 * sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0]))]))

#define __must_check	__attribute__((warn_unused_result))
#define __noreturn	__attribute__((noreturn))
#define __printf(f, a)	__attribute__((format(printf, f, a)))
#define __unused	__attribute__((unused))

/* Exit statuses (see STYLE.md B5). */
enum {
	CU_EXIT_FAILURE = 1,
	CU_EXIT_CANCELED = 125,		/* the tool failed before exec */
	CU_EXIT_CANNOT_INVOKE = 126,	/* program found, not executable */
	CU_EXIT_ENOENT = 127,		/* program not found */
};

/*
 * The one status every error exit uses: 1 for plain commands, 125 once a
 * chainloader knows it will run a program (cu_set_exit_failure()).
 */
extern int cu_exit_failure;

static inline void cu_set_exit_failure(int status)
{
	cu_exit_failure = status;
}

#define die(...)	cu_die(__VA_ARGS__)
#define diex(...)	errx(cu_exit_failure, __VA_ARGS__)

/* die() with an explicit errno value (a -errno result from common/). */
#define die_errno(e, ...) do { errno = (e) < 0 ? -(e) : (e); die(__VA_ARGS__); } while (0)

/* getopt already printed its line; add the pointer to --help and exit. */
__noreturn void errtryhelp(void);

/* Print "TOOL from container-utils X.Y.Z" and exit 0. */
__noreturn void print_version(void);

#define USAGE_HEADER		_("\nUsage:\n")
#define USAGE_OPTIONS		_("\nOptions:\n")
#define USAGE_COMMANDS		_("\nCommands:\n")
#define USAGE_COLUMNS		_("\nAvailable output columns:\n")
#define USAGE_ARGUMENTS		_("\nArguments:\n")
#define USAGE_SEPARATOR		"\n"
#define USAGE_OPTSTR_HELP	_("display this help")
#define USAGE_OPTSTR_VERSION	_("display version")
#define USAGE_HELP_OPTIONS(marg) \
	printf("%-" #marg "s%s\n", " -h, --help", USAGE_OPTSTR_HELP); \
	printf("%-" #marg "s%s\n", " -V, --version", USAGE_OPTSTR_VERSION)
#define USAGE_MAN_TAIL(man)	_("\nFor more details see %s.\n"), man

/*
 * A subcommand of netns, vethctl, cgset or unionmount: its name, another
 * name it answers to (iproute2's "ls", "del") and how many operands follow
 * it.  A tool's table has rows of its own type, this struct first, then
 * the function that runs the command, typed for the tool's control struct
 * (so no cast of ctl to void and back):
 *
 *	struct netns_command {
 *		struct cu_command cmd;
 *		int (*fn)(struct netns_control *ctl);
 *	};
 *	static const struct netns_command commands[] = {
 *		{ { "list", "ls", 0, 0 }, cmd_list }, ...
 *	};
 *	ctl->cmd = CU_COMMAND_OR_ERR(commands, argv[optind]);
 *	cu_command_check_args(&ctl->cmd->cmd, nargs, args);
 *	return ctl->cmd->fn(ctl);
 */
struct cu_command {
	const char *name;
	const char *alias;		/* NULL: none */
	int min_args;			/* operands after the command */
	int max_args;			/* -1: any number */
};

/*
 * The row named @name (or by its alias) of the @n rows of @size bytes that
 * start with @first; NULL when none is.
 */
const struct cu_command *cu_command_find(const struct cu_command *first, size_t n,
					 size_t size, const char *name);

/*
 * The same, or exit with the one message for an unknown command ("unknown
 * command 'X'; see 'TOOL --help'"), or, when @name is NULL, for a missing
 * one ("no command given; see 'TOOL --help'").
 */
const struct cu_command *cu_command_or_err(const struct cu_command *first, size_t n,
					   size_t size, const char *name);

/*
 * Exit with the one message for a wrong operand count of @c: "CMD:
 * missing argument (see --help)" below min_args, "CMD: unexpected
 * argument: 'X'" above max_args; @args are the @nargs operands.
 */
void cu_command_check_args(const struct cu_command *c, int nargs, char *const *args);

/* The two lookups on a tool's table @tab, giving a pointer to its row type. */
#define CU_COMMAND_ROW(tab, c) \
	((void) sizeof(char[1 - 2 * (offsetof(__typeof__((tab)[0]), cmd) != 0)]), \
	 (__typeof__(&(tab)[0])) (const void *) (c))
#define CU_COMMAND_FIND(tab, name) \
	CU_COMMAND_ROW(tab, cu_command_find(&(tab)[0].cmd, ARRAY_SIZE(tab), sizeof((tab)[0]), name))
#define CU_COMMAND_OR_ERR(tab, name) \
	CU_COMMAND_ROW(tab, cu_command_or_err(&(tab)[0].cmd, ARRAY_SIZE(tab), sizeof((tab)[0]), name))

/*
 * Errors from common/: an errno value plus a message made where the context
 * is known (crun's idea, without malloc).  bin/ reports it once.
 */
struct cu_error {
	int errnum;		/* positive errno, 0 when unset */
	char msg[512];
};

/* Fill @e (may be NULL) and return -errnum, so failing is one return. */
int cu_error_set(struct cu_error *e, int errnum, const char *fmt, ...) __printf(3, 4);

/* Report @e as "TOOL: msg: strerror" (or "TOOL: msg" when errnum is 0). */
__noreturn void cu_error_die(const struct cu_error *e);
void cu_error_warn(const struct cu_error *e);

/*
 * What to run instead when the kernel refuses a non-root user (EPERM,
 * EACCES): a tool that may need root calls cu_perm_hint_init() first, and
 * every die() and cu_error_die() of such an error then ends with
 * "(run as root: sudo TOOL ARGS...)", plus ", or @alt TOOL ARGS..." when
 * @alt is given (e.g. "nsrun --user --map-root-user --net").
 */
void cu_perm_hint_init(int argc, char **argv, const char *alt);
/* The hint for @errnum (a positive errno), or NULL: none applies. */
const char *cu_perm_hint(int errnum);

/* err(3) with the hint above: "TOOL: msg: strerror (hint)". */
__noreturn void cu_die(const char *fmt, ...) __printf(1, 2);

/* Allocation: out of memory is the one error common/ may exit on. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **strp, const char *fmt, ...) __printf(2, 3);

/* Scoped cleanup for locals in common/ (crun's cleanup_* idea). */
static inline void cu_freep(void *p)
{
	free(*(void **) p);
}

static inline void cu_closep(const int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void cu_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;

		fclose(*f);
		errno = saved;
	}
}

#define _cleanup_free_		__attribute__((cleanup(cu_freep)))
#define _cleanup_close_		__attribute__((cleanup(cu_closep)))
#define _cleanup_fclose_	__attribute__((cleanup(cu_fclosep)))

/* Hand a scoped fd to the caller: returns it and leaves -1 behind. */
static inline int take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Ignore a result on purpose (util-linux's form), where a cast to void
 * would not quiet warn_unused_result.  Say why at the call.
 */
#define ignore_result(x) __extension__ ({ \
	__typeof__(x) __ignored __attribute__((__unused__)) = (x); \
	(void) __ignored; \
})

/* Milliseconds on CLOCK_MONOTONIC: for deadlines and intervals, not dates. */
static inline int64_t cu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* fopen() mode suffix for close-on-exec. */
#define CU_CLOEXECSTR	"e"

#endif /* CU_C_H */
