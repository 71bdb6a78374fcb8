/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease.c - connect's records, with the --addr auto leases in them.
 *
 * One record a line, fields in this order (names hold no white space: the
 * kernel's rule, checked before a record is made; the path comes last and
 * takes the rest of the line):
 *
 *   addr=A dev=N ino=N host=NAME hostidx=N if=NAME nat=0|1 net=CIDR out=NAME path=PATH
 *
 * addr=, net= and out= may be empty.  A line of any other form (an older
 * version's) is dropped when the file is rewritten.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "c.h"
#include "explain.h"
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
	    copy_name(l->out, out, true) < 0)
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

/* Open and lock @key; @create: make it (and the directory) when missing. */
static int lf_open(struct lease_file *lf, const char *key, bool create,
		   bool validate, struct cu_error *e)
{
	char path[PATH_MAX];
	int r;

	if (explain_dry_run())
		return lf_open_dry(lf, key, create, validate, e);
	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	if (create &&
	    ((mkdir("/run/container-utils", 0755) < 0 && errno != EEXIST) ||
	     (mkdir(LEASE_DIR, 0755) < 0 && errno != EEXIST)))
		return cu_error_set(e, errno, _("cannot create %s"), LEASE_DIR);
	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	lf->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0644);
	if (lf->fd < 0) {
		if (!create && errno == ENOENT)
			return 0;
		return cu_error_set(e, errno, _("cannot open lease file %s"), path);
	}
	if (flock(lf->fd, LOCK_EX) < 0 || lseek(lf->fd, 0, SEEK_SET) < 0) {
		r = cu_error_set(e, errno, _("cannot lock lease file %s"), path);
		close(lf->fd);
		lf->fd = -1;
		return r;
	}
	r = lf_read(lf, e);
	if (r < 0) {
		close(lf->fd);
		lf->fd = -1;
	} else if (validate) {
		lf_validate(lf);
	}
	return r;
}

/* Write the records back (an empty file removes itself), then unlock. */
static int lf_close(struct lease_file *lf, const char *key, bool write_back,
		    struct cu_error *e)
{
	char line[LINE_MAX_LEN], path[PATH_MAX], *buf = NULL;
	int r = 0;
	off_t off = 0;

	if (lf->dry)
		return lf_close_dry(lf, key, write_back);
	if (lf->fd < 0)
		return 0;
	if (write_back && ftruncate(lf->fd, 0) < 0)
		r = cu_error_set(e, errno, _("cannot write lease file"));
	/* the whole file in one buffer, one write: not a write(2) per line */
	if (write_back && r == 0 && lf->n + lf->nstale > 0)
		buf = xmalloc((lf->n + lf->nstale) * LINE_MAX_LEN);
	for (size_t i = 0; buf && r == 0 && i < lf->n + lf->nstale; i++) {
		const struct lease_rec *l = i < lf->n ? &lf->v[i] : &lf->stale[i - lf->n];
		int n = format_line(l, line, sizeof(line));

		if (n < 0 || (size_t) n >= sizeof(line))
			r = cu_error_set(e, EINVAL, _("cannot write lease file"));
		else
			memcpy(buf + off, line, (size_t) n);
		off += n;
	}
	if (buf && r == 0 && pwrite(lf->fd, buf, (size_t) off, 0) != off)
		r = cu_error_set(e, errno, _("cannot write lease file"));
	free(buf);
	if (write_back && r == 0 && lf->n + lf->nstale == 0) {
		snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
		(void) unlink(path);	/* empty: nothing to keep */
	}
	close(lf->fd);
	free(lf->v);
	free(lf->stale);
	lf->fd = -1;
	return r;
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
	uint32_t host = ntohl(gw->addr.v4.s_addr);
	uint32_t mask = gw->prefix ? ~0U << (32 - gw->prefix) : 0;
	uint32_t net = host & mask, last = net | ~mask, a;

	if (gw->prefix > 30 || gw->prefix < 8)
		return cu_error_set(e, 0, _("cannot lease from a /%u subnet (give the bridge a /8 to /30)"),
				    gw->prefix);
	if (lo <= net || lo >= last)
		lo = net + 1;
	if (hi == 0 || hi >= last)
		hi = last - 1;
	a = lo <= hi ? lowest_unheld(lf, lo, hi, host) : 0;
	if (a == 0 && lo <= hi) {
		lf_validate(lf);
		a = lowest_unheld(lf, lo, hi, host);
	}
	if (a != 0) {
		out->s_addr = htonl(a);
		return 0;
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
	memset(got, 0, sizeof(*got));
	rec->has_addr = mode != LEASE_NONE;
	if (mode == LEASE_WANT) {
		r = check_want(&lf, want, &rec->o, e);
		rec->addr = want->addr.v4;
		*got = *want;
	} else if (mode == LEASE_AUTO) {
		r = next_free(&lf, gw, lo, hi, &rec->addr, e);
		got->family = AF_INET;
		got->prefix = gw->prefix;
		got->addr.v4 = rec->addr;
	}
	if (r < 0)
		goto out;
	lf.v[lf.n++] = *rec;
out:
	return lf_close(&lf, key, r == 0, r < 0 ? NULL : e) ?: r;
}

int lease_take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
	       const struct cu_inet *want, struct lease_rec *rec,
	       struct cu_inet *got, struct cu_error *e)
{
	return take(key, gw, mode, want, 0, 0, rec, got, e);
}

int lease_take_range(const char *key, const struct cu_inet *gw,
		     struct in_addr first, struct in_addr last,
		     struct lease_rec *rec, struct cu_inet *got, struct cu_error *e)
{
	return take(key, gw, LEASE_AUTO, gw, ntohl(first.s_addr),
		    ntohl(last.s_addr), rec, got, e);
}

int lease_update(const char *key, const char *host, const struct lease_rec *rec,
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
	int found = 0, r = lf_open(&lf, key, false, true, e);

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
	int r = lf_open(&lf, key, false, true, e);

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

int lease_release(const char *key, const struct lease_owner *o, const char *host,
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
int lease_reap(const char *key, lease_release_fn fn, void *data,
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

int lease_forget(const char *key, struct cu_error *e)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, key);
	if (explain_dry_run()) {
		if (lstat(path, &st) == 0)
			explain_dry_step(EXPLAIN_PRIV_FILE, _("the bridge's records go with it"),
					 "unlink(\"%s\")", path);
		return 0;
	}
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
		lf->v = lf->stale = NULL;
		if (df->n + df->nstale == 0) {
			explain_dry_step(EXPLAIN_PRIV_FILE, _("no record left: the lease file goes"),
					 "unlink(\"%s\")", path);
		} else {
			/* the first record as it would be written, the count of all */
			n = format_line(df->n ? &df->v[0] : &df->stale[0], line, sizeof(line));
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
