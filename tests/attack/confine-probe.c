// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * confine-probe - try one thing a hostile root in a container would try,
 * in a way that does no harm when it works, and say what happened:
 *   "blocked: <errno name>" (exit 0)  the kernel refused it
 *   "allowed[: detail]"     (exit 1)  it worked (or reached the kernel's own checks)
 *   "error: ..."            (exit 2)  the probe itself could not run
 *
 * Probes (all harmless when they succeed):
 *   write-open PATH      open PATH for writing, close without writing a byte
 *   mount DIR            mount a 4 KiB tmpfs on DIR, unmount it at once
 *   cgroup1 DIR CTRL     mount the cgroup v1 hierarchy of CTRL on DIR (CVE-2022-0492's
 *                        first step), unmount it; release_agent is never written
 *   blockdev MAJ MIN NODE MARK   mknod NODE as a block device MAJ:MIN and read its
 *                        first 512 bytes: "allowed" only when they hold MARK
 *   module               init_module with 8 zero bytes and finit_module(-1):
 *                        past the capability check the loader refuses garbage
 *   keyctl               read the session keyring's id (creates nothing)
 *   bpf                  BPF_MAP_CREATE with an empty attribute (EINVAL past seccomp)
 *   perf                 perf_event_open with an attribute of size 1 (E2BIG/EINVAL)
 *   userns               unshare(CLONE_NEWUSER), then exit
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int blocked(int err)
{
	printf("blocked: %s\n", strerrorname_np(err));
	return 0;
}

static int allowed(const char *detail)
{
	printf("allowed%s%s\n", detail ? ": " : "", detail ? detail : "");
	return 1;
}

static int error(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	return 2;
}

/* A syscall whose success or non-EPERM failure means it reached the kernel's code. */
static int reached(long r, const char *name)
{
	char buf[64];

	if (r < 0 && errno == EPERM)
		return blocked(EPERM);
	snprintf(buf, sizeof(buf), "%s returned %ld (%s)", name, r,
		 r < 0 ? strerrorname_np(errno) : "ok");
	return allowed(buf);
}

static int write_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return error(path);
		return blocked(errno);
	}
	close(fd);	/* not a byte written */
	return allowed(NULL);
}

static int probe_mount(const char *dir, const char *type, const char *data)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return error(dir);
	if (mount(type, dir, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0) {
		if (errno == EPERM || errno == EACCES || errno == EROFS)
			return blocked(errno);
		printf("error: mount %s: %s\n", type, strerror(errno));
		return 2;
	}
	umount2(dir, MNT_DETACH);
	return allowed(type);
}

static int blockdev(const char *maj, const char *min, const char *node, const char *mark)
{
	char buf[513] = "";
	ssize_t n;
	int fd;

	if (mknod(node, S_IFBLK | 0600, makedev(atoi(maj), atoi(min))) < 0)
		return blocked(errno);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	unlink(node);
	if (fd < 0)
		return blocked(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return blocked(errno);
	if (!strstr(buf, mark)) {
		printf("blocked: read %zd bytes, not the host's\n", n);
		return 0;
	}
	return allowed("read the host's device");
}

static int module(void)
{
	static const char junk[8];

	if (syscall(SYS_init_module, junk, sizeof(junk), "") == 0)
		return allowed("init_module loaded junk?");
	if (errno != EPERM)
		return reached(-1, "init_module");
	errno = 0;
	return reached(syscall(SYS_finit_module, -1, "", 0), "finit_module");
}

int main(int argc, char **argv)
{
	const char *p = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(p, "write-open") && argc == 3)
		return write_open(argv[2]);
	if (!strcmp(p, "mount") && argc == 3)
		return probe_mount(argv[2], "tmpfs", "size=4k");
	if (!strcmp(p, "cgroup1") && argc == 4)
		return probe_mount(argv[2], "cgroup", argv[3]);
	if (!strcmp(p, "blockdev") && argc == 6)
		return blockdev(argv[2], argv[3], argv[4], argv[5]);
	if (!strcmp(p, "module"))
		return module();
	if (!strcmp(p, "keyctl"))
		return reached(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
				       KEY_SPEC_SESSION_KEYRING, 0), "keyctl");
	if (!strcmp(p, "bpf")) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		return reached(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)), "bpf");
	}
	if (!strcmp(p, "perf")) {
		struct perf_event_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.size = 1;
		return reached(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0), "perf_event_open");
	}
	if (!strcmp(p, "userns"))
		return reached(unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)");
	fprintf(stderr, "usage: confine-probe PROBE [ARG...] (see the source)\n");
	return 2;
}
