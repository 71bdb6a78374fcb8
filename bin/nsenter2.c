// SPDX-License-Identifier: GPL-2.0-or-later
/* nsenter2(1) - run a program in the namespaces of a running process */
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "exec.h"
#include "exec-seal.h"
#include "net-nsname.h"
#include "ns-join.h"
#include "ns.h"
#include "exec-spawn.h"
#include "strutils.h"
#include "syscalls.h"
#include "table.h"
#include "caps.h"
#include "ns-join-lsm.h"

#ifdef HAVE_EXECTRAMP
# include "common/exec-seal-tramp-image.h"	/* generated: exectramp_image[] */
#endif

struct nsenter2_control {
	pid_t pid;			/* -t, 0: none */
	const char *file[NS_NTYPES];	/* --net=FILE and friends */
	int want;			/* types asked for without FILE */
	const char *netns;		/* -N NAME */
	const char *root, *wd;		/* NULL with do_root/do_wd: the target's */
	const char *wdns;		/* -W: a path in the entered namespaces */
	uid_t uid;
	gid_t gid;
	struct table_opts topts;
	char **argv;			/* the program, or NULL for the shell */
	bool all, do_root, do_wd, env, join_cgroup, list;
	bool keep_caps, preserve_cred, no_fork, set_uid, set_gid, follow_context;
};

struct nsenter2_state {
	struct nsjoin_target tgt;	/* pidfd -1: no target */
	struct nsjoin_set set;
	struct cgroup_join cg;
	int rootfd, wdfd;
	char **env;
	int joined;			/* CLONE_NEW* entered */
	int tramp;			/* the sealed exec trampoline, or -1 */
	int errpipe[2];			/* the trampoline's errno to the parent */
};

enum { COL_TYPE, COL_NS, COL_PATH, COL_OURS };

static const struct table_column list_columns[] = {
	[COL_TYPE] = { "TYPE", 0.1, 0, N_("namespace type") },
	[COL_NS]   = { "NS", 0.1, TABLE_RIGHT | TABLE_NUMBER, N_("namespace inode number") },
	[COL_PATH] = { "PATH", 0.5, 0, N_("file the namespace is entered through") },
	[COL_OURS] = { "OURS", 0.1, TABLE_BOOL, N_("whether it is our own namespace too") },
};

