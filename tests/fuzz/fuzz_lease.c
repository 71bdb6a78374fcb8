// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lease.c - the lease store's parsers: a record line (parse, format,
 * parse again: the same record) and a record's name as an index entry
 * holds it (never a '/', and built again into itself).
 */
#include <errno.h>
#include <string.h>

#include "c.h"
#include "net-lease.h"
#include "fuzz.h"

static void same(const struct lease_rec *a, const struct lease_rec *b)
{
	FUZZ_ASSERT(a->o.dev == b->o.dev && a->o.ino == b->o.ino);
	FUZZ_ASSERT(streq(a->o.path, b->o.path));
	FUZZ_ASSERT(a->has_addr == b->has_addr);
	FUZZ_ASSERT(!a->has_addr || a->addr.s_addr == b->addr.s_addr);
	FUZZ_ASSERT(a->host_index == b->host_index);
	FUZZ_ASSERT(streq(a->host, b->host) && streq(a->ifname, b->ifname));
	FUZZ_ASSERT(a->nat == b->nat && streq(a->out, b->out));
	FUZZ_ASSERT(a->net.family == b->net.family && a->net.prefix == b->net.prefix);
	FUZZ_ASSERT(a->net.family != AF_INET ||
		    a->net.addr.v4.s_addr == b->net.addr.v4.s_addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), line[1024], id[64], again[64];
	struct lease_rec a, b;
	int n;

	if (lease_id_parse(s, id, sizeof(id)) == 0) {
		FUZZ_ASSERT(!strchr(id, '/'));
		FUZZ_ASSERT(lease_id_parse(id, again, sizeof(again)) == 0);
		FUZZ_ASSERT(streq(id, again));
	}
	if (lease_record_parse(s, &a) == 0) {
		FUZZ_ASSERT(!strchr(a.host, '/') && a.host[0]);
		n = lease_record_format(&a, line, sizeof(line));
		FUZZ_ASSERT(n > 0 && (size_t) n < sizeof(line));
		FUZZ_ASSERT(lease_record_parse(line, &b) == 0);
		same(&a, &b);
	}
	free(s);
	return 0;
}
