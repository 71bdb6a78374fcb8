/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-lease.c - connect's records, with the --addr auto leases in them.
 *
 * A record is one line, fields in this order (names hold no white space:
 * the kernel's rule, checked before a record is made; the path comes last
 * and takes the rest of the line):
 *
 *   addr=A dev=N ino=N host=NAME hostidx=N if=NAME nat=0|1 net=CIDR out=NAME path=PATH
 *
 * addr=, net= and out= may be empty.  Each record is a file of the bridge's
 * store (a directory: see "The store" below); the previous release kept
 * them all in one file, a line each, which is read (lf_read()) only to
 * convert it, and a line of any other form is dropped then.  A dry run
 * reads the records into memory (struct lease_file) and plans there.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "c.h"
#include "explain.h"
#include "fileutils.h"
#include "nls.h"
#include "net-lease.h"

#define LEASE_MAX	4096		/* records per file */
#define LINE_MAX_LEN	640

struct lease_file {
	int fd;
	size_t n, cap;
	struct lease_rec *v;
	size_t nstale, scap;		/* records of vanished namespaces that */
	struct lease_rec *stale;	/* still own a masquerade entry */
	uint32_t hint;			/* the store's last address given (host order) */
	bool dry;			/* dry run: read only, written back nowhere */
};

/*
 * Room for one more in @v (holding @n of @cap): the arrays grow as the file
 * is read.  Two of LEASE_MAX records each, zeroed at every open, were a
 * third of a CNI ADD's time on a bridge of a hundred.
 */
static struct lease_rec *rec_room(struct lease_rec *v, size_t n, size_t *cap)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 64;
	return xrealloc(v, *cap * sizeof(*v));
}

static void add_stale(struct lease_file *lf, const struct lease_rec *l)
{
	if (lf->nstale >= LEASE_MAX)
		return;
	lf->stale = rec_room(lf->stale, lf->nstale, &lf->scap);
	lf->stale[lf->nstale++] = *l;
}

static int lf_open_dry(struct lease_file *lf, const char *key, bool create,
		       bool validate, struct cu_error *e);
static int lf_close_dry(struct lease_file *lf, const char *key, bool write_back);

int lease_owner_init(struct lease_owner *o, int fd, const char *path,
		     struct cu_error *e)
{
	struct stat st;

	for (const char *p = path; *p; p++)
		if (iscntrl((unsigned char) *p))
			return cu_error_set(e, 0, _("network namespace path contains a control character (give a path without one)"));
	if (fstat(fd, &st) < 0)
		return cu_error_set(e, errno, _("cannot stat network namespace %s"), path);
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	if ((size_t) snprintf(o->path, sizeof(o->path), "%s", path) >= sizeof(o->path))
		return cu_error_set(e, ENAMETOOLONG, _("network namespace path too long: %s"), path);
	return 0;
}

/*
 * Owners this process has seen alive.  The hot paths ask about a few records
 * only (see lf_read()), but list, find and a full range ask about all of
 * them, and one process may read the file several times: one stat(2) per
 * record is enough.  A namespace that goes meanwhile is treated as one that
 * goes right after.
 */
#define ALIVE_SLOTS	(2 * 4096)	/* twice LEASE_MAX: probes stay short */
struct alive_slot {
	dev_t dev;
	ino_t ino;
	uint32_t path_hash;		/* 0: empty slot */
};
static struct alive_slot *alive_cache;

static uint32_t path_hash(const char *s)
{
	uint32_t h = 2166136261U;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 16777619U;
	return h ?: 1;
}

static struct alive_slot *alive_find(const struct lease_owner *o, uint32_t h)
{
	size_t i = (size_t) (o->ino ^ h) % ALIVE_SLOTS;

	if (!alive_cache)
		alive_cache = xcalloc(ALIVE_SLOTS, sizeof(*alive_cache));
	for (size_t n = 0; n < ALIVE_SLOTS; n++, i = (i + 1) % ALIVE_SLOTS) {
		struct alive_slot *a = &alive_cache[i];

		if (a->path_hash == 0 ||
		    (a->path_hash == h && a->dev == o->dev && a->ino == o->ino))
			return a;
	}
	return NULL;	/* full: no caching */
}

/* Does the record's path still lead to its namespace? */
static bool owner_alive(const struct lease_owner *o)
{
	uint32_t h = path_hash(o->path);
	struct alive_slot *a = alive_find(o, h);
	struct stat st;

	if (a && a->path_hash)
		return true;
	if (stat(o->path, &st) != 0 || st.st_dev != o->dev || st.st_ino != o->ino)
		return false;
	if (a)
		*a = (struct alive_slot) { .dev = o->dev, .ino = o->ino, .path_hash = h };
	return true;
}

static bool same_owner(const struct lease_owner *a, const struct lease_owner *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* The next field "KEY=VALUE " of *@s: the value, NUL-terminated; NULL if none. */
static char *field(char **s, const char *key)
{
	size_t klen = strlen(key);
	char *v, *end;

	if (strncmp(*s, key, klen) != 0 || (*s)[klen] != '=')
		return NULL;
	v = *s + klen + 1;
	end = strchr(v, ' ');
	if (!end)
		return NULL;
	*end = '\0';
	*s = end + 1;
	return v;
}

static int copy_name(char *dst, const char *src, bool may_be_empty)
{
	size_t len = strlen(src);

	if ((!len && !may_be_empty) || len >= IF_NAMESIZE)
		return -EINVAL;
	memcpy(dst, src, len + 1);
	return 0;
}

/* A name the kernel could have given an interface (it becomes part of a file name). */
static bool kernel_name(const char *s)
{
	if (!*s || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char) *s) ||
		    iscntrl((unsigned char) *s))
			return false;
	return true;
}

static int parse_line(char *line, struct lease_rec *l)
{
	char *s = line, *addr, *dev, *ino, *host, *idx, *ifn, *nat, *net, *out;
	uint64_t vdev, vino, vidx;

	memset(l, 0, sizeof(*l));
	line[strcspn(line, "\n")] = '\0';
	if (!(addr = field(&s, "addr")) || !(dev = field(&s, "dev")) ||
	    !(ino = field(&s, "ino")) || !(host = field(&s, "host")) ||
	    !(idx = field(&s, "hostidx")) || !(ifn = field(&s, "if")) ||
	    !(nat = field(&s, "nat")) || !(net = field(&s, "net")) ||
	    !(out = field(&s, "out")) || strncmp(s, "path=", 5) != 0)
		return -EINVAL;
	if (parse_u64(dev, &vdev) < 0 || parse_u64(ino, &vino) < 0 ||
	    parse_u64(idx, &vidx) < 0 || vidx > INT_MAX)
		return -EINVAL;
	l->has_addr = *addr != '\0';
	if (l->has_addr && inet_pton(AF_INET, addr, &l->addr) != 1)
		return -EINVAL;
	if (copy_name(l->host, host, false) < 0 || copy_name(l->ifname, ifn, false) < 0 ||
	    copy_name(l->out, out, true) < 0 || !kernel_name(l->host))
		return -EINVAL;
	if (!streq(nat, "0") && !streq(nat, "1"))
		return -EINVAL;
	l->nat = *nat == '1';
	if (*net && (parse_cidr(net, &l->net) < 0 || l->net.family != AF_INET))
		return -EINVAL;
	if (l->nat && !*net)
		return -EINVAL;
	l->o.dev = (dev_t) vdev;
	l->o.ino = (ino_t) vino;
	l->host_index = (int) vidx;
	if ((size_t) snprintf(l->o.path, sizeof(l->o.path), "%s", s + 5) >= sizeof(l->o.path))
		return -EINVAL;
	return 0;
}

