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

/* The three lines every main() starts with. */
#define cu_init_locale() do { \
	setlocale(LC_ALL, ""); \
	bindtextdomain(PACKAGE, LOCALEDIR); \
	textdomain(PACKAGE); \
} while (0)

#endif /* CU_NLS_H */
