/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * union-libmount.h - libmount and libblkid, loaded when a union command needs
 * them.  libmount pulls in libselinux and libpcre2: linking them would load
 * all three at every start of `unionmount mount` and `umount`, which ask
 * the kernel (statx, statmount) and need libmount only for -o options or on
 * kernels without statmount, and libblkid only for image-file layers.
 * The pointers take their types from the libraries' own headers.
 */
#ifndef CU_UNION_LIBMOUNT_H
#define CU_UNION_LIBMOUNT_H

#include <blkid.h>
#include <libmount.h>

#include "c.h"

/* The sonames, as their -dev packages' .so links point to them. */
#define LAYER_LIBMOUNT_SONAME	"libmount.so.1"
#define LAYER_LIBBLKID_SONAME	"libblkid.so.1"

#define LAYER_MOUNT_SYMBOLS(X) \
	X(mnt_free_iter) X(mnt_fs_get_fs_options) X(mnt_fs_get_fstype) \
	X(mnt_fs_get_id) X(mnt_fs_get_root) X(mnt_fs_get_source) \
	X(mnt_fs_get_target) X(mnt_new_iter) X(mnt_new_table_from_file) \
	X(mnt_optstr_next_option) X(mnt_table_next_fs) X(mnt_unref_table)

#define LAYER_BLKID_SYMBOLS(X) \
	X(blkid_do_safeprobe) X(blkid_free_probe) \
	X(blkid_new_probe_from_filename) X(blkid_probe_enable_superblocks) \
	X(blkid_probe_lookup_value) X(blkid_probe_set_superblocks_flags)

#define LAYER_MNT_POINTER(f) __typeof__(f) *f;
struct layer_mount {
	void *handle;
	LAYER_MOUNT_SYMBOLS(LAYER_MNT_POINTER)
};

struct layer_blkid {
	void *handle;
	LAYER_BLKID_SYMBOLS(LAYER_MNT_POINTER)
};
#undef LAYER_MNT_POINTER

/*
 * The library, loaded at the first call and kept until exit; NULL with *e
 * naming what is missing.
 */
const struct layer_mount *layer_mount_lib(struct cu_error *e) __must_check;
const struct layer_blkid *layer_blkid_lib(struct cu_error *e) __must_check;

#endif /* CU_UNION_LIBMOUNT_H */
