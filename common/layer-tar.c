// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layer-tar.c - the byte stream of a committed layer: ustar headers, large
 * buffers handed to a writer thread that compresses, hashes and writes.
 *
 * libarchive's pax writer spends most of a commit of small files copying
 * each entry and converting its names; an entry that fits a plain ustar
 * header gets here the same 512 bytes for a fraction of that.  The
 * compression is libarchive's own filter fed through its "raw" format, so
 * the .tar.gz and .tar.zst bytes stay those libarchive always wrote.
 */
#include <pthread.h>

#include "c.h"
#include "layer-tar.h"

/* A call into the loaded libraries: @lib must be in scope. */
#define LA(f)	(lib->f)

/* ---- ustar headers ---- */

#define USTAR_NAME_MAX		100
#define USTAR_PREFIX_MAX	155

enum {
	OFF_NAME = 0, OFF_MODE = 100, OFF_UID = 108, OFF_GID = 116,
	OFF_SIZE = 124, OFF_MTIME = 136, OFF_CHKSUM = 148, OFF_TYPE = 156,
	OFF_LINK = 157, OFF_MAGIC = 257, OFF_VERSION = 263,
	OFF_DEVMAJOR = 329, OFF_DEVMINOR = 337, OFF_PREFIX = 345,
};

/* @digits octal digits of @v, then the field's terminator (already there). */
static void put_octal(char *field, int digits, uint64_t v)
{
	while (digits-- > 0) {
		field[digits] = (char) ('0' + (v & 7));
		v >>= 3;
	}
}

static bool is_ascii(const char *s, size_t *len)
{
	const char *p = s;

	while (*p && (unsigned char) *p < 0x80)
		p++;
	*len = (size_t) (p - s);
	return *p == '\0';
}

/* Where libarchive splits @path into prefix and name; NULL: it cannot. */
static const char *split_point(const char *path, size_t len)
{
	const char *s;

	if (len <= USTAR_NAME_MAX)
		return path - 1;	/* no prefix */
	s = strchr(path + len - USTAR_NAME_MAX - 1, '/');
	if (s == path)
		s = strchr(s + 1, '/');
	if (!s || s[1] == '\0' || s - path > USTAR_PREFIX_MAX)
		return NULL;
	return s;
}

static bool fits_ustar(const struct layer_tar_hdr *hd)
{
	size_t len;

	if (hd->link && (!is_ascii(hd->link, &len) || len > USTAR_NAME_MAX))
		return false;
	if (hd->size >= (UINT64_C(1) << 33) || hd->uid >= (1U << 18) ||
	    hd->gid >= (1U << 18) || hd->mtime < 0 || hd->mtime >= 0x7fffffff)
		return false;
	return hd->devmajor < (1U << 18) && hd->devminor < (1U << 18);
}

/* The sum of the header's bytes, eight at a time in 16-bit lanes. */
static unsigned int header_sum(const char h[512])
{
	const uint64_t lanes = UINT64_C(0x00ff00ff00ff00ff);
	uint64_t acc = 0, w;
	size_t i;

	for (i = 0; i < 512; i += 8) {
		memcpy(&w, h + i, sizeof(w));
		acc += (w & lanes) + ((w >> 8) & lanes);
	}
	/* each lane holds at most 64 * 2 * 255 */
	return (unsigned int) ((acc & 0xffff) + ((acc >> 16) & 0xffff) +
			       ((acc >> 32) & 0xffff) + (acc >> 48));
}