static int format_line(const struct lease_rec *l, char *line, size_t len)
{
	char addr[INET_ADDRSTRLEN] = "", net[INET_ADDRSTRLEN + 4] = "";

	if (l->has_addr)
		inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
	if (l->net.family == AF_INET && format_inet(&l->net, true, net, sizeof(net)) < 0)
		return -EINVAL;
	return snprintf(line, len, "addr=%s dev=%ju ino=%ju host=%s hostidx=%d if=%s nat=%d net=%s out=%s path=%s\n",
			addr, (uintmax_t) l->o.dev, (uintmax_t) l->o.ino,
			l->host, l->host_index, l->ifname, l->nat, net, l->out,
			l->o.path);
}

/*
 * Read the records; junk lines are dropped.  Whether a record's namespace is
 * still there is not asked here: a stat(2) per record made every connect and
 * CNI ADD cost O(records).  lf_validate() asks for all of them (list, find,
 * a full range); the hot paths ask only about the records they act on.
 */
static int lf_read(struct lease_file *lf, struct cu_error *e)
{
	FILE *f;
	char line[LINE_MAX_LEN];
	int dup = fcntl(lf->fd, F_DUPFD_CLOEXEC, 0);

	if (dup < 0 || !(f = fdopen(dup, "r" CU_CLOEXECSTR))) {
		if (dup >= 0)
			close(dup);
		return cu_error_set(e, errno, _("cannot read lease file"));
	}
	while (lf->n < LEASE_MAX && fgets(line, sizeof(line), f)) {
		lf->v = rec_room(lf->v, lf->n, &lf->cap);
		if (parse_line(line, &lf->v[lf->n]) == 0)
			lf->n++;
	}
	/* room for the record take() adds */
	lf->v = rec_room(lf->v, lf->n, &lf->cap);
	fclose(f);
	return 0;
}

/*
 * Record @i's namespace is gone: it leaves the live records (its address is
 * free); if it owns a masquerade entry it waits in the stale ones for
 * lease_reap(), else it is dropped.
 */
static void lf_drop(struct lease_file *lf, size_t i)
{
	if (lf->v[i].nat)
		add_stale(lf, &lf->v[i]);
	memmove(&lf->v[i], &lf->v[i + 1], (lf->n - i - 1) * sizeof(*lf->v));
	lf->n--;
}

/* Keep only the records whose namespaces are still there (in their order). */
static void lf_validate(struct lease_file *lf)
{
	size_t keep = 0;

	for (size_t i = 0; i < lf->n; i++) {
		if (owner_alive(&lf->v[i].o))
			lf->v[keep++] = lf->v[i];
		else if (lf->v[i].nat)
			add_stale(lf, &lf->v[i]);
	}
	lf->n = keep;
}

/*
 * The records as a plan sees them (dry run only: the store itself is read
 * and written by the store_* functions below, a record at a time).
 */
static int lf_open(struct lease_file *lf, const char *key, bool create,
		   bool validate, struct cu_error *e)
{
	return lf_open_dry(lf, key, create, validate, e);
}

static int lf_close(struct lease_file *lf, const char *key, bool write_back,
		    struct cu_error *e __unused)
{
	if (lf->dry)
		return lf_close_dry(lf, key, write_back);
	free(lf->v);
	free(lf->stale);
	lf->v = lf->stale = NULL;
	return 0;
}

static int store_read_all(const char *key, struct lease_file *lf, struct cu_error *e);

/* Every live record of @key, read only (list, find). */
static int lf_read_all(struct lease_file *lf, const char *key, struct cu_error *e)
{
	if (explain_dry_run())
		return lf_open(lf, key, false, true, e);
	return store_read_all(key, lf, e);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

	return x < y ? -1 : x > y;
}

/*
 * The lowest address from @lo to @hi (host order) that no record holds and
 * that is not @host (the gateway): the held ones sorted, then one walk.
 * Returns 0 when there is none.
 */
static uint32_t lowest_unheld(const struct lease_file *lf, uint32_t lo,
			      uint32_t hi, uint32_t host)
{
	uint32_t *held = xcalloc(lf->n + 1, sizeof(*held)), a = lo, found = 0;
	size_t nh = 0;

	for (size_t i = 0; i < lf->n; i++) {
		uint32_t h = ntohl(lf->v[i].addr.s_addr);

		if (lf->v[i].has_addr && h >= lo && h <= hi)
			held[nh++] = h;
	}
	qsort(held, nh, sizeof(*held), cmp_u32);
	for (size_t i = 0; a <= hi; a++) {
		while (i < nh && held[i] < a)
			i++;
		if (a != host && (i == nh || held[i] != a)) {
			found = a;
			break;
		}
		if (a == hi)
			break;
	}
	free(held);
	return found;
}

/*
 * The addresses @gw's subnet leases, from *@lo to *@hi (host order; 0, or
 * one outside the subnet: its first and last host).
 */
static int lease_bounds(const struct cu_inet *gw, uint32_t *lo, uint32_t *hi,
			struct cu_error *e)
{
	uint32_t mask = gw->prefix ? ~0U << (32 - gw->prefix) : 0;
	uint32_t net = ntohl(gw->addr.v4.s_addr) & mask, last = net | ~mask;

	if (gw->prefix > 30 || gw->prefix < 8)
		return cu_error_set(e, 0, _("cannot lease from a /%u subnet (give the bridge a /8 to /30)"),
				    gw->prefix);
	if (*lo <= net || *lo >= last)
		*lo = net + 1;
	if (*hi == 0 || *hi >= last)
		*hi = last - 1;
	return 0;
}

/* What take() gives: @want itself, or @addr with @gw's prefix. */
static void lease_got(enum lease_mode mode, const struct cu_inet *want,
		      const struct cu_inet *gw, struct in_addr addr, struct cu_inet *got)
{
	memset(got, 0, sizeof(*got));
	if (mode == LEASE_WANT) {
		*got = *want;
	} else if (mode == LEASE_AUTO) {
		got->family = AF_INET;
		got->prefix = gw->prefix;
		got->addr.v4 = addr;
	}
}

/*
 * The next address of @gw's subnet that is neither taken nor special, from
 * @lo to @hi (host order; 0: the subnet's first and last host).  An address
 * no record holds comes first, without asking whether any namespace is still
 * there; only when the range has none left are the holders checked, and the
 * addresses of vanished namespaces taken back.
 */
static int next_free(struct lease_file *lf, const struct cu_inet *gw,
		     uint32_t lo, uint32_t hi, struct in_addr *out,
		     struct cu_error *e)
{
	uint32_t host = ntohl(gw->addr.v4.s_addr), a;
	int r = lease_bounds(gw, &lo, &hi, e);

	if (r < 0)
		return r;
	for (int pass = 0; lo <= hi && pass < 2; pass++) {
		/* after the address last given, as the store (store_next_free) */
		if (lf->hint >= lo && lf->hint < hi)
			a = lowest_unheld(lf, lf->hint + 1, hi, host);
		else
			a = 0;
		if (a == 0)
			a = lowest_unheld(lf, lo, hi, host);
		if (a != 0) {
			out->s_addr = htonl(a);
			lf->hint = a;
			return 0;
		}
		lf_validate(lf);	/* full: only now are the holders looked at */
	}
	return cu_error_set(e, 0, _("no free address left on the bridge's subnet /%u (reclaim with disconnect, or use a larger subnet)"),
			    gw->prefix);
}

/*
 * @want may be held by another namespace's record: if that namespace is
 * gone, its record goes (the address is free); if not, it is refused.
 */
static int check_want(struct lease_file *lf, const struct cu_inet *want,
		      const struct lease_owner *o, struct cu_error *e)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &want->addr.v4, a, sizeof(a));
	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_rec *l = &lf->v[i];

		if (!l->has_addr || l->addr.s_addr != want->addr.v4.s_addr ||
		    same_owner(&l->o, o))
			continue;
		if (owner_alive(&l->o))
			return cu_error_set(e, 0, _("address %1$s is already leased to network namespace %2$s (choose another, or use --addr auto)"),
					    a, l->o.path);
		lf_drop(lf, i--);
	}
	return 0;
}

