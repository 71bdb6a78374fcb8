/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layer.h - OCI image layers and overlay upper dirs: A/C/D changes from an
 * upper alone, an upper committed to an OCI layer tar, a layer tar applied
 * into an overlay-ready directory (libarchive, whiteouts converted).
 */
#ifndef CU_LAYER_H
#define CU_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "c.h"

/* "sha256:" + 64 hex digits + NUL */
#define LAYER_DIGEST_LEN	72

/* One change: 'A', 'C' or 'D' and the path from the union's root ("/a/b"). */
typedef int (*layer_change_fn)(char kind, const char *path, void *data);

/*
 * The changes an upper dir makes over @lowers (top first; NULL/0: judge from
 * the upper alone, by the overlay origin xattr), in sorted path order.
 */
int layer_diff(const char *upper, char *const *lowers, size_t nlowers,
	       layer_change_fn fn, void *data, struct cu_error *e) __must_check;

/*
 * Write @upper as an OCI layer tar to @out (.tar, .tar.gz/.tgz, .tar.zst by
 * suffix), replacing it only on success; @digest gets the sha256 of the
 * file written (the OCI layer digest; for .tar also the diffID).
 */
int layer_commit(const char *upper, const char *out,
		 char digest[LAYER_DIGEST_LEN], struct cu_error *e) __must_check;

/* What apply leaves out or disarms unless asked to keep it. */
enum {
	LAYER_KEEP_DEVICES	= 1 << 0,	/* block and character device nodes */
	LAYER_KEEP_SETID	= 1 << 1,	/* setuid/setgid bits, file capabilities */
};

/* The entries apply disarmed, by layer path ("dev/sda"); free with _free(). */
struct layer_apply_report {
	char **devices;		/* device nodes left out */
	size_t ndevices;
	char **setid;		/* setuid/setgid bits cleared */
	size_t nsetid;
	char **caps;		/* security.capability removed */
	size_t ncaps;
};

/*
 * Unpack the layer tar @tarball into @dir (made when missing) as an overlay
 * lower layer: whiteouts become 0/0 character devices, opaque markers the
 * opaque xattr.  Absolute, ".." and through-a-symlink entries are refused
 * before anything is written.  Device nodes are left out and setuid/setgid
 * bits and file capabilities cleared unless @flags keeps them (LAYER_KEEP_*);
 * @report lists them.  All or nothing: on failure an existing @dir is as it
 * was (what apply replaced waits in a private directory beneath @dir until
 * the end), a new one is removed.
 */
int layer_apply(const char *tarball, const char *dir, unsigned int flags,
		struct layer_apply_report *report, struct cu_error *e) __must_check;

void layer_apply_report_free(struct layer_apply_report *r);

/*
 * Progress of a commit or an apply, reported after every entry to the
 * function set with layer_set_progress() (NULL: none; the caller decides
 * how often to show it).
 */
enum layer_phase {
	LAYER_PHASE_COMMIT,	/* writing the tar: total is 0 (unknown) */
	LAYER_PHASE_SCAN,	/* apply's check of every entry */
	LAYER_PHASE_EXTRACT,	/* apply's unpacking */
};

struct layer_progress {
	enum layer_phase phase;
	uint64_t entries;	/* entries so far in this phase */
	uint64_t bytes;		/* commit: file data; apply: bytes of the tar read */
	uint64_t total;		/* apply: the tar's size; commit: 0 */
};

typedef void (*layer_progress_fn)(const struct layer_progress *p, void *data);
void layer_set_progress(layer_progress_fn fn, void *data);

/* Does the path normalised from @name stay inside the layer?  (for tests) */
int layer_normalize(const char *name, char **out) __must_check;

#endif /* CU_LAYER_H */