bool layer_tar_header(char h[512], const struct layer_tar_hdr *hd)
{
	const char *split;
	size_t len, prefix, link = hd->link ? strlen(hd->link) : 0;
	unsigned int sum;

	if (!is_ascii(hd->path, &len) || !(split = split_point(hd->path, len)) ||
	    !fits_ustar(hd))
		return false;
	memset(h, 0, 512);
	prefix = split >= hd->path ? (size_t) (split - hd->path) : 0;
	memcpy(h + OFF_PREFIX, hd->path, prefix);
	memcpy(h + OFF_NAME, split + 1, len - (size_t) (split + 1 - hd->path));
	if (link)
		memcpy(h + OFF_LINK, hd->link, link);
	memcpy(h + OFF_MODE, "000000 ", 7);
	memcpy(h + OFF_UID, "000000 ", 7);
	memcpy(h + OFF_GID, "000000 ", 7);
	memcpy(h + OFF_SIZE, "00000000000 ", 12);
	memcpy(h + OFF_MTIME, "00000000000 ", 12);
	memcpy(h + OFF_CHKSUM, "        ", 8);
	memcpy(h + OFF_MAGIC, "ustar\0" "00", 8);
	memcpy(h + OFF_DEVMAJOR, "000000 ", 7);
	memcpy(h + OFF_DEVMINOR, "000000 ", 7);
	put_octal(h + OFF_MODE, 6, hd->mode & 07777);
	put_octal(h + OFF_UID, 6, hd->uid);
	put_octal(h + OFF_GID, 6, hd->gid);
	put_octal(h + OFF_SIZE, 11, hd->size);
	put_octal(h + OFF_MTIME, 11, (uint64_t) hd->mtime);
	put_octal(h + OFF_DEVMAJOR, 6, hd->devmajor);
	put_octal(h + OFF_DEVMINOR, 6, hd->devminor);
	h[OFF_TYPE] = hd->type;
	sum = header_sum(h);	/* with the checksum field all spaces */
	h[OFF_CHKSUM + 6] = '\0';
	put_octal(h + OFF_CHKSUM, 6, sum);
	return true;
}

/* ---- the stream ---- */

#define TAR_BUFSZ	(256 * 1024)
#define TAR_NBUF	4
#define TAR_MIN_ROOM	(64 * 1024)
/* libarchive's default block: an uncompressed layer ends on a whole one */
#define TAR_RECORD	10240

struct tar_buf {
	char *data;
	size_t len;
};

struct layer_tar {
	const struct layer_lib *lib;
	int fd;
	enum layer_tar_filter filter;
	struct archive *z;	/* raw format + compression filter, or NULL */
	int zerr;		/* -errno of z_sink() (the thread running @z) */
	EVP_MD_CTX *md;
	uint64_t total;		/* bytes of the tar stream */
	int status;		/* the first failure seen here, -errno */
	struct tar_buf buf[TAR_NBUF];
	size_t head;		/* the buffer being filled */

	/* shared with the writer thread, under @lock */
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	size_t tail, full;	/* full buffers: tail .. tail + full - 1 */
	bool done;
	bool running;
	int err;		/* -errno of the writer, -EIO with @errmsg */
	char errmsg[256];	/* libarchive's words */
	pthread_t thread;
};

/* Hash and write: every byte of the layer file passes here once. */
static int out_write(struct layer_tar *t, const void *buf, size_t len)
{
	const struct layer_lib *lib = t->lib;
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	if (LA(EVP_DigestUpdate)(t->md, buf, len) != 1)
		return -EIO;
	while (done < len) {
		n = write(t->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t) n;
	}
	return 0;
}

/* libarchive's filter output (writer thread, or layer_tar_close()). */
static la_ssize_t z_sink(struct archive *a __unused, void *data,
			 const void *buf, size_t len)
{
	struct layer_tar *t = data;
	int rc;

	if (t->zerr)
		return (la_ssize_t) len;	/* failed or stopped: drop */
	rc = out_write(t, buf, len);
	if (rc < 0) {
		t->zerr = rc;
		return -1;
	}
	return (la_ssize_t) len;
}

static int sink_buffer(struct layer_tar *t, const char *p, size_t len)
{
	const struct layer_lib *lib = t->lib;
	const char *msg;

	if (!t->z)
		return out_write(t, p, len);
	if (LA(archive_write_data)(t->z, p, len) == (la_ssize_t) len)
		return 0;
	if (t->zerr)
		return t->zerr;
	msg = LA(archive_error_string)(t->z);
	snprintf(t->errmsg, sizeof(t->errmsg), "%s", msg ? msg : "");
	return -EIO;
}

