// SPDX-License-Identifier: GPL-2.0-or-later
/* cgset(1) - control groups on cgroup v1, v2 and hybrid hosts, one syntax */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "cgroup.h"
#include "cgroup-limits.h"
#include "cgroup-systemd.h"
#include "exec.h"
#include "exec-spawn.h"
#include "strutils.h"
#include "syscalls.h"
#include "table.h"

enum cgset_cmd {
	CMD_SET,		/* also libcgroup's "cgset -r K=V NAME" */
	CMD_CREATE,
	CMD_RUN,
	CMD_ADD,
	CMD_SHOW,
	CMD_LIST,
	CMD_FREEZE,
	CMD_THAW,
	CMD_KILL,
	CMD_DELETE,
};

struct cgset_control;

static int cmd_set(struct cgset_control *ctl);
static int cmd_create(struct cgset_control *ctl);
static int cmd_run_program(struct cgset_control *ctl);
static int cmd_add(struct cgset_control *ctl);
static int cmd_show(struct cgset_control *ctl);
static int cmd_listing(struct cgset_control *ctl);
static int cmd_state(struct cgset_control *ctl);

/*
 * A row of commands[] (c.h: struct cu_command first), indexed by enum
 * cgset_cmd; "del" and "ls" as netns and vethctl (iproute2's habit).
 */
static const struct cgset_command {
	struct cu_command cmd;
	int (*fn)(struct cgset_control *ctl);
} commands[] = {
	[CMD_SET]    = { { "set",    NULL,  1, -1 }, cmd_set },
	[CMD_CREATE] = { { "create", NULL,  1,  1 }, cmd_create },
	[CMD_RUN]    = { { "run",    NULL,  1, -1 }, cmd_run_program },
	[CMD_ADD]    = { { "add",    NULL,  2, -1 }, cmd_add },
	[CMD_SHOW]   = { { "show",   NULL,  1,  1 }, cmd_show },
	[CMD_LIST]   = { { "list",   "ls",  0,  1 }, cmd_listing },
	[CMD_FREEZE] = { { "freeze", NULL,  1,  1 }, cmd_state },
	[CMD_THAW]   = { { "thaw",   NULL,  1,  1 }, cmd_state },
	[CMD_KILL]   = { { "kill",   NULL,  1,  1 }, cmd_state },
	[CMD_DELETE] = { { "delete", "del", 1,  1 }, cmd_state },
};

struct cgset_control {
	enum cgset_cmd cmd;
	struct cglimits limits;
	struct table_opts table;
	const char *name;		/* run --name */
	char **args;			/* names, PIDs or the program */
	int nargs;
	struct cgroup_map map;
	bool keep, recursive, name_given, keep_given;
	bool made;			/* run made the group */
	char defname[64];		/* run's default group name */
	const char *parent;		/* --parent */
	bool no_systemd;		/* --no-systemd */
	bool systemd;			/* groups live in the delegated unit */
	bool no_unit;			/* ... which is not running */
	struct cgunit unit;
	unsigned int stop_timeout;	/* run: seconds from TERM to SIGKILL */
	bool stop_timeout_given;
	bool hierarchies;		/* list --hierarchies */
	const char *copy_from;		/* set: libcgroup's --copy-from */
};

#define CGSET_PARENT_ENV	"CGSET_PARENT"
#define STOP_TIMEOUT_DEFAULT	10

enum {
	OPT_CPU = CHAR_MAX + 1,
	OPT_CPUS,
	OPT_COPY_FROM,
	OPT_CPU_WEIGHT,
	OPT_CPUSET,
	OPT_HIERARCHIES,
	OPT_IO_READ,
	OPT_IO_WEIGHT,
	OPT_IO_WRITE,
	OPT_KEEP,
	OPT_MEMORY,
	OPT_MEMORY_SWAP,
	OPT_NAME,
	OPT_NO_SYSTEMD,
	OPT_PARENT,
	OPT_PIDS,
	OPT_RECURSIVE,
	OPT_STOP_TIMEOUT,
};

