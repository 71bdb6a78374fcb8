// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layer.c - overlay upper dirs and OCI layer tars: diff, commit, apply.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "c.h"
#include "explain.h"
#include "fileutils.h"
#include "layer.h"
#include "layer-archive.h"
#include "layer-tar.h"
#include "nls.h"
#include "union.h"
#include "syscalls.h"

/* A call into the loaded libraries: @lib must be in scope. */
#define LA(f)	(lib->f)

#define WH_PREFIX	".wh."
#define WH_META		".wh..wh."
#define WH_OPAQUE	".wh..wh..opq"

/* ---- walking an upper dir in sorted order ---- */

/* Overlay's xattrs on one entry, from one llistxattr(2). */
enum {
	MARK_WHITEOUT	= 1 << 0,
	MARK_OPAQUE	= 1 << 1,	/* opaque="y" */
	MARK_ORIGIN	= 1 << 2,
	MARK_REDIRECT	= 1 << 3,
	MARK_METACOPY	= 1 << 4,
	MARK_OTHER	= 1 << 5,	/* an xattr a layer keeps */
};

struct walk_entry {
	const char *full;	/* path on disk */
	const char *rel;	/* path in the layer, no leading '/' */
	const char *name;
	int dirfd;		/* the directory holding @name */
	int fd;			/* the entry opened (a directory, or a regular
				 * file when the walk opens them), or -1 */
	struct stat st;
	unsigned int marks;	/* MARK_* */
};

typedef int (*walk_fn)(const struct walk_entry *we, void *data);

/* One path buffer for the whole walk; calls relative to directory fds. */
struct walker {
	char full[PATH_MAX];
	size_t rootlen;		/* where the layer path starts in full[] */
	bool open_files;	/* open regular files for @fn (commit reads them) */
	walk_fn fn;
	void *data;
};

/*
 * A directory's names in one pool, each after its d_type byte, and sorted
 * bytewise as pointers into it.
 */
struct dir_names {
	char *pool;
	size_t used, cap;
	size_t *off;
	const char **v;		/* the names, once all are read */
	size_t n, vcap;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void add_name(struct dir_names *dn, const char *name, unsigned char type)
{
	size_t len = strlen(name) + 1;

	if (dn->used + 1 + len > dn->cap) {
		dn->cap = (dn->cap + 1 + len) * 2;
		dn->pool = xrealloc(dn->pool, dn->cap);
	}
	if (dn->n == dn->vcap) {
		dn->vcap = dn->vcap ? dn->vcap * 2 : 64;
		dn->off = xrealloc(dn->off, dn->vcap * sizeof(*dn->off));
	}
	dn->pool[dn->used] = (char) type;
	memcpy(dn->pool + dn->used + 1, name, len);
	dn->off[dn->n++] = dn->used + 1;
	dn->used += 1 + len;
}

static int read_names(DIR *d, struct dir_names *dn)
{
	struct dirent *de;
	size_t i;

	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		add_name(dn, de->d_name, de->d_type);
	}
	if (errno)
		return -errno;
	dn->v = xmalloc((dn->n + 1) * sizeof(*dn->v));
	for (i = 0; i < dn->n; i++)
		dn->v[i] = dn->pool + dn->off[i];
	qsort(dn->v, dn->n, sizeof(*dn->v), cmp_names);
	return 0;
}

/* ---- overlay markers in an upper dir ---- */

static const char *ovl_key(const char *name)
{
	if (startswith(name, "trusted.overlay."))
		return name + strlen("trusted.overlay.");
	if (startswith(name, "user.overlay."))
		return name + strlen("user.overlay.");
	return NULL;
}

/* An entry's xattrs, through its fd when it has one, else by path. */
static ssize_t xattr_list(int fd, const char *path, char *buf, size_t size)
{
	return fd >= 0 ? flistxattr(fd, buf, size) : llistxattr(path, buf, size);
}

static ssize_t xattr_get(int fd, const char *path, const char *name,
			 void *buf, size_t size)
{
	if (fd >= 0)
		return fgetxattr(fd, name, buf, size);
	return lgetxattr(path, name, buf, size);
}

static unsigned int mark_of(int fd, const char *path, const char *name)
{
	const char *key = ovl_key(name);
	char val[4];

	if (!key)
		return streq(name, "security.selinux") ? 0 : MARK_OTHER;
	if (streq(key, "whiteout"))
		return MARK_WHITEOUT;
	if (streq(key, "origin"))
		return MARK_ORIGIN;
	if (streq(key, "redirect"))
		return MARK_REDIRECT;
	if (streq(key, "metacopy"))
		return MARK_METACOPY;
	if (streq(key, "opaque") &&
	    xattr_get(fd, path, name, val, sizeof(val)) == 1 && val[0] == 'y')
		return MARK_OPAQUE;
	return 0;
}

static unsigned int read_marks(int fd, const char *path)
{
	char names[4096];
	ssize_t len = xattr_list(fd, path, names, sizeof(names));
	unsigned int marks = 0;
	const char *p;

	if (len < 0 && errno == ERANGE)
		return MARK_OTHER | MARK_ORIGIN;	/* many xattrs: none is a marker we skip */
	for (p = names; len > 0 && p < names + len; p += strlen(p) + 1)
		marks |= mark_of(fd, path, p);
	return marks;
}

/* ---- the walk ---- */

static int walk_dir(struct walker *w, int dfd, size_t len);

/* Open what getdents says is a directory (or a regular file to read). */
static int open_entry(struct walker *w, struct walk_entry *we,
		      unsigned char type)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
	int fd;

	if (type == DT_DIR)
		flags |= O_DIRECTORY;
	else if (type == DT_REG && w->open_files)
		flags |= O_NONBLOCK | O_NOCTTY;
	else
		return -1;
	fd = openat(we->dirfd, we->name, flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &we->st) == 0 &&
	    (type == DT_DIR ? S_ISDIR(we->st.st_mode) : S_ISREG(we->st.st_mode)))
		return fd;
	close(fd);
	return -1;	/* changed under us: stat it by name */
}

