// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * union-mount.c - overlayfs unions: checks, new-mount-API mounting with one
 * lowerdir+ per layer, image-file layers on loop devices, umount.  The
 * records of what a mount made are union-state.c's, the listing is
 * union-list.c's.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "c.h"
#include "explain.h"
#include "fileutils.h"
#include "nls.h"
#include "syscalls.h"
#include "union.h"
#include "union-int.h"
#include "union-libmount.h"

#ifndef OVERLAYFS_SUPER_MAGIC
# define OVERLAYFS_SUPER_MAGIC	0x794c7630
#endif
#ifndef MOUNT_ATTR_RDONLY
# define MOUNT_ATTR_RDONLY	0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
# define MOUNT_ATTR_NOSUID	0x00000002
# define MOUNT_ATTR_NODEV	0x00000004
# define MOUNT_ATTR_NOEXEC	0x00000008
#endif

/* The longest string value fsconfig(FSCONFIG_SET_STRING) copies. */
#define OVL_FSCONFIG_MAX	255
/* What mount(2) copies of the option string: one page. */
#define OVL_PAGE_MAX		4095
/* The source shown in the mount table for our unions. */
#define OVL_SOURCE		"overlay"


bool ovl_in_userns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "r" CU_CLOEXECSTR);
	unsigned long inside, outside, count;
	int n;

	if (!f)
		return false;
	n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return n == 3 && !(inside == 0 && outside == 0 && count == 4294967295UL);
}

const char *ovl_xattr_prefix(void)
{
	return ovl_in_userns() ? "user.overlay." : "trusted.overlay.";
}

/*
 * Is the file @path a filesystem image libblkid recognises?  1 with its
 * name in *type, 0 when it is not, <0 when libblkid cannot be loaded.
 */
static int probe_image(const char *path, char *type, size_t len, struct cu_error *e)
{
	const struct layer_blkid *bl = layer_blkid_lib(e);
	blkid_probe pr;
	const char *val = NULL;
	int found = 0;

	if (!bl)
		return -ENOENT;
	pr = bl->blkid_new_probe_from_filename(path);
	if (!pr)
		return 0;
	bl->blkid_probe_enable_superblocks(pr, 1);
	bl->blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
	if (bl->blkid_do_safeprobe(pr) == 0 &&
	    bl->blkid_probe_lookup_value(pr, "USAGE", &val, NULL) == 0 &&
	    streq(val, "filesystem") &&
	    bl->blkid_probe_lookup_value(pr, "TYPE", &val, NULL) == 0) {
		found = snprintf(type, len, "%s", val) < (int) len;
	}
	bl->blkid_free_probe(pr);
	return found;
}

static int check_layer(const char *path, struct cu_error *e)
{
	struct stat st;
	char type[64];
	int rc;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return cu_error_set(e, 0, _("missing layer: %s: no such file or directory (check the --lower list)"), path);
		return cu_error_set(e, errno, _("cannot use layer: %s"), path);
	}
	if (S_ISDIR(st.st_mode))
		return 0;
	rc = S_ISREG(st.st_mode) ? probe_image(path, type, sizeof(type), e) : 0;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	return cu_error_set(e, 0, _("unusable layer: %s: neither a directory nor a filesystem image (give a directory, or a squashfs, erofs or ext4 image)"), path);
}

static int check_dir(const char *what, const char *path, struct cu_error *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		/* TRANSLATORS: %1$s is "upper", "work" or "target". */
		return cu_error_set(e, errno, _("cannot use %1$s directory: %2$s"), what, path);
	if (!S_ISDIR(st.st_mode))
		return cu_error_set(e, ENOTDIR, _("cannot use %1$s directory: %2$s"), what, path);
	return 0;
}

/* The work dir made beside @upper when --work is not given ("U.work"). */
static char *auto_work_path(const char *upper)
{
	char *p = NULL;
	size_t len = strlen(upper);

	while (len > 1 && upper[len - 1] == '/')
		len--;
	xasprintf(&p, "%.*s.work", (int) len, upper);
	return p;
}

/* The directory whose mount the work dir will be on. */
static char *work_mount_probe(const struct ovl_spec *s)
{
	char *work;
	size_t cut;

	if (s->work)
		return xstrdup(s->work);
	work = auto_work_path(s->upper);
	if (access(work, F_OK) == 0)
		return work;
	cut = strlen(work);
	while (cut > 0 && work[cut - 1] != '/')
		cut--;
	if (cut == 0) {
		free(work);
		return xstrdup(".");
	}
	work[cut > 1 ? cut - 1 : 1] = '\0';
	return work;
}

static int check_same_mount(const struct ovl_spec *s, struct cu_error *e)
{
	_cleanup_free_ char *probe = work_mount_probe(s);
	uint64_t a, b;
	int rc;

	rc = union_mount_id_of(s->upper, &a);
	if (rc == 0)
		rc = union_mount_id_of(probe, &b);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot find the mount of %s"), probe);
	if (a != b)
		return cu_error_set(e, 0, _("upper and work are on different mounts: %1$s, %2$s (put the work directory on the same mount as the upper)"), s->upper, probe);
	return 0;
}

static bool same_path(const char *a, const char *b)
{
	_cleanup_free_ char *ra = a ? realpath(a, NULL) : NULL;
	_cleanup_free_ char *rb = b ? realpath(b, NULL) : NULL;

	return ra && rb && streq(ra, rb);
}