/* create, set, run and the libcgroup form */
static const struct option limit_opts[] = {
	{ "copy-from",		required_argument,	NULL, OPT_COPY_FROM },
	{ "cpu",		required_argument,	NULL, OPT_CPU },
	{ "cpus",		required_argument,	NULL, OPT_CPUS },
	{ "cpu-weight",		required_argument,	NULL, OPT_CPU_WEIGHT },
	{ "cpuset",		required_argument,	NULL, OPT_CPUSET },
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "help",		no_argument,		NULL, 'h' },
	{ "io-read-bps",	required_argument,	NULL, OPT_IO_READ },
	{ "io-weight",		required_argument,	NULL, OPT_IO_WEIGHT },
	{ "io-write-bps",	required_argument,	NULL, OPT_IO_WRITE },
	{ "keep",		no_argument,		NULL, OPT_KEEP },
	{ "memory",		required_argument,	NULL, OPT_MEMORY },
	{ "memory-swap",	required_argument,	NULL, OPT_MEMORY_SWAP },
	{ "name",		required_argument,	NULL, OPT_NAME },
	{ "no-systemd",		no_argument,		NULL, OPT_NO_SYSTEMD },
	{ "parent",		required_argument,	NULL, OPT_PARENT },
	{ "pids",		required_argument,	NULL, OPT_PIDS },
	{ "raw",		required_argument,	NULL, 'r' },
	{ "recursive",		no_argument,		NULL, OPT_RECURSIVE },
	{ "rule",		required_argument,	NULL, 'r' },
	{ "stop-timeout",	required_argument,	NULL, OPT_STOP_TIMEOUT },
	{ "variable",		required_argument,	NULL, 'r' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* show and list */
static const struct option list_opts[] = {
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "help",		no_argument,		NULL, 'h' },
	{ "hierarchies",	no_argument,		NULL, OPT_HIERARCHIES },
	{ "no-systemd",		no_argument,		NULL, OPT_NO_SYSTEMD },
	{ "parent",		required_argument,	NULL, OPT_PARENT },
	TABLE_LONGOPTS,		/* --raw here is the listing's, not limit_opts' -r */
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* add, freeze, thaw, kill, delete */
static const struct option plain_opts[] = {
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "help",		no_argument,		NULL, 'h' },
	{ "no-systemd",		no_argument,		NULL, OPT_NO_SYSTEMD },
	{ "parent",		required_argument,	NULL, OPT_PARENT },
	{ "recursive",		no_argument,		NULL, OPT_RECURSIVE },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

enum { COL_NAME, COL_CONTROLLERS, COL_PROCS, COL_PATHS };
static const struct table_column list_cols[] = {
	[COL_NAME] = { "NAME", 0.3, TABLE_TREE, N_("list: group name") },
	[COL_CONTROLLERS] = { "CONTROLLERS", 0.3, TABLE_WRAP | TABLE_LIST, N_("list: hierarchies the group is in") },
	[COL_PROCS] = { "PROCS", 5, TABLE_RIGHT | TABLE_NUMBER, N_("list: number of processes") },
	[COL_PATHS] = { "PATHS", 0.4, TABLE_ARRAY | TABLE_HIDDEN, N_("list: directories of the group") },
};

enum { HCOL_HIERARCHY, HCOL_VERSION, HCOL_MOUNT, HCOL_CONTROLLERS, HCOL_MODE, HCOL_BASE };
static const struct table_column hier_cols[] = {
	[HCOL_HIERARCHY] = { "HIERARCHY", 0.2, 0, N_("list --hierarchies: v2, or the v1 hierarchy's controllers") },
	[HCOL_VERSION] = { "VERSION", 3, TABLE_RIGHT | TABLE_NUMBER, N_("list --hierarchies: cgroup version, 1 or 2") },
	[HCOL_MOUNT] = { "MOUNT", 0.3, 0, N_("list --hierarchies: mount point") },
	[HCOL_CONTROLLERS] = { "CONTROLLERS", 0.4, TABLE_WRAP | TABLE_LIST, N_("list --hierarchies: controllers it offers (v2: cgroup.controllers)") },
	[HCOL_MODE] = { "MODE", 6, 0, N_("list --hierarchies: the host's mode, v1, v2 or hybrid") },
	[HCOL_BASE] = { "BASE", 0.3, TABLE_HIDDEN, N_("list --hierarchies: where cgset names groups") },
};

enum { COL_FIELD, COL_VALUE };
static const struct table_column show_cols[] = {
	[COL_FIELD] = { "FIELD", 0.3, 0, N_("show: what is shown (v2 names on every host)") },
	[COL_VALUE] = { "VALUE", 0.7, TABLE_WRAP, N_("show: bytes, microseconds, counts or max") },
};

static __noreturn void usage(void)
{
	FILE *out = stdout;

	fputs(USAGE_HEADER, out);
	fputs(_(" cgset create <name> [limits]\n"), out);
	fputs(_(" cgset set <name>... <limits>\n"), out);
	fputs(_(" cgset [-r <file>=<value>]... <name>...\n"), out);
	fputs(_(" cgset --copy-from <source> <name>...\n"), out);
	fputs(_(" cgset run [--name <name>] [--keep] [--stop-timeout <seconds>] [limits] [--] <program> [<argument>...]\n"), out);
	fputs(_(" cgset add <name> <pid>...\n"), out);
	fputs(_(" cgset show|list [options] [<name>]\n"), out);
	fputs(_(" cgset list --hierarchies [options]\n"), out);
	fputs(_(" cgset freeze|thaw|kill <name>\n"), out);
	fputs(_(" cgset delete [--recursive] <name>\n"), out);
	fputs(USAGE_SEPARATOR, out);
	fputs(_("Create control groups, set their limits and run programs in them,\nwith one syntax on cgroup v1, v2 and hybrid hosts.\n"), out);
	fputs(USAGE_COMMANDS, out);
	fputs(_(" create                    make a group in every hierarchy its limits need\n"), out);
	fputs(_(" set                       change the limits of existing groups\n"), out);
	fputs(_(" run                       run a program in a new group, removed when it ends\n"), out);
	fputs(_(" add                       move processes into a group\n"), out);
	fputs(_(" show                      limits and usage of a group\n"), out);
	fputs(_(" list                      the tree of groups\n"), out);
	fputs(_(" freeze, thaw              stop or resume every process of a group\n"), out);
	fputs(_(" kill                      kill every process of a group\n"), out);
	fputs(_(" delete                    remove a group\n"), out);
	fputs(_("\nLimits (create, set, run):\n"), out);
	/* xgettext:no-c-format */
	fputs(_("     --cpu <percent>       CPU time as a share of one CPU: 20%, 150%, or max\n"), out);
	fputs(_("     --cpus <cpus>         CPU time as a number of CPUs: 0.2, 1.5, or max\n"), out);
	fputs(_("     --cpu-weight <n>      relative CPU weight, 1-10000 (default 100)\n"), out);
	fputs(_("     --cpuset <list>       the CPUs the group may use, e.g. 0-1,3\n"), out);
	fputs(_("     --memory <size>       memory limit (K, M, G, T; or max)\n"), out);
	fputs(_("     --memory-swap <size>  swap limit on top of --memory\n"), out);
	fputs(_("     --pids <n>            the most processes and threads, or max\n"), out);
	fputs(_("     --io-read-bps <dev>:<rate>   read rate limit of a block device\n"), out);
	fputs(_("     --io-write-bps <dev>:<rate>  write rate limit of a block device\n"), out);
	fputs(_("     --io-weight <n>       relative I/O weight, 1-10000 (default 100)\n"), out);
	fputs(_(" -r, --rule <file>=<value> write any interface file (also --raw,\n"
		"                             --variable)\n"), out);
	fputs(_("     --copy-from <source>  set: write the values of every controller file\n"
		"                             of group <source> (as libcgroup's cgset)\n"), out);
	fputs(USAGE_OPTIONS, out);
	fputs(_("     --name <name>         the group run uses (default cgset-run-PID)\n"), out);
	fputs(_("     --keep                run: leave the group when the program ends\n"), out);
	fputs(_("     --stop-timeout <secs> run: after TERM, INT or HUP, kill the group\n"
		"                             this many seconds later (default 10)\n"), out);
	fputs(_("     --parent <path>       name groups below this group, not below the\n"
		"                             systemd unit or the root (also $CGSET_PARENT)\n"), out);
	fputs(_(" -b, --no-systemd          on a systemd host, make groups at the root,\n"
		"                             not in the delegated unit cgset.scope\n"
		"                             (-b in set, as libcgroup's)\n"), out);
	fputs(_(" -R, --recursive           delete: remove child groups too;\n"
		"                             set: change every group below <name> too\n"
		"                             (-R in set, as libcgroup's)\n"), out);
	fputs(_(" -J, --json                show, list: use JSON output format\n"), out);
	fputs(_("     --noheadings          show, list: don't print headings\n"), out);
	fputs(_(" -o, --output <list>       show, list: the columns to print\n"), out);
	fputs(_("     --raw                 show, list: use the raw output format\n"), out);
	fputs(_("     --dry-run             print the plan: each kernel call, with the\n"
		"                             privilege it needs; make none (any user)\n"), out);
	fputs(_("     --explain             narrate each kernel call on stderr\n"), out);
	fputs(_("     --hierarchies         list: the hierarchies, their mount points and\n"
		"                             controllers, and the mode (v1, v2, hybrid)\n"), out);
	fputs(USAGE_SEPARATOR, out);
	USAGE_HELP_OPTIONS(27);
	table_usage_columns(out, list_cols, ARRAY_SIZE(list_cols));
	for (size_t i = 0; i < ARRAY_SIZE(show_cols); i++)
		fprintf(out, " %12s  %s\n", show_cols[i].name, _(show_cols[i].help));
	for (size_t i = 0; i < ARRAY_SIZE(hier_cols); i++)
		fprintf(out, " %12s  %s\n", hier_cols[i].name, _(hier_cols[i].help));
	printf(USAGE_MAN_TAIL("cgset(1)"));
	exit(EXIT_SUCCESS);
}

/* --- option parsing -------------------------------------------------------- */

static void add_io_rule(struct cglimits *l, const char *arg, bool is_write)
{
	struct cgl_io_rule rule = { .is_write = is_write };
	int r = cglimits_parse_io(arg, &rule);

	if (r == -ENOTBLK)
		diex(_("invalid %1$s value: '%2$s': not a block device (give /dev/DISK or MAJ:MIN)"),
		     is_write ? "--io-write-bps" : "--io-read-bps", arg);
	if (r < 0)
		diex(_("invalid %1$s value: '%2$s' (use DEV:RATE, e.g. /dev/sda:10M or 8:0:10M)"),
		     is_write ? "--io-write-bps" : "--io-read-bps", arg);
	(void) cglimits_add_io(l, &rule); /* cannot fail: it allocates or dies */
}

/*
 * -r, --rule, --variable, and --raw with a value (limit_opts): a write of
 * any interface file, kept in limits.raw.  --raw without a value is the
 * listing's raw format, table.raw (list_opts): each command's option table
 * says which of the two it takes, so the meaning is settled by getopt.
 */
static void add_raw(struct cglimits *l, const char *arg)
{
	struct cgl_raw raw;

	if (cglimits_parse_raw(arg, &raw) < 0)
		diex(_("invalid -r value: '%s' (use FILE=VALUE, e.g. cpu.cfs_quota_us=20000)"), arg);
	if (!*raw.value)
		diex(_("invalid -r value: '%s': empty value (give the value to write after '=')"), arg);
	/* libcgroup's lines: empty lines alone write nothing, which is no value */
	if (!raw.value[strspn(raw.value, "\n")])
		diex(_("invalid -r value for %s: empty lines only (give the value to write after '=')"),
		     raw.key);
	(void) cglimits_add_raw(l, &raw); /* cannot fail: it allocates or dies */
}

/*
 * --cpu takes a percentage of one CPU (or max), --cpus a number of CPUs:
 * "--cpu 20" is refused, since 20 CPUs is rarely what was meant.
 */
static void parse_cpu_opt(struct cglimits *l, const char *arg, bool cpus)
{
	size_t len = strlen(arg);
	bool percent = len > 0 && arg[len - 1] == '%';

	if (!cpus && !percent && !streq(arg, "max") && !streq(arg, "-1") &&
	    cglimits_parse_cpu(arg, &l->cpu_quota_us) == 0)
		diex(_("invalid --cpu value: '%1$s' has no unit (use --cpu %1$s%% for %1$s%% of one CPU, or --cpus %1$s for %1$s CPUs)"),
		     arg);
	if (cpus && percent)
		diex(_("invalid --cpus value: '%1$s' (use --cpu %1$s for a share of one CPU, or a number of CPUs such as --cpus 1.5)"),
		     arg);
	if (cglimits_parse_cpu(arg, &l->cpu_quota_us) < 0)
		diex(cpus ? _("invalid --cpus value: '%s' (use a number of CPUs such as 1.5, or max)")
			  : _("invalid --cpu value: '%s' (use a share of one CPU such as 20%%, or max)"),
		     arg);
	l->has_cpu = true;
}

static void parse_weight_opt(uint64_t *w, bool *has, const char *opt, const char *arg)
{
	if (cglimits_parse_weight(arg, w) < 0)
		diex(_("invalid %1$s value: '%2$s' (use a number from 1 to 10000)"), opt, arg);
	*has = true;
}

/* One option of limit_opts; false when it is not a limit. */
static bool parse_limit(struct cglimits *l, int c, const char *arg)
{
	switch (c) {
	case OPT_CPU:
	case OPT_CPUS:
		parse_cpu_opt(l, arg, c == OPT_CPUS);
		break;
	case OPT_CPU_WEIGHT:
		parse_weight_opt(&l->cpu_weight, &l->has_cpu_weight, "--cpu-weight", arg);
		break;
	case OPT_CPUSET:
		if (cglimits_parse_cpuset(arg) < 0)
			diex(_("invalid --cpuset value: '%s' (use a CPU list such as 0-1,3)"), arg);
		free(l->cpuset);
		l->cpuset = xstrdup(arg);
		break;
	case OPT_MEMORY:
		l->memory = size_or_max_or_err(arg, _("invalid --memory value"));
		l->has_memory = true;
		break;
	case OPT_MEMORY_SWAP:
		l->swap = size_or_max_or_err(arg, _("invalid --memory-swap value"));
		l->has_swap = true;
		break;
	case OPT_PIDS:
		l->pids = count_or_max_or_err(arg, _("invalid --pids value"));
		l->has_pids = true;
		break;
	case OPT_IO_READ:
	case OPT_IO_WRITE:
		add_io_rule(l, arg, c == OPT_IO_WRITE);
		break;
	case OPT_IO_WEIGHT:
		parse_weight_opt(&l->io_weight, &l->has_io_weight, "--io-weight", arg);
		break;
	case 'r':
		add_raw(l, arg);
		break;
	default:
		return false;
	}
	return true;
}

static void parse_other(struct cgset_control *ctl, int c, const char *arg)
{
	switch (c) {
	case OPT_NAME:
		ctl->name = arg;
		ctl->name_given = true;
		break;
	case OPT_KEEP:
		ctl->keep = ctl->keep_given = true;
		break;
	case OPT_PARENT:
		ctl->parent = arg;
		break;
	case OPT_NO_SYSTEMD:
	case 'b':
		ctl->no_systemd = true;
		break;
	case OPT_COPY_FROM:
		if (ctl->copy_from)
			diex(_("--copy-from given twice (give one source group)"));
		ctl->copy_from = arg;
		break;
	case OPT_STOP_TIMEOUT:
		ctl->stop_timeout = u32_or_err(arg, _("invalid --stop-timeout value"));
		if (ctl->stop_timeout > 86400 * 365)
			diex(_("invalid --stop-timeout value: '%s' (use seconds, at most a year)"), arg);
		ctl->stop_timeout_given = true;
		break;
	case OPT_RECURSIVE:
	case 'R':		/* set's, as libcgroup's cgset -R */
		ctl->recursive = true;
		break;
	case OPT_EXPLAIN:
		explain_enable();
		break;
	case OPT_DRY_RUN:
		explain_enable_dry_run();
		break;
	case OPT_HIERARCHIES:
		ctl->hierarchies = true;
		break;
	case 'h':
		usage();
	case 'V':
		print_version();
	default:
		errtryhelp();
	}
}

/* The subcommand in argv[1]; without one, libcgroup's form means "set". */
static int parse_command(struct cgset_control *ctl, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] == '-') {
		/*
		 * libcgroup's form: its names start at the hierarchy roots, systemd
		 * or not (-b, --no-systemd), unless --parent or $CGSET_PARENT says
		 */
		ctl->cmd = CMD_SET;
		ctl->no_systemd = true;
		return 1;
	}
	ctl->cmd = (enum cgset_cmd) (CU_COMMAND_OR_ERR(commands, argc >= 2 ? argv[1] : NULL) -
				     commands);
	return 2;
}
static void parse_args(struct cgset_control *ctl, int argc, char **argv)
{
	int first = parse_command(ctl, argc, argv), c;
	const struct option *opts = limit_opts;
	const char *optstr = "hr:V";

	if (ctl->cmd == CMD_RUN) {
		/* a chainloader: every failure from here on is 125 */
		cu_set_exit_failure(CU_EXIT_CANCELED);
		optstr = "+hr:V";
	} else if (ctl->cmd == CMD_SHOW || ctl->cmd == CMD_LIST) {
		opts = list_opts;
		optstr = "hJo:V";
	} else if (ctl->cmd == CMD_SET) {
		optstr = "bhRr:V";	/* -b and -R: libcgroup's */
	} else if (ctl->cmd != CMD_CREATE) {
		opts = plain_opts;
		optstr = "hV";
	}
	argv[first - 1] = argv[0];
	argc -= first - 1;
	argv += first - 1;
	while ((c = getopt_long(argc, argv, optstr, opts, NULL)) != -1)
		if (!parse_limit(&ctl->limits, c, optarg) &&
		    !table_parse_option(&ctl->table, c, optarg))
			parse_other(ctl, c, optarg);
	ctl->args = argv + optind;
	ctl->nargs = argc - optind;
}