static void __noreturn usage(void)
{
	fputs(USAGE_HEADER, stdout);
	printf(_(" %s [options] [--] [<program> [<argument>...]]\n"), program_invocation_short_name);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("Run a program in the namespaces of a running process.\n"), stdout);
	fputs(USAGE_OPTIONS, stdout);
	fputs(_(" -a, --all                 enter every namespace the target does not share with us\n"), stdout);
	fputs(_(" -t, --target <pid>        the process whose namespaces to enter\n"), stdout);
	fputs(_(" -m, --mount[=<file>]      enter the mount namespace\n"), stdout);
	fputs(_(" -u, --uts[=<file>]        enter the UTS namespace (hostname)\n"), stdout);
	fputs(_(" -i, --ipc[=<file>]        enter the System V IPC namespace\n"), stdout);
	fputs(_(" -n, --net[=<file>]        enter the network namespace\n"), stdout);
	fputs(_(" -N, --netns <name>        enter the named network namespace /run/netns/<name>\n"), stdout);
	fputs(_(" -p, --pid[=<file>]        enter the PID namespace (forks)\n"), stdout);
	fputs(_(" -C, --cgroup[=<file>]     enter the cgroup namespace\n"), stdout);
	fputs(_(" -U, --user[=<file>]       enter the user namespace\n"), stdout);
	fputs(_(" -T, --time[=<file>]       enter the time namespace (forks)\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_(" -S, --setuid <uid>        set the user ID (with --user, default 0)\n"), stdout);
	fputs(_(" -G, --setgid <gid>        set the group ID (with --user, default 0)\n"), stdout);
	fputs(_("     --preserve-credentials  keep user ID, group ID and groups as they are\n"), stdout);
	fputs(_("     --keep-caps           keep the permitted capabilities across exec\n"), stdout);
	fputs(_(" -r, --root[=<dir>]        set the root directory (default: the target's)\n"), stdout);
	fputs(_(" -w, --wd[=<dir>]          set the working directory (default: the target's)\n"), stdout);
	fputs(_(" -W, --wdns <dir>          set the working directory, a path in the namespace\n"), stdout);
	fputs(_(" -e, --env                 run with the target's environment\n"), stdout);
	fputs(_(" -g, --join-cgroup         run the program in the target's cgroups\n"), stdout);
	fputs(_(" -F, --no-fork             do not fork, not even for a PID namespace\n"), stdout);
	fputs(_(" -Z, --follow-context      run with the target's SELinux context (if SELinux is on)\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("     --list                list the target's namespaces and exit\n"), stdout);
	fputs(_(" -J, --json                use JSON output format\n"), stdout);
	fputs(_("     --noheadings          don't print headings\n"), stdout);
	fputs(_(" -o, --output <list>       the columns to show\n"), stdout);
	fputs(_("     --raw                 use the raw output format\n"), stdout);
	fputs(_("     --explain             narrate each kernel call on stderr\n"), stdout);
	fputs(_("     --dry-run             print the plan, with the privilege of each step; change nothing\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	USAGE_HELP_OPTIONS(27);
	table_usage_columns(stdout, list_columns, ARRAY_SIZE(list_columns));
	printf(USAGE_MAN_TAIL("nsenter2(1)"));
	exit(EXIT_SUCCESS);
}

/* -m, -u, ... with or without FILE */
static void want_namespace(struct nsenter2_control *ctl, int opt, const char *file)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++) {
		if (ns_types[i].option != opt)
			continue;
		ctl->file[i] = file;
		if (file)
			ctl->want &= ~ns_types[i].flag;
		else
			ctl->want |= ns_types[i].flag;
	}
}

enum {
	OPT_KEEP_CAPS = CHAR_MAX + 1,
	OPT_LIST,
	OPT_PRESERVE_CRED,
};

static const char optstring[] = "+aC::eFG:ghi::Jm::N:n::o:p::r::S:T::t:U::u::Vw::W:Z";

static const struct option longopts[] = {
	{ "all",		no_argument,		NULL, 'a' },
	{ "cgroup",		optional_argument,	NULL, 'C' },
	{ "env",		no_argument,		NULL, 'e' },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "dry-run",		no_argument,		NULL, OPT_DRY_RUN },
	{ "follow-context",	no_argument,		NULL, 'Z' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "ipc",		optional_argument,	NULL, 'i' },
	{ "join-cgroup",	no_argument,		NULL, 'g' },
	{ "keep-caps",		no_argument,		NULL, OPT_KEEP_CAPS },
	{ "list",		no_argument,		NULL, OPT_LIST },
	{ "mount",		optional_argument,	NULL, 'm' },
	{ "net",		optional_argument,	NULL, 'n' },
	{ "netns",		required_argument,	NULL, 'N' },
	{ "no-fork",		no_argument,		NULL, 'F' },
	{ "pid",		optional_argument,	NULL, 'p' },
	{ "preserve-credentials", no_argument,		NULL, OPT_PRESERVE_CRED },
	TABLE_LONGOPTS,
	{ "root",		optional_argument,	NULL, 'r' },
	{ "setgid",		required_argument,	NULL, 'G' },
	{ "setuid",		required_argument,	NULL, 'S' },
	{ "target",		required_argument,	NULL, 't' },
	{ "time",		optional_argument,	NULL, 'T' },
	{ "user",		optional_argument,	NULL, 'U' },
	{ "uts",		optional_argument,	NULL, 'u' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "wd",			optional_argument,	NULL, 'w' },
	{ "wdns",		required_argument,	NULL, 'W' },
	{ NULL, 0, NULL, 0 }
};

static void parse_args(struct nsenter2_control *ctl, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (table_parse_option(&ctl->topts, c, optarg))
			continue;
		switch (c) {
		case 'a': ctl->all = true; break;
		case 'C': case 'i': case 'm': case 'n': case 'p': case 'T': case 'U': case 'u':
			want_namespace(ctl, c, optarg);
			break;
		case 'e': ctl->env = true; break;
		case 'F': ctl->no_fork = true; break;
		case 'G':
			ctl->gid = id_or_err(optarg, _("invalid group ID"));
			ctl->set_gid = true;
			break;
		case 'g': ctl->join_cgroup = true; break;
		case OPT_LIST: ctl->list = true; break;
		case 'N': ctl->netns = optarg; break;
		case 'r': ctl->do_root = true; ctl->root = optarg; break;
		case 'S':
			ctl->uid = id_or_err(optarg, _("invalid user ID"));
			ctl->set_uid = true;
			break;
		case 't':
			ctl->pid = pid_or_err(optarg, _("invalid PID"));
			break;
		case 'w': ctl->do_wd = true; ctl->wd = optarg; break;
		case 'W': ctl->wdns = optarg; break;
		case 'Z': ctl->follow_context = true; break;
		case OPT_KEEP_CAPS: ctl->keep_caps = true; break;
		case OPT_PRESERVE_CRED: ctl->preserve_cred = true; break;
		case OPT_EXPLAIN: explain_enable(); break;
		case OPT_DRY_RUN: explain_enable_dry_run(); break;
		case 'h': usage();
		case 'V': print_version();
		default: errtryhelp();
		}
	}
	ctl->argv = optind < argc ? argv + optind : NULL;
	if (ctl->keep_caps) {
		struct cu_error e = { 0 };

		/* now: after setns(2) into a mount namespace it is not found */
		if (caps_lib_load(&e) < 0)
			cu_error_die(&e);
	}
}

static bool any_file(const struct nsenter2_control *ctl)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++)
		if (ctl->file[i])
			return true;
	return ctl->netns != NULL;
}

