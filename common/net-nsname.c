// SPDX-License-Identifier: GPL-2.0-or-later
/* net-nsname.c - /run/netns names: check, path, open */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "net-nsname.h"
#include "ns.h"
#include "strutils.h"

int netns_check_name(const char *name, struct cu_error *e)
{
	if (!name || !*name)
		return cu_error_set(e, 0, _("invalid namespace name: '' (a name cannot be empty)"));
	if (streq(name, ".") || streq(name, ".."))
		return cu_error_set(e, 0, _("invalid namespace name: '%s' (\".\" and \"..\" are not names)"), name);
	if (strchr(name, '/'))
		return cu_error_set(e, 0, _("invalid namespace name: '%s' (a name cannot contain '/')"), name);
	if (strlen(name) > NAME_MAX)
		return cu_error_set(e, 0, _("invalid namespace name: '%1$.20s...' (at most %2$d bytes)"), name, NAME_MAX);
	return 0;
}

int netns_path(const char *name, char *buf, size_t len, struct cu_error *e)
{
	int n, r = netns_check_name(name, e);

	if (r < 0)
		return r;
	n = snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name);
	if (n < 0 || (size_t) n >= len)
		return cu_error_set(e, ENAMETOOLONG, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

static int open_netns_file(const char *path, const char *what, struct cu_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0) {
		if (errno == ENOENT)
			return cu_error_set(e, ENOENT, _("network namespace '%s' does not exist"), what);
		return cu_error_set(e, errno, _("cannot open network namespace '%s'"), what);
	}
	type = ns_fd_type(fd);
	if (type != CLONE_NEWNET) {
		close(fd);
		return cu_error_set(e, EINVAL, _("'%s' is not a network namespace"), what);
	}
	return fd;
}

int netns_open_name(const char *name, struct cu_error *e)
{
	char path[PATH_MAX];
	int r = netns_path(name, path, sizeof(path), e);

	if (r < 0)
		return r;
	return open_netns_file(path, name, e);
}

int netns_open_spec(const char *spec, struct cu_error *e)
{
	char path[PATH_MAX];
	uint32_t pid;

	if (!spec || !*spec)
		return cu_error_set(e, 0, _("invalid network namespace: '' (give a name, a path or a PID)"));
	if (strchr(spec, '/'))
		return open_netns_file(spec, spec, e);
	if (parse_u32(spec, &pid) == 0 && pid > 0) {
		struct stat st;

		if (snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, spec) > 0 &&
		    stat(path, &st) == 0)
			return open_netns_file(path, spec, e);
		snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
		if (access(path, F_OK) < 0 && errno == ENOENT)
			return cu_error_set(e, ESRCH, _("no process with PID %u and no network namespace of that name"), pid);
		return open_netns_file(path, spec, e);
	}
	return netns_open_name(spec, e);
}
