// SPDX-License-Identifier: GPL-2.0-or-later
/* dlsym.c - libraries loaded on first use */
#include <dlfcn.h>
#include <errno.h>

#include "dlsym.h"
#include "nls.h"

void *dl_open(const char *soname, const char *package, struct cu_error *e)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	/* errnum 0: dlerror() already says why, strerror would repeat it */
	if (!handle)
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: %3$s)"),
			     soname, dlerror(), package);
	return handle;
}

int dl_resolve(void *handle, const char *soname, const char *package,
	       const struct dl_symbol *symbols, size_t n, struct cu_error *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*symbols[i].addr = dlsym(handle, symbols[i].name);
		if (!*symbols[i].addr) {
			cu_error_set(e, 0, _("cannot find %1$s in %2$s: the library is too old (install a newer %3$s)"),
				     symbols[i].name, soname, package);
			return -ENOENT;
		}
	}
	return 0;
}

int dl_library_load(struct dl_library *lib, struct cu_error *e)
{
	if (lib->handle)
		return 0;
	if (lib->error) {
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: %3$s)"),
			     lib->soname, _("an earlier load failed"), lib->package);
		return -ENOENT;
	}
	lib->handle = dl_open(lib->soname, lib->package, e);
	if (lib->handle &&
	    dl_resolve(lib->handle, lib->soname, lib->package, lib->symbols, lib->nsymbols, e) < 0) {
		dlclose(lib->handle);
		lib->handle = NULL;
	}
	if (!lib->handle) {
		lib->error = 1;
		return -ENOENT;
	}
	return 0;
}
