// SPDX-License-Identifier: GPL-2.0-or-later
/* caps.c - capability names through libcap-ng, drop/add/keep before exec */
#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c.h"
#include "caps.h"
#include "dlsym.h"
#include "explain.h"

/*
 * libcap-ng is loaded only when capabilities are named or changed: its
 * constructor reads /proc and probes the kernel, which every run of nsrun
 * would otherwise pay for.
 */
static __typeof__(capng_capability_to_name) *dl_capng_capability_to_name;
static __typeof__(capng_name_to_capability) *dl_capng_name_to_capability;
static __typeof__(capng_get_caps_process) *dl_capng_get_caps_process;
static __typeof__(capng_have_capability) *dl_capng_have_capability;
static __typeof__(capng_update) *dl_capng_update;
static __typeof__(capng_apply) *dl_capng_apply;

static const struct dl_symbol capng_symbols[] = {
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_capability_to_name)
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_name_to_capability)
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_get_caps_process)
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_have_capability)
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_update)
	DL_SYMBOL_LINKED(CU_LINK_CAPNG, capng_apply)
};

#define CAPNG_SONAME	"libcap-ng.so.0"
DL_NOTE_UNLESS(CU_LINK_CAPNG, "capabilities", "capability names and changes (--cap-*, --keep-caps)",
	       DL_PRIORITY_RECOMMENDED, CAPNG_SONAME);

static struct dl_library capng_library = {
	.soname = CAPNG_SONAME,
	.symbols = capng_symbols,
	.nsymbols = ARRAY_SIZE(capng_symbols),
};

#define capng_capability_to_name (*dl_capng_capability_to_name)
#define capng_name_to_capability (*dl_capng_name_to_capability)
#define capng_get_caps_process (*dl_capng_get_caps_process)
#define capng_have_capability (*dl_capng_have_capability)
#define capng_update (*dl_capng_update)
#define capng_apply (*dl_capng_apply)

int caps_lib_load(struct cu_error *e)
{
	return dl_library_load(&capng_library, e);
}

/* Load libcap-ng or exit: for the parsers, which run before anything changed. */
static void caps_lib_need(void)
{
	struct cu_error e = { 0 };

	if (caps_lib_load(&e) < 0)
		cu_error_die(&e);
}

void caps_all(struct caps_set *set)
{
	unsigned c;

	/* every capability libcap-ng has a name for (it asks the kernel) */
	caps_lib_need();
	set->mask = 0;
	for (c = 0; c < 64 && capng_capability_to_name(c); c++)
		set->mask |= (uint64_t) 1 << c;
}

static int caps_by_name(const char *name)
{
	caps_lib_need();
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	return capng_name_to_capability(name);
}

int caps_parse(const char *list, struct caps_set *set, char *bad, size_t badlen)
{
	const char *p = list;

	if (!list || !*list)
		return -EINVAL;
	while (*p) {
		size_t len = strcspn(p, ",");
		char name[64];
		int c;

		if (len == 0 || len >= sizeof(name))
			goto invalid;
		memcpy(name, p, len);
		name[len] = '\0';
		if (strcasecmp(name, "all") == 0) {
			struct caps_set all;

			caps_all(&all);
			set->mask |= all.mask;
		} else if ((c = caps_by_name(name)) >= 0 && c < 64) {
			set->mask |= (uint64_t) 1 << c;
		} else {
			goto invalid;
		}
		p += len;
		if (*p == ',' && *++p == '\0')
			goto invalid;
	}
	return 0;
invalid:
	snprintf(bad, badlen, "%.*s", (int) strcspn(p, ","), p);
	return -EINVAL;
}

