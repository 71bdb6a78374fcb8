// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * union-state.c - what a union mount made, kept under OVL_STATE_DIR: the
 * note of a work dir being made, the record of a mounted union, and their
 * replay at umount.  The bottom of the union files: it calls neither the
 * mounting (union-mount.c) nor the listing (union-list.c).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "c.h"
#include "explain.h"
#include "fileutils.h"
#include "nls.h"
#include "syscalls.h"
#include "union.h"
#include "union-int.h"

/* The mount ID of @path: names a union's record (and tells two mounts apart). */
int union_mount_id_of(const char *path, uint64_t *id)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -ENOTSUP;
	*id = stx.stx_mnt_id;
	return 0;
}

/* @path made absolute, or as given when it does not resolve; NULL stays NULL. */
char *union_abs_path(const char *path)
{
	char *r = path ? realpath(path, NULL) : NULL;

	return r ? r : (path ? xstrdup(path) : NULL);
}

/*
 * unionmount's own files under /run/container-utils and the work dir's
 * removal (issue 19): in a plan, a step with the privilege it needs, not
 * made (returns false); narrated (--explain) as a note, since they are
 * the tool's bookkeeping rather than one kernel call each.
 */
static bool __printf(2, 3) record_step(const char *concept, const char *fmt, ...)
{
	struct explain_step st;
	char call[768];
	va_list ap;

	if (!explain_on())
		return true;
	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	if (explain_begin(&st, EXPLAIN_PRIV_FILE, "%s", call)) {
		explain_note("%s  [%s]", call, concept);
		return true;
	}
	explain_concept(&st, "%s", concept);
	explain_end(&st, 0, 0);
	return false;
}

/* ---- the work dir ---- */

/*
 * Remove a work dir we made, best effort: never through a symlink, never
 * into another mount.  -ENOTEMPTY when something stayed.
 */
int union_work_remove(const char *work)
{
	if (!record_step(_("the work directory: overlay's scratch space, unlink and rmdir of each entry"),
			 "rm -r %s", work))
		return 0;
	return file_remove_tree_at(AT_FDCWD, work, 0);
}

/*
 * A work dir we are about to make is noted first, keyed by the target
 * directory, so a mount killed before it recorded itself leaves a note that
 * `umount TARGET` and the next mount on TARGET act on.
 */
static int pending_path(const char *target, char *buf, size_t len)
{
	struct stat st;

	if (stat(target, &st) < 0)
		return -errno;
	if (snprintf(buf, len, "%s/pending-%ju-%ju", OVL_STATE_DIR,
		     (uintmax_t) st.st_dev, (uintmax_t) st.st_ino) >= (int) len)
		return -ENAMETOOLONG;
	return 0;
}

int union_pending_write(const char *target, const char *work, struct ovl_made *m)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(work) + 1;
	int rc = pending_path(target, m->pending, sizeof(m->pending));

	if (rc < 0)
		goto fail;
	if (!record_step(_("unionmount's note of the work directory it is about to make"),
			 "write %s \u2190 \"%s\"", m->pending, work))
		return 0;	/* a plan notes nothing (union_pending_drop narrates only) */
	fd = open(m->pending, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT && file_mkdir_p(OVL_STATE_DIR, 0755) == 0)
		fd = open(m->pending, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, work, len) != (ssize_t) len) {
		rc = -errno;
		if (fd >= 0)
			(void) unlink(m->pending);	/* a half note is no note */
		goto fail;
	}
	return 0;
fail:
	m->pending[0] = '\0';
	return rc;
}

/* The work dir a stopped mount on @target noted in @path, or NULL. */
char *union_pending_read(const char *target, char *path, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n;
	int fd;

	if (pending_path(target, path, len) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 1 || buf[n - 1] != '\0')
		return NULL;
	return xstrdup(buf);
}

void union_pending_drop(struct ovl_made *m)
{
	if (m->pending[0] &&
	    record_step(_("unionmount's note of the work directory, done with"), "unlink(\"%s\")", m->pending))
		(void) unlink(m->pending);	/* done with: recorded or undone */
	m->pending[0] = '\0';
}


/*
 * umount of a target no union is on: remove the work dir a mount that was
 * stopped before it recorded itself left there.  1 when there was one.
 */
int union_pending_clean(const char *target, struct cu_error *e)
{
	char path[PATH_MAX];
	char *work = union_pending_read(target, path, sizeof(path));
	int rc;

	if (!work)
		return 0;
	rc = union_work_remove(work);
	if (rc < 0)
		rc = cu_error_set(e, rc, _("cannot remove work directory %s"), work);
	else {
		cu_error_set(e, 0, _("%1$s is not mounted: removed the work directory %2$s a stopped mount left"),
			     target, work);
		rc = 1;
	}
	(void) unlink(path);
	free(work);
	return rc;
}

/* ---- the record of what a mount made ---- */

static int state_path(const char *target, char *buf, size_t len)
{
	uint64_t id;
	int rc = union_mount_id_of(target, &id);

	if (rc < 0)
		return rc;
	if (snprintf(buf, len, "%s/%llu", OVL_STATE_DIR, (unsigned long long) id) >= (int) len)
		return -ENAMETOOLONG;
	return 0;
}