static void check_args(const struct cgset_control *ctl)
{
	const char *cmd = commands[ctl->cmd].cmd.name;

	if ((ctl->name_given || ctl->keep_given) && ctl->cmd != CMD_RUN)
		diex(_("--name and --keep are options of 'run', not of '%s'"), cmd);
	if (ctl->stop_timeout_given && ctl->cmd != CMD_RUN)
		diex(_("--stop-timeout is an option of 'run', not of '%s'"), cmd);
	if (ctl->recursive && ctl->cmd != CMD_DELETE && ctl->cmd != CMD_SET)
		diex(_("--recursive is an option of 'set' and 'delete', not of '%s'"), cmd);
	if (ctl->hierarchies && ctl->cmd != CMD_LIST)
		diex(_("--hierarchies is an option of 'list', not of '%s'"), cmd);
	if (ctl->hierarchies && ctl->nargs > 0)
		diex(_("list --hierarchies: takes no group name (cgset show NAME tells a group's)"));
	if (ctl->copy_from && ctl->cmd != CMD_SET)
		diex(_("--copy-from is an option of 'set', not of '%s'"), cmd);
	if (ctl->copy_from && !cglimits_empty(&ctl->limits))
		diex(_("--copy-from and limits (-r, --cpu, ...) cannot be combined (copy first, then set the limits)"));
	if (ctl->cmd == CMD_SET && !ctl->copy_from && cglimits_empty(&ctl->limits))
		diex(_("set: no limit given (add --cpu, --memory, -r FILE=VALUE, ...)"));
	if (ctl->cmd == CMD_RUN && ctl->nargs < 1)
		diex(_("run: no program given (add -- PROGRAM [ARGUMENT...])"));
	if (ctl->cmd == CMD_ADD && ctl->nargs < 2)
		diex(_("add: give a group name and at least one PID"));
	cu_command_check_args(&commands[ctl->cmd].cmd, ctl->nargs, ctl->args);
}

/* --- limits -------------------------------------------------------------- */

/* The plan of the limits given (cgroup-limits.c); dies on a bad one. */
static void make_plan(struct cgset_control *ctl, struct cgroup_plan *p)
{
	struct cu_error e = { 0 };

	if (cgroup_plan_make(&ctl->map, &ctl->limits, p, &e) < 0)
		cu_error_die(&e);
}

/* --- where groups live --------------------------------------------------- */

static void set_parent(struct cgset_control *ctl, const char *parent)
{
	struct cu_error e = { 0 };

	if (cgroup_map_set_parent(&ctl->map, parent, &e) < 0)
		cu_error_die(&e);
}

enum parent_use {
	PARENT_LOOK,		/* set, add, show, list, freeze, thaw, kill, delete */
	PARENT_MAKE,		/* create, run --keep: the shared unit */
	PARENT_RUN,		/* run: an existing group, else run's own scope */
};

