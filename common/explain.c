// SPDX-License-Identifier: GPL-2.0-or-later
/* explain.c - teaching mode: one line on stderr per kernel operation */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/veth.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "ns.h"
#include "syscalls.h"

int explain_mode = EXPLAIN_OFF;
static bool explain_color;

/* Escape sequences: the call, a success, a failure, the concept, a note. */
#define C_CALL		"\033[1m"
#define C_OK		"\033[32m"
#define C_FAIL		"\033[1;31m"
#define C_CONCEPT	"\033[36m"
#define C_NOTE		"\033[33m"
#define C_DRY		"\033[35m"
#define C_RESET		"\033[0m"

/*
 * Narration goes to stderr, beside the tool's own output; a dry run's plan
 * IS the output, so it goes to stdout (`nsrun --dry-run ... | less`).
 */
static int explain_fd(void)
{
	return explain_mode == EXPLAIN_DRY_RUN ? STDOUT_FILENO : STDERR_FILENO;
}

static void setup(int mode)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	explain_mode = mode;
	/* https://no-color.org: any non-empty NO_COLOR turns colour off */
	explain_color = isatty(explain_fd()) && !(nc && *nc) &&
			!(term && streq(term, "dumb"));
}

/* CU_EXPLAIN=1 in the environment: the whole script is narrated. */
__attribute__((constructor)) static void explain_from_env(void)
{
	const char *v = getenv("CU_EXPLAIN");

#ifdef CU_NO_EXPLAIN
	return;	/* a script's CU_EXPLAIN=1 narrates nothing in such a build */
#endif
	if (v && (streq(v, "1") || streq(v, "yes")))
		setup(EXPLAIN_ON);
}

#ifdef CU_NO_EXPLAIN
/* A plan that would be carried out must never start: refuse both options. */
static void __attribute__((noreturn)) no_explain(const char *opt)
{
	diex(_("%s: this build has no teaching mode (configured with --disable-explain)"), opt);
}
#endif

void explain_enable(void)
{
#ifdef CU_NO_EXPLAIN
	no_explain("--explain");
#endif
	if (explain_mode != EXPLAIN_DRY_RUN)
		setup(EXPLAIN_ON);
}

void explain_enable_dry_run(void)
{
#ifdef CU_NO_EXPLAIN
	no_explain("--dry-run");
#endif
	setup(EXPLAIN_DRY_RUN);
}

/* --- building lines -------------------------------------------------- */

struct buf {
	char *p;
	size_t len, size;
};

static void __printf(2, 3) bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t) n;
	if (b->len >= b->size)
		b->len = b->size - 1;
}

#define BUF(arr)	{ .p = (arr), .len = strlen(arr), .size = sizeof(arr) }

/* A string as strace shows it: quoted, escapes for quotes and controls. */
static void bquote(struct buf *b, const char *s)
{
	size_t i;

	if (!s) {
		bprintf(b, "NULL");
		return;
	}
	bprintf(b, "\"");
	for (i = 0; i < 256 && s[i]; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
			bprintf(b, "\\%c", c);
		else if (c == '\n')
			bprintf(b, "\\n");
		else if (c == '\t')
			bprintf(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			bprintf(b, "\\%o", c);
		else
			bprintf(b, "%c", c);
	}
	bprintf(b, s[i] ? "\"..." : "\"");
}

struct flagname {
	unsigned long long flag;
	const char *name;
	const char *opt;	/* the classic command's option, if any */
};

/* "A|B|0x40" of the names of @v's bits, or "0". */
static void bflags(struct buf *b, unsigned long long v, const struct flagname *t)
{
	const char *sep = "";
	size_t i;

	if (!v) {
		bprintf(b, "0");
		return;
	}
	for (i = 0; t[i].name; i++)
		if (t[i].flag && (v & t[i].flag) == t[i].flag) {
			bprintf(b, "%s%s", sep, t[i].name);
			v &= ~t[i].flag;
			sep = "|";
		}
	if (v)
		bprintf(b, "%s%#llx", sep, v);
}

/* " --pid --mount" of the classic command's options for @v's bits. */
static void bopts(struct buf *b, unsigned long long v, const struct flagname *t,
		  const char *sep)
{
	size_t i;

	for (i = 0; t[i].name; i++)
		if (t[i].opt && (v & t[i].flag) == t[i].flag)
			bprintf(b, "%s%s", sep, t[i].opt);
}

/* The namespace bits come from ns_types[], printed in this order. */
static const enum ns_index clone_ns_order[] = {
	NS_USER, NS_PID, NS_MNT, NS_NET, NS_UTS, NS_IPC, NS_CGROUP, NS_TIME,
};

/* The other bits of clone(2) and clone3(2). */
static const struct flagname clone_flags[] = {
	{ CLONE_VM,		"CLONE_VM",		NULL },
	{ CLONE_VFORK,		"CLONE_VFORK",		NULL },
	{ CLONE_FS,		"CLONE_FS",		NULL },
	{ CLONE_FILES,		"CLONE_FILES",		NULL },
	{ CLONE_SIGHAND,	"CLONE_SIGHAND",	NULL },
	{ CLONE_THREAD,		"CLONE_THREAD",		NULL },
	{ CLONE_PARENT,		"CLONE_PARENT",		NULL },
	{ CLONE_PIDFD,		"CLONE_PIDFD",		NULL },
	{ CLONE_INTO_CGROUP,	"CLONE_INTO_CGROUP",	NULL },
	{ 0x100000000ULL,	"CLONE_CLEAR_SIGHAND",	NULL },
	{ 0, NULL, NULL }
};

/*
 * bflags() and bopts() for a word of CLONE_* flags: @f gets
 * "CLONE_NEWUSER|CLONE_NEWPID|CLONE_VM", @o " --user --pid".
 */
static void bclone(struct buf *f, struct buf *o, unsigned long long v)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(clone_ns_order); i++) {
		const struct ns_type *t = &ns_types[clone_ns_order[i]];

		if (!(v & (unsigned long long) t->flag))
			continue;
		bprintf(f, "%s%s", sep, t->flagname);
		bprintf(o, " --%s", t->longname);
		v &= ~(unsigned long long) t->flag;
		sep = "|";
	}
	if (v || !*sep) {
		bprintf(f, "%s", sep);
		bflags(f, v, clone_flags);
	}
}

