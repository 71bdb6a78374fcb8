// SPDX-License-Identifier: GPL-2.0-or-later
/* ns-idmap.c - parse id ranges, look up sub-ids, write uid_map/gid_map */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "ns-idmap.h"
#include "strutils.h"

static const char *const map_file[] = { "uid_map", "gid_map" };
static const char *const subid_file[] = { "/etc/subuid", "/etc/subgid" };
static const char *const helper[] = { "newuidmap", "newgidmap" };

/* Split @s at @sep into exactly three fields of at most 10 digits. */
static int split3(const char *s, char sep, uint32_t v[3])
{
	char buf[3][16];
	const char *p = s;
	int i;

	for (i = 0; i < 3; i++) {
		const char *end = i < 2 ? strchr(p, sep) : p + strlen(p);
		size_t len;
		int r;

		if (!end)
			return -EINVAL;
		len = (size_t) (end - p);
		if (len == 0 || len >= sizeof(buf[i]))
			return len ? -ERANGE : -EINVAL;
		memcpy(buf[i], p, len);
		buf[i][len] = '\0';
		r = parse_u32(buf[i], &v[i]);
		if (r < 0)
			return r;
		p = end + 1;
	}
	return 0;
}

int idmap_parse_range(const char *s, struct idmap_range *r)
{
	bool colon, comma;
	uint32_t v[3];
	int rc;

	if (!s || !*s)
		return -EINVAL;
	colon = strchr(s, ':') != NULL;
	comma = strchr(s, ',') != NULL;
	if (colon == comma)
		return -EINVAL;		/* none, or both kinds mixed */
	rc = split3(s, colon ? ':' : ',', v);
	if (rc < 0)
		return rc;
	if (v[2] == 0)
		return -EINVAL;
	/* the old comma form is OUTER,INNER,COUNT (util-linux < 2.39) */
	r->inner = colon ? v[0] : v[1];
	r->outer = colon ? v[1] : v[0];
	r->count = v[2];
	if ((uint64_t) r->inner + r->count > (uint64_t) UINT32_MAX ||
	    (uint64_t) r->outer + r->count > (uint64_t) UINT32_MAX)
		return -ERANGE;
	return 0;
}

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t) a < (uint64_t) b + blen &&
	       (uint64_t) b < (uint64_t) a + alen;
}

int idmap_add(struct idmap *m, const struct idmap_range *r)
{
	size_t i;

	if (m->nranges >= IDMAP_MAX_RANGES)
		return -E2BIG;
	if (r->count == 0 ||
	    (uint64_t) r->inner + r->count > (uint64_t) UINT32_MAX ||
	    (uint64_t) r->outer + r->count > (uint64_t) UINT32_MAX)
		return -ERANGE;
	for (i = 0; i < m->nranges; i++) {
		const struct idmap_range *o = &m->ranges[i];

		if (overlaps(o->inner, o->count, r->inner, r->count) ||
		    overlaps(o->outer, o->count, r->outer, r->count))
			return -EEXIST;
	}
	m->ranges[m->nranges++] = *r;
	return 0;
}

int idmap_parse(const char *s, struct idmap *m)
{
	struct idmap_range r;
	int rc;

	if (s && streq(s, "auto")) {
		m->want_auto = true;
		return 0;
	}
	rc = idmap_parse_range(s, &r);
	if (rc < 0)
		return rc;
	return idmap_add(m, &r);
}

/* One "name:start:count" line of /etc/subuid; true when it is @user's. */
static bool subid_line(char *line, const char *user, uint32_t id,
		       uint32_t *start, uint32_t *count)
{
	char *owner = line, *s, *c;
	uint32_t n;

	line[strcspn(line, "\n")] = '\0';
	s = strchr(line, ':');
	if (!s)
		return false;
	*s++ = '\0';
	c = strchr(s, ':');
	if (!c)
		return false;
	*c++ = '\0';
	if (!(user && streq(owner, user)) &&
	    !(parse_u32(owner, &n) == 0 && n == id))
		return false;
	/* a range must end below 2^32 - 1, which is no id ((uid_t) -1) */
	return parse_u32(s, start) == 0 && parse_u32(c, count) == 0 && *count > 0 &&
	       (uint64_t) *start + *count <= (uint64_t) UINT32_MAX;
}

int idmap_subid_lookup(const char *file, const char *user, uint32_t id,
		       uint32_t *start, uint32_t *count)
{
	_cleanup_fclose_ FILE *f = fopen(file, "r" CU_CLOEXECSTR);
	char line[512];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (subid_line(line, user, id, start, count))
			return 0;
	return -ENOENT;
}

static bool inner_used(const struct idmap *m, uint32_t inner)
{
	size_t i;

	for (i = 0; i < m->nranges; i++)
		if (overlaps(m->ranges[i].inner, m->ranges[i].count, inner, 1))
			return true;
	return false;
}

int idmap_resolve_auto(struct idmap *m, enum idmap_kind kind, const char *user,
		       uint32_t id, struct cu_error *e)
{
	struct idmap_range r;
	int rc;

	if (!m->want_auto)
		return 0;
	rc = idmap_subid_lookup(subid_file[kind], user, id, &r.outer, &r.count);
	if (rc == -ENOENT)
		return cu_error_set(e, 0, _("no range for user %1$s in %2$s (add one, e.g. usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %1$s)"),
				    user ? user : "?", subid_file[kind]);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot read %s"), subid_file[kind]);
	r.inner = inner_used(m, 0) ? 1 : 0;
	if ((uint64_t) r.inner + r.count > UINT32_MAX)
		r.count--;
	rc = idmap_add(m, &r);
	if (rc < 0)
		return cu_error_set(e, rc, _("the range from %s overlaps another mapping"),
				    subid_file[kind]);
	m->want_auto = false;
	return 0;
}

