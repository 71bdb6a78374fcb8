// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layermnt.c - load libmount and libblkid when a union command needs them.
 */
#include <dlfcn.h>

#include "c.h"
#include "layermnt.h"
#include "nls.h"

static void *lib_open(const char *soname, struct cu_error *e)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!handle)
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: libmount1, libblkid1)"), soname, dlerror());
	return handle;
}

static int lib_symbol(void *handle, const char *name, void **out, struct cu_error *e)
{
	*out = dlsym(handle, name);
	if (!*out)
		return cu_error_set(e, 0, _("cannot load %1$s: %2$s (the library is too old)"), name, dlerror());
	return 0;
}

#define LAYER_MNT_LOAD(f) \
	if (rc == 0) \
		rc = lib_symbol(lib->handle, #f, (void **) &lib->f, e);

static int mount_load(struct layer_mount *lib, struct cu_error *e)
{
	int rc = 0;

	lib->handle = lib_open(LAYER_LIBMOUNT_SONAME, e);
	if (!lib->handle)
		return -ENOENT;
	LAYER_MOUNT_SYMBOLS(LAYER_MNT_LOAD)
	return rc;
}

static int blkid_load(struct layer_blkid *lib, struct cu_error *e)
{
	int rc = 0;

	lib->handle = lib_open(LAYER_LIBBLKID_SONAME, e);
	if (!lib->handle)
		return -ENOENT;
	LAYER_BLKID_SYMBOLS(LAYER_MNT_LOAD)
	return rc;
}
#undef LAYER_MNT_LOAD

const struct layer_mount *layer_mount_lib(struct cu_error *e)
{
	static struct layer_mount lib;

	if (!lib.mnt_unref_table && mount_load(&lib, e) < 0) {
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

	if (!lib.blkid_probe_set_superblocks_flags && blkid_load(&lib, e) < 0) {
		if (lib.handle)
			dlclose(lib.handle);
		memset(&lib, 0, sizeof(lib));
		return NULL;
	}
	return &lib;
}
