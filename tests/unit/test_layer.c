// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_layer.c - commit's own ustar headers against libarchive's: for each
 * entry, the header must be the one libarchive's restricted pax writer
 * writes, and it must decline exactly the entries that writer gives a pax
 * extended header.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "c.h"
#include "layer-tar.h"
#include "unit.h"

struct capture {
	char buf[1024];
	size_t len;
	bool header_done;
};

/*
 * Keep the first two blocks of the header; fail what follows it, so that
 * no 8 GiB of padding is written (a failing header would leak in libarchive).
 */
static la_ssize_t capture_write(struct archive *a __unused, void *data,
				const void *buf, size_t len)
{
	struct capture *c = data;
	size_t n = len < sizeof(c->buf) - c->len ? len : sizeof(c->buf) - c->len;

	if (c->header_done)
		return -1;
	memcpy(c->buf + c->len, buf, n);
	c->len += n;
	return (la_ssize_t) len;
}

struct tcase {
	const char *path;	/* as commit gives libarchive: no '/' for a dir */
	const char *link;
	bool hard;
	mode_t mode;		/* with the file type */
	uint64_t uid, gid, size;
	int64_t mtime;
	unsigned int major, minor;
};

/* libarchive's first block for @tc; *pax: it is an extended header. */
static void libarchive_header(const struct tcase *tc, struct capture *c,
			      bool *pax)
{
	struct archive *a = archive_write_new();
	struct archive_entry *en = archive_entry_new();

	c->len = 0;
	c->header_done = false;
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_per_block(a, 0);
	archive_write_open2(a, c, NULL, capture_write, NULL, NULL);
	archive_entry_set_pathname(en, tc->path);
	archive_entry_set_mode(en, tc->mode);
	archive_entry_set_uid(en, (la_int64_t) tc->uid);
	archive_entry_set_gid(en, (la_int64_t) tc->gid);
	archive_entry_set_size(en, S_ISREG(tc->mode) ? (la_int64_t) tc->size : 0);
	archive_entry_set_mtime(en, tc->mtime, 123);
	archive_entry_set_rdevmajor(en, tc->major);
	archive_entry_set_rdevminor(en, tc->minor);
	if (tc->link && tc->hard) {
		archive_entry_set_hardlink(en, tc->link);
		archive_entry_set_size(en, 0);
	} else if (tc->link) {
		archive_entry_set_symlink(en, tc->link);
	}
	archive_write_header(a, en);
	c->header_done = true;
	*pax = c->len >= 512 && c->buf[156] == 'x';
	archive_entry_free(en);
	archive_write_free(a);
}

static char type_of(const struct tcase *tc)
{
	if (tc->hard)
		return '1';
	switch (tc->mode & S_IFMT) {
	case S_IFLNK: return '2';
	case S_IFCHR: return '3';
	case S_IFBLK: return '4';
	case S_IFDIR: return '5';
	case S_IFIFO: return '6';
	default: return '0';
	}
}

static void check_case(const char *what, const struct tcase *tc)
{
	char path[600], h[512], msg[160];
	struct layer_tar_hdr hd = {
		.path = path, .link = tc->link, .type = type_of(tc),
		.mode = tc->mode & 07777, .uid = tc->uid, .gid = tc->gid,
		.size = S_ISREG(tc->mode) && !tc->hard ? tc->size : 0,
		.mtime = tc->mtime,
	};
	struct capture c;
	bool pax, fits;

	snprintf(path, sizeof(path), "%s%s", tc->path, S_ISDIR(tc->mode) ? "/" : "");
	if (S_ISCHR(tc->mode) || S_ISBLK(tc->mode)) {
		hd.devmajor = tc->major;
		hd.devminor = tc->minor;
	}
	libarchive_header(tc, &c, &pax);
	fits = layer_tar_header(h, &hd);
	snprintf(msg, sizeof(msg), "%s: %s", what,
		 pax ? "declined, as libarchive writes pax" : "the header libarchive writes");
	CHECK_MSG(c.len >= 512 && fits == !pax &&
		  (!fits || memcmp(h, c.buf, 512) == 0), msg);
}

