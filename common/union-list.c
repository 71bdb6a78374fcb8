// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * union-list.c - reading mounted unions: statmount(2) and listmount(2)
 * where the kernel has them, else mountinfo through libmount; layer names
 * the kernel cannot show come from union-state.c's records.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "c.h"
#include "nls.h"
#include "syscalls.h"
#include "union-libmount.h"
#include "union.h"
#include "union-int.h"

/* ---- reading mounted unions ---- */

static const char *const ovl_keys[] = {
	"lowerdir", "lowerdir+", "datadir+", "upperdir", "workdir",
	"redirect_dir", "index", "uuid", "nfs_export", "xino", "metacopy",
	"verity", "fsync", "default_permissions", "volatile", "userxattr",
	"override_creds", "rw", "ro",
};

/* Does @tok start a new option ("key=..." or a flag we know)? */
static bool starts_option(const char *tok, size_t len)
{
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(ovl_keys); i++) {
		k = strlen(ovl_keys[i]);
		if (len >= k && strncmp(tok, ovl_keys[i], k) == 0 &&
		    (len == k || tok[k] == '='))
			return true;
	}
	return false;
}

static void add_lower(struct ovl_info *info, const char *s, size_t len)
{
	info->lowers = xrealloc(info->lowers, (info->nlowers + 1) * sizeof(char *));
	info->lowers[info->nlowers++] = xstrndup(s, len);
}

/* "a:b\:c" → "a", "b:c" (the legacy form escapes with a backslash). */
static void split_lowerdir(struct ovl_info *info, const char *v)
{
	_cleanup_free_ char *cur = xmalloc(strlen(v) + 1);
	size_t n = 0;

	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			cur[n++] = *++v;
		} else if (*v == ':') {
			if (n)
				add_lower(info, cur, n);
			n = 0;
		} else {
			cur[n++] = *v;
		}
	}
	if (n)
		add_lower(info, cur, n);
}

static void add_option(struct ovl_info *info, const char *opt, size_t len)
{
	size_t have = info->options ? strlen(info->options) : 0;

	info->options = xrealloc(info->options, have + len + 2);
	if (have)
		info->options[have++] = ',';
	memcpy(info->options + have, opt, len);
	info->options[have + len] = '\0';
}

static void take_option(struct ovl_info *info, const char *opt, size_t len)
{
	_cleanup_free_ char *o = xstrndup(opt, len);

	if (startswith(o, "lowerdir+="))
		add_lower(info, o + 10, len - 10);
	else if (startswith(o, "lowerdir="))
		split_lowerdir(info, o + 9);
	else if (startswith(o, "upperdir=") && !info->upper)
		info->upper = xstrdup(o + 9);
	else if (startswith(o, "workdir=") && !info->work)
		info->work = xstrdup(o + 8);
	else
		add_option(info, o, len);
}

int ovl_parse_options(const char *opts, struct ovl_info *info)
{
	const char *start = opts, *p;

	if (!opts)
		return -EINVAL;
	/* A comma inside a path is glued back: only a known key starts an option. */
	for (p = opts; ; p++) {
		if (*p == ',' && starts_option(p + 1, strcspn(p + 1, ","))) {
			take_option(info, start, (size_t) (p - start));
			start = p + 1;
		} else if (*p == '\0') {
			if (p > start)
				take_option(info, start, (size_t) (p - start));
			break;
		}
	}
	return 0;
}

/* Layer names the kernel cannot show (images, binds), from our record. */
static void info_names_from_state(struct ovl_info *info)
{
	_cleanup_fclose_ FILE *f = union_state_open(info->id, info->target);
	_cleanup_free_ char *key = NULL;
	_cleanup_free_ char *val = NULL;
	size_t ksz = 0, vsz = 0, idx;
	char *colon;

	while (f && getdelim(&key, &ksz, '\0', f) > 0 && getdelim(&val, &vsz, '\0', f) > 0) {
		if (streq(key, "upperdir") || streq(key, "workdir")) {
			char **p = streq(key, "upperdir") ? &info->upper : &info->work;

			free(*p);
			*p = xstrdup(val);
			continue;
		}
		if (!streq(key, "layer") || !(colon = strchr(val, ':')))
			continue;
		idx = strtoul(val, NULL, 10);
		if (idx < info->nlowers) {
			free(info->lowers[idx]);
			info->lowers[idx] = xstrdup(colon + 1);
		}
	}
}