/* What needs a target, and what cannot go together. */
static void check_args(const struct nsenter2_control *ctl)
{
	size_t i;

	if (ctl->list) {
		if (!ctl->pid && !any_file(ctl))
			diex(_("--list needs a target (add --target PID)"));
		return;
	}
	table_opts_only_for(&ctl->topts, false, "--list");
	if (ctl->netns && ctl->file[NS_NET])
		diex(_("--netns and --net=FILE both name a network namespace (give one)"));
	if (ctl->do_wd && ctl->wdns)
		diex(_("--wd and --wdns both set the working directory (give one)"));
	if (ctl->preserve_cred && (ctl->set_uid || ctl->set_gid))
		diex(_("--preserve-credentials and --setuid/--setgid exclude each other"));
	if (ctl->pid)
		return;
	if (ctl->all)
		diex(_("--all needs a target (add --target PID)"));
	for (i = 0; i < NS_NTYPES; i++)
		if (ctl->want & ns_types[i].flag)
			diex(_("--%1$s needs a target (add --target PID, or give --%1$s=FILE)"),
			     ns_types[i].longname);
	if ((ctl->do_root && !ctl->root) || (ctl->do_wd && !ctl->wd))
		diex(_("the target's root or working directory needs a target (add --target PID)"));
	if (ctl->env || ctl->join_cgroup)
		diex(_("--env and --join-cgroup need a target (add --target PID)"));
}

static void open_target(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };

	st->tgt.pidfd = st->tgt.procfd = -1;
	if (ctl->pid && nsjoin_target_open(ctl->pid, &st->tgt, &e) < 0)
		cu_error_die(&e);
}

/*
 * -Z: the target's SELinux context for the program, taken from the host's
 * /proc before we leave.  Without SELinux, nothing, as nsenter(1) does.
 */
static void follow_context(const struct nsenter2_control *ctl)
{
	struct cu_error e = { 0 };

	if (!ctl->follow_context || !seccon_enabled())
		return;
	if (!ctl->pid)
		diex(_("--follow-context needs a target (add --target PID)"));
	if (seccon_follow(ctl->pid, &e) < 0)
		cu_error_die(&e);
}

