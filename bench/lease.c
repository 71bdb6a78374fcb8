// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease.c - the lease store's own CPU per CNI ADD, apart from the kernel:
 * what vethctl's ADD asks of common/net-lease.c (lease_reap, then
 * lease_take_range, then lease_update with the host end's index), N times
 * on one store, then the DELs (lease_release, lease_reap).  The
 * "namespaces" are N files of a scratch directory (a record's owner is
 * any file, by device and inode).  Prints the median CPU time (user+sys of
 * this process) per ADD of the first 100 and the last 100, and per DEL.
 *   lease N [nat]
 * Built and run by bench/lease.sh against a build's libcommon.a.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net-lease.h"

static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, size_t n)
{
	double *c = malloc(n * sizeof(*c)), m;

	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_d);
	m = c[n / 2];
	free(c);
	return m;
}

static int no_nat(const struct lease_rec *d, bool shared, void *data)
{
	(void) d; (void) shared; (void) data;
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
	bool nat = argc > 2 && strcmp(argv[2], "nat") == 0;
	char dir[] = "/tmp/cu-lease-bench.XXXXXX", key[64], path[PATH_MAX];
	struct cu_inet gw = { .family = AF_INET, .prefix = 16 };
	struct lease_rec *recs;
	double *add, *del;
	struct in_addr first = { 0 }, last = { 0 };
	struct cu_error e = { 0 };
	struct cu_inet got;

	if (n < 200 || !mkdtemp(dir))
		return 2;
	recs = xcalloc(n, sizeof(*recs));
	add = xcalloc(n, sizeof(*add));
	del = xcalloc(n, sizeof(*del));
	inet_pton(AF_INET, "10.201.0.1", &gw.addr.v4);
	snprintf(key, sizeof(key), "cubench%d@1", (int) getpid());
	for (size_t i = 0; i < n; i++) {
		struct lease_rec *r = &recs[i];
		int fd;

		snprintf(path, sizeof(path), "%s/ns%zu", dir, i);
		fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0 || lease_owner_init(&r->o, fd, path, &e) < 0)
			return 2;
		close(fd);
		snprintf(r->host, sizeof(r->host), "vb%u", (unsigned int) i % 1000000U);
		snprintf(r->ifname, sizeof(r->ifname), "eth0");
		r->nat = nat;
		if (nat)
			if (parse_cidr("10.201.0.0/16", &r->net) < 0)
				return 2;
	}
	for (size_t i = 0; i < n; i++) {
		double t = cpu_us();

		if (lease_reap(key, no_nat, NULL, &e) < 0 ||
		    lease_take_range(key, &gw, first, last, &recs[i], &got, &e) < 0)
			goto fail;
		recs[i].host_index = 1000 + (int) i;
		if (lease_update(key, recs[i].host, &recs[i], &e) < 0)
			goto fail;
		add[i] = cpu_us() - t;
	}
	for (size_t i = 0; i < n; i++) {
		double t = cpu_us();

		if (lease_release(key, &recs[i].o, recs[i].host, no_nat, NULL, &e) < 0 ||
		    lease_reap(key, no_nat, NULL, &e) < 0)
			goto fail;
		del[i] = cpu_us() - t;
	}
	printf("%zu%s: per ADD, median µs CPU: 1-100 %.0f, %zu-%zu %.0f (×%.2f); per DEL: %zu-%zu %.0f, last 100 %.0f\n",
	       n, nat ? " nat" : "", median(add, 100), n - 99, n, median(add + n - 100, 100),
	       median(add + n - 100, 100) / median(add, 100), (size_t) 1, (size_t) 100,
	       median(del, 100), median(del + n - 100, 100));
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/ns%zu", dir, i);
		unlink(path);
	}
	rmdir(dir);
	return 0;
fail:
	fprintf(stderr, "lease: %s\n", e.msg);
	return 1;
}
