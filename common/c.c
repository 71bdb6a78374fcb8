// SPDX-License-Identifier: GPL-2.0-or-later
/* c.c - error reporting, version, the subcommand table and allocation helpers */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c.h"

int cu_exit_failure = CU_EXIT_FAILURE;

void errtryhelp(void)
{
	fprintf(stderr, _("Try '%s --help' for more information.\n"),
		program_invocation_short_name);
	exit(cu_exit_failure);
}

const struct cu_command *cu_command_find(const struct cu_command *first, size_t n,
					 size_t size, const char *name)
{
	const char *row = (const char *) first;
	size_t i;

	for (i = 0; name && i < n; i++, row += size) {
		const struct cu_command *c = (const struct cu_command *) (const void *) row;

		if (streq(c->name, name) || (c->alias && streq(c->alias, name)))
			return c;
	}
	return NULL;
}

const struct cu_command *cu_command_or_err(const struct cu_command *first, size_t n,
					   size_t size, const char *name)
{
	const struct cu_command *c = cu_command_find(first, n, size, name);

	if (!name)
		diex(_("no command given; see '%s --help'"), program_invocation_short_name);
	if (!c)
		diex(_("unknown command '%1$s'; see '%2$s --help'"), name,
		     program_invocation_short_name);
	return c;
}

void cu_command_check_args(const struct cu_command *c, int nargs, char *const *args)
{
	if (nargs < c->min_args)
		diex(_("%s: missing argument (see --help)"), c->name);
	if (c->max_args >= 0 && nargs > c->max_args)
		diex(_("%1$s: unexpected argument: '%2$s'"), c->name, args[c->max_args]);
}

void print_version(void)
{
	/* TRANSLATORS: "nsrun from container-utils 0.1.0" */
	printf(_("%1$s from %2$s\n"), program_invocation_short_name, PACKAGE_STRING);
	exit(EXIT_SUCCESS);
}

int cu_error_set(struct cu_error *e, int errnum, const char *fmt, ...)
{
	if (errnum < 0)
		errnum = -errnum;
	if (e) {
		va_list ap;
		int n;

		e->errnum = errnum;
		va_start(ap, fmt);
		n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
		if (n < 0)
			e->msg[0] = '\0';
	}
	return errnum ? -errnum : -EINVAL;
}

static char *perm_hint;

/*
 * Append @s to *@buf as one shell word, after a space: as is when plain,
 * else in single quotes, or, when it holds a control byte, as $'...' with
 * \xNN escapes, so that no raw control byte reaches a terminal.
 */
static void append_word(char **buf, const char *s)
{
	const unsigned char *p;
	bool plain = *s != '\0', ctrl = false;
	size_t len = strlen(*buf);
	char *out = xmalloc(len + 4 * strlen(s) + 5), *o;

	for (p = (const unsigned char *) s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			ctrl = true;
		if (!isalnum(*p) && !strchr("_./:=@%+,-", (char) *p))
			plain = false;
	}
	memcpy(out, *buf, len);
	o = out + len;
	*o++ = ' ';
	if (!plain)
		o = stpcpy(o, ctrl ? "$'" : "'");
	for (p = (const unsigned char *) s; *p; p++) {
		if (plain)
			*o++ = (char) *p;
		else if (ctrl && (*p < 0x20 || *p == 0x7f))
			o += sprintf(o, "\\x%02x", *p);
		else if (ctrl && (*p == '\'' || *p == '\\'))
			*o++ = '\\', *o++ = (char) *p;
		else if (*p == '\'')
			o = stpcpy(o, "'\\''");
		else
			*o++ = (char) *p;
	}
	if (!plain)
		*o++ = '\'';
	*o = '\0';
	free(*buf);
	*buf = out;
}

void cu_perm_hint_init(int argc, char **argv, const char *alt)
{
	char *cmd, *alt_text = NULL;
	int i;

	if (geteuid() == 0)
		return;		/* the hint is for users who are not root */
	cmd = xstrdup("");
	append_word(&cmd, program_invocation_short_name);
	for (i = 1; i < argc; i++)
		append_word(&cmd, argv[i]);
	if (alt) {
		/* TRANSLATORS: after "sudo COMMAND": "nsrun ... COMMAND" */
		xasprintf(&alt_text, _(", or %1$s %2$s"), alt, cmd + 1);
	}
	free(perm_hint);
	/* TRANSLATORS: after "Permission denied"; %1$s is the command line */
	xasprintf(&perm_hint, _("run as root: sudo %1$s%2$s"), cmd + 1,
		  alt_text ? alt_text : "");
	free(alt_text);
	free(cmd);
}

const char *cu_perm_hint(int errnum)
{
	if (!perm_hint || (errnum != EPERM && errnum != EACCES))
		return NULL;
	return perm_hint;
}

void cu_die(const char *fmt, ...)
{
	int errnum = errno;
	const char *hint = cu_perm_hint(errnum);
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (hint)
		fprintf(stderr, ": %s (%s)\n", strerror(errnum), hint);
	else
		fprintf(stderr, ": %s\n", strerror(errnum));
	exit(cu_exit_failure);
}

void cu_error_warn(const struct cu_error *e)
{
	const char *hint = cu_perm_hint(e->errnum);

	if (hint)
		warnx("%s: %s (%s)", e->msg, strerror(e->errnum), hint);
	else if (e->errnum)
		warnx("%s: %s", e->msg, strerror(e->errnum));
	else
		warnx("%s", e->msg);
}

void cu_error_die(const struct cu_error *e)
{
	cu_error_warn(e);
	exit(cu_exit_failure);
}

static void *oom_check(void *p)
{
	if (!p)
		err(cu_exit_failure, _("cannot allocate memory"));
	return p;
}

void *xmalloc(size_t size)
{
	return oom_check(malloc(size ? size : 1));
}

void *xcalloc(size_t nmemb, size_t size)
{
	return oom_check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *xrealloc(void *ptr, size_t size)
{
	return oom_check(realloc(ptr, size ? size : 1));
}

char *xstrdup(const char *s)
{
	return oom_check(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return oom_check(strndup(s, n));
}

int xasprintf(char **strp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	if (n < 0)
		err(cu_exit_failure, _("cannot allocate memory"));
	return n;
}

static bool locale_loaded;

void cu_locale_load(void)
{
	if (locale_loaded)
		return;
	locale_loaded = true;
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
}

/* The locale messages come from, as setlocale(3) and gettext(3) pick it. */
static const char *messages_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

void cu_init_locale(void)
{
	const char *loc = messages_locale(), *language = getenv("LANGUAGE");

	if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return;		/* gettext ignores LANGUAGE in C */
	if (strncmp(loc, "C.", 2) == 0 && (!language || !*language))
		return;
	cu_locale_load();
}
