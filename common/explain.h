// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain.h - teaching mode: narrate each kernel operation on stderr
 *
 * One line per operation, as it is made:
 *
 *   nsrun ▸ clone3(CLONE_NEWPID|CLONE_NEWNS) → 4242  [unshare --fork --pid --mount]
 *
 * the call with its important arguments in readable form, its result, and
 * in brackets the classic command or the concept it stands for.  Turned on
 * by CU_EXPLAIN=1 in the environment (a whole script is narrated) or by a
 * tool's --explain (explain_enable()).
 *
 * Cost when off: every instrumented call site goes through an ex_*() macro
 * that tests one global and calls the plain function; only when the mode
 * is on does it call the explain_*() twin, which makes the call and
 * narrates it.
 *
 * Dry run (--dry-run): the plan goes to stdout, one line per step with the
 * privilege it needs.  A step is described BEFORE it is made.  explain_begin() records
 * the call and the privilege it needs and returns whether the caller must
 * perform it: in EXPLAIN_DRY_RUN it prints the line with the privilege and
 * returns false; the ex_*() wrappers then report success without acting
 * (0, or for a call that returns a file descriptor, EXPLAIN_DRY_FD), so a
 * plan can walk on.  A tool's --dry-run must still avoid steps that need
 * the result of an earlier one (a PID, a read): see explain_dry_run().
 */
#ifndef CU_EXPLAIN_H
#define CU_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "c.h"

enum explain_mode {
	EXPLAIN_OFF = 0,
	EXPLAIN_ON,		/* narrate each call with its result */
	EXPLAIN_DRY_RUN,	/* narrate the plan with privileges, do nothing */
};

extern int explain_mode;

#ifdef CU_NO_EXPLAIN	/* configure --disable-explain: every test is compiled out */
# define explain_on()		0
# define explain_dry_run()	0
#else
# define explain_on()		__builtin_expect(explain_mode != EXPLAIN_OFF, 0)
# define explain_dry_run()	__builtin_expect(explain_mode == EXPLAIN_DRY_RUN, 0)
#endif

/* What a skipped call returns in place of a new file descriptor. */
#define EXPLAIN_DRY_FD		(-2)

/*
 * The getopt value of every tool's --explain (a long option only): above
 * the tools' own OPT_* values, which start at CHAR_MAX + 1.
 */
#define OPT_EXPLAIN		0x4558
/* The getopt value of every tool's --dry-run (a long option only). */
#define OPT_DRY_RUN		0x4559

/* --explain: narrate from now on. */
void explain_enable(void);
/* --dry-run: print the plan with privileges, perform nothing. */
void explain_enable_dry_run(void);

/* The privileges a step needs (printed in a dry run). */
enum explain_priv {
	EXPLAIN_PRIV_NONE = 0,
	EXPLAIN_PRIV_MOUNT,	/* CAP_SYS_ADMIN over the mount namespace */
	EXPLAIN_PRIV_UNSHARE,	/* CAP_SYS_ADMIN, unless only a user namespace */
	EXPLAIN_PRIV_SETNS,	/* CAP_SYS_ADMIN over the target's user namespace */
	EXPLAIN_PRIV_NET,	/* CAP_NET_ADMIN over the network namespace */
	EXPLAIN_PRIV_IDMAP,	/* CAP_SETUID/CAP_SETGID in the parent user namespace */
	EXPLAIN_PRIV_FILE,	/* write access to the file (its owner or root) */
	EXPLAIN_PRIV_UTS,	/* CAP_SYS_ADMIN over the UTS namespace */
	EXPLAIN_PRIV_KILL,	/* CAP_KILL, or the process's own user */
	EXPLAIN_PRIV_SYSTEMD,	/* root, for the system service manager */
};

struct explain_step {
	char call[1024];	/* "mount(\"none\", \"/\", NULL, MS_REC|MS_PRIVATE, NULL)" */
	char concept[256];	/* "mount --make-rprivate /" */
	enum explain_priv priv;
};

