// SPDX-License-Identifier: GPL-2.0-or-later
/* net-cni.c - the network configuration of a CNI call, read with Jansson */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c.h"
#include "nls.h"
#include "net-cni.h"

const char *const cni_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };
const size_t cni_nversions = ARRAY_SIZE(cni_versions);

int cni_error_set(struct cni_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

bool cni_version_known(const char *v)
{
	for (size_t i = 0; i < cni_nversions; i++)
		if (streq(v, cni_versions[i]))
			return true;
	return false;
}

bool cni_version_pre1(const char *v)
{
	return v[0] == '0';
}

/* Alphanumeric first, then alphanumerics, '_', '.', '-' (the spec's rule). */
static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !isalnum((unsigned char) s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char) s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

bool cni_valid_container_id(const char *id)
{
	return valid_name(id, 256);
}

/* The value as short text for a message ("true", "42", "\"x\""). */
static void value_text(const json_t *v, char *buf, size_t len)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	snprintf(buf, len, "%s", s ? s : "?");
	if (strlen(buf) == len - 1 && len > 4)
		memcpy(buf + len - 4, "...", 4);
	free(s);
}

static int unsupported(struct cni_error *e, const char *where, const char *key,
		       const json_t *v)
{
	char text[96];

	value_text(v, text, sizeof(text));
	return cni_error_set(e, CNI_ERR_FIELD, _("unsupported field %1$s%2$s: %3$s (vethctl's CNI mode does not implement it; remove it)"),
			     where, key, text);
}

/* Keys of the reference bridge plugin vethctl does not implement: harmless when off. */
static const char *const bridge_off_keys[] = {
	"forceAddress", "promiscMode", "vlan", "vlanTrunk", "preserveDefaultVlan",
	"macspoofchk", "enabledad", "disableContainerInterface", "portIsolation",
};

static bool is_off(const json_t *v)
{
	return json_is_null(v) || json_is_false(v) ||
	       (json_is_integer(v) && json_integer_value(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static int get_bool(const json_t *v, const char *key, bool *out, struct cni_error *e)
{
	if (!json_is_boolean(v))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"%s\" must be true or false"), key);
	*out = json_is_true(v);
	return 0;
}

static int get_str(const json_t *v, const char *key, const char **out, struct cni_error *e)
{
	const char *s = json_string_value(v);

	if (!s)
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"%s\" must be a string"), key);
	*out = s;
	return 0;
}

static int get_v4(const json_t *v, const char *key, bool cidr, struct cu_inet *out,
		  struct cni_error *e)
{
	const char *s = NULL;

	if (get_str(v, key, &s, e) < 0)
		return -1;
	if ((cidr ? parse_cidr(s, out) : parse_inet_addr(s, out)) < 0)
		return cni_error_set(e, CNI_ERR_CONFIG, cidr ?
				     _("invalid network configuration: \"%1$s\": %2$s is not an address/prefix (e.g. 10.201.0.0/16)") :
				     _("invalid network configuration: \"%1$s\": %2$s is not an IP address"),
				     key, s);
	if (out->family != AF_INET)
		return cni_error_set(e, CNI_ERR_FIELD, _("unsupported field \"%1$s\": %2$s (vethctl leases IPv4 addresses only; use an IPv4 subnet)"),
				     key, s);
	return 0;
}

static uint32_t host_order(const struct cu_inet *a)
{
	return ntohl(a->addr.v4.s_addr);
}

static int parse_routes(const json_t *arr, struct cni_conf *c, struct cni_error *e)
{
	size_t i;
	json_t *r;

	if (!json_is_array(arr))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipam.routes\" must be an array of {\"dst\", \"gw\"}"));
	if (json_array_size(arr) > CNI_MAX_ROUTES)
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: more than %d routes in \"ipam.routes\""),
				     CNI_MAX_ROUTES);
	json_array_foreach(arr, i, r) {
		struct cni_route *rt = &c->routes[c->nroutes];
		const char *key;
		json_t *v;

		if (!json_is_object(r))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipam.routes\" must be an array of {\"dst\", \"gw\"}"));
		memset(rt, 0, sizeof(*rt));
		json_object_foreach(r, key, v) {
			if (streq(key, "dst")) {
				if (get_v4(v, "ipam.routes.dst", true, &rt->dst, e) < 0)
					return -1;
			} else if (streq(key, "gw")) {
				if (get_v4(v, "ipam.routes.gw", false, &rt->gw, e) < 0)
					return -1;
				rt->has_gw = true;
			} else {
				return unsupported(e, "ipam.routes.", key, v);
			}
		}
		if (rt->dst.family != AF_INET)
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: a route in \"ipam.routes\" has no \"dst\""));
		cidr_network(&rt->dst, &rt->dst);
		c->nroutes++;
	}
	return 0;
}

