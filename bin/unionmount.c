// SPDX-License-Identifier: GPL-2.0-or-later
/* unionmount(8) - layered root filesystems: overlay unions and OCI layers */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "layer.h"
#include "union.h"
#include "table.h"

enum um_cmd {
	CMD_MOUNT,
	CMD_UMOUNT,
	CMD_LIST,
	CMD_DIFF,
	CMD_COMMIT,
	CMD_APPLY,
};

struct unionmount_control;

static void do_mount(struct unionmount_control *ctl);
static void do_umount(struct unionmount_control *ctl);
static void do_list(struct unionmount_control *ctl);
static void do_diff(struct unionmount_control *ctl);
static void do_commit(struct unionmount_control *ctl);
static void do_apply(struct unionmount_control *ctl);

/* A row of commands[] (c.h: struct cu_command first). */
struct um_command {
	struct cu_command cmd;
	enum um_cmd id;
	void (*fn)(struct unionmount_control *ctl);
};

/* "ls" as netns and iproute2; a first operand that is no command: mount */
static const struct um_command commands[] = {
	[CMD_MOUNT]  = { { "mount",  NULL, 1, 1 }, CMD_MOUNT,  do_mount },
	[CMD_UMOUNT] = { { "umount", NULL, 1, 1 }, CMD_UMOUNT, do_umount },
	[CMD_LIST]   = { { "list",   "ls", 0, 0 }, CMD_LIST,   do_list },
	[CMD_DIFF]   = { { "diff",   NULL, 1, 1 }, CMD_DIFF,   do_diff },
	[CMD_COMMIT] = { { "commit", NULL, 1, 1 }, CMD_COMMIT, do_commit },
	[CMD_APPLY]  = { { "apply",  NULL, 2, 2 }, CMD_APPLY,  do_apply },
};

struct unionmount_control {
	const struct um_command *cmd;
	struct ovl_spec spec;
	struct table_opts topts;
	const char *output;	/* -o as given, two meanings: see check_args() */
	const char *columns;	/* list: -o, the columns to show */
	const char *layer_file;	/* commit: -o, the layer file to write */
	const char *options;	/* mount: --options */
	unsigned int apply_flags;	/* apply: LAYER_KEEP_* */
	bool verbose;
	char **args;
	int nargs;
};

enum {
	COL_TARGET,
	COL_LAYERS,
	COL_UPPER,
	COL_WORK,
	COL_OPTIONS,
	COL_SOURCE,
	COL_ID,
};

static const struct table_column columns[] = {
	[COL_TARGET]  = { "TARGET",  0.3, TABLE_TREE, N_("mount point, or a layer with --verbose") },
	[COL_LAYERS]  = { "LAYERS",  5,   TABLE_RIGHT | TABLE_NUMBER, N_("number of lower layers, or the layer's position") },
	[COL_UPPER]   = { "UPPER",   0.2, TABLE_TRUNC, N_("upper directory (empty: read-only)") },
	[COL_WORK]    = { "WORK",    0.2, TABLE_TRUNC, N_("work directory") },
	[COL_OPTIONS] = { "OPTIONS", 0.2, TABLE_WRAP, N_("other overlay options") },
	[COL_SOURCE]  = { "SOURCE",  0.1, TABLE_HIDDEN, N_("mount source") },
	[COL_ID]      = { "ID",      5,   TABLE_HIDDEN | TABLE_RIGHT | TABLE_NUMBER, N_("mount id") },
};

#define DEFAULT_COLUMNS "TARGET,LAYERS,UPPER,WORK,OPTIONS"

/* diff with --json, --raw or --noheadings */
enum { COL_KIND, COL_PATH };
static const struct table_column diff_columns[] = {
	[COL_KIND] = { "KIND", 1, 0, N_("diff: A (added), C (changed) or D (deleted)") },
	[COL_PATH] = { "PATH", 0.9, 0, N_("diff: path in the union") },
};

