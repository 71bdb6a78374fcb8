/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dlsym.h - libraries loaded on first use.  A tool that lists a table once
 * in a while, or touches capabilities only for --caps, should not pay for
 * loading and relocating the library on every start (most runs of nsrun,
 * netns add or vethctl add never need it).
 */
#ifndef CU_DLSYM_H
#define CU_DLSYM_H

#include <stddef.h>

#include "c.h"

struct dl_symbol {
	const char *name;
	void **addr;		/* where the address goes */
};

/* An entry of a dl_symbol table for the function pointer dl_FUNC. */
#define DL_SYMBOL(f)	{ #f, (void **) &dl_##f },

struct dl_library {
	const char *soname;	/* "libsmartcols.so.1" */
	const char *package;	/* the Debian package that has it */
	const struct dl_symbol *symbols;
	size_t nsymbols;
	void *handle;		/* set by dl_library_load() */
	int error;		/* an earlier load failed */
};

/*
 * Load @lib and resolve its symbols, once: later calls return at once.
 * A tool that is about to change its root (pivot_root, setns into a mount
 * namespace) must load what it needs before, since the library is looked
 * up in the root of the moment.  0, or -ENOENT with @e filled
 * ("cannot load libX: ... (install it: PACKAGE)").
 */
int dl_library_load(struct dl_library *lib, struct cu_error *e) __must_check;

/*
 * The two steps of dl_library_load(), for a loader that keeps its handle
 * and pointers in a struct of its own (common/layerlib.c, layermnt.c):
 * dlopen @soname, or NULL with @e filled; resolve @n symbols from @handle,
 * 0 or -ENOENT with @e filled (the library is left open).
 */
void *dl_open(const char *soname, const char *package, struct cu_error *e);
int dl_resolve(void *handle, const char *soname, const char *package,
	       const struct dl_symbol *symbols, size_t n, struct cu_error *e) __must_check;

#endif /* CU_DLSYM_H */