static const struct flagname ms_flags[] = {
	{ MS_RDONLY,	"MS_RDONLY",	"ro" },
	{ MS_NOSUID,	"MS_NOSUID",	"nosuid" },
	{ MS_NODEV,	"MS_NODEV",	"nodev" },
	{ MS_NOEXEC,	"MS_NOEXEC",	"noexec" },
	{ MS_SYNCHRONOUS, "MS_SYNCHRONOUS", "sync" },
	{ MS_REMOUNT,	"MS_REMOUNT",	NULL },
	{ MS_DIRSYNC,	"MS_DIRSYNC",	"dirsync" },
	{ MS_NOATIME,	"MS_NOATIME",	"noatime" },
	{ MS_NODIRATIME, "MS_NODIRATIME", "nodiratime" },
	{ MS_BIND,	"MS_BIND",	NULL },
	{ MS_MOVE,	"MS_MOVE",	NULL },
	{ MS_REC,	"MS_REC",	NULL },
	{ MS_SILENT,	"MS_SILENT",	NULL },
	{ MS_UNBINDABLE, "MS_UNBINDABLE", NULL },
	{ MS_PRIVATE,	"MS_PRIVATE",	NULL },
	{ MS_SLAVE,	"MS_SLAVE",	NULL },
	{ MS_SHARED,	"MS_SHARED",	NULL },
	{ MS_RELATIME,	"MS_RELATIME",	"relatime" },
	{ MS_STRICTATIME, "MS_STRICTATIME", "strictatime" },
	{ MS_LAZYTIME,	"MS_LAZYTIME",	"lazytime" },
	{ 0, NULL, NULL }
};

static const struct flagname mount_attrs[] = {
	{ MOUNT_ATTR_RDONLY,	  "MOUNT_ATTR_RDONLY",	    "ro" },
	{ MOUNT_ATTR_NOSUID,	  "MOUNT_ATTR_NOSUID",	    "nosuid" },
	{ MOUNT_ATTR_NODEV,	  "MOUNT_ATTR_NODEV",	    "nodev" },
	{ MOUNT_ATTR_NOEXEC,	  "MOUNT_ATTR_NOEXEC",	    "noexec" },
	{ MOUNT_ATTR_NOATIME,	  "MOUNT_ATTR_NOATIME",	    "noatime" },
	{ MOUNT_ATTR_STRICTATIME, "MOUNT_ATTR_STRICTATIME", "strictatime" },
	{ MOUNT_ATTR_NODIRATIME,  "MOUNT_ATTR_NODIRATIME",  "nodiratime" },
	{ MOUNT_ATTR_IDMAP,	  "MOUNT_ATTR_IDMAP",	    "X-mount.idmap" },
	{ MOUNT_ATTR_NOSYMFOLLOW, "MOUNT_ATTR_NOSYMFOLLOW", "nosymfollow" },
	{ 0, NULL, NULL }
};

static const struct flagname at_flags[] = {
	{ OPEN_TREE_CLONE,	  "OPEN_TREE_CLONE",	    NULL },
	{ OPEN_TREE_CLOEXEC,	  "OPEN_TREE_CLOEXEC",	    NULL },
	{ AT_SYMLINK_NOFOLLOW,	  "AT_SYMLINK_NOFOLLOW",    NULL },
	{ AT_NO_AUTOMOUNT,	  "AT_NO_AUTOMOUNT",	    NULL },
	{ AT_EMPTY_PATH,	  "AT_EMPTY_PATH",	    NULL },
	{ 0x8000,		  "AT_RECURSIVE",	    NULL },
	{ 0, NULL, NULL }
};

static const struct flagname move_flags[] = {
	{ MOVE_MOUNT_F_SYMLINKS,   "MOVE_MOUNT_F_SYMLINKS",   NULL },
	{ MOVE_MOUNT_F_AUTOMOUNTS, "MOVE_MOUNT_F_AUTOMOUNTS", NULL },
	{ MOVE_MOUNT_F_EMPTY_PATH, "MOVE_MOUNT_F_EMPTY_PATH", NULL },
	{ MOVE_MOUNT_T_SYMLINKS,   "MOVE_MOUNT_T_SYMLINKS",   NULL },
	{ MOVE_MOUNT_T_AUTOMOUNTS, "MOVE_MOUNT_T_AUTOMOUNTS", NULL },
	{ MOVE_MOUNT_T_EMPTY_PATH, "MOVE_MOUNT_T_EMPTY_PATH", NULL },
	{ 0, NULL, NULL }
};

static const struct flagname umount_flags[] = {
	{ MNT_FORCE,		"MNT_FORCE",		"--force" },
	{ MNT_DETACH,		"MNT_DETACH",		"--lazy" },
	{ MNT_EXPIRE,		"MNT_EXPIRE",		NULL },
	{ UMOUNT_NOFOLLOW,	"UMOUNT_NOFOLLOW",	NULL },
	{ 0, NULL, NULL }
};

static void bfd(struct buf *b, int fd)
{
	if (fd == AT_FDCWD)
		bprintf(b, "AT_FDCWD");
	else if (fd == EXPLAIN_DRY_FD)	/* a dry run's placeholder */
		bprintf(b, "<fd>");
	else
		bprintf(b, "%d", fd);
}

/* What @fd is open on ("/run/netns/x", "net:[4026532000]"), or "fd N". */
static const char *fd_name(int fd, char *buf, size_t len)
{
	char link[40];
	ssize_t n;

	if (fd == AT_FDCWD)
		return ".";
	if (fd == EXPLAIN_DRY_FD)	/* a dry run's placeholder */
		return "<fd>";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n < 0) {
		snprintf(buf, len, "fd %d", fd);
		return buf;
	}
	buf[n] = '\0';
	return buf;
}

/* The PID a pidfd stands for ("Pid:" in its fdinfo), or -1. */
static int pidfd_pid(int fd)
{
	char path[48], line[128];
	FILE *f;
	int pid = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %d", &pid) == 1)
			break;
	fclose(f);
	return pid;
}

/* --- the line -------------------------------------------------------- */

static void emit(const char *line)
{
	size_t len = strlen(line), off = 0;
	ssize_t n;
	int err = errno;

	while (off < len) {
		n = write(explain_fd(), line + off, len - off);
		if (n <= 0 && errno != EINTR)
			break;
		if (n > 0)
			off += (size_t) n;
	}
	errno = err;
}

static const char *priv_text(enum explain_priv p)
{
	switch (p) {
	case EXPLAIN_PRIV_MOUNT:
		return _("needs CAP_SYS_ADMIN in the user namespace owning the mount namespace");
	case EXPLAIN_PRIV_UNSHARE:
		return _("needs CAP_SYS_ADMIN, or none for a new user namespace alone");
	case EXPLAIN_PRIV_SETNS:
		return _("needs CAP_SYS_ADMIN in the user namespace owning the target namespace");
	case EXPLAIN_PRIV_NET:
		return _("needs CAP_NET_ADMIN in the user namespace owning the network namespace");
	case EXPLAIN_PRIV_IDMAP:
		return _("needs CAP_SETUID/CAP_SETGID in the parent user namespace, or a map of one's own ID only");
	case EXPLAIN_PRIV_FILE:
		return _("needs write access to the file");
	case EXPLAIN_PRIV_UTS:
		return _("needs CAP_SYS_ADMIN in the user namespace owning the UTS namespace");
	case EXPLAIN_PRIV_KILL:
		return _("needs CAP_KILL, or the same user as the process");
	case EXPLAIN_PRIV_SYSTEMD:
		return _("needs root (polkit) for the system service manager, none for one's own");
	case EXPLAIN_PRIV_NONE:
		break;
	}
	return _("needs no privilege");
}