static int take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
		const struct cu_inet *want, uint32_t lo, uint32_t hi,
		struct lease_rec *rec, struct cu_inet *got, struct cu_error *e)
{
	struct lease_file lf;
	int r = lf_open(&lf, key, true, false, e);

	if (r < 0)
		return r;
	if (lf.n >= LEASE_MAX)
		lf_validate(&lf);	/* full: only now do the vanished ones go */
	if (lf.n >= LEASE_MAX) {
		r = cu_error_set(e, ENOSPC, _("too many leases in %s"), key);
		goto out;
	}
	rec->has_addr = mode != LEASE_NONE;
	if (mode == LEASE_WANT) {
		r = check_want(&lf, want, &rec->o, e);
		rec->addr = want->addr.v4;
	} else if (mode == LEASE_AUTO) {
		r = next_free(&lf, gw, lo, hi, &rec->addr, e);
	}
	if (r < 0)
		goto out;
	lease_got(mode, want, gw, rec->addr, got);
	lf.v[lf.n++] = *rec;
out:
	return lf_close(&lf, key, r == 0, r < 0 ? NULL : e) ?: r;
}

static int mem_lease_take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
	       const struct cu_inet *want, struct lease_rec *rec,
	       struct cu_inet *got, struct cu_error *e)
{
	return take(key, gw, mode, want, 0, 0, rec, got, e);
}

static int mem_lease_take_range(const char *key, const struct cu_inet *gw,
		     struct in_addr first, struct in_addr last,
		     struct lease_rec *rec, struct cu_inet *got, struct cu_error *e)
{
	return take(key, gw, LEASE_AUTO, gw, ntohl(first.s_addr),
		    ntohl(last.s_addr), rec, got, e);
}

static int mem_lease_update(const char *key, const char *host, const struct lease_rec *rec,
		 struct cu_error *e)
{
	struct lease_file lf;
	int found = 0, r = lf_open(&lf, key, false, false, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < lf.n && !found; i++) {
		if (same_owner(&lf.v[i].o, &rec->o) && streq(lf.v[i].host, host)) {
			lf.v[i] = *rec;
			found = 1;
		}
	}
	if (!found)
		r = cu_error_set(e, ENOENT, _("the record of %1$s is gone from lease file %2$s"),
				 host, key);
	return lf_close(&lf, key, found, r < 0 ? NULL : e) ?: r;
}

static bool rec_matches(const struct lease_rec *l, const struct lease_match *m)
{
	return (!m->o || same_owner(&l->o, m->o)) &&
	       (!m->ifname || streq(l->ifname, m->ifname)) &&
	       (!m->host || (streq(l->host, m->host) && l->host_index == m->host_index));
}

/* Look in one file, read only (nothing is written back). */
static int find_in(const char *key, const struct lease_match *m,
		   struct lease_rec *rec, struct cu_error *e)
{
	struct lease_file lf;
	int found = 0, r = lf_read_all(&lf, key, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < lf.n && !found; i++) {
		if (rec_matches(&lf.v[i], m)) {
			*rec = lf.v[i];
			found = 1;
		}
	}
	lf_close(&lf, key, false, NULL);
	return found;
}

int lease_find(const char *key, const char *suffix, const struct lease_match *m,
	       struct lease_rec *rec, char *keyout, size_t keylen,
	       struct cu_error *e)
{
	size_t slen = strlen(suffix);
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (key) {
		r = find_in(key, m, rec, e);
		if (r > 0)
			snprintf(keyout, keylen, "%s", key);
		return r;
	}
	d = opendir(LEASE_DIR);
	if (!d)
		return errno == ENOENT ? 0 : cu_error_set(e, errno, _("cannot open %s"), LEASE_DIR);
	while (r == 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len <= slen ||
		    !streq(de->d_name + len - slen, suffix) || len >= keylen)
			continue;
		r = find_in(de->d_name, m, rec, e);
		if (r > 0)
			snprintf(keyout, keylen, "%s", de->d_name);
	}
	closedir(d);
	return r;
}

int lease_list(const char *key, struct lease_rec **recs, size_t *n,
	       struct cu_error *e)
{
	struct lease_file lf;
	int r = lf_read_all(&lf, key, e);

	*recs = NULL;
	*n = 0;
	if (r < 0)
		return r;
	if (lf.n) {
		*recs = xcalloc(lf.n, sizeof(**recs));
		memcpy(*recs, lf.v, lf.n * sizeof(**recs));
		*n = lf.n;
	}
	lf_close(&lf, key, false, NULL);
	return 0;
}

static bool same_nat(const struct lease_rec *a, const struct lease_rec *b)
{
	return a->nat && b->nat && a->net.prefix == b->net.prefix &&
	       a->net.addr.v4.s_addr == b->net.addr.v4.s_addr &&
	       streq(a->out, b->out);
}

/*
 * Is the masquerade entry of @g still asked for by a live record, from
 * record @from on?  The records of that entry are checked in order until
 * one is alive (usually the first); those found gone move to the stale ones.
 */
static bool group_alive(struct lease_file *lf, const struct lease_rec *g, size_t from)
{
	struct lease_rec key = *g;	/* lf_drop() moves the records */

	for (size_t j = from; j < lf->n; ) {
		if (!same_nat(&lf->v[j], &key)) {
			j++;
			continue;
		}
		if (owner_alive(&lf->v[j].o))
			return true;
		lf_drop(lf, j);
	}
	return false;
}

static int mem_lease_release(const char *key, const struct lease_owner *o, const char *host,
		  lease_release_fn fn, void *data, struct cu_error *e)
{
	struct lease_file lf;
	struct lease_rec rec;
	bool shared = false;
	size_t keep = 0;
	int found = 0, r = lf_open(&lf, key, false, false, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < lf.n; i++) {
		if (!found && same_owner(&lf.v[i].o, o) && streq(lf.v[i].host, host)) {
			rec = lf.v[i];
			found = 1;
			continue;
		}
		lf.v[keep++] = lf.v[i];
	}
	if (found && !owner_alive(&rec.o)) {
		/* its namespace is gone: the record is stale, lease_reap()'s */
		lf_close(&lf, key, false, NULL);
		return 0;
	}
	lf.n = keep;
	if (found && rec.has_addr && lf.hint == ntohl(rec.addr.s_addr))
		lf.hint--;	/* the last one given is the next again, as the store */
	if (found && rec.nat)
		shared = group_alive(&lf, &rec, 0);
	/* under the lock: no connect can start sharing the entry meanwhile */
	if (found && fn && (r = fn(&rec, shared, data)) < 0) {
		lf_close(&lf, key, false, NULL);	/* the record stays */
		return r;
	}
	r = lf_close(&lf, key, found, e);
	return r < 0 ? r : found;
}

/*
 * The stale records are found per masquerade entry: the records of each
 * entry are checked until one is alive, so with live containers this costs
 * a stat(2) or so per entry, not one per record.  Records without a
 * masquerade entry are left for the allocator (they hold nothing else).
 */
static int mem_lease_reap(const char *key, lease_release_fn fn, void *data,
	       struct cu_error *e)
{
	struct lease_file lf;
	struct lease_rec *groups;
	size_t keep = 0, nstale, ngroups = 0;
	int r = lf_open(&lf, key, false, false, e), r2 = 0;

	if (r < 0)
		return r;
	groups = xcalloc(lf.n + 1, sizeof(*groups));
	for (size_t i = 0; i < lf.n; i++) {
		bool seen = false;

		if (!lf.v[i].nat)
			continue;
		for (size_t k = 0; k < ngroups && !seen; k++)
			seen = same_nat(&groups[k], &lf.v[i]);
		if (seen)
			continue;
		groups[ngroups++] = lf.v[i];
		(void) group_alive(&lf, &groups[ngroups - 1], i);
		i--;	/* record i may be another one now: look at it again */
	}
	free(groups);
	nstale = lf.nstale;
	for (size_t i = 0; i < nstale; i++) {
		bool shared = false;

		for (size_t j = 0; j < lf.n && !shared; j++)
			shared = same_nat(&lf.v[j], &lf.stale[i]);
		if (r2 == 0 && (r2 = fn(&lf.stale[i], shared, data)) == 0)
			continue;
		lf.stale[keep++] = lf.stale[i];	/* kept for the next try */
	}
	lf.nstale = keep;
	r = lf_close(&lf, key, keep < nstale, e);
	return r2 ?: r;
}