static void __noreturn usage(void)
{
	FILE *out = stdout;

	fputs(USAGE_HEADER, out);
	printf(_(" %s [mount] [options] --lower <layer>[:<layer>...] <target>\n"), program_invocation_short_name);
	printf(_(" %s umount <target>\n"), program_invocation_short_name);
	printf(_(" %s list [options]\n"), program_invocation_short_name);
	printf(_(" %s diff <upper>|<target>\n"), program_invocation_short_name);
	printf(_(" %s commit <upper>|<target> --output <layer.tar>[.gz|.zst]\n"), program_invocation_short_name);
	printf(_(" %s apply <layer.tar>[.gz|.zst] <dir>\n"), program_invocation_short_name);
	fputs(USAGE_SEPARATOR, out);
	fputs(_("Mount layered unions with overlayfs, and diff, commit and apply OCI layers.\n"), out);
	fputs(USAGE_COMMANDS, out);
	fputs(_(" mount                     mount a union (the default command)\n"), out);
	fputs(_(" umount                    unmount a union, release what mount made\n"), out);
	fputs(_(" list                      list mounted unions\n"), out);
	fputs(_(" diff                      print an upper's changes as A/C/D lines\n"), out);
	fputs(_(" commit                    write an upper as an OCI layer tar\n"), out);
	fputs(_(" apply                     unpack an OCI layer tar into a directory\n"), out);
	fputs(USAGE_OPTIONS, out);
	fputs(_(" -l, --lower <layers>      lower layers, leftmost on top (repeatable)\n"), out);
	fputs(_("     --upper <dir>         writable upper directory\n"), out);
	fputs(_("     --work <dir>          work directory (default: <upper>.work, made)\n"), out);
	fputs(_("     --options <list>      more mount options (mount; default nodev,nosuid)\n"), out);
	fputs(_("     --ro                  mount the union read-only\n"), out);
	fputs(_("     --keep-devices        apply: create the layer's device nodes\n"), out);
	fputs(_("     --keep-setid          apply: keep setuid/setgid bits and file capabilities\n"), out);
	fputs(_(" -o, --output <file|list>  layer file (commit), columns (list)\n"), out);
	fputs(_("     --verbose             list every layer (list), each entry dropped (apply)\n"), out);
	fputs(_(" -J, --json                use JSON output format (list, diff)\n"), out);
	fputs(_("     --noheadings          do not print headings (list, diff)\n"), out);
	fputs(_("     --raw                 use raw output format (list, diff)\n"), out);
	fputs(_("     --dry-run             print the plan: each kernel call, with the\n"
		"                             privilege it needs; make none (any user)\n"), out);
	fputs(_("     --explain             narrate each kernel call on stderr\n"), out);
	fputs(USAGE_SEPARATOR, out);
	USAGE_HELP_OPTIONS(27);
	table_usage_columns(out, columns, ARRAY_SIZE(columns));
	printf(USAGE_MAN_TAIL("unionmount(8)"));
	exit(EXIT_SUCCESS);
}

/* --lower A:B --lower C gives A, B, C (a "\:" keeps a colon in a name). */
static void add_lowers(struct ovl_spec *s, const char *arg)
{
	char *cur = xmalloc(strlen(arg) + 1);
	size_t n = 0;

	for (;; arg++) {
		if (*arg == '\\' && (arg[1] == ':' || arg[1] == '\\')) {
			cur[n++] = *++arg;
			continue;
		}
		if (*arg && *arg != ':') {
			cur[n++] = *arg;
			continue;
		}
		if (n) {
			s->lowers = xrealloc(s->lowers, (s->nlowers + 1) * sizeof(char *));
			s->lowers[s->nlowers++] = xstrndup(cur, n);
		}
		n = 0;
		if (!*arg)
			break;
	}
	free(cur);
}

enum {
	OPT_RO = CHAR_MAX + 1,
	OPT_KEEP_DEVICES,
	OPT_KEEP_SETID,
	OPT_OPTIONS,
	OPT_UPPER,
	OPT_VERBOSE,
	OPT_WORK,
};

