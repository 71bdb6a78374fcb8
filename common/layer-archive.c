// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layer-archive.c - load libarchive and libcrypto for the layer commands only.
 */
#include <dlfcn.h>

#include "c.h"
#include "dlsym.h"
#include "layer-archive.h"
#include "nls.h"

DL_NOTE_UNLESS(CU_LINK_ARCHIVE, "layers", "layer tarballs (unionmount commit, apply)",
	       DL_PRIORITY_RECOMMENDED, LAYER_LIBARCHIVE_SONAME);
DL_NOTE_UNLESS(CU_LINK_CRYPTO, "digests", "SHA-256 layer digests (unionmount commit, apply)",
	       DL_PRIORITY_RECOMMENDED, LAYER_LIBCRYPTO_SONAME);

#define ARCHIVE_SYMBOL(f) { #f, (void **) &lib->f, DL_ADDR(CU_LINK_ARCHIVE, f) },
#define CRYPTO_SYMBOL(f) { #f, (void **) &lib->f, DL_ADDR(CU_LINK_CRYPTO, f) },

int layer_lib_load_archive(struct layer_lib *lib, struct cu_error *e)
{
	const struct dl_symbol symbols[] = { LAYER_ARCHIVE_SYMBOLS(ARCHIVE_SYMBOL) };

	lib->archive = dl_open(LAYER_LIBARCHIVE_SONAME, NULL, e);
	if (!lib->archive)
		return -ENOENT;
	return dl_resolve(lib->archive, LAYER_LIBARCHIVE_SONAME, NULL,
			  symbols, ARRAY_SIZE(symbols), e);
}

int layer_lib_load_crypto(struct layer_lib *lib, struct cu_error *e)
{
	const struct dl_symbol symbols[] = { LAYER_CRYPTO_SYMBOLS(CRYPTO_SYMBOL) };

	lib->crypto = dl_open(LAYER_LIBCRYPTO_SONAME, NULL, e);
	if (!lib->crypto)
		return -ENOENT;
	return dl_resolve(lib->crypto, LAYER_LIBCRYPTO_SONAME, NULL,
			  symbols, ARRAY_SIZE(symbols), e);
}

#undef ARCHIVE_SYMBOL
#undef CRYPTO_SYMBOL

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