static int info_from_fs(const struct layer_mount *ml, struct libmnt_fs *fs,
			struct ovl_info *info)
{
	int rc;
	const char *opts = ml->mnt_fs_get_fs_options(fs);

	memset(info, 0, sizeof(*info));
	info->target = xstrdup(ml->mnt_fs_get_target(fs));
	info->source = xstrdup(ml->mnt_fs_get_source(fs) ? ml->mnt_fs_get_source(fs) : "");
	info->id = (uint64_t) ml->mnt_fs_get_id(fs);
	if (!streq(ml->mnt_fs_get_fstype(fs), "overlay")) {
		info->lowers = xmalloc(sizeof(char *));
		info->lowers[0] = xstrdup(ml->mnt_fs_get_root(fs) ? ml->mnt_fs_get_root(fs) : "/");
		info->nlowers = 1;
		info_names_from_state(info);
		return 0;
	}
	rc = ovl_parse_options(opts ? opts : "", info);
	if (rc == 0)
		info_names_from_state(info);
	return rc;
}

/* Is @fs one of ours: an overlay, or a bind we recorded? */
static bool is_union(const struct layer_mount *ml, struct libmnt_fs *fs)
{
	FILE *f;

	if (streq(ml->mnt_fs_get_fstype(fs), "overlay"))
		return true;
	f = union_state_open((uint64_t) ml->mnt_fs_get_id(fs), ml->mnt_fs_get_target(fs));
	if (f)
		fclose(f);
	return f != NULL;
}

static int read_table(const struct layer_mount *ml, struct libmnt_table **tb,
		      struct cu_error *e)
{
	*tb = ml->mnt_new_table_from_file("/proc/self/mountinfo");
	if (!*tb)
		return cu_error_set(e, errno ? errno : EIO, _("cannot read %s"), "/proc/self/mountinfo");
	return 0;
}

/* ---- statmount(2) and listmount(2): the kernel answers for one mount ---- */

#define OVL_SM_SB_BASIC		CU_STATMOUNT_SB_BASIC
#define OVL_SM_MNT_BASIC	CU_STATMOUNT_MNT_BASIC
#define OVL_SM_MNT_ROOT		CU_STATMOUNT_MNT_ROOT
#define OVL_SM_MNT_POINT	CU_STATMOUNT_MNT_POINT
#define OVL_SM_FS_TYPE		CU_STATMOUNT_FS_TYPE
#define OVL_SM_SB_SOURCE	CU_STATMOUNT_SB_SOURCE
#define OVL_SM_OPT_ARRAY	CU_STATMOUNT_OPT_ARRAY
/* Always answered; an empty source or option list is left out of the mask. */
#define OVL_SM_NEED		(OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC | OVL_SM_MNT_ROOT | \
				 OVL_SM_MNT_POINT | OVL_SM_FS_TYPE)
#define OVL_SM_WANT		(OVL_SM_NEED | OVL_SM_SB_SOURCE | OVL_SM_OPT_ARRAY)

/* A growing buffer for statmount's answers (500 long layer paths > 100 KiB). */
struct ovl_smbuf {
	struct cu_statmount *sm;
	size_t size;
};

#define OVL_SM_MAX	(16U << 20)

