// SPDX-License-Identifier: GPL-2.0-or-later
/* netns(8) - named, persistent network namespaces, as iproute2 keeps them */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "exec.h"
#include "net-netlink.h"
#include "net-nsname.h"
#include "net-ns.h"
#include "ns.h"
#include "strutils.h"
#include "syscalls.h"
#include "table.h"

enum netns_cmd {
	CMD_ADD,
	CMD_ATTACH,
	CMD_DELETE,
	CMD_EXEC,
	CMD_IDENTIFY,
	CMD_LIST,
	CMD_PIDS,
	CMD_SET,
};

struct netns_control;

/* A row of commands[] (c.h: struct cu_command first). */
struct netns_command {
	struct cu_command cmd;
	enum netns_cmd id;
	int (*fn)(struct netns_control *ctl);
};

struct netns_control {
	const struct netns_command *cmd;
	struct table_opts topts;
	bool all;
	bool dry_run;		/* --dry-run: on once the command is known */
	char **args;		/* operands after the command */
	int nargs;
};

enum {
	COL_NAME,
	COL_NSID,
	COL_PROCS,
	COL_IFACES,
	COL_NS,
	COL_PATH,
};

static const struct table_column columns[] = {
	[COL_NAME]   = { "NAME",   0.2, 0, N_("namespace name") },
	[COL_NSID]   = { "NSID",   3, TABLE_RIGHT | TABLE_NUMBER,
			 N_("nsid of the namespace, as seen from ours"),
			 "id" },	/* ip -j netns list's key */
	[COL_PROCS]  = { "PROCS",  3, TABLE_RIGHT | TABLE_NUMBER,
			 N_("number of processes inside") },
	[COL_IFACES] = { "IFACES", 3, TABLE_RIGHT | TABLE_NUMBER,
			 N_("number of network interfaces inside") },
	[COL_NS]     = { "NS",     10, TABLE_RIGHT | TABLE_NUMBER,
			 N_("namespace inode number") },
	[COL_PATH]   = { "PATH",   0.3, 0, N_("file that keeps the namespace") },
};

#define DEFAULT_COLUMNS "NAME,NSID,PROCS,IFACES"

/* netns pids with --json, --raw, --noheadings or --output */
static const struct table_column pid_columns[] = {
	{ "PID", 5, TABLE_RIGHT | TABLE_NUMBER, N_("pids: process ID") },
};

/* ---- add, attach, delete ---------------------------------------------- */

static void check_names_or_die(char **names, int n)
{
	struct cu_error e;
	int i;

	for (i = 0; i < n; i++)
		if (netns_check_name(names[i], &e) < 0)
			cu_error_die(&e);
}

static void prepare_dir_or_die(struct netns_dir *d)
{
	struct cu_error e;

	if (netns_prepare_dir(d, &e) < 0)
		cu_error_die(&e);
}

static void undo_failed(const char *name, void *data __unused)
{
	warnx(_("cannot remove '%s' again"), name);
}

/* All or nothing: a failure removes the names this call already made. */
static int cmd_add(struct netns_control *ctl)
{
	struct netns_dir d;
	struct cu_error e;

	check_names_or_die(ctl->args, ctl->nargs);
	prepare_dir_or_die(&d);
	if (netns_add_new(&d, ctl->args, (size_t) ctl->nargs, undo_failed, NULL, &e) < 0)
		cu_error_die(&e);
	netns_dir_close(&d);
	return EXIT_SUCCESS;
}

static int cmd_attach(struct netns_control *ctl)
{
	pid_t pid = pid_or_err(ctl->args[1], _("invalid PID"));
	struct netns_dir d;
	struct cu_error e;
	char src[64];

	check_names_or_die(ctl->args, 1);
	snprintf(src, sizeof(src), "/proc/%d/ns/net", (int) pid);
	/* a plan may not look at another user's process: it names it */
	if (access(src, F_OK) < 0 &&
	    !(explain_dry_run() && (errno == EACCES || errno == EPERM)))
		die(_("cannot find the network namespace of PID %d"), (int) pid);
	prepare_dir_or_die(&d);
	if (netns_add_at(&d, ctl->args[0], src, &e) < 0)
		cu_error_die(&e);
	netns_dir_close(&d);
	return EXIT_SUCCESS;
}