bool caps_have(unsigned cap)
{
	/* one capget(2): no need to load libcap-ng to read one bit */
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

	if (cap >= 32 * _LINUX_CAPABILITY_U32S_3 || syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

bool caps_plan_empty(const struct caps_plan *p)
{
	return !p->drop.mask && !p->add.mask && !p->keep;
}

static void update_all(capng_act_t act, capng_type_t type, uint64_t mask)
{
	unsigned c;

	for (c = 0; c < 64; c++)
		if (mask & ((uint64_t) 1 << c))
			/* fails only for a number the kernel lacks: nothing to do */
			(void) capng_update(act, type, c);
}

static uint64_t permitted_mask(void)
{
	uint64_t m = 0;
	unsigned c;

	for (c = 0; c < 64 && capng_capability_to_name(c); c++)
		if (capng_have_capability(CAPNG_PERMITTED, c))
			m |= (uint64_t) 1 << c;
	return m;
}

/*
 * Narrate what capng_apply(CAPNG_SELECT_ALL) asks of the kernel, as the raw
 * calls of confine.c are: the capabilities dropped from the bounding set,
 * the ambient ones raised, then capset(2) of the three other sets.
 */
static const char *caps_upper(unsigned c, char *buf, size_t len)
{
	const char *name = capng_capability_to_name(c);
	size_t i;

	for (i = 0; name && name[i] && i + 1 < len; i++)
		buf[i] = (char) (name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	buf[name ? i : 0] = '\0';
	return buf;
}

static void explain_capng(uint64_t ambient, long r)
{
	struct explain_step s;
	char list[512] = "", up[32];
	size_t off = 0;
	unsigned c;

	(void) explain_step_begin(&s, EXPLAIN_PRIV_NONE,
				  _("libcap-ng: the effective, permitted and inheritable sets"),
				  "capset({version=_LINUX_CAPABILITY_VERSION_3, pid=%d}, {\u2026})",
				  (int) getpid());
	(void) explain_step_end(&s, r);
	if (r < 0)
		return;
	for (c = 0; c < 64 && off < sizeof(list); c++)
		if ((ambient >> c) & 1)
			off += (size_t) snprintf(list + off, sizeof(list) - off, "%sCAP_%s",
						 off ? "," : "", caps_upper(c, up, sizeof(up)));
	/* one line for the several prctl(PR_CAP_AMBIENT) calls of the library */
	explain_note(N_("libcap-ng: the ambient set emptied, then raised: %s (prctl PR_CAP_AMBIENT; capsh --addamb)"),
		     *list ? list : "-");
}

/* The capabilities of @drop still in our bounding set (libcap-ng drops those). */
static uint64_t in_bounding(uint64_t drop)
{
	uint64_t m = 0;
	unsigned c;

	for (c = 0; c < 64; c++)
		if (((drop >> c) & 1) && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
		    !explain_capbset_planned(c))
			m |= (uint64_t) 1 << c;
	return m;
}

int caps_apply(const struct caps_plan *p, struct cu_error *e)
{
	uint64_t ambient;
	int r;

	if (caps_plan_empty(p))
		return 0;
	if (caps_lib_load(e) < 0)
		return -ENOENT;
	if (capng_get_caps_process() < 0)
		return cu_error_set(e, errno ? errno : EIO, _("cannot read capabilities"));
	update_all(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE,
		   p->add.mask);
	ambient = p->add.mask | (p->keep ? permitted_mask() : 0);
	update_all(CAPNG_ADD, CAPNG_INHERITABLE, ambient);
	update_all(CAPNG_ADD, CAPNG_AMBIENT, ambient & ~p->drop.mask);
	update_all(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
		   CAPNG_BOUNDING_SET | CAPNG_AMBIENT, p->drop.mask);
	/*
	 * Narrated: the bounding set dropped here, call by call, as the library
	 * would first; its capset and ambient calls told after it made them.
	 */
	if (explain_on()) {
		uint64_t bound = in_bounding(p->drop.mask);
		unsigned c;

		for (c = 0; c < 64; c++)
			if (((bound >> c) & 1) && ex_capbset_drop(c) < 0)
				return cu_error_set(e, errno,
						    _("cannot set capabilities (only capabilities we hold can be added)"));
	}
	r = explain_dry_run() ? 0 : capng_apply(CAPNG_SELECT_ALL);
	if (explain_on())
		explain_capng(ambient & ~p->drop.mask, r < 0 ? -1 : 0);
	if (r < 0)
		return cu_error_set(e, errno ? errno : EPERM,
				    _("cannot set capabilities (only capabilities we hold can be added)"));
	return 0;
}
