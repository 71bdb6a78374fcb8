// SPDX-License-Identifier: GPL-2.0-or-later
/* net-ns.c - named network namespaces: add, remove, processes, exec mounts */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "net-nsname.h"
#include "net-ns.h"
#include "ns.h"
#include "strutils.h"
#include "syscalls.h"

enum dir_state { DIR_NOT_MOUNT, DIR_SHARED, DIR_NOT_SHARED, DIR_UNKNOWN };

/* Is @fd the root of a mount, and is that mount shared?  One mount only. */
static enum dir_state dir_mount_state(int fd)
{
	struct cu_mnt_id_req req = { .size = sizeof(req) };
	struct cu_statmount sm;
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &stx) < 0 ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return DIR_UNKNOWN;
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return DIR_NOT_MOUNT;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return DIR_UNKNOWN;
	req.mnt_id = stx.stx_mnt_id;
	req.param = CU_STATMOUNT_MNT_BASIC;
	memset(&sm, 0, sizeof(sm));
	if (sys_statmount(&req, &sm, sizeof(sm), 0) < 0 ||
	    !(sm.mask & CU_STATMOUNT_MNT_BASIC))
		return DIR_UNKNOWN;
	return (sm.mnt_propagation & MS_SHARED) ? DIR_SHARED : DIR_NOT_SHARED;
}

/*
 * First use: bind /run/netns on itself (recursively, so netns mounts other
 * tools made there come along: rkt#3761, kubernetes#48427), make it private
 * so that it gets its own peer group rather than the one of /run (iproute2
 * 82c8b9fe: otherwise every netns mount shows twice on systemd hosts), then
 * shared, so an unmount in one mount namespace reaches the others.
 */
static int dir_make_shared_mount(struct cu_error *e)
{
	if (ex_mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
		return cu_error_set(e, errno, _("cannot bind %1$s on itself"), NETNS_RUN_DIR);
	if (ex_mount("", NETNS_RUN_DIR, NULL, MS_PRIVATE | MS_REC, NULL) < 0 ||
	    ex_mount("", NETNS_RUN_DIR, NULL, MS_SHARED | MS_REC, NULL) < 0) {
		int saved = errno;

		explain_note(N_("rollback: removing our bind mount of %s"), NETNS_RUN_DIR);
		(void) ex_umount2(NETNS_RUN_DIR, MNT_DETACH);	/* undo: our bind */
		return cu_error_set(e, saved, _("cannot make %s a shared mount"), NETNS_RUN_DIR);
	}
	return 0;
}

static int dir_ensure_shared(struct cu_error *e)
{
	/* a fresh look under the lock: another add may have just mounted it */
	_cleanup_close_ int fd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), NETNS_RUN_DIR);
	switch (dir_mount_state(fd)) {
	case DIR_SHARED:
		return 0;
	case DIR_NOT_MOUNT:
		return dir_make_shared_mount(e);
	case DIR_NOT_SHARED:
		if (ex_mount("", NETNS_RUN_DIR, NULL, MS_SHARED | MS_REC, NULL) < 0)
			return cu_error_set(e, errno, _("cannot make %s a shared mount"), NETNS_RUN_DIR);
		return 0;
	case DIR_UNKNOWN:
		break;
	}
	/* No statx/statmount answer: iproute2's way, but on this mount only. */
	if (ex_mount("", NETNS_RUN_DIR, NULL, MS_SHARED, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return cu_error_set(e, errno, _("cannot make %s a shared mount"), NETNS_RUN_DIR);
	return dir_make_shared_mount(e);
}

/* /run/netns, made on first use (mkdir only when the open says ENOENT). */
static int dir_open(struct cu_error *e)
{
	int fd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		goto out;
	if (ex_mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create %s"), NETNS_RUN_DIR);
	if (explain_dry_run())
		return EXPLAIN_DRY_FD;	/* a plan's directory: set up the first time */
	fd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
out:
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), NETNS_RUN_DIR);
	return fd;
}

