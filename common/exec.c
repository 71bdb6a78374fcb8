// SPDX-License-Identifier: GPL-2.0-or-later
/* exec.c - exec with 126/127, child supervision and status translation */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "exec.h"
#include "strutils.h"
#include "syscalls.h"

/*
 * The descriptors above 2 this process was started with.  The caller handed
 * them down on purpose (a socket-activation fd, a notification pipe, a
 * script's "3<file"), so they stay for the program, as env(1) keeps them;
 * only what we opened ourselves must not reach it.  They are recorded by a
 * constructor, before any of our own code has opened anything.
 *
 * Only numbers below EXEC_OWN_MAX are looked at, at start and at exec: the
 * kernel hands out the lowest free number, so what we open lands there
 * unless a thousand descriptors are open at once, which no tool does.
 * Numbers from EXEC_OWN_MAX up are the caller's and are left alone.  That
 * bound makes the record one or two poll(2) calls instead of a read of
 * /proc/self/fd (an open, two getdents and a close: a tenth of a
 * millisecond on every start).
 */
enum {
	EXEC_MAX_INHERITED = 256,
	EXEC_OWN_MAX = 1024,
	EXEC_POLL_CHUNK = 512,
};
static int inherited_fds[EXEC_MAX_INHERITED];
static size_t n_inherited;
static bool inherited_unknown;	/* too many, or no way to tell: mark nothing */

static void note_inherited(int fd)
{
	if (n_inherited < EXEC_MAX_INHERITED)
		inherited_fds[n_inherited++] = fd;
	else
		inherited_unknown = true;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

/* poll(2) with no events answers POLLNVAL for a number that is not open. */
__attribute__((constructor)) static void record_inherited_fds(void)
{
	struct pollfd pfd[EXEC_POLL_CHUNK];
	struct rlimit rl;
	unsigned base, i, chunk = EXEC_POLL_CHUNK;

	/* poll(2) takes at most RLIMIT_NOFILE entries per call */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < chunk)
		chunk = (unsigned) rl.rlim_cur;
	if (chunk == 0) {
		inherited_unknown = true;
		return;
	}
	for (base = 3; base < EXEC_OWN_MAX; base += chunk) {
		unsigned n = EXEC_OWN_MAX - base < chunk ? EXEC_OWN_MAX - base : chunk;

		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd) { .fd = (int) (base + i) };
		if (poll(pfd, n, 0) < 0) {
			inherited_unknown = true;
			return;
		}
		for (i = 0; i < n; i++)
			if (!(pfd[i].revents & POLLNVAL))
				note_inherited(pfd[i].fd);
	}
	/* in ascending order by construction */
}

static bool is_inherited(int fd)
{
	return bsearch(&fd, inherited_fds, n_inherited, sizeof(int), cmp_int) != NULL;
}

/* Mark fds in [lo, hi] close-on-exec by walking /proc/self/fd. */
static int cloexec_walk(unsigned lo, unsigned hi, bool keep_inherited)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint32_t fd;
		int flags;

		if (parse_u32(de->d_name, &fd) < 0 || fd < lo || fd > hi ||
		    (int) fd == dirfd(d) || (keep_inherited && is_inherited((int) fd)))
			continue;
		flags = fcntl((int) fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC))
			(void) fcntl((int) fd, F_SETFD, flags | FD_CLOEXEC); /* best effort: fd may be gone */
	}
	closedir(d);
	return 0;
}

static bool close_range_unusable(void)
{
	return errno == ENOSYS || errno == EINVAL || errno == EPERM;
}

int exec_cloexec_from(int from)
{
	if (sys_close_range((unsigned) from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (!close_range_unusable())
		return -errno;
	return cloexec_walk((unsigned) from, ~0U, false);
}

int exec_cloexec_own(void)
{
	unsigned lo = 3;
	size_t i;

	if (inherited_unknown)
		return 0;	/* cannot tell ours: O_CLOEXEC alone protects */
	for (i = 0; i <= n_inherited; i++) {
		unsigned hi = i < n_inherited ? (unsigned) inherited_fds[i] - 1 : EXEC_OWN_MAX - 1;

		if (hi >= lo && sys_close_range(lo, hi, CLOSE_RANGE_CLOEXEC) < 0) {
			if (!close_range_unusable())
				return -errno;
			return cloexec_walk(3, EXEC_OWN_MAX - 1, true);
		}
		if (i < n_inherited)
			lo = (unsigned) inherited_fds[i] + 1;
	}
	return 0;
}

/*
 * exec_program(), and for @child the same without exit(3): a child that
 * shares its parent's memory must not run the parent's atexit handlers,
 * which would close the parent's stdout under it.
 */
static __noreturn void exec_or_leave(char *const argv[], bool child)
{
	int code;

	/*
	 * fds we opened are O_CLOEXEC already; this backs that up.  fds 0-2
	 * and whatever the caller handed down to us stay.
	 */
	if (exec_cloexec_own() < 0)
		warn(_("cannot mark file descriptors close-on-exec"));
	fflush(stdout);
	execvp(argv[0], argv);
	code = errno == ENOENT ? CU_EXIT_ENOENT : CU_EXIT_CANNOT_INVOKE;
	warn(_("cannot execute %s"), argv[0]);
	if (child)
		_exit(code);
	exit(code);
}

void exec_program(char *const argv[])
{
	exec_or_leave(argv, false);
}

const char *exec_shell_path(void)
{
	const char *shell = getenv("SHELL");

	return shell && *shell ? shell : "/bin/sh";
}

/* $SHELL, else /bin/sh, as an argv */
static void shell_argv(char *argv[2])
{
	argv[0] = (char *) exec_shell_path();
	argv[1] = NULL;
}

void exec_shell(void)
{
	char *argv[2];

	shell_argv(argv);
	exec_program(argv);
}

void exec_program_or_shell(char *const argv[])
{
	if (argv && argv[0])
		exec_program(argv);
	exec_shell();
}

void exec_child_program_or_shell(char *const argv[])
{
	char *sh[2];

	if (argv && argv[0])
		exec_or_leave(argv, true);
	shell_argv(sh);
	exec_or_leave(sh, true);
}

int exec_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return CU_EXIT_CANCELED;
}

void exec_forward_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGWINCH);
}

