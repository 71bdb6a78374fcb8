// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup-limits.c - one limit syntax, translated to cgroup v1 or v2 files, and applied */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "c.h"
#include "cgroup-limits.h"
#include "strutils.h"

/* The largest quota accepted: 1000 CPUs. */
#define CGL_CPU_MAX_QUOTA_US	(1000ULL * CGL_CPU_PERIOD_US)

static bool is_max(const char *s)
{
	return strcasecmp(s, "max") == 0 || strcasecmp(s, "infinity") == 0 ||
	       strcasecmp(s, "none") == 0 || streq(s, "-1");
}

int cglimits_parse_cpu(const char *s, uint64_t *quota_us)
{
	uint64_t v;
	size_t len;
	int r;

	if (!s || !*s)
		return -EINVAL;
	if (is_max(s)) {
		*quota_us = CGL_MAX;
		return 0;
	}
	len = strlen(s);
	/* both forms in millionths of one CPU: 20% -> 200000, 1.5 -> 1500000 */
	if (s[len - 1] == '%')
		r = parse_percent(s, &v);
	else
		r = parse_decimal(s, 6, &v);
	if (r < 0)
		return r;
	v /= 1000000ULL / CGL_CPU_PERIOD_US;
	if (v > CGL_CPU_MAX_QUOTA_US)
		return -ERANGE;
	*quota_us = v;
	return 0;
}

int cglimits_parse_weight(const char *s, uint64_t *w)
{
	uint64_t v;
	int r = parse_u64(s, &v);

	if (r < 0)
		return r;
	if (v < 1 || v > 10000)
		return -ERANGE;
	*w = v;
	return 0;
}

/* One "N" or "N-M" element of a CPU list; *p moves past it. */
static int scan_cpu_range(const char **p)
{
	uint64_t a = 0, b;

	if (!isdigit((unsigned char) **p))
		return -EINVAL;
	while (isdigit((unsigned char) **p))
		a = a * 10 + (uint64_t) (*(*p)++ - '0');
	if (**p != '-')
		return a > 8192 ? -ERANGE : 0;
	(*p)++;
	if (!isdigit((unsigned char) **p))
		return -EINVAL;
	b = 0;
	while (isdigit((unsigned char) **p))
		b = b * 10 + (uint64_t) (*(*p)++ - '0');
	if (b < a)
		return -EINVAL;
	return b > 8192 ? -ERANGE : 0;
}

