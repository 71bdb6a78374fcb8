/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * union-int.h - what the union files share and no tool sees: a mount's
 * layers and what it made (union-mount.c), and union-state.c's records of
 * them.  The files stack state <- list <- mount: none calls upward.
 */
#ifndef CU_UNION_INT_H
#define CU_UNION_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "c.h"

/* One lower layer being set up: a directory, or an image on a loop device. */
struct ovl_layer {
	const char *path;	/* as given, or @abs */
	char *abs;		/* absolute, for an image or a single layer */
	int dirfd;		/* O_PATH fd of a directory, or -1 */
	int mntfd;		/* detached mount of an image, or -1 */
	char loopdev[32];	/* "/dev/loopN" for an image */
	char attached[64];	/* where the image is mounted while the
					 * union is made, or "" */
	bool mounted;		/* @mntfd is mounted on @attached */
};

/* What ovl_mount() made, undone in reverse on failure or at umount. */
struct ovl_made {
	struct ovl_layer *layers;
	size_t nlayers;
	char *work;		/* the work dir we created, or NULL */
	char state[PATH_MAX];	/* the record's path, once written */
	char pending[PATH_MAX];	/* the note of a work dir being made, or "" */
	bool mounted;
	bool recorded;
	bool short_names;	/* the kernel shows /proc/self/fd names */
	const char *upper;	/* the real names, for the record then */
	const char *workdir;
};

/* union-state.c: small helpers the mounting shares */
int union_mount_id_of(const char *path, uint64_t *id);
char *union_abs_path(const char *path);
int union_work_remove(const char *work);

/* union-state.c: the note of a work dir being made, keyed by the target */
int union_pending_write(const char *target, const char *work, struct ovl_made *m);
char *union_pending_read(const char *target, char *path, size_t len);
void union_pending_drop(struct ovl_made *m);
int union_pending_clean(const char *target, struct cu_error *e);

/* union-state.c: the record of a mounted union, under its mount ID */
int union_state_write(const char *target, struct ovl_made *m, struct cu_error *e);
int union_state_replay(const char *path, struct cu_error *e);
FILE *union_state_open(uint64_t id, const char *target);

#endif /* CU_UNION_INT_H */