/*
 * The store of a bridge: a directory, LEASE_DIR/KEY, locked with flock(2),
 * of small files that are each read and written whole:
 *
 *   c.DEV.INO.HOST   a record (the line format above), named by its
 *                    namespace and host end: connect, update and release
 *                    find it by name, without reading the others
 *   a.ADDR           the address ADDR is held by record "DEV.INO.HOST"
 *   state            "hint=ADDR count=N": the address last handed out (the
 *                    next free one is looked for after it) and the number
 *                    of records (the store goes with the last one)
 *   nat              one line a masquerade entry, "net=CIDR out=NAME
 *                    id=DEV.INO.HOST": a record that asks for it and was
 *                    alive when last looked at (its witness)
 *
 * So an ADD reads and writes a few files whatever the number of records.
 * Nothing in a file is used as a path: a name read from a file is parsed
 * into device, inode and interface name, checked, and built again; and a
 * record is believed only if it says what its names say (an index entry
 * whose record does not hold that address holds nothing).  Every file is
 * opened with O_NOFOLLOW and must be a regular file with one link and a
 * line's size; anything else is ignored and replaced by a rename(2),
 * which replaces a name and never writes through it.  A store in the
 * previous format (one file of lines) is converted under its lock.
 */
#define REC_PFX		"c."
#define IDX_PFX		"a."
#define STATE_NAME	"state"
#define NAT_NAME	"nat"
#define TMP_NAME	".tmp"
#define ID_LEN		(2 * 21 + IF_NAMESIZE + 2)
#define NAT_MAX		256		/* masquerade entries in one store */
/* "net=CIDR out=IFNAME id=ID\n" at its longest, and the file of NAT_MAX */
#define NAT_LINE_MAX	(sizeof("net= out= id=\n") + INET_ADDRSTRLEN + 3 + \
			 IF_NAMESIZE + ID_LEN)
#define NAT_FILE_MAX	(NAT_MAX * NAT_LINE_MAX)

struct nat_grp {
	struct cu_inet net;
	char out[IF_NAMESIZE];
	char id[ID_LEN];		/* the witness */
};

struct store {
	int dfd;
	char path[PATH_MAX];
	uint32_t hint;			/* host order; 0: none */
	long count;
	bool state_dirty;
	bool nat_loaded, nat_dirty;
	bool unsafe;			/* refused: said by the step that needs it */
	int oldfd;			/* read only: a previous release's file */
	size_t ngrp;
	struct nat_grp grp[NAT_MAX];
};

static void rec_id(const struct lease_owner *o, const char *host, char *id, size_t len)
{
	snprintf(id, len, "%ju.%ju.%s", (uintmax_t) o->dev, (uintmax_t) o->ino, host);
}

/*
 * An id read from a file: "DEV.INO.HOST", each part checked, built again
 * into @id.  -EINVAL for anything else.
 */
int lease_id_parse(const char *s, char *id, size_t len)
{
	struct lease_owner o = { 0 };
	char host[IF_NAMESIZE];
	uint64_t v[2];
	char *end;

	for (int i = 0; i < 2; i++) {
		if (!isdigit((unsigned char) *s))
			return -EINVAL;
		errno = 0;
		v[i] = strtoull(s, &end, 10);
		if (errno || *end != '.')
			return -EINVAL;
		s = end + 1;
	}
	if (copy_name(host, s, false) < 0 || !kernel_name(host))
		return -EINVAL;
	o.dev = (dev_t) v[0];
	o.ino = (ino_t) v[1];
	rec_id(&o, host, id, len);
	return 0;
}

/*
 * Read the small file @name of the store into @buf: a regular file with one
 * link, shorter than @size.  -errno, -EINVAL for anything else.
 */
static int read_small(int dfd, const char *name, char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_size < 0 || (size_t) st.st_size >= size) {
		close(fd);
		return -EINVAL;
	}
	n = pread(fd, buf, size - 1, 0);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return (int) n;
}

/*
 * Write @len bytes of @buf as @name: in place when it is a regular file
 * with one link (no new inode: creating one is most of a write's cost on
 * ext4), as a new file when there is none; anything else (a symlink, a hard
 * link, a FIFO) is replaced by a new file renamed over it, never written
 * through.  One write(2): a reader, who holds the lock too, sees it whole.
 */
static int write_small(int dfd, const char *name, const char *buf, size_t len)
{
	struct stat st;
	int fd, r = 0;

	fd = openat(dfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1)) {
		close(fd);
		fd = -1;
		errno = EEXIST;
	} else if (fd < 0 && errno == ENOENT) {
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (fd >= 0) {
		if (pwrite(fd, buf, len, 0) != (ssize_t) len || ftruncate(fd, (off_t) len) < 0)
			r = -EIO;
		if (close(fd) < 0 && r == 0)
			r = -errno;
		return r;
	}
	if (errno != EEXIST && errno != ELOOP && errno != ENXIO && errno != EISDIR)
		return -errno;
	(void) unlinkat(dfd, TMP_NAME, 0);	/* a killed writer's */
	fd = openat(dfd, TMP_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t) len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, TMP_NAME, dfd, name) < 0)
		r = -errno;
	if (r < 0)
		(void) unlinkat(dfd, TMP_NAME, 0);
	return r;
}

/* The record named @id: 0, or -errno (-EINVAL: not a record of that name). */
static int rec_get(const struct store *st, const char *id, struct lease_rec *l)
{
	char name[ID_LEN + 2], line[LINE_MAX_LEN], own[ID_LEN];
	int r;

	snprintf(name, sizeof(name), REC_PFX "%s", id);
	r = read_small(st->dfd, name, line, sizeof(line));
	if (r < 0)
		return r;
	if (parse_line(line, l) < 0)
		return -EINVAL;
	rec_id(&l->o, l->host, own, sizeof(own));
	return streq(own, id) ? 0 : -EINVAL;	/* a record under another's name */
}

static int rec_put(struct store *st, const struct lease_rec *l)
{
	char name[ID_LEN + 2], line[LINE_MAX_LEN];
	struct stat sb;
	bool had;
	int n, r;

	snprintf(name, sizeof(name), REC_PFX);
	rec_id(&l->o, l->host, name + 2, sizeof(name) - 2);
	n = format_line(l, line, sizeof(line));
	if (n < 0 || (size_t) n >= sizeof(line))
		return -EINVAL;
	had = fstatat(st->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
	r = write_small(st->dfd, name, line, (size_t) n);
	if (r == 0 && !had) {
		st->count++;
		st->state_dirty = true;
	}
	return r;
}

static void rec_del(struct store *st, const char *id)
{
	char name[ID_LEN + 2];

	snprintf(name, sizeof(name), REC_PFX "%s", id);
	if (unlinkat(st->dfd, name, 0) == 0) {
		st->count--;
		st->state_dirty = true;
	}
}

static void idx_name(struct in_addr a, char *name, size_t len)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(name, len, IDX_PFX "%s", s);
}

/*
 * Who holds @a: 1 with its record in @l and its id in @id, or 0 (no entry,
 * or one that is not believed: garbage, or a record that does not hold @a).
 */