/* One range of host-local ("subnet", "rangeStart", "rangeEnd", "gateway"). */
static int parse_range(const json_t *o, bool in_ipam, struct cni_conf *c,
		       bool *has_start, bool *has_end, bool *has_gw,
		       struct cni_error *e)
{
	struct cu_inet a;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *) o, key, v) {
		if (in_ipam && (streq(key, "type") || streq(key, "routes") ||
				streq(key, "dataDir")))
			continue;	/* read by parse_ipam() */
		if (streq(key, "subnet")) {
			if (get_v4(v, "subnet", true, &c->subnet, e) < 0)
				return -1;
		} else if (streq(key, "rangeStart")) {
			if (get_v4(v, "rangeStart", false, &a, e) < 0)
				return -1;
			c->range_start = a.addr.v4;
			*has_start = true;
		} else if (streq(key, "rangeEnd")) {
			if (get_v4(v, "rangeEnd", false, &a, e) < 0)
				return -1;
			c->range_end = a.addr.v4;
			*has_end = true;
		} else if (streq(key, "gateway")) {
			if (get_v4(v, "gateway", false, &c->gateway, e) < 0)
				return -1;
			*has_gw = true;
		} else {
			return unsupported(e, "ipam.", key, v);
		}
	}
	return 0;
}

/* host-local's "ranges": one range set of one IPv4 range is what leases serve. */
static int parse_ranges(const json_t *v, struct cni_conf *c, bool *has_start,
			bool *has_end, bool *has_gw, struct cni_error *e)
{
	const json_t *set;

	if (!json_is_array(v) || json_array_size(v) != 1 ||
	    !json_is_array(set = json_array_get(v, 0)) || json_array_size(set) != 1 ||
	    !json_is_object(json_array_get(set, 0)))
		return cni_error_set(e, CNI_ERR_FIELD, _("unsupported field \"ipam.ranges\": vethctl serves one IPv4 range (give [[{\"subnet\": ...}]], or \"subnet\")"));
	return parse_range(json_array_get(set, 0), false, c, has_start, has_end, has_gw, e);
}

static int check_in_subnet(const struct cni_conf *c, const char *key,
			   struct in_addr a, bool host_only, struct cni_error *e)
{
	struct cu_inet x = { .family = AF_INET, .addr.v4 = a, .prefix = 32 };
	uint32_t mask = ~0U >> c->subnet.prefix, h = ntohl(a.s_addr) & mask;
	char text[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN + 4];

	if (cidr_contains(&c->subnet, &x) && (!host_only || (h != 0 && h != mask)))
		return 0;
	inet_ntop(AF_INET, &a, text, sizeof(text));
	if (format_inet(&c->subnet, true, net, sizeof(net)) < 0)
		net[0] = '\0';
	return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"%1$s\" %2$s is not a host address of subnet %3$s (use one inside it)"),
			     key, text, net);
}

