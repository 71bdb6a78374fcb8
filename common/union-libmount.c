// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * union-libmount.c - load libmount and libblkid when a union command needs them.
 */
#include <dlfcn.h>

#include "c.h"
#include "dlsym.h"
#include "union-libmount.h"
#include "nls.h"

DL_NOTE_UNLESS(CU_LINK_MOUNT, "mount-options", "mount options and mount tables (unionmount)",
	       DL_PRIORITY_RECOMMENDED, LAYER_LIBMOUNT_SONAME);
DL_NOTE_UNLESS(CU_LINK_BLKID, "image-layers", "image-file layers (unionmount)",
	       DL_PRIORITY_RECOMMENDED, LAYER_LIBBLKID_SONAME);

#define MOUNT_SYMBOL(f) { #f, (void **) &lib->f, DL_ADDR(CU_LINK_MOUNT, f) },
#define BLKID_SYMBOL(f) { #f, (void **) &lib->f, DL_ADDR(CU_LINK_BLKID, f) },

static int union_libmount_load(struct layer_mount *lib, struct cu_error *e)
{
	const struct dl_symbol symbols[] = { LAYER_MOUNT_SYMBOLS(MOUNT_SYMBOL) };

	lib->handle = dl_open(LAYER_LIBMOUNT_SONAME, NULL, e);
	if (!lib->handle)
		return -ENOENT;
	return dl_resolve(lib->handle, LAYER_LIBMOUNT_SONAME, NULL,
			  symbols, ARRAY_SIZE(symbols), e);
}

static int union_libblkid_load(struct layer_blkid *lib, struct cu_error *e)
{
	const struct dl_symbol symbols[] = { LAYER_BLKID_SYMBOLS(BLKID_SYMBOL) };

	lib->handle = dl_open(LAYER_LIBBLKID_SONAME, NULL, e);
	if (!lib->handle)
		return -ENOENT;
	return dl_resolve(lib->handle, LAYER_LIBBLKID_SONAME, NULL,
			  symbols, ARRAY_SIZE(symbols), e);
}
#undef MOUNT_SYMBOL
#undef BLKID_SYMBOL

const struct layer_mount *layer_mount_lib(struct cu_error *e)
{
	static struct layer_mount lib;

	if (!lib.mnt_unref_table && union_libmount_load(&lib, e) < 0) {
		if (lib.handle)
			dlclose(lib.handle);
		memset(&lib, 0, sizeof(lib));
		return NULL;
	}
	return &lib;
}

const struct layer_blkid *layer_blkid_lib(struct cu_error *e)
{
	static struct layer_blkid lib;

	if (!lib.blkid_probe_set_superblocks_flags && union_libblkid_load(&lib, e) < 0) {
		if (lib.handle)
			dlclose(lib.handle);
		memset(&lib, 0, sizeof(lib));
		return NULL;
	}
	return &lib;
}