/* Say which deleted names still have processes inside (one /proc walk). */
static void warn_still_used(char **names, const struct netns_id *ids, int n)
{
	struct netns_procs procs;
	size_t first, count;
	int i;

	if (netns_scan_procs(&procs) < 0)
		return;		/* only a warning is lost */
	for (i = 0; i < n; i++) {
		if (ids[i].ino == 0)
			continue;
		first = netns_procs_find(&procs, &ids[i], &count);
		if (count > 0)
			warnx(P_("network namespace '%1$s' is still used by %2$zu process (PID %3$d): it lives on until it exits",
				 "network namespace '%1$s' is still used by %2$zu processes (PID %3$d, ...): it lives on until they exit",
				 count),
			      names[i], count, (int) procs.v[first].pid);
	}
	netns_free_procs(&procs);
}

/*
 * Remove each name; then say which namespaces still have processes
 * inside.  The walk of /proc for that is only for namespaces that may
 * still live: with nsfs file handles, an unused one is known gone at once.
 */
static int delete_names(char **names, int n)
{
	struct netns_ref *refs = xcalloc((size_t) n, sizeof(*refs));
	struct netns_id *ids = xcalloc((size_t) n, sizeof(*ids));
	int i, nsfd, rc = EXIT_SUCCESS;
	bool walk = false;
	struct cu_error e;

	if (explain_dry_run()) {
		/* the plan of each removal; nothing is gone to look after */
		for (i = 0; i < n; i++)
			if (netns_remove(names[i], &e) < 0) {
				cu_error_warn(&e);
				rc = cu_exit_failure;
			}
		free(refs);
		free(ids);
		return rc;
	}
	for (i = 0; i < n; i++)
		netns_ref_take(names[i], &refs[i]);
	for (i = 0; i < n; i++) {
		if (netns_remove(names[i], &e) == 0)
			continue;
		cu_error_warn(&e);
		refs[i].id.ino = 0;
		rc = cu_exit_failure;
	}
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < n && nsfd >= 0; i++) {
		if (netns_ref_lives(nsfd, &refs[i])) {
			ids[i] = refs[i].id;
			walk = true;
		}
	}
	if (nsfd >= 0)
		close(nsfd);
	if (walk)
		warn_still_used(names, ids, n);
	free(refs);
	free(ids);
	return rc;
}

static char **names_or_die(size_t *n)
{
	struct cu_error e;
	char **names;

	if (netns_list_names(&names, n, &e) < 0)
		cu_error_die(&e);
	return names;
}

static int cmd_delete(struct netns_control *ctl)
{
	char **names;
	size_t n;
	int rc;

	if (!ctl->all) {
		if (ctl->nargs == 0)
			diex(_("no namespace given (name one, or use --all)"));
		check_names_or_die(ctl->args, ctl->nargs);
		return delete_names(ctl->args, ctl->nargs);
	}
	if (ctl->nargs > 0)
		diex(_("--all and names are mutually exclusive"));
	names = names_or_die(&n);
	rc = n ? delete_names(names, (int) n) : EXIT_SUCCESS;
	netns_free_names(names);
	return rc;
}

/* ---- list --------------------------------------------------------------- */

struct list_ctx {
	struct cu_table *t;
	struct netns_procs procs;
	struct netlink_sock *sk;	/* in our namespace, for NSID */
};

static void list_one_ns(struct list_ctx *lc, struct libscols_line *ln, int fd)
{
	struct netns_id id;
	struct stat st;
	int32_t nsid;
	size_t count;
	unsigned links;

	if (fstat(fd, &st) < 0)
		return;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	table_set_u64(lc->t, ln, COL_NS, (unsigned long long) st.st_ino);
	if (lc->sk && netlink_nsid_get(lc->sk, fd, &nsid, NULL) == 0 && nsid >= 0)
		table_set_u64(lc->t, ln, COL_NSID, (unsigned long long) nsid);
	if (table_has(lc->t, COL_PROCS)) {
		(void) netns_procs_find(&lc->procs, &id, &count);
		table_set_u64(lc->t, ln, COL_PROCS, count);
	}
	if (table_has(lc->t, COL_IFACES)) {
		/* a socket of its own in there; no column when it cannot be had */
		struct netlink_sock *in = netlink_open(fd, NULL);

		if (in && netlink_link_count(in, &links, NULL) == 0)
			table_set_u64(lc->t, ln, COL_IFACES, links);
		netlink_close(in);
	}
}

