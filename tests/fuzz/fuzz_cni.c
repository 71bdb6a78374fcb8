// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cni.c - cni_conf_parse (vethctl's CNI mode) and cni_error_json */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "c.h"
#include "net-cni.h"
#include "fuzz.h"

static bool in_subnet(const struct cni_conf *c, struct in_addr a)
{
	struct cu_inet x = { .family = AF_INET, .addr.v4 = a, .prefix = 32 };

	return cidr_contains(&c->subnet, &x);
}

/* What an accepted configuration promises the plugin. */
static void check_conf(const struct cni_conf *c)
{
	FUZZ_ASSERT(cni_version_known(c->version));
	FUZZ_ASSERT(c->name[0] && strlen(c->name) <= CNI_NAME_MAX);
	FUZZ_ASSERT(!strchr(c->name, '/'));
	FUZZ_ASSERT(c->bridge[0] && strlen(c->bridge) < IF_NAMESIZE);
	FUZZ_ASSERT(!strchr(c->bridge, '/') && !streq(c->bridge, "..") && !streq(c->bridge, "."));
	FUZZ_ASSERT(c->mtu == 0 || (c->mtu >= 68 && c->mtu <= 65535));
	FUZZ_ASSERT(!c->ipmasq || c->has_ipam);
	FUZZ_ASSERT(!c->is_default_gw || c->is_gw);
	FUZZ_ASSERT(c->nroutes <= CNI_MAX_ROUTES);
	if (!c->has_ipam) {
		FUZZ_ASSERT(c->nroutes == 0);
		return;
	}
	FUZZ_ASSERT(c->subnet.family == AF_INET);
	FUZZ_ASSERT(c->subnet.prefix >= 8 && c->subnet.prefix <= 30);
	FUZZ_ASSERT(c->gateway.prefix == c->subnet.prefix);
	FUZZ_ASSERT(in_subnet(c, c->gateway.addr.v4));
	FUZZ_ASSERT(in_subnet(c, c->range_start) && in_subnet(c, c->range_end));
	FUZZ_ASSERT(ntohl(c->range_start.s_addr) <= ntohl(c->range_end.s_addr));
	for (size_t i = 0; i < c->nroutes; i++)
		FUZZ_ASSERT(c->routes[i].dst.family == AF_INET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_conf c;
	struct cni_error e = { 0 };
	int r = cni_conf_parse((const char *) data, size, size % 2 == 1 && size < 64, &c, &e);

	if (r == 0) {
		if (c.name[0])
			check_conf(&c);
	} else {
		char *s;
		json_t *o;

		/* every refusal is one of the spec's codes, with a message */
		FUZZ_ASSERT(r == -1 && e.msg[0]);
		FUZZ_ASSERT(e.code == CNI_ERR_VERSION || e.code == CNI_ERR_FIELD ||
			    e.code == CNI_ERR_DECODE || e.code == CNI_ERR_CONFIG ||
			    e.code == CNI_ERR_INTERNAL);
		/* and its error object is JSON that reads back the same */
		s = cni_error_json(c.version, &e);
		FUZZ_ASSERT(s);
		o = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
		FUZZ_ASSERT(o && json_integer_value(json_object_get(o, "code")) == e.code);
		FUZZ_ASSERT(streq(json_string_value(json_object_get(o, "msg")) ?: "", e.msg));
		json_decref(o);
		free(s);
	}
	cni_conf_free(&c);
	return 0;
}
