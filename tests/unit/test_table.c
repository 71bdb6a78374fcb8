// SPDX-License-Identifier: GPL-2.0-or-later
/* test_table.c - listings with --json, --raw, --noheadings and --output */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "table.h"
#include "unit.h"

enum { COL_NAME, COL_NSID, COL_UP, COL_ADDRS, COL_EXTRA };

static const struct table_column cols[] = {
	[COL_NAME]  = { "NAME",  0.2, 0, N_("namespace name") },
	[COL_NSID]  = { "NSID",  0.1, TABLE_RIGHT | TABLE_NUMBER, N_("namespace id") },
	[COL_UP]    = { "UP",    0.1, TABLE_BOOL, N_("link is up") },
	[COL_ADDRS] = { "ADDRS", 0.3, TABLE_ARRAY | TABLE_WRAP, N_("addresses") },
	[COL_EXTRA] = { "EXTRA", 0.1, TABLE_HIDDEN, N_("only with --output") },
};

static char out[8192];

/* Print a two-line table with @o into out[]; 0, or -1 when table_new failed. */
static int render(const struct table_opts *o, struct cu_error *e)
{
	struct cu_table *t = table_new("netns", cols, ARRAY_SIZE(cols),
				       "NAME,NSID,UP", o, e);
	struct libscols_line *ln;
	int fd, saved, r;
	ssize_t n;

	out[0] = '\0';
	if (!t)
		return -1;
	ln = table_add_line(t, NULL);
	r = table_set(t, ln, COL_NAME, "alpha");
	r |= table_set_u64(t, ln, COL_NSID, 7);
	r |= table_set_bool(t, ln, COL_UP, false);
	r |= table_set(t, ln, COL_ADDRS, "10.0.0.1/24\nfd00::1/64");
	r |= table_setf(t, ln, COL_EXTRA, "x%d", 1);
	ln = table_add_line(t, NULL);
	r |= table_set(t, ln, COL_NAME, "beta");
	r |= table_set_u64(t, ln, COL_NSID, 12);
	r |= table_set_bool(t, ln, COL_UP, true);
	r |= table_set(t, ln, COL_ADDRS, NULL);	/* NULL: left empty */
	CHECK(r == 0);
	fflush(stdout);
	fd = memfd_create("table", MFD_CLOEXEC);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	r = table_print(t);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	table_free(t);
	return r;
}

static void show(void)
{
	char *l, *save = NULL, copy[sizeof(out)];

	memcpy(copy, out, sizeof(out));
	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		printf("#   |%s\n", l);
}

static void test_default(void)
{
	struct table_opts o = { 0 };
	struct cu_error e = { 0 };

	CHECK(render(&o, &e) == 0);
	CHECK_MSG(strncmp(out, "NAME", 4) == 0 && strstr(out, "NSID") && strstr(out, "UP"),
		  "default columns with a header line");
	CHECK(strstr(out, "alpha") && strstr(out, "beta") && strstr(out, "no") && strstr(out, "yes"));
	CHECK_MSG(!strstr(out, "ADDRS") && !strstr(out, "EXTRA") && !strstr(out, "x1"),
		  "columns outside the defaults are not shown");
	show();
}

static void test_noheadings_raw(void)
{
	struct table_opts o = { .noheadings = true };
	struct cu_error e = { 0 };

	CHECK(render(&o, &e) == 0);
	CHECK_MSG(!strstr(out, "NAME") && strncmp(out, "alpha", 5) == 0, "--noheadings drops the header");
	o.raw = true;
	CHECK(render(&o, &e) == 0);
	CHECK_MSG(streq(out, "alpha 7 no\nbeta 12 yes\n"), "--raw --noheadings: single spaces");
	show();
	o.noheadings = false;
	CHECK(render(&o, &e) == 0);
	CHECK(streq(out, "NAME NSID UP\nalpha 7 no\nbeta 12 yes\n"));
}