int netns_prepare_dir(struct netns_dir *d, struct cu_error *e)
{
	int r;

	d->netfd = -1;
	d->dirfd = dir_open(e);
	if (explain_dry_run() && d->dirfd == EXPLAIN_DRY_FD) {
		/* a dry run with no /run/netns yet: its first-time mounts */
		r = dir_make_shared_mount(e);
		if (r == 0)
			d->netfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		return r;
	}
	if (d->dirfd < 0)
		return d->dirfd;
	/*
	 * Parallel first-time adds stacked mounts at boot (Debian #949235),
	 * and one that looked during another's set-up could see the bind
	 * still in the peer group of /run: look only under the lock.
	 */
	if (flock(d->dirfd, LOCK_EX) < 0) {
		r = cu_error_set(e, errno, _("cannot lock %s"), NETNS_RUN_DIR);
		netns_dir_close(d);
		return r;
	}
	if (dir_mount_state(d->dirfd) == DIR_SHARED) {
		/* set up already, and our fd is on that mount */
		(void) flock(d->dirfd, LOCK_UN);
	} else {
		/* set up, then open again: the mount may be newer than our fd */
		r = dir_ensure_shared(e);
		close(d->dirfd);	/* releases the lock */
		d->dirfd = -1;
		if (r < 0)
			return r;
		d->dirfd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->dirfd < 0)
			return cu_error_set(e, errno, _("cannot open %s"), NETNS_RUN_DIR);
	}
	d->netfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (d->netfd < 0) {
		r = cu_error_set(e, errno, _("cannot open %s"), "/proc/self/ns/net");
		netns_dir_close(d);
		return r;
	}
	return 0;
}

void netns_dir_close(struct netns_dir *d)
{
	if (explain_dry_run() && d->dirfd == EXPLAIN_DRY_FD)
		d->dirfd = -1;
	if (d->dirfd >= 0)
		close(d->dirfd);
	if (d->netfd >= 0)
		close(d->netfd);
	d->dirfd = d->netfd = -1;
}

/* Loopback up in the current network namespace (SIOCSIFFLAGS). */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

/*
 * unshare(CLONE_NEWNET), loopback up (iproute2 leaves it down, and
 * 127.0.0.1 then fails in the new namespace) and bind it on @path.  The
 * caller stays in the new namespace (*@moved says so once it is in one): a
 * series of names needs one setns() back at its end, not one per name.
 */
static int bind_new_netns(const char *path, const char *self_ns, bool *moved,
			  struct cu_error *e)
{
	int r;

	if (ex_unshare(CLONE_NEWNET) < 0)
		return cu_error_set(e, errno, _("cannot create network namespace"));
	*moved = true;
	/* a dry run is still in our own namespace: its lo is left alone */
	r = explain_dry_run() ? 0 : loopback_up();
	if (r < 0)
		return cu_error_set(e, r, _("cannot bring up the loopback device of the new namespace"));
	if (ex_mount(self_ns, path, "none", MS_BIND, NULL) < 0)
		return cu_error_set(e, errno, _("cannot bind the new namespace on %s"), path);
	return 0;
}

static int bind_netns_path(const char *src, const char *path, struct cu_error *e)
{
	char fdpath[PATH_MAX];
	_cleanup_close_ int fd = open(src, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && explain_dry_run() && (errno == EACCES || errno == EPERM)) {
		/* a plan may not open another user's namespace: it names it */
		snprintf(fdpath, sizeof(fdpath), "%s", src);
		goto bind;
	}
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), src);
	if (ns_fd_type(fd) != CLONE_NEWNET)
		return cu_error_set(e, EINVAL, _("'%s' is not a network namespace"), src);
	/* bind what we checked, not what the path may name by now */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
bind:
	if (ex_mount(fdpath, path, "none", MS_BIND, NULL) < 0)
		return cu_error_set(e, errno, _("cannot bind %1$s on %2$s"), src, path);
	return 0;
}

/*
 * The empty mode-0 file to bind on, made with O_EXCL semantics: mknodat()
 * of a regular file is the kernel's create, as open(O_CREAT | O_EXCL) is,
 * without an open file to set up and close.  An existing name, a symlink
 * included, is EEXIST.
 */
static int make_file(const struct netns_dir *d, const char *name, const char *path,
		     struct cu_error *e)
{
	struct stat st;