/* Ask for mount @id (unique id); -ENOSYS when this kernel cannot answer. */
static int sm_get(struct ovl_smbuf *b, uint64_t id)
{
	struct cu_mnt_id_req req = { .size = 24, .mnt_id = id, .param = OVL_SM_WANT };

	if (!b->sm) {
		b->size = 16384;
		b->sm = xmalloc(b->size);
	}
	while (sys_statmount(&req, b->sm, b->size, 0) < 0) {
		if (errno == EOVERFLOW && b->size < OVL_SM_MAX) {
			b->size *= 4;
			b->sm = xrealloc(b->sm, b->size);
			continue;
		}
		return errno == EINVAL || errno == EPERM ? -ENOSYS : -errno;
	}
	if ((b->sm->mask & OVL_SM_NEED) != OVL_SM_NEED)
		return -ENOSYS;
	return 0;
}

/* A string of the answer, "" when the kernel left it out. */
static const char *sm_str(const struct ovl_smbuf *b, uint64_t flag, uint32_t off)
{
	return b->sm->mask & flag ? b->sm->str + off : "";
}

#define SM_STR(b, field, flag)	sm_str(b, flag, (b)->sm->field)

/*
 * Is the mount in @b one of ours?  1 with *info filled, 0 when it is not,
 * -ENOSYS for an overlay on a kernel without the option array (before 6.13).
 */
static int info_from_sm(const struct ovl_smbuf *b, struct ovl_info *info)
{
	const struct cu_statmount *sm = b->sm;
	const char *opt = SM_STR(b, opt_array, OVL_SM_OPT_ARRAY);
	const char *point = SM_STR(b, mnt_point, OVL_SM_MNT_POINT);
	const char *root = SM_STR(b, mnt_root, OVL_SM_MNT_ROOT);
	bool overlay = streq(SM_STR(b, fs_type, OVL_SM_FS_TYPE), "overlay");
	FILE *f;
	uint32_t i;

	memset(info, 0, sizeof(*info));
	info->id = sm->mnt_id_old;	/* mountinfo's id, naming our records */
	if (overlay && !(sm->mask & OVL_SM_OPT_ARRAY))
		return -ENOSYS;		/* an overlay always has lowerdir */
	if (!overlay) {
		f = union_state_open(info->id, point);
		if (!f)
			return 0;	/* not a bind we made */
		fclose(f);
	}
	info->target = xstrdup(point);
	info->source = xstrdup(SM_STR(b, sb_source, OVL_SM_SB_SOURCE));
	if (!overlay) {
		add_lower(info, root, strlen(root));
	} else {
		/* mountinfo's super options start with the superblock's rw/ro */
		take_option(info, sm->sb_flags & MS_RDONLY ? "ro" : "rw", 2);
		for (i = 0; i < sm->opt_num; i++, opt += strlen(opt) + 1)
			take_option(info, opt, strlen(opt));
	}
	info_names_from_state(info);
	return 1;
}

/* Add mount @id to @infos when it is a union: 0, or <0. */
static int list_one(struct ovl_smbuf *b, uint64_t id, struct ovl_info **infos, size_t *n)
{
	int rc = sm_get(b, id);

	if (rc == -ENOENT)
		return 0;		/* unmounted meanwhile */
	if (rc < 0)
		return rc;
	*infos = xrealloc(*infos, (*n + 1) * sizeof(**infos));
	rc = info_from_sm(b, &(*infos)[*n]);
	if (rc > 0)
		(*n)++;
	return rc < 0 ? rc : 0;
}

/* Every union of this mount namespace, in the kernel's order (as mountinfo). */
static int list_statmount(struct ovl_info **infos, size_t *n, struct cu_error *e)
{
	struct cu_mnt_id_req req = { .size = 24, .mnt_id = CU_LSMT_ROOT };
	struct ovl_smbuf b = { 0 };
	__u64 ids[256];
	long got, i;
	int rc = 0;

	do {
		got = sys_listmount(&req, ids, ARRAY_SIZE(ids), 0);
		if (got < 0) {
			rc = errno == ENOSYS || errno == EINVAL ? -ENOSYS : -errno;
			break;
		}
		for (i = 0; rc == 0 && i < got; i++)
			rc = list_one(&b, ids[i], infos, n);
		if (got > 0)
			req.param = ids[got - 1];
	} while (rc == 0 && got == (long) ARRAY_SIZE(ids));
	free(b.sm);
	if (rc < 0 && rc != -ENOSYS)
		return cu_error_set(e, rc, _("cannot list the mounts of this namespace"));
	return rc;
}