static void list_one(struct list_ctx *lc, const char *name)
{
	struct libscols_line *ln = table_add_line(lc->t, NULL);
	char path[PATH_MAX];
	int fd;

	table_set(lc->t, ln, COL_NAME, name);
	if (netns_path(name, path, sizeof(path), NULL) < 0)
		return;
	table_set(lc->t, ln, COL_PATH, path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);	/* a FIFO must not block */
	if (fd < 0)
		return;
	/* a stale file (no namespace mounted on it) shows its name only */
	if (ns_fd_type(fd) == CLONE_NEWNET)
		list_one_ns(lc, ln, fd);
	close(fd);
}

static void list_ctx_init(struct list_ctx *lc)
{
	lc->procs.v = NULL;
	lc->procs.n = 0;
	lc->sk = NULL;
	if (table_has(lc->t, COL_PROCS) && netns_scan_procs(&lc->procs) < 0)
		warn(_("cannot read %s"), "/proc");
	if (table_has(lc->t, COL_NSID)) {
		struct cu_error e;

		lc->sk = netlink_open(-1, &e);
		if (!lc->sk) {	/* the table goes on without NSIDs */
			errno = e.errnum;
			warn(_("cannot open a netlink socket"));
		}
	}
}

/* The table of @names: list's, and identify's with a table option. */
static int print_list(struct netns_control *ctl, char **names, size_t n,
		      const char *defaults)
{
	struct list_ctx lc;
	struct cu_error e;
	size_t i;
	int r;

	lc.t = table_new("netns", columns, ARRAY_SIZE(columns), defaults,
			 &ctl->topts, &e);
	if (!lc.t)
		cu_error_die(&e);
	list_ctx_init(&lc);
	for (i = 0; i < n; i++)
		list_one(&lc, names[i]);
	r = table_print(lc.t);
	netns_free_procs(&lc.procs);
	netlink_close(lc.sk);
	table_free(lc.t);
	if (r < 0)
		die_errno(r, _("cannot print the table"));
	return EXIT_SUCCESS;
}

static int cmd_list(struct netns_control *ctl)
{
	size_t n;
	char **names = names_or_die(&n);
	int rc = print_list(ctl, names, n, DEFAULT_COLUMNS);

	netns_free_names(names);
	return rc;
}

/* ---- exec --------------------------------------------------------------- */

static void bind_failed(const char *src, const char *dst, int errnum, void *data __unused)
{
	errno = errnum;
	warn(_("cannot bind %1$s on %2$s"), src, dst);
}

/*
 * setns, then the mounts `ip netns exec` makes, then the program.  Returns
 * in a dry run only, once the plan ends with the execve it does not make.
 */
static void exec_in(const char *name, char **argv)
{
	struct cu_error e;
	int fd = netns_open_name(name, &e);

	/* -errno, and -ENOENT is EXPLAIN_DRY_FD: only a refused read may be one */
	if (fd < 0 && explain_dry_run() && (e.errnum == EACCES || e.errnum == EPERM))
		fd = EXPLAIN_DRY_FD;	/* a plan may not open it: a placeholder */
	else if (fd < 0)
		cu_error_die(&e);
	if (ex_setns(fd, CLONE_NEWNET) < 0)
		die(_("cannot enter network namespace '%s'"), name);
	if (fd >= 0)
		close(fd);
	if (netns_enter_mounts(name, bind_failed, NULL, &e) < 0)
		cu_error_die(&e);
	if (explain_dry_run()) {
		explain_dry_execve(argv);
		return;
	}
	exec_program(argv);
}

