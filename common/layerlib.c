// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layerlib.c - load libarchive and libcrypto for the layer commands only.
 */
#include <dlfcn.h>

#include "c.h"
#include "layerlib.h"
#include "nls.h"

static int lib_open(void **handle, const char *soname, struct cu_error *e)
{
	*handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!*handle)
		return cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: libarchive13, libssl3)"), soname, dlerror());
	return 0;
}

static int lib_symbol(void *handle, const char *name, void **out, struct cu_error *e)
{
	*out = dlsym(handle, name);
	if (!*out)
		return cu_error_set(e, 0, _("cannot load %1$s: %2$s (the library is too old)"), name, dlerror());
	return 0;
}

#define LAYER_LIB_LOAD(handle, f) \
	if (rc == 0) \
		rc = lib_symbol(lib->handle, #f, (void **) &lib->f, e);
#define LAYER_LIB_ARCHIVE(f) LAYER_LIB_LOAD(archive, f)
#define LAYER_LIB_CRYPTO(f) LAYER_LIB_LOAD(crypto, f)

int layer_lib_load_archive(struct layer_lib *lib, struct cu_error *e)
{
	int rc = lib_open(&lib->archive, LAYER_LIBARCHIVE_SONAME, e);

	LAYER_ARCHIVE_SYMBOLS(LAYER_LIB_ARCHIVE)
	return rc;
}

int layer_lib_load_crypto(struct layer_lib *lib, struct cu_error *e)
{
	int rc = lib_open(&lib->crypto, LAYER_LIBCRYPTO_SONAME, e);

	LAYER_CRYPTO_SYMBOLS(LAYER_LIB_CRYPTO)
	return rc;
}

#undef LAYER_LIB_ARCHIVE
#undef LAYER_LIB_CRYPTO
#undef LAYER_LIB_LOAD

int layer_lib_load(struct layer_lib *lib, struct cu_error *e)
{
	int rc;

	memset(lib, 0, sizeof(*lib));
	rc = layer_lib_load_archive(lib, e);
	if (rc == 0)
		rc = layer_lib_load_crypto(lib, e);
	if (rc < 0)
		layer_lib_unload(lib);
	return rc;
}

void layer_lib_unload(struct layer_lib *lib)
{
	if (lib->archive)
		dlclose(lib->archive);
	if (lib->crypto)
		dlclose(lib->crypto);
	memset(lib, 0, sizeof(*lib));
}
