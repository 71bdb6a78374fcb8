// SPDX-License-Identifier: GPL-2.0-or-later
/* nsrun(1) - run a program in new namespaces */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <limits.h>
#include <locale.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "nls.h"
#include "closestream.h"
#include "caps.h"
#include "ns-confine.h"
#include "exec.h"
#include "fileutils.h"
#include "ns-idmap.h"
#include "ns-mount.h"
#include "ns.h"
#include "exec-reaper.h"
#include "exec-spawn.h"
#include "strutils.h"
#include "syscalls.h"

struct nsrun_volume {
	char *src;		/* NULL until an anonymous volume gets its dir */
	char *dst;
	dev_t dev;		/* of an anonymous volume's dir, as we made it */
	ino_t ino;
	bool ro;
	bool anon;
};

struct nsrun_idmap {
	struct idmap ranges;	/* --map-users/--map-groups/--map-auto */
	bool single;		/* -r, -c, --map-user/--map-group */
	uint32_t inner;		/* the caller's id maps to this */
};

struct nsrun_persist {
	char *file;		/* --TYPE=FILE */
	bool created;		/* we made the file: unlink it on rollback */
	bool mounted;
};

struct nsrun_control {
	int flags;			/* CLONE_NEW* */
	struct nsrun_persist persist[NS_NTYPES];
	const char *mount_proc;
	unsigned long propagation;
	int kill_child;			/* signal, 0: off */
	unsigned stop_timeout;		/* seconds from SIGTERM to SIGKILL */
	const char *pidfile;
	bool pidfile_written;
	const char *root, *wd, *hostname;
	struct nsrun_volume *volumes;
	size_t nvolumes;
	char **tmpfs;
	size_t ntmpfs;
	struct nsrun_idmap uidmap, gidmap;
	enum setgroups_mode setgroups;	/* --setgroups */
	uid_t uid, euid;		/* -S; ours before any unshare */
	gid_t gid, egid;
	struct caps_plan caps;
	struct confine confine;		/* --root: masks, caps, seccomp */
	int64_t monotonic, boottime;
	char **argv;
	sigset_t oldmask;
	struct spawn spawn;		/* the child, and its handshake */
	bool handshake;			/* parent acts on the child first */
	bool child_maps;		/* single-id maps: the child writes them */
	bool shared_vm;			/* the child runs in our memory until exec */

	bool fork, init, new_session, all;
	bool mount_dev, mount_sys, no_new_privs, privileged, no_pivot;
	bool have_uid, have_gid, have_monotonic, have_boottime;
};

enum {
	OPT_MOUNT_PROC = CHAR_MAX + 1,
	OPT_PROPAGATION,
	OPT_KILL_CHILD,
	OPT_INIT,
	OPT_PIDFILE,
	OPT_NEW_SESSION,
	OPT_MAP_USER,
	OPT_MAP_GROUP,
	OPT_MAP_USERS,
	OPT_MAP_GROUPS,
	OPT_MAP_AUTO,
	OPT_SETGROUPS,
	OPT_TMPFS,
	OPT_MOUNT_DEV,
	OPT_MOUNT_SYS,
	OPT_HOSTNAME,
	OPT_KEEP_CAPS,
	OPT_CAP_DROP,
	OPT_CAP_ADD,
	OPT_NO_NEW_PRIVS,
	OPT_MONOTONIC,
	OPT_BOOTTIME,
	OPT_PRIVILEGED,
	OPT_SECURITY_OPT,
	OPT_UNMASK,
	OPT_NO_PIVOT,
	OPT_STOP_TIMEOUT,
};

/* Seconds from a stop signal (TERM, INT, HUP) to SIGKILL, as docker stop. */
#define STOP_TIMEOUT_DEFAULT	10
#define STOP_TIMEOUT_MAX	86400