static int exec_one_child(const char *name, char **argv)
{
	int wstatus, pidfd;
	sigset_t old;
	pid_t pid;

	if (exec_block_forwarded(&old) < 0)
		die(_("cannot block signals"));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die(_("cannot fork"));
	if (pid == 0) {
		if (exec_restore_sigmask(&old) < 0)
			die(_("cannot restore the signal mask"));
		exec_in(name, argv);
	}
	pidfd = sys_pidfd_open(pid, 0);	/* -1 on old kernels: kill() then */
	if (exec_supervise(pid, pidfd, &wstatus) < 0)
		die(_("cannot wait for the program in '%s'"), name);
	if (pidfd >= 0)
		close(pidfd);
	if (exec_restore_sigmask(&old) < 0)
		die(_("cannot restore the signal mask"));
	return exec_status_code(wstatus);
}

/* Every namespace in turn; the status is the first failure's, else 0. */
static int exec_all(char **argv)
{
	int status, rc = EXIT_SUCCESS;
	char **names;
	size_t n, i;

	names = names_or_die(&n);
	for (i = 0; i < n; i++) {
		/* the header "netns: NAME" on stderr keeps stdout the program's */
		warnx("%s", names[i]);
		if (explain_dry_run()) {	/* no child: each plan in turn */
			exec_in(names[i], argv);
			continue;
		}
		status = exec_one_child(names[i], argv);
		if (status != 0 && rc == EXIT_SUCCESS)
			rc = status;
	}
	netns_free_names(names);
	return rc;
}

static int cmd_exec(struct netns_control *ctl)
{
	char **argv = ctl->args;
	int argc = ctl->nargs;
	char *name = NULL;

	if (!ctl->all) {
		name = argv[0];
		argv++;
		argc--;
		check_names_or_die(&name, 1);
	}
	if (argc > 0 && streq(argv[0], "--")) {
		argv++;
		argc--;
	}
	if (argc == 0)
		diex(_("no program given (netns exec NAME [--] PROGRAM)"));
	if (ctl->all)
		return exec_all(argv);
	exec_in(name, argv);
	return EXIT_SUCCESS;	/* a dry run's plan */
}

/* ---- identify, pids, set ------------------------------------------------ */

static int cmd_identify(struct netns_control *ctl)
{
	char path[PATH_MAX], self[64];
	struct netns_id id, other;
	char **names;
	size_t n, i, m;

	if (ctl->nargs > 0)
		snprintf(self, sizeof(self), "/proc/%d/ns/net",
			 (int) pid_or_err(ctl->args[0], _("invalid PID")));
	else
		snprintf(self, sizeof(self), "/proc/self/ns/net");
	if (netns_id_of_path(self, &id) < 0)
		die(_("cannot find the network namespace of PID %s"),
		    ctl->nargs ? ctl->args[0] : "self");
	names = names_or_die(&n);
	/* every name of the namespace, not only the first */
	for (i = 0, m = 0; i < n; i++)
		if (netns_path(names[i], path, sizeof(path), NULL) == 0 &&
		    netns_id_of_path(path, &other) == 0 &&
		    other.dev == id.dev && other.ino == id.ino)
			names[m++] = names[i];
		else
			free(names[i]);
	/* plain names, as ip netns identify prints them, unless asked */
	if (table_opts_given(&ctl->topts))
		print_list(ctl, names, m, "NAME");
	else
		for (i = 0; i < m; i++)
			printf("%s\n", names[i]);
	names[m] = NULL;
	netns_free_names(names);
	return EXIT_SUCCESS;
}

static void print_pids(struct netns_control *ctl, const struct netns_procs *procs,
		       size_t first, size_t count)
{
	struct cu_table *t;
	struct cu_error e;
	size_t i;

	t = table_new("processes", pid_columns, ARRAY_SIZE(pid_columns), "PID",
		      &ctl->topts, &e);
	if (!t)
		cu_error_die(&e);
	for (i = first; i < first + count; i++)
		if (table_set_u64(t, table_add_line(t, NULL), 0,
				  (unsigned long long) procs->v[i].pid) < 0)
			diex(_("cannot allocate memory"));
	if (table_print(t) < 0)
		die(_("cannot print the table"));
	table_free(t);
}