/* Does group @name exist below the shared unit's group @cgpath? */
static bool in_unit(const struct cgset_control *ctl, const char *cgpath, const char *name)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (xasprintf(&p, "%s/%s/%s", ctl->map.h[ctl->map.v2].mount, cgpath,
		      name + strspn(name, "/")) < 0)
		return false;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * run's own scope, cgset-run-PID.scope, holding cgset itself: where the
 * caller (a user's login session) may not move a process into the shared
 * unit, it may move its child within the scope systemd moved it into.
 */
static int start_own_scope(struct cgset_control *ctl, struct cu_error *e)
{
	char name[64];

	snprintf(name, sizeof(name), "cgset-run-%d.scope", (int) getpid());
	cgunit_name(&ctl->unit, name);
	return cgunit_start(&ctl->unit, ctl->map.h[ctl->map.v2].mount, getpid(), e);
}

/*
 * Groups are named below --parent, else $CGSET_PARENT, else (on a systemd
 * host) a delegated unit, else the hierarchy roots.  PARENT_MAKE starts
 * the shared unit when it is not running and holds the unit lock until the
 * group exists; PARENT_RUN joins a group of the shared unit, or else
 * starts run's own scope.
 */
static void setup_parent(struct cgset_control *ctl, enum parent_use use)
{
	const char *p = ctl->parent ? ctl->parent : getenv(CGSET_PARENT_ENV);
	struct cu_error e = { 0 };
	int r;

	if (p && *p) {
		set_parent(ctl, p);
		return;
	}
	if (ctl->no_systemd || !cgunit_host(&ctl->map))
		return;
	ctl->systemd = true;
	cgunit_name(&ctl->unit, CGUNIT_NAME);
	r = cgunit_open(&ctl->unit, &e);
	if (r == 0 && use == PARENT_MAKE)
		r = cgunit_lock(&ctl->unit, &e);
	if (r == 0)
		r = cgunit_find(&ctl->unit, &e);
	if (r == 0 && !ctl->unit.cgpath && use == PARENT_MAKE)
		r = cgunit_start(&ctl->unit, ctl->map.h[ctl->map.v2].mount, 0, &e);
	if (r == 0 && use == PARENT_RUN &&
	    !(ctl->unit.cgpath && in_unit(ctl, ctl->unit.cgpath, ctl->name)))
		r = start_own_scope(ctl, &e);
	if (r < 0)
		cu_error_die(&e);
	if (!ctl->unit.cgpath) {
		ctl->no_unit = true;	/* not running: it holds no group */
		return;
	}
	if (ctl->unit.planned)	/* --dry-run: started in the plan only */
		cgroup_map_plan_parent(&ctl->map, ctl->unit.cgpath);
	else
		set_parent(ctl, ctl->unit.cgpath);
}

/* After a group below the unit went away: stop the unit if it was the last. */
static void release_unit(struct cgset_control *ctl)
{
	struct cu_error e = { 0 };

	if (!ctl->systemd || !ctl->unit.cgpath)
		return;
	if (cgunit_lock(&ctl->unit, &e) < 0 ||
	    cgunit_stop_if_unused(&ctl->unit, ctl->map.h[ctl->map.v2].base, &e) < 0)
		cu_error_warn(&e);
	cgunit_unlock(&ctl->unit);
}

/* The keeper's leaf below the unit is not a group for create or run. */
static void check_not_keeper(const struct cgset_control *ctl, const char *name)
{
	const char *rel = name + strspn(name, "/");

	if (ctl->systemd && strncmp(rel, CGUNIT_KEEPER, strlen(CGUNIT_KEEPER)) == 0 &&
	    (rel[strlen(CGUNIT_KEEPER)] == '\0' || rel[strlen(CGUNIT_KEEPER)] == '/'))
		diex(_("invalid cgroup name: '%1$s': %2$s holds the process that keeps %3$s running (choose another name)"),
		     name, CGUNIT_KEEPER, CGUNIT_NAME);
}

/*
 * Make the group where the plan needs it and write the limits; when
 * anything fails, undo what this call did (old values put back, new
 * directories removed, the unit stopped if it is left empty) and die.
 */
static void apply_plan(struct cgset_control *ctl, struct cgroup *g,
		       const struct cgroup_plan *p)
{
	struct cu_error e = { 0 };

	if (cgroup_plan_apply(g, p, &e) < 0) {
		release_unit(ctl);
		cu_error_die(&e);
	}
}

static void check_name(const char *name)
{
	struct cu_error e = { 0 };

	if (cgroup_name_check(name, &e) < 0)
		cu_error_die(&e);
}

static void open_group(struct cgset_control *ctl, struct cgroup *g, const char *name)
{
	struct cu_error e = { 0 };

	check_name(name);
	if (ctl->no_unit)
		diex(_("no such cgroup: %1$s (the unit %2$s that holds cgset's groups is not running: create the group with 'cgset create %1$s')"),
		     name, CGUNIT_NAME);
	if (cgroup_open(g, &ctl->map, name, &e) < 0)
		cu_error_die(&e);
}

/* --- commands ------------------------------------------------------------- */

static int cmd_create(struct cgset_control *ctl)
{
	struct cgroup g;
	struct cgroup_plan p;

	check_name(ctl->args[0]);
	make_plan(ctl, &p);
	setup_parent(ctl, PARENT_MAKE);
	check_not_keeper(ctl, ctl->args[0]);
	if (cgroup_open(&g, &ctl->map, ctl->args[0], NULL) == 0)
		diex(_("cgroup already exists: %s (change it with 'cgset set', or delete it first)"), g.name);
	cgroup_free(&g);
	cgroup_init(&g, &ctl->map, ctl->args[0]);
	apply_plan(ctl, &g, &p);
	cgroup_free(&g);
	cgroup_plan_free(&p);
	return EXIT_SUCCESS;
}

/*
 * libcgroup's --copy-from: the value of every file of the source group
 * named after a controller of its hierarchy ("cpu.shares", not "tasks" or
 * "cgroup.procs"), as the source's hierarchies have them.
 */
struct copy_value {
	size_t hier;
	char *file;
	char *value;
};

struct copy_set {
	struct copy_value *v;
	size_t n;
};

/* The controllers the v2 hierarchy @h offers ("cpu io memory pids"). */
static void copy_v2_controllers(const struct cgroup_hier *h, char *buf, size_t len)
{
	_cleanup_free_ char *p = NULL;
	FILE *f;

	*buf = '\0';
	if (xasprintf(&p, "%s/cgroup.controllers", h->mount) < 0)
		return;
	f = fopen(p, "r" CU_CLOEXECSTR);
	if (!f)
		return;
	if (!fgets(buf, (int) len, f))
		*buf = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Is @file "CONTROLLER.NAME" with a controller of hierarchy @h? */
static bool copy_wanted(const struct cgroup_hier *h, const char *v2ctrls, const char *file)
{
	struct cgroup_hier v2 = { .controllers = (char *) v2ctrls };
	const char *dot = strchr(file, '.');
	char ctrl[64];

	if (!dot || dot == file || dot[1] == '\0' || dot[1] == '.' ||
	    (size_t) (dot - file) >= sizeof(ctrl))
		return false;
	memcpy(ctrl, file, (size_t) (dot - file));
	ctrl[dot - file] = '\0';
	return cgroup_hier_has(h->version == 2 ? &v2 : h, ctrl);
}

static void copy_add(struct copy_set *c, size_t hier, const char *file, const char *value)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n].hier = hier;
	c->v[c->n].file = xstrdup(file);
	c->v[c->n].value = xstrdup(value);
	c->n++;
}

static void copy_read_hier(struct copy_set *c, const struct cgroup *src, size_t h)
{
	const struct cgroup_hier *hier = &src->map->h[h];
	char v2ctrls[512] = "", buf[4096], memsw[4096] = "";
	bool has_memsw = false;
	struct dirent *d;
	DIR *dir;

	if (hier->version == 2)
		copy_v2_controllers(hier, v2ctrls, sizeof(v2ctrls));
	dir = opendir(src->path[h]);
	if (!dir)
		die(_("cannot read %s"), src->path[h]);
	while ((d = readdir(dir))) {
		if (d->d_type != DT_REG || !copy_wanted(hier, v2ctrls, d->d_name) ||
		    cgroup_read(src, h, d->d_name, buf, sizeof(buf)) < 0)
			continue;	/* write-only files have no value to copy */
		/* the memory limit before the memory+swap limit above it */
		if (streq(d->d_name, "memory.memsw.limit_in_bytes")) {
			snprintf(memsw, sizeof(memsw), "%s", buf);
			has_memsw = true;
		} else
			copy_add(c, h, d->d_name, buf);
	}
	closedir(dir);
	if (has_memsw)
		copy_add(c, h, "memory.memsw.limit_in_bytes", memsw);
}

static void copy_read(struct cgset_control *ctl, struct copy_set *c)
{
	struct cgroup src;
	size_t h;

	open_group(ctl, &src, ctl->copy_from);
	for (h = 0; h < ctl->map.n; h++)
		if (src.path[h])
			copy_read_hier(c, &src, h);
	cgroup_free(&src);
}

/*
 * Write the copied values where @g has their hierarchy, one line at a
 * time; as libcgroup does, values a file refuses (statistics, read-only
 * files, counters) are skipped: only a source that does not exist fails.
 */
static void copy_apply(struct cgroup *g, const struct copy_set *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		char *line = c->v[i].value, *next;

		if (!g->path[c->v[i].hier])
			continue;
		for (; line; line = next) {
			struct cu_error e = { 0 };

			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (*line)
				/* refused values are skipped, as libcgroup does */
				ignore_result(cgroup_write(g, c->v[i].hier, c->v[i].file, line, &e));
			if (next)
				next[-1] = '\n';
		}
	}
}

static void copy_free(struct copy_set *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].file);
		free(c->v[i].value);
	}
	free(c->v);
}

/* libcgroup writes "NAME/" too (cgset --copy-from group1/ group2/). */
static void strip_trailing_slash(char *name)
{
	size_t len = strlen(name);

	while (len > 1 && name[len - 1] == '/')
		name[--len] = '\0';
}

struct set_targets {
	char **v;
	size_t n;
};

static int targets_collect(const char *rel, size_t hier __attribute__((unused)), void *data)
{
	struct set_targets *t = data;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (streq(t->v[i], rel))
			return 0;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = xstrdup(rel);
	return 0;
}

static int target_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* @name, then with -R every group below it, parents first. */
static void set_targets(struct cgset_control *ctl, const char *name, struct set_targets *t)
{
	struct cgroup g;

	open_group(ctl, &g, name);
	t->v = xrealloc(t->v, sizeof(*t->v));
	t->v[0] = xstrdup(g.name);
	t->n = 1;
	if (ctl->recursive && cgroup_walk(&ctl->map, g.name, targets_collect, t) < 0)
		die(_("cannot list the groups below %s"), g.name);
	cgroup_free(&g);
	qsort(t->v + 1, t->n - 1, sizeof(*t->v), target_cmp);
}

