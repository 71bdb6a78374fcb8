/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nls.h - gettext macros; identity macros when built without NLS */
#ifndef CU_NLS_H
#define CU_NLS_H

#include <locale.h>

#ifdef ENABLE_NLS
# include <libintl.h>
# define _(s)		gettext(s)
# define P_(s, p, n)	ngettext(s, p, n)
#else
# define _(s)		(s)
# define P_(s, p, n)	((n) == 1 ? (s) : (p))
# define bindtextdomain(domain, dir)	((void) 0)
# define textdomain(domain)		((void) 0)
#endif
#define N_(s)		(s)

/*
 * The line every main() starts with.  It loads the locale (setlocale,
 * bindtextdomain, textdomain) unless the messages would be the same
 * untranslated English anyway (LC_ALL / LC_MESSAGES / LANG unset, C, POSIX,
 * or C.* without LANGUAGE): then the tools skip reading a dozen locale files
 * on every start, and cu_locale_load() does it when something needs the
 * character set (a table's width and line drawing).
 */
void cu_init_locale(void);

/* Load the locale now, once. */
void cu_locale_load(void);

#endif /* CU_NLS_H */
