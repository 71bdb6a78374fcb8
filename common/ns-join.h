/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-join.h - joining the namespaces of a running process: the target by
 * pidfd, one setns(pidfd, flags) where the kernel has it (per-file
 * fallback), the user-namespace ordering, the target's root, cwd and
 * environment, and moving into the target's cgroups (v1 and v2).
 */
#ifndef CU_NS_JOIN_H
#define CU_NS_JOIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "c.h"
#include "cgroup.h"
#include "ns.h"

/*
 * A target process: a pidfd (pins the process, so a reused PID is noticed)
 * and, opened when first needed (-1 until then), a /proc/PID directory fd
 * checked to belong to that same process.
 */
struct nsjoin_target {
	pid_t pid;
	int pidfd;
	int procfd;
};

/* Open @pid (its pidfd); -ESRCH when there is no such process.  0 or -errno. */
int nsjoin_target_open(pid_t pid, struct nsjoin_target *t, struct cu_error *e) __must_check;
void nsjoin_target_close(struct nsjoin_target *t);
/* Is the target still running (its PID not reused)?  0 or -ESRCH. */
int nsjoin_target_check(const struct nsjoin_target *t, struct cu_error *e) __must_check;

/* The inode of the target's namespace of type @type.  0 or -errno. */
int nsjoin_target_inode(struct nsjoin_target *t, const struct ns_type *type,
			ino_t *ino, struct cu_error *e) __must_check;

/*
 * The CLONE_NEW* mask of the target's namespaces that differ from ours
 * (types the kernel lacks are left out), for --all.  0 or -errno.
 */
int nsjoin_target_differ(struct nsjoin_target *t, int *mask,
			 struct cu_error *e) __must_check;

/*
 * The namespaces to join: a file per type (from FILE arguments or named
 * netns), and a mask of types to take from the target.
 */
struct nsjoin_set {
	int fd[NS_NTYPES];		/* index as ns_types[]; -1: none */
	char *path[NS_NTYPES];		/* for messages (owned) */
	int target_mask;		/* CLONE_NEW* taken from the target */
};

void nsjoin_set_init(struct nsjoin_set *s);
void nsjoin_set_free(struct nsjoin_set *s);
/* The CLONE_NEW* mask of everything in @s. */
int nsjoin_set_mask(const struct nsjoin_set *s);

/*
 * Open @path as the namespace of type @type for @s, checking that it is a
 * namespace file of that type.  0 or -errno.
 */
int nsjoin_set_file(struct nsjoin_set *s, const struct ns_type *type,
		    const char *path, struct cu_error *e) __must_check;
/* Use the already opened namespace fd @fd (taken over) named @what. */
void nsjoin_set_fd(struct nsjoin_set *s, const struct ns_type *type, int fd,
		   const char *what);

/*
 * Join everything in @s.  Namespaces of the target only: one
 * setns(pidfd, mask), atomic.  Otherwise (or where the kernel refuses a
 * pidfd) one setns() per file in two passes: every namespace but the user
 * namespace first, ignoring failures, then the user namespace and what is
 * still pending, reporting failures.  So the user namespace comes last when
 * entering it drops privilege (root joining a container) and first when it
 * gains privilege (a user joining a namespace it owns).  0 or -errno.
 */
int nsjoin_enter(struct nsjoin_set *s, struct nsjoin_target *t,
		 struct cu_error *e) __must_check;

/*
 * A directory for --root/--wd: @path (resolved here, in our mount
 * namespace), or the target's "root" or "cwd" when @path is NULL.
 * An O_PATH close-on-exec fd or -errno.
 */
int nsjoin_open_dir(struct nsjoin_target *t, const char *which,
		    const char *path, struct cu_error *e) __must_check;

/*
 * After joining: chroot to @rootfd (when >= 0), then change directory to
 * @wdfd, or to "/" when only the root changed.  0 or -errno.
 */
int nsjoin_chroot_chdir(int rootfd, int wdfd, struct cu_error *e) __must_check;

/*
 * Read the target's environment into a NULL-terminated array (the strings
 * point into one buffer: free (*envp)[0]'s block with nsjoin_env_free()).
 */
int nsjoin_read_env(struct nsjoin_target *t, char ***envp,
		    struct cu_error *e) __must_check;
void nsjoin_env_free(char **envp);

/*
 * The target's cgroups, opened before joining anything (the kernel checks
 * the credentials and cgroup namespace of the opener): cgroup.procs of its
 * group in each hierarchy mounted here, v2 and each v1.  Join them with
 * cgroup_join_write() (cgroup.h) after entering the namespaces.
 */
int nsjoin_cgroup_open(struct nsjoin_target *t, struct cgroup_join *cg,
		       struct cu_error *e) __must_check;

#endif /* CU_NS_JOIN_H */
