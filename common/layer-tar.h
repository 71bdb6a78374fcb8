/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layer-tar.h - the byte stream of a committed layer: ustar headers for the
 * entries a plain header holds, the stream cut into large buffers and handed
 * to a second thread that compresses (libarchive's gzip or zstd filter),
 * hashes (sha256) and writes them, padded as libarchive pads its output.
 */
#ifndef CU_LAYER_TAR_H
#define CU_LAYER_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c.h"
#include "layer.h"
#include "layer-archive.h"

enum layer_tar_filter {
	LAYER_TAR_PLAIN,
	LAYER_TAR_GZIP,
	LAYER_TAR_ZSTD,
};

/* One entry's header fields, as a restricted pax writer would store them. */
struct layer_tar_hdr {
	const char *path;	/* in the layer, a directory's with its '/' */
	const char *link;	/* hard or symbolic link target, or NULL */
	char type;		/* ustar typeflag: '0' '1' '2' '3' '4' '5' '6' */
	unsigned int mode;	/* permission bits (07777) */
	uint64_t uid, gid;
	uint64_t size;		/* data bytes that follow the header */
	int64_t mtime;		/* seconds */
	unsigned int devmajor, devminor;
};

/*
 * Format @hd as a 512-byte ustar header into @h, exactly as libarchive's
 * "pax restricted" writer formats an entry that needs no extended header.
 * False (h undefined) when the entry needs one: a non-ASCII or too long
 * path or link, numbers beyond the ustar fields, an mtime out of range.
 */
bool layer_tar_header(char h[512], const struct layer_tar_hdr *hd);

struct layer_tar;

/*
 * Start the stream into @fd.  @lib must have libcrypto loaded, and
 * libarchive too for a compressing @filter.  Every call below fails with
 * -errno, or -EIO with libarchive's words in layer_tar_error(); *t is to
 * be freed even when this fails.
 */
int layer_tar_open(struct layer_tar **t, const struct layer_lib *lib, int fd,
		   enum layer_tar_filter filter) __must_check;

/* The first failure of the stream (0: none), and libarchive's text of it. */
int layer_tar_status(const struct layer_tar *t);
const char *layer_tar_error(const struct layer_tar *t);

/*
 * Room for up to @want bytes at the end of the stream: the pointer, and in
 * *avail how many bytes it may take (at least min(@want, 64 KiB)); make them
 * part of the stream with layer_tar_advance().  NULL: the stream failed.
 */
char *layer_tar_space(struct layer_tar *t, size_t want, size_t *avail);
void layer_tar_advance(struct layer_tar *t, size_t n);

/* Append @n bytes, or @n zero bytes. */
int layer_tar_write(struct layer_tar *t, const void *p, size_t n) __must_check;
int layer_tar_zeros(struct layer_tar *t, size_t n) __must_check;

/*
 * End the archive (two zero blocks, the padding), wait for the last write
 * and give the sha256 of all bytes written.
 */
int layer_tar_close(struct layer_tar *t,
		    char digest[LAYER_DIGEST_LEN]) __must_check;

/* Stop the writer (after a failure, or after layer_tar_close()) and free. */
void layer_tar_free(struct layer_tar *t);

#endif /* CU_LAYER_TAR_H */
