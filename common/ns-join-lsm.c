// SPDX-License-Identifier: GPL-2.0-or-later
/* ns-join-lsm.c - follow another process's SELinux context (libselinux) */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>

#include "c.h"
#include "dlsym.h"
#include "nls.h"
#include "ns-join-lsm.h"

#if CU_LINK_SELINUX
# include <selinux/selinux.h>
#endif

/*
 * libselinux's functions as selinux/selinux.h declares them (a stable ABI
 * since libselinux 1.0): by default only the shared library is needed, at
 * run time, and hosts without it run nsenter2 as before;
 * --with-selinux=link links it (DT_NEEDED) and takes the addresses below.
 */
static struct {
	int (*is_selinux_enabled)(void);
	int (*getpidcon)(pid_t pid, char **con);
	int (*setexeccon)(const char *con);
	void (*freecon)(char *con);
} sel;

static const struct dl_symbol selinux_symbols[] = {
	{ "is_selinux_enabled", (void **) &sel.is_selinux_enabled,
	  DL_ADDR(CU_LINK_SELINUX, is_selinux_enabled) },
	{ "getpidcon", (void **) &sel.getpidcon, DL_ADDR(CU_LINK_SELINUX, getpidcon) },
	{ "setexeccon", (void **) &sel.setexeccon, DL_ADDR(CU_LINK_SELINUX, setexeccon) },
	{ "freecon", (void **) &sel.freecon, DL_ADDR(CU_LINK_SELINUX, freecon) },
};

#define SELINUX_SONAME	"libselinux.so.1"
DL_NOTE_UNLESS(CU_LINK_SELINUX, "selinux", "SELinux context of the target (nsenter2 --follow-context)",
	DL_PRIORITY_SUGGESTED, SELINUX_SONAME);

static struct dl_library selinux_library = {
	.soname = SELINUX_SONAME,
	.symbols = selinux_symbols,
	.nsymbols = ARRAY_SIZE(selinux_symbols),
};

bool seccon_enabled(void)
{
	struct cu_error e = { 0 };

	/* no library: no SELinux to follow (nsenter built without it) */
	if (dl_library_load(&selinux_library, &e) < 0)
		return false;
	return sel.is_selinux_enabled() > 0;
}

int seccon_follow(pid_t pid, struct cu_error *e)
{
	char *con = NULL;
	int r;

	if (sel.getpidcon(pid, &con) < 0)
		return cu_error_set(e, errno ? errno : EINVAL, _("cannot get the SELinux context of process %d"),
				    (int) pid);
	r = sel.setexeccon(con) < 0 ? -(errno ? errno : EINVAL) : 0;
	if (r < 0)
		cu_error_set(e, -r, _("cannot set the SELinux context %s for the program"), con);
	sel.freecon(con);
	return r;
}
