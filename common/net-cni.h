/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-cni.h - the network configuration of a CNI call (CNI specification 1.0
 * and 1.1), as vethctl's CNI mode understands it, read with Jansson.
 *
 * The keys are the reference "bridge" plugin's that map to what "vethctl
 * connect" does (bridge, isGateway, isDefaultGateway, ipMasq, mtu,
 * hairpinMode) and an "ipam" section with host-local's keys (subnet or one
 * IPv4 range, rangeStart, rangeEnd, gateway, routes), served by vethctl's
 * lease allocator.  Any other key is refused with the specification's code
 * 2 naming it, so a configuration never means more than what is done.
 *
 * Here, apart from bin/vethctl-cni.c, so that the parser is fuzzed
 * (tests/fuzz/fuzz_cni.c links common/ only).
 */
#ifndef CU_CNI_H
#define CU_CNI_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "strutils.h"

/* The specification's error codes (section 5, "Error"). */
enum {
	CNI_ERR_VERSION = 1,		/* incompatible CNI version */
	CNI_ERR_FIELD = 2,		/* unsupported field */
	CNI_ERR_UNKNOWN = 3,		/* container unknown */
	CNI_ERR_ENV = 4,		/* invalid environment variables */
	CNI_ERR_IO = 5,			/* I/O failure */
	CNI_ERR_DECODE = 6,		/* cannot decode the content */
	CNI_ERR_CONFIG = 7,		/* invalid network configuration */
	CNI_ERR_AGAIN = 11,		/* try again later */
	CNI_ERR_UNAVAILABLE = 50,	/* STATUS: cannot serve ADD */
	CNI_ERR_INTERNAL = 999,		/* anything else (libcni's ErrInternal) */
};

/* An error to report: a code and one line naming the value and the fix. */
struct cni_error {
	int code;
	char msg[512];
};

int cni_error_set(struct cni_error *e, int code, const char *fmt, ...) __printf(3, 4);

/* The versions spoken, oldest first; the last is the newest. */
extern const char *const cni_versions[];
extern const size_t cni_nversions;
bool cni_version_known(const char *v);
/* Is @v older than 1.0.0 (results carry "version" in "ips")? */
bool cni_version_pre1(const char *v);

#define CNI_MAX_ROUTES	32
#define CNI_NAME_MAX	128
#define CNI_DEFAULT_BRIDGE	"cni0"		/* as the reference plugin */
#define CNI_DEFAULT_SUBNET	"10.201.0.0/16"	/* ipam "vethctl" without subnet */

struct cni_route {
	struct cu_inet dst;
	struct cu_inet gw;
	bool has_gw;
};

struct cni_conf {
	json_t *root;			/* the parsed document (cni_conf_free) */
	char version[16];		/* cniVersion */
	char name[CNI_NAME_MAX + 1];	/* network name */
	char bridge[IF_NAMESIZE];
	bool is_gw, is_default_gw, ipmasq, hairpin;
	uint32_t mtu;			/* 0: the kernel's default */

	bool has_ipam;			/* no ipam: a layer 2 attachment */
	struct cu_inet subnet;		/* network address, prefix */
	struct cu_inet gateway;		/* with the subnet's prefix */
	struct in_addr range_start, range_end;
	struct cni_route routes[CNI_MAX_ROUTES];
	size_t nroutes;

	json_t *prev_result;		/* borrowed from root, or NULL */
	json_t *valid_attachments;	/* GC: borrowed from root, or NULL */
};

/*
 * Parse and check a configuration of @len bytes.  0, or -1 with @e set
 * (code 6 for what is not JSON, 1 for a version not spoken, 2 for a key
 * not supported, 7 for a value out of range).  @version_only: only
 * cniVersion is needed (VERSION, STATUS).
 */
int cni_conf_parse(const char *buf, size_t len, bool version_only,
		   struct cni_conf *conf, struct cni_error *e);
void cni_conf_free(struct cni_conf *conf);

/* Is @id a container ID as the specification allows it? */
bool cni_valid_container_id(const char *id);

/* The error object for @e (as a new JSON string; free()). */
char *cni_error_json(const char *version, const struct cni_error *e);

#endif /* CU_CNI_H */