/*
 * libcgroup 3's -R -r cgroup.subtree_control=LIST (its cgset.c): each word
 * of LIST in turn, before any other value; "+CTRL" on the group, then on
 * every group below it that has child groups, parents first (a group
 * without children keeps its own); "-CTRL" on every group below it,
 * children first, then on the group, as the kernel needs both.  The words
 * of every such -r, taken out of the limits; NULL when there is none.
 */
static char *subtree_words(struct cglimits *l)
{
	char *words = NULL, *copy, *w, *save = NULL;
	size_t i, k = 0;

	for (i = 0; i < l->nraw; i++) {
		char *tmp = NULL;

		if (!streq(l->raw[i].key, "cgroup.subtree_control")) {
			l->raw[k++] = l->raw[i];
			continue;
		}
		(void) xasprintf(&tmp, "%s%s%s", words ? words : "", words ? " " : "",
				 l->raw[i].value);	/* dies if it cannot */
		free(words);
		words = tmp;
		free(l->raw[i].key);
		free(l->raw[i].value);
	}
	l->nraw = k;
	if (!words)
		return NULL;
	for (w = words; *w; w++)	/* lines are words too, and errors one line */
		if (*w == '\n' || *w == '\t')
			*w = ' ';
	/* every word checked before anything is written */
	copy = xstrdup(words);
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		if ((*w != '+' && *w != '-') || !w[1] || strlen(w) >= 32 ||
		    w[1 + strspn(w + 1, "abcdefghijklmnopqrstuvwxyz0123456789_")])
			diex(_("invalid -r value: 'cgroup.subtree_control=%s': with -R, each word is +CONTROLLER or -CONTROLLER (e.g. +cpu -io)"),
			     words);
	free(copy);
	return words;
}

struct subtree_done {
	char *name;
	char word[64];			/* the word that undoes it */
};

/* Does the group holding @word's controller change by writing @word? */
static bool subtree_changes(struct cgroup *g, size_t h, const char *word)
{
	char buf[512], *w, *save = NULL;
	bool on = false;

	if (cgroup_read(g, h, "cgroup.subtree_control", buf, sizeof(buf)) < 0)
		return true;		/* the write says why */
	for (w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		on |= streq(w, word + 1);
	return *word == '+' ? !on : on;
}

static void subtree_apply(struct cgset_control *ctl, const char *words)
{
	char *copy = xstrdup(words), *w, *save = NULL;
	struct subtree_done *done = NULL;
	struct cu_error e = { 0 };
	size_t ndone = 0, h;
	int base = cgroup_base_hier(&ctl->map), i;

	if (base < 0 || ctl->map.h[base].version != 2)
		diex(_("cgroup.subtree_control is a file of cgroup v2, which this host has no hierarchy of"));
	h = (size_t) base;
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		for (i = 0; i < ctl->nargs; i++) {
			struct set_targets t = { NULL, 0 };
			size_t j, k;

			set_targets(ctl, ctl->args[i], &t);
			for (k = 0; k < t.n; k++) {
				/* '+': parents first; '-': children first */
				size_t x = *w == '+' ? k : t.n - 1 - k, len = strlen(t.v[x]);
				bool kids = false;
				struct cgroup g;

				for (j = 0; j < t.n && *w == '+' && x > 0 && !kids; j++)
					kids = strncmp(t.v[j], t.v[x], len) == 0 && t.v[j][len] == '/';
				if (*w == '+' && x > 0 && !kids)
					continue;
				open_group(ctl, &g, t.v[x]);
				if (subtree_changes(&g, h, w)) {
					if (cgroup_write(&g, h, "cgroup.subtree_control", w, &e) < 0) {
						cgroup_free(&g);
						goto fail;
					}
					done = xrealloc(done, (ndone + 1) * sizeof(*done));
					done[ndone].name = xstrdup(t.v[x]);
					snprintf(done[ndone].word, sizeof(done[ndone].word), "%c%s",
						 *w == '+' ? '-' : '+', w + 1);
					ndone++;
				}
				cgroup_free(&g);
			}
			for (k = 0; k < t.n; k++)
				free(t.v[k]);
			free(t.v);
		}
	}
	while (ndone-- > 0)
		free(done[ndone].name);
	free(done);
	free(copy);
	return;
fail:
	/* put back what the words before it changed, in reverse order */
	while (ndone-- > 0) {
		struct cgroup g;

		if (cgroup_open(&g, &ctl->map, done[ndone].name, NULL) == 0) {
			/* best effort: the word that failed is what we report */
			ignore_result(cgroup_write(&g, h, "cgroup.subtree_control", done[ndone].word, NULL));
			cgroup_free(&g);
		}
	}
	cu_error_die(&e);
}

static int cmd_set(struct cgset_control *ctl)
{
	struct copy_set c = { NULL, 0 };
	_cleanup_free_ char *words = NULL;
	struct cgroup_plan p = { 0 };
	int i;

	if (ctl->copy_from)
		strip_trailing_slash((char *) ctl->copy_from);
	for (i = 0; i < ctl->nargs; i++) {
		strip_trailing_slash(ctl->args[i]);
		check_name(ctl->args[i]);
	}
	if (ctl->recursive && !ctl->copy_from)
		words = subtree_words(&ctl->limits);
	if (ctl->copy_from)
		copy_read(ctl, &c);
	else
		make_plan(ctl, &p);
	if (words)
		subtree_apply(ctl, words);
	for (i = 0; i < ctl->nargs && (!words || p.n > 0); i++) {
		struct set_targets t = { NULL, 0 };
		size_t j;

		set_targets(ctl, ctl->args[i], &t);
		for (j = 0; j < t.n; j++) {
			struct cgroup g;

			open_group(ctl, &g, t.v[j]);
			if (ctl->copy_from)
				copy_apply(&g, &c);
			else
				apply_plan(ctl, &g, &p);
			cgroup_free(&g);
			free(t.v[j]);
		}
		free(t.v);
	}
	if (ctl->copy_from)
		copy_free(&c);
	else
		cgroup_plan_free(&p);
	return EXIT_SUCCESS;
}

static int cmd_add(struct cgset_control *ctl)
{
	struct cu_error e = { 0 };
	struct cgroup g;
	_cleanup_free_ pid_t *pids = xcalloc((size_t) ctl->nargs, sizeof(pid_t));
	int i;

	/* every PID is checked before the first moves */
	for (i = 1; i < ctl->nargs; i++)
		pids[i] = pid_or_err(ctl->args[i], _("invalid PID"));
	open_group(ctl, &g, ctl->args[0]);
	for (i = 1; i < ctl->nargs; i++)
		if (cgroup_attach(&g, pids[i], &e) < 0)
			cu_error_die(&e);
	cgroup_free(&g);
	return EXIT_SUCCESS;
}

static int cmd_state(struct cgset_control *ctl)
{
	struct cu_error e = { 0 };
	struct cgroup g;
	int r;

	open_group(ctl, &g, ctl->args[0]);
	if (ctl->cmd == CMD_KILL)
		r = cgroup_kill(&g, &e);
	else if (ctl->cmd == CMD_DELETE)
		r = cgroup_delete(&g, ctl->recursive, &e);
	else
		r = cgroup_freeze(&g, ctl->cmd == CMD_FREEZE, &e);
	if (r < 0)
		cu_error_die(&e);
	cgroup_free(&g);
	if (ctl->cmd == CMD_DELETE)
		release_unit(ctl);
	return EXIT_SUCCESS;
}

/* --- show and list -------------------------------------------------------- */

static struct cu_table *new_table_opts(const struct table_opts *opts,
				       const struct table_column *cols, size_t n,
				       const char *defaults)
{
	struct cu_error e = { 0 };
	struct cu_table *t = table_new("cgroups", cols, n, defaults, opts, &e);

	if (!t)
		cu_error_die(&e);
	return t;
}

static struct cu_table *new_table(struct cgset_control *ctl,
				  const struct table_column *cols, size_t n,
				  const char *defaults)
{
	return new_table_opts(&ctl->table, cols, n, defaults);
}

/*
 * The fields of show, in their order.  Text prints the fields the group has,
 * one per row; --json prints one object with every field, typed (null for a
 * field the group's hierarchies do not have).
 */
enum {
	SF_NAME, SF_MODE, SF_CONTROLLERS, SF_PROCS, SF_FROZEN,
	SF_USAGE, SF_USER, SF_SYSTEM, SF_QUOTA, SF_PERIOD,
	SF_PERIODS, SF_THROTTLED, SF_THROTTLED_US,
	SF_MEM_CURRENT, SF_MEM_PEAK, SF_MEM_MAX, SF_OOM, SF_OOM_KILL,
	SF_PIDS_CURRENT, SF_PIDS_MAX,
	SF_COUNT
};

