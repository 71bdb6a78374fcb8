// SPDX-License-Identifier: GPL-2.0-or-later
/* ns-confine.c - masked and read-only paths, capabilities and seccomp for a container */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "ns-confine.h"
#include "nls.h"
#include "syscalls.h"

#ifndef MOUNT_ATTR_RDONLY
# define MOUNT_ATTR_RDONLY	0x00000001
# define MOUNT_ATTR_NOSUID	0x00000002
# define MOUNT_ATTR_NODEV	0x00000004
# define MOUNT_ATTR_NOEXEC	0x00000008
#endif
#ifndef OPEN_TREE_CLONE
# define OPEN_TREE_CLONE	1
# define OPEN_TREE_CLOEXEC	O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
# define MOVE_MOUNT_F_EMPTY_PATH	0x00000004
# define MOVE_MOUNT_T_EMPTY_PATH	0x00000040
#endif

enum confine_how { MASK, READ_ONLY };

/*
 * Docker's masked and read-only paths (moby's oci/defaults.go); names
 * without a slash are under the procfs, wherever --mount-proc put it.
 */
static const struct {
	const char *path;
	enum confine_how how;
} paths[] = {
	{ "asound", MASK },
	{ "acpi", MASK },
	{ "kcore", MASK },
	{ "keys", MASK },
	{ "latency_stats", MASK },
	{ "timer_list", MASK },
	{ "timer_stats", MASK },
	{ "sched_debug", MASK },
	{ "scsi", MASK },
	{ "/sys/firmware", MASK },
	{ "/sys/devices/virtual/powercap", MASK },
	{ "bus", READ_ONLY },
	{ "fs", READ_ONLY },
	{ "irq", READ_ONLY },
	{ "sys", READ_ONLY },
	{ "sysrq-trigger", READ_ONLY },
};

void confine_init(struct confine *c)
{
	memset(c, 0, sizeof(*c));
	c->seccomp = c->paths = c->caps = true;
}

/* "/proc/kcore" for "kcore": how --unmask names them. */
static void full_path(const char *proc, const char *name, char *buf, size_t len)
{
	if (name[0] == '/')
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s/%s", streq(proc, "/") ? "" : proc, name);
}

bool confine_known_path(const char *path)
{
	size_t i;

	if (streq(path, "ALL") || streq(path, "/sys"))
		return true;
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		char buf[PATH_MAX];

		full_path("/proc", paths[i].path, buf, sizeof(buf));
		if (streq(buf, path))
			return true;
	}
	return false;
}

static bool unmasked(const struct confine *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nunmask; i++)
		if (streq(c->unmask[i], path) || streq(c->unmask[i], "ALL"))
			return true;
	return false;
}

int confine_prepare(struct confine *c, uint64_t add, uint64_t drop, struct cu_error *e)
{
	c->keep = c->caps ? (CONFINE_DEFAULT_CAPS | add) & ~drop : ~0ULL & ~drop;
	if (!c->on || !c->seccomp)
		return 0;
	return syscall_filter_build_default(c->keep, &c->filter, e);
}

/*
 * An O_PATH fd of @path inside @rootfd, no symbolic link followed; -ENOENT
 * when it is missing or not on a file system of type @magic (then there is
 * nothing of the kernel's to hide).
 */
static int open_kernel_path(int rootfd, const char *path, long magic)
{
	struct cu_open_how how = {
		.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};
	struct statfs sfs;
	int fd = sys_openat2(rootfd, path, &how, sizeof(how));

	/* ENOSYS (openat2 is Linux 5.6) reaches confine_mounts(), which names it */
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != magic) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