static void parse_args(struct unionmount_control *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run",	no_argument,		NULL, OPT_DRY_RUN },
		{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
		{ "help",	no_argument,		NULL, 'h' },
		{ "keep-devices", no_argument,		NULL, OPT_KEEP_DEVICES },
		{ "keep-setid",	no_argument,		NULL, OPT_KEEP_SETID },
		{ "lower",	required_argument,	NULL, 'l' },
		{ "options",	required_argument,	NULL, OPT_OPTIONS },
		TABLE_LONGOPTS,
		{ "ro",		no_argument,		NULL, OPT_RO },
		{ "upper",	required_argument,	NULL, OPT_UPPER },
		{ "verbose",	no_argument,		NULL, OPT_VERBOSE },
		{ "version",	no_argument,		NULL, 'V' },
		{ "work",	required_argument,	NULL, OPT_WORK },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "hJl:o:V", longopts, NULL)) != -1) {
		/* -o is ours: list's columns or commit's layer file (check_args) */
		if (c != 'o' && table_parse_option(&ctl->topts, c, optarg))
			continue;
		switch (c) {
		case OPT_KEEP_DEVICES: ctl->apply_flags |= LAYER_KEEP_DEVICES; break;
		case OPT_KEEP_SETID: ctl->apply_flags |= LAYER_KEEP_SETID; break;
		case 'l': add_lowers(&ctl->spec, optarg); break;
		case 'o': ctl->output = optarg; break;
		case OPT_OPTIONS: ctl->options = optarg; break;
		case OPT_RO: ctl->spec.ro = true; break;
		case OPT_UPPER: ctl->spec.upper = optarg; break;
		case OPT_VERBOSE: ctl->verbose = true; break;
		case OPT_WORK: ctl->spec.work = optarg; break;
		case OPT_EXPLAIN: explain_enable(); break;
		case OPT_DRY_RUN: explain_enable_dry_run(); break;
		case 'h': usage();
		case 'V':
			printf(_("%1$s from %2$s\n"), program_invocation_short_name, PACKAGE_STRING);
			printf(_("features: %s\n"), ovl_api_probe());
			exit(EXIT_SUCCESS);
		default: errtryhelp();
		}
	}
	ctl->args = argv + optind;
	ctl->nargs = argc - optind;
}

/* The first operand names a command, or it is the bare mount form. */
static void pick_command(struct unionmount_control *ctl)
{
	const struct um_command *cmd = ctl->nargs ? CU_COMMAND_FIND(commands, ctl->args[0]) : NULL;

	if (cmd) {
		ctl->args++;
		ctl->nargs--;
	}
	ctl->cmd = cmd ? cmd : &commands[CMD_MOUNT];
	cu_command_check_args(&ctl->cmd->cmd, ctl->nargs, ctl->args);
}

/*
 * -o/--output means two things, by command (kept as it is: scripts and the
 * man page use both): the columns of list, the layer file of commit.  This
 * is the one place that resolves it; mount refuses it (util-linux's mount -o
 * would be --options here), diff, umount and apply ignore it.
 */
static void check_args(struct unionmount_control *ctl)
{
	if (ctl->cmd->id == CMD_MOUNT) {
		if (ctl->output)
			diex(_("-o is --output (commit, list); mount options go in --options: '%s'"),
			     ctl->output);
		ctl->spec.options = ctl->options;
		ctl->spec.target = ctl->args[0];
	}
	if (ctl->cmd->id == CMD_LIST)
		ctl->columns = ctl->output;
	if (ctl->cmd->id == CMD_COMMIT)
		ctl->layer_file = ctl->output;
	/* not table_opts_only_for(): -o is also commit's, so --output is not named */
	if (table_opts_given(&ctl->topts) && ctl->cmd->id != CMD_LIST && ctl->cmd->id != CMD_DIFF)
		diex(_("--json, --raw and --noheadings are only for list and diff"));
	if (ctl->cmd->id == CMD_COMMIT && !ctl->layer_file)
		diex(_("no layer file given: commit needs --output LAYER.tar[.gz|.zst]"));
}

static void do_mount(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };
	size_t n = 0;

	if (ovl_mount(&ctl->spec, &n, &e) < 0)
		cu_error_die(&e);
	while (ctl->spec.nlowers)
		free(ctl->spec.lowers[--ctl->spec.nlowers]);
	free(ctl->spec.lowers);
}

static void do_umount(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };

	int rc = ovl_umount(ctl->args[0], &e);

	if (rc < 0)
		cu_error_die(&e);
	if (rc > 0)
		cu_error_warn(&e);	/* nothing was mounted, but we cleaned up */
}

static void list_layers(struct cu_table *t, struct libscols_line *parent,
			const struct ovl_info *info)
{
	struct libscols_line *ln;
	size_t i;

	for (i = 0; i < info->nlowers; i++) {
		ln = table_add_line(t, parent);
		table_set(t, ln, COL_TARGET, info->lowers[i]);
		table_set_u64(t, ln, COL_LAYERS, i + 1);
	}
}