bool explain_begin(struct explain_step *s, enum explain_priv priv, const char *fmt, ...)
{
	va_list ap;

	s->concept[0] = '\0';
	s->priv = priv;
	va_start(ap, fmt);
	vsnprintf(s->call, sizeof(s->call), fmt, ap);
	va_end(ap);
	if (explain_mode != EXPLAIN_DRY_RUN)
		return true;
	return false;	/* explain_end() prints the plan's line */
}

void explain_concept(struct explain_step *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->concept, sizeof(s->concept), fmt, ap);
	va_end(ap);
}

/*
 * Names in a line come from users and the file system (a path, a link
 * name): their control characters, C0 and C1 (UTF-8 U+0080..U+009F), would
 * reach the terminal as escape sequences (a title, a cleared screen, a
 * forged line).  Shown as \ooo instead.
 */
static void sanitize(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src && o + 5 < len; src++) {
		unsigned char c = (unsigned char) *src;

		if (c < 0x20 || c == 0x7f) {
			o += (size_t) snprintf(dst + o, len - o, "\\%03o", c);
		} else if (c == 0xc2 && (unsigned char) src[1] >= 0x80 &&
			   (unsigned char) src[1] <= 0x9f) {
			o += (size_t) snprintf(dst + o, len - o, "\\%03o", (unsigned char) src[1]);
			src++;
		} else {
			dst[o++] = (char) c;
		}
	}
	dst[o] = '\0';
}

static void print_step(const struct explain_step *s, bool done, long r, int err)
{
	char line[2048], call[sizeof(s->call)], concept[sizeof(s->concept)];
	struct buf b = { .p = line, .size = sizeof(line) };
	const bool c = explain_color;

	line[0] = '\0';
	sanitize(call, sizeof(call), s->call);
	sanitize(concept, sizeof(concept), s->concept);
	bprintf(&b, "%s \u25b8 %s%s%s", program_invocation_short_name,
		c ? C_CALL : "", call, c ? C_RESET : "");
	if (!done)
		bprintf(&b, "  %s(%s)%s", c ? C_DRY : "", priv_text(s->priv),
			c ? C_RESET : "");
	else if (r < 0 && err)
		bprintf(&b, " \u2192 %s-1 %s (%s)%s", c ? C_FAIL : "",
			strerrorname_np(err) ?: "E?", strerror(err), c ? C_RESET : "");
	else
		bprintf(&b, " \u2192 %s%ld%s", c ? C_OK : "", r, c ? C_RESET : "");
	if (concept[0])
		bprintf(&b, "  %s[%s]%s", c ? C_CONCEPT : "", concept,
			c ? C_RESET : "");
	bprintf(&b, "\n");
	if (b.len == b.size - 1)
		line[b.len - 1] = '\n';
	emit(line);
}

long explain_end(struct explain_step *s, long r, int err)
{
	print_step(s, explain_mode != EXPLAIN_DRY_RUN, r, err);
	errno = err;
	return r;
}

void explain_note(const char *fmt, ...)
{
	char line[1024], text[512], safe[512];
	struct buf b = { .p = line, .size = sizeof(line) };
	va_list ap;

	if (!explain_on())
		return;
	line[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), _(fmt), ap);
	va_end(ap);
	sanitize(safe, sizeof(safe), text);
	bprintf(&b, "%s \u25b8 %s# %s%s\n", program_invocation_short_name,
		explain_color ? C_NOTE : "", safe, explain_color ? C_RESET : "");
	if (b.len == b.size - 1)
		line[b.len - 1] = '\n';
	emit(line);
}

/*
 * The common end of the twins below: @r is the call's result (-1 and
 * errno on failure), or, in a dry run, the success to pretend.
 */
static long finish(struct explain_step *s, bool made, long r, long dry)
{
	int err = errno;

	if (!made) {
		explain_end(s, dry, 0);
		errno = 0;
		return dry;
	}
	return explain_end(s, r, r < 0 ? err : 0);
}

/* --- mounts ---------------------------------------------------------- */

static void mount_concept(struct explain_step *s, const char *src, const char *tgt,
			  const char *type, unsigned long fl, const void *data)
{
	char tmp[256];
	struct buf b = { .p = tmp, .size = sizeof(tmp) };
	const bool rec = fl & MS_REC;

	tmp[0] = '\0';
	if (fl & (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE)) {
		bprintf(&b, "mount --make-%s%s %s", rec ? "r" : "",
			fl & MS_PRIVATE ? "private" : fl & MS_SHARED ? "shared" :
			fl & MS_SLAVE ? "slave" : "unbindable", tgt);
	} else if (fl & MS_MOVE) {
		bprintf(&b, "mount --move %s %s", src ? src : "", tgt);
	} else if (fl & MS_REMOUNT) {
		bprintf(&b, "mount -o remount%s", fl & MS_BIND ? ",bind" : "");
		bopts(&b, fl, ms_flags, ",");
		bprintf(&b, " %s", tgt);
	} else if (fl & MS_BIND) {
		bprintf(&b, "mount --%s %s %s", rec ? "rbind" : "bind", src ? src : "", tgt);
	} else {
		char o[200];
		struct buf bo = { .p = o, .size = sizeof(o) };

		o[0] = '\0';
		bopts(&bo, fl, ms_flags, ",");
		if (data && *(const char *) data)
			bprintf(&bo, ",%.120s", (const char *) data);
		bprintf(&b, "mount -t %s%s%s %s %s", type ? type : "?", *o ? " -o " : "",
			*o ? o + 1 : "", src ? src : "none", tgt);
	}
	explain_concept(s, "%s", tmp);
}

int explain_mount(const char *src, const char *tgt, const char *type,
		  unsigned long fl, const void *data)
{
	struct explain_step s;
	char call[1024], name[256];
	const char *tgt_name = NULL;
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "mount(");
	bquote(&b, src);
	bprintf(&b, ", ");
	bquote(&b, tgt);
	bprintf(&b, ", ");
	bquote(&b, type);
	bprintf(&b, ", ");
	bflags(&b, fl, ms_flags);
	bprintf(&b, ", ");
	/* the data is a string for the file systems we mount */
	if (data && !(fl & (MS_BIND | MS_MOVE | MS_PRIVATE | MS_SHARED | MS_SLAVE)))
		bquote(&b, data);
	else
		bprintf(&b, data ? "%p" : "NULL", data);
	bprintf(&b, ")");
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "%s", call);
	/* "/proc/self/fd/N": the tools mount through descriptors; name the place */
	if (tgt && startswith(tgt, "/proc/self/fd/"))
		tgt_name = fd_name(atoi(tgt + 14), name, sizeof(name));
	mount_concept(&s, src, tgt_name ? tgt_name : tgt ? tgt : "", type, fl, data);
	if (made)
		r = mount(src, tgt, type, fl, data);
	return (int) finish(&s, made, r, 0);
}

