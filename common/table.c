// SPDX-License-Identifier: GPL-2.0-or-later
/* table.c - libsmartcols tables with --json/--raw/--noheadings/--output */
#include <errno.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "c.h"
#include "dlsym.h"
#include "table.h"

/*
 * libsmartcols is loaded by the first table_new(): most runs of the tools
 * print no table, and loading it costs each of them a tenth of a
 * millisecond.  Every call below goes through these pointers.
 */
#define SCOLS_SONAME	"libsmartcols.so.1"
static __typeof__(scols_new_table) *dl_scols_new_table;
static __typeof__(scols_unref_table) *dl_scols_unref_table;
static __typeof__(scols_table_enable_json) *dl_scols_table_enable_json;
static __typeof__(scols_table_enable_raw) *dl_scols_table_enable_raw;
static __typeof__(scols_table_enable_noheadings) *dl_scols_table_enable_noheadings;
static __typeof__(scols_table_set_name) *dl_scols_table_set_name;
static __typeof__(scols_table_new_column) *dl_scols_table_new_column;
static __typeof__(scols_column_set_json_type) *dl_scols_column_set_json_type;
static __typeof__(scols_column_set_wrapfunc) *dl_scols_column_set_wrapfunc;
static __typeof__(scols_wrapnl_chunksize) *dl_scols_wrapnl_chunksize;
static __typeof__(scols_wrapnl_nextchunk) *dl_scols_wrapnl_nextchunk;
static __typeof__(scols_column_set_safechars) *dl_scols_column_set_safechars;
static __typeof__(scols_table_new_line) *dl_scols_table_new_line;
static __typeof__(scols_line_set_data) *dl_scols_line_set_data;
static __typeof__(scols_line_refer_data) *dl_scols_line_refer_data;
static __typeof__(scols_table_is_json) *dl_scols_table_is_json;
static __typeof__(scols_print_table) *dl_scols_print_table;
static __typeof__(scols_table_set_stream) *dl_scols_table_set_stream;

static const struct dl_symbol scols_symbols[] = {
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_new_table)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_unref_table)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_enable_json)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_enable_raw)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_enable_noheadings)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_set_name)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_new_column)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_column_set_json_type)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_column_set_wrapfunc)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_wrapnl_chunksize)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_wrapnl_nextchunk)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_column_set_safechars)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_new_line)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_line_set_data)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_line_refer_data)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_is_json)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_print_table)
	DL_SYMBOL_LINKED(CU_LINK_SMARTCOLS, scols_table_set_stream)
};

DL_NOTE_UNLESS(CU_LINK_SMARTCOLS, "table", "tables and --json listings",
	       DL_PRIORITY_RECOMMENDED, SCOLS_SONAME);

static struct dl_library scols_library = {
	.soname = SCOLS_SONAME,
	.symbols = scols_symbols,
	.nsymbols = ARRAY_SIZE(scols_symbols),
};

#define scols_new_table (*dl_scols_new_table)
#define scols_unref_table (*dl_scols_unref_table)
#define scols_table_enable_json (*dl_scols_table_enable_json)
#define scols_table_enable_raw (*dl_scols_table_enable_raw)
#define scols_table_enable_noheadings (*dl_scols_table_enable_noheadings)
#define scols_table_set_name (*dl_scols_table_set_name)
#define scols_table_new_column (*dl_scols_table_new_column)
#define scols_column_set_json_type (*dl_scols_column_set_json_type)
#define scols_column_set_wrapfunc (*dl_scols_column_set_wrapfunc)
#define scols_wrapnl_chunksize (*dl_scols_wrapnl_chunksize)
#define scols_wrapnl_nextchunk (*dl_scols_wrapnl_nextchunk)
#define scols_column_set_safechars (*dl_scols_column_set_safechars)
#define scols_table_new_line (*dl_scols_table_new_line)
#define scols_line_set_data (*dl_scols_line_set_data)
#define scols_line_refer_data (*dl_scols_line_refer_data)
#define scols_table_is_json (*dl_scols_table_is_json)
#define scols_print_table (*dl_scols_print_table)
#define scols_table_set_stream (*dl_scols_table_set_stream)

#define TABLE_MAX_COLUMNS	64

struct cu_table {
	struct libscols_table *tb;
	const struct table_column *cols;
	size_t ncols;
	/* shown[i]: position of cols[i] in the scols table, or -1 */
	int shown[TABLE_MAX_COLUMNS];
	size_t nshown;
	bool json;
	bool tree;		/* not --raw */
};