static int parse_ipam(const json_t *ipam, struct cni_conf *c, struct cni_error *e)
{
	bool has_start = false, has_end = false, has_gw = false, has_ranges = false;
	const char *key, *type = NULL;
	json_t *v;
	uint32_t net, last;

	if (!json_is_object(ipam))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipam\" must be an object"));
	json_object_foreach((json_t *) ipam, key, v) {
		if (streq(key, "type")) {
			if (get_str(v, "ipam.type", &type, e) < 0)
				return -1;
		} else if (streq(key, "routes")) {
			if (parse_routes(v, c, e) < 0)
				return -1;
		} else if (streq(key, "ranges")) {
			if (parse_ranges(v, c, &has_start, &has_end, &has_gw, e) < 0)
				return -1;
			has_ranges = true;
		} else if (streq(key, "dataDir")) {
			const char *s = NULL;

			/* host-local's store: the leases live in LEASE_DIR */
			if (get_str(v, "ipam.dataDir", &s, e) < 0)
				return -1;
		} else if (streq(key, "subnet") || streq(key, "rangeStart") ||
			   streq(key, "rangeEnd") || streq(key, "gateway")) {
			continue;	/* below, with the object as a range */
		} else {
			return unsupported(e, "ipam.", key, v);
		}
	}
	if (!type)
		return 0;	/* "ipam": {} is a layer 2 attachment */
	if (!streq(type, "host-local") && !streq(type, "vethctl"))
		return cni_error_set(e, CNI_ERR_FIELD, _("unsupported field \"ipam.type\": \"%s\" (vethctl serves \"host-local\" and \"vethctl\" from its own leases)"),
				     type);
	if (has_ranges && (json_object_get(ipam, "subnet") || json_object_get(ipam, "rangeStart") ||
			   json_object_get(ipam, "rangeEnd") || json_object_get(ipam, "gateway")))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: give \"ipam.ranges\" or \"ipam.subnet\", not both"));
	if (!has_ranges && parse_range(ipam, true, c, &has_start, &has_end, &has_gw, e) < 0)
		return -1;
	c->has_ipam = true;
	if (c->subnet.family != AF_INET) {
		if (!streq(type, "vethctl"))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipam\" has no \"subnet\" (give one, e.g. \"10.201.0.0/16\")"));
		if (parse_cidr(CNI_DEFAULT_SUBNET, &c->subnet) < 0)
			return cni_error_set(e, CNI_ERR_INTERNAL, "%s", CNI_DEFAULT_SUBNET);
	}
	if (c->subnet.prefix < 8 || c->subnet.prefix > 30) {
		char s[INET_ADDRSTRLEN + 4];

		if (format_inet(&c->subnet, true, s, sizeof(s)) < 0)
			s[0] = '\0';
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: subnet %s must be a /8 to /30 (vethctl's leases)"), s);
	}
	cidr_network(&c->subnet, &c->subnet);
	net = host_order(&c->subnet);
	last = net | (~0U >> c->subnet.prefix);
	if (!has_gw) {
		c->gateway = c->subnet;
		c->gateway.addr.v4.s_addr = htonl(net + 1);
	}
	c->gateway.prefix = c->subnet.prefix;
	if (check_in_subnet(c, "gateway", c->gateway.addr.v4, true, e) < 0)
		return -1;
	if (!has_start)
		c->range_start.s_addr = htonl(net + 1);
	if (!has_end)
		c->range_end.s_addr = htonl(last - 1);
	if (check_in_subnet(c, "rangeStart", c->range_start, true, e) < 0 ||
	    check_in_subnet(c, "rangeEnd", c->range_end, true, e) < 0)
		return -1;
	if (ntohl(c->range_start.s_addr) > ntohl(c->range_end.s_addr))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: rangeStart is after rangeEnd (swap them)"));
	return 0;
}

static int parse_top(const char *key, json_t *v, struct cni_conf *c, struct cni_error *e)
{
	const char *s = NULL;
	json_int_t mtu;

	if (streq(key, "cniVersion") || streq(key, "name") || streq(key, "type"))
		return 0;	/* read first */
	if (streq(key, "bridge")) {
		if (get_str(v, key, &s, e) < 0 || !s)
			return -1;
		if (!*s || strlen(s) >= IF_NAMESIZE || strpbrk(s, "/: \t\n") || streq(s, ".") || streq(s, ".."))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"bridge\": \"%s\" is not an interface name (1 to 15 characters, no '/', ':' or space)"),
					     s);
		snprintf(c->bridge, sizeof(c->bridge), "%s", s);
		return 0;
	}
	if (streq(key, "isGateway"))
		return get_bool(v, key, &c->is_gw, e);
	if (streq(key, "isDefaultGateway"))
		return get_bool(v, key, &c->is_default_gw, e);
	if (streq(key, "ipMasq"))
		return get_bool(v, key, &c->ipmasq, e);
	if (streq(key, "hairpinMode"))
		return get_bool(v, key, &c->hairpin, e);
	if (streq(key, "mtu")) {
		if (!json_is_integer(v) || (mtu = json_integer_value(v)) < 0 || mtu > 65535 ||
		    (mtu > 0 && mtu < 68))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"mtu\" must be 0 or 68 to 65535"));
		c->mtu = (uint32_t) mtu;
		return 0;
	}
	if (streq(key, "ipam"))
		return parse_ipam(v, c, e);
	if (streq(key, "prevResult")) {
		if (!json_is_object(v))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"prevResult\" must be an object"));
		c->prev_result = v;
		return 0;
	}
	if (streq(key, "cni.dev/valid-attachments")) {
		if (!json_is_array(v))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"cni.dev/valid-attachments\" must be an array"));
		c->valid_attachments = v;
		return 0;
	}
	/* what every plugin may be given, and vethctl does not use */
	if (streq(key, "args") || streq(key, "runtimeConfig") ||
	    streq(key, "capabilities") || streq(key, "dns")) {
		if (!json_is_object(v))
			return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"%s\" must be an object"), key);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(bridge_off_keys); i++)
		if (streq(key, bridge_off_keys[i]) && is_off(v))
			return 0;
	return unsupported(e, "", key, v);
}