static void list_one(struct unionmount_control *ctl, struct cu_table *t,
		     const struct ovl_info *info)
{
	struct libscols_line *ln = table_add_line(t, NULL);

	table_set(t, ln, COL_TARGET, info->target);
	table_set_u64(t, ln, COL_LAYERS, info->nlowers);
	table_set(t, ln, COL_UPPER, info->upper);
	table_set(t, ln, COL_WORK, info->work);
	table_set(t, ln, COL_OPTIONS, info->options);
	table_set(t, ln, COL_SOURCE, info->source);
	table_set_u64(t, ln, COL_ID, info->id);
	if (ctl->verbose)
		list_layers(t, ln, info);
}

static void do_list(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };
	struct ovl_info *infos = NULL;
	struct cu_table *t;
	size_t n = 0, i;

	ctl->topts.output = ctl->columns;	/* NULL: DEFAULT_COLUMNS */
	t = table_new("unions", columns, ARRAY_SIZE(columns), DEFAULT_COLUMNS, &ctl->topts, &e);
	if (!t)
		cu_error_die(&e);
	if (ovl_list(&infos, &n, &e) < 0)
		cu_error_die(&e);
	for (i = 0; i < n; i++)
		list_one(ctl, t, &infos[i]);
	if (table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
	ovl_list_free(infos, n);
}

static int print_change(char kind, const char *path, void *data)
{
	struct cu_table *t = data;
	struct libscols_line *ln;

	if (!t) {
		printf("%c %s\n", kind, path);
		return 0;
	}
	ln = table_add_line(t, NULL);
	if (table_setf(t, ln, COL_KIND, "%c", kind) < 0 ||
	    table_set(t, ln, COL_PATH, path) < 0)
		return -ENOMEM;
	return 0;
}


/* An operand may be a mounted union (its upper and lowers) or an upper dir. */
static const char *resolve_upper(const char *arg, struct ovl_info *info)
{
	struct cu_error e = { 0 };

	if (ovl_find(arg, info, &e) < 0)
		return arg;
	if (!info->upper)
		diex(_("union has no upper directory: %s (mount it with --upper)"), arg);
	return info->upper;
}

static void do_diff(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };
	struct ovl_info info = { 0 };
	const char *upper = resolve_upper(ctl->args[0], &info);
	struct cu_table *t = NULL;

	/* "A path" lines as docker diff prints them, unless a table is asked for */
	if (table_opts_given(&ctl->topts)) {
		t = table_new("changes", diff_columns, ARRAY_SIZE(diff_columns),
			      "KIND,PATH", &ctl->topts, &e);
		if (!t)
			cu_error_die(&e);
	}
	if (layer_diff(upper, info.lowers, info.nlowers, print_change, t, &e) < 0)
		cu_error_die(&e);
	if (t && table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
	ovl_info_free(&info);
}

/*
 * The progress line of commit and apply: on a terminal only, rewritten in
 * place at most every 200 ms and at each new phase, erased at the end (the
 * result and any error follow on a clean line).
 */
struct progress_line {
	const char *what;	/* the upper or the layer */
	int64_t last_ms;
	enum layer_phase phase;	/* of the line shown; a new phase shows at once */
	bool shown;
};

static void show_progress(const struct layer_progress *p, void *data)
{
	struct progress_line *pl = data;
	int64_t now = cu_now_ms();
	double mib = (double) p->bytes / (1024.0 * 1024.0);
	unsigned int pct = p->total ? (unsigned int) (p->bytes * 100 / p->total) : 0;

	if (pl->shown && p->phase == pl->phase && now - pl->last_ms < 200)
		return;
	pl->last_ms = now;
	pl->phase = p->phase;
	pl->shown = true;
	fputs("\r\033[K", stderr);
	switch (p->phase) {
	case LAYER_PHASE_COMMIT:
		fprintf(stderr, P_("%1$s: committing %2$s: %3$ju entry, %4$.1f MiB",
				   "%1$s: committing %2$s: %3$ju entries, %4$.1f MiB", p->entries),
			program_invocation_short_name, pl->what, (uintmax_t) p->entries, mib);
		break;
	case LAYER_PHASE_SCAN:
		fprintf(stderr, _("%1$s: applying %2$s: checking, %3$u%%"),
			program_invocation_short_name, pl->what, pct > 100 ? 100 : pct);
		break;
	case LAYER_PHASE_EXTRACT:
		fprintf(stderr, _("%1$s: applying %2$s: unpacking, %3$u%%"),
			program_invocation_short_name, pl->what, pct > 100 ? 100 : pct);
		break;
	}
	fflush(stderr);
}