int idmap_format(const struct idmap *m, char *buf, size_t len)
{
	size_t i, off = 0;

	if (len == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	for (i = 0; i < m->nranges; i++) {
		const struct idmap_range *r = &m->ranges[i];
		int n = snprintf(buf + off, len - off, "%u %u %u\n",
				 r->inner, r->outer, r->count);

		if (n < 0 || (size_t) n >= len - off)
			return -ENOBUFS;
		off += (size_t) n;
	}
	return 0;
}

static int write_proc(pid_t pid, const char *name, const char *data,
		      struct cu_error *e)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	size_t len = strlen(data);
	/* pid < 0: a dry run's child, whose PID is not known */
	int plen = pid < 0 ? snprintf(path, sizeof(path), "/proc/PID/%s", name)
		 : pid ? snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name)
		       : snprintf(path, sizeof(path), "/proc/self/%s", name);
	ssize_t n;

	if (plen < 0 || plen >= (int) sizeof(path))
		return cu_error_set(e, ENAMETOOLONG, "/proc/%d/%s", (int) pid, name);
	fd = explain_dry_run() ? EXPLAIN_DRY_FD : open(path, O_WRONLY | O_CLOEXEC);
	if (ex_fd_failed(fd))
		return cu_error_set(e, errno, _("cannot open %s"), path);
	n = ex_write_path(fd, data, len, path);
	if (n < 0)
		return cu_error_set(e, errno, _("cannot write %s"), path);
	if ((size_t) n != len)
		return cu_error_set(e, EIO, _("cannot write %s"), path);
	return 0;
}

int idmap_write(pid_t pid, enum idmap_kind kind, const struct idmap *m,
		struct cu_error *e)
{
	char buf[IDMAP_MAX_RANGES * 34 + 1];
	int r = idmap_format(m, buf, sizeof(buf));

	if (r < 0)
		return cu_error_set(e, r, _("cannot format %s"), map_file[kind]);
	return write_proc(pid, map_file[kind], buf, e);
}

const char *const idmap_setgroups_strings[2] = {
	[SETGROUPS_DENY] = "deny",
	[SETGROUPS_ALLOW] = "allow",
};

int idmap_setgroups_parse(const char *word, enum setgroups_mode *mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(idmap_setgroups_strings); i++)
		if (streq(word, idmap_setgroups_strings[i])) {
			*mode = (enum setgroups_mode) i;
			return 0;
		}
	return -EINVAL;
}

int idmap_write_setgroups(pid_t pid, enum setgroups_mode mode, struct cu_error *e)
{
	if (mode == SETGROUPS_NONE)
		return 0;
	return write_proc(pid, "setgroups", idmap_setgroups_strings[mode], e);
}

/* argv for "newuidmap PID inner outer count ..." (strings in @nums). */
static char **helper_argv(pid_t pid, enum idmap_kind kind, const struct idmap *m,
			  char (*nums)[12])
{
	char **argv = xcalloc(m->nranges * 3 + 3, sizeof(char *));
	size_t i, k = 0, a = 0;

	argv[a++] = (char *) helper[kind];
	if (pid < 0)	/* a dry run's child */
		snprintf(nums[k], sizeof(nums[k]), "PID");
	else
		snprintf(nums[k], sizeof(nums[k]), "%d", (int) pid);
	argv[a++] = nums[k++];
	for (i = 0; i < m->nranges; i++) {
		const uint32_t v[3] = { m->ranges[i].inner, m->ranges[i].outer,
					m->ranges[i].count };
		int j;

		for (j = 0; j < 3; j++) {
			snprintf(nums[k], sizeof(nums[k]), "%u", v[j]);
			argv[a++] = nums[k++];
		}
	}
	argv[a] = NULL;
	return argv;
}

int idmap_run_helper(pid_t pid, enum idmap_kind kind, const struct idmap *m,
		     struct cu_error *e)
{
	char (*nums)[12] = xcalloc(m->nranges * 3 + 1, sizeof(*nums));
	char **argv = helper_argv(pid, kind, m, nums);
	struct explain_step s;
	char call[512] = "";
	int status, r = 0;
	pid_t child;
	size_t i, off = 0;

	for (i = 0; argv[i] && off < sizeof(call); i++)
		off += (size_t) snprintf(call + off, sizeof(call) - off, "%s%s",
					 i ? " " : "", argv[i]);
	if (!explain_step_begin(&s, EXPLAIN_PRIV_NONE,
				_("a setuid helper writes the ranges /etc/subuid and /etc/subgid grant"),
				"%s", call))
		goto out;
	child = fork();
	if (child < 0) {
		r = cu_error_set(e, errno, _("cannot fork %s"), helper[kind]);
		goto out;
	}
	if (child == 0) {
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? CU_EXIT_ENOENT : CU_EXIT_CANNOT_INVOKE);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			r = cu_error_set(e, errno, _("cannot wait for %s"), helper[kind]);
			goto out;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == CU_EXIT_ENOENT)
		r = cu_error_set(e, 0, _("cannot run %s: not found (install the uidmap package)"),
				 helper[kind]);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = cu_error_set(e, 0, _("%1$s failed with status %2$d (check %3$s)"),
				 helper[kind], WIFEXITED(status) ? WEXITSTATUS(status) :
				 128 + WTERMSIG(status), subid_file[kind]);
	(void) explain_step_end(&s, r < 0 ? -1 : 0);
out:
	free(argv);
	free(nums);
	return r;
}