static int check_upper_free(const struct ovl_spec *s, struct cu_error *e)
{
	struct ovl_info *infos = NULL;
	size_t n = 0, i;
	int rc = ovl_list(&infos, &n, e);

	for (i = 0; rc == 0 && i < n; i++) {
		if (same_path(infos[i].upper, s->upper) ||
		    same_path(infos[i].work, s->upper) ||
		    (s->work && (same_path(infos[i].work, s->work) ||
				 same_path(infos[i].upper, s->work))))
			rc = cu_error_set(e, 0, _("upper already in use: %1$s: by the union on %2$s (unmount it first, or give another --upper)"), s->upper, infos[i].target);
	}
	ovl_list_free(infos, n);
	return rc;
}

static int check_upper(const struct ovl_spec *s, struct cu_error *e)
{
	struct statfs sfs;
	int rc;

	rc = check_dir("upper", s->upper, e);
	if (rc < 0)
		return rc;
	if (statfs(s->upper, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC)
		return cu_error_set(e, 0, _("upper on overlayfs: %s: overlayfs cannot be an upper layer (put the upper on tmpfs, ext4, xfs or btrfs)"), s->upper);
	if (s->work) {
		rc = check_dir("work", s->work, e);
		if (rc < 0)
			return rc;
	}
	rc = check_same_mount(s, e);
	if (rc < 0)
		return rc;
	return check_upper_free(s, e);
}

int ovl_check(const struct ovl_spec *s, struct cu_error *e)
{
	size_t i;
	int rc;

	if (s->nlowers == 0)
		return cu_error_set(e, 0, _("no layer given (add --lower DIR)"));
	if (s->nlowers > OVL_MAX_LAYERS)
		return cu_error_set(e, 0, _("too many layers: %1$zu: the kernel's limit is %2$d (merge layers with commit and apply)"), s->nlowers, OVL_MAX_LAYERS);
	for (i = 0; i < s->nlowers; i++) {
		rc = check_layer(s->lowers[i], e);
		if (rc < 0)
			return rc;
	}
	rc = check_dir("target", s->target, e);
	if (rc < 0 || !s->upper)
		return rc;
	return check_upper(s, e);
}

/* ---- image-file layers: a loop device and a detached read-only mount ---- */

/* An image layer: its detached mount, or in a plan the mount not made. */
#define is_image(l)	((l)->mntfd >= 0 || (l)->mntfd == EXPLAIN_DRY_FD)

/*
 * The loop ioctls, narrated (issue 19) as losetup's calls; in a plan the
 * device is "/dev/loopN" and nothing is opened for writing.
 */
static int loop_get_free(int ctl)
{
	struct explain_step st;
	long r;

	if (!explain_on())
		return ioctl(ctl, LOOP_CTL_GET_FREE);
	if (!explain_begin(&st, EXPLAIN_PRIV_MOUNT, "ioctl(%d, LOOP_CTL_GET_FREE)", ctl)) {
		explain_concept(&st, "%s", _("losetup --find: a free loop device"));
		explain_end(&st, 0, 0);
		return 0;
	}
	explain_concept(&st, "%s", _("losetup --find: a free loop device"));
	r = ioctl(ctl, LOOP_CTL_GET_FREE);
	return (int) explain_end(&st, r, r < 0 ? errno : 0);
}

static int loop_configure(int fd, struct loop_config *cfg, const char *dev, const char *image)
{
	struct explain_step st;
	long r;

	if (!explain_on())
		return ioctl(fd, LOOP_CONFIGURE, cfg);
	if (!explain_begin(&st, EXPLAIN_PRIV_MOUNT,
			   "ioctl(%d, LOOP_CONFIGURE, {fd=%u, info.lo_flags=LO_FLAGS_READ_ONLY|LO_FLAGS_AUTOCLEAR})",
			   fd, cfg->fd)) {
		explain_concept(&st, "losetup --read-only %s %s", explain_dry_run() ? "/dev/loopN" : dev, image);
		explain_end(&st, 0, 0);
		return 0;
	}
	explain_concept(&st, "losetup --read-only %s %s", dev, image);
	r = ioctl(fd, LOOP_CONFIGURE, cfg);
	return (int) explain_end(&st, r, r < 0 ? errno : 0);
}

static int loop_attach(const char *image, char *dev, size_t len)
{
	_cleanup_close_ int ctl = -1, img = -1;
	struct loop_config cfg;
	int tries, nr, fd;

	img = open(image, O_RDONLY | O_CLOEXEC);
	/* a plan opens no device for writing: it needs none to print */
	ctl = explain_dry_run() ? EXPLAIN_DRY_FD : open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (img < 0 || (ctl < 0 && ctl != EXPLAIN_DRY_FD))
		return -errno;
	for (tries = 0; tries < 16; tries++) {
		nr = loop_get_free(ctl);
		if (nr < 0)
			return -errno;
		if (snprintf(dev, len, explain_dry_run() ? "/dev/loopN" : "/dev/loop%d", nr) >= (int) len)
			return -ENAMETOOLONG;
		fd = explain_dry_run() ? EXPLAIN_DRY_FD : open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && fd != EXPLAIN_DRY_FD)
			return -errno;
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = (uint32_t) img;
		cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		snprintf((char *) cfg.info.lo_file_name, LO_NAME_SIZE, "%s", image);
		if (loop_configure(fd, &cfg, dev, image) == 0)
			return fd;
		close(fd);
		if (errno != EBUSY)
			return -errno;
	}
	return -EBUSY;
}