static int column_by_name(const struct table_column *cols, size_t ncols,
			  const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strncasecmp(cols[i].name, name, len) == 0 &&
		    cols[i].name[len] == '\0')
			return (int) i;
	return -1;
}

/* Add the columns named in the comma list @list to @t. */
static int add_column_list(struct cu_table *t, const char *list, struct cu_error *e)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int i = column_by_name(t->cols, t->ncols, p, len);

		if (len == 0) {
			p++;
			continue;
		}
		if (i < 0)
			return cu_error_set(e, 0, _("unknown column: '%1$.*2$s' (see --help for the list)"),
					    p, (int) len);
		if (t->shown[i] < 0)
			t->shown[i] = (int) t->nshown++;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int make_column(struct cu_table *t, size_t i)
{
	const struct table_column *c = &t->cols[i];
	int fl = 0;
	struct libscols_column *cl;

	if (c->flags & TABLE_RIGHT)
		fl |= SCOLS_FL_RIGHT;
	if ((c->flags & TABLE_TREE) && t->tree)
		fl |= SCOLS_FL_TREE;
	if (c->flags & TABLE_WRAP)
		fl |= SCOLS_FL_WRAP;
	if (c->flags & TABLE_TRUNC)
		fl |= SCOLS_FL_TRUNC;
	if ((c->flags & TABLE_ARRAY) || ((c->flags & TABLE_LIST) && t->json))
		fl |= SCOLS_FL_WRAP;	/* scols splits elements by wrapping */
	/* the header is the key in JSON */
	cl = scols_table_new_column(t->tb, t->json && c->json ? c->json : c->name,
				    c->whint, fl);
	if (!cl)
		return -ENOMEM;
	if (c->flags & TABLE_NUMBER)
		scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	else if (c->flags & TABLE_BOOL)
		scols_column_set_json_type(cl, SCOLS_JSON_BOOLEAN);
	else if ((c->flags & TABLE_ARRAY) || ((c->flags & TABLE_LIST) && t->json)) {
		/* the newline wrap functions are what splits the elements */
		scols_column_set_json_type(cl, SCOLS_JSON_ARRAY_STRING);
		scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
					  scols_wrapnl_nextchunk, NULL);
		scols_column_set_safechars(cl, "\n");
	}
	return 0;
}

/* Create the scols columns in the order the user asked for them. */
static int make_columns(struct cu_table *t)
{
	size_t pos, i;

	for (pos = 0; pos < t->nshown; pos++)
		for (i = 0; i < t->ncols; i++)
			if (t->shown[i] == (int) pos && make_column(t, i) < 0)
				return -ENOMEM;
	return 0;
}

struct cu_table *table_new(const char *json_name,
			   const struct table_column *cols, size_t ncols,
			   const char *defaults, const struct table_opts *opts,
			   struct cu_error *e)
{
	struct cu_table *t;
	const char *out = opts->output;
	size_t i;

	if (ncols > TABLE_MAX_COLUMNS) {
		cu_error_set(e, E2BIG, _("cannot create table"));
		return NULL;
	}
	cu_locale_load();	/* the character set decides widths and line drawing */
	if (dl_library_load(&scols_library, e) < 0)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->json = opts->json;
	t->tree = !opts->raw || opts->json;
	for (i = 0; i < ncols; i++)
		t->shown[i] = -1;
	if (!out || *out == '+') {
		if (add_column_list(t, defaults, e) < 0)
			goto fail;
		if (out)
			out++;
	}
	if (out && add_column_list(t, out, e) < 0)
		goto fail;
	if (t->nshown == 0) {
		cu_error_set(e, 0, _("no output columns given (see --help for the list)"));
		goto fail;
	}
	t->tb = scols_new_table();
	if (!t->tb) {
		cu_error_set(e, ENOMEM, _("cannot create table"));
		goto fail;
	}
	scols_table_enable_json(t->tb, opts->json);
	scols_table_enable_raw(t->tb, opts->raw);
	scols_table_enable_noheadings(t->tb, opts->noheadings);
	scols_table_set_name(t->tb, json_name);
	if (make_columns(t) < 0) {
		cu_error_set(e, ENOMEM, _("cannot create table"));
		goto fail;
	}
	return t;
fail:
	table_free(t);
	return NULL;
}

struct libscols_line *table_add_line(struct cu_table *t, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(t->tb, t->tree ? parent : NULL);

	if (!ln)
		err(cu_exit_failure, _("cannot allocate memory"));
	return ln;
}

