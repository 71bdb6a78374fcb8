/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-systemd.h - cgset's groups on a systemd host: a delegated unit to hold them.
 *
 * On a host whose cgroup2 hierarchy systemd manages, cgset does not make
 * groups beside systemd's slices.  It asks the service manager (the system
 * one as root, the user's own otherwise) over D-Bus for one transient scope,
 * cgset.scope, with Delegate=yes and CPU, memory, I/O and task accounting
 * on, as "systemd-run --scope -p Delegate=yes" does, and makes its groups
 * below it.  A scope lives as long as it holds a process, while groups made
 * by "cgset create" must outlive cgset: the scope holds a keeper, a forked
 * process that only sleeps, in the leaf group ".keeper" (a delegated group
 * with processes of its own could not enable controllers for its children).
 * When the last group below the scope is removed, cgset stops the scope.
 *
 * "cgset run" makes a scope of its own instead, cgset-run-PID.scope, that
 * holds cgset itself (in its leaf ".keeper") and ends with it, as
 * "systemd-run --scope" does: a user's login session may not move a
 * process into the user manager's subtree, but once systemd moved cgset
 * there, cgset may move its child within it.
 *
 * libsystemd is loaded on first use (common/dlsym.c): hosts without it,
 * and hosts without systemd, never load it.
 */
#ifndef CU_CGUNIT_H
#define CU_CGUNIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "c.h"
#include "cgroup.h"

#define CGUNIT_NAME	"cgset.scope"	/* the delegated unit */
#define CGUNIT_KEEPER	".keeper"	/* its leaf group for the keeper */

struct cgunit {
	char name[64];		/* the unit: CGUNIT_NAME, or run's own scope */
	void *bus;		/* sd_bus */
	bool user;		/* the user's service manager */
	int lockfd;		/* -1 when not locked */
	char *cgpath;		/* the unit's group, relative to the v2 root */
	bool started;		/* this process started the unit */
	bool own;		/* ... holding itself: it ends when we do */
	bool planned;		/* --dry-run: cgpath is a placeholder, not started */
};

/*
 * Is this a systemd host whose v2 hierarchy systemd manages: booted with
 * systemd (/run/systemd/system), a pure cgroup v2 hierarchy, and the
 * manager's groups in it (init.scope)?
 */
bool cgunit_host(const struct cgroup_map *m);

/* The unit to look for or start (before cgunit_find, cgunit_start). */
void cgunit_name(struct cgunit *u, const char *name);

/* Connect to the service manager (system bus as root, else the user bus). */
int cgunit_open(struct cgunit *u, struct cu_error *e) __must_check;
void cgunit_close(struct cgunit *u);

/*
 * Serialise the commands that start or stop the unit (a file lock in /run,
 * or in $XDG_RUNTIME_DIR for a user).  Released by cgunit_unlock() or exit.
 */
int cgunit_lock(struct cgunit *u, struct cu_error *e) __must_check;
void cgunit_unlock(struct cgunit *u);

/*
 * Find the running unit: 0 with u->cgpath set, or 0 with u->cgpath NULL
 * when it is not running, or -errno (a unit of that name that is not
 * delegated is an error).
 */
int cgunit_find(struct cgunit *u, struct cu_error *e) __must_check;

/*
 * Start the unit as a scope holding @self (our own PID, for a scope that
 * ends with us, as "systemd-run --scope" does), or with @self 0 a keeper;
 * then move that process into the leaf CGUNIT_KEEPER.  0 with u->cgpath
 * set, or -errno.
 */
int cgunit_start(struct cgunit *u, const char *v2mount, pid_t self,
		 struct cu_error *e) __must_check;

/*
 * When the unit's group @dir (its path in the v2 hierarchy) holds no group
 * but the keeper's, and it is not our own scope, stop the unit and wait until systemd has removed its
 * group.  0 (also when groups are left) or -errno.
 */
int cgunit_stop_if_unused(struct cgunit *u, const char *dir, struct cu_error *e) __must_check;

#endif /* CU_CGUNIT_H */