/* The namespaces to join: --all, the flags, the files and -N. */
static void collect_namespaces(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };
	int mask = 0;
	size_t i;

	nsjoin_set_init(&st->set);
	if (ctl->all && nsjoin_target_differ(&st->tgt, &mask, &e) < 0)
		cu_error_die(&e);
	st->set.target_mask = mask | ctl->want;
	for (i = 0; i < NS_NTYPES; i++) {
		if (!ctl->file[i])
			continue;
		st->set.target_mask &= ~ns_types[i].flag;
		if (nsjoin_set_file(&st->set, &ns_types[i], ctl->file[i], &e) < 0)
			cu_error_die(&e);
	}
	if (ctl->netns) {
		const struct ns_type *net = ns_type_by_flag(CLONE_NEWNET);
		int fd = netns_open_name(ctl->netns, &e);

		if (fd < 0)
			cu_error_die(&e);
		st->set.target_mask &= ~CLONE_NEWNET;
		nsjoin_set_fd(&st->set, net, fd, ctl->netns);
	}
	st->joined = nsjoin_set_mask(&st->set);
}

/* Everything taken from the target before we leave our namespaces. */
static void open_context(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };

	st->rootfd = st->wdfd = -1;
	st->env = NULL;
	st->cg.n = 0;
	if (ctl->do_root &&
	    ex_fd_failed(st->rootfd = nsjoin_open_dir(&st->tgt, "root", ctl->root, &e)))
		cu_error_die(&e);
	if (ctl->do_wd &&
	    ex_fd_failed(st->wdfd = nsjoin_open_dir(&st->tgt, "cwd", ctl->wd, &e)))
		cu_error_die(&e);
	if (ctl->env && nsjoin_read_env(&st->tgt, &st->env, &e) < 0)
		cu_error_die(&e);
	if (ctl->join_cgroup && nsjoin_cgroup_open(&st->tgt, &st->cg, &e) < 0)
		cu_error_die(&e);
}

static bool forces_credentials(const struct nsenter2_control *ctl, const struct nsenter2_state *st)
{
	return (st->joined & CLONE_NEWUSER) && !ctl->preserve_cred;
}

static void enter_namespaces(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };

	/*
	 * Drop supplementary groups while still privileged here: inside, a
	 * user namespace with setgroups "deny" would refuse it.  Retried,
	 * and then reported, in set_credentials().
	 */
	if ((forces_credentials(ctl, st) || ctl->set_gid) && !explain_dry_run())
		(void) setgroups(0, NULL);
	if (st->joined && nsjoin_enter(&st->set, &st->tgt, &e) < 0)
		cu_error_die(&e);
	nsjoin_set_free(&st->set);
	nsjoin_target_close(&st->tgt);
}

static void apply_context(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };

	if (nsjoin_chroot_chdir(st->rootfd, st->wdfd, &e) < 0)
		cu_error_die(&e);
	/* nsenter's -W: resolved after the namespaces and the new root */
	if (ctl->wdns) {
		struct explain_step s;
		long r = 0;

		if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "cd", "chdir(\"%s\")", ctl->wdns))
			r = chdir(ctl->wdns);
		if (explain_step_end(&s, r) < 0)
			die(_("cannot change directory to %s"), ctl->wdns);
	}
	if (st->rootfd >= 0)
		close(st->rootfd);
	if (st->wdfd >= 0)
		close(st->wdfd);
	if (st->env) {
		char **p;

		if (clearenv() != 0)
			diex(_("cannot clear the environment"));
		for (p = st->env; *p; p++)
			if (putenv(*p) != 0)
				die(_("cannot set the environment"));
	}
}

static void warn_unsealed(int r)
{
	if (r >= 0)
		return;
	errno = -r;
	warn(_("cannot run from a sealed copy of %s; going on without that protection"),
	     program_invocation_short_name);
}

/*
 * The child of a PID namespace join that only has to exec the program
 * shares our memory until it does (CLONE_VM | CLONE_VFORK, as
 * posix_spawn(3) makes its children): no copy of our page tables for it to
 * throw away at exec.  So it makes system calls only: it restores the
 * signal mask and execs, or leaves the errno for us to report and ends
 * with 126 or 127 (returning from the clone(2) function is exit(2), with
 * no atexit handlers).  No status pipe (spawn_pipes): CLONE_VFORK gives
 * us back the CPU only after its exec or exit, so the memory it shares
 * with us is the cheaper way to tell.
 */
