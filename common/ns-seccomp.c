// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns-seccomp.c - Docker's default seccomp policy (moby's
 * profiles/seccomp/default.json), compiled to BPF by libseccomp.
 *
 * The table below follows moby's profile: a default of EPERM, a list of
 * syscalls every container may make, argument rules for socket (no
 * AF_VSOCK), personality (the five harmless values) and clone (no new
 * namespaces), clone3 answered with ENOSYS (so that libc falls back to
 * clone, whose flags we can see), and groups a container may make only when
 * it holds a capability.  Like moby since 25.0, io_uring is not allowed;
 * unlike moby, only the native ABI is allowed (see
 * syscall_filter_build_default()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "dlsym.h"
#include "nls.h"
#include "ns-seccomp.h"

static __typeof__(seccomp_init) *dl_seccomp_init;
static __typeof__(seccomp_release) *dl_seccomp_release;
static __typeof__(seccomp_arch_add) *dl_seccomp_arch_add;
static __typeof__(seccomp_attr_set) *dl_seccomp_attr_set;
static __typeof__(seccomp_syscall_resolve_name) *dl_seccomp_syscall_resolve_name;
static __typeof__(seccomp_rule_add_array) *dl_seccomp_rule_add_array;
static __typeof__(seccomp_export_bpf) *dl_seccomp_export_bpf;

static const struct dl_symbol seccomp_symbols[] = {
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_init)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_release)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_arch_add)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_attr_set)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_syscall_resolve_name)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_rule_add_array)
	DL_SYMBOL_LINKED(CU_LINK_SECCOMP, seccomp_export_bpf)
};

#define SECCOMP_SONAME	"libseccomp.so.2"
DL_NOTE_UNLESS(CU_LINK_SECCOMP, "seccomp", "the seccomp filter of nsrun --root",
	       DL_PRIORITY_RECOMMENDED, SECCOMP_SONAME);

static struct dl_library seccomp_library = {
	.soname = SECCOMP_SONAME,
	.symbols = seccomp_symbols,
	.nsymbols = ARRAY_SIZE(seccomp_symbols),
};

/* Every container may make these. */
static const char *const allowed[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk",
	"capget", "capset", "chdir", "chmod", "chown", "chown32",
	"clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
	"clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
	"execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2",
	"fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir",
	"fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
	"fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock",
	"fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
	"fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
	"futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
	"futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64",
	"getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
	"getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
	"getresgid32", "getresuid", "getresuid32", "getrlimit",
	"get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
	"get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32",
	"getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
	"io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
	"io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
	"landlock_create_ruleset", "landlock_restrict_self", "lchown",
	"lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
	"llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat",
	"lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
	"memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
	"mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
	"mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	"mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
	"mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync",
	"munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
	"newfstatat", "_newselect", "open", "openat", "openat2", "pause",
	"pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
	"pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
	"pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
	"pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read",
	"readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom",
	"recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages",
	"removexattr", "rename", "renameat", "renameat2", "restart_syscall",
	"rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
	"rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity",
	"sched_getattr", "sched_getparam", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
	"select", "semctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
	"sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
	"setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
	"setpgid", "setpriority", "setregid", "setregid32", "setresgid",
	"setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
	"setrlimit", "set_robust_list", "setsid", "setsockopt",
	"set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr",
	"shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
	"signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall",
	"socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statx",
	"symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
	"tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", "timerfd_create", "timerfd_gettime",
	"timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
	"tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname",
	"unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
	"vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
	/* moby: on kernels since 4.8, where seccomp runs after ptrace */
	"process_vm_readv", "process_vm_writev", "ptrace",
	/* moby: per architecture; a name this one lacks is left out */
	"arch_prctl", "modify_ldt", "sync_file_range2", "arm_fadvise64_64",
	"arm_sync_file_range", "breakpoint", "cacheflush", "set_tls",
	"riscv_flush_icache", "s390_pci_mmio_read", "s390_pci_mmio_write",
	"s390_runtime_instr",
};

