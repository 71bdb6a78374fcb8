/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - listings through libsmartcols, with the options every listing
 * takes: --json, --raw, --noheadings, --output COLUMNS (as lsns/findmnt).
 */
#ifndef CU_TABLE_H
#define CU_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "c.h"

struct libscols_line;
struct cu_table;

enum {
	TABLE_RIGHT	= 1 << 0,	/* right-aligned (numbers) */
	TABLE_NUMBER	= 1 << 1,	/* a number in --json */
	TABLE_BOOL	= 1 << 2,	/* a boolean in --json ("yes"/"no" in text);
					   always set it: scols prints an empty
					   one as false, not null */
	TABLE_TREE	= 1 << 3,	/* this column draws the tree */
	TABLE_WRAP	= 1 << 4,	/* may wrap (long lists) */
	TABLE_TRUNC	= 1 << 5,	/* may be truncated on a terminal */
	TABLE_ARRAY	= 1 << 6,	/* newline-separated array in --json */
	TABLE_HIDDEN	= 1 << 7,	/* only when asked for with --output */
	TABLE_LIST	= 1 << 8,	/* words (space or comma separated) in
					   text, an array of strings in --json */
};

struct table_column {
	const char *name;		/* "NAME" */
	double whint;			/* libsmartcols width hint */
	int flags;			/* TABLE_* */
	const char *help;		/* marked with N_() */
	const char *json;		/* key in --json where another tool
					   defines it; NULL: name in lower case */
};

struct table_opts {
	bool json;
	bool raw;
	bool noheadings;
	const char *output;		/* "NAME,NSID" or "+EXTRA", NULL: default */
};

/*
 * The long options every listing shares, for a tool's option table: -J and
 * -o have their letters; --noheadings and --raw only long names, with fixed
 * values (as explain.h's OPT_EXPLAIN) that no tool's own enum reaches.
 */
#define TABLE_OPT_NOHEADINGS	0x4e48
#define TABLE_OPT_RAW		0x4e49
#define TABLE_LONGOPTS \
	{ "json",	no_argument,		NULL, 'J' }, \
	{ "noheadings",	no_argument,		NULL, TABLE_OPT_NOHEADINGS }, \
	{ "output",	required_argument,	NULL, 'o' }, \
	{ "raw",	no_argument,		NULL, TABLE_OPT_RAW }

/*
 * Store getopt's @c (with @arg, its optarg) in @t when it is one of
 * TABLE_LONGOPTS; false when it is not, so the tool's switch goes on.
 */
bool table_parse_option(struct table_opts *t, int c, const char *arg);

/* Was any of --json, --noheadings, --output or --raw given? */
bool table_opts_given(const struct table_opts *t);

/*
 * Exit with the one message for the listing options on a command that
 * prints no listing, unless @allowed: "--json, --noheadings, --output and
 * --raw are only for @which" (@which: the tool's listing commands).
 */
void table_opts_only_for(const struct table_opts *t, bool allowed, const char *which);

/*
 * A table of @cols, showing @defaults ("NAME,NSID,...") unless opts->output
 * names others ("+COL" appends to the defaults); @json_name is the top-level
 * array in --json.  NULL with *e filled for an unknown column.
 */
struct cu_table *table_new(const char *json_name,
			   const struct table_column *cols, size_t ncols,
			   const char *defaults, const struct table_opts *opts,
			   struct cu_error *e);

/*
 * A new line, under @parent for trees (NULL: top level).  --raw draws no
 * tree (as lsblk --raw): every line is a top-level line then, and the tool
 * asks table_is_tree() to print names in full.
 */
struct libscols_line *table_add_line(struct cu_table *t, struct libscols_line *parent);

/* Set column @col (the tool's index into cols[]) of @ln; ignored when hidden. */
int table_set(struct cu_table *t, struct libscols_line *ln, size_t col, const char *value);
int table_setf(struct cu_table *t, struct libscols_line *ln, size_t col,
	       const char *fmt, ...) __printf(4, 5);
int table_set_u64(struct cu_table *t, struct libscols_line *ln, size_t col, unsigned long long v);
int table_set_bool(struct cu_table *t, struct libscols_line *ln, size_t col, bool v);

/* Is it --json (an unknown value is left unset there, to print null)? */
bool table_is_json(const struct cu_table *t);

/* Are lines nested (not --raw)? */
bool table_is_tree(const struct cu_table *t);

/* Is column @col shown (so the tool can skip costly lookups)? */
bool table_has(const struct cu_table *t, size_t col);

int table_print(struct cu_table *t) __must_check;
void table_free(struct cu_table *t);

/* The "Available output columns" block of usage(). */
void table_usage_columns(FILE *out, const struct table_column *cols, size_t ncols);

#endif /* CU_TABLE_H */
