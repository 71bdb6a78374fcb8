// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_inet.c - parse_cidr, parse_inet_addr, format_inet, cidr_* */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "c.h"
#include "strutils.h"
#include "fuzz.h"

static void round_trip(const struct cu_inet *a, bool with_prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct cu_inet b, net;

	FUZZ_ASSERT(format_inet(a, with_prefix, buf, sizeof(buf)) == 0);
	memset(&b, 0, sizeof(b));
	FUZZ_ASSERT((with_prefix ? parse_cidr(buf, &b) : parse_inet_addr(buf, &b)) == 0);
	FUZZ_ASSERT(b.family == a->family);
	FUZZ_ASSERT(memcmp(b.addr.bytes, a->addr.bytes, inet_addr_len(a)) == 0);
	if (with_prefix)
		FUZZ_ASSERT(b.prefix == a->prefix);
	/* an address is in its own network, and the network in itself */
	cidr_network(a, &net);
	FUZZ_ASSERT(cidr_contains(&net, a) && cidr_contains(a, &net));
	FUZZ_ASSERT(net.prefix == a->prefix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct cu_inet a;
	int r;

	memset(&a, 0, sizeof(a));
	r = parse_cidr(s, &a);
	FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r == 0) {
		FUZZ_ASSERT(a.family == AF_INET || a.family == AF_INET6);
		FUZZ_ASSERT(a.prefix <= (a.family == AF_INET ? 32U : 128U));
		round_trip(&a, true);
	}
	memset(&a, 0, sizeof(a));
	r = parse_inet_addr(s, &a);
	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	if (r == 0) {
		FUZZ_ASSERT(a.prefix == (a.family == AF_INET ? 32U : 128U));
		round_trip(&a, false);
	}
	free(s);
	return 0;
}
