// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec-seal.c - binary sealing against CVE-2019-5736: run again from a
 * sealed in-memory copy of ourselves, or exec through the sealed
 * trampoline (exec-seal-tramp.c), as crun's cloned_binary.c does.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c.h"
#include "exec-seal.h"

/*
 * The sealed copy of our binary (CVE-2019-5736).  Only what execve(2)
 * reads is copied: the ELF header, the program headers and the segments.  The
 * section headers, symbols and debug information after them are for
 * debuggers, which cannot open a memfd's file anyway; with -g they are
 * most of the file (and of the copying).
 */
enum { SEAL_MAX_PHDRS = 64 };

#ifndef MFD_EXEC
# define MFD_EXEC	0x0010U		/* Linux 6.3 */
#endif

/* Does [@off, @off + @len) lie within a file of @size bytes? */
static bool within(uint64_t off, uint64_t len, off_t size)
{
	return off <= (uint64_t) size && len <= (uint64_t) size - off;
}

/*
 * The bytes of the ELF file @fd (@size bytes) that exec needs: up to the
 * end of the furthest segment.  @size when it is not an ELF file of our
 * own class that we can read.  On success *@eh is its ELF header.
 */
static off_t image_size(int fd, off_t size, ElfW(Ehdr) *eh)
{
	ElfW(Phdr) ph[SEAL_MAX_PHDRS];
	uint64_t end, len;
	size_t i;

	if (pread(fd, eh, sizeof(*eh), 0) != (ssize_t) sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_phentsize != sizeof(ph[0]) || eh->e_phnum == 0 ||
	    eh->e_phnum > ARRAY_SIZE(ph))
		return size;
	len = (uint64_t) eh->e_phnum * sizeof(ph[0]);
	if (!within(eh->e_phoff, len, size) ||
	    pread(fd, ph, (size_t) len, (off_t) eh->e_phoff) != (ssize_t) len)
		return size;
	end = eh->e_phoff + len;
	for (i = 0; i < eh->e_phnum; i++) {
		if (!within(ph[i].p_offset, ph[i].p_filesz, size))
			return size;
		if (ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	}
	return (off_t) (end > sizeof(*eh) ? end : sizeof(*eh));
}

/*
 * A memfd that may be sealed and executed: MFD_EXEC says so where
 * vm.memfd_noexec would otherwise make it non-executable; kernels before
 * 6.3 do not know the flag (EINVAL) and make every memfd executable.
 */
static int open_exec_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd < 0 ? -errno : fd;
}

/*
 * Copy @len bytes of @exe into @mfd.  When that is less than the file,
 * the copy's ELF header @eh no longer names section headers.  0 or -errno.
 */
static int copy_image(int mfd, int exe, off_t len, off_t size, ElfW(Ehdr) *eh)
{
	off_t off = 0;
	ssize_t n;

	while (off < len) {
		n = sendfile(mfd, exe, &off, (size_t) (len - off));
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
	}
	if (len == size)
		return 0;
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;
	n = pwrite(mfd, eh, sizeof(*eh), 0);
	if (n != (ssize_t) sizeof(*eh))
		return n < 0 ? -errno : -EIO;
	return 0;
}

/*
 * After filling @mfd (@r: 0, or the -errno of the filling): seal it so its
 * contents can no longer change.  @mfd, or -errno with @mfd closed.
 */
static int seal_filled(int mfd, int r)
{
	if (r == 0 && fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
			    F_SEAL_GROW | F_SEAL_WRITE) < 0)
		r = -errno;
	if (r == 0)
		return mfd;
	close(mfd);
	return r;
}

/* Copy the running binary into a sealed memfd; its fd, or -errno. */
static int sealed_copy_of_self(const char *name)
{
	_cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ElfW(Ehdr) eh;
	struct stat st;
	off_t len;
	int mfd, r;

	if (exe < 0)
		return -errno;
	/* already the copy: a memfd whose contents can no longer change */
	r = fcntl(exe, F_GET_SEALS);
	if (r >= 0 && (r & F_SEAL_WRITE))
		return -EALREADY;
	if (fstat(exe, &st) < 0)
		return -errno;
	len = image_size(exe, st.st_size, &eh);
	mfd = open_exec_memfd(name);
	if (mfd < 0)
		return mfd;
	r = copy_image(mfd, exe, len, st.st_size, &eh);
	return seal_filled(mfd, r);
}

int seal_reexec(char *const argv[])
{
	int r, mfd = sealed_copy_of_self(program_invocation_short_name);

	if (mfd == -EALREADY) {
		/*
		 * exec from a memfd named us "memfd:NAME": be NAME for ps
		 * again (a name only: failing to set it changes nothing else)
		 */
		(void) prctl(PR_SET_NAME, program_invocation_short_name, 0L, 0L, 0L);
		return 0;
	}
	if (mfd < 0)
		return mfd;
	fexecve(mfd, argv, environ);
	/* vm.memfd_noexec, or no exec of memfds at all: run on as we are */
	r = -errno;
	close(mfd);
	return r;
}

/*
 * The exec trampoline (common/exec-seal-tramp.c): a tiny static program, sealed
 * in a memfd like the copy above, that execs the program for us.
 */
int seal_tramp_open(const char *name, const unsigned char *image, size_t len)
{
	int mfd = open_exec_memfd(name), r;
	size_t off = 0;

	if (mfd < 0)
		return mfd;
	for (r = 0; r == 0 && off < len; ) {
		ssize_t n = write(mfd, image + off, len - off);

		if (n <= 0)
			r = n < 0 ? -errno : -EIO;
		else
			off += (size_t) n;
	}
	return seal_filled(mfd, r);
}

/* ERRFD in decimal: at most 10 digits and the NUL */
enum { SEAL_TRAMP_FDLEN = 12 };

char **seal_tramp_argv(int errfd, char *const argv[])
{
	size_t argc = 0, i;
	char **targv, *fdstr;

	while (argv[argc])
		argc++;
	targv = malloc((argc + 2) * sizeof(char *) + SEAL_TRAMP_FDLEN);
	if (!targv)
		return NULL;
	fdstr = (char *) (targv + argc + 2);
	snprintf(fdstr, SEAL_TRAMP_FDLEN, "%d", errfd);
	targv[0] = fdstr;
	for (i = 0; i <= argc; i++)
		targv[i + 1] = argv[i];
	return targv;
}

int seal_tramp_exec(int tramp, int errfd, char *const targv[])
{
	int r;

	/* the trampoline marks it close-on-exec again before the real exec */
	if (fcntl(errfd, F_SETFD, 0) < 0)
		return -errno;
#ifdef SYS_execveat
	syscall(SYS_execveat, tramp, "", targv, environ, AT_EMPTY_PATH);
	r = -errno;
#else
	r = -ENOSYS;
#endif
	(void) fcntl(errfd, F_SETFD, FD_CLOEXEC);	/* was so a moment ago */
	return r;
}

int seal_tramp_result(int rfd)
{
	int err = 0;

	if (read(rfd, &err, sizeof(err)) != (ssize_t) sizeof(err) || err <= 0)
		return 0;
	return err;
}