static void __noreturn usage(void)
{
	fputs(USAGE_HEADER, stdout);
	printf(_(" %s [options] [--] [<program> [<argument>...]]\n"), program_invocation_short_name);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("Run a program in new namespaces.\n"), stdout);
	fputs(USAGE_OPTIONS, stdout);
	fputs(_(" -m, --mount[=<file>]         unshare the mount namespace\n"), stdout);
	fputs(_(" -u, --uts[=<file>]           unshare the UTS namespace (hostname)\n"), stdout);
	fputs(_(" -i, --ipc[=<file>]           unshare the System V IPC namespace\n"), stdout);
	fputs(_(" -n, --net[=<file>]           unshare the network namespace (loopback up)\n"), stdout);
	fputs(_(" -p, --pid[=<file>]           unshare the PID namespace (implies --fork)\n"), stdout);
	fputs(_(" -U, --user[=<file>]          unshare the user namespace\n"), stdout);
	fputs(_(" -C, --cgroup[=<file>]        unshare the cgroup namespace\n"), stdout);
	fputs(_(" -T, --time[=<file>]          unshare the time namespace (implies --fork)\n"), stdout);
	fputs(_(" -a, --all                    unshare mount, UTS, IPC, net, PID, cgroup\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_(" -f, --fork                   fork and run the program as a child\n"), stdout);
	fputs(_("     --mount-proc[=<dir>]     mount a fresh /proc (implies --mount)\n"), stdout);
	fputs(_("     --propagation <mode>     private|slave|shared|unchanged (default private)\n"), stdout);
	fputs(_("     --kill-child[=<signal>]  signal the child when nsrun dies (default KILL)\n"), stdout);
	fputs(_("     --stop-timeout <secs>    SIGKILL the child this long after a TERM, INT\n"
		"                                or HUP to nsrun (default 10)\n"), stdout);
	fputs(_("     --init                   run a tiny PID 1 that forwards signals and reaps\n"), stdout);
	fputs(_("     --pidfile <file>         write the child's PID to <file> (implies --fork)\n"), stdout);
	fputs(_("     --new-session            run the program in a new session (setsid)\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_(" -r, --map-root-user          map the current user to root (implies --user)\n"), stdout);
	fputs(_(" -c, --map-current-user       map the current user to itself (implies --user)\n"), stdout);
	fputs(_("     --map-user <uid>         map the current user to <uid> (implies --user)\n"), stdout);
	fputs(_("     --map-group <gid>        map the current group to <gid> (implies --user)\n"), stdout);
	fputs(_("     --map-users <map>        add INNER:OUTER:COUNT, or auto (implies --user)\n"), stdout);
	fputs(_("     --map-groups <map>       add INNER:OUTER:COUNT, or auto (implies --user)\n"), stdout);
	fputs(_("     --map-auto               map sub-id ranges from /etc/subuid, /etc/subgid\n"), stdout);
	fputs(_("     --setgroups <mode>       allow|deny setgroups(2) in the user namespace\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_(" -R, --root <dir>             pivot_root into <dir> (implies --mount)\n"), stdout);
	fputs(_("     --no-pivot               with --root: MS_MOVE and chroot (escapable)\n"), stdout);
	fputs(_(" -w, --wd <dir>               change to <dir> before running the program\n"), stdout);
	fputs(_(" -v, --volume <volume>        bind [<src>:]<dst>[:ro]; no <src>: a fresh dir\n"), stdout);
	fputs(_("     --tmpfs <dst>            mount a tmpfs on <dst>\n"), stdout);
	fputs(_("     --mount-dev              mount a minimal /dev\n"), stdout);
	fputs(_("     --mount-sys              mount /sys read-only\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("     --hostname <name>        set the hostname (implies --uts)\n"), stdout);
	fputs(_(" -S, --setuid <uid>           set the user ID before running the program\n"), stdout);
	fputs(_(" -G, --setgid <gid>           set the group ID before running the program\n"), stdout);
	fputs(_("     --keep-caps              keep the capabilities across exec (ambient)\n"), stdout);
	fputs(_("     --cap-drop <caps>        drop capabilities (comma list, or all)\n"), stdout);
	fputs(_("     --cap-add <caps>         add capabilities (comma list, or all)\n"), stdout);
	fputs(_("     --no-new-privs           set no_new_privs before running the program\n"), stdout);
	fputs(_("     --monotonic <seconds>    offset of CLOCK_MONOTONIC (with --time)\n"), stdout);
	fputs(_("     --boottime <seconds>     offset of CLOCK_BOOTTIME (with --time)\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	fputs(_("With --root the container is confined: /proc and /sys paths masked or\n"
		"read-only, Docker's capabilities without mknod, Docker's seccomp policy.\n"), stdout);
	fputs(_("     --privileged             no confinement at all (for teaching)\n"), stdout);
	fputs(_("     --security-opt <opt>     seccomp=unconfined, systempaths=unconfined,\n"
		"                                no-new-privileges\n"), stdout);
	fputs(_("     --unmask <path>          leave <path> (e.g. /proc/sys, /sys, ALL) as it is\n"), stdout);
	fputs(_("     --explain                narrate each kernel call on stderr\n"), stdout);
	fputs(_("     --dry-run                print the plan, with the privilege of each step; change nothing\n"), stdout);
	fputs(USAGE_SEPARATOR, stdout);
	USAGE_HELP_OPTIONS(30);
	printf(USAGE_MAN_TAIL("nsrun(1)"));
	exit(EXIT_SUCCESS);
}

/* ---- option parsing ---- */

/*
 * --net=FILE on a FILE that already holds a namespace (a bind mount of
 * nsfs) would stack a new namespace on it and hide the old one: refused,
 * with the tools that enter it instead.
 */
static void check_persist_file(const struct ns_type *type, const char *file)
{
	struct statfs sfs;

	if (statfs(file, &sfs) == 0 && sfs.f_type == NSFS_MAGIC)
		diex(_("--%1$s=%2$s: %2$s already holds a namespace (to run in it: nsenter2 --%1$s=%2$s, or netns exec NAME for /run/netns/NAME)"),
		     type->longname, file);
}

static void set_namespace(struct nsrun_control *ctl, char opt, const char *file)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++)
		if (ns_types[i].option == opt) {
			ctl->flags |= ns_types[i].flag;
			if (file) {
				check_persist_file(&ns_types[i], file);
				ctl->persist[i].file = xstrdup(file);
			}
		}
}

static const char *idmap_reason(int r)
{
	switch (r) {
	case -ERANGE:
		return _("a number or the range end is too large");
	case -EEXIST:
		return _("overlaps another range");
	case -E2BIG:
		return _("too many ranges");
	default:
		return _("not a range");
	}
}

static void parse_map(struct nsrun_idmap *m, const char *arg, const char *opt)
{
	int r = idmap_parse(arg, &m->ranges);

	if (r < 0)
		diex(_("invalid %1$s argument: %2$s: %3$s (use INNER:OUTER:COUNT, e.g. 0:100000:65536, or auto)"),
		     opt, arg, idmap_reason(r));
}

static void parse_single(struct nsrun_idmap *m, const char *arg, bool user)
{
	struct passwd *pw = user ? getpwnam(arg) : NULL;
	struct group *gr = user ? NULL : getgrnam(arg);

	m->single = true;
	if (pw)
		m->inner = pw->pw_uid;
	else if (gr)
		m->inner = gr->gr_gid;
	else
		m->inner = id_or_err(arg, user ? _("invalid --map-user argument")
					       : _("invalid --map-group argument"));
}

static void map_self(struct nsrun_control *ctl, bool root)
{
	ctl->uidmap.single = ctl->gidmap.single = true;
	ctl->uidmap.inner = root ? 0 : geteuid();
	ctl->gidmap.inner = root ? 0 : getegid();
}

static void parse_volume(struct nsrun_control *ctl, const char *arg)
{
	_cleanup_free_ char *s = xstrdup(arg);
	struct nsrun_volume v = { 0 };
	char *mode = strrchr(s, ':'), *colon;

	if (mode && (streq(mode + 1, "ro") || streq(mode + 1, "rw"))) {
		v.ro = streq(mode + 1, "ro");
		*mode = '\0';
	}
	colon = strchr(s, ':');
	if (colon) {
		*colon = '\0';
		v.src = xstrdup(s);
	}
	v.dst = xstrdup(colon ? colon + 1 : s);
	v.anon = !colon;
	if (v.dst[0] != '/' || (v.src && !*v.src) || strchr(v.dst, ':'))
		diex(_("invalid --volume argument: %s: (use [SRC:]DST[:ro] with an absolute DST)"), arg);
	if (v.dst[strspn(v.dst, "/.")] == '\0')
		diex(_("invalid --volume argument: %s: the destination is / (use --root for the root, and a directory below / for a volume)"),
		     arg);
	ctl->volumes = xrealloc(ctl->volumes, (ctl->nvolumes + 1) * sizeof(v));
	ctl->volumes[ctl->nvolumes++] = v;
}

static void parse_caps(struct caps_set *set, const char *arg, const char *opt)
{
	char bad[64];

	if (caps_parse(arg, set, bad, sizeof(bad)) < 0)
		diex(_("invalid %1$s argument: %2$s: unknown capability '%3$s' (see capabilities(7), e.g. net_admin)"),
		     opt, arg, bad);
}

static void parse_security_opt(struct nsrun_control *ctl, const char *arg)
{
	if (streq(arg, "seccomp=unconfined"))
		ctl->confine.seccomp = false;
	else if (streq(arg, "systempaths=unconfined"))
		ctl->confine.paths = false;
	else if (streq(arg, "no-new-privileges") || streq(arg, "no-new-privileges=true"))
		ctl->no_new_privs = true;
	else
		diex(_("invalid --security-opt argument: %s (use seccomp=unconfined, systempaths=unconfined or no-new-privileges)"),
		     arg);
}

static void add_unmask(struct nsrun_control *ctl, const char *arg)
{
	struct confine *c = &ctl->confine;

	if (!confine_known_path(arg))
		diex(_("invalid --unmask argument: %s (use a masked or read-only path such as /proc/sys or /proc/kcore, /sys, or ALL)"),
		     arg);
	c->unmask = xrealloc(c->unmask, (c->nunmask + 1) * sizeof(char *));
	c->unmask[c->nunmask++] = arg;
}

static void parse_propagation(struct nsrun_control *ctl, const char *arg)
{
	if (mount_parse_propagation(arg, &ctl->propagation) < 0)
		diex(_("invalid --propagation argument: %s (use private, slave, shared or unchanged)"), arg);
}

static void parse_setgroups(struct nsrun_control *ctl, const char *arg)
{
	if (idmap_setgroups_parse(arg, &ctl->setgroups) < 0)
		diex(_("invalid --setgroups argument: %s (use allow or deny)"), arg);
}

static int64_t parse_offset(const char *arg, const char *opt)
{
	int64_t v;

	if (parse_s64(arg, &v) < 0)
		diex(_("invalid %1$s argument: %2$s (use whole seconds, e.g. 86400)"), opt, arg);
	return v;
}

static void parse_stop_timeout(struct nsrun_control *ctl, const char *arg)
{
	uint64_t v;

	if (parse_u64_max(arg, STOP_TIMEOUT_MAX, &v) < 0)
		diex(_("invalid --stop-timeout argument: %1$s (use whole seconds from 0 to %2$d, e.g. 10)"),
		     arg, STOP_TIMEOUT_MAX);
	ctl->stop_timeout = (unsigned) v;
}

static const struct option longopts[] = {
	{ "all",              no_argument,       NULL, 'a' },
	{ "boottime",         required_argument, NULL, OPT_BOOTTIME },
	{ "cap-add",          required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop",         required_argument, NULL, OPT_CAP_DROP },
	{ "cgroup",           optional_argument, NULL, 'C' },
	{ "dry-run",          no_argument,       NULL, OPT_DRY_RUN },
	{ "fork",             no_argument,       NULL, 'f' },
	{ "explain",             no_argument,       NULL, OPT_EXPLAIN },
	{ "help",             no_argument,       NULL, 'h' },
	{ "hostname",         required_argument, NULL, OPT_HOSTNAME },
	{ "init",             no_argument,       NULL, OPT_INIT },
	{ "ipc",              optional_argument, NULL, 'i' },
	{ "keep-caps",        no_argument,       NULL, OPT_KEEP_CAPS },
	{ "kill-child",       optional_argument, NULL, OPT_KILL_CHILD },
	{ "map-auto",         no_argument,       NULL, OPT_MAP_AUTO },
	{ "map-current-user", no_argument,       NULL, 'c' },
	{ "map-group",        required_argument, NULL, OPT_MAP_GROUP },
	{ "map-groups",       required_argument, NULL, OPT_MAP_GROUPS },
	{ "map-root-user",    no_argument,       NULL, 'r' },
	{ "map-user",         required_argument, NULL, OPT_MAP_USER },
	{ "map-users",        required_argument, NULL, OPT_MAP_USERS },
	{ "monotonic",        required_argument, NULL, OPT_MONOTONIC },
	{ "mount",            optional_argument, NULL, 'm' },
	{ "mount-dev",        no_argument,       NULL, OPT_MOUNT_DEV },
	{ "mount-proc",       optional_argument, NULL, OPT_MOUNT_PROC },
	{ "mount-sys",        no_argument,       NULL, OPT_MOUNT_SYS },
	{ "net",              optional_argument, NULL, 'n' },
	{ "new-session",      no_argument,       NULL, OPT_NEW_SESSION },
	{ "no-new-privs",     no_argument,       NULL, OPT_NO_NEW_PRIVS },
	{ "no-pivot",         no_argument,       NULL, OPT_NO_PIVOT },
	{ "pid",              optional_argument, NULL, 'p' },
	{ "pidfile",          required_argument, NULL, OPT_PIDFILE },
	{ "privileged",       no_argument,       NULL, OPT_PRIVILEGED },
	{ "propagation",      required_argument, NULL, OPT_PROPAGATION },
	{ "root",             required_argument, NULL, 'R' },
	{ "security-opt",     required_argument, NULL, OPT_SECURITY_OPT },
	{ "setgid",           required_argument, NULL, 'G' },
	{ "setgroups",        required_argument, NULL, OPT_SETGROUPS },
	{ "setuid",           required_argument, NULL, 'S' },
	{ "stop-timeout",     required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "time",             optional_argument, NULL, 'T' },
	{ "tmpfs",            required_argument, NULL, OPT_TMPFS },
	{ "user",             optional_argument, NULL, 'U' },
	{ "unmask",           required_argument, NULL, OPT_UNMASK },
	{ "uts",              optional_argument, NULL, 'u' },
	{ "version",          no_argument,       NULL, 'V' },
	{ "volume",           required_argument, NULL, 'v' },
	{ "wd",               required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

static void add_tmpfs(struct nsrun_control *ctl, const char *arg)
{
	if (arg[0] != '/')
		diex(_("invalid --tmpfs argument: %s (use an absolute path)"), arg);
	ctl->tmpfs = xrealloc(ctl->tmpfs, (ctl->ntmpfs + 1) * sizeof(char *));
	ctl->tmpfs[ctl->ntmpfs++] = (char *) arg;
}

/* Options that set a flag or keep a string; false when @c is not one. */
static bool parse_flag(struct nsrun_control *ctl, int c, const char *arg)
{
	switch (c) {
	case 'a':
		ctl->all = true;
		break;
	case 'f':
		ctl->fork = true;
		break;
	case 'R':
		ctl->root = arg;
		break;
	case 'w':
		ctl->wd = arg;
		break;
	case OPT_INIT:
		ctl->init = true;
		break;
	case OPT_PIDFILE:
		ctl->pidfile = arg;
		break;
	case OPT_NEW_SESSION:
		ctl->new_session = true;
		break;
	case OPT_MOUNT_PROC:
		ctl->mount_proc = arg ? arg : "/proc";
		break;
	case OPT_MOUNT_DEV:
		ctl->mount_dev = true;
		break;
	case OPT_MOUNT_SYS:
		ctl->mount_sys = true;
		break;
	case OPT_HOSTNAME:
		ctl->hostname = arg;
		break;
	case OPT_NO_NEW_PRIVS:
		ctl->no_new_privs = true;
		break;
	case OPT_PRIVILEGED:
		ctl->privileged = true;
		break;
	case OPT_SECURITY_OPT:
		parse_security_opt(ctl, arg);
		break;
	case OPT_UNMASK:
		add_unmask(ctl, arg);
		break;
	case OPT_NO_PIVOT:
		ctl->no_pivot = true;
		break;
	default:
		return false;
	}
	return true;
}

/* Identity options: id maps, setuid/setgid, capabilities. */
static bool parse_identity(struct nsrun_control *ctl, int c, const char *arg)
{
	switch (c) {
	case 'r':
	case 'c':
		map_self(ctl, c == 'r');
		break;
	case OPT_MAP_USER:
		parse_single(&ctl->uidmap, arg, true);
		break;
	case OPT_MAP_GROUP:
		parse_single(&ctl->gidmap, arg, false);
		break;
	case OPT_MAP_USERS:
		parse_map(&ctl->uidmap, arg, "--map-users");
		break;
	case OPT_MAP_GROUPS:
		parse_map(&ctl->gidmap, arg, "--map-groups");
		break;
	case OPT_MAP_AUTO:
		ctl->uidmap.ranges.want_auto = ctl->gidmap.ranges.want_auto = true;
		break;
	case OPT_SETGROUPS:
		parse_setgroups(ctl, arg);
		break;
	case 'S':
		ctl->uid = id_or_err(arg, _("invalid --setuid argument"));
		ctl->have_uid = true;
		break;
	case 'G':
		ctl->gid = id_or_err(arg, _("invalid --setgid argument"));
		ctl->have_gid = true;
		break;
	case OPT_KEEP_CAPS:
		ctl->caps.keep = true;
		break;
	case OPT_CAP_DROP:
		parse_caps(&ctl->caps.drop, arg, "--cap-drop");
		break;
	case OPT_CAP_ADD:
		parse_caps(&ctl->caps.add, arg, "--cap-add");
		break;
	default:
		return false;
	}
	return true;
}

/* Namespaces, mounts, signals, clocks; anything else is a usage error. */
static void parse_other(struct nsrun_control *ctl, int c, const char *arg)
{
	switch (c) {
	case 'm': case 'u': case 'i': case 'n':
	case 'p': case 'U': case 'C': case 'T':
		set_namespace(ctl, (char) c, arg);
		break;
	case 'v':
		parse_volume(ctl, arg);
		break;
	case OPT_TMPFS:
		add_tmpfs(ctl, arg);
		break;
	case OPT_PROPAGATION:
		parse_propagation(ctl, arg);
		break;
	case OPT_KILL_CHILD:
		ctl->kill_child = arg ? signal_or_err(arg, _("invalid --kill-child signal"))
				      : SIGKILL;
		break;
	case OPT_STOP_TIMEOUT:
		parse_stop_timeout(ctl, arg);
		break;
	case OPT_MONOTONIC:
		ctl->monotonic = parse_offset(arg, "--monotonic");
		ctl->have_monotonic = true;
		break;
	case OPT_BOOTTIME:
		ctl->boottime = parse_offset(arg, "--boottime");
		ctl->have_boottime = true;
		break;
	case OPT_EXPLAIN:
		explain_enable();
		break;
	case OPT_DRY_RUN:
		explain_enable_dry_run();
		break;
	case 'h':
		usage();
	case 'V':
		print_version();
	default:
		errtryhelp();
	}
}

static void parse_args(struct nsrun_control *ctl, int argc, char **argv)
{
	int c;

	static const char optstr[] = "+acfhi::m::n::p::ru::v:C::G:R:S:T::U::Vw:";

	while ((c = getopt_long(argc, argv, optstr, longopts, NULL)) != -1)
		if (!parse_flag(ctl, c, optarg) && !parse_identity(ctl, c, optarg))
			parse_other(ctl, c, optarg);
	ctl->argv = argv + optind;
}

/* ---- implications and checks (nothing is changed yet) ---- */

/*
 * --root R without a program runs R's /bin/sh, as docker runs the image's
 * shell: $SHELL names a file of the host, not of R.
 */
static void root_shell(struct nsrun_control *ctl)
{
	static char *sh[] = { "/bin/sh", NULL };
	struct cu_open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT,
	};
	int rootfd, fd;

	if (!ctl->root || ctl->argv[0])
		return;
	ctl->argv = sh;
	rootfd = open(ctl->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;		/* reported where the root is opened */
	fd = sys_openat2(rootfd, "bin/sh", &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(rootfd, "bin/sh", O_PATH | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		errx(CU_EXIT_ENOENT, _("%1$s has no /bin/sh to run: name the program (nsrun --root %1$s -- PROGRAM)"),
		     ctl->root);
	if (fd >= 0)
		close(fd);
	close(rootfd);
}

static bool has_map(const struct nsrun_idmap *m)
{
	return m->single || m->ranges.nranges || m->ranges.want_auto;
}

static void apply_implications(struct nsrun_control *ctl)
{
	if (ctl->all) {
		ctl->flags |= CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;
		if (!caps_have(CAP_SYS_ADMIN)) {
			ctl->flags |= CLONE_NEWUSER;
			if (!has_map(&ctl->uidmap) && !has_map(&ctl->gidmap))
				map_self(ctl, true);
		}
	}
	if (has_map(&ctl->uidmap) || has_map(&ctl->gidmap))
		ctl->flags |= CLONE_NEWUSER;
	if (ctl->mount_proc)
		ctl->flags |= CLONE_NEWNS;	/* as unshare: --pid is the user's */
	if (ctl->root || ctl->nvolumes || ctl->ntmpfs || ctl->mount_dev ||
	    ctl->mount_sys)
		ctl->flags |= CLONE_NEWNS;
	if (ctl->hostname)
		ctl->flags |= CLONE_NEWUTS;
}

static bool needs_fork(const struct nsrun_control *ctl)
{
	size_t i;

	if (ctl->fork || ctl->init || ctl->kill_child || ctl->pidfile ||
	    (ctl->flags & (CLONE_NEWPID | CLONE_NEWTIME)))
		return true;
	/* a helper must stay outside: sub-id ranges, binds of namespace files */
	if (ctl->uidmap.ranges.nranges || ctl->gidmap.ranges.nranges ||
	    ctl->uidmap.ranges.want_auto || ctl->gidmap.ranges.want_auto)
		return true;
	for (i = 0; i < NS_NTYPES; i++)
		if (ctl->persist[i].file)
			return true;
	for (i = 0; i < ctl->nvolumes; i++)
		if (ctl->volumes[i].anon)	/* removed when the program ends */
			return true;
	return ctl->new_session && getpgrp() == getpid();
}

static void check_options(struct nsrun_control *ctl)
{
	bool offsets = ctl->have_monotonic || ctl->have_boottime;

	if (offsets && !(ctl->flags & CLONE_NEWTIME))
		diex(_("--monotonic and --boottime need a new time namespace (add --time)"));
	if (ctl->setgroups == SETGROUPS_ALLOW && ctl->gidmap.single)
		diex(_("--setgroups allow cannot be combined with a single group mapping (-r, -c, --map-group): the kernel needs deny there"));
	if (ctl->setgroups != SETGROUPS_NONE && !(ctl->flags & CLONE_NEWUSER))
		diex(_("--setgroups needs a new user namespace (add --user)"));
	if (ctl->no_pivot && !ctl->root)
		diex(_("--no-pivot needs --root"));
	if (ctl->propagation && !(ctl->flags & CLONE_NEWNS))
		ctl->propagation = 0;	/* as unshare: no mount namespace, no-op */
	if (!caps_plan_empty(&ctl->caps)) {
		struct cu_error e = { 0 };

		/* now, from the host: the library is looked up in the new root */
		if (caps_lib_load(&e) < 0)
			cu_error_die(&e);
	}
}

/*
 * --root without --privileged: the container's capabilities and its seccomp
 * filter, made now, in the parent and from the host: libseccomp is looked
 * up in the root of the moment, and the child may share our memory until it
 * execs, so it must not allocate.
 */
static void prepare_confinement(struct nsrun_control *ctl)
{
	struct cu_error e = { 0 };
	unsigned c;

	if (!ctl->root || ctl->privileged)
		return;
	/* --cap-add all: every capability we hold (the rest cannot be added) */
	for (c = 0; c < 64; c++)
		if (((ctl->caps.add.mask >> c) & 1) && !caps_have(c))
			ctl->caps.add.mask &= ~((uint64_t) 1 << c);
	ctl->confine.on = true;
	ctl->confine.sys_new = ctl->mount_sys;
	if (confine_prepare(&ctl->confine, ctl->caps.add.mask,
			    ctl->caps.drop.mask, &e) < 0)
		cu_error_die(&e);
}

/* ---- the steps inside the new namespaces ---- */

static int loopback_up(struct cu_error *e)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* the lo of a namespace just made has no flag but LOOPBACK */
	struct ifreq ifr = { .ifr_name = "lo", .ifr_flags = IFF_LOOPBACK | IFF_UP };

	struct explain_step s;
	long r = 0;

	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open a socket to bring up lo"));
	if (explain_step_begin(&s, EXPLAIN_PRIV_NET, "ip link set lo up",
			       "ioctl(%d, SIOCSIFFLAGS, {ifr_name=\"lo\", ifr_flags=IFF_UP|IFF_LOOPBACK})", fd))
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (explain_step_end(&s, r) < 0)
		return cu_error_set(e, errno, _("cannot bring up lo"));
	return 0;
}

/*
 * --mount-dev makes files: in a user namespace where our own id is not
 * mapped (--map-users without it), the kernel cannot own them by us, so
 * they are made as the namespace's root (fsuid 0), when that is mapped.
 */
static int setup_dev(const struct nsrun_control *ctl, int rootfd,
		     struct cu_error *e)
{
	bool as_root = (ctl->flags & CLONE_NEWUSER) && geteuid() != 0;
	int r;

	if (as_root) {
		(void) setfsgid(0);	/* unmapped 0: unchanged, said below */
		(void) setfsuid(0);
	}
	r = mount_dev(rootfd, e);
	if (as_root) {
		(void) setfsuid(geteuid());
		(void) setfsgid(getegid());
	}
	if (r == -EOVERFLOW)
		return cu_error_set(e, 0, _("cannot make the devices in /dev: %s (neither your own id nor 0 is mapped in the user namespace: map one, e.g. --map-users 0:100000:65536)"),
				    strerror(EOVERFLOW));
	return r;
}

/*
 * --mount-proc implies --mount only, as with unshare(1).  A new user
 * namespace may mount a procfs only for a PID namespace it owns: without
 * --pid the kernel refuses, and the message says what to add.
 */
static int setup_proc(const struct nsrun_control *ctl, int rootfd,
		      struct cu_error *e)
{
	int r = mount_proc(rootfd, ctl->mount_proc, e);

	if (r == -EPERM && (ctl->flags & CLONE_NEWUSER) && !(ctl->flags & CLONE_NEWPID))
		return cu_error_set(e, EPERM, _("cannot mount proc on %s (in a new user namespace, /proc needs a PID namespace of its own: add --pid)"),
				    ctl->mount_proc);
	return r;
}

static int setup_volumes(const struct nsrun_control *ctl, int rootfd,
			 struct cu_error *e)
{
	size_t i;
	int r;

	for (i = 0; i < ctl->nvolumes; i++) {
		const struct nsrun_volume *v = &ctl->volumes[i];

		r = mount_bind_in_root(rootfd, v->src, v->dst, v->ro, e);
		if (r < 0)
			return r;
	}
	for (i = 0; i < ctl->ntmpfs; i++) {
		r = mount_tmpfs_in_root(rootfd, ctl->tmpfs[i], e);
		if (r < 0)
			return r;
	}
	if (ctl->mount_dev && (r = setup_dev(ctl, rootfd, e)) < 0)
		return r;
	if (ctl->mount_sys && (r = mount_sys(rootfd, e)) < 0)
		return r;
	return 0;
}

/* Does anything resolve paths inside a root (one that may be hostile)? */
static bool needs_rootfd(const struct nsrun_control *ctl)
{
	return ctl->root || ctl->nvolumes || ctl->ntmpfs || ctl->mount_dev ||
	       ctl->mount_sys;
}

static int setup_mounts(const struct nsrun_control *ctl, struct cu_error *e)
{
	_cleanup_close_ int rootfd = -1;
	int r = mount_set_propagation(ctl->propagation, e);

	if (r < 0)
		return r;
	if (!needs_rootfd(ctl))
		return ctl->mount_proc ? setup_proc(ctl, -1, e) : 0;
	/*
	 * Shared or unchanged, mounts may have peers outside: pivot_root(2)
	 * refuses a shared root or parent, and neither the bind of the new root
	 * on itself nor the detach of the old one may reach the host.  Slaves
	 * still receive the host's mounts and send nothing back.
	 */
	if (ctl->root && (ctl->propagation == MS_SHARED || !ctl->propagation) &&
	    (r = mount_set_propagation(MS_SLAVE, e)) < 0)
		return r;
	rootfd = mount_open_root(ctl->root, e);
	if (rootfd < 0)
		return rootfd;
	r = setup_volumes(ctl, rootfd, e);
	if (r < 0)
		return r;
	if (ctl->mount_proc && (r = setup_proc(ctl, rootfd, e)) < 0)
		return r;
	if ((r = confine_mounts(&ctl->confine, rootfd, ctl->mount_proc, e)) < 0)
		return r;
	if (ctl->root) {
		r = ctl->no_pivot ? mount_move_root(rootfd, e)
				  : mount_pivot_root(rootfd, e);
		if (r < 0)
			return r;
		/* pivot_root takes no shared root: share it again, with peers inside */
		if (ctl->propagation == MS_SHARED)
			return mount_set_propagation(MS_SHARED, e);
	}
	return 0;
}

/*
 * Read-only mounts a program could remount read-write: :ro volumes and the
 * read-only /sys.  In a user namespace its root holds CAP_SYS_ADMIN over
 * the mount namespace we set them up in; only a copy of that namespace
 * into a nested user namespace has the kernel lock their flags.
 */
static bool needs_mount_lock(const struct nsrun_control *ctl)
{
	size_t i;

	if (!(ctl->flags & CLONE_NEWUSER) || !(ctl->flags & CLONE_NEWNS))
		return false;
	for (i = 0; i < ctl->nvolumes; i++)
		if (ctl->volumes[i].ro)
			return true;
	return ctl->mount_sys;
}

/* "INNER OUTER COUNT" lines of @name in @procfd turned into "INNER INNER COUNT". */
static int identity_map(int procfd, const char *name, char *out, size_t len)
{
	_cleanup_close_ int fd = openat(procfd, name, O_RDONLY | O_CLOEXEC);
	char buf[2048], *line, *save = NULL;
	size_t n = 0;
	ssize_t got;

	if (fd < 0 || (got = read(fd, buf, sizeof(buf) - 1)) < 0)
		return -errno;
	buf[got] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned inner, outer, count;

		if (sscanf(line, "%u %u %u", &inner, &outer, &count) != 3 ||
		    n >= len)
			return -EINVAL;
		n += (size_t) snprintf(out + n, len - n, "%u %u %u\n", inner, inner, count);
	}
	return n < len ? 0 : -E2BIG;
}

static int write_at(int dirfd, const char *name, const char *text)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t) strlen(text);

	return fd >= 0 && write(fd, text, (size_t) len) == len ? 0 : -errno;
}

/*
 * Enter a nested user namespace with a copy of our mount namespace, its
 * ids mapped one to one, so every mount flag set up so far is locked.  A
 * helper left in the outer namespace (where we hold CAP_SETUID) writes the
 * maps through @procfd, our /proc/self.
 */
static int lock_mounts(int procfd, struct cu_error *e)
{
	char umap[2048], gmap[2048], c = 'G';
	int p[2], st, r;
	pid_t helper;

	if (explain_dry_run())	/* the helper's map writes are not narrated */
		return ex_unshare(CLONE_NEWUSER | CLONE_NEWNS);
	if (identity_map(procfd, "uid_map", umap, sizeof(umap)) < 0 ||
	    identity_map(procfd, "gid_map", gmap, sizeof(gmap)) < 0 ||
	    pipe2(p, O_CLOEXEC) < 0)
		return cu_error_set(e, errno, _("cannot read the user namespace's id maps"));
	helper = fork();
	if (helper == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 && write_at(procfd, "uid_map", umap) == 0 &&
		      write_at(procfd, "gid_map", gmap) == 0 ? 0 : 1);
	}
	close(p[0]);
	r = helper < 0 ? -errno : ex_unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 ? -errno : 0;
	if (r == 0 && write(p[1], &c, 1) != 1)
		r = -errno;
	close(p[1]);
	while (helper > 0 && waitpid(helper, &st, 0) < 0 && errno == EINTR)
		;
	if (r == -EPERM)
		return cu_error_set(e, 0, _("cannot lock the read-only mounts: %s (your own id is not mapped in the user namespace: map it too, e.g. with --map-root-user)"),
				    strerror(EPERM));
	if (r < 0)
		return cu_error_set(e, r, _("cannot lock the read-only mounts"));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cu_error_set(e, 0, _("cannot lock the read-only mounts: the nested user namespace's id maps were refused"));
	return 0;
}

static int setup_identity(const struct nsrun_control *ctl, struct cu_error *e)
{
	struct explain_step s;
	long r = 0;

	if (ctl->have_gid) {
		/* EPERM: setgroups is "deny" in this user namespace */
		if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --clear-groups",
				       "setgroups(0, NULL)"))
			r = setgroups(0, NULL);
		if (explain_step_end(&s, r) < 0 && errno != EPERM)
			return cu_error_set(e, errno, _("cannot clear supplementary groups"));
		r = 0;
		if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --regid",
				       "setgid(%u)", (unsigned) ctl->gid))
			r = setgid(ctl->gid);
		if (explain_step_end(&s, r) < 0)
			return cu_error_set(e, errno, _("cannot set group id %u (is it mapped?)"), ctl->gid);
	}
	if (ctl->have_uid) {
		bool keep = !caps_plan_empty(&ctl->caps);

		r = 0;
		if (keep && explain_step_begin(&s, EXPLAIN_PRIV_NONE, "capsh --keep=1",
					       "prctl(PR_SET_KEEPCAPS, 1)"))
			r = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
		if (keep && explain_step_end(&s, r) < 0)
			return cu_error_set(e, errno, _("cannot keep capabilities across setuid"));
		r = 0;
		if (explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --reuid",
				       "setuid(%u)", (unsigned) ctl->uid))
			r = setuid(ctl->uid);
		if (explain_step_end(&s, r) < 0)
			return cu_error_set(e, errno, _("cannot set user id %u (is it mapped?)"), ctl->uid);
	}
	return caps_apply(&ctl->caps, e);
}