static const struct table_column show_fields[SF_COUNT] = {
	[SF_NAME]	  = { "name", 0, 0, NULL },
	[SF_MODE]	  = { "mode", 0, 0, NULL },
	[SF_CONTROLLERS]  = { "controllers", 0, TABLE_LIST, NULL },
	[SF_PROCS]	  = { "procs", 0, TABLE_NUMBER, NULL },
	[SF_FROZEN]	  = { "frozen", 0, TABLE_BOOL, NULL },
	[SF_USAGE]	  = { "cpu.usage_usec", 0, TABLE_NUMBER, NULL },
	[SF_USER]	  = { "cpu.user_usec", 0, TABLE_NUMBER, NULL },
	[SF_SYSTEM]	  = { "cpu.system_usec", 0, TABLE_NUMBER, NULL },
	[SF_QUOTA]	  = { "cpu.max.quota", 0, TABLE_NUMBER, NULL },
	[SF_PERIOD]	  = { "cpu.max.period", 0, TABLE_NUMBER, NULL },
	[SF_PERIODS]	  = { "cpu.nr_periods", 0, TABLE_NUMBER, NULL },
	[SF_THROTTLED]	  = { "cpu.nr_throttled", 0, TABLE_NUMBER, NULL },
	[SF_THROTTLED_US] = { "cpu.throttled_usec", 0, TABLE_NUMBER, NULL },
	[SF_MEM_CURRENT]  = { "memory.current", 0, TABLE_NUMBER, NULL },
	[SF_MEM_PEAK]	  = { "memory.peak", 0, TABLE_NUMBER, NULL },
	[SF_MEM_MAX]	  = { "memory.max", 0, TABLE_NUMBER, NULL },
	[SF_OOM]	  = { "memory.events.oom", 0, TABLE_NUMBER, NULL },
	[SF_OOM_KILL]	  = { "memory.events.oom_kill", 0, TABLE_NUMBER, NULL },
	[SF_PIDS_CURRENT] = { "pids.current", 0, TABLE_NUMBER, NULL },
	[SF_PIDS_MAX]	  = { "pids.max", 0, TABLE_NUMBER, NULL },
};

struct show_values {
	char *v[SF_COUNT];	/* NULL: the group has no such field */
};

static void show_set(struct show_values *sv, int f, const char *fmt, ...) __printf(3, 4);

static void show_set(struct show_values *sv, int f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&sv->v[f], fmt, ap) < 0)
		diex(_("cannot allocate memory"));
	va_end(ap);
}

/* A limit: a number, or "max" (a string in --json too: the kernel's word). */
static void show_set_max(struct show_values *sv, int f, uint64_t v)
{
	if (v == UINT64_MAX)
		show_set(sv, f, "max");
	else
		show_set(sv, f, "%" PRIu64, v);
}

static void show_usage_values(struct show_values *sv, const struct cgroup_stats *s)
{
	if (s->has_usage) {
		show_set(sv, SF_USAGE, "%" PRIu64, s->usage_us);
		show_set(sv, SF_USER, "%" PRIu64, s->user_us);
		show_set(sv, SF_SYSTEM, "%" PRIu64, s->system_us);
	}
	if (s->has_quota) {
		show_set_max(sv, SF_QUOTA, s->quota_us);
		show_set(sv, SF_PERIOD, "%" PRIu64, s->period_us);
	}
	if (s->has_throttle) {
		show_set(sv, SF_PERIODS, "%" PRIu64, s->nr_periods);
		show_set(sv, SF_THROTTLED, "%" PRIu64, s->nr_throttled);
		show_set(sv, SF_THROTTLED_US, "%" PRIu64, s->throttled_us);
	}
	if (s->has_memory) {
		show_set(sv, SF_MEM_CURRENT, "%" PRIu64, s->mem_current);
		show_set(sv, SF_MEM_PEAK, "%" PRIu64, s->mem_peak);
		show_set_max(sv, SF_MEM_MAX, s->mem_max);
	}
	if (s->has_oom) {
		show_set(sv, SF_OOM, "%" PRIu64, s->oom_events);
		show_set(sv, SF_OOM_KILL, "%" PRIu64, s->oom_kills);
	}
	if (s->has_pids) {
		show_set(sv, SF_PIDS_CURRENT, "%" PRIu64, s->pids_current);
		show_set_max(sv, SF_PIDS_MAX, s->pids_max);
	}
}

/* Text: a FIELD VALUE row for each field the group has. */
static struct cu_table *show_text(struct cgset_control *ctl, const struct show_values *sv)
{
	struct cu_table *t = new_table(ctl, show_cols, ARRAY_SIZE(show_cols), "FIELD,VALUE");
	size_t f;

	for (f = 0; f < SF_COUNT; f++) {
		struct libscols_line *ln;

		if (!sv->v[f])
			continue;
		ln = table_add_line(t, NULL);
		if (table_set(t, ln, COL_FIELD, show_fields[f].name) < 0 ||
		    table_set(t, ln, COL_VALUE, sv->v[f]) < 0)
			diex(_("cannot allocate memory"));
	}
	return t;
}

/* JSON: one object, a key for every field; a "max" limit is a string. */
static struct cu_table *show_json(struct cgset_control *ctl, const struct show_values *sv)
{
	static struct table_column cols[SF_COUNT];	/* the table keeps a pointer */
	struct table_opts opts = ctl->table;
	struct libscols_line *ln;
	char all[512] = "";
	struct cu_table *t;
	size_t f;

	memcpy(cols, show_fields, sizeof(cols));
	for (f = 0; f < SF_COUNT; f++) {
		/* scols prints false for an empty boolean: a string is null */
		if (!sv->v[f] || ((cols[f].flags & TABLE_NUMBER) &&
				  !isdigit((unsigned char) *sv->v[f])))
			cols[f].flags = 0;
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
			 f ? "," : "", cols[f].name);
	}
	opts.output = NULL;	/* --output chooses the text's columns */
	t = new_table_opts(&opts, cols, SF_COUNT, all);
	ln = table_add_line(t, NULL);
	for (f = 0; f < SF_COUNT; f++)
		if (table_set(t, ln, f, sv->v[f]) < 0)
			diex(_("cannot allocate memory"));
	return t;
}

static void hier_label(const struct cgroup_map *m, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", m->h[i].version == 2 ? "v2" : m->h[i].controllers);
}

/* The controllers of v2 directory @dir (its cgroup.controllers), comma separated. */
static void v2_controllers(const char *dir, char *buf, size_t len)
{
	_cleanup_free_ char *path = NULL;
	FILE *f;
	char *p;

	*buf = '\0';
	xasprintf(&path, "%s/cgroup.controllers", dir);
	f = fopen(path, "r" CU_CLOEXECSTR);
	if (!f)
		return;
	if (!fgets(buf, (int) len, f))
		*buf = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	for (p = buf; *p; p++)
		if (*p == ' ')
			*p = '+';	/* one word in the list: "v2:cpu+memory" */
}

static void group_controllers(const struct cgroup *g, char *buf, size_t len)
{
	size_t i;

	*buf = '\0';
	for (i = 0; i < g->map->n; i++) {
		char one[128];

		if (!g->path[i])
			continue;
		hier_label(g->map, i, one, sizeof(one));
		if (strlen(buf) + strlen(one) + 2 < len)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 *buf ? " " : "", one);
	}
}

static int cmd_show(struct cgset_control *ctl)
{
	struct show_values sv = { { NULL } };
	struct cgroup_stats s;
	struct cgroup g;
	struct cu_table *t;
	char ctrls[512];
	size_t f;

	open_group(ctl, &g, ctl->args[0]);
	if (cgroup_stats(&g, &s) < 0)
		die(_("cannot read the state of %s"), g.name);
	group_controllers(&g, ctrls, sizeof(ctrls));
	show_set(&sv, SF_NAME, "%s", g.name);
	show_set(&sv, SF_MODE, "%s", cgroup_mode_name(ctl->map.mode));
	show_set(&sv, SF_CONTROLLERS, "%s", ctrls);
	show_set(&sv, SF_PROCS, "%d", s.nprocs);
	if (s.has_frozen)
		show_set(&sv, SF_FROZEN, "%d", s.frozen ? 1 : 0);
	show_usage_values(&sv, &s);
	t = ctl->table.json ? show_json(ctl, &sv) : show_text(ctl, &sv);
	if (table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
	for (f = 0; f < SF_COUNT; f++)
		free(sv.v[f]);
	cgroup_free(&g);
	return EXIT_SUCCESS;
}

struct list_entry {
	char *rel;
	uint32_t mask;
	struct libscols_line *ln;
};

struct list_data {
	struct list_entry *v;
	size_t n;
	bool hide_keeper;	/* below the unit: not a group of the user's */
};

static int list_collect(const char *rel, size_t hier, void *data)
{
	struct list_data *d = data;
	size_t i;

	if (d->hide_keeper && startswith(rel, CGUNIT_KEEPER) &&
	    (rel[strlen(CGUNIT_KEEPER)] == '\0' || rel[strlen(CGUNIT_KEEPER)] == '/'))
		return 0;
	for (i = 0; i < d->n; i++)
		if (streq(d->v[i].rel, rel)) {
			d->v[i].mask |= 1U << hier;
			return 0;
		}
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n].rel = xstrdup(rel);
	d->v[d->n].mask = 1U << hier;
	d->v[d->n].ln = NULL;
	d->n++;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct list_entry *) a)->rel, ((const struct list_entry *) b)->rel);
}

