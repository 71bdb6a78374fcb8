/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layer-archive.h - libarchive and libcrypto, loaded when a layer command runs.
 * They pull in ICU, libxml2 and libstdc++: loading them at every start
 * would triple the time of `unionmount mount` and `umount`, which never use
 * them.  The pointers take their types from the libraries' own headers.
 */
#ifndef CU_LAYER_ARCHIVE_H
#define CU_LAYER_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "c.h"

/* The sonames, as their -dev packages' .so links point to them. */
#define LAYER_LIBARCHIVE_SONAME	"libarchive.so.13"
#define LAYER_LIBCRYPTO_SONAME	"libcrypto.so.3"

#define LAYER_ARCHIVE_SYMBOLS(X) \
	X(archive_entry_clear) X(archive_entry_copy_stat) \
	X(archive_entry_filetype) X(archive_entry_free) X(archive_entry_gid) \
	X(archive_entry_hardlink) X(archive_entry_new) X(archive_entry_pathname) \
	X(archive_entry_perm) X(archive_entry_rdev) \
	X(archive_entry_set_filetype) X(archive_entry_set_hardlink) \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) X(archive_entry_set_size) \
	X(archive_entry_set_symlink) X(archive_entry_uid) \
	X(archive_entry_unset_atime) X(archive_entry_unset_birthtime) \
	X(archive_entry_unset_ctime) X(archive_entry_xattr_add_entry) \
	X(archive_entry_xattr_clear) X(archive_entry_xattr_next) \
	X(archive_entry_xattr_reset) \
	X(archive_error_string) X(archive_read_data_block) X(archive_read_free) \
	X(archive_read_new) X(archive_read_next_header) X(archive_read_open_fd) \
	X(archive_read_support_filter_all) X(archive_read_support_format_gnutar) \
	X(archive_read_support_format_tar) X(archive_write_add_filter_gzip) \
	X(archive_write_add_filter_zstd) X(archive_write_close) \
	X(archive_write_data) X(archive_write_data_block) \
	X(archive_write_disk_new) X(archive_write_disk_set_options) \
	X(archive_write_finish_entry) X(archive_write_free) \
	X(archive_write_header) X(archive_write_new) X(archive_write_open2) \
	X(archive_write_set_bytes_in_last_block) \
	X(archive_write_set_bytes_per_block) X(archive_write_set_filter_option) \
	X(archive_write_set_format_pax_restricted) X(archive_write_set_format_raw)

#define LAYER_CRYPTO_SYMBOLS(X) \
	X(EVP_DigestFinal_ex) X(EVP_DigestInit_ex) X(EVP_DigestUpdate) \
	X(EVP_MD_CTX_free) X(EVP_MD_CTX_new) X(EVP_sha256)

struct layer_lib {
	void *archive;
	void *crypto;
#define LAYER_LIB_POINTER(f) __typeof__(f) *f;
	LAYER_ARCHIVE_SYMBOLS(LAYER_LIB_POINTER)
	LAYER_CRYPTO_SYMBOLS(LAYER_LIB_POINTER)
#undef LAYER_LIB_POINTER
};

/* Load both libraries into @lib; *e names what is missing. */
int layer_lib_load(struct layer_lib *lib, struct cu_error *e) __must_check;

/*
 * Load one of them (into a zeroed @lib): a commit of plain entries into a
 * .tar needs only libcrypto, and loads libarchive when an entry needs it.
 */
int layer_lib_load_crypto(struct layer_lib *lib, struct cu_error *e) __must_check;
int layer_lib_load_archive(struct layer_lib *lib, struct cu_error *e) __must_check;

void layer_lib_unload(struct layer_lib *lib);

#endif /* CU_LAYER_ARCHIVE_H */