static int cmd_pids(struct netns_control *ctl)
{
	struct netns_procs procs;
	size_t first, count, i;
	struct cu_error e;
	struct netns_id id;
	struct stat st;
	int fd, r;

	fd = netns_open_name(ctl->args[0], &e);
	if (fd < 0)
		cu_error_die(&e);
	if (fstat(fd, &st) < 0)
		die(_("cannot stat network namespace '%s'"), ctl->args[0]);
	close(fd);
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	r = netns_scan_procs(&procs);
	if (r < 0)
		die_errno(r, _("cannot read %s"), "/proc");
	first = netns_procs_find(&procs, &id, &count);
	if (table_opts_given(&ctl->topts))
		print_pids(ctl, &procs, first, count);
	else
		for (i = first; i < first + count; i++)
			printf("%d\n", (int) procs.v[i].pid);
	netns_free_procs(&procs);
	return EXIT_SUCCESS;
}

static int32_t nsid_or_die(const char *s)
{
	uint32_t v;

	if (streq(s, "auto"))
		return -1;
	if (parse_u32(s, &v) < 0 || v > INT32_MAX)
		diex(_("invalid nsid: '%s' (give a number from 0 to %d, or auto)"), s, INT32_MAX);
	return (int32_t) v;
}

static int cmd_set(struct netns_control *ctl)
{
	int32_t nsid = nsid_or_die(ctl->args[1]);
	struct netlink_sock *sk;
	struct cu_error e;
	int fd;

	fd = netns_open_name(ctl->args[0], &e);
	if (fd < 0)
		cu_error_die(&e);
	sk = netlink_open(-1, &e);
	if (!sk) {
		errno = e.errnum;
		die(_("cannot open a netlink socket"));
	}
	if (netlink_nsid_set(sk, fd, nsid, &e) < 0) {
		if (e.msg[0])	/* the kernel said why */
			errx(cu_exit_failure, _("cannot set the nsid of '%1$s' to %2$s: %3$s (%4$s)"),
			     ctl->args[0], ctl->args[1], strerror(e.errnum), e.msg);
		errx(cu_exit_failure, _("cannot set the nsid of '%1$s' to %2$s: %3$s"),
		     ctl->args[0], ctl->args[1], strerror(e.errnum));
	}
	netlink_close(sk);
	close(fd);
	return EXIT_SUCCESS;
}

/* ---- command line -------------------------------------------------------- */

static void __noreturn usage(void)
{
	fputs(USAGE_HEADER, stdout);
	printf(_(" %s [options] <command> [<argument>...]\n"), program_invocation_short_name);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("Manage named, persistent network namespaces (kept in /run/netns,\n"
		"as iproute2 keeps them).\n"), stdout);
	fputs(USAGE_COMMANDS, stdout);
	fputs(_(" add <name>...                 create named network namespaces\n"), stdout);
	fputs(_(" attach <name> <pid>           name the network namespace of a process\n"), stdout);
	fputs(_(" delete <name>...|--all        remove names (and the namespaces, once unused)\n"), stdout);
	fputs(_(" exec <name>|--all [--] <program> [<argument>...]\n"
		"                               run a program in a namespace\n"), stdout);
	fputs(_(" identify [<pid>]              print every name of a process's namespace\n"), stdout);
	fputs(_(" list                          list named namespaces (the default)\n"), stdout);
	fputs(_(" pids <name>                   print the processes inside a namespace\n"), stdout);
	fputs(_(" set <name> <nsid>|auto        assign the nsid of a namespace\n"), stdout);
	fputs(USAGE_OPTIONS, stdout);
	fputs(_(" -a, --all                     every named namespace (delete, exec)\n"), stdout);
	fputs(_(" -J, --json                    use JSON output format (list, identify, pids)\n"), stdout);
	fputs(_("     --noheadings              don't print headings (list, identify, pids)\n"), stdout);
	fputs(_(" -o, --output <list>           columns, '+' adds (list, identify, pids)\n"), stdout);
	fputs(_("     --raw                     use the raw output format (list, identify, pids)\n"), stdout);
	fputs(_("     --explain                 narrate each kernel call on stderr\n"), stdout);
	fputs(_("     --dry-run                 print the plan with privileges, change nothing\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	USAGE_HELP_OPTIONS(31);
	table_usage_columns(stdout, columns, ARRAY_SIZE(columns));
	printf(" %12s  %s\n", pid_columns[0].name, _(pid_columns[0].help));
	printf(USAGE_MAN_TAIL("netns(8)"));
	exit(EXIT_SUCCESS);
}

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, 'a' },
	{ "dry-run",	no_argument,		NULL, OPT_DRY_RUN },
	{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
	{ "help",	no_argument,		NULL, 'h' },
	TABLE_LONGOPTS,
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void parse_options(struct netns_control *ctl, int argc, char **argv,
			  const char *optstring)
{
	int c;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (table_parse_option(&ctl->topts, c, optarg))
			continue;
		switch (c) {
		case 'a':
			ctl->all = true;
			break;
		case OPT_EXPLAIN:
			explain_enable();
			break;
		case OPT_DRY_RUN:
			ctl->dry_run = true;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			errtryhelp();
		}
	}
}