int explain_umount2(const char *tgt, int fl)
{
	struct explain_step s;
	char f[128], o[64];
	struct buf bf = { .p = f, .size = sizeof(f) }, bo = { .p = o, .size = sizeof(o) };
	bool made;
	long r = 0;

	f[0] = o[0] = '\0';
	bflags(&bf, (unsigned int) fl, umount_flags);
	bopts(&bo, (unsigned int) fl, umount_flags, " ");
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "umount2(\"%s\", %s)", tgt, f);
	explain_concept(&s, "umount%s %s", o, tgt);
	if (made)
		r = umount2(tgt, fl);
	return (int) finish(&s, made, r, 0);
}

int explain_pivot_root(const char *new_root, const char *put_old)
{
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "pivot_root(\"%s\", \"%s\")",
			     new_root, put_old);
	explain_concept(&s, "%s", _("pivot_root: the new root becomes /, the old one is stacked on it until detached"));
	if (made)
		r = sys_pivot_root(new_root, put_old);
	return (int) finish(&s, made, r, 0);
}

int explain_open_tree(int dfd, const char *path, unsigned int fl)
{
	struct explain_step s;
	char call[512], name[256];
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "open_tree(");
	bfd(&b, dfd);
	bprintf(&b, ", ");
	bquote(&b, path);
	bprintf(&b, ", ");
	bflags(&b, fl, at_flags);
	bprintf(&b, ")");
	made = explain_begin(&s, fl & OPEN_TREE_CLONE ? EXPLAIN_PRIV_MOUNT : EXPLAIN_PRIV_NONE,
			     "%s", call);
	if (fl & OPEN_TREE_CLONE)
		explain_concept(&s, _("mount --%s %s, not attached yet"),
				fl & 0x8000 ? "rbind" : "bind",
				path && *path ? path : fd_name(dfd, name, sizeof(name)));
	if (made)
		r = sys_open_tree(dfd, path, fl);
	return (int) finish(&s, made, r, EXPLAIN_DRY_FD);
}

int explain_move_mount(int from_dfd, const char *from, int to_dfd,
		       const char *to, unsigned int fl)
{
	struct explain_step s;
	char call[1024], name[256];
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "move_mount(");
	bfd(&b, from_dfd);
	bprintf(&b, ", ");
	bquote(&b, from);
	bprintf(&b, ", ");
	bfd(&b, to_dfd);
	bprintf(&b, ", ");
	bquote(&b, to);
	bprintf(&b, ", ");
	bflags(&b, fl, move_flags);
	bprintf(&b, ")");
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "%s", call);
	explain_concept(&s, _("attach the mount at %s"),
			to && *to ? to : fd_name(to_dfd, name, sizeof(name)));
	if (made)
		r = sys_move_mount(from_dfd, from, to_dfd, to, fl);
	return (int) finish(&s, made, r, 0);
}

int explain_mount_setattr(int dfd, const char *path, unsigned int fl,
			  void *attr, size_t size)
{
	struct cu_mount_attr *a = attr;
	struct explain_step s;
	char call[1024], opts[256];
	struct buf b = { .p = call, .size = sizeof(call) }, bo = { .p = opts, .size = sizeof(opts) };
	bool made;
	long r = 0;

	call[0] = opts[0] = '\0';
	bprintf(&b, "mount_setattr(");
	bfd(&b, dfd);
	bprintf(&b, ", ");
	bquote(&b, path);
	bprintf(&b, ", ");
	bflags(&b, fl, at_flags);
	bprintf(&b, ", {attr_set=");
	bflags(&b, a->attr_set, mount_attrs);
	if (a->attr_clr) {
		bprintf(&b, ", attr_clr=");
		bflags(&b, a->attr_clr, mount_attrs);
	}
	if (a->propagation) {
		bprintf(&b, ", propagation=");
		bflags(&b, a->propagation, ms_flags);
	}
	bprintf(&b, "}, %zu)", size);
	bopts(&bo, a->attr_set, mount_attrs, ",");
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "%s", call);
	if (path && *path)
		explain_concept(&s, "mount -o remount,bind%s %s", opts, path);
	else	/* a detached copy from open_tree() has no place yet */
		explain_concept(&s, "mount -o remount,bind%s", opts);
	if (made)
		r = sys_mount_setattr(dfd, path, fl, a, size);
	return (int) finish(&s, made, r, 0);
}

int explain_fsopen(const char *fsname, unsigned int fl)
{
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "fsopen(\"%s\", %s)", fsname,
			     fl & FSOPEN_CLOEXEC ? "FSOPEN_CLOEXEC" : "0");
	explain_concept(&s, _("a new %s file system, not configured yet"), fsname);
	if (made)
		r = sys_fsopen(fsname, fl);
	return (int) finish(&s, made, r, EXPLAIN_DRY_FD);
}

int explain_fsconfig(int fd, unsigned int cmd, const char *key,
		     const void *value, int aux)
{
	static const char *const cmds[] = {
		"FSCONFIG_SET_FLAG", "FSCONFIG_SET_STRING", "FSCONFIG_SET_BINARY",
		"FSCONFIG_SET_PATH", "FSCONFIG_SET_PATH_EMPTY", "FSCONFIG_SET_FD",
		"FSCONFIG_CMD_CREATE", "FSCONFIG_CMD_RECONFIGURE",
		"FSCONFIG_CMD_CREATE_EXCL",
	};
	struct explain_step s;
	char call[1024], name[256];
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "fsconfig(");
	bfd(&b, fd);
	bprintf(&b, ", ");
	if (cmd < ARRAY_SIZE(cmds))
		bprintf(&b, "%s, ", cmds[cmd]);
	else
		bprintf(&b, "%u, ", cmd);
	bquote(&b, key);
	bprintf(&b, ", ");
	if (cmd == FSCONFIG_SET_STRING || cmd == FSCONFIG_SET_PATH)
		bquote(&b, value);
	else
		bprintf(&b, value ? "%p" : "NULL", value);
	bprintf(&b, ", %d)", aux);
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "%s", call);
	if (cmd == FSCONFIG_SET_STRING && key && value)
		explain_concept(&s, "mount -o %s=%.160s", key, (const char *) value);
	else if (cmd == FSCONFIG_SET_FD && key)
		explain_concept(&s, "mount -o %s=%s", key, fd_name(aux, name, sizeof(name)));
	else if (cmd == FSCONFIG_SET_FLAG && key)
		explain_concept(&s, "mount -o %s", key);
	else if (cmd == FSCONFIG_CMD_CREATE || cmd == 8)
		explain_concept(&s, "%s", _("the kernel reads the options and makes the file system"));
	if (made)
		r = sys_fsconfig(fd, cmd, key, value, aux);
	return (int) finish(&s, made, r, 0);
}

int explain_fsmount(int fd, unsigned int fl, unsigned int attr_flags)
{
	struct explain_step s;
	char call[512];
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "fsmount(");
	bfd(&b, fd);
	bprintf(&b, ", %s, ", fl & FSMOUNT_CLOEXEC ? "FSMOUNT_CLOEXEC" : "0");
	bflags(&b, attr_flags, mount_attrs);
	bprintf(&b, ")");
	made = explain_begin(&s, EXPLAIN_PRIV_MOUNT, "%s", call);
	explain_concept(&s, "%s", _("a mount of the new file system, not attached yet"));
	if (made)
		r = sys_fsmount(fd, fl, attr_flags);
	return (int) finish(&s, made, r, EXPLAIN_DRY_FD);
}