struct spawn_child {
	char *const *argv;
	char *const *targv;		/* through the trampoline, or NULL */
	const sigset_t *mask;
	int tramp, errfd;
	int err, tramp_err;
};

static int spawned_child(struct spawn *sp)
{
	struct spawn_child *c = sp->arg;

	if (sigprocmask(SIG_SETMASK, c->mask, NULL) < 0) {
		c->err = errno;
		return CU_EXIT_CANNOT_INVOKE;
	}
	if (c->targv)
		c->tramp_err = -seal_tramp_exec(c->tramp, c->errfd, c->targv);
	execvp(c->argv[0], c->argv);
	c->err = errno;
	return c->err == ENOENT ? CU_EXIT_ENOENT : CU_EXIT_CANNOT_INVOKE;
}

/*
 * Start the child: one that @only_execs @argv shares our memory until it
 * does (spawn_vm), with the signal mask @mask; any other, or where no
 * such child can be made here, is forked.  The PID, 0 in the forked
 * child, or -1 with errno set.
 */
static pid_t start_child(const struct nsenter2_state *st, char *const *argv,
			 const sigset_t *mask, bool only_execs)
{
	struct spawn_child c = { argv, NULL, mask, st->tramp, st->errpipe[1], 0, 0 };
	struct spawn sp = {
		.clone = { .exit_signal = SIGCHLD },
		.share_vm = only_execs && spawn_vm_supported(),
		.plain_fork = true,
		.child = spawned_child,
		.arg = &c,
		.exec_argv = argv,
	};
	char **targv = NULL;
	pid_t pid;

	if (sp.share_vm) {
		if (exec_cloexec_own() < 0)
			warn(_("cannot mark file descriptors close-on-exec"));
		if (st->tramp >= 0 &&
		    !(c.targv = targv = seal_tramp_argv(st->errpipe[1], argv)))
			die(_("cannot allocate memory"));
	}
	pid = spawn_start(&sp);
	free(targv);
	if (pid > 0 && c.tramp_err)
		warn_unsealed(-c.tramp_err);
	if (pid > 0 && c.err) {
		errno = c.err;
		warn(_("cannot execute %s"), argv[0]);
	}
	return pid;
}

/* Does the child only exec (no cgroups, credentials or capabilities to set)? */
static bool child_only_execs(const struct nsenter2_control *ctl, const struct nsenter2_state *st)
{
	return ctl->argv && !(st->joined & CLONE_NEWTIME) && st->cg.n == 0 &&
	       !forces_credentials(ctl, st) && !ctl->set_uid && !ctl->set_gid &&
	       !ctl->keep_caps;
}

/*
 * setns() into a PID (or time) namespace changes only our children: fork,
 * and let the parent wait and leave as the child did.  A child that only
 * execs is spawned; a time namespace takes a real fork (a child that
 * shares our memory enters it only at exec, and only since Linux 6.0).
 */