/* Everything after the namespaces exist and the maps are written. */
static int setup_inside(const struct nsrun_control *ctl, struct cu_error *e)
{
	_cleanup_close_ int procfd = -1;
	int r;

	struct explain_step s;
	long cr = 0;

	if (ctl->new_session && !explain_dry_run() && setsid() < 0)
		return cu_error_set(e, errno, _("cannot start a new session"));
	if ((ctl->flags & CLONE_NEWNET) && (r = loopback_up(e)) < 0)
		return r;
	if (ctl->hostname && ex_sethostname(ctl->hostname, strlen(ctl->hostname)) < 0)
		return cu_error_set(e, errno, _("cannot set the hostname to %s"), ctl->hostname);
	if (needs_mount_lock(ctl) &&
	    (procfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cu_error_set(e, errno, _("cannot open %s"), "/proc/self");
	if ((ctl->flags & CLONE_NEWNS) && (r = setup_mounts(ctl, e)) < 0)
		return r;
	if (procfd >= 0 && (r = lock_mounts(procfd, e)) < 0)
		return r;
	if (ctl->wd && explain_step_begin(&s, EXPLAIN_PRIV_NONE, "cd", "chdir(\"%s\")", ctl->wd))
		cr = chdir(ctl->wd);
	if (ctl->wd && explain_step_end(&s, cr) < 0)
		return cu_error_set(e, errno, _("cannot change directory to %s"), ctl->wd);
	/* seccomp, then capabilities: the last steps before the new identity */
	if ((r = confine_lockdown(&ctl->confine, e)) < 0)
		return r;
	r = setup_identity(ctl, e);
	if (r < 0)
		return r;
	cr = 0;
	if (ctl->no_new_privs &&
	    explain_step_begin(&s, EXPLAIN_PRIV_NONE, "setpriv --no-new-privs",
			       "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)"))
		cr = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (ctl->no_new_privs && explain_step_end(&s, cr) < 0)
		return cu_error_set(e, errno, _("cannot set no_new_privs"));
	return 0;
}

static int write_time_offsets(const struct nsrun_control *ctl, struct cu_error *e)
{
	_cleanup_close_ int fd = -1;
	char buf[128];
	int n = 0;

	if (ctl->have_monotonic)
		n += snprintf(buf + n, sizeof(buf) - (size_t) n, "monotonic %lld 0\n",
			      (long long) ctl->monotonic);
	if (ctl->have_boottime)
		n += snprintf(buf + n, sizeof(buf) - (size_t) n, "boottime %lld 0\n",
			      (long long) ctl->boottime);
	if (n == 0)
		return 0;
	fd = explain_dry_run() ? EXPLAIN_DRY_FD
			       : open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if ((fd < 0 && fd != EXPLAIN_DRY_FD) ||
	    ex_write_path(fd, buf, (size_t) n, "/proc/self/timens_offsets") != n) {
		if (errno == ERANGE)
			return cu_error_set(e, 0, _("cannot write the time offsets: %s (no clock may go below zero: use a smaller negative offset)"),
					    strerror(ERANGE));
		return cu_error_set(e, errno, _("cannot write the time offsets"));
	}
	return 0;
}

/*
 * unshare(CLONE_NEWTIME) makes the namespace for our children only, and the
 * offsets written above take hold when the first process enters it.  Enter
 * it ourselves, so that the program we exec runs in it on every kernel:
 * newer kernels move a process in at exec, 6.1 leaves it outside, where the
 * offsets never show.
 */
static int enter_time_ns(struct cu_error *e)
{
	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children",
				      O_RDONLY | O_CLOEXEC);

	if (fd < 0 || ex_setns(fd, CLONE_NEWTIME) < 0)
		return cu_error_set(e, errno, _("cannot enter the new time namespace"));
	return 0;
}

/* ---- user namespace maps, written from outside (or by ourselves) ---- */

/*
 * Our own ids, read before unshare(CLONE_NEWUSER) makes them the overflow
 * ids: root writes any map itself; anyone may map just their own id.
 */
static bool map_is_direct(const struct nsrun_control *ctl, const struct idmap *m,
			  uint32_t self)
{
	return ctl->euid == 0 ||
	       (m->nranges == 1 && m->ranges[0].count == 1 &&
		m->ranges[0].outer == self);
}

static int build_map(const struct nsrun_control *ctl, const struct nsrun_idmap *in,
		     enum idmap_kind kind, struct idmap *out, struct cu_error *e)
{
	uint32_t self = kind == IDMAP_UID ? ctl->euid : ctl->egid;
	struct idmap_range r = { in->inner, self, 1 };
	struct passwd *pw;

	*out = in->ranges;
	if (in->single && idmap_add(out, &r) < 0)
		return cu_error_set(e, 0, _("the mapping of id %u overlaps a --map-users/--map-groups range"),
				    in->inner);
	if (!out->want_auto)
		return 0;
	/* the user's name only for /etc/subuid: no NSS lookup on the -r path */
	pw = getpwuid(ctl->euid);
	return idmap_resolve_auto(out, kind, pw ? pw->pw_name : NULL, ctl->euid, e);
}

static int write_map(const struct nsrun_control *ctl, pid_t pid,
		     const struct nsrun_idmap *in, enum idmap_kind kind,
		     struct cu_error *e)
{
	uint32_t self = kind == IDMAP_UID ? ctl->euid : ctl->egid;
	struct idmap *m = xmalloc(sizeof(*m));
	int r = build_map(ctl, in, kind, m, e);

	if (r == 0 && m->nranges)
		r = map_is_direct(ctl, m, self) ? idmap_write(pid, kind, m, e)
						: idmap_run_helper(pid, kind, m, e);
	free(m);
	return r;
}

static int write_maps(const struct nsrun_control *ctl, pid_t pid, struct cu_error *e)
{
	const struct nsrun_idmap *g = &ctl->gidmap;
	enum setgroups_mode sg = ctl->setgroups;
	int r;

	if (!(ctl->flags & CLONE_NEWUSER))
		return 0;
	r = write_map(ctl, pid, &ctl->uidmap, IDMAP_UID, e);
	if (r < 0)
		return r;
	/* the kernel requires deny before a gid_map written without privilege */
	if (sg == SETGROUPS_NONE && g->single && (ctl->euid != 0 || !g->ranges.nranges))
		sg = SETGROUPS_DENY;
	r = idmap_write_setgroups(pid, sg, e);
	if (r < 0)
		return r;
	return write_map(ctl, pid, g, IDMAP_GID, e);
}

/* ---- errors of clone/unshare, with what to add ---- */

static bool sysctl_is(const char *path, const char *value)
{
	char buf[32] = "";
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (n <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return streq(buf, value);
}

static void __noreturn die_create(int flags, int err)
{
	const char *what = strerror(err);
	bool user = flags & CLONE_NEWUSER;

	if (user && sysctl_is("/proc/sys/user/max_user_namespaces", "0"))
		diex(_("cannot create user namespace: %s (user namespaces are disabled: sysctl user.max_user_namespaces=0)"), what);
	if (user && sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
		diex(_("cannot create user namespace: %s (unprivileged user namespaces are disabled: sysctl kernel.unprivileged_userns_clone=1)"), what);
	if (user && sysctl_is("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
			      "1"))
		diex(_("cannot create user namespace: %s (AppArmor restricts them: sysctl kernel.apparmor_restrict_unprivileged_userns=0)"), what);
	if (err == EPERM && !user)
		diex(_("cannot create %1$s namespace: %2$s (run as root, or add --user --map-root-user)"),
		     ns_label_first(flags), what);
	diex(_("cannot create %1$s namespace: %2$s"), ns_label_first(flags), what);
}

/* ---- the forked path: parent outside, child inside ---- */

static void __noreturn child_main(struct nsrun_control *ctl);
static int child_before_go(struct nsrun_control *ctl, struct cu_error *e);

/* The execve that ends the run: the program, or the shell without one. */
static void explain_program(char *const argv[])
{
	char *sh[2] = { (char *) exec_shell_path(), NULL };

	explain_dry_execve(argv && argv[0] ? argv : sh);
}

static int shared_vm_child(struct spawn *sp)
{
	child_main(sp->arg);
}

/*
 * The child in the new namespaces; 0 in the forked child.  No pidfd: the
 * child is ours and unreaped until the supervisor returns, so its PID
 * cannot be reused under kill(2).
 */
static pid_t clone_child(struct nsrun_control *ctl, int flags)
{
	struct spawn *sp = &ctl->spawn;

	fflush(stdout);
	fflush(stderr);
	sp->clone = (struct cu_clone_args) {
		.flags = (uint64_t) flags,
		.exit_signal = SIGCHLD,
	};
	sp->share_vm = ctl->shared_vm;
	sp->child = shared_vm_child;
	sp->arg = ctl;
	sp->exec_argv = ctl->argv;
	return spawn_start(sp);
}

/*
 * The child ends with 125, which the parent passes on; it says why on
 * stderr, or with a handshake tells the parent, which says it and rolls
 * back (spawn_fail).
 */
static void __noreturn child_main(struct nsrun_control *ctl)
{
	struct cu_error e = { 0 };

	if (ctl->kill_child &&
	    prctl(PR_SET_PDEATHSIG, ctl->kill_child, 0, 0, 0) < 0) {
		cu_error_set(&e, errno, _("cannot set the parent-death signal"));
		spawn_fail(&ctl->spawn, &e);
	}
	if (child_before_go(ctl, &e) < 0)
		spawn_fail(&ctl->spawn, &e);
	/* the parent writes maps, binds namespace files, says go; EOF: it died */
	if (spawn_ready(&ctl->spawn) < 0)
		_exit(CU_EXIT_CANCELED);
	if (setup_inside(ctl, &e) < 0)
		spawn_fail(&ctl->spawn, &e);
	if (ctl->init) {
		int st;

		spawn_detach(&ctl->spawn);
		explain_program(ctl->argv);
		st = reaper_run(ctl->argv, &ctl->oldmask);
		if (st < 0)
			die_errno(st, _("--init failed"));
		_exit(st);
	}
	if (exec_restore_sigmask(&ctl->oldmask) < 0) {
		cu_error_set(&e, errno, _("cannot restore the signal mask"));
		spawn_fail(&ctl->spawn, &e);
	}
	explain_program(ctl->argv);
	exec_child_program_or_shell(ctl->argv);
}

/* The child's steps before the parent's: the time namespace, its own maps. */
static int child_before_go(struct nsrun_control *ctl, struct cu_error *e)
{
	if ((ctl->flags & CLONE_NEWTIME) && ex_unshare(CLONE_NEWTIME) < 0) {
		if (errno == EPERM && !(ctl->flags & CLONE_NEWUSER))
			return cu_error_set(e, 0, _("cannot create time namespace: %s (run as root, or add --user --map-root-user)"),
				     strerror(EPERM));
		if (errno == EINVAL)	/* the one flag this kernel does not know */
			return cu_error_set(e, 0, _("cannot create time namespace: this kernel has none (time namespaces need Linux 5.6 or later, CONFIG_TIME_NS)"));
		return cu_error_set(e, errno, _("cannot create time namespace"));
	}
	if ((ctl->flags & CLONE_NEWTIME) &&
	    (write_time_offsets(ctl, e) < 0 || enter_time_ns(e) < 0))
		return -1;
	if (ctl->child_maps && write_maps(ctl, 0, e) < 0)
		return -1;
	return 0;
}

/* Remove an anonymous volume we made: it must still be the dir we made. */
static bool remove_volume(const struct nsrun_volume *v)
{
	_cleanup_close_ int fd = -1, parent = -1;
	_cleanup_free_ char *copy = xstrdup(v->src);
	char *slash = strrchr(copy, '/');
	struct stat st;

	if (!slash)
		return false;
	*slash = '\0';
	parent = open(*copy ? copy : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = parent >= 0 ? file_open_subdir(parent, slash + 1) : -1;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != v->dev ||
	    st.st_ino != v->ino)
		return false;
	/* "." of the fd checked above, not the name again: a swap cannot redirect it */
	return file_remove_tree_at(fd, ".", FILE_REMOVE_CONTENTS) == 0 &&
	       unlinkat(parent, slash + 1, AT_REMOVEDIR) == 0;
}

/*
 * May a process of the container still write an anonymous volume?  Not
 * with a PID namespace: the kernel ends every process in it before its
 * PID 1 can be reaped.  Else we are the subreaper of the child's tree:
 * reap what ended; a child left means a live process of the container.
 */
static bool container_is_gone(const struct nsrun_control *ctl)
{
	pid_t w;

	if (ctl->flags & CLONE_NEWPID)
		return true;
	while ((w = waitpid(-1, NULL, WNOHANG)) > 0)
		;
	return w < 0 && errno == ECHILD;
}

static void remove_volumes(struct nsrun_control *ctl)
{
	bool gone = false, checked = false;
	size_t i;

	for (i = 0; i < ctl->nvolumes; i++) {
		struct nsrun_volume *v = &ctl->volumes[i];

		if (!v->anon || !v->src)
			continue;
		if (!checked) {
			gone = container_is_gone(ctl);
			checked = true;
		}
		if (!gone)
			warnx(_("note: left the anonymous volume %s: a process of the container may still write it (add --pid to have it removed)"),
			      v->src);
		else if (!remove_volume(v))
			warnx(_("note: left the anonymous volume %s, or part of it: it holds a mount, a changed or a too deep entry; remove it by hand"),
			      v->src);
	}
}

static void undo_host(struct nsrun_control *ctl, bool persist)
{
	size_t i;

	for (i = 0; persist && i < NS_NTYPES; i++) {
		struct nsrun_persist *p = &ctl->persist[i];

		/* best effort: our own bind, our own file; nothing else to do */
		if (p->mounted)
			(void) ex_umount2(p->file, MNT_DETACH);
		if (p->created)
			(void) unlink(p->file);
	}
	if (ctl->pidfile_written)
		(void) unlink(ctl->pidfile);	/* a stale pid helps nobody */
	remove_volumes(ctl);
}

static int persist_namespaces(struct nsrun_control *ctl, pid_t pid,
			      struct cu_error *e)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++) {
		struct nsrun_persist *p = &ctl->persist[i];
		const char *name = ns_types[i].name;
		char src[64];
		int r;

		if (!p->file)
			continue;
		if (ns_types[i].flag == CLONE_NEWTIME)
			name = "time_for_children";
		if (pid < 0)	/* a dry run: the child's PID is not known */
			snprintf(src, sizeof(src), "/proc/PID/ns/%s", name);
		else
			snprintf(src, sizeof(src), "/proc/%d/ns/%s", (int) pid, name);
		p->created = access(p->file, F_OK) < 0;
		r = ns_persist(src, p->file, e);
		if (r < 0) {
			p->created = false;	/* ns_persist removed it */
			if (r == -EINVAL)
				return cu_error_set(e, EINVAL, _("cannot bind %1$s on %2$s (is it on a shared mount? make its directory a private bind mount)"),
						    src, p->file);
			return r;
		}
		p->mounted = true;
	}
	return 0;
}

static int write_pidfile(struct nsrun_control *ctl, pid_t pid, struct cu_error *e)
{
	_cleanup_close_ int fd = -1;
	char buf[16];
	int n;

	if (!ctl->pidfile)
		return 0;
	if (explain_dry_run())
		fd = EXPLAIN_DRY_FD;
	else if ((fd = open(ctl->pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
			    O_CLOEXEC, 0644)) < 0)
		return cu_error_set(e, errno, _("cannot open the pid file %s"), ctl->pidfile);
	else
		ctl->pidfile_written = true;
	n = pid < 0 ? snprintf(buf, sizeof(buf), "PID\n")
		    : snprintf(buf, sizeof(buf), "%d\n", (int) pid);
	if (ex_write_path(fd, buf, (size_t) n, ctl->pidfile) != n)
		return cu_error_set(e, errno, _("cannot write the pid file %s"), ctl->pidfile);
	return 0;
}

static int make_anon_volumes(struct nsrun_control *ctl, struct cu_error *e)
{
	const char *tmp = getenv("TMPDIR");
	struct explain_step step;
	bool anon = false;
	long made;
	struct stat st;
	size_t i;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	for (i = 0; i < ctl->nvolumes; i++) {
		struct nsrun_volume *v = &ctl->volumes[i];

		if (!v->anon)
			continue;
		xasprintf(&v->src, "%s/nsrun-volume.XXXXXX", tmp);
		made = 0;
		/* mkdtemp(3): a mkdir(2) of a name of its choice, shown as made */
		if (explain_step_begin(&step, EXPLAIN_PRIV_FILE, _("an anonymous volume"),
				       "mkdir(\"%s\", 0700)", v->src)) {
			made = mkdtemp(v->src) ? 0 : -1;
			if (explain_on())
				snprintf(step.call, sizeof(step.call), "mkdir(\"%s\", 0700)", v->src);
		}
		if (explain_step_end(&step, made) < 0) {
			int r = cu_error_set(e, errno, _("cannot make an anonymous volume in %s"), tmp);

			free(v->src);
			v->src = NULL;
			return r;
		}
		if (explain_dry_run())
			continue;	/* a plan makes no directory: nothing to stat */
		if (stat(v->src, &st) < 0 || chmod(v->src, 0755) < 0)
			return cu_error_set(e, errno, _("cannot change the mode of %s"), v->src);
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		anon = true;
	}
	/* the container's orphans come to us: we can tell when all are gone */
	if (anon && !(ctl->flags & CLONE_NEWPID) && !explain_dry_run() &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return cu_error_set(e, errno, _("cannot become a subreaper"));
	return 0;
}

static void __noreturn parent_fail(struct nsrun_control *ctl, pid_t pid,
				   const struct cu_error *e)
{
	int st;

	if (e)
		cu_error_warn(e);
	(void) kill(pid, SIGKILL);	/* maybe ended already: still unreaped */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	undo_host(ctl, true);
	exit(CU_EXIT_CANCELED);
}

/*
 * Between clone and go: everything done to the child from outside (only
 * with a handshake; without one there is nothing to do out here).
 */
static void prepare_child(struct nsrun_control *ctl, pid_t pid)
{
	struct cu_error e = { 0 };
	int r;

	r = spawn_wait(&ctl->spawn, &e);
	if (r <= 0)
		parent_fail(ctl, pid, r < 0 ? &e : NULL);
	if (write_pidfile(ctl, pid, &e) < 0 || persist_namespaces(ctl, pid, &e) < 0 ||
	    (!ctl->child_maps && write_maps(ctl, pid, &e) < 0))
		parent_fail(ctl, pid, &e);
	r = spawn_go(&ctl->spawn);
	if (r < 0) {
		cu_error_set(&e, -r, _("cannot start the child"));
		parent_fail(ctl, pid, &e);
	}
	/* the hang-up: the program was exec'd (the pipe is close-on-exec); a
	 * failure after go still has namespace files to remove */
	if (spawn_wait(&ctl->spawn, &e) < 0)
		parent_fail(ctl, pid, &e);
}

/* Must the parent act on the child before it goes on? */
static bool needs_handshake(const struct nsrun_control *ctl)
{
	size_t i;

	/* the go pipe's EOF also tells a --kill-child child its parent died early */
	if ((ctl->flags & CLONE_NEWUSER && !ctl->child_maps) || ctl->pidfile ||
	    ctl->kill_child)
		return true;
	for (i = 0; i < NS_NTYPES; i++)
		if (ctl->persist[i].file)
			return true;
	return false;
}

/*
 * May the child share our memory until it execs (spawn_vm)?  Not when we
 * must act while it waits (a handshake), nor when it stays (--init), nor
 * for a time namespace (its unshare takes a real fork), nor when it
 * locks the mounts (unshare(CLONE_NEWUSER) implies CLONE_VM, which
 * unshare(2) documents as refused to a process that shares its memory).
 */
static bool shares_vm(const struct nsrun_control *ctl)
{
	return spawn_vm_supported() && !ctl->handshake && !ctl->init &&
	       !(ctl->flags & CLONE_NEWTIME) && !needs_mount_lock(ctl);
}

/* ---- waiting for the child, and stopping it ---- */

/* Is @sig in the hex mask of the "@field:" line of /proc/@pid/status? */
static bool sig_in_status(pid_t pid, const char *field, int sig)
{
	char path[32], line[128];
	_cleanup_fclose_ FILE *f = NULL;
	size_t len = strlen(field);

	snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			return (strtoull(line + len + 1, NULL, 16) >> (sig - 1)) & 1;
	return false;
}

/*
 * Does the child act on @sig?  It does when it catches it (SigCgt), when
 * it is our --init (it forwards it), or when the default action ends it;
 * it does not when it ignores it (SigIgn), nor as PID 1 of its own PID
 * namespace without a handler (the kernel drops such a signal).
 */
static bool child_acts_on(const struct nsrun_control *ctl, pid_t pid, int sig)
{
	if (sig_in_status(pid, "SigIgn", sig))
		return false;
	if (sig_in_status(pid, "SigCgt", sig) || ctl->init)
		return true;
	return !(ctl->flags & CLONE_NEWPID);
}

/*
 * With --kill-child, a stop signal the child does not act on SIGKILLs it
 * at once: it would not end, and waiting --stop-timeout seconds for that
 * helps no one.
 */
static bool stop_unheeded(pid_t pid, int sig, void *data)
{
	const struct nsrun_control *ctl = data;

	if (!ctl->kill_child || child_acts_on(ctl, pid, sig))
		return false;
	(void) kill(pid, SIGKILL);	/* unreaped: the PID is still the child's */
	return true;
}

/*
 * Wait for the child, forwarding signals; its wait status in @wstatus.
 * After TERM, INT or HUP, SIGKILL it when it has not ended --stop-timeout
 * seconds later.  A SIGINT the terminal sent (Ctrl-C) is only forwarded:
 * an interactive shell inside lives on after it, as it would outside.
 */
static int supervise(struct nsrun_control *ctl, pid_t pid, int *wstatus)
{
	const struct exec_watch w = {
		.stop_timeout = ctl->stop_timeout,
		.tty_int_forward_only = true,
		.on_stop = stop_unheeded,
		.data = ctl,
	};

	return exec_supervise_watch(pid, -1, &w, wstatus);
}

static void __noreturn run_forked(struct nsrun_control *ctl)
{
	struct cu_error e = { 0 };
	int wstatus, r;
	pid_t pid;

	if (make_anon_volumes(ctl, &e) < 0) {
		undo_host(ctl, false);
		cu_error_die(&e);
	}
	/* only a process outside writes ranges; our own id we map ourselves */
	ctl->child_maps = (ctl->flags & CLONE_NEWUSER) &&
			  !ctl->uidmap.ranges.nranges &&
			  !ctl->gidmap.ranges.nranges &&
			  !ctl->uidmap.ranges.want_auto &&
			  !ctl->gidmap.ranges.want_auto;
	ctl->handshake = needs_handshake(ctl);
	ctl->spawn.handshake = ctl->spawn.go = ctl->handshake;
	r = spawn_pipes(&ctl->spawn);
	if (r < 0) {
		undo_host(ctl, false);
		errno = -r;
		die(_("cannot make a pipe"));
	}
	if (exec_block_forwarded(&ctl->oldmask) < 0) {
		undo_host(ctl, false);
		die(_("cannot block signals"));
	}
	ctl->shared_vm = shares_vm(ctl);
	pid = clone_child(ctl, ctl->flags & ~CLONE_NEWTIME);
	if (pid < 0) {
		int err = errno;

		undo_host(ctl, false);
		die_create(ctl->flags, err);
	}
	if (pid == 0)
		child_main(ctl);
	if (ctl->handshake)
		prepare_child(ctl, pid);
	r = supervise(ctl, pid, &wstatus);
	if (r < 0)
		die_errno(r, _("cannot wait for the child"));
	undo_host(ctl, false);
	exec_exit_like(wstatus);
}

/* ---- without a fork: unshare, map ourselves, exec ---- */

static void __noreturn run_in_place(struct nsrun_control *ctl)
{
	struct cu_error e = { 0 };

	if (ex_unshare(ctl->flags) < 0)
		die_create(ctl->flags, errno);
	if (write_maps(ctl, 0, &e) < 0 || setup_inside(ctl, &e) < 0)
		cu_error_die(&e);
	explain_program(ctl->argv);
	if (explain_dry_run())
		exit(EXIT_SUCCESS);
	exec_program_or_shell(ctl->argv);
}

/* The child's PID in a dry run's plan: "/proc/PID/uid_map". */
#define DRY_PID		((pid_t) -1)

/*
 * --dry-run of the forked path: the parent's and the child's steps in the
 * order the handshake gives them, walked here with every call skipped; no
 * process is made.
 */
static void __noreturn dry_run_forked(struct nsrun_control *ctl)
{
	struct cu_error e = { 0 };

	if (make_anon_volumes(ctl, &e) < 0)
		cu_error_die(&e);
	ctl->child_maps = (ctl->flags & CLONE_NEWUSER) &&
			  !ctl->uidmap.ranges.nranges &&
			  !ctl->gidmap.ranges.nranges &&
			  !ctl->uidmap.ranges.want_auto &&
			  !ctl->gidmap.ranges.want_auto;
	ctl->handshake = needs_handshake(ctl);
	/* spawn_vm()'s flags when the child would share our memory */
	explain_clone3_done((unsigned long long) (ctl->flags & ~CLONE_NEWTIME) |
			    (shares_vm(ctl) ? CLONE_VM | CLONE_VFORK : 0), 0, 0);
	if (child_before_go(ctl, &e) < 0)
		cu_error_die(&e);
	if (ctl->handshake &&
	    (write_pidfile(ctl, DRY_PID, &e) < 0 || persist_namespaces(ctl, DRY_PID, &e) < 0 ||
	     (!ctl->child_maps && write_maps(ctl, DRY_PID, &e) < 0)))
		cu_error_die(&e);
	if (setup_inside(ctl, &e) < 0)
		cu_error_die(&e);
	explain_program(ctl->argv);
	exit(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	struct nsrun_control *ctl = xcalloc(1, sizeof(*ctl));

	cu_set_exit_failure(CU_EXIT_CANCELED);
	cu_init_locale();
	close_stdout_atexit();

	ctl->euid = geteuid();
	ctl->egid = getegid();
	ctl->propagation = MS_PRIVATE;
	ctl->setgroups = SETGROUPS_NONE;
	confine_init(&ctl->confine);
	ctl->stop_timeout = STOP_TIMEOUT_DEFAULT;
	parse_args(ctl, argc, argv);
	root_shell(ctl);
	apply_implications(ctl);
	check_options(ctl);
	prepare_confinement(ctl);

	if (needs_fork(ctl))
		explain_dry_run() ? dry_run_forked(ctl) : run_forked(ctl);
	run_in_place(ctl);
}