static void *writer_main(void *arg)
{
	struct layer_tar *t = arg;
	struct tar_buf *b;
	int err, rc;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (t->full == 0 && !t->done)
			pthread_cond_wait(&t->filled, &t->lock);
		if (t->full == 0)
			break;
		b = &t->buf[t->tail];
		err = t->err;
		pthread_mutex_unlock(&t->lock);
		rc = err ? 0 : sink_buffer(t, b->data, b->len);
		pthread_mutex_lock(&t->lock);
		if (rc < 0 && !t->err)
			t->err = rc;
		t->tail = (t->tail + 1) % TAR_NBUF;
		t->full--;
		pthread_cond_signal(&t->emptied);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Remember the first failure; the stream stops there. */
static int tar_fail(struct layer_tar *t, int err)
{
	if (!t->status)
		t->status = err;
	return t->status;
}

const char *layer_tar_error(const struct layer_tar *t)
{
	return t->errmsg[0] ? t->errmsg : NULL;
}

int layer_tar_status(const struct layer_tar *t)
{
	return t->status;
}

/* Give the filled buffer to the writer; wait for a free one. */
static int hand_off(struct layer_tar *t)
{
	int err;

	pthread_mutex_lock(&t->lock);
	t->full++;
	pthread_cond_signal(&t->filled);
	while (t->full == TAR_NBUF)
		pthread_cond_wait(&t->emptied, &t->lock);
	err = t->err;
	pthread_mutex_unlock(&t->lock);
	t->head = (t->head + 1) % TAR_NBUF;
	t->buf[t->head].len = 0;
	return err ? tar_fail(t, err) : 0;
}

char *layer_tar_space(struct layer_tar *t, size_t want, size_t *avail)
{
	struct tar_buf *b = &t->buf[t->head];
	size_t room = TAR_BUFSZ - b->len;

	if (room < want && room < TAR_MIN_ROOM) {
		if (hand_off(t) < 0)
			return NULL;
		b = &t->buf[t->head];
		room = TAR_BUFSZ;
	}
	*avail = room < want ? room : want;
	return b->data + b->len;
}

void layer_tar_advance(struct layer_tar *t, size_t n)
{
	t->buf[t->head].len += n;
	t->total += n;
}

int layer_tar_write(struct layer_tar *t, const void *p, size_t n)
{
	const char *s = p;
	size_t room;
	char *d;

	while (n > 0) {
		d = layer_tar_space(t, n, &room);
		if (!d)
			return t->status;
		memcpy(d, s, room);
		layer_tar_advance(t, room);
		s += room;
		n -= room;
	}
	return 0;
}

int layer_tar_zeros(struct layer_tar *t, size_t n)
{
	size_t room;
	char *d;

	while (n > 0) {
		d = layer_tar_space(t, n, &room);
		if (!d)
			return t->status;
		memset(d, 0, room);
		layer_tar_advance(t, room);
		n -= room;
	}
	return 0;
}

/* The raw format passes our bytes to the filter untouched. */
static int open_filter(struct layer_tar *t)
{
	const struct layer_lib *lib = t->lib;
	struct archive_entry *en;
	int rc;

	t->z = LA(archive_write_new)();
	en = LA(archive_entry_new)();
	if (!t->z || !en)
		abort();
	rc = LA(archive_write_set_format_raw)(t->z);
	if (rc == ARCHIVE_OK && t->filter == LAYER_TAR_GZIP) {
		rc = LA(archive_write_add_filter_gzip)(t->z);
		/* Reproducible: no timestamp in the gzip header (older
		 * libarchive lacks the option). */
		(void) LA(archive_write_set_filter_option)(t->z, "gzip", "timestamp", NULL);
	} else if (rc == ARCHIVE_OK) {
		rc = LA(archive_write_add_filter_zstd)(t->z);
	}
	/*
	 * No zero padding after the compressed stream: zstd (and Go's gzip
	 * reader) take trailing zeros for a broken next frame.
	 */
	if (rc == ARCHIVE_OK)
		rc = LA(archive_write_set_bytes_in_last_block)(t->z, 1);
	if (rc == ARCHIVE_OK)
		rc = LA(archive_write_open2)(t->z, t, NULL, z_sink, NULL, NULL);
	LA(archive_entry_set_filetype)(en, AE_IFREG);
	if (rc == ARCHIVE_OK)
		rc = LA(archive_write_header)(t->z, en);
	LA(archive_entry_free)(en);
	if (rc != ARCHIVE_OK) {
		const char *msg = LA(archive_error_string)(t->z);

		snprintf(t->errmsg, sizeof(t->errmsg), "%s", msg ? msg : "");
		return tar_fail(t, -EIO);
	}
	return 0;
}

int layer_tar_open(struct layer_tar **tp, const struct layer_lib *lib, int fd,
		   enum layer_tar_filter filter)
{
	struct layer_tar *t = xcalloc(1, sizeof(*t));
	size_t i;
	int rc;

	*tp = t;
	t->lib = lib;
	t->fd = fd;
	t->filter = filter;
	for (i = 0; i < TAR_NBUF; i++)
		t->buf[i].data = xmalloc(TAR_BUFSZ);
	t->md = LA(EVP_MD_CTX_new)();
	if (!t->md || LA(EVP_DigestInit_ex)(t->md, LA(EVP_sha256)(), NULL) != 1)
		abort();
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->filled, NULL);
	pthread_cond_init(&t->emptied, NULL);
	if (filter != LAYER_TAR_PLAIN && (rc = open_filter(t)) < 0)
		return rc;
	rc = pthread_create(&t->thread, NULL, writer_main, t);
	if (rc != 0)
		return tar_fail(t, -rc);
	t->running = true;
	return 0;
}