static void fork_if_needed(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	sigset_t old;
	int status, pidfd, r;
	pid_t pid;

	if (ctl->no_fork || !(st->joined & (CLONE_NEWPID | CLONE_NEWTIME)))
		return;
	if (explain_dry_run()) {
		/* the plan goes on as the child: the one process walks it */
		if (child_only_execs(ctl, st) && spawn_vm_supported())	/* spawn_vm() narrates; fork() is not */
			explain_clone3_done(CLONE_VM | CLONE_VFORK, 0, 0);
		return;
	}
	if (exec_block_forwarded(&old) < 0)
		die(_("cannot block signals"));
	if (st->tramp >= 0 && pipe2(st->errpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		die(_("cannot create a pipe"));
	pid = start_child(st, ctl->argv, &old, child_only_execs(ctl, st));
	if (pid < 0 && errno == ENOMEM && (st->joined & CLONE_NEWPID))
		diex(_("cannot fork into the PID namespace: %s (its init process has exited, so it takes no new processes)"),
		     strerror(ENOMEM));
	if (pid < 0)
		die(_("cannot fork"));
	if (pid == 0) {
		if (exec_restore_sigmask(&old) < 0)
			die(_("cannot restore the signal mask"));
		return;
	}
	if (st->tramp >= 0)
		close(st->errpipe[1]);
	pidfd = sys_pidfd_open(pid, 0);
	r = exec_supervise(pid, pidfd, &status);
	if (r < 0)
		die_errno(r, _("cannot wait for process %d"), (int) pid);
	/* what the trampoline could not exec, reported as exec_program() does */
	if (st->tramp >= 0 && (r = seal_tramp_result(st->errpipe[0])) > 0) {
		errno = r;
		warn(_("cannot execute %s"), ctl->argv ? ctl->argv[0] : exec_shell_path());
	}
	exec_exit_like(status);
}

/*
 * The program, or the shell: through the trampoline when we are a child
 * with a parent waiting to report what it could not exec, else directly.
 */
static void __noreturn exec_final(const struct nsenter2_state *st, char *const *argv)
{
	char *shell[2] = { (char *) exec_shell_path(), NULL };
	char **targv;

	explain_dry_execve(argv && argv[0] ? argv : shell);
	if (explain_dry_run())
		exit(EXIT_SUCCESS);

	if (st->tramp < 0 || st->errpipe[1] < 0)
		exec_program_or_shell(argv);
	if (!argv || !argv[0]) {
		shell[0] = (char *) exec_shell_path();
		shell[1] = NULL;
		argv = shell;
	}
	if (exec_cloexec_own() < 0)
		warn(_("cannot mark file descriptors close-on-exec"));
	fflush(stdout);
	targv = seal_tramp_argv(st->errpipe[1], argv);
	if (!targv)
		die(_("cannot allocate memory"));
	warn_unsealed(seal_tramp_exec(st->tramp, st->errpipe[1], targv));
	free(targv);
	exec_program(argv);
}

static void join_cgroups(struct nsenter2_state *st)
{
	struct cu_error e = { 0 };

	if (st->cg.n && cgroup_join_write(&st->cg, &e) < 0)
		cu_error_die(&e);
}

static bool setgroups_denied(void)
{
	char buf[16] = "";
	FILE *f = fopen("/proc/self/setgroups", "r" CU_CLOEXECSTR);

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return startswith(buf, "deny");
}

static void set_groups(gid_t gid)
{
	struct explain_step s;
	long r = 0;

	if (getgroups(0, NULL) > 0 &&
	    explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --clear-groups", "setgroups(0, NULL)"))
		r = setgroups(0, NULL);
	if (explain_step_end(&s, r) < 0) {
		if (errno == EPERM && setgroups_denied())
			diex(_("cannot drop supplementary groups: %s (setgroups is \"deny\" in the user namespace; add --preserve-credentials)"),
			     strerror(EPERM));
		die(_("cannot drop supplementary groups"));
	}
	r = 0;
	if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --regid", "setgid(%u)", (unsigned) gid))
		r = setgid(gid);
	if (explain_step_end(&s, r) < 0) {
		if (errno == EINVAL)
			diex(_("cannot set group ID %1$u: %2$s (it is not mapped in the user namespace; give --setgid or --preserve-credentials)"),
			     (unsigned) gid, strerror(EINVAL));
		die(_("cannot set group ID %u"), (unsigned) gid);
	}
}

static void set_user(uid_t uid, bool keep_caps)
{
	struct explain_step s;
	long r = 0;

	if (keep_caps && explain_step_begin(&s, EXPLAIN_PRIV_NONE, "capsh --keep=1",
					    "prctl(PR_SET_KEEPCAPS, 1)"))
		r = prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L);
	if (keep_caps && explain_step_end(&s, r) < 0)
		die(_("cannot keep capabilities"));
	r = 0;
	if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --reuid", "setuid(%u)", (unsigned) uid))
		r = setuid(uid);
	if (explain_step_end(&s, r) < 0) {
		if (errno == EINVAL)
			diex(_("cannot set user ID %1$u: %2$s (it is not mapped in the user namespace; give --setuid or --preserve-credentials)"),
			     (unsigned) uid, strerror(EINVAL));
		die(_("cannot set user ID %u"), (unsigned) uid);
	}
}

/* A user namespace sets uid and gid (default 0) unless told otherwise. */
static void set_credentials(const struct nsenter2_control *ctl, const struct nsenter2_state *st)
{
	bool force = forces_credentials(ctl, st);

	if (force || ctl->set_gid)
		set_groups(ctl->set_gid ? ctl->gid : 0);
	if (force || ctl->set_uid)
		set_user(ctl->set_uid ? ctl->uid : 0, ctl->keep_caps);
}

/* --keep-caps: the permitted set survives exec as the ambient set. */
static void keep_capabilities(const struct nsenter2_control *ctl)
{
	const struct caps_plan keep = { .keep = true };
	struct cu_error e = { 0 };

	if (ctl->keep_caps && caps_apply(&keep, &e) < 0)
		cu_error_die(&e);
}

static void print_ns_line(struct cu_table *tb, const struct ns_type *type,
			  const char *path, ino_t ino)
{
	struct libscols_line *ln = table_add_line(tb, NULL);
	ino_t ours;
	bool same = ns_inode(0, type, &ours) == 0 && ours == ino;

	table_set(tb, ln, COL_TYPE, type->name);
	table_set_u64(tb, ln, COL_NS, (unsigned long long) ino);
	table_set(tb, ln, COL_PATH, path);
	table_set_bool(tb, ln, COL_OURS, same);
}

/* The file given for namespace @i (FILE or -N NAME), or NULL. */
static const char *given_file(const struct nsenter2_control *ctl, size_t i,
			      char *buf, size_t len)
{
	struct cu_error e = { 0 };

	if (ns_types[i].flag != CLONE_NEWNET || !ctl->netns)
		return ctl->file[i];
	if (netns_path(ctl->netns, buf, len, &e) < 0)
		cu_error_die(&e);
	return buf;
}

/* One namespace for --list: a FILE given for it, else the target's. */
static void list_one(const struct nsenter2_control *ctl, struct nsenter2_state *st,
		     struct cu_table *tb, size_t i)
{
	char path[PATH_MAX];
	const char *file = given_file(ctl, i, path, sizeof(path));
	struct cu_error e = { 0 };
	struct stat sb;
	ino_t ino;

	if (file) {
		if (stat(file, &sb) < 0)
			die(_("cannot access %s"), file);
		print_ns_line(tb, &ns_types[i], file, sb.st_ino);
		return;
	}
	if (!ctl->pid || ns_inode(0, &ns_types[i], &ino) < 0)
		return;		/* no target, or a type this kernel lacks */
	if (nsjoin_target_inode(&st->tgt, &ns_types[i], &ino, &e) < 0)
		cu_error_die(&e);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) ctl->pid, ns_types[i].name);
	print_ns_line(tb, &ns_types[i], path, ino);
}

