/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease.c - the --addr auto lease files.
 *
 * Format, one lease a line: "ADDRESS DEV INO NAT PATH".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "c.h"
#include "nls.h"
#include "lease.h"

#define LEASE_MAX	4096		/* leases per file */

struct lease {
	struct in_addr addr;
	struct lease_owner o;
	bool nat;
};

struct lease_file {
	int fd;
	size_t n;
	struct lease *v;
};

int lease_owner_init(struct lease_owner *o, int fd, const char *path,
		     struct cu_error *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return cu_error_set(e, errno, _("cannot stat network namespace %s"), path);
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	if ((size_t) snprintf(o->path, sizeof(o->path), "%s", path) >= sizeof(o->path))
		return cu_error_set(e, ENAMETOOLONG, _("network namespace path too long: %s"), path);
	return 0;
}

/* Does the lease's path still lead to its namespace? */
static bool owner_alive(const struct lease_owner *o)
{
	struct stat st;

	return stat(o->path, &st) == 0 && st.st_dev == o->dev && st.st_ino == o->ino;
}

static bool same_owner(const struct lease_owner *a, const struct lease_owner *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

static int parse_line(char *line, struct lease *l)
{
	char addr[INET_ADDRSTRLEN + 1];
	uintmax_t dev, ino;
	int nat, n = 0;

	if (sscanf(line, "%16s %ju %ju %d %n", addr, &dev, &ino, &nat, &n) != 4 || !n)
		return -EINVAL;
	if (inet_pton(AF_INET, addr, &l->addr) != 1)
		return -EINVAL;
	line[strcspn(line, "\n")] = '\0';
	l->o.dev = (dev_t) dev;
	l->o.ino = (ino_t) ino;
	l->nat = nat != 0;
	snprintf(l->o.path, sizeof(l->o.path), "%s", line + n);
	return 0;
}

/* Read the live leases; stale ones and junk lines are dropped. */
static int lf_read(struct lease_file *lf, struct cu_error *e)
{
	FILE *f;
	char line[512];
	int dup = fcntl(lf->fd, F_DUPFD_CLOEXEC, 0);

	if (dup < 0 || !(f = fdopen(dup, "r" CU_CLOEXECSTR))) {
		if (dup >= 0)
			close(dup);
		return cu_error_set(e, errno, _("cannot read lease file"));
	}
	lf->v = xcalloc(LEASE_MAX, sizeof(*lf->v));
	while (lf->n < LEASE_MAX && fgets(line, sizeof(line), f)) {
		struct lease *l = &lf->v[lf->n];

		if (parse_line(line, l) == 0 && owner_alive(&l->o))
			lf->n++;
	}
	fclose(f);
	return 0;
}

static int lf_open(struct lease_file *lf, const char *key, struct cu_error *e)
{
	char path[PATH_MAX];

	memset(lf, 0, sizeof(*lf));
	if ((mkdir("/run/container-utils", 0755) < 0 && errno != EEXIST) ||
	    (mkdir(LEASE_DIR, 0755) < 0 && errno != EEXIST))
		return cu_error_set(e, errno, _("cannot create %s"), LEASE_DIR);
	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	lf->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (lf->fd < 0)
		return cu_error_set(e, errno, _("cannot open lease file %s"), path);
	if (flock(lf->fd, LOCK_EX) < 0 || lseek(lf->fd, 0, SEEK_SET) < 0) {
		int r = cu_error_set(e, errno, _("cannot lock lease file %s"), path);

		close(lf->fd);
		return r;
	}
	return lf_read(lf, e);
}

/* Write the leases back (an empty file removes itself), then unlock. */
static int lf_close(struct lease_file *lf, const char *key, bool write_back,
		    struct cu_error *e)
{
	char line[512], path[PATH_MAX], addr[INET_ADDRSTRLEN];
	int r = 0;
	off_t off = 0;

	if (write_back && ftruncate(lf->fd, 0) < 0)
		r = cu_error_set(e, errno, _("cannot write lease file"));
	for (size_t i = 0; write_back && r == 0 && i < lf->n; i++) {
		const struct lease *l = &lf->v[i];
		int n;

		inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
		n = snprintf(line, sizeof(line), "%s %ju %ju %d %s\n", addr,
			     (uintmax_t) l->o.dev, (uintmax_t) l->o.ino,
			     l->nat, l->o.path);
		if (n < 0 || pwrite(lf->fd, line, (size_t) n, off) != n)
			r = cu_error_set(e, errno, _("cannot write lease file"));
		off += n;
	}
	if (write_back && r == 0 && lf->n == 0) {
		snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
		(void) unlink(path);	/* empty: nothing to keep */
	}
	close(lf->fd);
	free(lf->v);
	return r;
}

static const struct lease *find_addr(const struct lease_file *lf, struct in_addr a)
{
	for (size_t i = 0; i < lf->n; i++)
		if (lf->v[i].addr.s_addr == a.s_addr)
			return &lf->v[i];
	return NULL;
}

/* The next address of @gw's subnet that is neither taken nor special. */
static int next_free(const struct lease_file *lf, const struct cu_inet *gw,
		     struct in_addr *out, struct cu_error *e)
{
	uint32_t host = ntohl(gw->addr.v4.s_addr);
	uint32_t mask = gw->prefix ? ~0U << (32 - gw->prefix) : 0;
	uint32_t net = host & mask, last = net | ~mask;

	if (gw->prefix > 30 || gw->prefix < 8)
		return cu_error_set(e, 0, _("cannot lease from a /%u subnet (give the bridge a /8 to /30)"),
				    gw->prefix);
	for (uint32_t a = net + 1; a < last; a++) {
		struct in_addr ia = { .s_addr = htonl(a) };

		if (a != host && !find_addr(lf, ia)) {
			*out = ia;
			return 0;
		}
	}
	return cu_error_set(e, 0, _("no free address left on the bridge's subnet /%u (reclaim with disconnect, or use a larger subnet)"),
			    gw->prefix);
}

static int check_want(const struct lease_file *lf, const struct cu_inet *want,
		      const struct lease_owner *o, struct cu_error *e)
{
	const struct lease *l = find_addr(lf, want->addr.v4);
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &want->addr.v4, a, sizeof(a));
	if (l && !same_owner(&l->o, o))
		return cu_error_set(e, 0, _("address %1$s is already leased to network namespace %2$s (choose another, or use --addr auto)"),
				    a, l->o.path);
	return 0;
}