/*
 * The union on @target, asked of the kernel for that one mount: 1 found,
 * 0 none there, -ENOSYS without statmount(2).
 */
static int find_statmount(const char *real, struct ovl_info *info)
{
	struct ovl_smbuf b = { 0 };
	struct statx stx;
	int rc;

	if (statx(AT_FDCWD, real, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return 0;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return -ENOSYS;
	rc = sm_get(&b, stx.stx_mnt_id);
	if (rc == 0 && streq(SM_STR(&b, mnt_point, OVL_SM_MNT_POINT), real))
		rc = info_from_sm(&b, info);
	else if (rc == 0)
		rc = 0;		/* @real is inside a mount, not its mount point */
	free(b.sm);
	return rc == -ENOENT ? 0 : rc;
}

/* Kernels without listmount(2)/statmount(2): parse mountinfo with libmount. */
static int list_mountinfo(struct ovl_info **infos, size_t *n, struct cu_error *e)
{
	const struct layer_mount *ml = layer_mount_lib(e);
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int rc;

	if (!ml)
		return -ENOENT;
	rc = read_table(ml, &tb, e);
	if (rc < 0)
		return rc;
	it = ml->mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		abort();
	while (ml->mnt_table_next_fs(tb, it, &fs) == 0) {
		if (!is_union(ml, fs))
			continue;
		*infos = xrealloc(*infos, (*n + 1) * sizeof(**infos));
		rc = info_from_fs(ml, fs, &(*infos)[(*n)++]);
		if (rc < 0)
			break;
	}
	ml->mnt_free_iter(it);
	ml->mnt_unref_table(tb);
	return rc;
}

int ovl_list(struct ovl_info **infos, size_t *n, struct cu_error *e)
{
	int rc;

	*infos = NULL;
	*n = 0;
	rc = list_statmount(infos, n, e);
	if (rc != -ENOSYS)
		return rc;
	ovl_list_free(*infos, *n);
	*infos = NULL;
	*n = 0;
	return list_mountinfo(infos, n, e);
}

static int find_mountinfo(const char *target, struct ovl_info *info, struct cu_error *e)
{
	struct ovl_info *infos = NULL;
	_cleanup_free_ char *real = realpath(target, NULL);
	size_t n = 0, i;
	int rc = list_mountinfo(&infos, &n, e), found = -1;

	memset(info, 0, sizeof(*info));
	for (i = 0; rc == 0 && real && i < n; i++)
		if (streq(infos[i].target, real))
			found = (int) i;	/* the last one is on top */
	if (rc == 0 && found < 0)
		rc = cu_error_set(e, 0, _("no union mounted on %s (see unionmount list)"), target);
	if (rc == 0) {
		*info = infos[found];
		memset(&infos[found], 0, sizeof(infos[found]));
	}
	ovl_list_free(infos, n);
	return rc;
}

int ovl_find(const char *target, struct ovl_info *info, struct cu_error *e)
{
	_cleanup_free_ char *real = realpath(target, NULL);
	int rc = real ? find_statmount(real, info) : 0;

	if (rc == -ENOSYS)
		return find_mountinfo(target, info, e);
	if (rc < 0)
		return cu_error_set(e, rc, _("cannot read the mount of %s"), target);
	if (rc == 0)
		return cu_error_set(e, 0, _("no union mounted on %s (see unionmount list)"), target);
	return 0;
}

void ovl_info_free(struct ovl_info *info)
{
	size_t i;

	for (i = 0; i < info->nlowers; i++)
		free(info->lowers[i]);
	free(info->lowers);
	free(info->target);
	free(info->source);
	free(info->upper);
	free(info->work);
	free(info->options);
	memset(info, 0, sizeof(*info));
}

void ovl_list_free(struct ovl_info *infos, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ovl_info_free(&infos[i]);
	free(infos);
}