	if (explain_dry_run()) {
		if (d->dirfd >= 0 && fstatat(d->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return cu_error_set(e, EEXIST, _("network namespace '%s' already exists"), name);
		explain_dry_step(EXPLAIN_PRIV_FILE, _("the empty file the namespace is bound on"),
				 "mknodat(\"%s\", S_IFREG|000)", path);
		return 0;
	}
	if (mknodat(d->dirfd, name, S_IFREG, 0) == 0)
		return 0;
	if (errno == EEXIST)
		return cu_error_set(e, EEXIST, _("network namespace '%s' already exists"), name);
	return cu_error_set(e, errno, _("cannot create %s"), path);
}

/*
 * One name: the file, then the namespace on it (@src, or a new one that
 * @self_ns then names); the file goes on failure.
 */
static int add_one(const struct netns_dir *d, const char *name, const char *src,
		   const char *self_ns, bool *moved, struct cu_error *e)
{
	char path[PATH_MAX];
	int r;

	r = netns_path(name, path, sizeof(path), e);
	if (r < 0)
		return r;
	r = make_file(d, name, path, e);
	if (r < 0)
		return r;
	if (src)
		r = bind_netns_path(src, path, e);
	else
		r = bind_new_netns(path, self_ns, moved, e);
	if (r < 0)
		(void) unlinkat(d->dirfd, name, 0);	/* undo: the file we made; r says why */
	return r;
}

/*
 * A series of new names shared by a few threads: making a namespace is
 * mostly kernel work done with no lock held for long, so on two idle CPUs
 * two of them take about two thirds of the time of one.  Each thread claims
 * the next name, until the names run out or one of them fails; since names
 * are claimed in order, every name before the first failure was tried, and
 * the error is the one a serial run would give.
 */
#define ADD_THREADS_MAX	4

struct add_series {
	const struct netns_dir *d;
	char *const *names;
	size_t n;
	atomic_size_t next;	/* the next name to claim */
	atomic_bool failed;	/* claim no more */
	bool *made;		/* per name: made by this series */
	pthread_mutex_t lock;	/* guards r, e, failed_at */
	int r;
	size_t failed_at;
	struct cu_error e;
};

/* Claim and make names; @self_ns names the calling thread's namespace. */
static void add_series_run(struct add_series *s, const char *self_ns, bool *moved)
{
	struct cu_error e;
	size_t i;
	int r;

	while (!atomic_load(&s->failed) && (i = atomic_fetch_add(&s->next, 1)) < s->n) {
		r = add_one(s->d, s->names[i], NULL, self_ns, moved, &e);
		if (r == 0) {
			s->made[i] = true;
			continue;
		}
		atomic_store(&s->failed, true);
		pthread_mutex_lock(&s->lock);
		if (s->r == 0 || i < s->failed_at) {	/* the first name that failed */
			s->r = r;
			s->failed_at = i;
			s->e = e;
		}
		pthread_mutex_unlock(&s->lock);
	}
}

/* A helper thread: it ends where its last name took it, nobody returns. */
static void *add_series_thread(void *arg)
{
	bool moved = false;

	add_series_run(arg, "/proc/thread-self/ns/net", &moved);
	return NULL;
}

/* Helper threads besides the caller: one per further CPU we may run on. */
static size_t add_series_helpers(size_t n)
{
	cpu_set_t cpus;
	size_t k;

	/* a dry run prints its plan in order, from one thread */
	if (n < 2 || explain_dry_run() || sched_getaffinity(0, sizeof(cpus), &cpus) < 0)
		return 0;
	k = (size_t) CPU_COUNT(&cpus);
	if (k > n)
		k = n;
	if (k > ADD_THREADS_MAX)
		k = ADD_THREADS_MAX;
	return k > 0 ? k - 1 : 0;
}

int netns_add_new(const struct netns_dir *d, char *const *names, size_t n,
		  void (*undo_failed)(const char *name, void *data), void *data,
		  struct cu_error *e)
{
	struct add_series s = { .d = d, .names = names, .n = n };
	pthread_t threads[ADD_THREADS_MAX];
	size_t i, k, started = 0;
	bool moved = false;

	atomic_init(&s.next, 0);
	atomic_init(&s.failed, false);
	s.made = xcalloc(n ? n : 1, sizeof(*s.made));
	pthread_mutex_init(&s.lock, NULL);
	k = add_series_helpers(n);
	/* a thread that cannot start leaves its share to the others */
	for (i = 0; i < k; i++)
		if (pthread_create(&threads[started], NULL, add_series_thread, &s) == 0)
			started++;
	/* the caller leads its thread group: /proc/self is its own */
	add_series_run(&s, "/proc/self/ns/net", &moved);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* one way back for all names: each unshare left the one before it */
	if (moved && ex_setns(d->netfd, CLONE_NEWNET) < 0 && s.r == 0) {
		s.r = cu_error_set(&s.e, errno, _("cannot return to the original network namespace"));
		s.failed_at = n;
	}
	if (s.r < 0) {
		for (i = n; i-- > 0;)	/* undo: every name this series made */
			if (s.made[i] && netns_remove(names[i], NULL) < 0 && undo_failed)
				undo_failed(names[i], data);
		if (e)
			*e = s.e;
	}
	pthread_mutex_destroy(&s.lock);
	free(s.made);
	return s.r;
}

int netns_add_at(const struct netns_dir *d, const char *name, const char *src,
		 struct cu_error *e)
{
	char *names[] = { (char *) name };

	if (!src)
		return netns_add_new(d, names, 1, NULL, NULL, e);
	return add_one(d, name, src, NULL, NULL, e);
}

int netns_remove(const char *name, struct cu_error *e)
{
	char path[PATH_MAX];
	int i, r, umount_err = 0;

	r = netns_path(name, path, sizeof(path), e);
	if (r < 0)
		return r;
	if (explain_dry_run()) {
		struct stat st;

		if (lstat(path, &st) < 0)
			goto no_name;
		(void) ex_umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		explain_dry_step(EXPLAIN_PRIV_FILE, _("the name goes; the namespace with its last user"),
				 "unlink(\"%s\")", path);
		return 0;
	}
	/*
	 * iproute2's two steps: detach the mount, unlink the file.  A name
	 * with mounts stacked on it is still a mount point, and unlink says
	 * EBUSY: detach them all (EINVAL once none is left) and unlink again.
	 */
	if (ex_umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			goto no_name;
		umount_err = errno;
	}
	if (unlink(path) == 0)
		return 0;
	if (errno == EBUSY && !umount_err) {
		for (i = 0; i < 64; i++)
			if (ex_umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
				break;
		if (unlink(path) == 0)
			return 0;
	}
	if (errno == ENOENT)
		goto no_name;
	/* a mount point we could not detach: the unmount says why */
	if (errno == EBUSY && umount_err && umount_err != EINVAL)
		errno = umount_err;
	return cu_error_set(e, errno, _("cannot remove %s"), path);
no_name:
	return cu_error_set(e, ENOENT, _("network namespace '%s' does not exist"), name);
}

int netns_id_of_path(const char *path, struct netns_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

/* include/uapi/linux/nsfs.h of Linux 6.18, and the type of such a handle */
struct cu_nsfs_file_handle {
	uint64_t ns_id;
	uint32_t ns_type;
	uint32_t ns_inum;
};
#define CU_FILEID_NSFS	0xf1

/* struct file_handle with room for NETNS_HANDLE_MAX bytes */
struct handle_buf {
	struct file_handle fh;
	unsigned char room[NETNS_HANDLE_MAX];
};

void netns_ref_take(const char *name, struct netns_ref *ref)
{
	struct cu_nsfs_file_handle nsh;
	char path[PATH_MAX];
	struct handle_buf b;
	int mnt_id;

	memset(ref, 0, sizeof(*ref));
	if (netns_path(name, path, sizeof(path), NULL) < 0)
		return;
	b.fh.handle_bytes = NETNS_HANDLE_MAX;
	if (name_to_handle_at(AT_FDCWD, path, &b.fh, &mnt_id, 0) == 0) {
		/* another file system's handle: a stale file, no namespace on it */
		if (b.fh.handle_type != CU_FILEID_NSFS || b.fh.handle_bytes < sizeof(nsh))
			return;
		memcpy(&nsh, b.fh.f_handle, sizeof(nsh));
		ref->id.ino = (ino_t) nsh.ns_inum;
		ref->has_handle = true;
		ref->handle_type = b.fh.handle_type;
		ref->handle_bytes = b.fh.handle_bytes;
		memcpy(ref->handle, b.fh.f_handle, b.fh.handle_bytes);
		return;
	}
	/* no nsfs handles here: the identity now, "may live" later */
	if (netns_id_of_path(path, &ref->id) < 0)
		ref->id.ino = 0;
}

bool netns_ref_lives(int nsfd, struct netns_ref *ref)
{
	struct handle_buf b;
	struct stat st;
	int fd;

	if (ref->id.ino == 0)
		return false;
	if (ref->has_handle) {
		b.fh.handle_type = ref->handle_type;
		b.fh.handle_bytes = ref->handle_bytes;
		memcpy(b.fh.f_handle, ref->handle, ref->handle_bytes);
		fd = open_by_handle_at(nsfd, &b.fh, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ESTALE) {
			ref->id.ino = 0;	/* gone with its last user */
			return false;
		}
		if (fd >= 0) {
			int r = fstat(fd, &st);

			close(fd);
			if (r == 0) {
				ref->id.dev = st.st_dev;
				ref->id.ino = st.st_ino;
				return true;
			}
		}
	}
	/* every nsfs file lives on one device: a name on another was stale */
	if (fstat(nsfd, &st) < 0)
		return true;
	if (ref->has_handle)
		ref->id.dev = st.st_dev;
	else if (ref->id.dev != st.st_dev)
		ref->id.ino = 0;
	return ref->id.ino != 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int netns_list_names(char ***names, size_t *n, struct cu_error *e)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *de;
	size_t cap = 16;
	char **v;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : cu_error_set(e, errno, _("cannot open %s"), NETNS_RUN_DIR);
	v = xcalloc(cap + 1, sizeof(*v));
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (*n == cap) {
			cap *= 2;
			v = xrealloc(v, (cap + 1) * sizeof(*v));
		}
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	v[*n] = NULL;
	qsort(v, *n, sizeof(*v), cmp_names);
	*names = v;
	return 0;
}

void netns_free_names(char **names)
{
	char **p;

	for (p = names; p && *p; p++)
		free(*p);
	free(names);
}

static int cmp_procs(const void *a, const void *b)
{
	const struct netns_proc *x = a, *y = b;

	if (x->id.dev != y->id.dev)
		return x->id.dev < y->id.dev ? -1 : 1;
	if (x->id.ino != y->id.ino)
		return x->id.ino < y->id.ino ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * "net:[INODE]" of /proc/PID/ns/net: readlink only formats the name, where
 * stat would have to set up an nsfs inode for every namespace in use.
 */
static int proc_netns_ino(int procfd, const char *pid, ino_t *ino)
{
	char path[NAME_MAX + 16], link[64];
	unsigned long long v;
	ssize_t n;
	char end;

	if (snprintf(path, sizeof(path), "%s/ns/net", pid) >= (int) sizeof(path))
		return -ENAMETOOLONG;
	n = readlinkat(procfd, path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	if (sscanf(link, "net:[%llu%c", &v, &end) != 2 || end != ']')
		return -EINVAL;
	*ino = (ino_t) v;
	return 0;
}

static void procs_add(struct netns_procs *p, size_t *cap, pid_t pid,
		      const struct netns_id *id)
{
	if (p->n == *cap) {
		*cap *= 2;
		p->v = xrealloc(p->v, *cap * sizeof(*p->v));
	}
	p->v[p->n].pid = pid;
	p->v[p->n++].id = *id;
}

int netns_scan_procs(struct netns_procs *p)
{
	struct netns_id self = { .ino = 0 };
	struct dirent *de;
	size_t cap = 256;
	DIR *d;

	p->v = NULL;
	p->n = 0;
	/* every nsfs inode lives on one device: take it from our own */
	if (netns_id_of_path("/proc/self/ns/net", &self) < 0)
		return -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	p->v = xcalloc(cap, sizeof(*p->v));
	while ((de = readdir(d))) {
		struct netns_id id = { .dev = self.dev };
		uint32_t pid;

		if (parse_u32(de->d_name, &pid) < 0 || pid == 0 ||
		    proc_netns_ino(dirfd(d), de->d_name, &id.ino) < 0)
			continue;	/* not a process, gone, or a kernel thread */
		procs_add(p, &cap, (pid_t) pid, &id);
	}
	closedir(d);
	qsort(p->v, p->n, sizeof(*p->v), cmp_procs);
	return 0;
}

void netns_free_procs(struct netns_procs *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

size_t netns_procs_find(const struct netns_procs *p, const struct netns_id *id,
			size_t *count)
{
	size_t lo = 0, hi = p->n, i;
	struct netns_proc key = { .pid = 0, .id = *id };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_procs(&p->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < p->n && p->v[i].id.dev == id->dev &&
		     p->v[i].id.ino == id->ino; i++)
		;
	*count = i - lo;
	return lo;
}

int netns_bind_over(const char *src, const char *dst)
{
	_cleanup_close_ int tree = ex_open_tree(AT_FDCWD, src,
						 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree >= 0 || (explain_dry_run() && tree == EXPLAIN_DRY_FD)) {
		/* no MOVE_MOUNT_T_SYMLINKS: a link at @dst is covered itself */
		if (ex_move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) == 0)
			return 0;
		if (errno != ENOSYS && errno != EINVAL)
			return -errno;
	} else if (errno != ENOSYS) {
		return -errno;
	}
	/* old kernels: mount(2) follows a link at @dst, as iproute2 does */
	return ex_mount(src, dst, "none", MS_BIND, NULL) < 0 ? -errno : 0;
}

/* Our own copy of /sys/fs/cgroup, to put back on the new sysfs. */
static int clone_cgroup_tree(void)
{
	struct stat a, b;

	if (stat("/sys", &a) < 0 || stat("/sys/fs/cgroup", &b) < 0 || a.st_dev == b.st_dev)
		return -ENOENT;
	return ex_open_tree(AT_FDCWD, "/sys/fs/cgroup",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

static int remount_sys(const char *name, struct cu_error *e)
{
	_cleanup_close_ int cgroup = clone_cgroup_tree();
	unsigned long flags = 0;

	if (ex_umount2("/sys", MNT_DETACH) < 0) {
		struct statvfs sv;

		/* cannot unmount it: a read-only one stays read-only */
		if (statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY))
			flags = MS_RDONLY;
	}
	if (ex_mount(name, "/sys", "sysfs", flags, NULL) < 0)
		return cu_error_set(e, errno, _("cannot mount sysfs for the namespace on %s"), "/sys");
	/* -ENOENT is EXPLAIN_DRY_FD too: only a dry run's is a placeholder */
	if ((cgroup >= 0 || (explain_dry_run() && cgroup == EXPLAIN_DRY_FD)) &&
	    ex_move_mount(cgroup, "", AT_FDCWD, "/sys/fs/cgroup", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cu_error_set(e, errno, _("cannot mount %s again"), "/sys/fs/cgroup");
	return 0;
}

static void bind_etc(const char *name,
		     void (*failed)(const char *src, const char *dst, int errnum, void *data),
		     void *data)
{
	char dir[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/%s", NETNS_ETC_DIR, name) >= (int) sizeof(dir))
		return;
	d = opendir(dir);
	if (!d)
		return;	/* no /etc/netns/NAME: nothing to bind */
	while ((de = readdir(d))) {
		int r;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (snprintf(src, sizeof(src), "%s/%s", dir, de->d_name) >= (int) sizeof(src) ||
		    snprintf(dst, sizeof(dst), "/etc/%s", de->d_name) >= (int) sizeof(dst))
			continue;
		r = netns_bind_over(src, dst);
		if (r < 0 && failed)
			failed(src, dst, -r, data);
	}
	closedir(d);
}

int netns_enter_mounts(const char *name,
		       void (*failed)(const char *src, const char *dst, int errnum, void *data),
		       void *data, struct cu_error *e)
{
	int r;

	if (ex_unshare(CLONE_NEWNS) < 0)
		return cu_error_set(e, errno, _("cannot create mount namespace"));
	/* a slave: host mounts still reach us, ours never reach the host */
	if (ex_mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return cu_error_set(e, errno, _("cannot make %s a slave mount"), "/");
	r = remount_sys(name, e);
	if (r < 0)
		return r;
	bind_etc(name, failed, data);
	return 0;
}