static struct libscols_line *list_parent(const struct list_data *d, size_t upto, const char *rel)
{
	size_t len = (size_t) (strrchr(rel, '/') ? strrchr(rel, '/') - rel : 0);
	size_t i;

	for (i = upto; len && i-- > 0;)
		if (strlen(d->v[i].rel) == len && strncmp(d->v[i].rel, rel, len) == 0)
			return d->v[i].ln;
	return NULL;
}

static void list_line(struct cgset_control *ctl, struct cu_table *t,
		      struct list_data *d, size_t i)
{
	struct list_entry *en = &d->v[i];
	struct cgroup g;
	char ctrls[512], paths[4096] = "";
	size_t h;

	en->ln = table_add_line(t, list_parent(d, i, en->rel));
	cgroup_init(&g, &ctl->map, en->rel);
	for (h = 0; h < ctl->map.n; h++)
		if (en->mask & (1U << h)) {
			g.path[h] = NULL;
			if (xasprintf(&g.path[h], "%s/%s", ctl->map.h[h].base, en->rel) < 0)
				diex(_("cannot allocate memory"));
			if (strlen(paths) + strlen(g.path[h]) + 2 < sizeof(paths))
				snprintf(paths + strlen(paths), sizeof(paths) - strlen(paths),
					 "%s%s", *paths ? "\n" : "", g.path[h]);
		}
	group_controllers(&g, ctrls, sizeof(ctrls));
	if (ctl->map.v2 >= 0 && g.path[ctl->map.v2]) {
		/* "v2" with what the group can use there: "v2:cpu,memory" */
		char v2[256], joined[sizeof(ctrls)], *at = strstr(ctrls, "v2");

		v2_controllers(g.path[ctl->map.v2], v2, sizeof(v2));
		if (*v2 && at) {
			snprintf(joined, sizeof(joined), "%.*sv2:%s%s",
				 (int) (at - ctrls), ctrls, v2, at + 2);
			snprintf(ctrls, sizeof(ctrls), "%s", joined);
		}
	}
	/* the last component below a parent in the tree; --raw: in full */
	if (table_set(t, en->ln, COL_NAME, strrchr(en->rel, '/') && table_is_tree(t) &&
		      list_parent(d, i, en->rel) ? strrchr(en->rel, '/') + 1 : en->rel) < 0 ||
	    table_set(t, en->ln, COL_CONTROLLERS, ctrls) < 0 ||
	    table_set(t, en->ln, COL_PATHS, paths) < 0 ||
	    (table_has(t, COL_PROCS) &&
	     table_set_u64(t, en->ln, COL_PROCS, (unsigned long long) cgroup_count_procs(&g)) < 0))
		diex(_("cannot allocate memory"));
	cgroup_free(&g);
}