static const struct netns_command commands[] = {
	{ { "add",      NULL,  1, -1 }, CMD_ADD,      cmd_add },
	{ { "attach",   NULL,  2,  2 }, CMD_ATTACH,   cmd_attach },
	{ { "delete",   "del", 0, -1 }, CMD_DELETE,   cmd_delete },
	{ { "exec",     NULL,  1, -1 }, CMD_EXEC,     cmd_exec },
	{ { "identify", NULL,  0,  1 }, CMD_IDENTIFY, cmd_identify },
	{ { "list",     "ls",  0,  0 }, CMD_LIST,     cmd_list },
	{ { "pids",     NULL,  1,  1 }, CMD_PIDS,     cmd_pids },
	{ { "set",      NULL,  2,  2 }, CMD_SET,      cmd_set },
};

/*
 * Options before the command, then the command's own: exec stops at its
 * first operand (the name, or the program with --all), the others permute.
 */
static void parse_args(struct netns_control *ctl, int argc, char **argv)
{
	static const char optstr[] = "+aJho:V";
	int first;

	parse_options(ctl, argc, argv, optstr);
	if (optind >= argc) {
		ctl->cmd = CU_COMMAND_OR_ERR(commands, "list");
		ctl->args = argv + argc;
		return;
	}
	first = optind;
	ctl->cmd = CU_COMMAND_OR_ERR(commands, argv[first]);
	if (ctl->cmd->id == CMD_EXEC)
		cu_set_exit_failure(CU_EXIT_CANCELED);
	optind = 0;	/* glibc: start over on the command's arguments */
	argv[first] = argv[0];	/* so getopt's messages name the program */
	parse_options(ctl, argc - first, argv + first,
		      ctl->cmd->id == CMD_EXEC ? optstr : optstr + 1);
	ctl->args = argv + first + optind;
	ctl->nargs = argc - first - optind;
}

static void check_args(const struct netns_control *ctl)
{
	enum netns_cmd id = ctl->cmd->id;
	struct cu_command c = ctl->cmd->cmd;

	if (ctl->all && id != CMD_DELETE && id != CMD_EXEC)
		diex(_("--all is only for delete and exec"));
	table_opts_only_for(&ctl->topts, id == CMD_LIST || id == CMD_IDENTIFY || id == CMD_PIDS,
			    _("list, identify and pids"));
	if (id == CMD_EXEC && !ctl->all)
		c.min_args = 2;		/* the name, then the program */
	cu_command_check_args(&c, ctl->nargs, ctl->args);
}

int main(int argc, char **argv)
{
	struct netns_control ctl = { .cmd = NULL };

	cu_init_locale();
	cu_perm_hint_init(argc, argv, NULL);
	close_stdout_atexit();

	parse_args(&ctl, argc, argv);
	check_args(&ctl);
	/* list, identify and pids change nothing: they just run */
	if (ctl.dry_run && ctl.cmd->id != CMD_LIST && ctl.cmd->id != CMD_IDENTIFY &&
	    ctl.cmd->id != CMD_PIDS)
		explain_enable_dry_run();
	return ctl.cmd->fn(&ctl);
}