/*
 * Describe a step before it is made.  Returns true when the caller must
 * perform it (then explain_end() with the result), false in a dry run (the
 * line has been printed; skip the step).
 */
bool explain_begin(struct explain_step *s, enum explain_priv priv,
		   const char *fmt, ...) __printf(3, 4);
/* The command or concept in brackets (optional; call before explain_end). */
void explain_concept(struct explain_step *s, const char *fmt, ...) __printf(2, 3);
/*
 * The step was made: print it with its result @r; @err is the errno when
 * @r < 0.  errno is preserved; returns @r.
 */
long explain_end(struct explain_step *s, long r, int err);
/*
 * A sentence: a fallback, a rollback, a choice.  @fmt is a msgid (N_()):
 * translated here, only when narrating.
 */
void explain_note(const char *fmt, ...) __printf(1, 2);

/*
 * Narrating twins of the system calls.  Use the ex_*() macros at the call
 * sites: they cost one test of explain_mode when it is off.
 */
int explain_mount(const char *src, const char *target, const char *type,
		  unsigned long flags, const void *data);
int explain_umount2(const char *target, int flags);
int explain_unshare(int flags);
int explain_setns(int fd, int nstype);
int explain_pivot_root(const char *new_root, const char *put_old);
int explain_mkdir(const char *path, mode_t mode);
int explain_sethostname(const char *name, size_t len);
int explain_rmdir(const char *path);
int explain_open_tree(int dfd, const char *path, unsigned int flags);
int explain_move_mount(int from_dfd, const char *from, int to_dfd,
		       const char *to, unsigned int flags);
int explain_mount_setattr(int dfd, const char *path, unsigned int flags,
			  void *attr, size_t size);
int explain_fsopen(const char *fsname, unsigned int flags);
int explain_fsconfig(int fd, unsigned int cmd, const char *key,
		     const void *value, int aux);
int explain_fsmount(int fd, unsigned int flags, unsigned int attr_flags);
/* clone3(2) in the parent (@r the child's PID or -1 with errno). */
void explain_clone3_done(unsigned long long flags, long r, int err);
pid_t explain_clone3(void *args, size_t size);
/* write(2) of @len bytes of @buf to the file @path opened as @fd. */
ssize_t explain_write_path(int fd, const void *buf, size_t len, const char *path);
/* kill(2). */
int explain_kill(pid_t pid, int sig);
/* Confinement: one capability out of the bounding set, capset(2), a seccomp filter. */
int explain_capbset_drop(unsigned int cap);
int explain_capset(void *hdr, void *data);
int explain_seccomp_filter(void *prog);
/* dryns: nsrun and nsenter2 */
/*
 * A step with no twin (an ioctl, an open for writing, a helper program):
 *
 *	if (explain_step_begin(&s, priv, concept, "call(%s)", arg))
 *		r = call(arg);
 *	explain_step_end(&s, r);
 *
 * begin narrates it in a dry run and returns false (skip it; r keeps the
 * success the caller set); end narrates the result of a real run.  Both
 * cost one test when explaining is off.  @concept is translated already.
 */
bool explain_step_begin_(struct explain_step *s, enum explain_priv priv,
			 const char *concept, const char *fmt, ...) __printf(4, 5);
long explain_step_end_(struct explain_step *s, long r);
#define explain_step_begin(s, priv, concept, ...) \
	(!explain_on() || explain_step_begin_(s, priv, concept, __VA_ARGS__))
#define explain_step_end(s, r) \
	(explain_on() ? explain_step_end_(s, r) : (long) (r))
/* Has a dry run's plan dropped @cap from the bounding set already? */
bool explain_capbset_planned(unsigned int cap);
/* Did a call returning an fd fail?  Not when a dry run gave the placeholder. */
static inline bool ex_fd_failed(int fd)
{
	return fd < 0 && !(explain_dry_run() && fd == EXPLAIN_DRY_FD);
}
/* A netlink request (struct nlmsghdr *) sent, answered with @r (0 or -errno). */
void explain_netlink(const void *nlh, int r);
/*
 * The same on the socket @sock: interface indexes are named from what
 * explain_ifname() learnt on that socket (an index means nothing outside
 * its network namespace, and the socket may be in another one than ours).
 */
