// SPDX-License-Identifier: GPL-2.0-or-later
/* ns-mount.c - propagation, pivot_root, volumes inside the root, /proc, /dev, /sys */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/capability.h>
#include <unistd.h>

#include "c.h"
#include "caps.h"
#include "explain.h"
#include "ns-mount.h"
#include "syscalls.h"

int mount_parse_propagation(const char *s, unsigned long *flags)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} modes[] = {
		{ "private", MS_PRIVATE }, { "slave", MS_SLAVE },
		{ "shared", MS_SHARED }, { "unchanged", 0 },
	};
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(modes); i++)
		if (streq(s, modes[i].name)) {
			*flags = modes[i].flags;
			return 0;
		}
	return -EINVAL;
}

int mount_set_propagation(unsigned long flags, struct cu_error *e)
{
	if (!flags)
		return 0;
	if (ex_mount("none", "/", NULL, MS_REC | flags, NULL) == 0)
		return 0;
	if (errno == EINVAL)	/* flags are valid: "/" is no mount point */
		return cu_error_set(e, 0, _("cannot change the propagation of /: %s (the root is no mount point: a chroot; run nsrun outside it, or bind its directory on itself first)"),
				    strerror(EINVAL));
	return cu_error_set(e, errno, _("cannot change the propagation of /"));
}

/* "/proc/self/fd/N" for mount(2) through an fd. */
static const char *fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/*
 * The new root is taken by file descriptor, never by a second lookup of
 * its path: a bind of "." (or of /proc/self/cwd, or of a symlink to the
 * cwd) covers the directory, but the cwd and any path through it still
 * lead to the covered one, where pivot_root(2) fails.  open_tree() clones
 * the tree at @dir and move_mount() attaches that very clone on top of it;
 * the fd then names the root of the mount pivot_root needs.
 */