static void test_json(void)
{
	struct table_opts o = { .json = true, .output = "NAME,NSID,UP,ADDRS" };
	struct cu_error e = { 0 };

	CHECK(render(&o, &e) == 0);
	show();
	CHECK_MSG(strstr(out, "\"netns\": [") != NULL, "--json: the array is named");
	CHECK(strstr(out, "\"name\": \"alpha\"") != NULL);
	CHECK_MSG(strstr(out, "\"nsid\": 7") && !strstr(out, "\"nsid\": \"7\""), "--json: numbers unquoted");
	CHECK_MSG(strstr(out, "\"up\": false") && strstr(out, "\"up\": true"), "--json: booleans true and false");
	CHECK_MSG(strstr(out, "\"10.0.0.1/24\", \"fd00::1/64\"") != NULL || strstr(out, "\"10.0.0.1/24\",\"fd00::1/64\""),
		  "--json: an array column is a JSON array");
}

static void test_output(void)
{
	struct table_opts o = { .raw = true, .output = "UP,NAME" };
	struct cu_error e = { 0 };

	CHECK(render(&o, &e) == 0);
	CHECK_MSG(streq(out, "UP NAME\nno alpha\nyes beta\n"), "--output: chosen columns in the given order");
	o.output = "+EXTRA";
	CHECK(render(&o, &e) == 0);
	CHECK_MSG(streq(out, "NAME NSID UP EXTRA\nalpha 7 no x1\nbeta 12 yes \n"), "--output +COL appends");
	show();
	o.output = "+nsid,extra";
	CHECK(render(&o, &e) == 0);
	CHECK_MSG(strncmp(out, "NAME NSID UP EXTRA\n", 19) == 0, "+COL of a default column: shown once; names are case-blind");
	o.output = "name,,nsid,name";
	CHECK(render(&o, &e) == 0 && strncmp(out, "NAME NSID\n", 10) == 0);
	o.output = "NAME,BOGUS";
	CHECK_MSG(render(&o, &e) == -1 && strstr(e.msg, "unknown column: 'BOGUS'"),
		  "--output with an unknown column: NULL and a message naming it");
	o.output = "+BOGUS";
	CHECK(render(&o, &e) == -1 && strstr(e.msg, "'BOGUS'"));
	o.output = "NAM";
	CHECK(render(&o, &e) == -1 && strstr(e.msg, "'NAM'"));
	o.output = "NAMEX";
	CHECK(render(&o, &e) == -1 && strstr(e.msg, "'NAMEX'"));
	o.output = "";
	CHECK(render(&o, &e) == -1 && strstr(e.msg, "no output columns"));
	o.output = ",";
	CHECK(render(&o, &e) == -1);
	o.output = "+";
	CHECK(render(&o, &e) == 0 && strncmp(out, "NAME NSID UP\n", 13) == 0);
}

static void test_has_and_usage(void)
{
	struct table_opts o = { .output = "NAME" };
	struct cu_error e = { 0 };
	struct cu_table *t = table_new("x", cols, ARRAY_SIZE(cols), "NAME,NSID", &o, &e);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(t && table_has(t, COL_NAME) && !table_has(t, COL_NSID) && !table_has(t, 99));
	table_free(t);
	table_free(NULL);
	f = open_memstream(&buf, &len);
	table_usage_columns(f, cols, ARRAY_SIZE(cols));
	fclose(f);
	CHECK(strstr(buf, "Available output columns:") && strstr(buf, "NSID  namespace id") &&
	      strstr(buf, "EXTRA  only with --output"));
	free(buf);
}

/* A tree, a word list and another tool's key: the JSON contract. */
static const struct table_column tcols[] = {
	{ "NAME",  0.2, TABLE_TREE, N_("group name") },
	{ "WORDS", 0.2, TABLE_LIST, N_("words") },
	{ "NSID",  0.1, TABLE_NUMBER, N_("namespace id"), "id" },
};

