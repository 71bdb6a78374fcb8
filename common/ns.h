/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ns.h - the namespace table, opening, comparing and persisting namespaces */
#ifndef CU_NS_H
#define CU_NS_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "c.h"

struct ns_type {
	const char *name;	/* file in /proc/PID/ns: "mnt" */
	const char *longname;	/* option name: "mount" */
	int flag;		/* CLONE_NEWNS */
	char option;		/* util-linux short option: 'm' */
	const char *flagname;	/* "CLONE_NEWNS", for explain */
	const char *label;	/* "mount" (marked for translation): messages' noun */
};

/*
 * The index of each type in ns_types[]: the order a joiner enters them in
 * (user first where it gains privilege; see nsenter2 for the order when it
 * drops).  Arrays of per-type data (nsrun's persist files, nsenter2's
 * --TYPE=FILE) are indexed by it too.
 */
enum ns_index {
	NS_USER,
	NS_CGROUP,
	NS_IPC,
	NS_UTS,
	NS_NET,
	NS_PID,
	NS_MNT,
	NS_TIME,
	NS_NTYPES
};

extern const struct ns_type ns_types[NS_NTYPES];

const struct ns_type *ns_type_by_name(const char *name);	/* "mnt" or "mount" */
const struct ns_type *ns_type_by_flag(int flag);

/*
 * The translated label of the first namespace @flags asks for, in the order
 * they are made (mount, UTS, IPC, network, PID, cgroup, time), or "user" when
 * no other is asked for: the one to name when creating them fails.
 */
const char *ns_label_first(int flags);

/* open("/proc/PID/ns/NAME") read-only, close-on-exec; pid 0 is ourselves. */
int ns_open(pid_t pid, const struct ns_type *t) __must_check;

/* The namespace inode of /proc/PID/ns/NAME (pid 0: ourselves). 0 or -errno. */
int ns_inode(pid_t pid, const struct ns_type *t, ino_t *ino) __must_check;

/*
 * The namespace inode of the /proc/PID/ns link @path (relative to @dirfd,
 * or AT_FDCWD), read from the link's text.  0 or -errno (-EINVAL: not a
 * namespace link).
 */
int ns_link_inode(int dirfd, const char *path, ino_t *ino) __must_check;

/* Is PID's namespace of type @t the same as ours? */
bool ns_is_current(pid_t pid, const struct ns_type *t);

/* The CLONE_NEW* type of a namespace fd (NS_GET_NSTYPE), or -errno. */
int ns_fd_type(int fd);

/*
 * Keep the namespace @src (a /proc/PID/ns/NAME path) alive by bind-mounting
 * it on @target, creating @target as an empty file when it is missing (and
 * removing it again when the mount fails).  0 or -errno, with @e filled.
 */
int ns_persist(const char *src, const char *target, struct cu_error *e) __must_check;

#endif /* CU_NS_H */