int cglimits_parse_cpuset(const char *s)
{
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		int r = scan_cpu_range(&p);

		if (r < 0)
			return r;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

/* "MAJ:MIN" or a block device path into @rule. */
static int parse_device(const char *dev, struct cgl_io_rule *rule)
{
	struct stat st;
	uint32_t maj, min;
	const char *colon;

	if (*dev == '/') {
		if (stat(dev, &st) < 0)
			return -errno;
		if (!S_ISBLK(st.st_mode))
			return -ENOTBLK;
		rule->major = major(st.st_rdev);
		rule->minor = minor(st.st_rdev);
		return 0;
	}
	colon = strchr(dev, ':');
	if (!colon || colon == dev)
		return -EINVAL;
	{
		char buf[16];

		if ((size_t) (colon - dev) >= sizeof(buf))
			return -ERANGE;
		memcpy(buf, dev, (size_t) (colon - dev));
		buf[colon - dev] = '\0';
		if (parse_u32(buf, &maj) < 0 || parse_u32(colon + 1, &min) < 0)
			return -EINVAL;
	}
	if (maj > 4095 || min > 1048575)
		return -ERANGE;
	rule->major = maj;
	rule->minor = min;
	return 0;
}

int cglimits_parse_io(const char *s, struct cgl_io_rule *rule)
{
	_cleanup_free_ char *dev = NULL;
	const char *colon;
	int r;

	if (!s || !*s)
		return -EINVAL;
	colon = strrchr(s, ':');
	if (!colon || colon == s || colon[1] == '\0')
		return -EINVAL;
	if (is_max(colon + 1))
		rule->rate = CGL_MAX;
	else {
		r = parse_size(colon + 1, &rule->rate);
		if (r < 0)
			return r;
		if (rule->rate == 0)
			return -ERANGE;
	}
	dev = xstrndup(s, (size_t) (colon - s));
	return parse_device(dev, rule);
}

int cglimits_parse_raw(const char *s, struct cgl_raw *raw)
{
	const char *eq, *dot;

	if (!s)
		return -EINVAL;
	eq = strchr(s, '=');
	if (!eq || eq == s)
		return -EINVAL;
	dot = memchr(s, '.', (size_t) (eq - s));
	/*
	 * a file name in the group's directory: "ctrl.file", nothing else; the
	 * value may have several lines, written one at a time (libcgroup's)
	 */
	if (!dot || dot == s || dot + 1 == eq ||
	    memchr(s, '/', (size_t) (eq - s)) || memchr(s, '\n', (size_t) (eq - s)))
		return -EINVAL;
	raw->key = xstrndup(s, (size_t) (eq - s));
	raw->value = xstrdup(eq + 1);
	return 0;
}

int cglimits_raw_controller(const char *key, char *buf, size_t len)
{
	size_t n = strcspn(key, ".");

	if (n == 0 || key[n] != '.' || n >= len)
		return -EINVAL;
	memcpy(buf, key, n);
	buf[n] = '\0';
	return 0;
}

int cglimits_add_io(struct cglimits *l, const struct cgl_io_rule *rule)
{
	l->io = xrealloc(l->io, (l->nio + 1) * sizeof(*l->io));
	l->io[l->nio++] = *rule;
	return 0;
}

int cglimits_add_raw(struct cglimits *l, const struct cgl_raw *raw)
{
	l->raw = xrealloc(l->raw, (l->nraw + 1) * sizeof(*l->raw));
	l->raw[l->nraw++] = *raw;
	return 0;
}

bool cglimits_needs(const struct cglimits *l, enum cgl_controller c)
{
	switch (c) {
	case CGL_CPU:
		return l->has_cpu || l->has_cpu_weight;
	case CGL_CPUSET:
		return l->cpuset != NULL;
	case CGL_MEMORY:
		return l->has_memory || l->has_swap;
	case CGL_PIDS:
		return l->has_pids;
	case CGL_IO:
		return l->nio > 0 || l->has_io_weight;
	case CGL_NCONTROLLERS:
		break;
	}
	return false;
}

bool cglimits_empty(const struct cglimits *l)
{
	int c;

	for (c = 0; c < CGL_NCONTROLLERS; c++)
		if (cglimits_needs(l, (enum cgl_controller) c))
			return false;
	return l->nraw == 0;
}

const char *cglimits_controller_name(enum cgl_controller c, int version)
{
	static const char *const names[CGL_NCONTROLLERS] = {
		[CGL_CPU] = "cpu", [CGL_CPUSET] = "cpuset",
		[CGL_MEMORY] = "memory", [CGL_PIDS] = "pids", [CGL_IO] = "io",
	};

	if (c == CGL_IO && version == 1)
		return "blkio";
	return (unsigned) c < CGL_NCONTROLLERS ? names[c] : NULL;
}

/* A growing list of writes. */
struct wlist {
	struct cgl_write *w;
	size_t n;
};

static void wadd(struct wlist *wl, const char *ctrl, const char *file,
		 const char *fmt, ...) __printf(4, 5);

static void wadd(struct wlist *wl, const char *ctrl, const char *file,
		 const char *fmt, ...)
{
	struct cgl_write *w;
	va_list ap;

	wl->w = xrealloc(wl->w, (wl->n + 1) * sizeof(*wl->w));
	w = &wl->w[wl->n++];
	memset(w, 0, sizeof(*w));
	snprintf(w->controller, sizeof(w->controller), "%s", ctrl);
	snprintf(w->file, sizeof(w->file), "%s", file);
	va_start(ap, fmt);
	/* the values formatted here are short numbers and lists */
	(void) vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
}

/* A number, or the word each version uses for "unlimited". */
static const char *num_or_max(uint64_t v, int version, char *buf, size_t len)
{
	if (v == CGL_MAX)
		return version == 1 ? "-1" : "max";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static int add_cpu(struct wlist *wl, const struct cglimits *l, int v, struct cu_error *e)
{
	char b[32];

	if (l->has_cpu && l->cpu_quota_us != CGL_MAX &&
	    l->cpu_quota_us < CGL_CPU_MIN_QUOTA_US)
		return cu_error_set(e, 0, _("CPU quota below 1 ms per 100 ms period: %llu µs (the kernel's minimum is 1 ms: use --cpu 1%% or more)"),
				    (unsigned long long) l->cpu_quota_us);
	if (l->has_cpu && v == 1) {
		wadd(wl, "cpu", "cpu.cfs_period_us", "%llu", CGL_CPU_PERIOD_US);
		/* a new v1 group starts at 100 ms, whatever its parent has */
		wl->w[wl->n - 1].fresh_default = true;
		wadd(wl, "cpu", "cpu.cfs_quota_us", "%s",
		     num_or_max(l->cpu_quota_us, 1, b, sizeof(b)));
	} else if (l->has_cpu) {
		wadd(wl, "cpu", "cpu.max", "%s %llu",
		     num_or_max(l->cpu_quota_us, 2, b, sizeof(b)), CGL_CPU_PERIOD_US);
	}
	/* systemd's linear mapping: weight 100 <-> 1024 shares */
	if (l->has_cpu_weight && v == 1)
		wadd(wl, "cpu", "cpu.shares", "%" PRIu64,
		     l->cpu_weight * 1024 / 100 < 2 ? 2 : l->cpu_weight * 1024 / 100);
	else if (l->has_cpu_weight)
		wadd(wl, "cpu", "cpu.weight", "%" PRIu64, l->cpu_weight);
	return 0;
}

static int add_memory(struct wlist *wl, const struct cglimits *l, int v, struct cu_error *e)
{
	char b[32];

	if (v == 2) {
		if (l->has_memory)
			wadd(wl, "memory", "memory.max", "%s",
			     num_or_max(l->memory, 2, b, sizeof(b)));
		if (l->has_swap)
			wadd(wl, "memory", "memory.swap.max", "%s",
			     num_or_max(l->swap, 2, b, sizeof(b)));
		return 0;
	}
	if (l->has_swap && !l->has_memory)
		return cu_error_set(e, 0, _("--memory-swap needs --memory on cgroup v1 (memory.memsw.limit_in_bytes counts memory plus swap)"));
	/*
	 * memsw must never be below the memory limit: lift it first, set the
	 * memory limit, then bring memsw down to memory + swap.
	 */
	if (l->has_swap)
		wadd(wl, "memory", "memory.memsw.limit_in_bytes", "-1");
	if (l->has_memory)
		wadd(wl, "memory", "memory.limit_in_bytes", "%s",
		     num_or_max(l->memory, 1, b, sizeof(b)));
	if (l->has_swap && l->memory != CGL_MAX && l->swap != CGL_MAX)
		wadd(wl, "memory", "memory.memsw.limit_in_bytes", "%" PRIu64, l->memory + l->swap);
	return 0;
}

static void add_io(struct wlist *wl, const struct cglimits *l, int v)
{
	size_t i;

	for (i = 0; i < l->nio; i++) {
		const struct cgl_io_rule *r = &l->io[i];
		char b[32];

		if (v == 1)
			/* v1: a rate of 0 removes the rule */
			wadd(wl, "blkio", r->is_write ? "blkio.throttle.write_bps_device" :
			     "blkio.throttle.read_bps_device", "%u:%u %s", r->major, r->minor,
			     r->rate == CGL_MAX ? "0" : num_or_max(r->rate, 1, b, sizeof(b)));
		else
			wadd(wl, "io", "io.max", "%u:%u %s=%s", r->major, r->minor,
			     r->is_write ? "wbps" : "rbps", num_or_max(r->rate, 2, b, sizeof(b)));
	}
	if (l->has_io_weight && v == 1)
		/* BFQ's v1 weight is 1..1000 with the same default of 100 */
		wadd(wl, "blkio", "blkio.bfq.weight", "%" PRIu64,
		     l->io_weight > 1000 ? 1000 : l->io_weight);
	else if (l->has_io_weight)
		wadd(wl, "io", "io.weight", "default %" PRIu64, l->io_weight);
}

int cglimits_translate(const struct cglimits *l,
		       const int version[CGL_NCONTROLLERS],
		       struct cgl_write **out, size_t *n, struct cu_error *e)
{
	struct wlist wl = { NULL, 0 };
	char b[32];
	int r;

	if (l->cpuset)
		wadd(&wl, "cpuset", "cpuset.cpus", "%s", l->cpuset);
	r = add_cpu(&wl, l, version[CGL_CPU], e);
	if (r == 0)
		r = add_memory(&wl, l, version[CGL_MEMORY], e);
	if (r < 0) {
		free(wl.w);
		return r;
	}
	if (l->has_pids)
		wadd(&wl, "pids", "pids.max", "%s",
		     l->pids == CGL_MAX ? "max" : num_or_max(l->pids, 2, b, sizeof(b)));
	add_io(&wl, l, version[CGL_IO]);
	*out = wl.w;
	*n = wl.n;
	return 0;
}

void cglimits_free(struct cglimits *l)
{
	size_t i;

	for (i = 0; i < l->nraw; i++) {
		free(l->raw[i].key);
		free(l->raw[i].value);
	}
	free(l->raw);
	free(l->io);
	free(l->cpuset);
	memset(l, 0, sizeof(*l));
}

/* --- the plan, applied all or nothing ------------------------------------- */

static void plan_add_v2_ctrl(struct cgroup_plan *p, const char *ctrl)
{
	struct cgroup_hier tmp = { .controllers = p->v2_ctrls };

	if (streq(ctrl, "cgroup") || cgroup_hier_has(&tmp, ctrl))
		return;
	if (strlen(p->v2_ctrls) + strlen(ctrl) + 2 < sizeof(p->v2_ctrls))
		snprintf(p->v2_ctrls + strlen(p->v2_ctrls),
			 sizeof(p->v2_ctrls) - strlen(p->v2_ctrls), "%s%s",
			 *p->v2_ctrls ? " " : "", ctrl);
}

static int plan_route(struct cgroup_plan *p, const struct cgroup_map *m, size_t i,
		      struct cu_error *e)
{
	const char *ctrl = p->w[i].controller;
	int h = cgroup_hier_of(m, ctrl);

	if (h < 0)
		return cu_error_set(e, 0, _("cannot set %1$s: no cgroup hierarchy on this host has the %2$s controller (mount it, or use another limit)"),
				    p->w[i].file, ctrl);
	p->hier[i] = h;
	p->mask |= 1U << h;
	if (m->h[h].version == 2)
		plan_add_v2_ctrl(p, ctrl);
	return 0;
}

static int plan_add_raw(struct cgroup_plan *p, const struct cgl_raw *raw,
			struct cu_error *e)
{
	struct cgl_write *w;

	p->w = xrealloc(p->w, (p->n + 1) * sizeof(*p->w));
	w = &p->w[p->n++];
	memset(w, 0, sizeof(*w));
	if (cglimits_raw_controller(raw->key, w->controller, sizeof(w->controller)) < 0 ||
	    snprintf(w->file, sizeof(w->file), "%s", raw->key) >= (int) sizeof(w->file) ||
	    snprintf(w->value, sizeof(w->value), "%s", raw->value) >= (int) sizeof(w->value))
		return cu_error_set(e, 0, _("invalid -r value: '%1$s=%2$s' (name or value too long)"),
				    raw->key, raw->value);
	return 0;
}

/* The writes of @l, then its raw ones, for the versions @m hosts them in. */
static int plan_writes(struct cgroup_plan *p, const struct cgroup_map *m,
		       const struct cglimits *l, struct cu_error *e)
{
	int version[CGL_NCONTROLLERS], r;
	size_t i;

	for (i = 0; i < CGL_NCONTROLLERS; i++) {
		enum cgl_controller c = (enum cgl_controller) i;
		int h = cgroup_hier_of(m, cglimits_controller_name(c, 1));

		if (h < 0)
			h = cgroup_hier_of(m, cglimits_controller_name(c, 2));
		version[i] = h >= 0 ? m->h[h].version : 2;
	}
	r = cglimits_translate(l, version, &p->w, &p->n, e);
	for (i = 0; r == 0 && i < l->nraw; i++)
		r = plan_add_raw(p, &l->raw[i], e);
	return r;
}

int cgroup_plan_make(const struct cgroup_map *m, const struct cglimits *l,
		     struct cgroup_plan *p, struct cu_error *e)
{
	int base = cgroup_base_hier(m), r;
	size_t i;

	memset(p, 0, sizeof(*p));
	r = plan_writes(p, m, l, e);
	if (r < 0)
		goto fail;
	p->hier = xcalloc(p->n, sizeof(*p->hier));
	for (i = 0; i < p->n; i++) {
		if (streq(p->w[i].controller, "cgroup") && base >= 0) {
			p->hier[i] = base;
			p->mask |= 1U << base;
		} else if ((r = plan_route(p, m, i, e)) < 0)
			goto fail;
	}
	if (base >= 0)
		p->mask |= 1U << base;
	/* v1 only: cpuacct too, so show has the group's CPU time */
	if (m->v2 < 0 && cgroup_hier_of(m, "cpuacct") >= 0)
		p->mask |= 1U << cgroup_hier_of(m, "cpuacct");
	return 0;
fail:
	cgroup_plan_free(p);
	return r;
}

void cgroup_plan_free(struct cgroup_plan *p)
{
	free(p->w);
	free(p->hier);
	memset(p, 0, sizeof(*p));
}

/* Can cgroup_adopt() fail: is there a new hierarchy to move processes into? */
static bool may_adopt(const struct cgroup *g)
{
	bool made = false, had = false;
	size_t i;

	for (i = 0; i < g->map->n; i++) {
		made |= g->created[i];
		had |= g->path[i] && !g->created[i];
	}
	return made && had;
}

/*
 * The current one-line value of each file the plan writes in a hierarchy
 * the group was already in, to put back when a later write fails.
 */
static char **save_values(struct cgroup *g, const struct cgroup_plan *p)
{
	char **old = xcalloc(p->n, sizeof(*old));
	char buf[256];
	size_t i;

	for (i = 0; i < p->n; i++) {
		size_t h = (size_t) p->hier[i];

		/*
		 * the last write is undone only when adopting fails after it,
		 * or when it has several lines and a later one fails
		 */
		if (i + 1 == p->n && !may_adopt(g) && !strchr(p->w[i].value, '\n'))
			break;
		if (!g->created[h] && cgroup_read(g, h, p->w[i].file, buf, sizeof(buf)) == 0 &&
		    *buf && !strchr(buf, '\n'))
			old[i] = xstrdup(buf);
	}
	return old;
}

static void restore_values(struct cgroup *g, const struct cgroup_plan *p, char **old,
			   size_t upto)
{
	while (upto-- > 0)
		if (old[upto])
			/* best effort: the write that failed is what we report */
			ignore_result(cgroup_write(g, (size_t) p->hier[upto],
						   p->w[upto].file, old[upto], NULL));
}

static void free_values(char **old, size_t n)
{
	while (n-- > 0)
		free(old[n]);
	free(old);
}

/*
 * libcgroup's multi-line -r values (libcgroup 0.4x to 3.0; 3.1 and later
 * skip them): each line written on its own, empty lines skipped, the
 * first line the kernel refuses ends it.
 */
static int write_lines(struct cgroup *g, size_t h, const char *file, const char *value,
		       struct cu_error *e)
{
	char buf[sizeof(((struct cgl_write *) NULL)->value)], *line, *next;

	if (!strchr(value, '\n'))
		return cgroup_write(g, h, file, value, e);
	snprintf(buf, sizeof(buf), "%s", value);
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line && cgroup_write(g, h, file, line, e) < 0)
			return -1;
	}
	return 0;
}

int cgroup_plan_apply(struct cgroup *g, const struct cgroup_plan *p, struct cu_error *e)
{
	char **old;
	size_t i;
	int r;

	r = cgroup_create(g, p->mask, p->v2_ctrls, e);
	if (r < 0)
		return r;
	old = save_values(g, p);
	for (i = 0; i < p->n; i++) {
		size_t h = (size_t) p->hier[i];

		if (p->w[i].fresh_default && g->created[h] && !g->map->h[h].emulated)
			continue;	/* the new group has it already */
		r = write_lines(g, h, p->w[i].file, p->w[i].value, e);
		if (r < 0)
			goto out_restore;
	}
	r = cgroup_adopt(g, e);
	if (r < 0)
		goto out_restore;
	cgroup_commit(g);
	free_values(old, p->n);
	return 0;
out_restore:
	/* a value of several lines may have been written in part */
	restore_values(g, p, old, i < p->n && strchr(p->w[i].value, '\n') ? i + 1 : i);
	free_values(old, p->n);
	cgroup_rollback(g);
	return r;
}