static int render_tree(const struct table_opts *o)
{
	struct cu_error e = { 0 };
	struct cu_table *t = table_new("groups", tcols, ARRAY_SIZE(tcols),
				       "NAME,WORDS,NSID", o, &e);
	struct libscols_line *ln, *child;
	int r;

	if (!t)
		return -1;
	ln = table_add_line(t, NULL);
	child = table_add_line(t, ln);
	r = table_set(t, ln, 0, "a");
	r |= table_set(t, ln, 1, "cpu memory,pids");
	r |= table_set_u64(t, ln, 2, 3);
	r |= table_set(t, child, 0, table_is_tree(t) ? "b" : "a/b");
	r |= table_set(t, child, 1, "");
	CHECK(r == 0);
	fflush(stdout);
	{
		int fd = memfd_create("table", MFD_CLOEXEC), saved = dup(STDOUT_FILENO);
		ssize_t n;

		dup2(fd, STDOUT_FILENO);
		r = table_print(t);
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
		n = pread(fd, out, sizeof(out) - 1, 0);
		out[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	CHECK(table_is_json(t) == o->json);
	table_free(t);
	return r;
}

static void test_contract(void)
{
	struct table_opts o = { .json = true };

	CHECK(render_tree(&o) == 0);
	show();
	CHECK_MSG(strstr(out, "\"cpu\", \"memory\", \"pids\"") != NULL,
		  "--json: a TABLE_LIST value is an array of its words");
	CHECK_MSG(strstr(out, "\"words\": []") != NULL,
		  "--json: an empty list is [], not [ null ]");
	CHECK_MSG(strstr(out, "\"id\": 3") && !strstr(out, "\"nsid\""),
		  "--json: the column's key from another tool");
	CHECK_MSG(strstr(out, "\"id\": null") != NULL, "--json: an empty number is null");
	CHECK_MSG(strstr(out, "\"children\": [") != NULL, "--json: a tree nests children");
	o.json = false;
	o.raw = true;
	CHECK(render_tree(&o) == 0);
	show();
	CHECK_MSG(streq(out, "NAME WORDS NSID\na cpu\\x20memory,pids 3\na/b  \n"),
		  "--raw: no tree drawn, nothing escaped but the spaces, names in full");
	o.raw = false;
	CHECK(render_tree(&o) == 0);
	CHECK_MSG(strstr(out, "b") && strstr(out, "\xe2\x94\x94") != NULL,
		  "text: the tree is drawn");
	show();
}

static void call_only_for(const void *arg)
{
	struct table_opts t = { .raw = true };

	table_opts_only_for(&t, arg != NULL, "list and diff");
	_exit(0);
}

static void test_parse_option(void)
{
	static const struct option longopts[] = { TABLE_LONGOPTS, { NULL, 0, NULL, 0 } };
	char *argv[] = { "tool", "-J", "--noheadings", "-o", "NAME,UP", "--raw", "-x", NULL };
	struct table_opts t = { 0 };
	char err[512];
	int c, ws, others = 0;

	CHECK(!table_opts_given(&t));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(7, argv, "Jo:x", longopts, NULL)) != -1)
		if (!table_parse_option(&t, c, optarg))
			others += c == 'x';
	CHECK(t.json && t.noheadings && t.raw && t.output && streq(t.output, "NAME,UP"));
	CHECK_MSG(others == 1, "an option not of the table is left to the tool");
	CHECK(table_opts_given(&t));
	t = (struct table_opts) { .output = "NAME" };
	CHECK(table_opts_given(&t));
	CHECK(!table_parse_option(&t, 'r', NULL) && !table_parse_option(&t, 'n', NULL));

	ws = unit_run_child(call_only_for, NULL, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 1 &&
	      strstr(err, ": --json, --noheadings, --output and --raw are only for list and diff\n"));
	ws = unit_run_child(call_only_for, "allowed", err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && !err[0]);
}

int main(void)
{
	setenv("LIBSMARTCOLS_JSON", "", 1);
	unsetenv("LIBSMARTCOLS_DEBUG");
	test_default();
	test_noheadings_raw();
	test_json();
	test_output();
	test_has_and_usage();
	test_contract();
	test_parse_option();
	return unit_done();
}