bool table_is_json(const struct cu_table *t)
{
	return t->json;
}

bool table_is_tree(const struct cu_table *t)
{
	return t->tree;
}

bool table_has(const struct cu_table *t, size_t col)
{
	return col < t->ncols && t->shown[col] >= 0;
}

/* A TABLE_LIST value as the newline-separated elements scols splits. */
static int set_list(struct cu_table *t, struct libscols_line *ln, size_t col,
		    const char *value)
{
	char *s = xcalloc(1, strlen(value) + 1), *p = s;
	const char *v = value + strspn(value, " ,");

	while (*v) {
		size_t len = strcspn(v, " ,");

		if (p > s)
			*p++ = '\n';
		memcpy(p, v, len);
		p += len;
		v += len;
		v += strspn(v, " ,");
	}
	*p = '\0';
	/* scols takes the string over */
	return scols_line_refer_data(ln, (size_t) t->shown[col], s);
}

int table_set(struct cu_table *t, struct libscols_line *ln, size_t col, const char *value)
{
	if (!table_has(t, col) || !value)
		return 0;
	if (t->json && (t->cols[col].flags & TABLE_LIST))
		return set_list(t, ln, col, value);
	return scols_line_set_data(ln, (size_t) t->shown[col], value);
}

int table_setf(struct cu_table *t, struct libscols_line *ln, size_t col,
	       const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (!table_has(t, col))
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	/* scols takes the string over */
	return scols_line_refer_data(ln, (size_t) t->shown[col], s);
}

int table_set_u64(struct cu_table *t, struct libscols_line *ln, size_t col,
		  unsigned long long v)
{
	return table_setf(t, ln, col, "%llu", v);
}

int table_set_bool(struct cu_table *t, struct libscols_line *ln, size_t col, bool v)
{
	const char *s;

	if (!table_has(t, col))
		return 0;
	/* libsmartcols prints a JSON boolean false only for "", "0" or "n..." */
	if (scols_table_is_json(t->tb))
		s = v ? "1" : "0";
	else
		s = v ? _("yes") : _("no");
	return table_set(t, ln, col, s);
}

/*
 * libsmartcols (2.38) prints an empty array as [ null ]: write [] instead.
 * A null array element comes from nothing else (a "null" string is quoted).
 */
static void fputs_json(const char *s, FILE *out)
{
	const char *p;

	while ((p = strchr(s, '['))) {
		const char *q = p + 1 + strspn(p + 1, " \n");

		fwrite(s, 1, (size_t) (p - s), out);
		s = p + 1;
		if (strncmp(q, "null", 4) == 0) {
			q += 4;
			q += strspn(q, " \n");
			if (*q == ']') {
				fputs("[]", out);
				s = q + 1;
				continue;
			}
		}
		fputc('[', out);
	}
	fputs(s, out);
}

int table_print(struct cu_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (!t->json)
		return scols_print_table(t->tb) < 0 ? -EIO : 0;
	mem = open_memstream(&buf, &len);
	if (!mem)
		return -ENOMEM;
	rc = scols_table_set_stream(t->tb, mem) < 0 || scols_print_table(t->tb) < 0 ? -EIO : 0;
	if (fclose(mem) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0)
		fputs_json(buf, stdout);
	free(buf);
	return rc;
}

void table_free(struct cu_table *t)
{
	if (!t)
		return;
	if (t->tb)
		scols_unref_table(t->tb);
	free(t);
}

void table_usage_columns(FILE *out, const struct table_column *cols, size_t ncols)
{
	size_t i;

	fputs(USAGE_COLUMNS, out);
	for (i = 0; i < ncols; i++)
		fprintf(out, " %12s  %s\n", cols[i].name, _(cols[i].help));
}

bool table_parse_option(struct table_opts *t, int c, const char *arg)
{
	switch (c) {
	case 'J':
		t->json = true;
		return true;
	case TABLE_OPT_NOHEADINGS:
		t->noheadings = true;
		return true;
	case 'o':
		t->output = arg;
		return true;
	case TABLE_OPT_RAW:
		t->raw = true;
		return true;
	}
	return false;
}

bool table_opts_given(const struct table_opts *t)
{
	return t->json || t->noheadings || t->output || t->raw;
}

void table_opts_only_for(const struct table_opts *t, bool allowed, const char *which)
{
	if (!allowed && table_opts_given(t))
		diex(_("--json, --noheadings, --output and --raw are only for %s"), which);
}