static int idx_get(const struct store *st, struct in_addr a, struct lease_rec *l,
		   char *id, size_t idlen)
{
	char name[32], buf[ID_LEN + 2];

	idx_name(a, name, sizeof(name));
	if (read_small(st->dfd, name, buf, sizeof(buf)) < 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	if (lease_id_parse(buf, id, idlen) < 0 || rec_get(st, id, l) < 0)
		return 0;
	return l->has_addr && l->addr.s_addr == a.s_addr;
}

static int idx_put(const struct store *st, struct in_addr a, const char *id)
{
	char name[32], buf[ID_LEN + 2];
	int n = snprintf(buf, sizeof(buf), "%s\n", id);

	idx_name(a, name, sizeof(name));
	return write_small(st->dfd, name, buf, (size_t) n);
}

/* Drop @a's entry if it names @id (NULL: whatever it names). */
static void idx_del(const struct store *st, struct in_addr a, const char *id)
{
	char name[32], buf[ID_LEN + 2], got[ID_LEN];

	idx_name(a, name, sizeof(name));
	if (id) {
		if (read_small(st->dfd, name, buf, sizeof(buf)) < 0)
			return;
		buf[strcspn(buf, "\n")] = '\0';
		if (lease_id_parse(buf, got, sizeof(got)) < 0 || !streq(got, id))
			return;
	}
	(void) unlinkat(st->dfd, name, 0);
}

/* The names in the store that start with @pfx (free the array and each). */
static size_t store_names(const struct store *st, const char *pfx, char ***names)
{
	size_t n = 0, cap = 0, plen = strlen(pfx);
	int fd = fcntl(st->dfd, F_DUPFD_CLOEXEC, 0);
	struct dirent *de;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	*names = NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, pfx, plen) != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			*names = xrealloc(*names, cap * sizeof(**names));
		}
		(*names)[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	return n;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void state_read(struct store *st)
{
	char buf[128], a[INET_ADDRSTRLEN];
	struct in_addr in;
	long count;

	st->hint = 0;
	st->count = 0;
	if (read_small(st->dfd, STATE_NAME, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "hint=%15[0-9.] count=%ld", a, &count) != 2 || count < 0 ||
	    count > LONG_MAX / 2) {
		char **names;
		size_t n = store_names(st, REC_PFX, &names);	/* counted again */

		free_names(names, n);
		st->count = (long) n;
		st->state_dirty = true;
		return;
	}
	if (inet_pton(AF_INET, a, &in) == 1)
		st->hint = ntohl(in.s_addr);
	st->count = count;
}

static int state_write(const struct store *st)
{
	char buf[128];
	struct in_addr in = { .s_addr = htonl(st->hint) };
	char a[INET_ADDRSTRLEN];
	int n;

	inet_ntop(AF_INET, &in, a, sizeof(a));
	n = snprintf(buf, sizeof(buf), "hint=%s count=%ld\n", a, st->count);
	return write_small(st->dfd, STATE_NAME, buf, (size_t) n);
}

static void nat_load(struct store *st)
{
	char *buf, *line, *save = NULL;
	size_t size = NAT_FILE_MAX + 1;

	if (st->nat_loaded)
		return;
	st->nat_loaded = true;
	st->ngrp = 0;
	buf = xmalloc(size);
	if (read_small(st->dfd, NAT_NAME, buf, size) < 0) {
		free(buf);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line && st->ngrp < NAT_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		struct nat_grp *g = &st->grp[st->ngrp];
		char *s = line, *net, *out;

		memset(g, 0, sizeof(*g));
		if (!(net = field(&s, "net")) || !(out = field(&s, "out")) ||
		    strncmp(s, "id=", 3) != 0 ||
		    parse_cidr(net, &g->net) < 0 || g->net.family != AF_INET ||
		    copy_name(g->out, out, true) < 0 ||
		    lease_id_parse(s + 3, g->id, sizeof(g->id)) < 0)
			continue;	/* garbage: dropped at the next write */
		st->ngrp++;
	}
	free(buf);
}

static int nat_write(const struct store *st)
{
	char *buf = xmalloc(NAT_FILE_MAX + 1), net[INET_ADDRSTRLEN + 4];
	size_t off = 0;
	int r, n;

	for (size_t i = 0; i < st->ngrp && i < NAT_MAX; i++) {
		if (format_inet(&st->grp[i].net, true, net, sizeof(net)) < 0)
			continue;
		n = snprintf(buf + off, NAT_FILE_MAX + 1 - off, "net=%s out=%s id=%s\n",
			     net, st->grp[i].out, st->grp[i].id);
		if (n < 0 || (size_t) n >= NAT_FILE_MAX + 1 - off)
			break;	/* cannot be: a line is at most NAT_LINE_MAX */
		off += (size_t) n;
	}
	if (off)
		r = write_small(st->dfd, NAT_NAME, buf, off);
	else
		r = unlinkat(st->dfd, NAT_NAME, 0) < 0 && errno != ENOENT ? -errno : 0;
	free(buf);
	return r;
}

static bool in_grp(const struct lease_rec *l, const struct nat_grp *g)
{
	return l->nat && l->net.prefix == g->net.prefix &&
	       l->net.addr.v4.s_addr == g->net.addr.v4.s_addr && streq(l->out, g->out);
}

static struct nat_grp *nat_find(struct store *st, const struct lease_rec *l)
{
	nat_load(st);
	for (size_t i = 0; i < st->ngrp; i++)
		if (in_grp(l, &st->grp[i]))
			return &st->grp[i];
	return NULL;
}

static void nat_drop_grp(struct store *st, struct nat_grp *g)
{
	size_t i = (size_t) (g - st->grp);

	memmove(&st->grp[i], &st->grp[i + 1], (st->ngrp - i - 1) * sizeof(*g));
	st->ngrp--;
	st->nat_dirty = true;
}

/* Record @id (just written, so alive) asks for @l's entry; it replaces @old. */
static int nat_join(struct store *st, const struct lease_rec *l, const char *id,
		    const char *old)
{
	struct nat_grp *g = nat_find(st, l);
	struct lease_rec w;

	if (!g) {
		if (st->ngrp >= NAT_MAX)
			return -ENOSPC;
		g = &st->grp[st->ngrp++];
		memset(g, 0, sizeof(*g));
		g->net = l->net;
		snprintf(g->out, sizeof(g->out), "%s", l->out);
	} else if ((!old || !streq(g->id, old)) && rec_get(st, g->id, &w) == 0 && in_grp(&w, g)) {
		return 0;	/* its witness is still a record of the entry */
	}
	snprintf(g->id, sizeof(g->id), "%s", id);
	st->nat_dirty = true;
	return 0;
}

static uint32_t pick_seed;

enum scan_drop {
	SCAN_KEEP,		/* only look */
	SCAN_DROP_SHARED,	/* drop the gone ones if a live one is found */
	SCAN_DROP,		/* drop the gone ones (the entry was removed) */
};

/*
 * The records of @g's entry, but @skip: one that is alive becomes the
 * witness (one at random, so that no order of removals finds the witness
 * gone each time), and the gone ones are dropped as @drop says (with their
 * addresses).  true when one is alive.
 */
static bool nat_scan(struct store *st, struct nat_grp *g, const char *skip,
		     enum scan_drop drop)
{
	bool dead;
	char **names, **gone;
	size_t n = store_names(st, REC_PFX, &names), ngone = 0, nalive = 0;
	struct lease_rec l;

	if (!pick_seed)
		pick_seed = (uint32_t) getpid() ^ (uint32_t) time(NULL);
	gone = xcalloc(n + 1, sizeof(*gone));
	for (size_t i = 0; i < n; i++) {
		const char *id = names[i] + strlen(REC_PFX);

		if ((skip && streq(id, skip)) || rec_get(st, id, &l) < 0 || !in_grp(&l, g))
			continue;
		if (!owner_alive(&l.o)) {
			gone[ngone++] = names[i];
			continue;
		}
		pick_seed = pick_seed * 1103515245U + 12345U;
		if ((pick_seed >> 8) % ++nalive == 0) {
			snprintf(g->id, sizeof(g->id), "%s", id);
			st->nat_dirty = true;
		}
	}
	dead = drop == SCAN_DROP || (drop == SCAN_DROP_SHARED && nalive > 0);
	for (size_t i = 0; dead && i < ngone; i++) {
		const char *id = gone[i] + strlen(REC_PFX);

		if (rec_get(st, id, &l) == 0 && l.has_addr)
			idx_del(st, l.addr, id);
		rec_del(st, id);
	}
	free(gone);
	free_names(names, n);
	return nalive > 0;
}

/* @path and what is in it (a store, or a file), gone; 0 when it was not there. */
static int remove_tree(const char *path)
{
	int r = file_remove_tree_at(AT_FDCWD, path, 0);

	return r == -ENOENT ? 0 : r;
}

/*
 * A store of the previous format, the file @fd (locked) at @path: its
 * records go into a new directory, which then takes the file's place in
 * one rename(2) (RENAME_EXCHANGE), so that every reader sees one format
 * or the other, whole.  On failure the file stays as it was.
 */
static int migrate(int fd, const char *path, struct cu_error *e)
{
	struct lease_file lf = { .fd = fd };
	struct store st = { .dfd = -1 };
	char tmp[PATH_MAX], id[ID_LEN], hid[ID_LEN];
	struct lease_rec h;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (lseek(fd, 0, SEEK_SET) < 0 || lf_read(&lf, e) < 0)
		return cu_error_set(e, errno, _("cannot convert lease file %s"), path);
	r = remove_tree(tmp);	/* a killed conversion's */
	if (r == 0 && mkdir(tmp, 0755) < 0)
		r = -errno;
	if (r == 0 && (st.dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		r = -errno;
	for (size_t i = 0; r == 0 && i < lf.n; i++) {
		const struct lease_rec *l = &lf.v[i];

		rec_id(&l->o, l->host, id, sizeof(id));
		r = rec_put(&st, l);
		/* an address held twice: the first record keeps it */
		if (r == 0 && l->has_addr && !idx_get(&st, l->addr, &h, hid, sizeof(hid)))
			r = idx_put(&st, l->addr, id);
		if (r == 0 && l->nat)
			r = nat_join(&st, l, id, NULL);
	}
	if (r == 0)
		r = state_write(&st);
	if (r == 0 && st.ngrp)
		r = nat_write(&st);
	if (st.dfd >= 0)
		close(st.dfd);
	free(lf.v);
	free(lf.stale);
	if (r == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0)
		r = -errno;
	if (r < 0) {
		(void) remove_tree(tmp);
		return cu_error_set(e, -r, _("cannot convert lease file %s"), path);
	}
	(void) unlink(tmp);	/* the old file */
	return 0;
}

/*
 * Open and lock the store @key (@create: make it when missing).  A previous
 * release's file is converted (@convert), or left as it is, locked, in
 * st->oldfd.  st->dfd is -1 when there is no store.
 */
static int store_open_as(struct store *st, const char *key, bool create,
			 bool convert, struct cu_error *e)
{
	struct stat a, b;
	int r;

	memset(st, 0, sizeof(*st));
	st->dfd = st->oldfd = -1;
	snprintf(st->path, sizeof(st->path), "%s/%s", LEASE_DIR, key);
	if (create && (r = file_mkdir_p(LEASE_DIR, 0755)) < 0)
		return cu_error_set(e, -r, _("cannot create %s"), LEASE_DIR);
	for (int tries = 0; tries < 100; tries++) {
		st->dfd = open(st->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (st->dfd < 0) {
			if (errno != ENOENT)
				return cu_error_set(e, errno, _("cannot open lease file %s"), st->path);
			if (!create)
				return 0;
			if (mkdir(st->path, 0755) < 0 && errno != EEXIST)
				return cu_error_set(e, errno, _("cannot create %s"), st->path);
			continue;
		}
		if (flock(st->dfd, LOCK_EX) < 0 || fstat(st->dfd, &a) < 0) {
			r = cu_error_set(e, errno, _("cannot lock lease file %s"), st->path);
			goto fail;
		}
		/* removed or converted while we waited: again */
		if (lstat(st->path, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			close(st->dfd);
			continue;
		}
		if (S_ISREG(a.st_mode) && !convert) {
			st->oldfd = st->dfd;	/* read as it is, still locked */
			st->dfd = -1;
			return 0;
		}
		if (S_ISREG(a.st_mode)) {
			r = migrate(st->dfd, st->path, e);
			close(st->dfd);
			if (r < 0)
				return r;
			continue;
		}
		if (!S_ISDIR(a.st_mode) || a.st_uid != geteuid() || (a.st_mode & 022)) {
			st->unsafe = true;
			r = cu_error_set(e, 0, _("lease store %s is not a directory of ours that only we can write (remove it)"),
					 st->path);
			goto fail;
		}
		state_read(st);
		return 0;
	}
	return cu_error_set(e, EAGAIN, _("cannot lock lease file %s"), st->path);
fail:
	close(st->dfd);
	st->dfd = -1;
	return r;
}

/*
 * Open and lock the store @key (@create: make it when missing; a previous
 * release's file is converted, as a store about to be written).
 */
static int store_open(struct store *st, const char *key, bool create,
		      struct cu_error *e)
{
	return store_open_as(st, key, create, true, e);
}

/* Write what changed; the store goes with its last record; unlock. */
static int store_close(struct store *st, struct cu_error *e)
{
	int r = 0;

	if (st->dfd < 0)
		return 0;
	if (st->nat_dirty && (r = nat_write(st)) < 0)
		r = cu_error_set(e, -r, _("cannot write lease file"));
	if (r == 0 && st->count <= 0) {
		char **names;
		size_t n = store_names(st, REC_PFX, &names);	/* sure? */

		free_names(names, n);
		if (n == 0 && remove_tree(st->path) == 0) {
			st->state_dirty = false;	/* gone, with any orphan */
		} else if (n > 0) {
			st->count = (long) n;
			st->state_dirty = true;
		}
	}
	if (r == 0 && st->state_dirty && (r = state_write(st)) < 0)
		r = cu_error_set(e, -r, _("cannot write lease file"));
	close(st->dfd);
	st->dfd = -1;
	return r;
}

/* Every record, into @lf (list, find, a dry run). */
static void store_load(const struct store *st, struct lease_file *lf)
{
	char **names;
	size_t n = store_names(st, REC_PFX, &names);

	for (size_t i = 0; i < n && lf->n < LEASE_MAX; i++) {
		lf->v = rec_room(lf->v, lf->n, &lf->cap);
		if (rec_get(st, names[i] + strlen(REC_PFX), &lf->v[lf->n]) == 0)
			lf->n++;
	}
	free_names(names, n);
	lf->v = rec_room(lf->v, lf->n, &lf->cap);
}

/*
 * Records whose namespaces are gone give their addresses back; those that
 * ask for masquerade stay, for lease_reap().  O(records): only when the
 * range is full.
 */
static void store_validate(struct store *st)
{
	char **names;
	size_t n = store_names(st, REC_PFX, &names);
	struct lease_rec l;

	for (size_t i = 0; i < n; i++) {
		const char *id = names[i] + strlen(REC_PFX);

		if (rec_get(st, id, &l) < 0 || owner_alive(&l.o))
			continue;
		if (l.has_addr)
			idx_del(st, l.addr, id);
		if (!l.nat)
			rec_del(st, id);
	}
	free_names(names, n);
}

/* The next free address after the hint, from @lo to @hi (0: the subnet's). */
static int store_next_free(struct store *st, const struct cu_inet *gw, uint32_t lo,
			   uint32_t hi, struct in_addr *out, struct cu_error *e)
{
	uint32_t host = ntohl(gw->addr.v4.s_addr), a;
	struct lease_rec l;
	char id[ID_LEN];
	int r = lease_bounds(gw, &lo, &hi, e);

	if (r < 0)
		return r;
	for (int pass = 0; lo <= hi && pass < 2; pass++) {
		a = st->hint >= lo && st->hint < hi ? st->hint + 1 : lo;
		for (uint32_t n = 0; n <= hi - lo; n++) {
			struct in_addr in = { .s_addr = htonl(a) };

			if (a != host && !idx_get(st, in, &l, id, sizeof(id))) {
				*out = in;
				st->hint = a;
				st->state_dirty = true;
				return 0;
			}
			a = a == hi ? lo : a + 1;
		}
		store_validate(st);	/* full: only now are the holders looked at */
	}
	return cu_error_set(e, 0, _("no free address left on the bridge's subnet /%u (reclaim with disconnect, or use a larger subnet)"),
			    gw->prefix);
}

static int store_take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
		      const struct cu_inet *want, uint32_t lo, uint32_t hi,
		      struct lease_rec *rec, struct cu_inet *got, struct cu_error *e)
{
	struct store st;
	struct lease_rec l;
	char id[ID_LEN], a[INET_ADDRSTRLEN];
	int r = store_open(&st, key, true, e);

	if (r < 0)
		return r;
	if (st.count >= LEASE_MAX)
		store_validate(&st);	/* full: only now do the vanished ones go */
	if (st.count >= LEASE_MAX) {
		r = cu_error_set(e, ENOSPC, _("too many leases in %s"), key);
		goto out;
	}
	rec->has_addr = mode != LEASE_NONE;
	if (mode == LEASE_WANT) {
		if (idx_get(&st, want->addr.v4, &l, id, sizeof(id)) &&
		    !same_owner(&l.o, &rec->o)) {
			inet_ntop(AF_INET, &want->addr.v4, a, sizeof(a));
			if (owner_alive(&l.o)) {
				r = cu_error_set(e, 0, _("address %1$s is already leased to network namespace %2$s (choose another, or use --addr auto)"),
						 a, l.o.path);
				goto out;
			}
			if (!l.nat)	/* gone: its address is free */
				rec_del(&st, id);
		}
		rec->addr = want->addr.v4;
	} else if (mode == LEASE_AUTO) {
		r = store_next_free(&st, gw, lo, hi, &rec->addr, e);
	}
	if (r < 0)
		goto out;
	lease_got(mode, want, gw, rec->addr, got);
	rec_id(&rec->o, rec->host, id, sizeof(id));
	r = rec_put(&st, rec);
	if (r == 0 && rec->has_addr)
		r = idx_put(&st, rec->addr, id);
	if (r == 0 && rec->nat)
		r = nat_join(&st, rec, id, NULL);
	if (r < 0) {
		if (rec->has_addr)
			idx_del(&st, rec->addr, id);
		rec_del(&st, id);
		r = cu_error_set(e, -r, _("cannot write lease file"));
	}
out:
	return store_close(&st, r < 0 ? NULL : e) ?: r;
}

static int store_update(const char *key, const char *host, const struct lease_rec *rec,
			struct cu_error *e)
{
	struct store st;
	struct lease_rec old;
	char oid[ID_LEN], id[ID_LEN];
	int r = store_open(&st, key, false, e);

	if (r < 0)
		return r;
	rec_id(&rec->o, host, oid, sizeof(oid));
	rec_id(&rec->o, rec->host, id, sizeof(id));
	if (st.dfd < 0 || rec_get(&st, oid, &old) < 0) {
		r = cu_error_set(e, ENOENT, _("the record of %1$s is gone from lease file %2$s"),
				 host, key);
		goto out;
	}
	r = rec_put(&st, rec);
	if (r == 0 && rec->has_addr && (!streq(oid, id) || !old.has_addr ||
					 old.addr.s_addr != rec->addr.s_addr))
		r = idx_put(&st, rec->addr, id);
	if (r == 0 && old.has_addr && (!rec->has_addr || old.addr.s_addr != rec->addr.s_addr))
		idx_del(&st, old.addr, oid);
	if (r == 0 && rec->nat)
		r = nat_join(&st, rec, id, oid);
	if (r == 0 && !streq(oid, id))
		rec_del(&st, oid);
	if (r < 0) {
		/* back as it was: the old record under its old name, its address */
		if (rec->has_addr)
			idx_del(&st, rec->addr, id);
		if (streq(oid, id))
			ignore_result(rec_put(&st, &old));	/* best effort: r is said */
		else
			rec_del(&st, id);
		if (old.has_addr)
			ignore_result(idx_put(&st, old.addr, oid));
		r = cu_error_set(e, -r, _("cannot write lease file"));
	}
out:
	return store_close(&st, r < 0 ? NULL : e) ?: r;
}

/* list and find read every record: O(records), as they always did. */
static int store_read_all(const char *key, struct lease_file *lf, struct cu_error *e)
{
	struct store st;
	int r = store_open_as(&st, key, false, false, e);

	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	if (r < 0)
		return r;
	if (st.oldfd >= 0) {
		/* not converted by a reader: only a writer does that */
		lf->fd = st.oldfd;
		if (lseek(lf->fd, 0, SEEK_SET) < 0 || lf_read(lf, e) < 0)
			r = cu_error_set(e, errno, _("cannot read lease file"));
		close(st.oldfd);
		lf->fd = -1;
		if (r < 0)
			return r;
	}
	if (st.dfd >= 0)
		store_load(&st, lf);
	lf_validate(lf);
	store_close(&st, NULL);
	return 0;
}

static int store_release(const char *key, const struct lease_owner *o, const char *host,
			 lease_release_fn fn, void *data, struct cu_error *e)
{
	struct store st;
	struct lease_rec rec, w;
	struct nat_grp *g = NULL;
	bool shared = false;
	char id[ID_LEN];
	int r = store_open(&st, key, false, e);

	if (r < 0)
		return r;
	rec_id(o, host, id, sizeof(id));
	if (st.dfd < 0 || rec_get(&st, id, &rec) < 0 || !owner_alive(&rec.o)) {
		/* none; or its namespace is gone: the record is lease_reap()'s */
		store_close(&st, NULL);
		return 0;
	}
	if (rec.nat && (g = nat_find(&st, &rec))) {
		if (!streq(g->id, id) && rec_get(&st, g->id, &w) == 0 && in_grp(&w, g) &&
		    owner_alive(&w.o))
			shared = true;
		else
			shared = nat_scan(&st, g, id, SCAN_KEEP);
	}
	/* under the lock: no connect can start sharing the entry meanwhile */
	if (fn && (r = fn(&rec, shared, data)) < 0) {
		store_close(&st, NULL);	/* the record stays */
		return r;
	}
	if (rec.has_addr) {
		idx_del(&st, rec.addr, id);
		if (st.hint == ntohl(rec.addr.s_addr)) {
			st.hint--;	/* the last one given is the next again */
			st.state_dirty = true;
		}
	}
	rec_del(&st, id);
	if (g && !shared) {
		(void) nat_scan(&st, g, id, SCAN_DROP);	/* the gone ones go too */
		nat_drop_grp(&st, g);
	}
	r = store_close(&st, e);
	return r < 0 ? r : 1;
}

/*
 * Per masquerade entry: its witness is looked at (a stat(2)); only when it
 * is gone are the entry's records read, for another live one.  An entry
 * none asks for any more goes (@fn), and its records with it.
 */
static int store_reap(const char *key, lease_release_fn fn, void *data,
		      struct cu_error *e)
{
	struct store st;
	struct lease_rec w;
	int r = store_open(&st, key, false, e), r2 = 0;

	if (r < 0 && st.unsafe)
		return 0;	/* best effort: lease_take() says why */
	if (r < 0 || st.dfd < 0)
		return r;
	nat_load(&st);
	for (size_t i = 0; i < st.ngrp && r2 == 0; ) {
		struct nat_grp *g = &st.grp[i];

		if ((rec_get(&st, g->id, &w) == 0 && in_grp(&w, g) && owner_alive(&w.o)) ||
		    nat_scan(&st, g, NULL, SCAN_DROP_SHARED)) {
			i++;
			continue;
		}
		memset(&w, 0, sizeof(w));
		w.nat = true;
		w.net = g->net;
		snprintf(w.out, sizeof(w.out), "%s", g->out);
		if ((r2 = fn(&w, false, data)) < 0)
			break;	/* kept for the next try */
		(void) nat_scan(&st, g, NULL, SCAN_DROP);
		nat_drop_grp(&st, g);
	}
	r = store_close(&st, e);
	return r2 ?: r;
}

int lease_take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
	       const struct cu_inet *want, struct lease_rec *rec,
	       struct cu_inet *got, struct cu_error *e)
{
	if (explain_dry_run())
		return mem_lease_take(key, gw, mode, want, rec, got, e);
	return store_take(key, gw, mode, want, 0, 0, rec, got, e);
}

int lease_take_range(const char *key, const struct cu_inet *gw,
		     struct in_addr first, struct in_addr last,
		     struct lease_rec *rec, struct cu_inet *got, struct cu_error *e)
{
	if (explain_dry_run())
		return mem_lease_take_range(key, gw, first, last, rec, got, e);
	return store_take(key, gw, LEASE_AUTO, gw, ntohl(first.s_addr),
			  ntohl(last.s_addr), rec, got, e);
}

int lease_update(const char *key, const char *host, const struct lease_rec *rec,
		 struct cu_error *e)
{
	if (explain_dry_run())
		return mem_lease_update(key, host, rec, e);
	return store_update(key, host, rec, e);
}

int lease_release(const char *key, const struct lease_owner *o, const char *host,
		  lease_release_fn fn, void *data, struct cu_error *e)
{
	if (explain_dry_run())
		return mem_lease_release(key, o, host, fn, data, e);
	return store_release(key, o, host, fn, data, e);
}

int lease_reap(const char *key, lease_release_fn fn, void *data,
	       struct cu_error *e)
{
	if (explain_dry_run())
		return mem_lease_reap(key, fn, data, e);
	return store_reap(key, fn, data, e);
}

int lease_forget(const char *key, struct cu_error *e)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	if (explain_dry_run()) {
		if (lstat(path, &st) == 0)
			explain_dry_step(EXPLAIN_PRIV_FILE, _("the bridge's records go with it"),
					 "unlink(\"%s\")", path);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 0 : cu_error_set(e, errno, _("cannot open lease file %s"), path);
	/* under the lock, so no connect is halfway through this store */
	if (flock(fd, LOCK_EX) < 0)
		r = -errno;
	else
		r = remove_tree(path);
	close(fd);
	return r < 0 ? cu_error_set(e, r, _("cannot remove lease file %s"), path) : 0;
}

/*
 * Dry run: the records are read (a plan needs the addresses held and the
 * connections recorded) and never written: each write-back is narrated
 * with the privilege it needs and kept in memory, so that a later step of
 * the same plan reads what an earlier one would have written.
 */
struct dry_file {
	char key[NAME_MAX + 1];
	struct lease_rec *v, *stale;
	size_t n, nstale;
	uint32_t hint;
};

static struct dry_file *dry_files;
static size_t dry_nfiles;

static struct dry_file *dry_file(const char *key, bool add)
{
	for (size_t i = 0; i < dry_nfiles; i++)
		if (streq(dry_files[i].key, key))
			return &dry_files[i];
	if (!add)
		return NULL;
	dry_files = xrealloc(dry_files, (dry_nfiles + 1) * sizeof(*dry_files));
	memset(&dry_files[dry_nfiles], 0, sizeof(*dry_files));
	snprintf(dry_files[dry_nfiles].key, sizeof(dry_files[dry_nfiles].key), "%s", key);
	return &dry_files[dry_nfiles++];
}

static int lf_open_dry(struct lease_file *lf, const char *key, bool create,
		       bool validate, struct cu_error *e)
{
	const struct dry_file *df = dry_file(key, false);
	char path[PATH_MAX];
	struct stat st;
	int r = 0;

	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	lf->dry = true;
	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	if (df) {
		lf->v = xcalloc(LEASE_MAX, sizeof(*lf->v));
		lf->stale = xcalloc(LEASE_MAX, sizeof(*lf->stale));
		lf->cap = lf->scap = LEASE_MAX;
		if (df->n)	/* an empty plan's arrays may be NULL */
			memcpy(lf->v, df->v, df->n * sizeof(*lf->v));
		if (df->nstale)
			memcpy(lf->stale, df->stale, df->nstale * sizeof(*lf->stale));
		lf->n = df->n;
		lf->nstale = df->nstale;
		lf->hint = df->hint;
	} else {
		lf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (lf->fd < 0 && errno != ENOENT)
			return cu_error_set(e, errno, _("cannot open lease file %s"), path);
		if (lf->fd < 0 && !create)
			return 0;
		if (lf->fd < 0) {	/* a new file: made by the write-back */
			if (stat(LEASE_DIR, &st) < 0)
				explain_dry_step(EXPLAIN_PRIV_FILE, NULL, "mkdir(\"%s\", 0755)", LEASE_DIR);
			lf->v = xcalloc(LEASE_MAX, sizeof(*lf->v));
			lf->stale = xcalloc(LEASE_MAX, sizeof(*lf->stale));
			lf->cap = lf->scap = LEASE_MAX;
		} else if (fstat(lf->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			struct store s = { .dfd = lf->fd };

			store_load(&s, lf);	/* read without the lock: a plan */
			state_read(&s);
			lf->hint = s.hint;
			close(lf->fd);
			lf->fd = -1;
		} else {
			r = lf_read(lf, e);
			close(lf->fd);
			lf->fd = -1;
			if (r < 0)
				return r;
		}
	}
	if (validate)
		lf_validate(lf);
	return 0;
}

static int lf_close_dry(struct lease_file *lf, const char *key, bool write_back)
{
	char path[PATH_MAX], line[LINE_MAX_LEN], shown[2 * LINE_MAX_LEN];
	struct dry_file *df;
	size_t o = 0;
	int n;

	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	if (write_back && lf->v) {
		df = dry_file(key, true);
		free(df->v);
		free(df->stale);
		df->v = lf->v;
		df->stale = lf->stale;
		df->n = lf->n;
		df->nstale = lf->nstale;
		df->hint = lf->hint;
		lf->v = lf->stale = NULL;
		if (df->n + df->nstale == 0) {
			explain_dry_step(EXPLAIN_PRIV_FILE, _("no record left: the lease file goes"),
					 "unlink(\"%s\")", path);
		} else {
			/* the newest record (a connect's own) in its own file */
			const struct lease_rec *first = df->n ? &df->v[df->n - 1] : &df->stale[df->nstale - 1];
			char id[ID_LEN];

			rec_id(&first->o, first->host, id, sizeof(id));
			snprintf(path, sizeof(path), "%s/%s/%s%s", LEASE_DIR, key, REC_PFX, id);
			n = format_line(first, line, sizeof(line));
			for (int i = 0; n > 0 && i < n && o + 3 < sizeof(shown); i++) {
				if (line[i] == '\n')
					shown[o++] = '\\', shown[o++] = 'n';
				else
					shown[o++] = line[i];
			}
			shown[o] = '\0';
			explain_dry_step(EXPLAIN_PRIV_FILE, _("connect's records, read back by disconnect"),
					 "write %s \u2190 \"%s\"%s", path, shown,
					 df->n + df->nstale > 1 ? " \u2026" : "");
		}
	}
	free(lf->v);
	free(lf->stale);
	lf->v = lf->stale = NULL;
	return 0;
}

int lease_record_parse(char *line, struct lease_rec *l)
{
	return parse_line(line, l);
}

int lease_record_format(const struct lease_rec *l, char *buf, size_t len)
{
	return format_line(l, buf, len);
}