static void progress_begin(struct progress_line *pl, const char *what)
{
	*pl = (struct progress_line) { .what = what };
	if (isatty(STDERR_FILENO))
		layer_set_progress(show_progress, pl);
}

static void progress_end(struct progress_line *pl)
{
	layer_set_progress(NULL, NULL);
	if (pl->shown)
		fputs("\r\033[K", stderr);
}

static void do_commit(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };
	struct ovl_info info = { 0 };
	const char *upper = resolve_upper(ctl->args[0], &info);
	char digest[LAYER_DIGEST_LEN];
	struct progress_line pl;
	int r;

	progress_begin(&pl, upper);
	r = layer_commit(upper, ctl->layer_file, digest, &e);
	progress_end(&pl);
	if (r < 0)
		cu_error_die(&e);
	if (*digest)	/* none in a plan */
		printf("%s\n", digest);
	ovl_info_free(&info);
}

enum { DROP_DEVICE, DROP_SETID, DROP_CAPS };

/* One line for each entry apply disarmed (--verbose). */
static void report_one(int kind, const char *name)
{
	switch (kind) {
	case DROP_DEVICE: warnx(_("left out device node /%s (--keep-devices keeps it)"), name); break;
	case DROP_SETID:  warnx(_("cleared the setuid/setgid bits of /%s (--keep-setid keeps them)"), name); break;
	case DROP_CAPS:   warnx(_("removed the file capabilities of /%s (--keep-setid keeps them)"), name); break;
	}
}

/* What apply disarmed: a count and the first three names, or one line each. */
static void report_list(bool verbose, int kind, char *const *v, size_t n)
{
	char names[256] = "";
	size_t i, len = 0;

	if (!n)
		return;
	if (verbose) {
		for (i = 0; i < n; i++)
			report_one(kind, v[i]);
		return;
	}
	for (i = 0; i < n && i < 3 && len < sizeof(names); i++)
		len += (size_t) snprintf(names + len, sizeof(names) - len, "%s/%s", i ? ", " : "", v[i]);
	if (n > 3 && len < sizeof(names))
		snprintf(names + len, sizeof(names) - len, ", ...");
	switch (kind) {
	case DROP_DEVICE: warnx(_("left out %1$zu device node(s): %2$s (--keep-devices keeps them)"), n, names); break;
	case DROP_SETID:  warnx(_("cleared the setuid/setgid bits of %1$zu file(s): %2$s (--keep-setid keeps them)"), n, names); break;
	case DROP_CAPS:   warnx(_("removed the file capabilities of %1$zu file(s): %2$s (--keep-setid keeps them)"), n, names); break;
	}
}

static void do_apply(struct unionmount_control *ctl)
{
	struct cu_error e = { 0 };
	struct layer_apply_report r;
	struct progress_line pl;
	int rc;

	progress_begin(&pl, ctl->args[0]);
	rc = layer_apply(ctl->args[0], ctl->args[1], ctl->apply_flags, &r, &e);
	progress_end(&pl);
	if (rc < 0)
		cu_error_die(&e);
	report_list(ctl->verbose, DROP_DEVICE, r.devices, r.ndevices);
	report_list(ctl->verbose, DROP_SETID, r.setid, r.nsetid);
	report_list(ctl->verbose, DROP_CAPS, r.caps, r.ncaps);
	layer_apply_report_free(&r);
}

int main(int argc, char **argv)
{
	struct unionmount_control ctl = { 0 };

	cu_init_locale();
	cu_perm_hint_init(argc, argv, NULL);
	close_stdout_atexit();

	parse_args(&ctl, argc, argv);
	pick_command(&ctl);
	check_args(&ctl);

	ctl.cmd->fn(&ctl);
	return EXIT_SUCCESS;
}