void explain_netlink_sock(const void *nlh, int r, const void *sock);
struct netlink_sock;
/* @index of @sock is interface @name (NULL: forget @sock, it is closed). */
void explain_ifname(const struct netlink_sock *sock, int index, const char *name);
/* An nftables script run through libnftables. */
void explain_nft(const char *cmd, int r);

/*
 * A step with no twin that only a dry run shows (a file made or removed, a
 * record written): the dry-run half of explain_step_begin(), one function
 * behind both; and the execve(2) that ends a chainloader's plan.  A link the plan makes has no
 * index yet: it gets one from EXPLAIN_DRY_IFINDEX up, shown as "<ifindex>".
 */
#define EXPLAIN_DRY_IFINDEX	0x7fff0000
void explain_dry_step(enum explain_priv priv, const char *concept,
		      const char *fmt, ...) __printf(3, 4);
void explain_dry_execve(char *const argv[]);

#define ex_mount(src, tgt, type, fl, data) \
	(explain_on() ? explain_mount(src, tgt, type, fl, data) : mount(src, tgt, type, fl, data))
#define ex_umount2(tgt, fl) \
	(explain_on() ? explain_umount2(tgt, fl) : umount2(tgt, fl))
#define ex_unshare(fl) \
	(explain_on() ? explain_unshare(fl) : unshare(fl))
#define ex_setns(fd, t) \
	(explain_on() ? explain_setns(fd, t) : setns(fd, t))
#define ex_sethostname(n, len) \
	(explain_on() ? explain_sethostname(n, len) : sethostname(n, len))
#define ex_mkdir(p, m) \
	(explain_on() ? explain_mkdir(p, m) : mkdir(p, m))
#define ex_rmdir(p) \
	(explain_on() ? explain_rmdir(p) : rmdir(p))
#define ex_pivot_root(n, o) \
	(explain_on() ? explain_pivot_root(n, o) : sys_pivot_root(n, o))
#define ex_clone3(a, sz) \
	(explain_on() ? explain_clone3(a, sz) : sys_clone3(a, sz))
#define ex_open_tree(d, p, fl) \
	(explain_on() ? explain_open_tree(d, p, fl) : sys_open_tree(d, p, fl))
#define ex_move_mount(fd, f, td, t, fl) \
	(explain_on() ? explain_move_mount(fd, f, td, t, fl) : sys_move_mount(fd, f, td, t, fl))
#define ex_mount_setattr(d, p, fl, a, sz) \
	(explain_on() ? explain_mount_setattr(d, p, fl, a, sz) : sys_mount_setattr(d, p, fl, a, sz))
#define ex_fsopen(n, fl) \
	(explain_on() ? explain_fsopen(n, fl) : sys_fsopen(n, fl))
#define ex_fsconfig(fd, c, k, v, a) \
	(explain_on() ? explain_fsconfig(fd, c, k, v, a) : sys_fsconfig(fd, c, k, v, a))
#define ex_fsmount(fd, fl, at) \
	(explain_on() ? explain_fsmount(fd, fl, at) : sys_fsmount(fd, fl, at))
#define ex_capbset_drop(cap) \
	(explain_on() ? explain_capbset_drop(cap) : prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
#define ex_capset(hdr, data) \
	(explain_on() ? explain_capset(hdr, data) : syscall(SYS_capset, hdr, data))
#define ex_seccomp_filter(prog) \
	(explain_on() ? explain_seccomp_filter(prog) : syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog))
#define ex_write_path(fd, buf, len, path) \
	(explain_on() ? explain_write_path(fd, buf, len, path) : write(fd, buf, len))
#define ex_kill(pid, sig) \
	(explain_on() ? explain_kill(pid, sig) : kill(pid, sig))

#endif /* CU_EXPLAIN_H */