int exec_block_forwarded(sigset_t *old)
{
	sigset_t set;

	exec_forward_sigset(&set);
	/* SIGCHLD too: the supervisor learns of the child's end through it */
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	return 0;
}

int exec_restore_sigmask(const sigset_t *old)
{
	if (sigprocmask(SIG_SETMASK, old, NULL) < 0)
		return -errno;
	return 0;
}

static void forward_signal(pid_t pid, int pidfd, int sig)
{
	if (pidfd >= 0 && sys_pidfd_send_signal(pidfd, sig, NULL, 0) == 0)
		return;
	/* ESRCH: the child is gone; its status is collected next */
	(void) kill(pid, sig);
}

int exec_supervise(pid_t pid, int pidfd, int *wstatus)
{
	sigset_t set, old;
	int sfd, r = 0;

	exec_forward_sigset(&set);
	sigaddset(&set, SIGCHLD);
	/*
	 * signalfd only sees blocked signals: block them here too, in case the
	 * caller did not (a SIGCHLD left unblocked would make us wait forever).
	 */
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		r = -errno;
		(void) sigprocmask(SIG_SETMASK, &old, NULL); /* cannot fail: valid set */
		return r;
	}
	for (;;) {
		struct signalfd_siginfo si;
		pid_t w = waitpid(pid, wstatus, WNOHANG);
		ssize_t n;

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t) sizeof(si)) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		if (si.ssi_signo != SIGCHLD)
			forward_signal(pid, pidfd, (int) si.ssi_signo);
	}
	close(sfd);
	(void) sigprocmask(SIG_SETMASK, &old, NULL); /* cannot fail: valid set */
	return r;
}

void exec_exit_like(int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		struct rlimit nocore = { 0, 0 };
		sigset_t set;

		fflush(stdout);
		fflush(stderr);
		/* the child may have dumped core; we must not dump another */
		(void) setrlimit(RLIMIT_CORE, &nocore);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		(void) sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		exit(128 + sig);
	}
	exit(exec_status_code(wstatus));
}

/*
 * The sealed copy of our binary (CVE-2019-5736).  Only what execve(2)
 * reads is copied: the ELF header, the program headers and the segments.  The
 * section headers, symbols and debug information after them are for
 * debuggers, which cannot open a memfd's file anyway; with -g they are
 * most of the file (and of the copying).
 */
enum { EXEC_MAX_PHDRS = 64 };

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
static off_t exec_image_size(int fd, off_t size, ElfW(Ehdr) *eh)
{
	ElfW(Phdr) ph[EXEC_MAX_PHDRS];
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
static int exec_memfd(const char *name)
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
static int exec_memfd_seal(int mfd, int r)
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
	len = exec_image_size(exe, st.st_size, &eh);
	mfd = exec_memfd(name);
	if (mfd < 0)
		return mfd;
	r = copy_image(mfd, exe, len, st.st_size, &eh);
	return exec_memfd_seal(mfd, r);
}

int exec_reexec_sealed(char *const argv[])
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
int exec_tramp_memfd(const char *name, const unsigned char *image, size_t len)
{
	int mfd = exec_memfd(name), r;
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
	return exec_memfd_seal(mfd, r);
}

/* ERRFD in decimal: at most 10 digits and the NUL */
enum { EXEC_TRAMP_FDLEN = 12 };

char **exec_tramp_argv(int errfd, char *const argv[])
{
	size_t argc = 0, i;
	char **targv, *fdstr;

	while (argv[argc])
		argc++;
	targv = malloc((argc + 2) * sizeof(char *) + EXEC_TRAMP_FDLEN);
	if (!targv)
		return NULL;
	fdstr = (char *) (targv + argc + 2);
	snprintf(fdstr, EXEC_TRAMP_FDLEN, "%d", errfd);
	targv[0] = fdstr;
	for (i = 0; i <= argc; i++)
		targv[i + 1] = argv[i];
	return targv;
}

int exec_tramp(int tramp, int errfd, char *const targv[])
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

int exec_tramp_result(int rfd)
{
	int err = 0;

	if (read(rfd, &err, sizeof(err)) != (ssize_t) sizeof(err) || err <= 0)
		return 0;
	return err;
}