int lease_take(const char *key, const struct cu_inet *gw,
	       const struct cu_inet *want, const struct lease_owner *o,
	       bool nat, struct cu_inet *got, struct cu_error *e)
{
	struct lease_file lf;
	struct lease *l;
	int r = lf_open(&lf, key, e);

	if (r < 0)
		return r;
	if (lf.n >= LEASE_MAX) {
		r = cu_error_set(e, ENOSPC, _("too many leases in %s"), key);
		goto out;
	}
	l = &lf.v[lf.n];
	memset(got, 0, sizeof(*got));
	got->family = AF_INET;
	got->prefix = want ? want->prefix : gw->prefix;
	if (want) {
		r = check_want(&lf, want, o, e);
		got->addr.v4 = want->addr.v4;
	} else {
		r = next_free(&lf, gw, &got->addr.v4, e);
	}
	if (r < 0)
		goto out;
	l->addr = got->addr.v4;
	l->o = *o;
	l->nat = nat;
	lf.n++;
out:
	return lf_close(&lf, key, r == 0, r < 0 ? NULL : e) ?: r;
}

int lease_release(const char *key, const struct lease_owner *o, bool *nat,
		  bool *nat_others, struct cu_error *e)
{
	struct lease_file lf;
	size_t keep = 0;
	int found = 0, r = lf_open(&lf, key, e);

	if (r < 0)
		return r;
	*nat = *nat_others = false;
	for (size_t i = 0; i < lf.n; i++) {
		if (same_owner(&lf.v[i].o, o)) {
			*nat |= lf.v[i].nat;
			found = 1;
			continue;
		}
		*nat_others |= lf.v[i].nat;
		lf.v[keep++] = lf.v[i];
	}
	lf.n = keep;
	r = lf_close(&lf, key, true, e);
	return r < 0 ? r : found;
}

int lease_forget(const char *key, struct cu_error *e)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : cu_error_set(e, errno, _("cannot open lease file %s"), path);
	/* under the lock, so no connect is halfway through this file */
	if (flock(fd, LOCK_EX) < 0 || unlink(path) < 0) {
		int r = cu_error_set(e, errno, _("cannot remove lease file %s"), path);

		close(fd);
		return r;
	}
	close(fd);
	return 0;
}
