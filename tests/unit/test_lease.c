// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lease.c - the lease store (common/net-lease.c): addresses from the
 * hint on and the last one given back, records found by name, the index
 * believed only when its record holds the address, masquerade entries
 * shared until their last live record, a previous-format file converted.
 * A record's owner is any file (device and inode): files of a scratch dir.
 * Needs root (the store is under /run); skipped otherwise.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net-lease.h"
#include "unit.h"

static char dir[] = "/tmp/cu-unit-lease.XXXXXX", key[64], store[PATH_MAX];
static struct cu_inet gw;

static void owner(struct lease_rec *r, int i, bool nat)
{
	char path[PATH_MAX];
	struct cu_error e = { 0 };
	int fd;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/ns%d", dir, i);
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && lease_owner_init(&r->o, fd, path, &e) == 0);
	close(fd);
	snprintf(r->host, sizeof(r->host), "vu%d", i);
	snprintf(r->ifname, sizeof(r->ifname), "eth0");
	r->nat = nat;
	if (nat)
		CHECK(parse_cidr("10.77.0.0/24", &r->net) == 0);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static bool take_is(struct lease_rec *r, const char *want)
{
	struct cu_error e = { 0 };
	struct cu_inet got;
	char a[INET_ADDRSTRLEN];

	if (lease_take(key, &gw, LEASE_AUTO, NULL, r, &got, &e) < 0) {
		printf("# take: %s\n", e.msg);
		return false;
	}
	inet_ntop(AF_INET, &got.addr.v4, a, sizeof(a));
	return streq(a, want);
}

static int calls, shared_calls;
static int note(const struct lease_rec *d, bool shared, void *data)
{
	(void) d; (void) data;
	calls++;
	shared_calls += shared;
	return 0;
}

static void test_auto(void)
{
	struct lease_rec r[4];
	struct cu_error e = { 0 };

	for (int i = 0; i < 4; i++)
		owner(&r[i], i, false);
	CHECK(take_is(&r[0], "10.77.0.2"));
	CHECK(take_is(&r[1], "10.77.0.3"));
	CHECK(take_is(&r[2], "10.77.0.4"));
	/* the last one given comes back to the next */
	CHECK(lease_release(key, &r[2].o, r[2].host, NULL, NULL, &e) == 1);
	CHECK(lease_release(key, &r[2].o, r[2].host, NULL, NULL, &e) == 0);
	CHECK(take_is(&r[2], "10.77.0.4"));
	/* one before it does not: the next after the hint */
	CHECK(lease_release(key, &r[1].o, r[1].host, NULL, NULL, &e) == 1);
	CHECK(take_is(&r[3], "10.77.0.5"));
	for (int i = 0; i < 4; i++)
		ignore_result(lease_release(key, &r[i].o, r[i].host, NULL, NULL, &e));
	CHECK_MSG(access(store, F_OK) != 0, "the store goes with its last record");
}

static void test_update_and_index(void)
{
	struct lease_rec r, s, *recs;
	struct cu_error e = { 0 };
	struct cu_inet want = { .family = AF_INET, .prefix = 24 }, got;
	char path[PATH_MAX + 32], text[128];
	size_t n;

	owner(&r, 10, false);
	owner(&s, 11, false);
	CHECK(take_is(&r, "10.77.0.2"));
	/* the host end renamed: the record follows, by its new name only */
	snprintf(r.host, sizeof(r.host), "vu10b");
	r.host_index = 7;
	CHECK(lease_update(key, "vu10", &r, &e) == 0);
	CHECK(lease_list(key, &recs, &n, &e) == 0 && n == 1 &&
	      streq(recs[0].host, "vu10b") && recs[0].host_index == 7);
	free(recs);
	CHECK(lease_update(key, "vu10", &r, &e) < 0);
	/* an index entry that is not a record's name, or names one that does not hold it */
	snprintf(path, sizeof(path), "%s/a.10.77.0.9", store);
	put(path, "../../../etc/passwd\n");
	CHECK(inet_pton(AF_INET, "10.77.0.9", &want.addr.v4) == 1);
	CHECK(lease_take(key, &gw, LEASE_WANT, &want, &s, &got, &e) == 0);
	CHECK(lease_release(key, &s.o, s.host, NULL, NULL, &e) == 1);
	snprintf(path, sizeof(path), "%s/a.10.77.0.9", store);
	snprintf(text, sizeof(text), "%ju.%ju.vu10b\n", (uintmax_t) r.o.dev, (uintmax_t) r.o.ino);
	put(path, text);
	CHECK(lease_take(key, &gw, LEASE_WANT, &want, &s, &got, &e) == 0);
	/* the true holder is refused */
	CHECK(inet_pton(AF_INET, "10.77.0.2", &want.addr.v4) == 1);
	snprintf(s.host, sizeof(s.host), "vu11b");
	CHECK(lease_take(key, &gw, LEASE_WANT, &want, &s, &got, &e) < 0 &&
	      strstr(e.msg, "already leased") != NULL);
	CHECK(lease_release(key, &s.o, "vu11", NULL, NULL, &e) == 1);
	CHECK(lease_release(key, &r.o, r.host, NULL, NULL, &e) == 1);
	CHECK(access(store, F_OK) != 0);
}

