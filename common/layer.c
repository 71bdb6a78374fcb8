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
#include "layer.h"
#include "layerlib.h"
#include "nls.h"
#include "overlay.h"
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
	struct stat st;
	unsigned int marks;	/* MARK_* */
};

typedef int (*walk_fn)(const struct walk_entry *we, void *data);

/* One path buffer for the whole walk; calls relative to directory fds. */
struct walker {
	char full[PATH_MAX];
	size_t rootlen;		/* where the layer path starts in full[] */
	walk_fn fn;
	void *data;
};

static unsigned int read_marks(const char *path);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names in directory @fd, sorted bytewise (NULL-terminated). */
static char **read_names(int fd, int *err)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*err = 0;
	if (!d) {
		*err = -errno;
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	v = xrealloc(v, (n + 1) * sizeof(char *));
	v[n] = NULL;
	qsort(v, n, sizeof(char *), cmp_names);
	return v;
}

static void free_names(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int walk_dir(struct walker *w, int dfd, size_t len);

static int walk_one(struct walker *w, int dfd, size_t len, const char *name)
{
	struct walk_entry we;
	size_t nlen = strlen(name);
	int rc, sub;

	if (len + 1 + nlen >= sizeof(w->full))
		return -ENAMETOOLONG;
	w->full[len] = '/';
	memcpy(w->full + len + 1, name, nlen + 1);
	we.full = w->full;
	we.rel = w->full + w->rootlen;
	we.name = w->full + len + 1;
	we.dirfd = dfd;
	if (fstatat(dfd, name, &we.st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	we.marks = read_marks(w->full);
	rc = w->fn(&we, w->data);
	if (rc == 0 && S_ISDIR(we.st.st_mode)) {
		sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = sub < 0 ? -errno : walk_dir(w, sub, len + 1 + nlen);
		if (sub >= 0)
			close(sub);
	}
	return rc > 0 ? 0 : rc;		/* > 0: do not descend */
}

static int walk_dir(struct walker *w, int dfd, size_t len)
{
	char **names;
	size_t i;
	int rc;

	names = read_names(dfd, &rc);
	for (i = 0; rc == 0 && names && names[i]; i++)
		rc = walk_one(w, dfd, len, names[i]);
	free_names(names);
	w->full[len] = '\0';
	return rc;
}

/* Call @fn for every entry below @root, parents first, names sorted. */
static int walk_tree(const char *root, walk_fn fn, void *data)
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
	w->fn = fn;
	w->data = data;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = fd < 0 ? -errno : walk_dir(w, fd, len);
	if (fd >= 0)
		close(fd);
	free(w);
	return rc;
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

static unsigned int mark_of(const char *path, const char *name)
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
	if (streq(key, "opaque") && lgetxattr(path, name, val, sizeof(val)) == 1 && val[0] == 'y')
		return MARK_OPAQUE;
	return 0;
}

static unsigned int read_marks(const char *path)
{
	char names[4096];
	ssize_t len = llistxattr(path, names, sizeof(names));
	unsigned int marks = 0;
	const char *p;

	if (len < 0 && errno == ERANGE)
		return MARK_OTHER | MARK_ORIGIN;	/* many xattrs: none is a marker we skip */
	for (p = names; len > 0 && p < names + len; p += strlen(p) + 1)
		marks |= mark_of(path, p);
	return marks;
}

static bool is_whiteout(const struct walk_entry *we)
{
	if (S_ISCHR(we->st.st_mode) && we->st.st_rdev == makedev(0, 0))
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
	rc = walk_tree(upper, diff_entry, &c);
	if (rc < 0 && e && !e->msg[0])
		cu_error_set(e, rc, _("cannot read upper directory %s"), upper);
	return rc;
}

/* ---- commit ---- */

struct commit_ctx {
	const struct layer_lib *lib;
	struct archive *a;
	struct archive_entry *entry;
	void *links;		/* tsearch tree of struct link_key */
	struct cu_error *e;
	int fd;
	EVP_MD_CTX *md;
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

static bool keep_xattr(const char *name)
{
	return !startswith(name, "trusted.overlay.") &&
	       !startswith(name, "user.overlay.") &&
	       !streq(name, "security.selinux");
}

static void add_xattrs(const struct layer_lib *lib, struct archive_entry *entry, const char *path)
{
	char names[4096], val[65536];
	ssize_t len = llistxattr(path, names, sizeof(names)), n;
	const char *p;

	for (p = names; len > 0 && p < names + len; p += strlen(p) + 1) {
		if (!keep_xattr(p))
			continue;
		n = lgetxattr(path, p, val, sizeof(val));
		if (n >= 0)
			LA(archive_entry_xattr_add_entry)(entry, p, val, (size_t) n);
	}
}

static int write_marker(struct commit_ctx *c, const char *path)
{
	const struct layer_lib *lib = c->lib;
	struct archive_entry *en = LA(archive_entry_clear)(c->entry);

	LA(archive_entry_set_pathname)(en, path);
	LA(archive_entry_set_filetype)(en, AE_IFREG);
	LA(archive_entry_set_perm)(en, 0644);
	LA(archive_entry_set_size)(en, 0);
	LA(archive_entry_set_mtime)(en, 0, 0);
	if (LA(archive_write_header)(c->a, en) != ARCHIVE_OK)
		return cu_error_set(c->e, 0, _("cannot write layer entry %1$s: %2$s"), path, LA(archive_error_string)(c->a));
	return 0;
}

/* Hard links: the second path of an inode becomes a link to the first. */
static bool link_seen(struct commit_ctx *c, const struct walk_entry *we)
{
	const struct layer_lib *lib = c->lib;
	struct link_key *k, **found;

	if (S_ISDIR(we->st.st_mode) || we->st.st_nlink < 2)
		return false;
	k = xmalloc(sizeof(*k));
	k->dev = we->st.st_dev;
	k->ino = we->st.st_ino;
	k->path = xstrdup(we->rel);
	found = tsearch(k, &c->links, cmp_link);
	if (!found)
		abort();
	if (*found == k)
		return false;
	LA(archive_entry_set_hardlink)(c->entry, (*found)->path);
	LA(archive_entry_set_size)(c->entry, 0);
	free_link(k);
	return true;
}

/* Exactly the size the header gave: one read for a small file, as tar does. */
static int copy_data(struct commit_ctx *c, const struct walk_entry *we)
{
	const struct layer_lib *lib = c->lib;
	_cleanup_close_ int fd = openat(we->dirfd, we->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	off_t left = we->st.st_size;
	char buf[65536];
	ssize_t n = 0;

	if (fd < 0)
		return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
	while (left > 0) {
		n = read(fd, buf, left < (off_t) sizeof(buf) ? (size_t) left : sizeof(buf));
		if (n <= 0)
			break;
		if (LA(archive_write_data)(c->a, buf, (size_t) n) != n)
			return cu_error_set(c->e, 0, _("cannot write layer entry %1$s: %2$s"), we->rel, LA(archive_error_string)(c->a));
		left -= n;
	}
	if (n < 0)
		return cu_error_set(c->e, errno, _("cannot read %s"), we->full);
	if (left > 0)
		return cu_error_set(c->e, 0, _("file shrank while read: %s (commit an upper that is not in use)"), we->full);
	return 0;
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
		add_xattrs(lib, en, we->full);
	return 0;
}

static int commit_entry(const struct walk_entry *we, void *data)
{
	struct commit_ctx *c = data;
	const struct layer_lib *lib = c->lib;
	_cleanup_free_ char *marker = NULL;
	bool link;
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
	rc = fill_entry(c, we);
	if (rc < 0)
		return rc;
	link = link_seen(c, we);
	if (LA(archive_write_header)(c->a, c->entry) != ARCHIVE_OK)
		return cu_error_set(c->e, 0, _("cannot write layer entry %1$s: %2$s"), we->rel, LA(archive_error_string)(c->a));
	if (S_ISREG(we->st.st_mode) && !link && (rc = copy_data(c, we)) < 0)
		return rc;
	if (!is_opaque(we))
		return 0;
	xasprintf(&marker, "%s/" WH_OPAQUE, we->rel);
	return write_marker(c, marker);
}

static la_ssize_t sink_write(struct archive *a __unused, void *data,
			     const void *buf, size_t len)
{
	struct commit_ctx *c = data;
	const struct layer_lib *lib = c->lib;
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(c->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t) n;
	}
	if (LA(EVP_DigestUpdate)(c->md, buf, len) != 1)
		return -1;
	return (la_ssize_t) len;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && streq(s + a - b, suffix);
}

static int set_filter(const struct layer_lib *lib, struct archive *a, const char *out, struct cu_error *e)
{
	int rc = ARCHIVE_OK;

	if (has_suffix(out, ".tar.gz") || has_suffix(out, ".tgz")) {
		rc = LA(archive_write_add_filter_gzip)(a);
		/* Reproducible: no timestamp in the gzip header (older libarchive lacks it). */
		(void) LA(archive_write_set_filter_option)(a, "gzip", "timestamp", NULL);
	} else if (has_suffix(out, ".tar.zst")) {
		rc = LA(archive_write_add_filter_zstd)(a);
	} else if (!has_suffix(out, ".tar")) {
		return cu_error_set(e, 0, _("unknown layer format: %s: give a name ending in .tar, .tar.gz or .tar.zst"), out);
	}
	if (rc != ARCHIVE_OK)
		return cu_error_set(e, 0, _("cannot compress %1$s: %2$s"), out, LA(archive_error_string)(a));
	return 0;
}

static void hex_digest(const struct layer_lib *lib, EVP_MD_CTX *md, char out[LAYER_DIGEST_LEN])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (LA(EVP_DigestFinal_ex)(md, d, &n) != 1)
		n = 0;
	memcpy(out, "sha256:", 8);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

static int commit_archive(struct commit_ctx *c, const char *upper, const char *out)
{
	const struct layer_lib *lib = c->lib;
	int rc;

	c->a = LA(archive_write_new)();
	c->entry = LA(archive_entry_new)();
	if (!c->a || !c->entry)
		abort();
	if (LA(archive_write_set_format_pax_restricted)(c->a) != ARCHIVE_OK)
		return cu_error_set(c->e, 0, _("cannot write %1$s: %2$s"), out, LA(archive_error_string)(c->a));
	rc = set_filter(lib, c->a, out, c->e);
	if (rc < 0)
		return rc;
	if (LA(archive_write_open2)(c->a, c, NULL, sink_write, NULL, NULL) != ARCHIVE_OK)
		return cu_error_set(c->e, 0, _("cannot write %1$s: %2$s"), out, LA(archive_error_string)(c->a));
	rc = walk_tree(upper, commit_entry, c);
	if (rc < 0)
		return c->e && c->e->msg[0] ? rc : cu_error_set(c->e, rc, _("cannot read upper directory %s"), upper);
	if (LA(archive_write_close)(c->a) != ARCHIVE_OK)
		return cu_error_set(c->e, 0, _("cannot write %1$s: %2$s"), out, LA(archive_error_string)(c->a));
	return 0;
}

static int commit_to(struct commit_ctx *c, const char *upper, const char *out,
		     char digest[LAYER_DIGEST_LEN])
{
	const struct layer_lib *lib = c->lib;
	_cleanup_free_ char *tmp = NULL;
	int rc;

	xasprintf(&tmp, "%s.XXXXXX", out);
	c->fd = mkostemp(tmp, O_CLOEXEC);
	if (c->fd < 0)
		return cu_error_set(c->e, errno, _("cannot create %s"), out);
	c->md = LA(EVP_MD_CTX_new)();
	if (!c->md || LA(EVP_DigestInit_ex)(c->md, LA(EVP_sha256)(), NULL) != 1)
		abort();
	rc = commit_archive(c, upper, out);
	/* rename(2) makes the layer appear whole; durability is the caller's (sync) */
	if (rc == 0 && (fchmod(c->fd, 0644) < 0 || rename(tmp, out) < 0))
		rc = cu_error_set(c->e, errno, _("cannot create %s"), out);
	if (rc == 0)
		hex_digest(lib, c->md, digest);
	else
		unlink(tmp);
	close(c->fd);
	if (c->a)
		LA(archive_write_free)(c->a);
	if (c->entry)
		LA(archive_entry_free)(c->entry);
	LA(EVP_MD_CTX_free)(c->md);
	tdestroy(c->links, free_link);
	return rc;
}

int layer_commit(const char *upper, const char *out,
		 char digest[LAYER_DIGEST_LEN], struct cu_error *e)
{
	struct layer_lib lib;
	struct commit_ctx c = { .lib = &lib, .e = e, .fd = -1 };
	struct stat st;
	int rc;

	if (stat(upper, &st) < 0 || !S_ISDIR(st.st_mode))
		return cu_error_set(e, errno ? errno : ENOTDIR, _("cannot read upper directory %s"), upper);
	if (!has_suffix(out, ".tar") && !has_suffix(out, ".tar.gz") &&
	    !has_suffix(out, ".tgz") && !has_suffix(out, ".tar.zst"))
		return set_filter(NULL, NULL, out, e);	/* the message, before any file */
	rc = layer_lib_load(&lib, e);
	if (rc < 0)
		return rc;
	rc = commit_to(&c, upper, out, digest);
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

struct apply_ctx {
	const struct layer_lib *lib;
	int dirfd;
	void *symlinks;		/* tsearch tree of paths that are symlinks */
	char **whiteouts;	/* written, for the opaque clean-up */
	size_t nwhiteouts;
	char **opaques;
	size_t nopaques;
	struct cu_error *e;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void free_str(void *p)
{
	free(p);
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
	if (LA(archive_entry_filetype)(en) == AE_IFLNK && !tfind(norm, &c->symlinks, cmp_str))
		if (!tsearch(xstrdup(norm), &c->symlinks, cmp_str))
			abort();
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
	while (rc == 0 && (r = LA(archive_read_next_header)(a, &en)) == ARCHIVE_OK)
		rc = scan_entry(c, en);
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

static void remember(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
}

static int apply_opaque(struct apply_ctx *c, const char *dir)
{
	_cleanup_close_ int fd = open_beneath(c, dir, true);
	char name[64];

	snprintf(name, sizeof(name), "%sopaque", ovl_xattr_prefix());
	if (fd < 0 || fsetxattr(fd, name, "y", 1, 0) < 0)
		return cu_error_set(c->e, errno, _("cannot mark directory opaque: /%s"), dir);
	remember(&c->opaques, &c->nopaques, dir);
	return 0;
}

static int apply_whiteout(struct apply_ctx *c, const char *dir, const char *name,
			  struct archive_entry *en)
{
	const struct layer_lib *lib = c->lib;
	_cleanup_close_ int fd = open_beneath(c, dir, true);
	_cleanup_free_ char *rel = NULL;

	xasprintf(&rel, "%s%s%s", dir, *dir ? "/" : "", name);
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
static void escape_xattrs(const struct layer_lib *lib, struct archive_entry *en)
{
	struct xattr_copy *v = NULL;
	const char *name;
	const void *value;
	size_t size, n = 0, i;
	bool escape = false;

	if (LA(archive_entry_xattr_reset)(en) == 0)
		return;
	while (LA(archive_entry_xattr_next)(en, &name, &value, &size) == ARCHIVE_OK) {
		const char *key = ovl_key(name);

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
	LA(archive_entry_set_pathname)(en, norm);
	escape_xattrs(lib, en);
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
	while (rc == 0 && (r = LA(archive_read_next_header)(in, &en)) == ARCHIVE_OK)
		rc = extract_entry(c, in, out, en);
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

static void apply_free(struct apply_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nwhiteouts; i++)
		free(c->whiteouts[i]);
	for (i = 0; i < c->nopaques; i++)
		free(c->opaques[i]);
	free(c->whiteouts);
	free(c->opaques);
	tdestroy(c->symlinks, free_str);
	if (c->dirfd >= 0)
		close(c->dirfd);
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

static int rm_tree_at(int dfd, const char *name)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (fd < 0)
		return unlinkat(dfd, name, 0);
	d = fdopendir(fd);
	if (!d)
		return -1;
	fd = -1;
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			(void) rm_tree_at(dirfd(d), de->d_name);	/* rmdir below reports */
	closedir(d);
	return unlinkat(dfd, name, AT_REMOVEDIR);
}

static int apply_from(struct apply_ctx *c, int fd, const char *tarball, const char *dir);

int layer_apply(const char *tarball, const char *dir, struct cu_error *e)
{
	struct layer_lib lib;
	struct apply_ctx c = { .lib = &lib, .dirfd = -1, .e = e };
	_cleanup_close_ int fd = open(tarball, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return cu_error_set(e, errno, _("cannot read layer %s"), tarball);
	rc = layer_lib_load(&lib, e);
	if (rc < 0)
		return rc;
	rc = apply_from(&c, fd, tarball, dir);
	apply_free(&c);
	layer_lib_unload(&lib);
	return rc;
}

static int apply_from(struct apply_ctx *c, int fd, const char *tarball, const char *dir)
{
	struct cu_error *e = c->e;
	bool made = false;
	int rc;

	rc = scan_archive(c, fd, tarball);
	if (rc < 0)
		return rc;
	if (mkdir(dir, 0755) == 0)
		made = true;
	else if (errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create directory %s"), dir);
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		rc = cu_error_set(e, errno, _("cannot open directory %s"), dir);
	if (rc == 0)
		rc = extract_in(c, fd, tarball);
	if (rc < 0 && made)
		(void) rm_tree_at(AT_FDCWD, dir);	/* undo: it was ours */
	return rc;
}