/* Allowed only to a container that holds the capability. */
static const struct {
	unsigned cap;
	const char *names[24];
} by_cap[] = {
	{ CAP_DAC_READ_SEARCH, { "open_by_handle_at" } },
	{ CAP_SYS_ADMIN, { "bpf", "clone", "clone3", "fanotify_init", "fsconfig",
			   "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
			   "mount_setattr", "move_mount", "open_tree",
			   "perf_event_open", "quotactl", "quotactl_fd",
			   "setdomainname", "sethostname", "setns", "syslog",
			   "umount", "umount2", "unshare" } },
	{ CAP_SYS_BOOT, { "reboot" } },
	{ CAP_SYS_CHROOT, { "chroot" } },
	{ CAP_SYS_MODULE, { "delete_module", "init_module", "finit_module" } },
	{ CAP_SYS_PACCT, { "acct" } },
	{ CAP_SYS_PTRACE, { "kcmp", "pidfd_getfd", "process_madvise" } },
	{ CAP_SYS_RAWIO, { "iopl", "ioperm" } },
	{ CAP_SYS_TIME, { "settimeofday", "stime", "clock_settime",
			  "clock_settime64" } },
	{ CAP_SYS_TTY_CONFIG, { "vhangup" } },
	{ CAP_SYS_NICE, { "get_mempolicy", "mbind", "set_mempolicy",
			  "set_mempolicy_home_node" } },
	{ CAP_SYSLOG, { "syslog" } },
	{ CAP_BPF, { "bpf" } },
	{ CAP_PERFMON, { "perf_event_open" } },
};

/* personality(2) values a container may set, as moby: PER_LINUX, PER_LINUX32,
 * each with UNAME26, and 0xffffffff (the query). */
static const uint64_t personalities[] = { 0x0, 0x0008, 0x20000, 0x20008, 0xffffffff };

#define NS_CLONE_FLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
			 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

static bool has_cap(uint64_t caps, unsigned cap)
{
	return cap < 64 && (caps >> cap) & 1;
}

/* A rule; a name libseccomp does not know here (another architecture's) is skipped. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
		    unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = dl_seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = dl_seccomp_rule_add_array(ctx, action, nr, n, cmp);
	/* -EEXIST: the same allow twice (syslog, bpf, perf_event_open) */
	return r == -EEXIST ? 0 : r;
}

static int add_rules(scmp_filter_ctx ctx, uint64_t caps)
{
	size_t i, j;
	int r = 0;

	for (i = 0; r == 0 && i < ARRAY_SIZE(allowed); i++)
		r = add_rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	for (i = 0; r == 0 && i < ARRAY_SIZE(by_cap); i++)
		for (j = 0; r == 0 && j < ARRAY_SIZE(by_cap[i].names) && by_cap[i].names[j]; j++)
			if (has_cap(caps, by_cap[i].cap))
				r = add_rule(ctx, SCMP_ACT_ALLOW, by_cap[i].names[j], 0, NULL);
	for (i = 0; r == 0 && i < ARRAY_SIZE(personalities); i++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_EQ, personalities[i]);

		r = add_rule(ctx, SCMP_ACT_ALLOW, "personality", 1, &c);
	}
	if (r == 0) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_NE, AF_VSOCK);

		r = add_rule(ctx, SCMP_ACT_ALLOW, "socket", 1, &c);
	}
	if (r == 0 && !has_cap(caps, CAP_SYS_ADMIN)) {
		/* s390 passes the flags second: not handled, like the arches we build */
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, NS_CLONE_FLAGS, 0);

		r = add_rule(ctx, SCMP_ACT_ALLOW, "clone", 1, &c);
		if (r == 0)
			r = add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	}
	return r;
}