static int list_namespaces(const struct nsenter2_control *ctl, struct nsenter2_state *st)
{
	struct cu_error e = { 0 };
	struct cu_table *tb;
	size_t i;

	tb = table_new("namespaces", list_columns, ARRAY_SIZE(list_columns),
		       "TYPE,NS,PATH,OURS", &ctl->topts, &e);
	if (!tb)
		cu_error_die(&e);
	for (i = 0; i < NS_NTYPES; i++)
		list_one(ctl, st, tb, i);
	if (table_print(tb) < 0)
		die(_("cannot print the table"));
	table_free(tb);
	return EXIT_SUCCESS;
}

/* The sealed exec trampoline, or -errno (-ENOSYS: not built in). */
static int trampoline(void)
{
#ifdef HAVE_EXECTRAMP
	return seal_tramp_open("nsenter2-exec", exectramp_image, sizeof(exectramp_image));
#else
	return -ENOSYS;
#endif
}

/* Is our user namespace the initial one (where CAP_SYS_PTRACE is the host's)? */
static bool in_initial_userns(void)
{
	enum { PROC_USER_INIT_INO = 0xEFFFFFFDU };	/* fixed since Linux 3.8 */
	const struct ns_type *user = ns_type_by_flag(CLONE_NEWUSER);
	ino_t ino;

	return user && ns_inode(0, user, &ino) == 0 && ino == PROC_USER_INIT_INO;
}

