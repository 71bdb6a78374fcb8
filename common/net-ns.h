/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-ns.h - making and removing named network namespaces the way
 * iproute2 does (an nsfs bind mount on /run/netns/NAME, /run/netns a shared
 * mount of itself), finding the processes inside them, and what
 * `ip netns exec` does besides setns (/sys for the namespace, /etc/netns).
 */
#ifndef CU_NETNSOPS_H
#define CU_NETNSOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "c.h"

/* What a series of adds shares: /run/netns and the caller's netns. */
struct netns_dir {
	int dirfd;		/* /run/netns, the shared mount */
	int netfd;		/* our network namespace, to come back to */
};

/*
 * Open /run/netns (made if needed) and our network namespace.  Under
 * flock(LOCK_EX) on the directory, look whether /run/netns is a shared
 * mount of itself and make it one if not; the lock is released before
 * returning.  Checked with statx and statmount on that one mount, so the
 * cost does not grow with the number of namespaces.  0 or -errno.
 */
int netns_prepare_dir(struct netns_dir *d, struct cu_error *e) __must_check;
void netns_dir_close(struct netns_dir *d);

/*
 * Make /run/netns/NAME for each of @names, each on a new network namespace
 * with its loopback device up: an empty mode-0 file made with O_EXCL and a
 * bind mount on it.  All or nothing: on a failure the names made so far are
 * removed again (one that cannot be is passed to @undo_failed) and -errno
 * is returned, @e saying what failed.  Ends in the caller's namespace.
 */
int netns_add_new(const struct netns_dir *d, char *const *names, size_t n,
		  void (*undo_failed)(const char *name, void *data), void *data,
		  struct cu_error *e) __must_check;

/*
 * One name, bound on @src (a path to a network namespace file), or on a
 * new network namespace when @src is NULL.  On any failure nothing is left.
 */
int netns_add_at(const struct netns_dir *d, const char *name, const char *src,
		 struct cu_error *e) __must_check;

/*
 * Remove the name: detach the mount on /run/netns/NAME and unlink it (every
 * mount stacked there when there are several; a stale plain file is removed
 * too).  0 or -errno.
 */
int netns_remove(const char *name, struct cu_error *e) __must_check;

/* A namespace identity: device and inode of its nsfs file. */
struct netns_id {
	dev_t dev;
	ino_t ino;
};

/* The identity of a namespace file (stat follows the mount). 0 or -errno. */
int netns_id_of_path(const char *path, struct netns_id *id) __must_check;

/*
 * What to look at after removing a name, to tell whether its namespace
 * still lives, taken before the removal: an nsfs file handle (Linux 6.18),
 * which goes stale as soon as the namespace is gone, so that the common
 * case needs no walk of /proc; on older kernels, the identity only.
 */
#define NETNS_HANDLE_MAX	32

struct netns_ref {
	struct netns_id id;	/* .ino 0: no namespace on the name */
	bool has_handle;
	int handle_type;
	unsigned int handle_bytes;
	unsigned char handle[NETNS_HANDLE_MAX];
};

void netns_ref_take(const char *name, struct netns_ref *ref);

/*
 * After the removal: false when the namespace is gone (or there was none),
 * true when it may still live, ref->id then its identity.  @nsfd is any
 * nsfs file, /proc/self/ns/net say.
 */
bool netns_ref_lives(int nsfd, struct netns_ref *ref);

/* The names in /run/netns, sorted; *names is NULL-terminated. */
int netns_list_names(char ***names, size_t *n, struct cu_error *e) __must_check;
void netns_free_names(char **names);

/* One walk of /proc/[0-9]*: each process with the identity of its netns. */
struct netns_proc {
	pid_t pid;
	struct netns_id id;
};

struct netns_procs {
	struct netns_proc *v;	/* sorted by (dev, ino, pid) */
	size_t n;
};

int netns_scan_procs(struct netns_procs *p) __must_check;
void netns_free_procs(struct netns_procs *p);

/* The processes in @id: first index into p->v and a count. */
size_t netns_procs_find(const struct netns_procs *p, const struct netns_id *id,
			size_t *count);

/*
 * What `ip netns exec NAME` does after setns: a new mount namespace that is
 * a slave of ours (nothing propagates back), a sysfs of the current network
 * namespace on /sys (read-only when the old one was and could not be
 * unmounted; /sys/fs/cgroup carried over), then every entry of
 * /etc/netns/NAME bound over /etc/ENTRY (see netns_bind_over()).  A bind
 * that fails is passed to @failed and the others go on; the rest fail with
 * -errno and @e filled.
 */
int netns_enter_mounts(const char *name,
		       void (*failed)(const char *src, const char *dst, int errnum, void *data),
		       void *data, struct cu_error *e) __must_check;

/*
 * Bind the file or directory @src over @dst.  A symlink at @dst is covered
 * itself (the mount sits on the link, not on the file it points to), so the
 * host file behind the link is never shadowed and a rename() over it does
 * not undo the binding.  0 or -errno.
 */
int netns_bind_over(const char *src, const char *dst) __must_check;

#endif /* CU_NETNSOPS_H */