/* The BPF libseccomp made, copied into memory we own. */
static int export_bpf(scmp_filter_ctx ctx, struct syscall_filter *f)
{
	_cleanup_close_ int fd = memfd_create("nsrun-seccomp", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	r = dl_seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
	    st.st_size / (off_t) sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -E2BIG;
	f->insns = xmalloc((size_t) st.st_size);
	if (pread(fd, f->insns, (size_t) st.st_size, 0) != st.st_size) {
		syscall_filter_free(f);
		return -EIO;
	}
	f->len = (size_t) st.st_size / sizeof(struct sock_filter);
	return 0;
}

static int build(uint64_t caps, struct syscall_filter *f, struct cu_error *e)
{
	scmp_filter_ctx ctx;
	int r;

	if (dl_library_load(&seccomp_library, e) < 0)
		return -ENOENT;
	ctx = dl_seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return cu_error_set(e, ENOMEM, _("cannot build the seccomp filter"));
	/*
	 * The native ABI only (moby also allows x86 and x32 on x86_64: three
	 * times the rules, ten times the build time).  A 32-bit or x32 program
	 * is killed at its first syscall, which also closes the compat entry
	 * points to the kernel.  A plain list, not libseccomp's binary tree:
	 * it builds in half the time, and since Linux 5.11 the kernel caches
	 * the syscalls a filter always allows, so a list costs little at run time.
	 */
	r = dl_seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = add_rules(ctx, caps);
	if (r == 0)
		r = export_bpf(ctx, f);
	dl_seccomp_release(ctx);
	if (r < 0)
		return cu_error_set(e, -r, _("cannot build the seccomp filter"));
	return 0;
}


/*
 * The filter of a capability set is the same on every start: root keeps it
 * in /run/container-utils/seccomp, named by the capabilities and a hash of
 * the table above, and the next start reads it instead of loading
 * libseccomp and compiling 350 rules (about 2 ms).  Only a file of ours
 * that nobody else may write is used; the kernel checks the program anyway.
 */
#define FILTER_CACHE_DIR	"/run/container-utils/seccomp"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

static uint64_t table_hash(void)
{
	/* the rules that are code, not table: change this when they change */
	static const char code[] = "socket!=vsock clone&ns clone3=enosys badarch=kill list v1";
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		h = fnv(h, allowed[i], strlen(allowed[i]) + 1);
	for (i = 0; i < ARRAY_SIZE(by_cap); i++) {
		h = fnv(h, &by_cap[i].cap, sizeof(by_cap[i].cap));
		for (j = 0; j < ARRAY_SIZE(by_cap[i].names) && by_cap[i].names[j]; j++)
			h = fnv(h, by_cap[i].names[j], strlen(by_cap[i].names[j]) + 1);
	}
	h = fnv(h, personalities, sizeof(personalities));
	return fnv(h, code, sizeof(code));
}

static void cache_name(uint64_t caps, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016" PRIx64 "-%016" PRIx64 ".bpf", FILTER_CACHE_DIR,
		 caps, table_hash());
}

static bool ours_only(int fd, mode_t type)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type &&
	       st.st_uid == geteuid() && !(st.st_mode & 022);
}

static int cache_read(uint64_t caps, struct syscall_filter *f)
{
	char path[128];
	struct stat st;
	_cleanup_close_ int fd = -1;

	if (geteuid() != 0)
		return -ENOENT;
	cache_name(caps, path, sizeof(path));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !ours_only(fd, S_IFREG) || fstat(fd, &st) < 0 ||
	    st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
	    st.st_size / (off_t) sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -ENOENT;
	f->insns = xmalloc((size_t) st.st_size);
	if (read(fd, f->insns, (size_t) st.st_size) != st.st_size) {
		syscall_filter_free(f);
		return -ENOENT;
	}
	f->len = (size_t) st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* Best effort: a file made whole elsewhere, then renamed into place. */
static void cache_write(uint64_t caps, const struct syscall_filter *f)
{
	size_t size = f->len * sizeof(struct sock_filter);
	char path[128], tmp[160];
	_cleanup_close_ int dir = -1;
	int fd;

	if (geteuid() != 0)
		return;
	(void) mkdir("/run/container-utils", 0755);
	(void) mkdir(FILTER_CACHE_DIR, 0700);
	dir = open(FILTER_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || !ours_only(dir, S_IFDIR))
		return;
	cache_name(caps, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int) getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, f->insns, size) != (ssize_t) size || fsync(fd) < 0 ||
	    rename(tmp, path) < 0)
		(void) unlink(tmp);
	close(fd);
}

int syscall_filter_build_default(uint64_t caps, struct syscall_filter *f,
				 struct cu_error *e)
{
	int r;

	if (cache_read(caps, f) == 0)
		return 0;
	r = build(caps, f, e);
	if (r == 0 && !explain_dry_run())	/* a plan writes no file */
		cache_write(caps, f);
	return r;
}

int syscall_filter_install(const struct syscall_filter *f, struct cu_error *e)
{
	struct sock_fprog prog = {
		.len = (unsigned short) f->len,
		.filter = f->insns,
	};

	if (ex_seccomp_filter(&prog) < 0)
		return cu_error_set(e, errno, _("cannot install the seccomp filter"));
	return 0;
}

void syscall_filter_free(struct syscall_filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}
