// SPDX-License-Identifier: GPL-2.0-or-later
/* ns.c - namespace table, open, compare, persist */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "ns.h"
#include "syscalls.h"

const struct ns_type ns_types[NS_NTYPES] = {
	[NS_USER]   = { "user",   "user",   CLONE_NEWUSER,   'U', "CLONE_NEWUSER",   N_("user") },
	[NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP, 'C', "CLONE_NEWCGROUP", N_("cgroup") },
	[NS_IPC]    = { "ipc",    "ipc",    CLONE_NEWIPC,    'i', "CLONE_NEWIPC",    N_("IPC") },
	[NS_UTS]    = { "uts",    "uts",    CLONE_NEWUTS,    'u', "CLONE_NEWUTS",    N_("UTS") },
	[NS_NET]    = { "net",    "net",    CLONE_NEWNET,    'n', "CLONE_NEWNET",    N_("network") },
	[NS_PID]    = { "pid",    "pid",    CLONE_NEWPID,    'p', "CLONE_NEWPID",    N_("PID") },
	[NS_MNT]    = { "mnt",    "mount",  CLONE_NEWNS,     'm', "CLONE_NEWNS",     N_("mount") },
	[NS_TIME]   = { "time",   "time",   CLONE_NEWTIME,   'T', "CLONE_NEWTIME",   N_("time") },
};

const struct ns_type *ns_type_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++)
		if (streq(ns_types[i].name, name) || streq(ns_types[i].longname, name))
			return &ns_types[i];
	return NULL;
}

const struct ns_type *ns_type_by_flag(int flag)
{
	size_t i;

	for (i = 0; i < NS_NTYPES; i++)
		if (ns_types[i].flag == flag)
			return &ns_types[i];
	return NULL;
}

const char *ns_label_first(int flags)
{
	/* the message order, not the join order: "user" only when it is alone */
	static const enum ns_index order[] = {
		NS_MNT, NS_UTS, NS_IPC, NS_NET, NS_PID, NS_CGROUP, NS_TIME, NS_USER,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order) - 1; i++)
		if (flags & ns_types[order[i]].flag)
			break;
	return _(ns_types[order[i]].label);
}

static int ns_path(pid_t pid, const struct ns_type *t, char *buf, size_t len)
{
	int n = pid ? snprintf(buf, len, "/proc/%d/ns/%s", (int) pid, t->name)
		    : snprintf(buf, len, "/proc/self/ns/%s", t->name);

	return (n < 0 || (size_t) n >= len) ? -ENAMETOOLONG : 0;
}

int ns_open(pid_t pid, const struct ns_type *t)
{
	char path[64];
	int fd, r = ns_path(pid, t, path, sizeof(path));

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * readlink, not stat: the link's text "net:[4026531840]" names the inode
 * without following the link into nsfs, which costs about twice as much.
 */
int ns_link_inode(int dirfd, const char *path, ino_t *ino)
{
	char buf[64], *p, *end;
	unsigned long long n;
	ssize_t len = readlinkat(dirfd, path, buf, sizeof(buf) - 1);

	if (len < 0)
		return -errno;
	buf[len] = '\0';
	p = strchr(buf, '[');
	if (!p || !isdigit((unsigned char) p[1]))
		return -EINVAL;
	errno = 0;
	n = strtoull(p + 1, &end, 10);
	if (errno || *end != ']' || end[1] != '\0')
		return -EINVAL;
	*ino = (ino_t) n;
	return 0;
}

int ns_inode(pid_t pid, const struct ns_type *t, ino_t *ino)
{
	char path[64];
	int r = ns_path(pid, t, path, sizeof(path));

	return r < 0 ? r : ns_link_inode(AT_FDCWD, path, ino);
}

bool ns_is_current(pid_t pid, const struct ns_type *t)
{
	ino_t a, b;

	if (ns_inode(pid, t, &a) < 0 || ns_inode(0, t, &b) < 0)
		return false;
	return a == b;
}

int ns_fd_type(int fd)
{
	int r = ioctl(fd, NS_GET_NSTYPE);

	return r < 0 ? -errno : r;
}

/*
 * The file to bind on, as an O_PATH fd: mount(2) follows symlinks, so we
 * mount on /proc/self/fd/N of a file we know is not one.
 */
static int persist_target(const char *target, bool *created, struct cu_error *e)
{
	struct explain_step s;
	struct stat st;
	int fd = 0;

	/* a dry run makes no file: a missing one is the plan's placeholder */
	if (explain_dry_run() && lstat(target, &st) < 0 && errno == ENOENT) {
		(void) explain_step_begin(&s, EXPLAIN_PRIV_FILE, _("the file to bind the namespace on"),
					  "openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0444)", target);
		return EXPLAIN_DRY_FD;
	}
	if (!explain_dry_run() &&
	    explain_step_begin(&s, EXPLAIN_PRIV_FILE, _("the file to bind the namespace on"),
			       "openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0444)", target))
		fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	else
		fd = -1, errno = EEXIST;	/* a dry run: the file exists */
	if (fd >= 0 && !explain_dry_run()) {
		(void) explain_step_end(&s, fd);
		*created = true;
		close(fd);
	} else if (errno != EEXIST) {
		(void) explain_step_end(&s, fd);
		return cu_error_set(e, errno, _("cannot create %s"), target);
	}
	fd = open(target, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), target);
	if (fstat(fd, &st) < 0) {
		int saved = errno;

		close(fd);
		return cu_error_set(e, saved, _("cannot open %s"), target);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return cu_error_set(e, S_ISLNK(st.st_mode) ? ELOOP : EINVAL,
				    _("cannot bind on %s: not a regular file"), target);
	}
	return fd;
}

int ns_persist(const char *src, const char *target, struct cu_error *e)
{
	bool created = false;
	char path[64];
	int fd, r = 0;

	fd = persist_target(target, &created, e);
	if (ex_fd_failed(fd)) {
		r = fd;
		goto out_unlink;
	}
	(void) snprintf(path, sizeof(path), "/proc/self/fd/%d", fd); /* fits */
	if (ex_mount(src, path, NULL, MS_BIND, NULL) < 0)
		r = cu_error_set(e, errno, _("cannot bind %1$s on %2$s"), src, target);
	if (fd >= 0)
		close(fd);
	if (r == 0)
		return 0;
out_unlink:
	if (created)
		(void) unlink(target);	/* undo: the file we made */
	return r;
}