static void test_nat(void)
{
	struct lease_rec r[3];
	struct cu_error e = { 0 };
	char path[PATH_MAX];

	for (int i = 0; i < 3; i++)
		owner(&r[i], 20 + i, true);
	CHECK(take_is(&r[0], "10.77.0.2"));
	CHECK(take_is(&r[1], "10.77.0.3"));
	CHECK(take_is(&r[2], "10.77.0.4"));
	/*
	 * r[1]'s namespace goes (before this process first asks about it: an
	 * owner seen alive is not asked about again by the same process)
	 */
	snprintf(path, sizeof(path), "%s/ns21", dir);
	CHECK(unlink(path) == 0);
	calls = shared_calls = 0;
	CHECK(lease_release(key, &r[0].o, r[0].host, note, NULL, &e) == 1);
	CHECK(calls == 1 && shared_calls == 1);
	/* reap leaves the entry: r[2] asks for it */
	calls = 0;
	CHECK(lease_reap(key, note, NULL, &e) == 0 && calls == 0);
	/* the last live one: not shared, and the gone one goes with it */
	calls = shared_calls = 0;
	CHECK(lease_release(key, &r[2].o, r[2].host, note, NULL, &e) == 1);
	CHECK(calls == 1 && shared_calls == 0);
	CHECK_MSG(access(store, F_OK) != 0, "no record left");
}

static void test_convert(void)
{
	struct lease_rec r, s, *recs;
	struct cu_error e = { 0 };
	struct stat st;
	char text[PATH_MAX + 160];
	size_t n;

	owner(&r, 30, false);
	owner(&s, 31, false);
	CHECK(mkdir("/run/container-utils", 0755) == 0 || errno == EEXIST);
	CHECK(mkdir(LEASE_DIR, 0755) == 0 || errno == EEXIST);
	snprintf(text, sizeof(text),
		 "addr=10.77.0.2 dev=%ju ino=%ju host=vu30 hostidx=3 if=eth0 nat=0 net= out= path=%s\n"
		 "an older line\n", (uintmax_t) r.o.dev, (uintmax_t) r.o.ino, r.o.path);
	put(store, text);
	/* a reader reads it as it is; the first writer converts it */
	CHECK(lease_list(key, &recs, &n, &e) == 0 && n == 1);
	free(recs);
	recs = NULL;
	CHECK(stat(store, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(take_is(&s, "10.77.0.3"));
	CHECK(stat(store, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(lease_list(key, &recs, &n, &e) == 0 && n == 2);
	free(recs);
	recs = NULL;
	CHECK(lease_release(key, &r.o, "vu30", NULL, NULL, &e) == 1);
	CHECK(lease_forget(key, &e) == 0);
	CHECK(access(store, F_OK) != 0);
}

int main(void)
{
	if (geteuid() != 0) {
		unit_skip("lease store", "needs root (/run/container-utils)");
		return unit_done();
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(key, sizeof(key), "cu-unit-lease%d@0", (int) getpid());
	snprintf(store, sizeof(store), "%s/%s", LEASE_DIR, key);
	gw.family = AF_INET;
	gw.prefix = 24;
	CHECK(inet_pton(AF_INET, "10.77.0.1", &gw.addr.v4) == 1);
	test_auto();
	test_update_and_index();
	test_nat();
	test_convert();
	{
		struct cu_error e = { 0 };
		char cmd[PATH_MAX + 16];

		ignore_result(lease_forget(key, &e));
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return unit_done();
}