/* --- namespaces ------------------------------------------------------ */

int explain_unshare(int fl)
{
	struct explain_step s;
	char f[256], o[128];
	struct buf bf = { .p = f, .size = sizeof(f) }, bo = { .p = o, .size = sizeof(o) };
	bool made;
	long r = 0;

	f[0] = o[0] = '\0';
	bclone(&bf, &bo, (unsigned int) fl);
	made = explain_begin(&s, (fl & ~CLONE_NEWUSER) ? EXPLAIN_PRIV_UNSHARE : EXPLAIN_PRIV_NONE,
			     "unshare(%s)", f);
	explain_concept(&s, "unshare%s", o);
	if (made)
		r = unshare(fl);
	return (int) finish(&s, made, r, 0);
}

int explain_setns(int fd, int nstype)
{
	struct explain_step s;
	char f[256], o[128], name[256];
	struct buf bf = { .p = f, .size = sizeof(f) }, bo = { .p = o, .size = sizeof(o) };
	bool made;
	long r = 0;

	f[0] = o[0] = '\0';
	bclone(&bf, &bo, (unsigned int) nstype);
	fd_name(fd, name, sizeof(name));
	if (fd == EXPLAIN_DRY_FD)
		snprintf(name, sizeof(name), "<fd>");
	if (fd == EXPLAIN_DRY_FD)	/* a dry run's: opened by an earlier step */
		made = explain_begin(&s, EXPLAIN_PRIV_SETNS, "setns(<fd>, %s)", f);
	else
		made = explain_begin(&s, EXPLAIN_PRIV_SETNS, "setns(%d, %s)", fd, f);
	if (startswith(name, "anon_inode:"))	/* a pidfd: several at once */
		explain_concept(&s, "nsenter --target %d%s", pidfd_pid(fd), o);
	else
		explain_concept(&s, "nsenter%s=%s", o, name);
	if (made)
		r = setns(fd, nstype);
	return (int) finish(&s, made, r, 0);
}

void explain_clone3_done(unsigned long long fl, long r, int err)
{
	struct explain_step s;
	char f[512], o[128];
	struct buf bf = { .p = f, .size = sizeof(f) }, bo = { .p = o, .size = sizeof(o) };

	/* r == 0: the child (a dry run makes none: its plan shows the call) */
	if (!explain_on() || (r == 0 && !explain_dry_run()))
		return;
	f[0] = o[0] = '\0';
	bclone(&bf, &bo, fl);
	(void) explain_begin(&s, (fl & (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS |
				       CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWTIME))
			     ? EXPLAIN_PRIV_UNSHARE : EXPLAIN_PRIV_NONE, "clone3(%s)", f);
	if (*o)
		explain_concept(&s, "unshare --fork%s", o);
	else if (fl & CLONE_INTO_CGROUP)
		explain_concept(&s, "%s", _("a new process, born in the cgroup"));
	else
		explain_concept(&s, "%s", _("a new process"));
	explain_end(&s, r, r < 0 ? err : 0);
}

/*
 * Steps without a twin of their own, of every tool: the one place that
 * sets one up after its call was formatted, and in a dry run prints it as
 * planned (false: the caller does not make it).
 */
static bool step_plan(struct explain_step *s, enum explain_priv priv, const char *concept)
{
	s->priv = priv;
	snprintf(s->concept, sizeof(s->concept), "%s", concept ? concept : "");
	if (explain_dry_run()) {
		explain_end(s, 0, 0);
		return false;
	}
	return true;
}

bool explain_step_begin_(struct explain_step *s, enum explain_priv priv,
			 const char *concept, const char *fmt, ...)
{
	va_list ap;

	if (!explain_on())
		return true;
	va_start(ap, fmt);
	vsnprintf(s->call, sizeof(s->call), fmt, ap);
	va_end(ap);
	return step_plan(s, priv, concept);
}

long explain_step_end_(struct explain_step *s, long r)
{
	int err = errno;

	if (!explain_on() || explain_dry_run())
		return r;
	return explain_end(s, r, r < 0 ? err : 0);
}

pid_t explain_clone3(void *args, size_t size)
{
	struct cu_clone_args *a = args;
	pid_t r;

	if (explain_dry_run()) {
		explain_clone3_done(a->flags, 0, 0);
		errno = ENOSYS;	/* a plan makes no process */
		return -1;
	}
	r = sys_clone3(a, size);
	explain_clone3_done(a->flags, r, errno);
	return r;
}

int explain_sethostname(const char *name, size_t len)
{
	struct explain_step s;
	char call[256];
	struct buf b = { .p = call, .size = sizeof(call) };
	bool made;
	long r = 0;

	call[0] = '\0';
	bprintf(&b, "sethostname(");
	bquote(&b, name);
	bprintf(&b, ", %zu)", len);
	made = explain_begin(&s, EXPLAIN_PRIV_UTS, "%s", call);
	explain_concept(&s, "hostname %.64s", name);
	if (made)
		r = sethostname(name, len);
	return (int) finish(&s, made, r, 0);
}

/* --- files: cgroups, ID maps ------------------------------------------ */

int explain_mkdir(const char *path, mode_t mode)
{
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_FILE, "mkdir(\"%s\", %#o)", path, (unsigned int) mode);
	if (startswith(path, "/sys/fs/cgroup"))
		explain_concept(&s, "%s", _("a new cgroup: the kernel fills the directory with its control files"));
	if (made)
		r = mkdir(path, mode);
	return (int) finish(&s, made, r, 0);
}

int explain_rmdir(const char *path)
{
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_FILE, "rmdir(\"%s\")", path);
	if (startswith(path, "/sys/fs/cgroup"))
		explain_concept(&s, "%s", _("remove the cgroup (it must have no process left)"));
	if (made)
		r = rmdir(path);
	return (int) finish(&s, made, r, 0);
}

/* "0.5", "20" of @num / @den with at most one decimal. */
static void ratio(char *buf, size_t len, unsigned long long num, unsigned long long den)
{
	unsigned long long tenths = den ? (num * 10 + den / 2) / den : 0;

	if (tenths % 10)
		snprintf(buf, len, "%llu.%llu", tenths / 10, tenths % 10);
	else
		snprintf(buf, len, "%llu", tenths / 10);
}