/* Records are NUL-terminated "key" "value" pairs: work PATH, loop DEV. */
int union_state_write(const char *target, struct ovl_made *m, struct cu_error *e)
{
	_cleanup_fclose_ FILE *f = NULL;
	char *path = m->state;
	size_t i;
	int rc = state_path(target, path, sizeof(m->state));

	if (explain_dry_run())	/* the union's mount ID is not known yet */
		snprintf(path, sizeof(m->state), "%s/<mount ID>", OVL_STATE_DIR);
	else if (rc < 0)
		return cu_error_set(e, rc, _("cannot record the mount in %s"), OVL_STATE_DIR);
	if (!record_step(_("unionmount's record of the union: what umount removes"),
			 "write %s \u2190 target %s%s%s", path, target,
			 m->work ? " work " : "", m->work ? m->work : ""))
		return 0;
	rc = 0;
	f = fopen(path, "w" CU_CLOEXECSTR);
	if (!f && errno == ENOENT && file_mkdir_p(OVL_STATE_DIR, 0755) == 0)
		f = fopen(path, "w" CU_CLOEXECSTR);	/* the first union since boot */
	if (!f)
		return cu_error_set(e, errno, _("cannot record the mount in %s"), path);
	fprintf(f, "target%c%s%c", 0, target, 0);
	if (m->work)
		fprintf(f, "work%c%s%c", 0, m->work, 0);
	for (i = 0; i < m->nlayers; i++) {
		if (m->layers[i].loopdev[0])
			fprintf(f, "loop%c%s %s%c", 0, m->layers[i].loopdev, m->layers[i].path, 0);
		/* mountinfo shows "/" for an image or a bind: keep the real name */
		if (m->layers[i].loopdev[0] || m->nlayers == 1) {
			fprintf(f, "layer%c%zu:%s%c", 0, i, m->layers[i].path, 0);
		} else if (m->short_names) {
			_cleanup_free_ char *abs = union_abs_path(m->layers[i].path);

			fprintf(f, "layer%c%zu:%s%c", 0, i, abs, 0);
		}
	}
	if (m->short_names && m->upper)
		fprintf(f, "upperdir%c%s%cworkdir%c%s%c", 0, m->upper, 0, 0, m->workdir, 0);
	if (fflush(f) != 0 || ferror(f)) {
		rc = cu_error_set(e, errno, _("cannot record the mount in %s"), path);
		unlink(path);
	}
	return rc;
}

/* ---- umount: replaying the record ---- */

/*
 * Autoclear has normally freed the device when the union went away; clear
 * it ourselves only while it still holds our image ("DEV IMAGE"), so a
 * device someone else took since is never touched.
 */
static void loop_release(const char *rec)
{
	_cleanup_free_ char *dev = xstrndup(rec, strcspn(rec, " "));
	const char *image = rec + strlen(dev) + (rec[strlen(dev)] ? 1 : 0);
	struct loop_info64 info;
	struct stat st;
	int fd;

	if (stat(image, &st) < 0)
		return;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (ioctl(fd, LOOP_GET_STATUS64, &info) == 0 &&
	    info.lo_device == st.st_dev && info.lo_inode == st.st_ino &&
	    record_step(_("losetup -d: free the loop device"), "ioctl(%s, LOOP_CLR_FD)", dev))
		(void) ioctl(fd, LOOP_CLR_FD, 0);	/* EBUSY: still in use elsewhere */
	close(fd);
}

int union_state_replay(const char *path, struct cu_error *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "r" CU_CLOEXECSTR);
	_cleanup_free_ char *key = NULL;
	_cleanup_free_ char *val = NULL;
	size_t ksz = 0, vsz = 0;
	int rc = 0;

	if (!f)
		return errno == ENOENT ? 0 : cu_error_set(e, errno, _("cannot read %s"), path);
	while (getdelim(&key, &ksz, '\0', f) > 0 && getdelim(&val, &vsz, '\0', f) > 0) {
		if (streq(key, "loop"))
			loop_release(val);
		else if (streq(key, "work") && union_work_remove(val) < 0 && rc == 0)
			rc = cu_error_set(e, ENOTEMPTY, _("cannot remove work directory %s"), val);
	}
	if (record_step(_("unionmount's record of the union, done with"), "unlink(\"%s\")", path))
		(void) unlink(path);
	return rc;
}

/* Our record for mount @id, if it was made for @target (ids are reused). */
FILE *union_state_open(uint64_t id, const char *target)
{
	char path[PATH_MAX];
	_cleanup_free_ char *key = NULL;
	_cleanup_free_ char *val = NULL;
	size_t ksz = 0, vsz = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%llu", OVL_STATE_DIR, (unsigned long long) id);
	f = fopen(path, "r" CU_CLOEXECSTR);
	if (!f)
		return NULL;
	if (getdelim(&key, &ksz, '\0', f) > 0 && getdelim(&val, &vsz, '\0', f) > 0 &&
	    streq(key, "target") && streq(val, target))
		return f;
	fclose(f);
	return NULL;
}