static bool is_whiteout_dev(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static int walk_one(struct walker *w, int dfd, size_t len, const char *name,
		    unsigned char type)
{
	struct walk_entry we;
	size_t nlen = strlen(name);
	int rc;

	if (len + 1 + nlen >= sizeof(w->full))
		return -ENAMETOOLONG;
	w->full[len] = '/';
	memcpy(w->full + len + 1, name, nlen + 1);
	we.full = w->full;
	we.rel = w->full + w->rootlen;
	we.name = w->full + len + 1;
	we.dirfd = dfd;
	we.fd = open_entry(w, &we, type);
	if (we.fd < 0 && fstatat(dfd, name, &we.st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	/* a 0/0 device is a whiteout whatever its xattrs */
	we.marks = is_whiteout_dev(&we.st) ? 0 : read_marks(we.fd, w->full);
	rc = w->fn(&we, w->data);
	if (rc == 0 && S_ISDIR(we.st.st_mode)) {
		if (we.fd < 0)
			we.fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = we.fd < 0 ? -errno : walk_dir(w, we.fd, len + 1 + nlen);
		we.fd = -1;	/* walk_dir() closed it */
	}
	if (we.fd >= 0)
		close(we.fd);
	return rc > 0 ? 0 : rc;		/* > 0: do not descend */
}

/* Walk below directory @dfd, which this closes. */
static int walk_dir(struct walker *w, int dfd, size_t len)
{
	struct dir_names dn = { 0 };
	DIR *d = fdopendir(dfd);
	size_t i;
	int rc;

	if (!d) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	rc = read_names(d, &dn);
	for (i = 0; rc == 0 && i < dn.n; i++)
		rc = walk_one(w, dirfd(d), len, dn.v[i], (unsigned char) dn.v[i][-1]);
	closedir(d);
	free(dn.pool);
	free(dn.off);
	free(dn.v);
	w->full[len] = '\0';
	return rc;
}

/* Call @fn for every entry below @root, parents first, names sorted. */
static int walk_tree(const char *root, bool open_files, walk_fn fn, void *data)
{
	struct walker *w = xcalloc(1, sizeof(*w));
	size_t len = strlen(root);
	int fd, rc;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len + 2 >= sizeof(w->full)) {
		free(w);
		return -ENAMETOOLONG;
	}
	memcpy(w->full, root, len);
	w->rootlen = len + 1;
	w->open_files = open_files;
	w->fn = fn;
	w->data = data;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? -errno : walk_dir(w, fd, len);
	free(w);
	return rc;
}

static bool is_whiteout(const struct walk_entry *we)
{
	if (is_whiteout_dev(&we->st))
		return true;
	return S_ISREG(we->st.st_mode) && we->st.st_size == 0 &&
	       (we->marks & MARK_WHITEOUT);
}

static bool is_opaque(const struct walk_entry *we)
{
	return S_ISDIR(we->st.st_mode) && (we->marks & MARK_OPAQUE);
}

/* redirect_dir and metacopy keep data in the lower layers. */
static int check_portable(const struct walk_entry *we, struct cu_error *e)
{
	if (we->marks & (MARK_REDIRECT | MARK_METACOPY))
		return cu_error_set(e, 0, _("upper uses redirect_dir or metacopy: /%s: its data is in the lower layers (mount with redirect_dir=off,metacopy=off)"), we->rel);
	return 0;
}

/* ---- diff ---- */

struct diff_ctx {
	char *const *lowers;
	size_t nlowers;
	layer_change_fn fn;
	void *data;
	struct cu_error *e;
};

/* Does /@rel exist in the lower layers (top first, whiteouts respected)? */
static bool in_lowers(const struct diff_ctx *c, const char *rel)
{
	struct stat st;
	size_t i;

	for (i = 0; i < c->nlowers; i++) {
		_cleanup_free_ char *p = NULL;

		xasprintf(&p, "%s/%s", c->lowers[i], rel);
		if (lstat(p, &st) < 0)
			continue;
		return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	}
	return false;
}

static char change_kind(const struct diff_ctx *c, const struct walk_entry *we)
{
	if (c->lowers)
		return in_lowers(c, we->rel) ? 'C' : 'A';
	/* An opaque dir only hides a lower one; a copy-up carries its origin. */
	if (is_opaque(we) || (we->marks & MARK_ORIGIN))
		return 'C';
	return 'A';
}

static int diff_entry(const struct walk_entry *we, void *data)
{
	struct diff_ctx *c = data;
	_cleanup_free_ char *path = NULL;
	int rc = check_portable(we, c->e);

	if (rc < 0)
		return rc;
	xasprintf(&path, "/%s", we->rel);
	if (is_whiteout(we))
		return c->fn('D', path, c->data);
	return c->fn(change_kind(c, we), path, c->data);
}

int layer_diff(const char *upper, char *const *lowers, size_t nlowers,
	       layer_change_fn fn, void *data, struct cu_error *e)
{
	struct diff_ctx c = {
		.lowers = nlowers ? lowers : NULL, .nlowers = nlowers,
		.fn = fn, .data = data, .e = e,
	};
	struct stat st;
	size_t i;
	int rc;

	if (stat(upper, &st) < 0 || !S_ISDIR(st.st_mode))
		return cu_error_set(e, errno ? errno : ENOTDIR, _("cannot read upper directory %s"), upper);
	/* An image layer cannot be looked into here: judge from the upper. */
	for (i = 0; i < nlowers; i++)
		if (stat(lowers[i], &st) < 0 || !S_ISDIR(st.st_mode))
			c.lowers = NULL;
	rc = walk_tree(upper, false, diff_entry, &c);
	if (rc < 0 && e && !e->msg[0])
		cu_error_set(e, rc, _("cannot read upper directory %s"), upper);
	return rc;
}

/* ---- commit ---- */

/*
 * The stream is ours (layer-tar.c): an entry a ustar header holds is written
 * there directly; one that needs a pax extended header (long or non-ASCII
 * names, xattrs, large numbers) goes through libarchive's restricted pax
 * writer, unblocked, whose bytes join the stream in order.
 */
struct commit_ctx {
	struct layer_lib *lib;	/* libarchive loaded at the first pax entry */
	struct layer_tar *tar;
	struct archive *a;	/* the pax writer, or NULL */
	struct archive_entry *entry;
	int sink_err;		/* the stream failed under libarchive */
	bool closing;		/* the pax writer's end blocks are not ours */
	void *links;		/* tsearch tree of struct link_key */
	struct cu_error *e;
};

struct link_key {
	dev_t dev;
	ino_t ino;
	char *path;
};

static int cmp_link(const void *a, const void *b)
{
	const struct link_key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static void free_link(void *p)
{
	struct link_key *k = p;

	free(k->path);
	free(k);
}

/* Hard links: the second path of an inode becomes a link to the first. */
static const char *link_seen(struct commit_ctx *c, const struct walk_entry *we)
{
	struct link_key *k, **found;

	if (S_ISDIR(we->st.st_mode) || we->st.st_nlink < 2)
		return NULL;
	k = xmalloc(sizeof(*k));
	k->dev = we->st.st_dev;
	k->ino = we->st.st_ino;
	k->path = xstrdup(we->rel);
	found = tsearch(k, &c->links, cmp_link);
	if (!found)
		abort();
	if (*found == k)
		return NULL;
	free_link(k);
	return (*found)->path;
}

static la_ssize_t pax_sink(struct archive *a __unused, void *data,
			   const void *buf, size_t len)
{
	struct commit_ctx *c = data;
	int rc;

	if (c->closing)
		return (la_ssize_t) len;
	rc = layer_tar_write(c->tar, buf, len);
	if (rc < 0) {
		c->sink_err = rc;
		return -1;
	}
	return (la_ssize_t) len;
}

/* libarchive failed on @path: the stream's own message, or libarchive's. */
static int pax_error(struct commit_ctx *c, const char *path)
{
	const struct layer_lib *lib = c->lib;

	if (c->sink_err)
		return c->sink_err;
	return cu_error_set(c->e, 0, _("cannot write layer entry %1$s: %2$s"), path, LA(archive_error_string)(c->a));
}

static int open_pax(struct commit_ctx *c)
{
	const struct layer_lib *lib = c->lib;
	int rc;

	if (c->a)
		return 0;
	if (!c->lib->archive && (rc = layer_lib_load_archive(c->lib, c->e)) < 0)
		return rc;
	c->a = LA(archive_write_new)();
	c->entry = LA(archive_entry_new)();
	if (!c->a || !c->entry)
		abort();
	if (LA(archive_write_set_format_pax_restricted)(c->a) != ARCHIVE_OK ||
	    LA(archive_write_set_bytes_per_block)(c->a, 0) != ARCHIVE_OK ||
	    LA(archive_write_open2)(c->a, c, NULL, pax_sink, NULL, NULL) != ARCHIVE_OK)
		return pax_error(c, "");
	return 0;
}

static void close_pax(struct commit_ctx *c)
{
	const struct layer_lib *lib = c->lib;

	c->closing = true;
	if (c->a)
		LA(archive_write_free)(c->a);
	if (c->entry)
		LA(archive_entry_free)(c->entry);
	c->a = NULL;
	c->entry = NULL;
}

static bool keep_xattr(const char *name)
{
	return !startswith(name, "trusted.overlay.") &&
	       !startswith(name, "user.overlay.") &&
	       !streq(name, "security.selinux");
}

static void add_xattrs(const struct layer_lib *lib, struct archive_entry *entry,
		       const struct walk_entry *we)
{
	char names[4096], val[65536];
	ssize_t len = xattr_list(we->fd, we->full, names, sizeof(names)), n;
	const char *p;

	for (p = names; len > 0 && p < names + len; p += strlen(p) + 1) {
		if (!keep_xattr(p))
			continue;
		n = xattr_get(we->fd, we->full, p, val, sizeof(val));
		if (n >= 0)
			LA(archive_entry_xattr_add_entry)(entry, p, val, (size_t) n);
	}
}

/* .wh.NAME and .wh..wh..opq: empty 0644 files owned by 0:0, mtime 0. */
static int write_marker(struct commit_ctx *c, const char *path)
{
	const struct layer_lib *lib = c->lib;
	struct layer_tar_hdr hd = { .path = path, .type = '0', .mode = 0644 };
	struct archive_entry *en;
	char h[512];
	int rc;

	if (layer_tar_header(h, &hd))
		return layer_tar_write(c->tar, h, sizeof(h));
	rc = open_pax(c);
	if (rc < 0)
		return rc;
	en = LA(archive_entry_clear)(c->entry);
	LA(archive_entry_set_pathname)(en, path);
	LA(archive_entry_set_filetype)(en, AE_IFREG);
	LA(archive_entry_set_perm)(en, 0644);
	LA(archive_entry_set_size)(en, 0);
	LA(archive_entry_set_mtime)(en, 0, 0);
	if (LA(archive_write_header)(c->a, en) != ARCHIVE_OK ||
	    LA(archive_write_finish_entry)(c->a) != ARCHIVE_OK)
		return pax_error(c, path);
	return 0;
}

static int open_data(struct commit_ctx *c, const struct walk_entry *we,
		     int *own)
{
	if (we->fd >= 0)
		return we->fd;
	*own = openat(we->dirfd, we->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*own < 0)
		return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
	return *own;
}

static int data_error(struct commit_ctx *c, const struct walk_entry *we,
		      ssize_t n)
{
	if (n < 0)
		return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
	return cu_error_set(c->e, 0, _("file shrank while read: %s (commit an upper that is not in use)"), we->full);
}

/*
 * Exactly the size the header gave, read straight into the stream: one
 * read for a small file, as tar does.
 */
static int copy_fast(struct commit_ctx *c, const struct walk_entry *we)
{
	_cleanup_close_ int own = -1;
	uint64_t left = (uint64_t) we->st.st_size;
	int fd = open_data(c, we, &own);
	size_t room;
	ssize_t n;
	char *p;

	if (fd < 0)
		return fd;
	while (left > 0) {
		p = layer_tar_space(c->tar, left, &room);
		if (!p)
			return layer_tar_status(c->tar);
		n = read(fd, p, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return data_error(c, we, n);
		layer_tar_advance(c->tar, (size_t) n);
		left -= (uint64_t) n;
	}
	return layer_tar_zeros(c->tar, (512 - (size_t) (we->st.st_size % 512)) % 512);
}

/* The same through libarchive, for a file with a pax header. */
static int copy_slow(struct commit_ctx *c, const struct walk_entry *we)
{
	const struct layer_lib *lib = c->lib;
	_cleanup_close_ int own = -1;
	_cleanup_free_ char *buf = xmalloc(65536);
	off_t left = we->st.st_size;
	int fd = open_data(c, we, &own);
	ssize_t n = 0;

	if (fd < 0)
		return fd;
	while (left > 0) {
		n = read(fd, buf, left < 65536 ? (size_t) left : 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return data_error(c, we, n);
		if (LA(archive_write_data)(c->a, buf, (size_t) n) != n)
			return pax_error(c, we->rel);
		left -= n;
	}
	return 0;
}

static char ustar_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return '0';
	case S_IFLNK: return '2';
	case S_IFCHR: return '3';
	case S_IFBLK: return '4';
	case S_IFDIR: return '5';
	case S_IFIFO: return '6';
	default: return '\0';
	}
}

/* Write @we with a plain ustar header; 1 when it needs a pax header. */
static int commit_fast(struct commit_ctx *c, const struct walk_entry *we,
		       const char *link)
{
	struct layer_tar_hdr hd = {
		.link = link, .type = link ? '1' : ustar_type(we->st.st_mode),
		.mode = we->st.st_mode & 07777, .uid = we->st.st_uid, .gid = we->st.st_gid,
		.mtime = we->st.st_mtim.tv_sec,
	};
	char path[258], target[102], h[512];
	size_t len = strlen(we->rel);
	ssize_t n;
	int rc;

	if (!hd.type || len + 2 > sizeof(path))
		return 1;
	memcpy(path, we->rel, len);
	if (S_ISDIR(we->st.st_mode))
		path[len++] = '/';
	path[len] = '\0';
	hd.path = path;
	if (S_ISREG(we->st.st_mode) && !link)
		hd.size = (uint64_t) we->st.st_size;
	if (S_ISCHR(we->st.st_mode) || S_ISBLK(we->st.st_mode)) {
		hd.devmajor = major(we->st.st_rdev);
		hd.devminor = minor(we->st.st_rdev);
	}
	if (S_ISLNK(we->st.st_mode)) {
		n = readlinkat(we->dirfd, we->name, target, sizeof(target));
		if (n < 0)
			return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
		if ((size_t) n >= sizeof(target) - 1)
			return 1;
		target[n] = '\0';
		hd.link = target;
	}
	if (!layer_tar_header(h, &hd))
		return 1;
	rc = layer_tar_write(c->tar, h, sizeof(h));
	if (rc == 0 && hd.size)
		rc = copy_fast(c, we);
	return rc;
}

static int fill_entry(struct commit_ctx *c, const struct walk_entry *we)
{
	const struct layer_lib *lib = c->lib;
	struct archive_entry *en = LA(archive_entry_clear)(c->entry);
	char target[PATH_MAX];
	ssize_t n;

	LA(archive_entry_copy_stat)(en, &we->st);
	LA(archive_entry_unset_atime)(en);
	LA(archive_entry_unset_ctime)(en);
	LA(archive_entry_unset_birthtime)(en);
	LA(archive_entry_set_pathname)(en, we->rel);
	if (S_ISLNK(we->st.st_mode)) {
		n = readlinkat(we->dirfd, we->name, target, sizeof(target) - 1);
		if (n < 0)
			return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
		target[n] = '\0';
		LA(archive_entry_set_symlink)(en, target);
	}
	if (!S_ISREG(we->st.st_mode))
		LA(archive_entry_set_size)(en, 0);
	if (we->marks & MARK_OTHER)
		add_xattrs(lib, en, we);
	return 0;
}

/* Write @we through libarchive's pax writer. */
static int commit_slow(struct commit_ctx *c, const struct walk_entry *we,
		       const char *link)
{
	const struct layer_lib *lib = c->lib;
	int rc = open_pax(c);

	if (rc == 0)
		rc = fill_entry(c, we);
	if (rc < 0)
		return rc;
	if (link) {
		LA(archive_entry_set_hardlink)(c->entry, link);
		LA(archive_entry_set_size)(c->entry, 0);
	}
	if (LA(archive_write_header)(c->a, c->entry) != ARCHIVE_OK)
		return pax_error(c, we->rel);
	if (S_ISREG(we->st.st_mode) && !link && (rc = copy_slow(c, we)) < 0)
		return rc;
	if (LA(archive_write_finish_entry)(c->a) != ARCHIVE_OK)
		return pax_error(c, we->rel);
	return 0;
}

static layer_progress_fn progress_fn;
static void *progress_data;
static struct layer_progress progress;

void layer_set_progress(layer_progress_fn fn, void *data)
{
	progress_fn = fn;
	progress_data = data;
}

static void progress_start(enum layer_phase phase, uint64_t total)
{
	progress = (struct layer_progress) { .phase = phase, .total = total };
}

/* One more entry: @bytes more file data (commit), or the tar's position (apply). */
static void progress_step(uint64_t bytes, bool absolute)
{
	if (!progress_fn)
		return;
	progress.entries++;
	progress.bytes = absolute ? bytes : progress.bytes + bytes;
	progress_fn(&progress, progress_data);
}

/* Where the reader of @fd is in the tar (libarchive reads ahead by a block). */
static void progress_fd(int fd)
{
	off_t pos;

	if (progress_fn && (pos = lseek(fd, 0, SEEK_CUR)) >= 0)
		progress_step((uint64_t) pos, true);
}

static uint64_t fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t) st.st_size : 0;
}

static int commit_one(const struct walk_entry *we, struct commit_ctx *c)
{
	_cleanup_free_ char *marker = NULL;
	const char *link;
	int rc = check_portable(we, c->e);

	if (rc < 0)
		return rc;
	if (is_whiteout(we)) {
		const char *slash = strrchr(we->rel, '/');
		int dirlen = slash ? (int) (slash - we->rel) + 1 : 0;

		xasprintf(&marker, "%.*s" WH_PREFIX "%s", dirlen, we->rel, we->name);
		return write_marker(c, marker);
	}
	if (S_ISSOCK(we->st.st_mode))
		return 0;	/* tar cannot hold sockets; OCI layers do not either */
	link = link_seen(c, we);
	rc = we->marks & MARK_OTHER ? 1 : commit_fast(c, we, link);
	if (rc > 0)
		rc = commit_slow(c, we, link);
	if (rc < 0 || !is_opaque(we))
		return rc;
	xasprintf(&marker, "%s/" WH_OPAQUE, we->rel);
	return write_marker(c, marker);
}

/* One entry into the tar, then the progress counts it (and its data). */
static int commit_entry(const struct walk_entry *we, void *data)
{
	int rc = commit_one(we, data);

	if (rc == 0)
		progress_step(S_ISREG(we->st.st_mode) ? (uint64_t) we->st.st_size : 0, false);
	return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && streq(s + a - b, suffix);
}

/* The compression @out's name asks for; -EINVAL with the message if none. */
static int filter_of(const char *out, struct cu_error *e)
{
	if (has_suffix(out, ".tar.gz") || has_suffix(out, ".tgz"))
		return LAYER_TAR_GZIP;
	if (has_suffix(out, ".tar.zst"))
		return LAYER_TAR_ZSTD;
	if (has_suffix(out, ".tar"))
		return LAYER_TAR_PLAIN;
	return cu_error_set(e, 0, _("unknown layer format: %s: give a name ending in .tar, .tar.gz or .tar.zst"), out);
}

/* The stream failed (writing @out, or in libarchive's filter). */
static int stream_error(struct commit_ctx *c, const char *out, bool opening)
{
	const char *msg = layer_tar_error(c->tar);

	if (msg && opening)
		return cu_error_set(c->e, 0, _("cannot compress %1$s: %2$s"), out, msg);
	if (msg)
		return cu_error_set(c->e, 0, _("cannot write %1$s: %2$s"), out, msg);
	return cu_error_set(c->e, layer_tar_status(c->tar), _("cannot create %s"), out);
}

static int commit_stream(struct commit_ctx *c, const char *upper, int fd,
			 enum layer_tar_filter filter, const char *out,
			 char digest[LAYER_DIGEST_LEN])
{
	int rc = layer_tar_open(&c->tar, c->lib, fd, filter);

	if (rc < 0)
		return stream_error(c, out, true);
	progress_start(LAYER_PHASE_COMMIT, 0);
	rc = walk_tree(upper, true, commit_entry, c);
	if (rc < 0 && c->e && c->e->msg[0])
		return rc;	/* an entry's own message */
	if (rc < 0 && !layer_tar_status(c->tar))
		return cu_error_set(c->e, rc, _("cannot read upper directory %s"), upper);
	if (rc == 0)
		rc = layer_tar_close(c->tar, digest);
	return rc < 0 ? stream_error(c, out, false) : 0;
}

static int commit_to(struct commit_ctx *c, const char *upper, const char *out,
		     enum layer_tar_filter filter, char digest[LAYER_DIGEST_LEN])
{
	_cleanup_free_ char *tmp = NULL;
	int fd, rc;

	xasprintf(&tmp, "%s.XXXXXX", out);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cu_error_set(c->e, errno, _("cannot create %s"), out);
	rc = commit_stream(c, upper, fd, filter, out, digest);
	/* rename(2) makes the layer appear whole; durability is the caller's (sync) */
	if (rc == 0 && (fchmod(fd, 0644) < 0 || rename(tmp, out) < 0))
		rc = cu_error_set(c->e, errno, _("cannot create %s"), out);
	if (rc < 0)
		unlink(tmp);
	close_pax(c);
	layer_tar_free(c->tar);
	close(fd);
	tdestroy(c->links, free_link);
	return rc;
}

/*
 * Names in a layer are the bytes the kernel has.  libarchive converts them
 * from the character set of the locale, so it runs in C.UTF-8 (this thread
 * only, uselocale(3)) whatever LANG says: a name is written and read the
 * same way in every locale, and a layer's digest does not depend on it.
 */
struct layer_locale {
	locale_t mine, old;
};

static void layer_locale_enter(struct layer_locale *l)
{
	l->mine = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
	l->old = l->mine ? uselocale(l->mine) : (locale_t) 0;
}

static void layer_locale_leave(struct layer_locale *l)
{
	if (!l->mine)
		return;
	uselocale(l->old);
	freelocale(l->mine);
}

int layer_commit(const char *upper, const char *out,
		 char digest[LAYER_DIGEST_LEN], struct cu_error *e)
{
	struct layer_lib lib = { 0 };
	struct commit_ctx c = { .lib = &lib, .e = e };
	struct stat st;
	int filter, rc;

	if (stat(upper, &st) < 0 || !S_ISDIR(st.st_mode))
		return cu_error_set(e, errno ? errno : ENOTDIR, _("cannot read upper directory %s"), upper);
	filter = filter_of(out, e);
	if (filter < 0)
		return filter;	/* the message, before any file */
	rc = layer_lib_load_crypto(&lib, e);
	if (rc == 0 && filter != LAYER_TAR_PLAIN)
		rc = layer_lib_load_archive(&lib, e);
	if (rc == 0 && explain_on()) {
		/* issue 19: the layer file as one step (a plan writes none) */
		struct explain_step es;

		if (!explain_begin(&es, EXPLAIN_PRIV_FILE, "write %s \u2190 tar of %s", out, upper)) {
			explain_concept(&es, "%s", _("a layer: the upper directory's changes, whiteouts as .wh. files"));
			explain_end(&es, 0, 0);
			digest[0] = '\0';
			layer_lib_unload(&lib);
			return 0;
		}
		explain_note("write %s \u2190 tar of %s  [%s]", out, upper,
			     _("a layer: the upper directory's changes, whiteouts as .wh. files"));
	}
	if (rc == 0) {
		struct layer_locale loc;

		layer_locale_enter(&loc);
		rc = commit_to(&c, upper, out, (enum layer_tar_filter) filter, digest);
		layer_locale_leave(&loc);
	}
	layer_lib_unload(&lib);
	return rc;
}

/* ---- apply ---- */

int layer_normalize(const char *name, char **out)
{
	const char *p = name, *end;
	size_t len;
	char *res;

	*out = NULL;
	if (*name == '/')
		return -EPERM;
	res = xcalloc(1, strlen(name) + 1);
	while (*p) {
		end = p + strcspn(p, "/");
		len = (size_t) (end - p);
		if (len == 2 && strncmp(p, "..", 2) == 0) {
			free(res);
			return -EXDEV;
		}
		if (len && !(len == 1 && *p == '.')) {
			if (*res)
				strcat(res, "/");
			strncat(res, p, len);
		}
		p = *end ? end + 1 : end;
	}
	*out = res;
	return 0;
}

/* One step of apply on an existing DIR, and how a failure undoes it. */
enum undo_kind {
	UNDO_CREATED,		/* the path is new: remove it */
	UNDO_MOVED,		/* the old entry waits in the backup dir */
	UNDO_ATTRS,		/* a directory kept: its mode, owner and times */
	UNDO_XATTR,		/* a directory kept: its opaque xattr */
};

struct undo_op {
	enum undo_kind kind;
	char *path;		/* in DIR; "" is DIR itself */
	char *saved;		/* UNDO_MOVED: name in the backup dir;
				 * UNDO_XATTR: the old value, or NULL */
	size_t savedlen;
	struct stat st;		/* UNDO_ATTRS */
};

struct apply_ctx {
	const struct layer_lib *lib;
	int dirfd;
	unsigned int flags;	/* LAYER_KEEP_* */
	struct layer_apply_report *report;
	void *symlinks;		/* tsearch tree of paths that are symlinks */
	void *files;		/* non-directory entries of the layer */
	char **hardlinks;	/* hard link targets to check before writing */
	size_t nhardlinks;
	void *dropped;		/* device nodes left out (their hard links too) */
	void *kept;		/* directories whose attributes are saved */
	char **whiteouts;	/* written, for the opaque clean-up */
	size_t nwhiteouts;
	char **opaques;
	size_t nopaques;
	struct undo_op *undo;	/* the journal of an apply into DIR */
	size_t nundo;
	int bakfd;		/* the backup dir beneath DIR, or -1 */
	char bakname[64];
	unsigned long nbak;
	char *lastparent;	/* the last parent known to exist */
	struct cu_error *e;
	unsigned long nentries;	/* the layer's entries (scan_archive) */
	unsigned long nmarkers;	/* ... of them whiteouts and opaque markers */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void free_str(void *p)
{
	free(p);
}

static void tree_add(void **tree, const char *s)
{
	if (!tfind(s, tree, cmp_str) && !tsearch(xstrdup(s), tree, cmp_str))
		abort();
}

static void remember(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
}

/* Is a proper prefix of @path a symlink made by an earlier entry? */
static bool below_symlink(struct apply_ctx *c, const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	char *s;

	for (s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (tfind(p, &c->symlinks, cmp_str))
			return true;
		*s = '/';
	}
	return false;
}

static int refuse(struct apply_ctx *c, const char *name, int why)
{
	if (why == -EPERM)
		return cu_error_set(c->e, 0, _("refusing layer entry with an absolute path: %s (layers hold relative paths only)"), name);
	if (why == -EXDEV)
		return cu_error_set(c->e, 0, _("refusing layer entry that climbs out with '..': %s (the layer is unsafe)"), name);
	if (why == -ELOOP)
		return cu_error_set(c->e, 0, _("refusing layer entry below a symlink: %s (the layer is unsafe)"), name);
	return cu_error_set(c->e, 0, _("refusing bare whiteout entry: %s (the layer is malformed)"), name);
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Check one entry's names; remember symlinks for the entries after it. */
static int scan_entry(struct apply_ctx *c, struct archive_entry *en)
{
	const struct layer_lib *lib = c->lib;
	const char *name = LA(archive_entry_pathname)(en);
	const char *link = LA(archive_entry_hardlink)(en);
	_cleanup_free_ char *norm = NULL;
	_cleanup_free_ char *lnorm = NULL;
	int rc;

	rc = layer_normalize(name ? name : "", &norm);
	if (rc == 0 && link)
		rc = layer_normalize(link, &lnorm);
	if (rc < 0)
		return refuse(c, rc == -EPERM || !link ? name : link, rc);
	if (below_symlink(c, norm) || (lnorm && below_symlink(c, lnorm)))
		return refuse(c, name, -ELOOP);
	if (streq(base_of(norm), WH_PREFIX))
		return refuse(c, name, -EINVAL);
	c->nentries++;
	if (startswith(base_of(norm), WH_PREFIX) &&
	    (streq(base_of(norm), WH_OPAQUE) || !startswith(base_of(norm), WH_META)))
		c->nmarkers++;
	if (LA(archive_entry_filetype)(en) == AE_IFLNK)
		tree_add(&c->symlinks, norm);
	/* a hard link names an earlier entry, or a file already in DIR */
	if (lnorm && !tfind(lnorm, &c->files, cmp_str))
		remember(&c->hardlinks, &c->nhardlinks, lnorm);
	if (*norm && (lnorm || LA(archive_entry_filetype)(en) != AE_IFDIR))
		tree_add(&c->files, norm);
	return 0;
}

static struct archive *open_reader(const struct layer_lib *lib, int fd, const char *tarball, struct cu_error *e)
{
	struct archive *a = LA(archive_read_new)();

	if (!a)
		abort();
	LA(archive_read_support_filter_all)(a);
	LA(archive_read_support_format_tar)(a);
	LA(archive_read_support_format_gnutar)(a);
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    LA(archive_read_open_fd)(a, fd, 65536) != ARCHIVE_OK) {
		cu_error_set(e, 0, _("cannot read layer %1$s: %2$s"), tarball, LA(archive_error_string)(a));
		LA(archive_read_free)(a);
		return NULL;
	}
	return a;
}

static int scan_archive(struct apply_ctx *c, int fd, const char *tarball)
{
	const struct layer_lib *lib = c->lib;
	struct archive *a = open_reader(lib, fd, tarball, c->e);
	struct archive_entry *en;
	int r, rc = 0;

	if (!a)
		return -EINVAL;
	progress_start(LAYER_PHASE_SCAN, fd_size(fd));
	while (rc == 0 && (r = LA(archive_read_next_header)(a, &en)) == ARCHIVE_OK) {
		rc = scan_entry(c, en);
		progress_fd(fd);
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = cu_error_set(c->e, 0, _("cannot read layer %1$s: %2$s"), tarball, LA(archive_error_string)(a));
	LA(archive_read_free)(a);
	return rc;
}

/* Open directory @rel inside the layer, never through a symlink. */
static int open_beneath(struct apply_ctx *c, const char *rel, bool create)
{
	struct cu_open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(c->dirfd, *rel ? rel : ".", &how, sizeof(how));

	if (fd < 0 && errno == ENOENT && create && *rel) {
		_cleanup_free_ char *parent = xstrdup(rel);
		char *s = strrchr(parent, '/');
		_cleanup_close_ int pfd = -1;

		if (s)
			*s = '\0';
		pfd = open_beneath(c, s ? parent : "", true);
		if (pfd < 0 || (mkdirat(pfd, base_of(rel), 0755) < 0 && errno != EEXIST))
			return -1;
		fd = sys_openat2(c->dirfd, rel, &how, sizeof(how));
	}
	return fd;
}

/* ---- the journal of an apply into an existing DIR ---- */


static struct undo_op *journal(struct apply_ctx *c, enum undo_kind kind, const char *path)
{
	struct undo_op *op;

	c->undo = xrealloc(c->undo, (c->nundo + 1) * sizeof(*c->undo));
	op = &c->undo[c->nundo++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->path = xstrdup(path);
	return op;
}

/* The directory holding @rel, opened beneath DIR; *base gets @rel's last name. */
static int open_parent(struct apply_ctx *c, const char *rel, const char **base)
{
	_cleanup_free_ char *parent = xstrdup(rel);
	char *s = strrchr(parent, '/');

	*base = base_of(rel);
	if (s)
		*s = '\0';
	else
		parent[0] = '\0';
	return open_beneath(c, parent, false);
}

/* Save the mode, owner and times of directory @rel (it stays), once. */
static int keep_attrs(struct apply_ctx *c, const char *rel)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (tfind(rel, &c->kept, cmp_str))
		return 0;
	fd = open_beneath(c, rel, false);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	tree_add(&c->kept, rel);
	journal(c, UNDO_ATTRS, rel)->st = st;
	return 0;
}

/* Make the directories missing above @rel, each one journalled. */
static int make_parents(struct apply_ctx *c, const char *rel)
{
	_cleanup_free_ char *p = xstrdup(rel);
	char *s = strrchr(p, '/'), *slash;
	const char *base;
	int fd;

	if (!s)
		return 0;
	*s = '\0';
	if (c->lastparent && streq(c->lastparent, p))
		return 0;
	for (s = p;; s = slash + 1) {
		slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		fd = open_beneath(c, p, false);
		if (fd >= 0) {
			close(fd);
			if (keep_attrs(c, p) < 0)
				return -1;
		} else if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) {
			/* missing, or a file or symlink the disk writer would replace */
			bool missing = errno == ENOENT;
			_cleanup_close_ int pfd = open_parent(c, p, &base);
			char name[32];

			if (pfd < 0)
				return -1;
			if (!missing) {
				snprintf(name, sizeof(name), "%lu", c->nbak++);
				if (renameat(pfd, base, c->bakfd, name) < 0)
					return -1;
				journal(c, UNDO_MOVED, p)->saved = xstrdup(name);
			}
			if (mkdirat(pfd, base, 0755) < 0)
				return -1;
			journal(c, UNDO_CREATED, p);
			tree_add(&c->kept, p);
		} else {
			return -1;
		}
		if (!slash)
			break;
		*slash = '/';
	}
	free(c->lastparent);
	c->lastparent = xstrdup(p);
	return 0;
}

/*
 * Before entry @rel is written into an existing DIR: make its parents, and
 * move what it replaces into the backup dir (a directory that a directory
 * entry keeps stays, its attributes saved).  Nothing to do in a new DIR.
 */
static int prepare_entry(struct apply_ctx *c, const char *rel, bool is_dir)
{
	_cleanup_close_ int pfd = -1;
	const char *base;
	struct stat st;
	char name[32];

	if (c->bakfd < 0)
		return 0;
	if (make_parents(c, rel) < 0)
		goto fail;
	pfd = open_parent(c, rel, &base);
	if (pfd < 0)
		goto fail;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			goto fail;
		journal(c, UNDO_CREATED, rel);
		tree_add(&c->kept, rel);
		return 0;
	}
	if (is_dir && S_ISDIR(st.st_mode))
		return keep_attrs(c, rel) < 0 ? cu_error_set(c->e, errno, _("cannot read /%s"), rel) : 0;
	snprintf(name, sizeof(name), "%lu", c->nbak++);
	if (renameat(pfd, base, c->bakfd, name) < 0)
		goto fail;
	journal(c, UNDO_MOVED, rel)->saved = xstrdup(name);
	free(c->lastparent);		/* a directory may have moved */
	c->lastparent = NULL;
	return 0;
fail:
	return cu_error_set(c->e, errno, _("cannot unpack /%s"), rel);
}

static int undo_one(struct apply_ctx *c, const struct undo_op *op)
{
	_cleanup_close_ int pfd = -1, fd = -1;
	struct timespec ts[2];
	const char *base;
	char name[64];
	int rc;

	switch (op->kind) {
	case UNDO_CREATED:
		pfd = open_parent(c, op->path, &base);
		if (pfd < 0)
			return errno == ENOENT ? 0 : -1;
		rc = file_remove_tree_at(pfd, base, 0);
		return rc < 0 && rc != -ENOENT ? -1 : 0;
	case UNDO_MOVED:
		pfd = open_parent(c, op->path, &base);
		if (pfd < 0)
			return -1;
		ignore_result(file_remove_tree_at(pfd, base, 0));	/* renameat reports what stays */
		return renameat(c->bakfd, op->saved, pfd, base);
	case UNDO_ATTRS:
		fd = open_beneath(c, op->path, false);
		ts[0] = op->st.st_atim;
		ts[1] = op->st.st_mtim;
		if (fd < 0 || fchown(fd, op->st.st_uid, op->st.st_gid) < 0 ||
		    fchmod(fd, op->st.st_mode & 07777) < 0 || futimens(fd, ts) < 0)
			return -1;
		return 0;
	case UNDO_XATTR:
		fd = open_beneath(c, op->path, false);
		snprintf(name, sizeof(name), "%sopaque", ovl_xattr_prefix());
		if (fd < 0)
			return -1;
		if (op->saved)
			return fsetxattr(fd, name, op->saved, op->savedlen, 0);
		return fremovexattr(fd, name) < 0 && errno != ENODATA ? -1 : 0;
	}
	return 0;
}

/* Undo the journal, newest first; false when something could not be restored. */
static bool undo_all(struct apply_ctx *c)
{
	bool ok = true;
	size_t i;

	for (i = c->nundo; i > 0; i--)
		if (undo_one(c, &c->undo[i - 1]) < 0)
			ok = false;
	return ok;
}

/* Hard links to files the layer does not bring must find them in DIR. */
static int check_hardlinks(struct apply_ctx *c)
{
	struct stat st;
	const char *base;
	size_t i;

	for (i = 0; i < c->nhardlinks; i++) {
		_cleanup_close_ int pfd = open_parent(c, c->hardlinks[i], &base);

		if (pfd < 0 || fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			return cu_error_set(c->e, 0, _("refusing hard link to a file neither the layer nor the directory has: %s (the layer is malformed)"), c->hardlinks[i]);
	}
	return 0;
}

static int apply_opaque(struct apply_ctx *c, const char *dir)
{
	_cleanup_close_ int fd = -1;
	struct undo_op *op;
	char name[64];
	ssize_t len;

	if (*dir && prepare_entry(c, dir, true) < 0)
		return -1;
	fd = open_beneath(c, dir, true);
	snprintf(name, sizeof(name), "%sopaque", ovl_xattr_prefix());
	if (fd >= 0 && c->bakfd >= 0) {
		op = journal(c, UNDO_XATTR, dir);
		len = fgetxattr(fd, name, NULL, 0);
		if (len >= 0) {
			op->saved = xmalloc((size_t) len + 1);
			len = fgetxattr(fd, name, op->saved, (size_t) len);
			op->savedlen = len > 0 ? (size_t) len : 0;
		}
	}
	if (fd < 0 || fsetxattr(fd, name, "y", 1, 0) < 0)
		return cu_error_set(c->e, errno, _("cannot mark directory opaque: /%s"), dir);
	remember(&c->opaques, &c->nopaques, dir);
	return 0;
}

static int apply_whiteout(struct apply_ctx *c, const char *dir, const char *name,
			  struct archive_entry *en)
{
	const struct layer_lib *lib = c->lib;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *rel = NULL;

	xasprintf(&rel, "%s%s%s", dir, *dir ? "/" : "", name);
	if (prepare_entry(c, rel, false) < 0)
		return -1;
	fd = open_beneath(c, dir, true);
	if (fd < 0)
		return cu_error_set(c->e, errno, _("cannot write whiteout /%s"), rel);
	if (unlinkat(fd, name, 0) < 0 && errno == EISDIR)
		(void) unlinkat(fd, name, AT_REMOVEDIR);	/* mknodat reports what stays */
	if (mknodat(fd, name, S_IFCHR, makedev(0, 0)) < 0 ||
	    fchownat(fd, name, (uid_t) LA(archive_entry_uid)(en),
		     (gid_t) LA(archive_entry_gid)(en), AT_SYMLINK_NOFOLLOW) < 0)
		return cu_error_set(c->e, errno, _("cannot write whiteout /%s"), rel);
	remember(&c->whiteouts, &c->nwhiteouts, rel);
	return 0;
}

/* .wh.NAME and .wh..wh..opq: overlay's own markers instead of files. */
static int apply_marker(struct apply_ctx *c, const char *norm, struct archive_entry *en)
{
	_cleanup_free_ char *dir = xstrdup(norm);
	char *s = strrchr(dir, '/');
	const char *base = base_of(norm);

	if (s)
		*s = '\0';
	else
		dir[0] = '\0';
	if (streq(base, WH_OPAQUE))
		return apply_opaque(c, dir);
	if (startswith(base, WH_META))
		return 0;	/* aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs) */
	return apply_whiteout(c, dir, base + strlen(WH_PREFIX), en);
}

static int copy_entry_data(const struct layer_lib *lib, struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = LA(archive_read_data_block)(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (LA(archive_write_data_block)(out, buf, len, off) != ARCHIVE_OK)
			return ARCHIVE_FATAL;
	return r == ARCHIVE_EOF ? ARCHIVE_OK : r;
}

struct xattr_copy {
	char *name;
	void *value;
	size_t size;
};

/*
 * An image's own overlay xattrs must not become markers of this layer:
 * escape them one level as overlayfs expects ("trusted.overlay.overlay.X"),
 * as umoci does.
 */
static void escape_xattrs(struct apply_ctx *c, struct archive_entry *en, const char *norm)
{
	const struct layer_lib *lib = c->lib;
	struct xattr_copy *v = NULL;
	const char *name;
	const void *value;
	size_t size, n = 0, i;
	bool escape = false;

	if (LA(archive_entry_xattr_reset)(en) == 0)
		return;
	while (LA(archive_entry_xattr_next)(en, &name, &value, &size) == ARCHIVE_OK) {
		const char *key = ovl_key(name);

		if (streq(name, "security.capability") && !(c->flags & LAYER_KEEP_SETID)) {
			remember(&c->report->caps, &c->report->ncaps, norm);
			escape = true;		/* rebuild the list without it */
			continue;
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		if (key) {
			escape = true;
			xasprintf(&v[n].name, "%.*soverlay.%s", (int) (key - name), name, key);
		} else {
			v[n].name = xstrdup(name);
		}
		v[n].value = xmalloc(size);
		memcpy(v[n].value, value, size);
		v[n++].size = size;
	}
	if (escape) {
		LA(archive_entry_xattr_clear)(en);
		for (i = 0; i < n; i++)
			LA(archive_entry_xattr_add_entry)(en, v[i].name, v[i].value, v[i].size);
	}
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/*
 * Device nodes (but overlay's own 0/0 whiteouts) are left out, with hard
 * links to them; setuid and setgid bits of files are cleared.  True: skip.
 */
static bool leave_out(struct apply_ctx *c, struct archive_entry *en,
		      const char *norm, const char *lnorm)
{
	const struct layer_lib *lib = c->lib;
	unsigned int type = LA(archive_entry_filetype)(en);
	mode_t perm = LA(archive_entry_perm)(en);

	if (!(c->flags & LAYER_KEEP_DEVICES) &&
	    ((lnorm && tfind(lnorm, &c->dropped, cmp_str)) ||
	     (!lnorm && (type == AE_IFBLK || (type == AE_IFCHR && LA(archive_entry_rdev)(en) != 0))))) {
		tree_add(&c->dropped, norm);
		remember(&c->report->devices, &c->report->ndevices, norm);
		return true;
	}
	if (!(c->flags & LAYER_KEEP_SETID) && type != AE_IFDIR && (perm & (S_ISUID | S_ISGID))) {
		LA(archive_entry_set_perm)(en, perm & ~(mode_t) (S_ISUID | S_ISGID));
		remember(&c->report->setid, &c->report->nsetid, norm);
	}
	return false;
}

static int extract_entry(struct apply_ctx *c, struct archive *in,
			 struct archive *out, struct archive_entry *en)
{
	const struct layer_lib *lib = c->lib;
	_cleanup_free_ char *norm = NULL;
	_cleanup_free_ char *lnorm = NULL;
	const char *link = LA(archive_entry_hardlink)(en);

	if (layer_normalize(LA(archive_entry_pathname)(en), &norm) < 0 ||
	    (link && layer_normalize(link, &lnorm) < 0))
		return refuse(c, LA(archive_entry_pathname)(en), -EXDEV);
	if (!*norm)
		return 0;	/* the layer root: DIR keeps its own attributes */
	if (startswith(base_of(norm), WH_PREFIX))
		return apply_marker(c, norm, en);
	if (leave_out(c, en, norm, lnorm))
		return 0;
	if (prepare_entry(c, norm, !lnorm && LA(archive_entry_filetype)(en) == AE_IFDIR) < 0)
		return -1;
	LA(archive_entry_set_pathname)(en, norm);
	escape_xattrs(c, en, norm);
	if (lnorm)
		LA(archive_entry_set_hardlink)(en, lnorm);
	if (LA(archive_write_header)(out, en) < ARCHIVE_WARN ||
	    copy_entry_data(lib, in, out) < ARCHIVE_WARN ||
	    LA(archive_write_finish_entry)(out) < ARCHIVE_WARN)
		return cu_error_set(c->e, 0, _("cannot unpack /%1$s: %2$s"), norm, LA(archive_error_string)(out));
	return 0;
}

static struct archive *open_writer(const struct layer_lib *lib)
{
	struct archive *w = LA(archive_write_disk_new)();

	if (!w)
		abort();
	LA(archive_write_disk_set_options)(w, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
				       ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
				       ARCHIVE_EXTRACT_UNLINK);
	return w;
}

static int extract_archive(struct apply_ctx *c, int fd, const char *tarball)
{
	const struct layer_lib *lib = c->lib;
	struct archive *in = open_reader(lib, fd, tarball, c->e);
	struct archive *out;
	struct archive_entry *en;
	int r = ARCHIVE_OK, rc = 0;

	if (!in)
		return -EINVAL;
	out = open_writer(lib);
	progress_start(LAYER_PHASE_EXTRACT, fd_size(fd));
	while (rc == 0 && (r = LA(archive_read_next_header)(in, &en)) == ARCHIVE_OK) {
		rc = extract_entry(c, in, out, en);
		progress_fd(fd);
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = cu_error_set(c->e, 0, _("cannot read layer %1$s: %2$s"), tarball, LA(archive_error_string)(in));
	if (LA(archive_write_close)(out) != ARCHIVE_OK && rc == 0)
		rc = cu_error_set(c->e, 0, _("cannot unpack %1$s: %2$s"), tarball, LA(archive_error_string)(out));
	LA(archive_write_free)(out);
	LA(archive_read_free)(in);
	return rc;
}

/* An opaque dir hides all below it: whiteouts inside it must not stay. */
static void prune_whiteouts(struct apply_ctx *c)
{
	size_t i, j, len;

	for (i = 0; i < c->nwhiteouts; i++) {
		for (j = 0; j < c->nopaques; j++) {
			len = strlen(c->opaques[j]);
			if ((len == 0 && !strchr(c->whiteouts[i], '/')) ||
			    (len && strncmp(c->whiteouts[i], c->opaques[j], len) == 0 &&
			     c->whiteouts[i][len] == '/' && !strchr(c->whiteouts[i] + len + 1, '/'))) {
				(void) unlinkat(c->dirfd, c->whiteouts[i], 0);	/* a stale marker at worst */
				break;
			}
		}
	}
}

static void free_strv(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

static void apply_free(struct apply_ctx *c)
{
	size_t i;

	free_strv(c->whiteouts, c->nwhiteouts);
	free_strv(c->opaques, c->nopaques);
	free_strv(c->hardlinks, c->nhardlinks);
	for (i = 0; i < c->nundo; i++) {
		free(c->undo[i].path);
		free(c->undo[i].saved);
	}
	free(c->undo);
	free(c->lastparent);
	tdestroy(c->symlinks, free_str);
	tdestroy(c->files, free_str);
	tdestroy(c->dropped, free_str);
	tdestroy(c->kept, free_str);
	if (c->bakfd >= 0)
		close(c->bakfd);
	if (c->dirfd >= 0)
		close(c->dirfd);
}

void layer_apply_report_free(struct layer_apply_report *r)
{
	free_strv(r->devices, r->ndevices);
	free_strv(r->setid, r->nsetid);
	free_strv(r->caps, r->ncaps);
	memset(r, 0, sizeof(*r));
}

/* libarchive's disk writer works relative to the cwd: enter DIR for it. */
static int extract_in(struct apply_ctx *c, int fd, const char *tarball)
{
	_cleanup_close_ int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (here < 0 || fchdir(c->dirfd) < 0)
		return cu_error_set(c->e, errno, _("cannot enter the layer directory"));
	rc = extract_archive(c, fd, tarball);
	if (rc == 0)
		prune_whiteouts(c);
	if (fchdir(here) < 0 && rc == 0)
		rc = cu_error_set(c->e, errno, _("cannot return to the working directory"));
	return rc;
}

static int apply_from(struct apply_ctx *c, int fd, const char *tarball, const char *dir);

int layer_apply(const char *tarball, const char *dir, unsigned int flags,
		struct layer_apply_report *report, struct cu_error *e)
{
	struct layer_lib lib;
	struct apply_ctx c = { .lib = &lib, .dirfd = -1, .bakfd = -1, .flags = flags,
			       .report = report, .e = e };
	_cleanup_close_ int fd = open(tarball, O_RDONLY | O_CLOEXEC);
	struct layer_locale loc;
	int rc;

	memset(report, 0, sizeof(*report));
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot read layer %s"), tarball);
	rc = layer_lib_load(&lib, e);
	if (rc < 0)
		return rc;
	layer_locale_enter(&loc);
	rc = apply_from(&c, fd, tarball, dir);
	layer_locale_leave(&loc);
	apply_free(&c);
	layer_lib_unload(&lib);
	if (rc < 0)
		layer_apply_report_free(report);
	return rc;
}

/*
 * The private dir beneath an existing DIR where replaced entries wait until
 * the layer is in (then it is removed), or a failure puts them back.
 */
static int make_backup(struct apply_ctx *c, const char *dir)
{
	unsigned int i;

	if (keep_attrs(c, "") < 0)	/* DIR's own times change below */
		return cu_error_set(c->e, errno, _("cannot read directory %s"), dir);
	for (i = 0; i < 100; i++) {
		snprintf(c->bakname, sizeof(c->bakname), ".unionmount-apply.%d.%u",
			 (int) getpid(), i);
		if (mkdirat(c->dirfd, c->bakname, 0700) == 0)
			break;
		if (errno != EEXIST)
			return cu_error_set(c->e, errno, _("cannot make a backup directory in %s"), dir);
	}
	c->bakfd = openat(c->dirfd, c->bakname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->bakfd < 0)
		return cu_error_set(c->e, errno, _("cannot make a backup directory in %s"), dir);
	return 0;
}

/* Put DIR back as it was; the backup dir goes only when all came back. */
static void restore(struct apply_ctx *c, const char *dir)
{
	size_t len;

	if (!undo_all(c)) {
		len = strlen(c->e->msg);
		snprintf(c->e->msg + len, sizeof(c->e->msg) - len,
			 _(" (not everything could be put back: see %s/%s)"), dir, c->bakname);
		return;
	}
	ignore_result(file_remove_tree_at(c->dirfd, c->bakname, 0));	/* empty by now */
	(void) undo_one(c, &c->undo[0]);		/* DIR's times again */
}

static int apply_from(struct apply_ctx *c, int fd, const char *tarball, const char *dir)
{
	struct cu_error *e = c->e;
	bool made = false;
	int rc;

	rc = scan_archive(c, fd, tarball);
	if (rc < 0)
		return rc;
	if (explain_on()) {
		/*
		 * issue 19: one line for the layer, not one per file.  A plan
		 * stops here; the real run narrates it as a note.
		 */
		struct explain_step st;
		char call[PATH_MAX * 2 + 64];

		snprintf(call, sizeof(call), "extract %s into %s", tarball, dir);
		if (!explain_begin(&st, EXPLAIN_PRIV_FILE, "%s", call)) {
			explain_concept(&st, _("%1$lu entries, %2$lu whiteouts and opaque markers converted to overlay's own"),
					c->nentries, c->nmarkers);
			explain_end(&st, 0, 0);
			return 0;
		}
		explain_note(N_("%1$s  [%2$lu entries, %3$lu whiteouts and opaque markers converted to overlay's own]"),
			     call, c->nentries, c->nmarkers);
	}
	if (mkdir(dir, 0755) == 0)
		made = true;
	else if (errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create directory %s"), dir);
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		rc = cu_error_set(e, errno, _("cannot open directory %s"), dir);
	if (rc == 0)
		rc = check_hardlinks(c);
	if (rc == 0 && !made)
		rc = make_backup(c, dir);
	if (rc == 0)
		rc = extract_in(c, fd, tarball);
	if (rc < 0 && made)
		ignore_result(file_remove_tree_at(AT_FDCWD, dir, 0));	/* undo: it was ours */
	else if (rc < 0 && c->bakfd >= 0)
		restore(c, dir);
	else if (c->bakfd >= 0 && (rc = file_remove_tree_at(c->dirfd, c->bakname, 0)) < 0)
		rc = cu_error_set(e, -rc, _("cannot remove %1$s/%2$s"), dir, c->bakname);
	return rc;
}