static void size_text(char *buf, size_t len, unsigned long long v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (v >= 1024 && v % 1024 == 0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", v, units[u]);
}

/* cgroup v1: the period beside the quota file @path (its name at @f), or 0. */
static unsigned long long cfs_period(const char *path, const char *f)
{
	char p[PATH_MAX], buf[32];
	unsigned long long v = 0;
	ssize_t n;
	int fd;

	if (snprintf(p, sizeof(p), "%.*scpu.cfs_period_us", (int) (f - path), path) >= (int) sizeof(p))
		return 0;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%llu", &v) == 1 ? v : 0;
}

/* The concept of writing @value to the control file @path. */
static void write_concept(struct explain_step *s, const char *path, const char *value)
{
	const char *f = strrchr(path, '/');
	unsigned long long a, b;
	char x[32], y[32], z[32];

	f = f ? f + 1 : path;
	if (streq(f, "cpu.max")) {
		if (sscanf(value, "%llu %llu", &a, &b) == 2 && b) {
			ratio(x, sizeof(x), a * 100, b);
			ratio(y, sizeof(y), a, 1000);
			ratio(z, sizeof(z), b, 1000);
			explain_concept(s, _("cpu %s %%: %s ms of every %s ms"), x, y, z);
		} else if (startswith(value, "max"))
			explain_concept(s, "%s", _("cpu: no limit"));
	} else if (streq(f, "cpu.cfs_quota_us")) {
		if (sscanf(value, "%llu", &a) == 1 && (b = cfs_period(path, f)) > 0) {
			ratio(x, sizeof(x), a * 100, b);
			ratio(y, sizeof(y), a, 1000);
			ratio(z, sizeof(z), b, 1000);
			explain_concept(s, _("cpu %s %%: %s ms of every %s ms"), x, y, z);
		} else if (sscanf(value, "%llu", &a) == 1) {
			ratio(y, sizeof(y), a, 1000);
			explain_concept(s, _("cpu: %s ms of every period (cpu.cfs_period_us, 100 ms by default)"), y);
		} else
			explain_concept(s, "%s", _("cpu: no limit"));
	} else if (streq(f, "cpu.cfs_period_us") && sscanf(value, "%llu", &a) == 1) {
		ratio(y, sizeof(y), a, 1000);
		explain_concept(s, _("cpu: the period is %s ms"), y);
	} else if (streq(f, "cpu.weight") || streq(f, "cpu.shares")) {
		explain_concept(s, _("cpu share: weight %.20s against the siblings"), value);
	} else if (streq(f, "memory.max") || streq(f, "memory.limit_in_bytes") ||
		   streq(f, "memory.high") || streq(f, "memory.swap.max")) {
		if (sscanf(value, "%llu", &a) == 1) {
			size_text(x, sizeof(x), a);
			explain_concept(s, _("memory limit %s"), x);
		} else
			explain_concept(s, "%s", _("memory: no limit"));
	} else if (streq(f, "pids.max")) {
		if (sscanf(value, "%llu", &a) == 1)
			explain_concept(s, _("at most %llu processes"), a);
		else
			explain_concept(s, "%s", _("processes: no limit"));
	} else if (streq(f, "cgroup.procs") || streq(f, "tasks")) {
		if (streq(value, "0"))
			explain_concept(s, "%s", _("move this process into the cgroup"));
		else
			explain_concept(s, _("move process %.20s into the cgroup"), value);
	} else if (streq(f, "cgroup.subtree_control")) {
		explain_concept(s, _("controllers for the children: %.100s"), value);
	} else if (streq(f, "cgroup.freeze") || streq(f, "freezer.state")) {
		explain_concept(s, "%s", streq(value, "1") || streq(value, "FROZEN")
				? _("freeze the processes") : _("thaw the processes"));
	} else if (streq(f, "cpuset.cpus") || streq(f, "cpuset.mems")) {
		explain_concept(s, f[7] == 'c' ? _("the processes may run on CPUs %.60s")
					       : _("the processes may use memory nodes %.60s"), value);
	} else if (streq(f, "cgroup.kill")) {
		explain_concept(s, "%s", _("kill every process in the cgroup"));
	} else if (streq(f, "uid_map") || streq(f, "gid_map")) {
		if (sscanf(value, "%llu %llu %31s", &a, &b, z) == 3)
			explain_concept(s, _("%1$s %2$llu inside is %1$s %3$llu outside, %4$s IDs (newuidmap)"),
					f[0] == 'u' ? "uid" : "gid", a, b, z);
	} else if (streq(f, "setgroups")) {
		explain_concept(s, _("setgroups(2) %.10s in the user namespace (before an unprivileged gid_map)"),
				value);
	}
}

ssize_t explain_write_path(int fd, const void *buf, size_t len, const char *path)
{
	struct explain_step s;
	char call[1024], value[256];
	struct buf b = { .p = call, .size = sizeof(call) };
	size_t n = len < sizeof(value) - 1 ? len : sizeof(value) - 1;
	bool made;
	long r = (long) len;

	memcpy(value, buf, n);
	value[n] = '\0';
	call[0] = '\0';
	bprintf(&b, "write %s \u2190 ", path);
	bquote(&b, value);
	made = explain_begin(&s, startswith(path, "/proc/") && strstr(path, "id_map")
			     ? EXPLAIN_PRIV_IDMAP : EXPLAIN_PRIV_FILE, "%s", call);
	while (n > 0 && value[n - 1] == '\n')
		value[--n] = '\0';
	write_concept(&s, path, value);
	if (made)
		r = write(fd, buf, len);
	return (ssize_t) finish(&s, made, r, (long) len);
}

/* drycg (issue 19): cgset's signals and the end of its chain. */

int explain_kill(pid_t pid, int sig)
{
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_KILL, "kill(%d, SIG%s)", (int) pid,
			     sigabbrev_np(sig) ?: "?");
	explain_concept(&s, "kill -%s %d", sigabbrev_np(sig) ?: "?", (int) pid);
	if (made)
		r = kill(pid, sig);
	return (int) finish(&s, made, r, 0);
}

/* --- confinement ----------------------------------------------------- */

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* dryns: capabilities a dry run's plan has dropped from the bounding set */
static uint64_t dry_bset_dropped;

bool explain_capbset_planned(unsigned int cap)
{
	return cap < 64 && ((dry_bset_dropped >> cap) & 1);
}

int explain_capbset_drop(unsigned int cap)
{
	struct explain_step s;
	char name[32], lower[32];
	size_t i;
	bool made;
	long r = 0;

	if (cap < ARRAY_SIZE(cap_names))
		snprintf(name, sizeof(name), "%s", cap_names[cap]);
	else
		snprintf(name, sizeof(name), "%u", cap);
	for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char) (name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	made = explain_begin(&s, EXPLAIN_PRIV_NONE, "prctl(PR_CAPBSET_DROP, %s)", name);
	explain_concept(&s, "capsh --drop=%s", lower);
	if (made)
		r = prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	else if (cap < 64)	/* dryns: what the plan has dropped so far */
		dry_bset_dropped |= (uint64_t) 1 << cap;
	return (int) finish(&s, made, r, 0);
}

int explain_capset(void *hdr, void *data)
{
	const struct __user_cap_header_struct *h = hdr;
	const struct __user_cap_data_struct *d = data;
	unsigned long long eff = d[0].effective | (unsigned long long) d[1].effective << 32;
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_NONE, "capset({version=%s, pid=%d}, {\u2026})",
			     h->version == _LINUX_CAPABILITY_VERSION_3 ? "_LINUX_CAPABILITY_VERSION_3" : "?",
			     h->pid);
	explain_concept(&s, _("%d capabilities kept, the others gone for good"),
			__builtin_popcountll(eff));
	if (made)
		r = syscall(SYS_capset, hdr, data);
	return (int) finish(&s, made, r, 0);
}