int mount_open_root(const char *dir, struct cu_error *e)
{
	_cleanup_close_ int dirfd = -1;
	int fd;

	if (!dir) {
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? cu_error_set(e, errno, _("cannot open the new root %s"), "/") : fd;
	}
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return cu_error_set(e, errno, _("cannot open the new root %s"), dir);
	fd = ex_open_tree(dirfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			   AT_RECURSIVE | AT_EMPTY_PATH);
	if (explain_dry_run()) {
		/*
		 * A dry run: the move_mount is narrated, and the plan walks on
		 * in the directory itself, so paths inside it are checked as
		 * in a real run.
		 */
		(void) ex_move_mount(fd, "", dirfd, "",
				     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
		return take_fd(&dirfd);
	}
	if (fd < 0 && errno == ENOSYS)
		return cu_error_set(e, 0, _("cannot bind the new root %1$s: %2$s (--root needs Linux 5.2 or later: open_tree)"),
				    dir, strerror(ENOSYS));
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot bind the new root %s"), dir);
	if (ex_move_mount(fd, "", dirfd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int r = cu_error_set(e, errno, _("cannot bind the new root %s"), dir);

		close(fd);
		return r;
	}
	return fd;
}

static int open_in(int rootfd, const char *path)
{
	struct cu_open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(rootfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* Create the last component of @path (whose parent is @parent) as a dir or file. */
/* The number of @fd as strace shows it, or a dry run's "<fd>". */
static const char *fd_text(int fd, char *buf, size_t len)
{
	if (fd == EXPLAIN_DRY_FD)
		snprintf(buf, len, "<fd>");
	else
		snprintf(buf, len, "%d", fd);
	return buf;
}

static int create_last(int parent, const char *name, bool file)
{
	struct explain_step s;
	char pfd[16];
	int fd = 0;

	if (!file) {
		if (explain_step_begin(&s, EXPLAIN_PRIV_FILE, _("a mount point"),
				       "mkdirat(%s, \"%s\", 0755)",
				       fd_text(parent, pfd, sizeof(pfd)), name))
			fd = mkdirat(parent, name, 0755);
		return explain_step_end(&s, fd) < 0 && errno != EEXIST ? -errno : 0;
	}
	if (explain_step_begin(&s, EXPLAIN_PRIV_FILE, _("a mount point"),
			       "openat(%s, \"%s\", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0644)",
			       fd_text(parent, pfd, sizeof(pfd)), name))
		fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0644);
	if (explain_step_end(&s, fd) < 0)
		return errno == EEXIST ? 0 : -errno;
	if (fd >= 0 && !explain_dry_run())
		close(fd);
	return 0;
}

/*
 * Walk @path one component at a time inside @rootfd, creating what is
 * missing; each step is an openat2(RESOLVE_IN_ROOT) from the root, so a
 * symlink met on the way resolves inside the root too.
 */
static int walk_create(int rootfd, const char *path, bool file)
{
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_free_ char *prefix = xcalloc(1, strlen(path) + 2);
	char *save = NULL, *comp = strtok_r(copy, "/", &save);
	bool planned = false;	/* a dry run: this part of the path is missing */

	if (!comp)
		return open_in(rootfd, "/");
	while (comp) {
		char *next = strtok_r(NULL, "/", &save);
		size_t plen = strlen(prefix);
		int fd;

		prefix[plen] = '/';
		memcpy(prefix + plen + 1, comp, strlen(comp) + 1);
		if (planned) {
			int r = create_last(EXPLAIN_DRY_FD, comp, file && !next);

			if (r < 0)
				return r;
			if (!next)
				return EXPLAIN_DRY_FD;
			comp = next;
			continue;
		}
		fd = open_in(rootfd, prefix);
		if (fd == -ENOENT) {
			_cleanup_close_ int parent = -1;
			int r;

			prefix[plen] = '\0';
			parent = open_in(rootfd, plen ? prefix : "/");
			prefix[plen] = '/';
			if (parent < 0)
				return parent;
			r = create_last(parent, comp, file && !next);
			if (r < 0)
				return r;
			if (explain_dry_run()) {	/* the plan made nothing */
				planned = true;
				if (!next)
					return EXPLAIN_DRY_FD;
				comp = next;
				continue;
			}
			fd = open_in(rootfd, prefix);
		}
		if (fd < 0 || !next)
			return fd;
		close(fd);
		comp = next;
	}
	return -EINVAL;
}

int mount_open_in_root(int rootfd, const char *path, bool file, struct cu_error *e)
{
	int fd;

	if (!path || path[0] != '/')
		return cu_error_set(e, EINVAL, _("not an absolute path: %s"), path ? path : "");
	fd = walk_create(rootfd, path, file);
	if (fd == EXPLAIN_DRY_FD)
		return fd;
	if (fd == -ENOSYS)	/* openat2's RESOLVE_IN_ROOT: Linux 5.6 */
		return cu_error_set(e, 0, _("cannot make the mount point %s: this kernel has no openat2 (mounts inside --root need Linux 5.6 or later)"),
				    path);
	if (fd < 0)
		return cu_error_set(e, fd, _("cannot make the mount point %s"), path);
	return fd;
}

/*
 * mount(2)'s bind, then its remount.  @dstfd still names the directory
 * under the new bind: the remount goes through @dst opened again in
 * @rootfd, which reaches the bind itself.
 */
static int bind_legacy(const char *src, int dstfd, int rootfd, const char *dst, bool ro)
{
	_cleanup_close_ int top = -1;
	char buf[64];

	fd_path(dstfd, buf, sizeof(buf));
	if (ex_mount(src, buf, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (!ro)
		return 0;
	top = open_in(rootfd, dst);
	if (top < 0)
		return top;
	fd_path(top, buf, sizeof(buf));
	if (ex_mount(NULL, buf, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return -errno;
	return 0;
}

/* open_tree(CLONE) + mount_setattr + move_mount onto @dstfd. */
static int bind_fd(int srcfd, int dstfd, bool ro)
{
	struct cu_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (ro && ex_mount_setattr(srcfd, "", AT_EMPTY_PATH | AT_RECURSIVE,
				    &attr, sizeof(attr)) < 0)
		return -errno;
	if (ex_move_mount(srcfd, "", dstfd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int mount_bind_in_root(int rootfd, const char *src, const char *dst, bool ro,
		       struct cu_error *e)
{
	_cleanup_close_ int srcfd = -1, dstfd = -1;
	struct stat st;
	int r;

	if (stat(src, &st) < 0) {
		/* a dry run's anonymous volume, "nsrun-volume.XXXXXX": not made */
		if (!explain_dry_run() || errno != ENOENT || strlen(src) < 7 || !streq(src + strlen(src) - 7, ".XXXXXX"))
			return cu_error_set(e, errno, _("cannot use the volume source %s"), src);
		st.st_mode = S_IFDIR;
	}
	dstfd = mount_open_in_root(rootfd, dst, !S_ISDIR(st.st_mode), e);
	if (ex_fd_failed(dstfd))
		return dstfd;
	srcfd = ex_open_tree(AT_FDCWD, src,
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (!ex_fd_failed(srcfd))
		r = bind_fd(srcfd, dstfd, ro);
	else
		r = -errno;
	/* no open_tree before Linux 5.2, no mount_setattr before 5.12 */
	if (r == -ENOSYS)
		r = bind_legacy(src, dstfd, rootfd, dst, ro);
	if (r < 0)
		return cu_error_set(e, r, _("cannot bind %1$s on %2$s"), src, dst);
	return 0;
}

/* mount(2) of a new filesystem on an fd from mount_open_in_root(). */
static int mount_on_fd(int fd, const char *type, unsigned long flags,
		       const char *data)
{
	char buf[64];

	fd_path(fd, buf, sizeof(buf));
	return ex_mount(type, buf, type, flags, data) < 0 ? -errno : 0;
}

static int fs_in_root(int rootfd, const char *dst, const char *type,
		      unsigned long flags, const char *data, struct cu_error *e)
{
	_cleanup_close_ int fd = mount_open_in_root(rootfd, dst, false, e);
	int r;

	if (ex_fd_failed(fd))
		return fd;
	r = mount_on_fd(fd, type, flags, data);
	if (r < 0)
		return cu_error_set(e, r, _("cannot mount %1$s on %2$s"), type, dst);
	return 0;
}

int mount_tmpfs_in_root(int rootfd, const char *dst, struct cu_error *e)
{
	return fs_in_root(rootfd, dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", e);
}

/* The nodes of --mount-dev: their numbers are the kernel's (devices.txt). */
static const struct {
	const char *name;
	unsigned major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

/*
 * Make the nodes in the new /dev with mknod(2), as root may: no mount per
 * node to make now and to take down when the namespace ends.  0; 1 when
 * mknod is not ours to use (a user namespace, or no CAP_MKNOD), so the
 * host's nodes must be bound instead; -errno else.  A node made before an
 * EPERM is removed, so the binds find an empty /dev.
 */
static int dev_nodes_mknod(int devfd)
{
	mode_t old = umask(0);
	struct explain_step s;
	char pfd[16];
	size_t made;
	int r = 0;

	/* a dry run cannot try: root may make the nodes, anyone else binds */
	if (explain_dry_run() && !caps_have(CAP_MKNOD))
		return 1;
	for (made = 0; made < ARRAY_SIZE(dev_nodes); made++) {
		long m = 0;

		if (explain_step_begin(&s, EXPLAIN_PRIV_FILE, "mknod",
				       "mknodat(%s, \"%s\", S_IFCHR|0666, makedev(%#x, %#x))",
				       fd_text(devfd, pfd, sizeof(pfd)),
				       dev_nodes[made].name, dev_nodes[made].major,
				       dev_nodes[made].minor))
			m = mknodat(devfd, dev_nodes[made].name, S_IFCHR | 0666,
				    makedev(dev_nodes[made].major, dev_nodes[made].minor));
		if (explain_step_end(&s, m) < 0) {
			r = errno == EPERM ? 1 : -errno;
			break;
		}
	}
	umask(old);
	while (r == 1 && made > 0)
		(void) unlinkat(devfd, dev_nodes[--made].name, 0);
	return r;
}

/*
 * Where mknod is refused: bind the host's nodes, found through @hostdev,
 * the host's /dev opened before the new tmpfs covered it (without --root
 * it goes on the host's /dev).
 */
static int dev_nodes_bind(int rootfd, int hostdev, struct cu_error *e)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		_cleanup_close_ int src = -1, dst = -1;
		char inside[32];
		int r;

		src = ex_open_tree(hostdev, dev_nodes[i].name,
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (src < 0 && errno == ENOSYS)
			return cu_error_set(e, 0, _("cannot copy the device %s: this kernel has no open_tree (a minimal /dev needs Linux 5.2 or later)"),
					    dev_nodes[i].name);
		if (ex_fd_failed(src))
			return cu_error_set(e, errno, _("cannot copy the device %s"),
					    dev_nodes[i].name);
		snprintf(inside, sizeof(inside), "/dev/%s", dev_nodes[i].name);
		dst = mount_open_in_root(rootfd, inside, true, e);
		if (ex_fd_failed(dst))
			return dst;
		r = bind_fd(src, dst, false);
		if (r < 0)
			return cu_error_set(e, r, _("cannot bind %1$s on %2$s"), inside, inside);
	}
	return 0;
}

static int dev_nodes_make(int rootfd, int hostdev, struct cu_error *e)
{
	_cleanup_close_ int devfd = mount_open_in_root(rootfd, "/dev", false, e);
	int r;

	if (ex_fd_failed(devfd))
		return devfd;
	r = dev_nodes_mknod(devfd);
	if (r < 0)
		return cu_error_set(e, r, _("cannot make the devices in %s"), "/dev");
	return r == 1 ? dev_nodes_bind(rootfd, hostdev, e) : 0;
}

static int dev_links_make(int rootfd, struct cu_error *e)
{
	_cleanup_close_ int devfd = mount_open_in_root(rootfd, "/dev", false, e);
	struct explain_step s;
	char pfd[16];
	size_t i;

	if (ex_fd_failed(devfd))
		return devfd;
	for (i = 0; i < ARRAY_SIZE(dev_links); i++) {
		int r = 0;

		if (explain_step_begin(&s, EXPLAIN_PRIV_FILE, NULL,
				       "symlinkat(\"%s\", %s, \"%s\")",
				       dev_links[i].target, fd_text(devfd, pfd, sizeof(pfd)),
				       dev_links[i].name))
			r = symlinkat(dev_links[i].target, devfd, dev_links[i].name);
		if (explain_step_end(&s, r) < 0)
			return cu_error_set(e, errno, _("cannot make /dev/%s"), dev_links[i].name);
	}
	return 0;
}

int mount_dev(int rootfd, struct cu_error *e)
{
	_cleanup_close_ int hostdev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (hostdev < 0)
		return cu_error_set(e, errno, _("cannot open %s"), "/dev");
	r = fs_in_root(rootfd, "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
		       "mode=755", e);
	if (r == 0)
		r = dev_nodes_make(rootfd, hostdev, e);
	if (r == 0)
		r = fs_in_root(rootfd, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			       "newinstance,ptmxmode=0666,mode=620", e);
	if (r == 0)
		r = mount_tmpfs_in_root(rootfd, "/dev/shm", e);
	if (r == 0)
		r = dev_links_make(rootfd, e);
	return r;
}

int mount_sys(int rootfd, struct cu_error *e)
{
	_cleanup_close_ int fd = mount_open_in_root(rootfd, "/sys", false, e);
	int r;

	if (ex_fd_failed(fd))
		return fd;
	r = mount_on_fd(fd, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL);
	if (r == -EPERM) {
		/* a user namespace without its own network namespace: no new sysfs */
		return mount_bind_in_root(rootfd, "/sys", "/sys", true, e);
	}
	if (r < 0)
		return cu_error_set(e, r, _("cannot mount %1$s on %2$s"), "sysfs", "/sys");
	return 0;
}

int mount_pivot_root(int rootfd, struct cu_error *e)
{
	if (fchdir(rootfd) < 0)
		return cu_error_set(e, errno, _("cannot change directory to the new root"));
	if (ex_pivot_root(".", ".") < 0) {
		/*
		 * EINVAL, as the caller made the namespace's mounts private or
		 * slaves and @rootfd a mount of its own: the current root cannot
		 * be moved (rootfs, an initramfs) or is no mount (a chroot).
		 */
		if (errno == EINVAL)
			return cu_error_set(e, 0, _("cannot pivot_root into the new root: %s (the current root cannot be moved: an initramfs or a chroot; add --no-pivot to use chroot, which a root process can escape)"),
					    strerror(EINVAL));
		return cu_error_set(e, errno, _("cannot pivot_root into the new root"));
	}
	/*
	 * The old root is stacked on ".": umount2 finds it there (mount(2)
	 * would act on the new root below it).  Nothing in it is shared, so
	 * the detach reaches no peer outside.
	 */
	if (ex_umount2(".", MNT_DETACH) < 0)
		return cu_error_set(e, errno, _("cannot detach the old root"));
	if (chdir("/") < 0)
		return cu_error_set(e, errno, _("cannot change directory to %s"), "/");
	return 0;
}

int mount_move_root(int rootfd, struct cu_error *e)
{
	struct explain_step s;
	long r = 0;

	/* runc's --no-pivot: the new root moved over "/", then chroot into it */
	if (fchdir(rootfd) < 0)
		return cu_error_set(e, errno, _("cannot change directory to the new root"));
	if (ex_mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return cu_error_set(e, errno, _("cannot move the new root onto %s"), "/");
	if (explain_step_begin(&s, EXPLAIN_PRIV_MOUNT, "chroot .", "chroot(\".\")"))
		r = chroot(".");
	if (explain_step_end(&s, r) < 0 || chdir("/") < 0)
		return cu_error_set(e, errno, _("cannot chroot into the new root"));
	return 0;
}

int mount_proc(int rootfd, const char *dir, struct cu_error *e)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int fd = -1;

	/*
	 * Before pivot_root: in a user namespace the kernel only allows a new
	 * procfs while a fully visible one is still in the mount namespace.
	 * Our own root (@rootfd < 0) holds no path we must not follow: mount
	 * on @dir as it is, and walk (creating it) only when it is missing.
	 */
	if (rootfd < 0 && dir && dir[0] == '/') {
		if (ex_mount("proc", dir, "proc", flags, NULL) == 0)
			return 0;
		if (errno != ENOENT)
			return cu_error_set(e, errno, _("cannot mount %1$s on %2$s"), "proc", dir);
	}
	if (rootfd < 0) {
		fd = mount_open_root(NULL, e);
		if (fd < 0)
			return fd;
		rootfd = fd;
	}
	return fs_in_root(rootfd, dir, "proc", flags, NULL, e);
}
