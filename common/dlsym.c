// SPDX-License-Identifier: GPL-2.0-or-later
/* dlsym.c - libraries loaded on first use */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "dlsym.h"
#include "nls.h"

/* From configure's --with-package-hints: "SONAME=PACKAGE,..." */
static const char package_hints[] = CU_PACKAGE_HINTS;

const char *dl_package_hint(const char *soname)
{
	static char package[128];
	size_t len = strlen(soname);
	const char *p = package_hints;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if ((size_t) (end - p) > len + 1 && strncmp(p, soname, len) == 0 &&
		    p[len] == '=' && (size_t) (end - p - len - 1) < sizeof(package)) {
			memcpy(package, p + len + 1, end - p - len - 1);
			package[end - p - len - 1] = '\0';
			return package;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* errnum 0: dlerror() already says why, strerror would repeat it */
static void load_error(struct cu_error *e, const char *soname, const char *why)
{
	const char *package = dl_package_hint(soname);

	if (package)
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install it: %3$s)"),
			     soname, why, package);
	else
		cu_error_set(e, 0, _("cannot load %1$s: %2$s (install the package that provides it)"),
			     soname, why);
}

void *dl_open(const char *soname, const char *package __unused,
	      struct cu_error *e)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!handle)
		load_error(e, soname, dlerror());
	return handle;
}

int dl_resolve(void *handle, const char *soname, const char *package __unused,
	       const struct dl_symbol *symbols, size_t n, struct cu_error *e)
{
	const char *hint = dl_package_hint(soname);
	size_t i;

	for (i = 0; i < n; i++) {
		*symbols[i].addr = symbols[i].linked ? symbols[i].linked
						     : dlsym(handle, symbols[i].name);
		if (*symbols[i].addr)
			continue;
		if (hint)
			cu_error_set(e, 0, _("cannot find %1$s in %2$s: the library is too old (install a newer %3$s)"),
				     symbols[i].name, soname, hint);
		else
			cu_error_set(e, 0, _("cannot find %1$s in %2$s: the library is too old (install a newer version of it)"),
				     symbols[i].name, soname);
		return -ENOENT;
	}
	return 0;
}

int dl_library_load(struct dl_library *lib, struct cu_error *e)
{
	if (lib->handle)
		return 0;
	if (lib->error) {
		load_error(e, lib->soname, _("an earlier load failed"));
		return -ENOENT;
	}
	lib->handle = dl_open(lib->soname, NULL, e);
	if (lib->handle &&
	    dl_resolve(lib->handle, lib->soname, NULL, lib->symbols, lib->nsymbols, e) < 0) {
		dlclose(lib->handle);
		lib->handle = NULL;
	}
	if (!lib->handle) {
		lib->error = 1;
		return -ENOENT;
	}
	return 0;
}