int explain_seccomp_filter(void *prog)
{
	const struct sock_fprog *p = prog;
	struct explain_step s;
	bool made;
	long r = 0;

	made = explain_begin(&s, EXPLAIN_PRIV_NONE, "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=%u})",
			     (unsigned int) p->len);
	explain_concept(&s, _("a system call filter of %u BPF instructions, run at every system call (Docker's seccomp profile)"),
			(unsigned int) p->len);
	if (made)
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
	return (int) finish(&s, made, r, 0);
}

/* --- netlink --------------------------------------------------------- */

static const char *rtm_name(unsigned int type)
{
	switch (type) {
	case RTM_NEWLINK:	return "RTM_NEWLINK";
	case RTM_DELLINK:	return "RTM_DELLINK";
	case RTM_SETLINK:	return "RTM_SETLINK";
	case RTM_NEWADDR:	return "RTM_NEWADDR";
	case RTM_DELADDR:	return "RTM_DELADDR";
	case RTM_NEWROUTE:	return "RTM_NEWROUTE";
	case RTM_DELROUTE:	return "RTM_DELROUTE";
	case RTM_NEWNSID:	return "RTM_NEWNSID";
	default:		return NULL;
	}
}

struct linkinfo {
	const char *name, *kind, *peer;
	int master, nsfd, nspid, index, peer_nsfd, peer_nspid;
	bool has_peer_ns;
	bool has_master, has_ns;
};

static void parse_link_attrs(const struct rtattr *rta, int len, struct linkinfo *li, bool peer);

static void parse_linkinfo(const struct rtattr *rta, int len, struct linkinfo *li)
{
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if ((rta->rta_type & NLA_TYPE_MASK) == IFLA_INFO_KIND)
			li->kind = RTA_DATA(rta);
		else if ((rta->rta_type & NLA_TYPE_MASK) == IFLA_INFO_DATA && li->kind && streq(li->kind, "veth")) {
			const struct rtattr *d = RTA_DATA(rta);
			int dl = (int) RTA_PAYLOAD(rta);

			for (; RTA_OK(d, dl); d = RTA_NEXT(d, dl))
				if ((d->rta_type & NLA_TYPE_MASK) == VETH_INFO_PEER &&
				    RTA_PAYLOAD(d) >= sizeof(struct ifinfomsg))
					parse_link_attrs((const struct rtattr *)
							 ((const char *) RTA_DATA(d) + sizeof(struct ifinfomsg)),
							 (int) (RTA_PAYLOAD(d) - sizeof(struct ifinfomsg)),
							 li, true);
		}
	}
}

static void parse_link_attrs(const struct rtattr *rta, int len, struct linkinfo *li, bool peer)
{
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		switch (rta->rta_type & NLA_TYPE_MASK) {
		case IFLA_IFNAME:
			*(peer ? &li->peer : &li->name) = RTA_DATA(rta);
			break;
		case IFLA_MASTER:
			li->master = *(const int *) RTA_DATA(rta);
			li->has_master = true;
			break;
		case IFLA_NET_NS_FD:
			if (peer) {
				li->peer_nsfd = *(const int *) RTA_DATA(rta);
				li->has_peer_ns = true;
			} else {
				li->nsfd = *(const int *) RTA_DATA(rta);
				li->has_ns = true;
			}
			break;
		case IFLA_NET_NS_PID:
			if (peer) {
				li->peer_nspid = *(const int *) RTA_DATA(rta);
				li->has_peer_ns = true;
			} else {
				li->nspid = *(const int *) RTA_DATA(rta);
				li->has_ns = true;
			}
			break;
		case IFLA_LINKINFO:
			if (!peer)
				parse_linkinfo(RTA_DATA(rta), (int) RTA_PAYLOAD(rta), li);
			break;
		default:
			break;
		}
	}
}

static void addr_text(int family, const void *data, unsigned int plen, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, data, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, plen);
}

/* Interface names by index, learnt per netlink socket (a small ring). */
static struct {
	const void *sock;
	int index;
	char name[IF_NAMESIZE];
} ifnames[16];
static unsigned int ifnames_next;

void explain_ifname(const struct netlink_sock *sock, int index, const char *name)
{
	size_t i;

	if (!explain_on() || !sock)
		return;
	if (!name) {	/* the socket is closed */
		for (i = 0; i < ARRAY_SIZE(ifnames); i++)
			if (ifnames[i].sock == sock)
				ifnames[i].sock = NULL;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(ifnames); i++)
		if (ifnames[i].sock == sock && ifnames[i].index == index)
			break;
	if (i == ARRAY_SIZE(ifnames))
		i = ifnames_next++ % ARRAY_SIZE(ifnames);
	ifnames[i].sock = sock;
	ifnames[i].index = index;
	snprintf(ifnames[i].name, sizeof(ifnames[i].name), "%s", name);
}

/* "#4 (eth0)" in the call when the name is known, "eth0" in the concept. */
static void ifname_of(const void *sock, int index, char *call, char *concept, size_t len)
{
	size_t i;

	for (i = 0; sock && i < ARRAY_SIZE(ifnames); i++)
		if (ifnames[i].sock == sock && ifnames[i].index == index) {
			if (index >= EXPLAIN_DRY_IFINDEX)
				snprintf(call, len, "#<ifindex> (%s)", ifnames[i].name);
			else
				snprintf(call, len, "#%d (%s)", index, ifnames[i].name);
			snprintf(concept, len, "%s", ifnames[i].name);
			return;
		}
	snprintf(call, len, "#%d", index);
	snprintf(concept, len, "#%d", index);
	if (index >= EXPLAIN_DRY_IFINDEX)	/* a link the plan makes: no index yet */
		snprintf(call, len, "#<ifindex>"), snprintf(concept, len, "<ifindex>");
}

void explain_netlink(const void *msg, int r)
{
	explain_netlink_sock(msg, r, NULL);
}