static char *repeat(char *buf, char ch, size_t n)
{
	memset(buf, ch, n);
	buf[n] = '\0';
	return buf;
}

static void test_names(void)
{
	char p[400], l[200];
	struct tcase tc = { .mode = S_IFREG | 0644, .size = 5, .mtime = 1700000000 };

	tc.path = "f";
	check_case("a short file", &tc);
	tc.path = repeat(p, 'n', 100);
	check_case("a 100-byte name", &tc);
	tc.path = repeat(p, 'n', 101);
	check_case("a 101-byte name without '/'", &tc);
	repeat(p, 'a', 101);
	p[50] = '/';
	tc.path = p;
	check_case("a 101-byte path split at '/'", &tc);
	repeat(p, 'a', 256);
	p[155] = '/';
	check_case("a prefix of 155 bytes", &tc);
	repeat(p, 'a', 257);
	p[156] = '/';
	check_case("a prefix of 156 bytes", &tc);
	repeat(p, 'a', 101);
	p[0] = '/';
	check_case("a split only at the first byte", &tc);
	tc.path = "\xc3\xa9t\xc3\xa9";
	check_case("a non-ASCII name", &tc);
	tc.mode = S_IFDIR | 0755;
	tc.path = repeat(p, 'd', 99);
	check_case("a directory of 99 bytes (100 with '/')", &tc);
	tc.path = repeat(p, 'd', 100);
	check_case("a directory of 100 bytes: the '/' would split it", &tc);
	repeat(p, 'd', 120);
	p[60] = '/';
	check_case("a directory path split at '/'", &tc);
	tc.mode = S_IFLNK | 0777;
	tc.path = "sl";
	tc.link = repeat(l, 't', 100);
	check_case("a symlink to 100 bytes", &tc);
	tc.link = repeat(l, 't', 101);
	check_case("a symlink to 101 bytes", &tc);
	tc.link = "\xc3\xa9";
	check_case("a symlink to a non-ASCII name", &tc);
	tc.mode = S_IFREG | 04755;
	tc.hard = true;
	tc.link = repeat(l, 'h', 100);
	check_case("a hard link to 100 bytes", &tc);
	tc.link = repeat(l, 'h', 101);
	check_case("a hard link to 101 bytes", &tc);
}

static void test_numbers(void)
{
	struct tcase tc = { .path = "f", .mode = S_IFREG | 0640, .mtime = 1 };

	tc.uid = (1 << 18) - 1;
	tc.gid = 42;
	check_case("uid 2^18-1", &tc);
	tc.uid = 1 << 18;
	check_case("uid 2^18", &tc);
	tc.uid = 0;
	tc.gid = 1 << 18;
	check_case("gid 2^18", &tc);
	tc.gid = 0;
	tc.size = (UINT64_C(1) << 33) - 1;
	check_case("size 2^33-1", &tc);
	tc.size = UINT64_C(1) << 33;
	check_case("size 2^33", &tc);
	tc.size = 0;
	tc.mtime = 0;
	check_case("mtime 0", &tc);
	tc.mtime = -1;
	check_case("mtime -1", &tc);
	tc.mtime = 0x7ffffffe;
	check_case("mtime 2^31-2", &tc);
	tc.mtime = 0x7fffffff;
	check_case("mtime 2^31-1", &tc);
	tc.mode = S_IFCHR | 0600;
	tc.mtime = 5;
	tc.major = 1;
	tc.minor = 3;
	check_case("a character device 1:3", &tc);
	tc.major = (1 << 18) - 1;
	tc.minor = (1 << 18) - 1;
	check_case("a device (2^18-1):(2^18-1)", &tc);
	tc.mode = S_IFBLK | 0600;
	tc.major = 8;
	tc.minor = 1 << 18;
	check_case("a block device minor 2^18", &tc);
	tc.mode = S_IFIFO | 0644;
	tc.major = tc.minor = 0;
	check_case("a fifo", &tc);
	tc.mode = S_IFREG | 07777;
	check_case("mode 07777", &tc);
}

int main(void)
{
	test_names();
	test_numbers();
	printf("1..%d\n", unit_count);
	return unit_failures ? 1 : 0;
}