/*
 * Joining a PID or mount namespace makes us reachable from the container:
 * its processes see our /proc/PID/exe, and a "#!/proc/self/exe" program
 * there runs our binary.  The host's binary must not be reachable through
 * either, or the container can rewrite it (CVE-2019-5736).  Two ways:
 *
 * - When we will fork (a PID or time namespace, or --all, without
 *   --no-fork) and live in the initial user namespace: become
 *   non-dumpable before anything else.  Then /proc/PID/exe, fd, mem and
 *   the like of us and of the child we fork (it inherits that) open only
 *   for a caller with CAP_SYS_PTRACE in the initial user namespace
 *   (ptrace_may_access()), which containers are not given (docker's
 *   default set lacks it).  The child
 *   then execs the program through the sealed trampoline, so that at that
 *   exec /proc/self/exe is the trampoline's memfd, and the parent waiting
 *   outside reports what it could not exec.  A container that does have
 *   CAP_SYS_PTRACE in the initial user namespace can ptrace the entering
 *   child, which holds our privileges, and do as it likes with it: no way
 *   of entering protects the host from such a container.
 *
 * - Otherwise (--no-fork, a mount namespace alone, a user namespace of our
 *   own, no trampoline or no executable memfd): run from a full sealed
 *   copy of our binary, the first thing main() does, so the image started
 *   from the host's binary does nothing else (no locale, no parsing into
 *   ctl).
 *
 * A quiet pass of getopt only finds out whether the options ask for a PID
 * or mount namespace (or --all) without --list; bad options are left to
 * the real parse.  *@tramp is the trampoline (we are non-dumpable) or -1.
 * 0 when we are (now) protected or need no protection, -errno when the
 * copy cannot be made or run.
 */
static int protect_binary(int argc, char **argv, int *tramp)
{
	bool join = false, list = false, forks = false, no_fork = false, dry = false;
	int c, fd, saved = opterr;

	*tramp = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		join |= c == 'a' || c == 'm' || c == 'p';
		forks |= c == 'a' || c == 'p' || c == 'T';
		no_fork |= c == 'F';
		list |= c == OPT_LIST;
		dry |= c == OPT_DRY_RUN;
	}
	opterr = saved;
	optind = 0;	/* glibc: start the real parse afresh */
	if (!join || list || dry)	/* a plan runs nothing in the container */
		return 0;
	if (forks && !no_fork && in_initial_userns() && (fd = trampoline()) >= 0) {
		if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) == 0) {
			*tramp = fd;
			return 0;
		}
		close(fd);
	}
	return seal_reexec(argv);
}

/*
 * --all that found the target in our PID (and time) namespace: no fork,
 * so no trampoline.  Into its mount namespace we go as a sealed copy after
 * all (started afresh: the work done so far is lost, but the case is rare).
 */
static void protect_without_fork(struct nsenter2_state *st, char **argv)
{
	if (st->tramp < 0 || (st->joined & (CLONE_NEWPID | CLONE_NEWTIME)))
		return;
	close(st->tramp);
	st->tramp = -1;
	if (st->joined & CLONE_NEWNS)
		warn_unsealed(seal_reexec(argv));
}

int main(int argc, char **argv)
{
	struct nsenter2_control ctl = { 0 };
	struct nsenter2_state st;
	int sealed, tramp;

	cu_set_exit_failure(CU_EXIT_CANCELED);
	sealed = protect_binary(argc, argv, &tramp);
	cu_init_locale();
	close_stdout_atexit();

	warn_unsealed(sealed);
	st.tramp = tramp;
	st.errpipe[0] = st.errpipe[1] = -1;
	parse_args(&ctl, argc, argv);
	check_args(&ctl);
	open_target(&ctl, &st);
	if (ctl.list)
		return list_namespaces(&ctl, &st);
	follow_context(&ctl);

	collect_namespaces(&ctl, &st);
	protect_without_fork(&st, argv);
	open_context(&ctl, &st);
	enter_namespaces(&ctl, &st);
	apply_context(&ctl, &st);
	fork_if_needed(&ctl, &st);
	join_cgroups(&st);
	set_credentials(&ctl, &st);
	keep_capabilities(&ctl);
	exec_final(&st, ctl.argv);
}