static const char *fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/* A read-only, recursive bind of @fd's path on itself. */
static int bind_read_only(int fd)
{
	struct cu_mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC,
	};
	_cleanup_close_ int tree = ex_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						      AT_EMPTY_PATH | AT_RECURSIVE);
	char buf[64];

	if (!ex_fd_failed(tree)) {
		if (ex_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
				      &attr, sizeof(attr)) == 0)
			return ex_move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH |
					      MOVE_MOUNT_T_EMPTY_PATH) < 0 ? -errno : 0;
		/*
		 * No mount_setattr before Linux 5.12 (open_tree is 5.2): the
		 * clone is dropped unattached and the old way binds.  Never
		 * -ENOSYS from here with nothing bound: the caller would
		 * remount the mount the path is on, all of /proc.
		 */
		if (errno != ENOSYS)
			return -errno;
	} else if (errno != ENOSYS) {
		return -errno;
	}
	/* before Linux 5.12: bind, then remount the bind (reached through the fd's path) */
	fd_path(fd, buf, sizeof(buf));
	if (ex_mount(buf, buf, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return -ENOSYS;		/* the caller reopens the path and remounts */
}

static int remount_read_only(int fd)
{
	char buf[64];

	fd_path(fd, buf, sizeof(buf));
	if (ex_mount(NULL, buf, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
		  MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

static int mask(int fd)
{
	struct stat st;
	char buf[64];

	if (fstat(fd, &st) < 0)
		return -errno;
	fd_path(fd, buf, sizeof(buf));
	if (S_ISDIR(st.st_mode))
		return ex_mount("tmpfs", buf, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV |
			     MS_NOEXEC, "size=4k,nr_inodes=1,mode=555") < 0 ? -errno : 0;
	/* a file: the host's /dev/null (we are still in the old root) */
	return ex_mount("/dev/null", buf, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/*
 * open_kernel_path(); in a dry run, where the procfs of --mount-proc (or the
 * sysfs of --mount-sys) is not mounted in the root, the host's own: the
 * plan shows what a real run would find there.
 */
static int open_planned(const struct confine *c, int rootfd, const char *path,
			const char *host, bool proc, long magic)
{
	_cleanup_close_ int hostroot = -1;
	int fd = open_kernel_path(rootfd, path, magic);

	if (fd != -ENOENT || !explain_dry_run() ||
	    !(magic == SYSFS_MAGIC ? c->sys_new : proc))
		return fd;
	hostroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostroot < 0)
		return -ENOENT;
	return open_kernel_path(hostroot, host, magic);
}

static int confine_path(const struct confine *c, int rootfd, const char *path,
			const char *host, bool proc, enum confine_how how)
{
	long magic = strncmp(path, "/sys/", 5) == 0 ? SYSFS_MAGIC : PROC_SUPER_MAGIC;
	int fd = open_planned(c, rootfd, path, host, proc, magic);
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	r = how == MASK ? mask(fd) : bind_read_only(fd);
	close(fd);
	if (r == -ENOSYS) {	/* the old API's second step, on the new mount */
		fd = open_planned(c, rootfd, path, host, proc, magic);
		if (fd < 0)
			return fd;
		r = remount_read_only(fd);
		close(fd);
	}
	return r;
}

/* sysfs read-only, with every mount under it (cgroups included). */
static int sys_read_only(int rootfd)
{
	struct cu_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	_cleanup_close_ int fd = open_kernel_path(rootfd, "/sys", SYSFS_MAGIC);
	struct statvfs sv;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return 0;	/* --mount-sys made it so */
	if (ex_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	return remount_read_only(fd);
}

/* openat2(2) finds the kernel's paths inside the new root (Linux 5.6) */
#define CONFINE_NO_OPENAT2 \
	_("cannot confine %s: this kernel has no openat2 (the default confinement needs Linux 5.6 or later; --security-opt systempaths=unconfined goes without its masks)")

int confine_mounts(const struct confine *c, int rootfd, const char *proc,
		   struct cu_error *e)
{
	size_t i;
	int r;

	if (!c->on || !c->paths)
		return 0;
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		char path[PATH_MAX], name[PATH_MAX];

		full_path(proc ? proc : "/proc", paths[i].path, path, sizeof(path));
		full_path("/proc", paths[i].path, name, sizeof(name));
		if (unmasked(c, name))
			continue;
		r = confine_path(c, rootfd, path, name, proc != NULL, paths[i].how);
		if (r == -ENOSYS)
			return cu_error_set(e, 0, CONFINE_NO_OPENAT2, path);
		if (r < 0)
			return cu_error_set(e, -r, paths[i].how == MASK ? _("cannot mask %s")
									 : _("cannot make %s read-only"),
					    path);
	}
	if (!unmasked(c, "/sys")) {
		r = sys_read_only(rootfd);
		if (r == -ENOSYS)
			return cu_error_set(e, 0, CONFINE_NO_OPENAT2, "/sys");
		if (r < 0)
			return cu_error_set(e, -r, _("cannot make %s read-only"), "/sys");
	}
	return 0;
}

/* Keep only c->keep: bounding set first (needs CAP_SETPCAP), then capset. */
static int drop_caps(uint64_t keep, struct cu_error *e)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
	unsigned cap, i;

	for (cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in < 0)
			break;	/* EINVAL: past the last capability of this kernel */
		if (in == 1 && !((keep >> cap) & 1) &&
		    ex_capbset_drop(cap) < 0)
			return cu_error_set(e, errno, _("cannot drop capability %u from the bounding set"),
					    cap);
	}
	if (syscall(SYS_capget, &hdr, data) < 0)
		return cu_error_set(e, errno, _("cannot read capabilities"));
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		uint32_t k = (uint32_t) (keep >> (32 * i));

		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable &= k;
	}
	if (ex_capset(&hdr, data) < 0)
		return cu_error_set(e, errno, _("cannot set capabilities"));
	return 0;
}

int confine_lockdown(const struct confine *c, struct cu_error *e)
{
	int r;

	if (!c->on)
		return 0;
	if (c->seccomp && (r = syscall_filter_install(&c->filter, e)) < 0)
		return r;
	if (c->caps && (r = drop_caps(c->keep, e)) < 0)
		return r;
	return 0;
}
