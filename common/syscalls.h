/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscalls.h - wrappers for system calls glibc 2.36 lacks or wraps late.
 * A number unknown at build time gives -1 with errno ENOSYS, so callers take
 * their usual fallback path (never decide on configure results alone).
 */
#ifndef CU_SYSCALLS_H
#define CU_SYSCALLS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/types.h>

#define CU_SYSCALL_MISSING ({ errno = ENOSYS; -1; })

#ifndef CLOSE_RANGE_CLOEXEC
# define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
#ifdef __NR_close_range
	return (int) syscall(__NR_close_range, first, last, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
#ifdef __NR_pidfd_open
	return (int) syscall(__NR_pidfd_open, pid, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
#ifdef __NR_pidfd_send_signal
	return (int) syscall(__NR_pidfd_send_signal, pidfd, sig, info, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int) syscall(__NR_pivot_root, new_root, put_old);
}

/* clone3(2): struct clone_args as of Linux 5.7 (cgroup field). */
struct cu_clone_args {
	__aligned_u64 flags;
	__aligned_u64 pidfd;
	__aligned_u64 child_tid;
	__aligned_u64 parent_tid;
	__aligned_u64 exit_signal;
	__aligned_u64 stack;
	__aligned_u64 stack_size;
	__aligned_u64 tls;
	__aligned_u64 set_tid;
	__aligned_u64 set_tid_size;
	__aligned_u64 cgroup;
};

#ifndef CLONE_PIDFD
# define CLONE_PIDFD		0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
# define CLONE_INTO_CGROUP	0x200000000ULL
#endif
#ifndef CLONE_NEWTIME
# define CLONE_NEWTIME		0x00000080
#endif

static inline pid_t sys_clone3(struct cu_clone_args *args, size_t size)
{
#ifdef __NR_clone3
	return (pid_t) syscall(__NR_clone3, args, size);
#else
	return CU_SYSCALL_MISSING;
#endif
}

/* openat2(2) */
struct cu_open_how {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};
#ifndef RESOLVE_NO_XDEV
# define RESOLVE_NO_XDEV	0x01
# define RESOLVE_NO_MAGICLINKS	0x02
# define RESOLVE_NO_SYMLINKS	0x04
# define RESOLVE_BENEATH	0x08
# define RESOLVE_IN_ROOT	0x10
#endif

static inline int sys_openat2(int dirfd, const char *path, struct cu_open_how *how, size_t size)
{
#ifdef __NR_openat2
	return (int) syscall(__NR_openat2, dirfd, path, how, size);
#else
	return CU_SYSCALL_MISSING;
#endif
}

/* The new mount API (Linux 5.2+); glibc 2.36 has the constants in <sys/mount.h>. */
static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
#ifdef __NR_open_tree
	return (int) syscall(__NR_open_tree, dfd, path, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd,
				 const char *to, unsigned int flags)
{
#ifdef __NR_move_mount
	return (int) syscall(__NR_move_mount, from_dfd, from, to_dfd, to, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_fsopen(const char *fsname, unsigned int flags)
{
#ifdef __NR_fsopen
	return (int) syscall(__NR_fsopen, fsname, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_fsconfig(int fd, unsigned int cmd, const char *key,
			       const void *value, int aux)
{
#ifdef __NR_fsconfig
	return (int) syscall(__NR_fsconfig, fd, cmd, key, value, aux);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline int sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
#ifdef __NR_fsmount
	return (int) syscall(__NR_fsmount, fd, flags, attr_flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

struct cu_mount_attr {
	__u64 attr_set;
	__u64 attr_clr;
	__u64 propagation;
	__u64 userns_fd;
};

static inline int sys_mount_setattr(int dfd, const char *path, unsigned int flags,
				    struct cu_mount_attr *attr, size_t size)
{
#ifdef __NR_mount_setattr
	return (int) syscall(__NR_mount_setattr, dfd, path, flags, attr, size);
#else
	return CU_SYSCALL_MISSING;
#endif
}

/*
 * statmount(2) and listmount(2), Linux 6.8: the kernel answers for one
 * mount, so no caller needs to parse all of mountinfo.  The structs are
 * <linux/mount.h>'s as of Linux 6.13 (512 bytes, then the strings).
 */
#ifndef STATX_MNT_ID_UNIQUE
# define STATX_MNT_ID_UNIQUE	0x00004000U
#endif
#ifndef __NR_statmount
# if defined(__x86_64__) || defined(__aarch64__) || defined(__i386__) || \
     defined(__arm__) || defined(__riscv) || defined(__powerpc__) || \
     defined(__s390__) || defined(__loongarch__)
#  define __NR_statmount	457
#  define __NR_listmount	458
# endif
#endif

#define CU_STATMOUNT_SB_BASIC	0x00000001U
#define CU_STATMOUNT_MNT_BASIC	0x00000002U
#define CU_STATMOUNT_MNT_ROOT	0x00000008U
#define CU_STATMOUNT_MNT_POINT	0x00000010U
#define CU_STATMOUNT_FS_TYPE	0x00000020U
#define CU_STATMOUNT_SB_SOURCE	0x00000200U
#define CU_STATMOUNT_OPT_ARRAY	0x00000400U	/* Linux 6.13 */
#define CU_LSMT_ROOT		0xffffffffffffffffULL	/* listmount: the whole namespace */

struct cu_mnt_id_req {
	__u32 size;
	__u32 spare;
	__u64 mnt_id;
	__u64 param;
};

struct cu_statmount {
	__u32 size;
	__u32 mnt_opts;
	__u64 mask;
	__u32 sb_dev_major;
	__u32 sb_dev_minor;
	__u64 sb_magic;
	__u32 sb_flags;
	__u32 fs_type;
	__u64 mnt_id;
	__u64 mnt_parent_id;
	__u32 mnt_id_old;
	__u32 mnt_parent_id_old;
	__u64 mnt_attr;
	__u64 mnt_propagation;
	__u64 mnt_peer_group;
	__u64 mnt_master;
	__u64 propagate_from;
	__u32 mnt_root;
	__u32 mnt_point;
	__u64 mnt_ns_id;
	__u32 fs_subtype;
	__u32 sb_source;
	__u32 opt_num;
	__u32 opt_array;
	__u64 spare2[47];
	char str[];
};

static inline int sys_statmount(const struct cu_mnt_id_req *req, struct cu_statmount *buf,
				size_t size, unsigned int flags)
{
#ifdef __NR_statmount
	return (int) syscall(__NR_statmount, req, buf, size, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

static inline ssize_t sys_listmount(const struct cu_mnt_id_req *req, __u64 *ids,
				    size_t n, unsigned int flags)
{
#ifdef __NR_listmount
	return (ssize_t) syscall(__NR_listmount, req, ids, n, flags);
#else
	return CU_SYSCALL_MISSING;
#endif
}

#endif /* CU_SYSCALLS_H */
