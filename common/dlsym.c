// SPDX-License-Identifier: GPL-2.0-or-later
/* dlsym.c - libraries loaded on first use */
#include <dlfcn.h>
#include <errno.h>

#include "dlsym.h"
#include "nls.h"

int dl_library_load(struct dl_library *lib, struct cu_error *e)
{
	size_t i;

	if (lib->handle)
		return 0;
	if (!lib->error)
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib->handle) {
		const char *why = lib->error ? NULL : dlerror();

		lib->error = 1;
		/* errnum 0: dlerror() already says why, strerror would repeat it */
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: %3$s)"),
			     lib->soname, why ? why : _("an earlier load failed"), lib->package);
		return -ENOENT;
	}
	for (i = 0; i < lib->nsymbols; i++) {
		*lib->symbols[i].addr = dlsym(lib->handle, lib->symbols[i].name);
		if (*lib->symbols[i].addr)
			continue;
		cu_error_set(e, 0, _("cannot find %1$s in %2$s: the library is too old (install a newer %3$s)"),
			     lib->symbols[i].name, lib->soname, lib->package);
		dlclose(lib->handle);
		lib->handle = NULL;
		lib->error = 1;
		return -ENOENT;
	}
	return 0;
}
