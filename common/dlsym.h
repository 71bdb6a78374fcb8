/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dlsym.h - libraries loaded on first use.  A tool that lists a table once
 * in a while, or touches capabilities only for --caps, should not pay for
 * loading and relocating the library on every start (most runs of nsrun,
 * netns add or vethctl add never need it).
 *
 * configure lets a distribution link each of them instead
 * (--with-smartcols=link ...): CU_LINK_<LIBRARY> in config.h is then 1,
 * the symbol tables carry the functions' addresses (DL_SYMBOL_LINKED), so
 * the linker records the library as DT_NEEDED, and dl_resolve() takes the
 * addresses from the table rather than from dlsym(3).
 */
#ifndef CU_DLSYM_H
#define CU_DLSYM_H

#include <stddef.h>
#include <stdint.h>

#include "c.h"

struct dl_symbol {
	const char *name;
	void **addr;		/* where the address goes */
	void *linked;		/* the address, when the library is linked */
};

/*
 * An entry of a dl_symbol table for the function pointer dl_FUNC, and the
 * same for a library with a configure choice: @linked is its CU_LINK_*
 * macro (0 or 1).  DL_ADDR(linked, f) is f's address or NULL, for tables
 * whose pointers live elsewhere ({ "f", &lib->f, DL_ADDR(CU_LINK_X, f) }).
 */
#define DL_ADDR(linked, f)		DL_ADDR_(linked, f)
#define DL_ADDR_(linked, f)		DL_ADDR_##linked(f)
#define DL_ADDR_0(f)			NULL
#define DL_ADDR_1(f)			((void *) &(f))
#define DL_SYMBOL(f)			{ #f, (void **) &dl_##f, NULL },
#define DL_SYMBOL_LINKED(linked, f)	{ #f, (void **) &dl_##f, DL_ADDR(linked, f) },

/*
 * The .note.dlopen ELF note: how a packaging tool learns which libraries a
 * binary may dlopen(3) (https://systemd.io/ELF_DLOPEN_METADATA/).  Owner
 * "FDO", type 0x407c0c0a, the payload a NUL-terminated JSON array:
 *
 *   [{"feature":"...","description":"...","priority":"recommended",
 *     "soname":["libsmartcols.so.1"]}]
 *
 * Put DL_NOTE() at file scope in the source file that loads the library,
 * so that every binary that links the loader carries the note:
 *
 *   DL_NOTE("seccomp", "system call filters (--seccomp)",
 *           DL_PRIORITY_RECOMMENDED, "libseccomp.so.2");
 *
 * The arguments are string literals without '"' or '\'.  DL_NOTE_UNLESS()
 * leaves the note out when @linked (a CU_LINK_* macro) is 1: a linked
 * library is in DT_NEEDED already.
 */
#define DL_NOTE_OWNER			"FDO"
#define DL_NOTE_TYPE			UINT32_C(0x407c0c0a)
#define DL_PRIORITY_REQUIRED		"required"
#define DL_PRIORITY_RECOMMENDED		"recommended"
#define DL_PRIORITY_SUGGESTED		"suggested"

#define DL_NOTE_JSON(feature, description, priority, soname) \
	"[{\"feature\":\"" feature "\",\"description\":\"" description \
	"\",\"priority\":\"" priority "\",\"soname\":[\"" soname "\"]}]"

/*
 * Header, owner and payload, each 4-byte aligned and zero-padded.  clang's
 * AddressSanitizer would pad the object with a red zone (GCC's leaves
 * objects in named sections alone): the notes must stay back to back.
 */
#if defined(__clang__)
# define DL_NOTE_NOSAN	__attribute__((no_sanitize("address")))
#else
# define DL_NOTE_NOSAN
#endif
#define DL_NOTE_OBJECT(json, var) \
	__attribute__((used, section(".note.dlopen"), aligned(4))) DL_NOTE_NOSAN \
	static const struct { \
		uint32_t n_namesz; \
		uint32_t n_descsz; \
		uint32_t n_type; \
		char name[(sizeof(DL_NOTE_OWNER) + 3) & ~(size_t) 3]; \
		char desc[(sizeof(json) + 3) & ~(size_t) 3]; \
	} var = { sizeof(DL_NOTE_OWNER), sizeof(json), DL_NOTE_TYPE, DL_NOTE_OWNER, json }

#define DL_NOTE_NAME_(line)		dl_note_##line
#define DL_NOTE_NAME(line)		DL_NOTE_NAME_(line)
#define DL_NOTE(feature, description, priority, soname) \
	DL_NOTE_OBJECT(DL_NOTE_JSON(feature, description, priority, soname), \
		       DL_NOTE_NAME(__LINE__))

#define DL_NOTE_UNLESS(linked, feature, description, priority, soname) \
	DL_NOTE_UNLESS_(linked, feature, description, priority, soname)
#define DL_NOTE_UNLESS_(linked, feature, description, priority, soname) \
	DL_NOTE_UNLESS_##linked(feature, description, priority, soname)
#define DL_NOTE_UNLESS_0(feature, description, priority, soname) \
	DL_NOTE(feature, description, priority, soname)
#define DL_NOTE_UNLESS_1(feature, description, priority, soname) \
	_Static_assert(1, "linked: in DT_NEEDED, no note")

struct dl_library {
	const char *soname;	/* "libsmartcols.so.1" */
	const char *package;	/* unused: see dl_package_hint() */
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
 * ("cannot load libX.so.N: ... (install the package that provides it)").
 */
int dl_library_load(struct dl_library *lib, struct cu_error *e) __must_check;

/*
 * The two steps of dl_library_load(), for a loader that keeps its handle
 * and pointers in a struct of its own (common/layer-archive.c, union-libmount.c):
 * dlopen @soname, or NULL with @e filled; resolve @n symbols from @handle,
 * 0 or -ENOENT with @e filled (the library is left open).
 * @package is ignored (pass NULL): messages name the package only where
 * the packager said which one at configure time (--with-package-hints).
 */
void *dl_open(const char *soname, const char *package, struct cu_error *e);
int dl_resolve(void *handle, const char *soname, const char *package,
	       const struct dl_symbol *symbols, size_t n, struct cu_error *e) __must_check;

/* The package configure named for @soname, or NULL. */
const char *dl_package_hint(const char *soname);

#endif /* CU_DLSYM_H */