void explain_netlink_sock(const void *msg, int r, const void *sock)
{
	const struct nlmsghdr *nlh = msg;
	const char *type = rtm_name(nlh->nlmsg_type);
	struct explain_step s;
	char call[1024], concept[256], ifn[32], idx[32], mname[32], midx[32], a[80] = "";
	struct buf b = { .p = call, .size = sizeof(call) };
	struct buf c = { .p = concept, .size = sizeof(concept) };

	if (!explain_on() || !type || (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		return;
	call[0] = concept[0] = '\0';
	bprintf(&b, "%s", type);
	if (nlh->nlmsg_flags & NLM_F_CREATE)
		bprintf(&b, "(NLM_F_CREATE%s)", nlh->nlmsg_flags & NLM_F_EXCL ? "|NLM_F_EXCL" : "");
	if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK ||
	    nlh->nlmsg_type == RTM_SETLINK) {
		const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
		struct linkinfo li = { 0 };
		const char *dev;

		parse_link_attrs(IFLA_RTA(ifi), (int) IFLA_PAYLOAD(nlh), &li, false);
		/* the link may be in another netns than ours: names the socket learnt */
		ifname_of(sock, ifi->ifi_index, idx, ifn, sizeof(idx));
		dev = li.name ? li.name : ifn;
		if (li.name)
			bprintf(&b, " \"%s\"", li.name);
		else
			bprintf(&b, " %s", idx);
		if (li.kind)
			bprintf(&b, " %s", li.kind);
		if (li.peer)
			bprintf(&b, " \u21c4 \"%s\"", li.peer);
		if (li.peer && li.has_peer_ns && li.peer_nsfd)
			bprintf(&b, _(" in netns fd %d"), li.peer_nsfd);
		else if (li.peer && li.has_peer_ns)
			bprintf(&b, _(" in netns of PID %d"), li.peer_nspid);
		if (li.has_ns && li.nsfd)
			bprintf(&b, _(" in netns fd %d"), li.nsfd);
		else if (li.has_ns)
			bprintf(&b, _(" in netns of PID %d"), li.nspid);
		if (li.has_master) {
			ifname_of(sock, li.master, midx, mname, sizeof(midx));
			bprintf(&b, " master %s", midx);
		}
		if (ifi->ifi_change & IFF_UP)
			bprintf(&b, " %s", ifi->ifi_flags & IFF_UP ? "IFF_UP" : "~IFF_UP");
		if (nlh->nlmsg_type == RTM_DELLINK)
			bprintf(&c, "ip link del %s", dev);
		else if (li.kind && li.peer)
			bprintf(&c, "ip link add %s type %s peer name %s%s", dev, li.kind, li.peer,
				li.has_peer_ns ? " netns …" : "");
		else if (li.kind)
			bprintf(&c, "ip link add %s type %s", dev, li.kind);
		else if (li.has_master && li.master)
			bprintf(&c, "ip link set %s master %s", dev, mname);
		else if (li.has_master)
			bprintf(&c, "ip link set %s nomaster", dev);
		else if (li.has_ns)
			bprintf(&c, "ip link set %s netns …", dev);
		else if (ifi->ifi_change & IFF_UP)
			bprintf(&c, "ip link set %s %s", dev, ifi->ifi_flags & IFF_UP ? "up" : "down");
	} else if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
		const struct rtattr *rta = IFA_RTA(ifa);
		int len = (int) IFA_PAYLOAD(nlh);

		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == IFA_LOCAL || (rta->rta_type == IFA_ADDRESS && !*a))
				addr_text(ifa->ifa_family, RTA_DATA(rta), ifa->ifa_prefixlen, a, sizeof(a));
		ifname_of(sock, (int) ifa->ifa_index, idx, ifn, sizeof(idx));
		bprintf(&b, " %s dev %s", a, idx);
		bprintf(&c, "ip addr %s %s dev %s",
			nlh->nlmsg_type == RTM_NEWADDR ? "add" : "del", a, ifn);
	} else if (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) {
		const struct rtmsg *rtm = NLMSG_DATA(nlh);
		const struct rtattr *rta = RTM_RTA(rtm);
		int len = (int) RTM_PAYLOAD(nlh);
		char gw[80] = "";

		snprintf(a, sizeof(a), "default");
		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == RTA_DST)
				addr_text(rtm->rtm_family, RTA_DATA(rta), rtm->rtm_dst_len, a, sizeof(a));
			else if (rta->rta_type == RTA_GATEWAY &&
				 inet_ntop(rtm->rtm_family, RTA_DATA(rta), gw, sizeof(gw)) == NULL)
				gw[0] = '\0';
		bprintf(&b, " %s%s%s", a, *gw ? " via " : "", gw);
		bprintf(&c, "ip route %s %s%s%s",
			nlh->nlmsg_type == RTM_NEWROUTE ? "add" : "del", a, *gw ? " via " : "", gw);
	} else if (nlh->nlmsg_type == RTM_NEWNSID) {
		const struct rtattr *rta = (const struct rtattr *)
			((const char *) NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
		int len = (int) (nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtgenmsg))));
		int nsid = -1, fd = -1;

		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if ((rta->rta_type & NLA_TYPE_MASK) == NETNSA_NSID)
				nsid = *(const int *) RTA_DATA(rta);
			else if ((rta->rta_type & NLA_TYPE_MASK) == NETNSA_FD)
				fd = *(const int *) RTA_DATA(rta);
		if (nsid < 0) {	/* the kernel picks one */
			bprintf(&b, " nsid auto fd %d", fd);
			bprintf(&c, "ip netns set \u2026 auto");
		} else {
			bprintf(&b, " nsid %d fd %d", nsid, fd);
			bprintf(&c, "ip netns set \u2026 %d", nsid);
		}
	}
	(void) explain_begin(&s, EXPLAIN_PRIV_NET, "%s", call);
	if (*concept)
		explain_concept(&s, "%s", concept);
	explain_end(&s, r < 0 ? -1 : 0, r < 0 ? -r : 0);
}

void explain_nft(const char *cmd, int r)
{
	struct explain_step s;
	char call[1024];
	struct buf b = { .p = call, .size = sizeof(call) };

	if (!explain_on())
		return;
	call[0] = '\0';
	bprintf(&b, "nft_run_cmd_from_buffer(");
	bquote(&b, cmd);
	bprintf(&b, ")");
	(void) explain_begin(&s, EXPLAIN_PRIV_NET, "%s", call);
	explain_concept(&s, "nft -f - (%s)", _("netfilter rules through NFNETLINK"));
	explain_end(&s, r, 0);	/* the library's own result: no errno */
}

/* --- dry run of netns and vethctl (drynet) --------------------------- */

/* A step a dry run plans and a real run makes quietly: step_plan's first half. */
void explain_dry_step(enum explain_priv priv, const char *concept, const char *fmt, ...)
{
	struct explain_step s;
	va_list ap;

	if (!explain_dry_run())
		return;
	va_start(ap, fmt);
	vsnprintf(s.call, sizeof(s.call), fmt, ap);
	va_end(ap);
	(void) step_plan(&s, priv, concept);	/* false: planned and printed */
}

void explain_dry_execve(char *const argv[])
{
	char call[1024];
	struct buf b = { .p = call, .size = sizeof(call) };
	size_t i;

	if (!explain_dry_run())
		return;
	call[0] = '\0';
	bprintf(&b, "execve(");
	bquote(&b, argv && argv[0] ? argv[0] : "$SHELL");	/* no command: the shell */
	bprintf(&b, ", [");
	for (i = 0; argv && i < 16 && argv[i]; i++) {
		bprintf(&b, "%s", i ? ", " : "");
		bquote(&b, argv[i]);
	}
	bprintf(&b, "%s])", argv && i == 16 && argv[i] ? ", ..." : "");
	explain_dry_step(EXPLAIN_PRIV_NONE, _("the program replaces this one (not run in a dry run)"),
			 "%s", call);
}
