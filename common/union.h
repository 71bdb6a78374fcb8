/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * union.h - overlayfs unions: pre-flight checks, mounting through the new
 * mount API (one lowerdir+ per layer), image-file layers on loop devices,
 * the record of what a mount made, and parsing of mounted unions
 * (union-mount.c, union-state.c, union-list.c).
 */
#ifndef CU_UNION_H
#define CU_UNION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c.h"

/* The kernel's OVL_MAX_STACK. */
#define OVL_MAX_LAYERS	500

/* Where mount records live, one file per union, named by its mount id. */
#define OVL_STATE_DIR	"/run/container-utils/unionmount"

struct ovl_spec {
	char **lowers;		/* top first, as given */
	size_t nlowers;
	const char *upper;	/* NULL: read-only union */
	const char *work;	/* NULL with upper: made beside the upper */
	const char *options;	/* extra -o options, or NULL */
	const char *target;
	bool ro;
};

/* A mounted union, as read back from the mount table. */
struct ovl_info {
	char *target;
	char *source;
	char **lowers;		/* top first */
	size_t nlowers;
	char *upper;
	char *work;
	char *options;		/* the other superblock options */
	uint64_t id;		/* mount id */
};

/* Check @s before mounting; every failure has its own message in *e. */
int ovl_check(const struct ovl_spec *s, struct cu_error *e) __must_check;

/*
 * Mount the union @s on s->target: all or nothing (no mount, loop device or
 * directory of ours stays behind on failure).  *nlayers gets the layer count
 * read back from the mount table.
 */
int ovl_mount(const struct ovl_spec *s, size_t *nlayers, struct cu_error *e) __must_check;

/* Unmount @target and release what ovl_mount() made for it. */
int ovl_umount(const char *target, struct cu_error *e) __must_check;

/*
 * Split overlay superblock options @opts (as libmount returns them, with
 * escapes already undone) into @info's layers, upper, work and other options.
 */
int ovl_parse_options(const char *opts, struct ovl_info *info) __must_check;

/*
 * Every overlay (and unionmount bind) mount of this mount namespace, from
 * listmount(2) and statmount(2), or mountinfo on kernels without them.
 */
int ovl_list(struct ovl_info **infos, size_t *n, struct cu_error *e) __must_check;

/*
 * The union mounted exactly on @target (an error when there is none), asked
 * of the kernel for that one mount (statx, statmount), or from mountinfo on
 * kernels without statmount(2).
 */
int ovl_find(const char *target, struct ovl_info *info, struct cu_error *e) __must_check;

void ovl_info_free(struct ovl_info *info);
void ovl_list_free(struct ovl_info *infos, size_t n);

/*
 * How this kernel takes the layers (lowerdir+ by fd, by path, or the option
 * string), asked of overlayfs without mounting; for --version.
 */
const char *ovl_api_probe(void);

/* Running inside a user namespace other than the initial one? */
bool ovl_in_userns(void);

/* The prefix of overlay's xattrs here: "trusted.overlay." or "user.overlay.". */
const char *ovl_xattr_prefix(void);

#endif /* CU_UNION_H */