static void stop_writer(struct layer_tar *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->done = true;
	pthread_cond_signal(&t->filled);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->running = false;
}

static void hex_digest(const struct layer_lib *lib, EVP_MD_CTX *md,
		       char out[LAYER_DIGEST_LEN])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (LA(EVP_DigestFinal_ex)(md, d, &n) != 1)
		n = 0;
	memcpy(out, "sha256:", 8);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

int layer_tar_close(struct layer_tar *t, char digest[LAYER_DIGEST_LEN])
{
	const struct layer_lib *lib = t->lib;
	int rc = layer_tar_zeros(t, 1024);

	if (rc == 0 && !t->z && t->total % TAR_RECORD)
		rc = layer_tar_zeros(t, TAR_RECORD - t->total % TAR_RECORD);
	if (rc == 0 && t->buf[t->head].len)
		rc = hand_off(t);
	stop_writer(t);
	if (rc < 0)
		return rc;
	if (t->err)
		return tar_fail(t, t->err);
	if (t->z && LA(archive_write_close)(t->z) != ARCHIVE_OK) {
		const char *msg = LA(archive_error_string)(t->z);

		if (t->zerr)
			return tar_fail(t, t->zerr);
		snprintf(t->errmsg, sizeof(t->errmsg), "%s", msg ? msg : "");
		return tar_fail(t, -EIO);
	}
	hex_digest(lib, t->md, digest);
	return 0;
}

void layer_tar_free(struct layer_tar *t)
{
	const struct layer_lib *lib;
	size_t i;

	if (!t)
		return;
	lib = t->lib;
	pthread_mutex_lock(&t->lock);
	if (!t->err)
		t->err = -ECANCELED;	/* the writer drops what is left */
	pthread_mutex_unlock(&t->lock);
	stop_writer(t);
	if (!t->zerr)
		t->zerr = -ECANCELED;	/* libarchive's last block: not ours now */
	if (t->z)
		LA(archive_write_free)(t->z);
	if (t->md)
		LA(EVP_MD_CTX_free)(t->md);
	pthread_cond_destroy(&t->filled);
	pthread_cond_destroy(&t->emptied);
	pthread_mutex_destroy(&t->lock);
	for (i = 0; i < TAR_NBUF; i++)
		free(t->buf[i].data);
	free(t);
}