int cni_conf_parse(const char *buf, size_t len, bool version_only,
		   struct cni_conf *c, struct cni_error *e)
{
	json_error_t jerr;
	const char *key, *s;
	json_t *v;

	memset(c, 0, sizeof(*c));
	snprintf(c->version, sizeof(c->version), "%s", cni_versions[cni_nversions - 1]);
	snprintf(c->bridge, sizeof(c->bridge), "%s", CNI_DEFAULT_BRIDGE);
	c->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root)
		return cni_error_set(e, CNI_ERR_DECODE, _("cannot decode the network configuration: %1$s (line %2$d, column %3$d)"),
				     jerr.text, jerr.line, jerr.column);
	if (!json_is_object(c->root))
		return cni_error_set(e, CNI_ERR_DECODE, _("cannot decode the network configuration: it is not a JSON object"));
	v = json_object_get(c->root, "cniVersion");
	if (!v || !json_is_string(v))
		return cni_error_set(e, CNI_ERR_DECODE, _("invalid network configuration: no \"cniVersion\" string (e.g. \"1.0.0\")"));
	s = json_string_value(v);
	if (strlen(s) < sizeof(c->version))	/* whole: no UTF-8 sequence cut */
		snprintf(c->version, sizeof(c->version), "%s", s);	/* VERSION echoes it */
	if (!cni_version_known(s))
		return cni_error_set(e, CNI_ERR_VERSION, _("incompatible CNI version \"%1$.15s\" (vethctl speaks 0.3.0 to %2$s)"),
				     s, cni_versions[cni_nversions - 1]);
	snprintf(c->version, sizeof(c->version), "%s", s);
	if (version_only)
		return 0;
	v = json_object_get(c->root, "name");
	if (!v || !json_is_string(v) || !valid_name(json_string_value(v), CNI_NAME_MAX))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"name\" must be a string of letters, digits, '_', '.' and '-', starting with a letter or digit"));
	snprintf(c->name, sizeof(c->name), "%s", json_string_value(v));
	v = json_object_get(c->root, "type");
	if (!v || !json_is_string(v))
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: no \"type\" string"));
	json_object_foreach(c->root, key, v)
		if (parse_top(key, v, c, e) < 0)
			return -1;
	if (c->is_default_gw)
		c->is_gw = true;	/* as the reference plugin */
	if (c->ipmasq && !c->has_ipam)
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipMasq\" needs an \"ipam\" subnet to masquerade"));
	if (c->nroutes && !c->has_ipam)
		return cni_error_set(e, CNI_ERR_CONFIG, _("invalid network configuration: \"ipam.routes\" without an \"ipam\" type"));
	return 0;
}

void cni_conf_free(struct cni_conf *c)
{
	if (c->root)
		json_decref(c->root);
	c->root = NULL;
	c->prev_result = NULL;
	c->valid_attachments = NULL;
}

char *cni_error_json(const char *version, const struct cni_error *e)
{
	json_t *o = json_pack("{s:s, s:i, s:s}", "cniVersion", version,
			      "code", e->code, "msg", e->msg);
	char *s;

	if (!o)
		return NULL;
	s = json_dumps(o, JSON_INDENT(4) | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}