/* The hierarchies: mode, mount points and controllers (list --hierarchies). */
static int cmd_list_hierarchies(struct cgset_control *ctl)
{
	struct cu_table *t;
	struct cu_error e = { 0 };
	size_t i;

	t = table_new("hierarchies", hier_cols, ARRAY_SIZE(hier_cols),
		      "HIERARCHY,VERSION,MOUNT,CONTROLLERS,MODE", &ctl->table, &e);
	if (!t)
		cu_error_die(&e);
	for (i = 0; i < ctl->map.n; i++) {
		const struct cgroup_hier *h = &ctl->map.h[i];
		struct libscols_line *ln = table_add_line(t, NULL);
		char label[128], ctrls[512];

		hier_label(&ctl->map, i, label, sizeof(label));
		if (h->version == 2)
			v2_controllers(h->mount, ctrls, sizeof(ctrls));
		else
			snprintf(ctrls, sizeof(ctrls), "%s", h->controllers);
		if (table_set(t, ln, HCOL_HIERARCHY, label) < 0 ||
		    table_set_u64(t, ln, HCOL_VERSION, (unsigned long long) h->version) < 0 ||
		    table_set(t, ln, HCOL_MOUNT, h->mount) < 0 ||
		    table_set(t, ln, HCOL_CONTROLLERS, ctrls) < 0 ||
		    table_set(t, ln, HCOL_MODE, cgroup_mode_name(ctl->map.mode)) < 0 ||
		    table_set(t, ln, HCOL_BASE, h->base) < 0)
			diex(_("cannot allocate memory"));
	}
	if (table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
	return EXIT_SUCCESS;
}

static int cmd_list(struct cgset_control *ctl)
{
	struct list_data d = { NULL, 0, ctl->systemd };
	const char *base = ctl->nargs ? ctl->args[0] : "";
	struct cu_table *t;
	size_t i;

	if (*base)
		check_name(base);
	if (*base) {
		struct cgroup g;

		open_group(ctl, &g, base);
		for (i = 0; i < ctl->map.n; i++)
			if (g.path[i])
				(void) list_collect(g.name, i, &d); /* cannot fail */
		cgroup_free(&g);
	}
	if (!ctl->no_unit && cgroup_walk(&ctl->map, base, list_collect, &d) < 0)
		die(_("cannot list the groups below %s"), *base ? base : "/");
	qsort(d.v, d.n, sizeof(*d.v), entry_cmp);
	t = new_table(ctl, list_cols, ARRAY_SIZE(list_cols), "NAME,CONTROLLERS,PROCS");
	for (i = 0; i < d.n; i++)
		list_line(ctl, t, &d, i);
	if (table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
	for (i = 0; i < d.n; i++)
		free(d.v[i].rel);
	free(d.v);
	return EXIT_SUCCESS;
}

/* --- run ------------------------------------------------------------------ */

/* After the program (or a failed start): kill, wait and remove our group. */
static void run_cleanup_group(struct cgset_control *ctl, struct cgroup *g, bool failed)
{
	struct cu_error e = { 0 };

	if (!ctl->made || (ctl->keep && !failed))
		return;
	/* the usual end: the program and its children are gone */
	if (cgroup_remove_empty(g) < 0) {
		if (cgroup_count_procs(g) > 0 && cgroup_kill(g, &e) < 0)
			cu_error_warn(&e);
		if (cgroup_delete(g, true, &e) < 0)
			cu_error_warn(&e);
	}
	release_unit(ctl);
}

/* What the run's child needs. */
struct run_child_args {
	struct cgset_control *ctl;
	struct cgroup *g;
	bool join_v2;			/* not born in the v2 group: join it too */
	const sigset_t *oldmask;
};

/*
 * The child's side of the handshake: "R" as soon as it runs (a clone3
 * child the kernel killed never says it), then the reason if joining
 * fails; exec closes the pipe.  System calls only: a spawn_vm child runs
 * in our memory.
 */
static int run_child(struct spawn *sp)
{
	const struct run_child_args *a = sp->arg;
	struct cu_error e = { 0 };
	size_t i;

	if (spawn_ready(sp) < 0)
		_exit(CU_EXIT_CANCELED);
	for (i = 0; i < a->ctl->map.n; i++) {
		if (!a->g->path[i] || ((int) i == a->ctl->map.v2 && !a->join_v2))
			continue;
		if (cgroup_attach_self(a->g, i, &e) < 0)
			spawn_fail(sp, &e);	/* the parent reports it */
	}
	if (exec_restore_sigmask(a->oldmask) < 0)
		_exit(CU_EXIT_CANCELED);
	/* _exit(2) on failure: a spawn_vm child runs in our memory */
	exec_child_program_or_shell(a->ctl->args);
}

/*
 * Start the child: clone3(CLONE_INTO_CGROUP) into the v2 group, where it
 * can in our memory until it execs (spawn_vm: it only joins the v1
 * hierarchies and execs); and when the kernel refuses or kills that
 * child (6.18 kills it after cgroup.kill), fork and let the child write
 * its own PID.  Returns its pid and pidfd.
 */
static pid_t run_spawn(struct cgset_control *ctl, struct cgroup *g,
		       const sigset_t *oldmask, int *pidfd)
{
	int cgfd = cgroup_open_v2_fd(g), status, attempt, r;
	struct run_child_args c = { ctl, g, false, oldmask };
	struct cu_error e = { 0 };
	struct spawn sp = {
		.handshake = true,
		.child = run_child,
		.arg = &c,
		.exec_argv = ctl->args,
	};
	pid_t pid = -1;

	for (attempt = cgfd >= 0 ? 0 : 1; attempt < 2; attempt++) {
		r = spawn_pipes(&sp);
		if (r < 0) {
			errno = -r;
			die(_("cannot create a pipe"));
		}
		*pidfd = -1;
		c.join_v2 = attempt == 1;
		sp.share_vm = attempt == 0;
		sp.plain_fork = attempt == 1;
		sp.clone = (struct cu_clone_args) {
			.flags = attempt == 0 ? CLONE_PIDFD | CLONE_INTO_CGROUP : 0,
			.pidfd = (uint64_t) (uintptr_t) pidfd,
			.exit_signal = SIGCHLD,
			.cgroup = (uint64_t) cgfd,
		};
		pid = spawn_start(&sp);
		if (pid < 0 && attempt == 0)
			continue;
		if (pid < 0)
			die(_("cannot fork"));
		if (pid == 0)
			run_child(&sp);
		r = spawn_wait(&sp, &e);
		if (r > 0)
			break;
		(void) waitpid(pid, &status, 0); /* reap the child that failed */
		if (*pidfd >= 0)
			close(*pidfd);
		if (r < 0 || attempt == 1) {
			run_cleanup_group(ctl, g, true);
			if (r < 0)
				cu_error_die(&e);
			diex(_("the program's process died before it could start"));
		}
	}
	if (cgfd >= 0)
		close(cgfd);
	if (*pidfd < 0)
		*pidfd = sys_pidfd_open(pid, 0);
	return pid;
}

/* Open --name when it exists (and keep it), else make a fresh group. */
static void run_prepare(struct cgset_control *ctl, struct cgroup *g)
{
	struct cgroup_plan p;

	if (!ctl->name) {
		snprintf(ctl->defname, sizeof(ctl->defname), "cgset-run-%d", (int) getpid());
		ctl->name = ctl->defname;
	}
	check_name(ctl->name);
	make_plan(ctl, &p);
	setup_parent(ctl, ctl->keep ? PARENT_MAKE : PARENT_RUN);
	check_not_keeper(ctl, ctl->name);
	if (cgroup_open(g, &ctl->map, ctl->name, NULL) < 0) {
		cgroup_free(g);
		cgroup_init(g, &ctl->map, ctl->name);
		ctl->made = true;
	}
	apply_plan(ctl, g, &p);
	cgroup_plan_free(&p);
	cgunit_unlock(&ctl->unit);	/* the group exists: no stop can take it */
}

/* What run_stop() needs of the run. */
struct run_watch {
	struct cgset_control *ctl;
	struct cgroup *g;
};

/*
 * The grace period after a stop signal is over: kill the group (its
 * processes cannot ignore SIGKILL), or the program alone in a group that
 * run did not make (other processes may live there).
 */
static void run_stop(pid_t pid, int pidfd, void *data)
{
	const struct run_watch *rw = data;
	struct cgset_control *ctl = rw->ctl;
	struct cgroup *g = rw->g;
	struct cu_error e = { 0 };

	if (ctl->made && cgroup_kill(g, &e) == 0)
		return;
	if (ctl->made)
		cu_error_warn(&e);
	if (pidfd < 0 || sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0)
		(void) kill(pid, SIGKILL); /* ESRCH: it is gone; wait collects it */
}

/*
 * exec_supervise_watch() with docker stop's rule: the signals are
 * forwarded, and the first TERM, INT or HUP starts the grace period
 * (--stop-timeout), after which the group is killed.  0 or -errno.
 */
static int run_supervise(struct cgset_control *ctl, struct cgroup *g, pid_t pid,
			 int pidfd, int *wstatus)
{
	struct run_watch rw = { ctl, g };
	const struct exec_watch w = {
		.stop_timeout = ctl->stop_timeout,
		.stop = run_stop,
		.data = &rw,
	};

	return exec_supervise_watch(pid, pidfd, &w, wstatus);
}

/* A count limit in decimal; "max" for none. */
static const char *max_str(uint64_t v, char *buf, size_t len)
{
	if (v == UINT64_MAX)
		return "max";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* "128M" for a limit in bytes; "max" for none. */
static const char *limit_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i;

	if (v == UINT64_MAX)
		return "max";
	for (i = 4; i > 0; i--)
		if (v >= (1ULL << (10 * i)) && v % (1ULL << (10 * i)) == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v >> (10 * i), units[i - 1]);
			return buf;
		}
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/*
 * What the limits did to the program, said on stderr once it ended: the
 * kernel's OOM kills in the group (v2 memory.events, v1 memory.oom_control;
 * on a v1 kernel without that counter, a SIGKILL after memory.failcnt
 * grew), and forks refused at pids.max (pids.events).  @before: the
 * counters when the program started (a --name group may have history).
 */
static void run_report(const struct cgset_control *ctl, const struct cgroup *g,
		       const struct cgroup_stats *before, int wstatus)
{
	struct cgroup_stats after;
	char b[32];

	if (cgroup_stats(g, &after) < 0)
		return;
	if (before->has_oom && after.has_oom && after.oom_kills > before->oom_kills)
		warnx(P_("out of memory: the kernel killed %1$" PRIu64 " process of group %2$s at its memory limit of %3$s (raise --memory)",
			 "out of memory: the kernel killed %1$" PRIu64 " processes of group %2$s at its memory limit of %3$s (raise --memory)",
			 after.oom_kills - before->oom_kills),
		      after.oom_kills - before->oom_kills, ctl->name,
		      limit_str(after.mem_max, b, sizeof(b)));
	else if (!after.has_oom && before->has_failcnt && after.has_failcnt &&
		 after.mem_failcnt > before->mem_failcnt &&
		 WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
		warnx(_("the program was killed (SIGKILL) after group %1$s reached its memory limit of %2$s: out of memory, most likely (raise --memory)"),
		      ctl->name, limit_str(after.mem_max, b, sizeof(b)));
	if (before->has_pids_events && after.has_pids_events &&
	    after.pids_max_events > before->pids_max_events)
		warnx(P_("group %1$s reached its limit of %2$s processes: the kernel refused %3$" PRIu64 " fork (raise --pids)",
			 "group %1$s reached its limit of %2$s processes: the kernel refused %3$" PRIu64 " forks (raise --pids)",
			 after.pids_max_events - before->pids_max_events),
		      ctl->name, max_str(after.pids_max, b, sizeof(b)),
		      after.pids_max_events - before->pids_max_events);
}

/*
 * run's plan, walked in this one process: the child's birth in the group
 * (clone3 with CLONE_INTO_CGROUP where the group has a v2 directory, else a
 * fork that writes its own PID), what the child writes, its execve, and
 * the removal of the group once the program has ended.
 */
static __noreturn void run_dry(struct cgset_control *ctl, struct cgroup *g)
{
	int v2 = ctl->map.v2;
	bool into = v2 >= 0 && g->path[v2] && !ctl->map.h[v2].emulated;
	struct cu_error e = { 0 };
	size_t i;

	if (into)	/* as run_spawn: in our memory until exec where it can */
		explain_clone3_done(CLONE_PIDFD | CLONE_INTO_CGROUP |
				    (spawn_vm_supported() ? CLONE_VM | CLONE_VFORK : 0),
				    1 /* not the child: the parent's line */, 0);
	for (i = 0; i < ctl->map.n; i++) {
		if (!g->path[i] || ((int) i == v2 && into))
			continue;
		(void) !cgroup_attach_self(g, i, &e);
	}
	explain_dry_execve(ctl->args);
	run_cleanup_group(ctl, g, false);
	cgroup_free(g);
	exit(EXIT_SUCCESS);
}

static __noreturn void cmd_run(struct cgset_control *ctl)
{
	struct cgroup_stats before = { 0 };
	struct cgroup g;
	sigset_t oldmask;
	int pidfd = -1, wstatus, r;
	pid_t pid;

	run_prepare(ctl, &g);
	if (explain_dry_run())
		run_dry(ctl, &g);
	if (cgroup_stats(&g, &before) < 0)
		memset(&before, 0, sizeof(before));	/* nothing to report then */
	if (exec_block_forwarded(&oldmask) < 0) {
		run_cleanup_group(ctl, &g, true);
		die(_("cannot block signals"));
	}
	pid = run_spawn(ctl, &g, &oldmask, &pidfd);
	r = run_supervise(ctl, &g, pid, pidfd, &wstatus);
	if (r < 0) {
		errno = -r;
		warn(_("cannot wait for the program"));
		(void) kill(pid, SIGKILL); /* it must not outlive its group */
		(void) waitpid(pid, &wstatus, 0);
	}
	run_report(ctl, &g, &before, wstatus);
	run_cleanup_group(ctl, &g, false);
	cgroup_free(&g);
	exec_exit_like(wstatus);
}

static void load_map(struct cgset_control *ctl)
{
	struct cu_error e = { 0 };

	if (cgroup_map_load(&ctl->map, &e) < 0)
		cu_error_die(&e);
}

/* run ends in the program (or exits): its row's function never returns */
static int cmd_run_program(struct cgset_control *ctl)
{
	cmd_run(ctl);
}

static int cmd_listing(struct cgset_control *ctl)
{
	return ctl->hierarchies ? cmd_list_hierarchies(ctl) : cmd_list(ctl);
}

int main(int argc, char **argv)
{
	struct cgset_control ctl = { .stop_timeout = STOP_TIMEOUT_DEFAULT, .unit.lockfd = -1 };
	int status = EXIT_SUCCESS;

	cu_init_locale();
	cu_perm_hint_init(argc, argv, NULL);
	close_stdout_atexit();

	parse_args(&ctl, argc, argv);
	check_args(&ctl);
	load_map(&ctl);
	if (ctl.cmd != CMD_CREATE && ctl.cmd != CMD_RUN)
		setup_parent(&ctl, PARENT_LOOK);

	status = commands[ctl.cmd].fn(&ctl);
	cglimits_free(&ctl.limits);
	cgunit_close(&ctl.unit);
	cgroup_map_free(&ctl.map);
	return status;
}