/* Mount the loop device @loopfd of type @type read-only, detached. */
static int image_fsmount(const char *dev, const char *type, struct cu_error *e)
{
	_cleanup_close_ int fs = ex_fsopen(type, FSOPEN_CLOEXEC);
	int mfd;

	if (fs < 0 && fs != EXPLAIN_DRY_FD)
		return cu_error_set(e, errno, errno == ENOSYS ?
				    _("cannot mount image layer as %s: fsopen(2) needs Linux 5.2") :
				    _("cannot mount image layer as %s"), type);
	if (ex_fsconfig(fs, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
	    ex_fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    ex_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cu_error_set(e, errno, _("cannot mount image layer %1$s as %2$s"), dev, type);
	mfd = ex_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mfd < 0 && mfd != EXPLAIN_DRY_FD)
		return cu_error_set(e, errno, _("cannot mount image layer %1$s as %2$s"), dev, type);
	return mfd;
}

static int layer_open_image(struct ovl_layer *l, struct cu_error *e)
{
	char type[64];
	int loopfd, rc;

	rc = probe_image(l->path, type, sizeof(type), e);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return cu_error_set(e, 0, _("unusable layer: %s: neither a directory nor a filesystem image (give a directory, or a squashfs, erofs or ext4 image)"), l->path);
	loopfd = loop_attach(l->path, l->loopdev, sizeof(l->loopdev));
	if (loopfd < 0 && loopfd != EXPLAIN_DRY_FD) {
		l->loopdev[0] = '\0';
		if (loopfd == -ENOENT && access("/dev/loop-control", F_OK) < 0)
			return cu_error_set(e, 0, _("cannot attach a loop device to %s: no /dev/loop-control (load the loop module: modprobe loop)"), l->path);
		return cu_error_set(e, loopfd, _("cannot attach a loop device to %s"), l->path);
	}
	rc = image_fsmount(l->loopdev, type, e);
	/* The mounted filesystem now holds the device; autoclear frees it. */
	if (loopfd >= 0)
		close(loopfd);
	if (rc < 0 && rc != EXPLAIN_DRY_FD)
		return rc;
	l->mntfd = rc;
	return 0;
}

static void layers_release(struct ovl_made *m)
{
	size_t i;

	for (i = 0; i < m->nlayers; i++) {
		if (m->layers[i].mntfd >= 0)
			close(m->layers[i].mntfd);
		if (m->layers[i].dirfd >= 0)
			close(m->layers[i].dirfd);
		m->layers[i].mntfd = m->layers[i].dirfd = -1;
		free(m->layers[i].abs);
		m->layers[i].abs = NULL;
	}
}

/*
 * A directory is opened once and given to the kernel by its fd, which
 * names it by its absolute path; an image file or the one layer of a bind
 * is named in the record, by its absolute path.
 */
static int layers_open(const struct ovl_spec *s, struct ovl_made *m, struct cu_error *e)
{
	struct ovl_layer *l;
	size_t i;
	int rc;

	m->layers = xcalloc(s->nlowers, sizeof(*m->layers));
	m->nlayers = s->nlowers;
	for (i = 0; i < s->nlowers; i++) {
		m->layers[i].path = s->lowers[i];
		m->layers[i].mntfd = m->layers[i].dirfd = -1;
	}
	for (i = 0; i < s->nlowers; i++) {
		l = &m->layers[i];
		l->dirfd = open(l->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (l->dirfd < 0 || s->nlowers == 1)
			l->path = l->abs = union_abs_path(l->path);
		if (l->dirfd >= 0)
			continue;
		rc = layer_open_image(l, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int work_prepare(const struct ovl_spec *s, struct ovl_made *m,
			char **work, struct cu_error *e)
{
	char *stale;
	int rc;

	if (!s->upper)
		return 0;
	if (s->work) {
		*work = xstrdup(s->work);
		return 0;
	}
	*work = auto_work_path(s->upper);
	stale = union_pending_read(s->target, m->pending, sizeof(m->pending));
	if (stale && streq(stale, *work) && access(*work, F_OK) == 0) {
		/* a mount of ours was stopped after making it: still ours */
		free(stale);
		m->work = xstrdup(*work);
		return 0;
	}
	free(stale);
	rc = union_pending_write(s->target, *work, m);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot record the mount in %s"), OVL_STATE_DIR);
	if (ex_mkdir(*work, 0700) == 0) {
		m->work = xstrdup(*work);	/* a plan's rollback only narrates */
		return 0;
	}
	rc = errno;
	union_pending_drop(m);
	if (rc == EEXIST)
		return check_dir("work", *work, e);
	return cu_error_set(e, rc, _("cannot create work directory %s"), *work);
}

/* ---- mounting ---- */

/* The kernel's own reason, from the fs context's message log. */
static void fs_log_append(int fs, struct cu_error *e)
{
	char buf[512];
	ssize_t n;
	size_t len;

	if (!e)
		return;
	while ((n = read(fs, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (n > 2 && (buf[0] == 'e' || buf[0] == 'w') && buf[1] == ' ') {
			buf[strcspn(buf, "\n")] = '\0';
			len = strlen(e->msg);
			if (len + strlen(buf) + 2 < sizeof(e->msg)) {
				e->msg[len] = ' ';
				e->msg[len + 1] = '(';
				memcpy(e->msg + len + 2, buf + 2, strlen(buf + 2));
				memcpy(e->msg + len + 2 + strlen(buf + 2), ")", 2);
			}
		}
	}
}

/*
 * How the layers reach overlay, newest first.  A kernel that lacks one
 * falls back to the next; CU_OVERLAY_FORCE=fd|path|string starts lower
 * (for tests of the older ways on a new kernel; a kernel that lacks the
 * way asked for still gets the next one it has).
 */
enum ovl_api {
	OVL_API_FD,		/* lowerdir+ by file descriptor: Linux 6.13 */
	OVL_API_PATH,		/* lowerdir+ by path string: Linux 6.8 */
	OVL_API_STRING,		/* the lowerdir= option string of mount(2) */
};

static const char *const ovl_api_names[] = {
	[OVL_API_FD]     = "fd",
	[OVL_API_PATH]   = "path",
	[OVL_API_STRING] = "string",
};

static bool api_forced(void)
{
	const char *v = getenv("CU_OVERLAY_FORCE");

	return v && *v;
}

/* The first way to try: 0, or -EINVAL for a CU_OVERLAY_FORCE we do not know. */
static int api_wanted(enum ovl_api *api, struct cu_error *e)
{
	const char *v = getenv("CU_OVERLAY_FORCE");
	size_t i;

	*api = OVL_API_FD;
	if (!v || !*v)
		return 0;
	for (i = 0; i < ARRAY_SIZE(ovl_api_names); i++)
		if (streq(v, ovl_api_names[i])) {
			*api = (enum ovl_api) i;
			return 0;
		}
	return cu_error_set(e, 0, _("unknown CU_OVERLAY_FORCE value: %s (use fd, path or string)"), v);
}

/* -o split into mount attributes and the options overlay itself parses. */
struct ovl_opts {
	unsigned int attrs;	/* MOUNT_ATTR_*: nodev,nosuid unless -o dev,suid */
	char *fsopts;		/* the rest, as given, comma-separated, or NULL */
};

static const struct {
	const char *name;
	unsigned int attr;
	bool set;
} ovl_attr_opts[] = {
	{ "ro",     MOUNT_ATTR_RDONLY, true },  { "rw",       MOUNT_ATTR_RDONLY, false },
	{ "nodev",  MOUNT_ATTR_NODEV,  true },  { "dev",      MOUNT_ATTR_NODEV,  false },
	{ "nosuid", MOUNT_ATTR_NOSUID, true },  { "suid",     MOUNT_ATTR_NOSUID, false },
	{ "noexec", MOUNT_ATTR_NOEXEC, true },  { "exec",     MOUNT_ATTR_NOEXEC, false },
};

static int split_options(const char *options, bool ro, struct ovl_opts *o)
{
	const struct layer_mount *ml;
	char *opts, *name, *value, *cur;
	size_t nsz, vsz, i, len = 0;

	o->attrs = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | (ro ? MOUNT_ATTR_RDONLY : 0);
	o->fsopts = NULL;
	if (!options || !*options)
		return 0;
	ml = layer_mount_lib(NULL);
	if (!ml)
		return -ELIBACC;
	opts = cur = xstrdup(options);
	while (ml->mnt_optstr_next_option(&cur, &name, &nsz, &value, &vsz) == 0) {
		size_t tlen = (size_t) ((value ? value + vsz : name + nsz) - name);

		for (i = 0; i < ARRAY_SIZE(ovl_attr_opts); i++)
			if (!value && nsz == strlen(ovl_attr_opts[i].name) &&
			    strncmp(name, ovl_attr_opts[i].name, nsz) == 0)
				break;
		if (i < ARRAY_SIZE(ovl_attr_opts)) {
			if (ovl_attr_opts[i].set)
				o->attrs |= ovl_attr_opts[i].attr;
			else
				o->attrs &= ~ovl_attr_opts[i].attr;
			continue;
		}
		o->fsopts = xrealloc(o->fsopts, len + tlen + 2);
		if (len)
			o->fsopts[len++] = ',';
		memcpy(o->fsopts + len, name, tlen);
		len += tlen;
		o->fsopts[len] = '\0';
	}
	free(opts);
	return 0;
}

/* Pass overlay's own -o options one by one. */
static int fs_set_options(int fs, const char *fsopts)
{
	const struct layer_mount *ml;
	char *opts, *name, *value, *cur;
	size_t nsz, vsz;
	int rc = 0;

	if (!fsopts)
		return 0;
	ml = layer_mount_lib(NULL);
	if (!ml) {
		errno = ELIBACC;
		return -1;
	}
	opts = cur = xstrdup(fsopts);
	while (rc == 0 && ml->mnt_optstr_next_option(&cur, &name, &nsz, &value, &vsz) == 0) {
		_cleanup_free_ char *k = xstrndup(name, nsz);
		_cleanup_free_ char *v = value ? xstrndup(value, vsz) : NULL;

		if (v)
			rc = ex_fsconfig(fs, FSCONFIG_SET_STRING, k, v, 0);
		else
			rc = ex_fsconfig(fs, FSCONFIG_SET_FLAG, k, NULL, 0);
	}
	free(opts);
	return rc;
}

/* "/proc/self/fd/N": a name of @fd short enough for any string value. */
static void fd_name(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * upperdir or workdir: its path when fsconfig takes it (255 bytes), else by
 * fd (6.13), else by its /proc/self/fd name (the record keeps the real one).
 */
static int fs_set_dir(int fs, const char *key, const char *path, enum ovl_api api,
		      struct ovl_made *m)
{
	_cleanup_close_ int fd = -1;
	char name[64];

	if (strlen(path) <= OVL_FSCONFIG_MAX)
		return ex_fsconfig(fs, FSCONFIG_SET_STRING, key, path, 0);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (api == OVL_API_FD)
		return ex_fsconfig(fs, FSCONFIG_SET_FD, key, NULL, fd);
	fd_name(name, sizeof(name), fd);
	m->short_names = true;
	return ex_fsconfig(fs, FSCONFIG_SET_STRING, key, name, 0);
}

/*
 * Layer @i by its fd; overlay before 6.13 takes no fd for lowerdir+ (EINVAL,
 * or EBADF on 6.12): from then on by path, a long one by its /proc name.
 */
static int fs_set_layer(int fs, struct ovl_made *m, size_t i, enum ovl_api *api)
{
	const struct ovl_layer *l = &m->layers[i];
	int fd = is_image(l) ? l->mntfd : l->dirfd;
	_cleanup_free_ char *abs = NULL;
	char name[64];

	if (*api == OVL_API_FD) {
		if (ex_fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, fd) == 0)
			return 0;
		if (i > 0 || errno == EOPNOTSUPP)
			return -1;
		*api = OVL_API_PATH;
		explain_note(N_("lowerdir+ by file descriptor not supported by this kernel: by path"));
	}
	if (!is_image(l))
		abs = union_abs_path(l->path);
	if (abs && strlen(abs) <= OVL_FSCONFIG_MAX)
		return ex_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", abs, 0);
	fd_name(name, sizeof(name), fd);
	m->short_names = true;
	return ex_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", name, 0);
}

/*
 * Give the layers to the fs context; -ENOPROTOOPT when this kernel has no
 * lowerdir+ (before 6.8; overlay before 6.5 answers any fd with EOPNOTSUPP).
 */
static int fs_set_layers(int fs, struct ovl_made *m, enum ovl_api *api, struct cu_error *e)
{
	size_t i;
	int rc;

	for (i = 0; i < m->nlayers; i++) {
		if (fs_set_layer(fs, m, i, api) == 0)
			continue;
		if (i == 0 &&
		    (errno == EOPNOTSUPP || (*api == OVL_API_PATH && errno == EINVAL)))
			return -ENOPROTOOPT;
		rc = cu_error_set(e, errno, _("cannot add layer %s"), m->layers[i].path);
		fs_log_append(fs, e);
		return rc;
	}
	return 0;
}

static int fs_configure(int fs, const struct ovl_spec *s, struct ovl_made *m,
			const char *work, const struct ovl_opts *o, enum ovl_api *api,
			struct cu_error *e)
{
	int rc;

	(void) ex_fsconfig(fs, FSCONFIG_SET_STRING, "source", OVL_SOURCE, 0);	/* a label only */
	rc = fs_set_layers(fs, m, api, e);
	if (rc < 0)
		return rc;
	if (s->upper && (fs_set_dir(fs, "upperdir", s->upper, *api, m) < 0 ||
			 fs_set_dir(fs, "workdir", work, *api, m) < 0))
		goto fail;
	if (ovl_in_userns() && ex_fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		goto fail;
	if (fs_set_options(fs, o->fsopts) < 0)
		goto fail;
	if (ex_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	return 0;
fail:
	rc = -errno;
	cu_error_set(e, rc, _("cannot mount overlay on %s"), s->target);
	fs_log_append(fs, e);
	return rc;
}

static int attach_fd(int mfd, const char *target, struct cu_error *e)
{
	if (ex_move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cu_error_set(e, errno, errno == ENOSYS ?
				    _("cannot attach the union to %s: move_mount(2) needs Linux 5.2") :
				    _("cannot attach the union to %s"), target);
	return 0;
}

/* Append @s to @buf, escaping ':' ',' and '\\' when @esc (legacy lowerdir=). */
static void str_append(char **buf, size_t *len, const char *s, bool esc)
{
	for (; *s; s++) {
		*buf = xrealloc(*buf, *len + 3);
		if (esc && (*s == ':' || *s == ',' || *s == '\\'))
			(*buf)[(*len)++] = '\\';
		(*buf)[(*len)++] = *s;
		(*buf)[*len] = '\0';
	}
}

/* The fds the option string names by number (relative to /proc/self/fd). */
struct ovl_short {
	int upper, work;
};

/*
 * The mount(2) option string: absolute paths, or with @sh the fd numbers
 * of the layers, upper and work dir, to be read from /proc/self/fd.
 * *layers_end gets the length after each layer (for the limit).
 */
static char *legacy_string(const struct ovl_spec *s, const struct ovl_made *m,
			   const char *work, const struct ovl_opts *o,
			   const struct ovl_short *sh, size_t *len, size_t *layers_end)
{
	char *opts = NULL, num[16];
	size_t i;

	*len = 0;
	str_append(&opts, len, "lowerdir=", false);
	for (i = 0; i < m->nlayers; i++) {
		const struct ovl_layer *l = &m->layers[i];
		_cleanup_free_ char *abs = NULL;

		if (i)
			str_append(&opts, len, ":", false);
		if (sh) {
			snprintf(num, sizeof(num), "%d", is_image(l) ? l->mntfd : l->dirfd);
			str_append(&opts, len, num, false);
		} else {
			abs = union_abs_path(l->path);	/* the kernel keeps it as given */
			str_append(&opts, len, abs, true);
		}
		if (layers_end)
			layers_end[i] = *len;
	}
	if (s->upper) {
		str_append(&opts, len, ",upperdir=", false);
		snprintf(num, sizeof(num), "%d", sh ? sh->upper : 0);
		str_append(&opts, len, sh ? num : s->upper, !sh);
		str_append(&opts, len, ",workdir=", false);
		snprintf(num, sizeof(num), "%d", sh ? sh->work : 0);
		str_append(&opts, len, sh ? num : work, !sh);
	}
	if (ovl_in_userns())
		str_append(&opts, len, ",userxattr", false);
	if (o->fsopts) {
		str_append(&opts, len, ",", false);
		str_append(&opts, len, o->fsopts, false);
	}
	return opts;
}

static unsigned long ms_flags(unsigned int attrs)
{
	return (attrs & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0) |
	       (attrs & MOUNT_ATTR_NODEV ? MS_NODEV : 0) |
	       (attrs & MOUNT_ATTR_NOSUID ? MS_NOSUID : 0) |
	       (attrs & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0);
}

/* Too long even with short names: say how many layers fit, before mounting. */
static int legacy_too_long(const struct ovl_made *m, size_t len, const size_t *ends,
			   struct cu_error *e)
{
	size_t fixed = len - ends[m->nlayers - 1], fit = 0;

	while (fit < m->nlayers && ends[fit] + fixed <= OVL_PAGE_MAX)
		fit++;
	return cu_error_set(e, 0, _("too many layers for this kernel: %1$zu layers need %2$zu bytes of mount options, the limit is %3$d (one page); %4$zu of them fit (lowerdir+ of Linux 6.8 has no limit)"),
			    m->nlayers, len, OVL_PAGE_MAX, fit);
}

/*
 * Kernels without lowerdir+ (before 6.8): the one-page option string, which
 * the kernel cuts silently.  Absolute paths when they fit; else every
 * directory by its fd number, mounted from within /proc/self/fd.
 */
static int mount_legacy(const struct ovl_spec *s, struct ovl_made *m,
			const char *work, const struct ovl_opts *o, struct cu_error *e)
{
	_cleanup_free_ char *opts = NULL;
	_cleanup_free_ size_t *ends = xcalloc(m->nlayers, sizeof(size_t));
	_cleanup_close_ int here = -1;
	struct ovl_short sh = { -1, -1 };
	bool images = false;	/* or another reason to name by number */
	size_t len, i;
	int rc = 0;

	/*
	 * Overlay before 6.5 shows upperdir and workdir with the escapes as
	 * given: a name that needs one goes by number too, the record keeps it.
	 */
	for (i = 0; i < m->nlayers; i++)
		images |= is_image(&m->layers[i]);
	if (s->upper && (strpbrk(s->upper, ":,\\") || strpbrk(work, ":,\\")))
		images = true;
	if (!images)
		opts = legacy_string(s, m, work, o, NULL, &len, NULL);
	if (!images && len <= OVL_PAGE_MAX)
		goto mount;
	free(opts);
	if (s->upper && ((sh.upper = open(s->upper, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
			 (sh.work = open(work, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)) {
		rc = cu_error_set(e, errno, _("cannot open %s"), sh.upper < 0 ? s->upper : work);
		goto out;
	}
	opts = legacy_string(s, m, work, o, &sh, &len, ends);
	if (len > OVL_PAGE_MAX) {
		rc = legacy_too_long(m, len, ends, e);
		goto out;
	}
	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir("/proc/self/fd") < 0) {
		rc = cu_error_set(e, errno, _("cannot name the layers by /proc/self/fd (is /proc mounted?)"));
		goto out;
	}
	m->short_names = true;
mount:
	if (ex_mount(OVL_SOURCE, s->target, "overlay", ms_flags(o->attrs), opts) < 0)
		rc = cu_error_set(e, errno, _("cannot mount overlay on %s"), s->target);
	if (here >= 0 && fchdir(here) < 0 && rc == 0)
		rc = cu_error_set(e, errno, _("cannot return to the working directory"));
out:
	if (sh.upper >= 0)
		close(sh.upper);
	if (sh.work >= 0)
		close(sh.work);
	return rc;
}

/*
 * The newest way this kernel has, asked of a throwaway fs context: -1 when
 * overlayfs cannot be asked (no CAP_SYS_ADMIN, no overlayfs).  Overlay
 * before 6.5 answers any fd with EOPNOTSUPP and takes any string (it only
 * collects them for mount(2)); 6.5 to 6.7 know no lowerdir+ (EINVAL);
 * 6.8 to 6.12 take it as a path only (EINVAL, or EBADF on 6.12).
 */
static int kernel_api(void)
{
	_cleanup_close_ int fs = ex_fsopen("overlay", FSOPEN_CLOEXEC);
	_cleanup_close_ int root = -1;

	if (fs < 0)
		return errno == ENOSYS ? OVL_API_STRING : -1;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ex_fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, root) == 0)
		return OVL_API_FD;
	if (errno != EOPNOTSUPP && ex_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", "/", 0) == 0)
		return OVL_API_PATH;
	return OVL_API_STRING;
}

static int mount_overlay(const struct ovl_spec *s, struct ovl_made *m,
			 const char *work, struct cu_error *e)
{
	_cleanup_close_ int fs = -1;
	_cleanup_close_ int mfd = -1;
	struct ovl_opts o;
	enum ovl_api api;
	int rc = api_wanted(&api, e);

	if (rc < 0)
		return rc;
	if (api_forced()) {
		int best = kernel_api();

		if (best > (int) api)
			api = (enum ovl_api) best;
	}
	rc = split_options(s->options, s->ro, &o);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot parse the mount options %s"), s->options);
	if (api != OVL_API_STRING) {
		fs = ex_fsopen("overlay", FSOPEN_CLOEXEC);
		if (fs < 0 && fs != EXPLAIN_DRY_FD && errno != ENOSYS) {
			rc = cu_error_set(e, errno, _("cannot open overlay filesystem context"));
			goto out;
		}
		if (fs < 0 && fs != EXPLAIN_DRY_FD)
			api = OVL_API_STRING;	/* no new mount API: before 5.2 */
		if (fs < 0 && fs != EXPLAIN_DRY_FD)
			explain_note(N_("no new mount API (fsopen) in this kernel: using the option string"));
	}
	if (api != OVL_API_STRING) {
		rc = fs_configure(fs, s, m, work, &o, &api, e);
		if (rc == -ENOPROTOOPT) {
			explain_note(N_("lowerdir+ not supported by this kernel: using the option string"));
			api = OVL_API_STRING;
			m->short_names = false;
		} else if (rc == 0) {
			mfd = ex_fsmount(fs, FSMOUNT_CLOEXEC, o.attrs);
			if (mfd < 0 && mfd != EXPLAIN_DRY_FD) {
				rc = cu_error_set(e, errno, _("cannot mount overlay on %s"), s->target);
				fs_log_append(fs, e);
			}
			if (rc == 0)
				rc = attach_fd(mfd, s->target, e);
		}
	}
	if (api == OVL_API_STRING)
		rc = mount_legacy(s, m, work, &o, e);
	if (rc == 0) {
		m->upper = s->upper;
		m->workdir = work;
	}
out:
	free(o.fsopts);
	return rc;
}

const char *ovl_api_probe(void)
{
	enum ovl_api api;
	int best = kernel_api();

	if (api_wanted(&api, NULL) < 0)
		return _("unknown CU_OVERLAY_FORCE value");
	if (best < 0)
		return _("unknown: cannot ask overlayfs (needs CAP_SYS_ADMIN and overlayfs)");
	if (api_forced() && (int) api >= best)
		return api == OVL_API_FD ? _("layers by lowerdir+ with fds (forced by CU_OVERLAY_FORCE)") :
		       api == OVL_API_PATH ? _("layers by lowerdir+ with paths (forced by CU_OVERLAY_FORCE)") :
		       _("layers by the lowerdir= option string (forced by CU_OVERLAY_FORCE)");
	if (best == OVL_API_FD)
		return _("layers by lowerdir+ with fds (Linux 6.13)");
	if (best == OVL_API_PATH)
		return _("layers by lowerdir+ with paths (lowerdir+ with fds needs Linux 6.13)");
	return _("layers by the lowerdir= option string, one page (lowerdir+ needs Linux 6.8)");
}

/* A read-only union of one layer: a read-only bind mount of it. */
static int mount_bind(const struct ovl_spec *s, const struct ovl_made *m, struct cu_error *e)
{
	_cleanup_close_ int tree = -1;
	struct ovl_opts o;
	struct cu_mount_attr attr = { 0 };
	int rc;

	if (is_image(&m->layers[0]))
		return attach_fd(m->layers[0].mntfd, s->target, e);
	rc = split_options(s->options, true, &o);
	free(o.fsopts);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot parse the mount options %s"), s->options);
	attr.attr_set = o.attrs | MOUNT_ATTR_RDONLY;
	tree = ex_open_tree(AT_FDCWD, m->layers[0].path,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0 && tree != EXPLAIN_DRY_FD)
		return cu_error_set(e, errno, errno == ENOSYS ?
				    _("cannot bind %s: open_tree(2) needs Linux 5.2") :
				    _("cannot bind %s"), m->layers[0].path);
	if (ex_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return cu_error_set(e, errno, errno == ENOSYS ?
				    _("cannot make %s read-only: mount_setattr(2) needs Linux 5.12") :
				    _("cannot make %s read-only"), s->target);
	return attach_fd(tree, s->target, e);
}

/* Count the layers the kernel kept for the union on @target. */
static int count_layers(const char *target, size_t *n, struct cu_error *e)
{
	struct ovl_info info;
	int rc = ovl_find(target, &info, e);

	if (rc < 0)
		return rc;
	*n = info.nlowers;
	ovl_info_free(&info);
	return 0;
}

static void undo(struct ovl_made *m, const char *target)
{
	if (m->recorded)
		(void) unlink(m->state);	/* our own record of this mount */
	if (m->mounted)
		(void) ex_umount2(target, MNT_DETACH);	/* rollback: nothing else to do */
	layers_release(m);
	if (m->work)
		(void) union_work_remove(m->work);		/* we made it just now */
	union_pending_drop(m);
	free(m->work);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static int verify_count(const struct ovl_spec *s, size_t *nlayers, struct cu_error *e)
{
	int rc = count_layers(s->target, nlayers, e);

	if (rc < 0)
		return rc;
	if (*nlayers != s->nlowers)
		return cu_error_set(e, 0, _("the kernel kept %1$zu of %2$zu layers on %3$s (unmounted again; use fewer or shorter layer paths)"), *nlayers, s->nlowers, s->target);
	return 0;
}

/*
 * The kernel keeps the paths as given: give it absolute ones (directory
 * layers go by their fd, see layers_open()).
 */
static void spec_resolve(const struct ovl_spec *s, struct ovl_spec *abs)
{
	size_t i;

	*abs = *s;
	abs->lowers = xcalloc(s->nlowers + 1, sizeof(char *));
	for (i = 0; i < s->nlowers; i++)
		abs->lowers[i] = xstrdup(s->lowers[i]);
	abs->upper = union_abs_path(s->upper);
	abs->work = union_abs_path(s->work);
	abs->target = union_abs_path(s->target);
}

static void spec_free(struct ovl_spec *abs)
{
	size_t i;

	for (i = 0; i < abs->nlowers; i++)
		free(abs->lowers[i]);
	free(abs->lowers);
	free((char *) abs->upper);
	free((char *) abs->work);
	free((char *) abs->target);
}

/*
 * Overlay makes a private clone of each layer's mount, which kernels before
 * 6.15 allow only for a mount in the caller's namespace: while the union is
 * made, the detached mounts of image layers are attached to directories of
 * our own, and detached again after (the union keeps its clones).  Where
 * the kernel takes detached layers, they are never attached.
 */
static int images_attach(struct ovl_made *m, struct cu_error *e)
{
	struct ovl_layer *l;
	size_t i;

	for (i = 0; i < m->nlayers; i++) {
		l = &m->layers[i];
		if (!is_image(l))
			continue;
		if (snprintf(l->attached, sizeof(l->attached), "%s/image.XXXXXX", OVL_STATE_DIR) >= (int) sizeof(l->attached) ||
		    (file_mkdir_p(OVL_STATE_DIR, 0755) < 0) || !mkdtemp(l->attached)) {
			l->attached[0] = '\0';
			return cu_error_set(e, errno, _("cannot make a directory in %s"), OVL_STATE_DIR);
		}
		if (ex_move_mount(l->mntfd, "", AT_FDCWD, l->attached, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			int rc = cu_error_set(e, errno, _("cannot attach image layer %1$s to %2$s"), l->path, l->attached);

			(void) rmdir(l->attached);
			l->attached[0] = '\0';
			return rc;
		}
		l->mounted = true;
	}
	return 0;
}

static bool images_present(const struct ovl_made *m)
{
	size_t i;

	for (i = 0; i < m->nlayers; i++)
		if (is_image(&m->layers[i]))
			return true;
	return false;
}

static void images_detach(struct ovl_made *m)
{
	struct ovl_layer *l;
	size_t i;

	for (i = 0; i < m->nlayers; i++) {
		l = &m->layers[i];
		if (l->mounted)
			(void) ex_umount2(l->attached, MNT_DETACH);	/* the union holds its own */
		if (l->attached[0])
			(void) rmdir(l->attached);
		l->attached[0] = '\0';
		l->mounted = false;
	}
}

static int mount_spec(const struct ovl_spec *s, size_t *nlayers, struct cu_error *e);

int ovl_mount(const struct ovl_spec *s, size_t *nlayers, struct cu_error *e)
{
	struct ovl_spec abs;
	int rc;

	rc = ovl_check(s, e);		/* messages name the paths as given */
	if (rc < 0)
		return rc;
	spec_resolve(s, &abs);
	rc = mount_spec(&abs, nlayers, e);
	spec_free(&abs);
	return rc;
}

static int mount_spec(const struct ovl_spec *s, size_t *nlayers, struct cu_error *e)
{
	struct ovl_made m = { 0 };
	_cleanup_free_ char *work = NULL;
	int rc;

	rc = layers_open(s, &m, e);
	if (rc == 0)
		rc = work_prepare(s, &m, &work, e);
	if (rc == 0 && !s->upper && s->nlowers == 1) {
		rc = mount_bind(s, &m, e);
	} else if (rc == 0) {
		/*
		 * Detached image mounts first: killed at any step, we leave
		 * nothing behind.  Before 6.15 overlay refuses them (EINVAL):
		 * then attach them while the union is made.
		 */
		rc = mount_overlay(s, &m, work, e);
		if (rc == -EINVAL && images_present(&m)) {
			rc = images_attach(&m, e);
			if (rc == 0)
				rc = mount_overlay(s, &m, work, e);
			images_detach(&m);
		}
	}
	m.mounted = rc == 0;
	if (rc == 0)
		rc = union_state_write(s->target, &m, e);
	m.recorded = rc == 0;
	if (rc == 0)
		union_pending_drop(&m);	/* the record now says what we made */
	if (rc == 0 && !explain_dry_run())	/* a plan mounted nothing to count */
		rc = verify_count(s, nlayers, e);
	if (rc < 0) {
		explain_note(N_("rollback: undoing the union's steps"));
		undo(&m, s->target);
		return rc;
	}
	layers_release(&m);
	free(m.work);
	free(m.layers);
	return 0;
}

/* ---- umount ---- */

int ovl_umount(const char *target, struct cu_error *e)
{
	char path[PATH_MAX];
	struct ovl_info info;
	int rc;

	rc = ovl_find(target, &info, e);
	if (rc < 0) {
		int pc = union_pending_clean(target, e);

		return pc != 0 ? pc : rc;
	}
	/* the record is named by the mount id the kernel just gave */
	rc = snprintf(path, sizeof(path), "%s/%llu", OVL_STATE_DIR, (unsigned long long) info.id);
	ovl_info_free(&info);
	if (rc >= (int) sizeof(path))
		return cu_error_set(e, ENAMETOOLONG, _("cannot find the mount of %s"), target);
	if (ex_umount2(target, UMOUNT_NOFOLLOW) < 0)
		return cu_error_set(e, errno, _("cannot unmount %s"), target);
	return union_state_replay(path, e);
}
