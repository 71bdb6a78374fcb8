// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec-seal-tramp.c - the exec trampoline nsenter2 runs its program through.
 *
 * A freestanding static program (no libc, no dynamic loader: an exec of it
 * costs a tenth of what an exec of a glibc program does).  nsenter2 embeds
 * it, writes it to a sealed memfd and execs that; so at the moment the
 * program inside a container is exec'd, /proc/self/exe is the sealed copy
 * of this program, never the host's nsenter2 (CVE-2019-5736: a
 * "#!/proc/self/exe" program gets this trampoline, which then refuses to
 * run because its argv is not nsenter2's).
 *
 * Invoked as  ERRFD FILE ARG...  (ERRFD in decimal).  It marks ERRFD
 * close-on-exec and does what execvp(3) does with FILE and FILE ARG...:
 * without a '/', FILE is searched in PATH ("/bin:/usr/bin" when unset),
 * EACCES is remembered and the search goes on, as after ENOENT and
 * ENOTDIR; a file the kernel cannot execute (ENOEXEC) runs as
 * /bin/sh FILE ARG....  When nothing could be run it writes the errno
 * (an int, 4 bytes) to ERRFD and exits 127 for ENOENT, 126 otherwise; the
 * waiting nsenter2 reports it.
 *
 * Built with its own flags (bin/nsenter2.am), never the build's CFLAGS:
 * no stack protector (no TLS here for its canary), no sanitizers, no PIE.
 */
#if defined(__x86_64__)
# define NR_write	1
# define NR_fcntl	72
# define NR_execve	59
# define NR_exit_group	231
#elif defined(__aarch64__)
# define NR_write	64
# define NR_fcntl	25
# define NR_execve	221
# define NR_exit_group	94
#endif

#ifdef NR_execve
enum {
	T_ENOENT = 2, T_ENOEXEC = 8, T_EACCES = 13, T_ENOTDIR = 20,
	T_ENAMETOOLONG = 36, T_ESTALE = 116, T_ENODEV = 19, T_ETIMEDOUT = 110,
	T_F_SETFD = 2, T_FD_CLOEXEC = 1,
	T_PATH_MAX = 4096,
};

static long sys3(long n, long a, long b, long c)
{
	long r;
#if defined(__x86_64__)
	__asm__ volatile ("syscall"
			  : "=a" (r)
			  : "a" (n), "D" (a), "S" (b), "d" (c)
			  : "rcx", "r11", "memory");
#else
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile ("svc #0"
			  : "+r" (x0)
			  : "r" (x8), "r" (x1), "r" (x2)
			  : "memory");
	r = x0;
#endif
	return r;
}

/* execve(2): returns only on failure, with the errno (positive) */
static int try_exec(const char *path, char **argv, char **envp)
{
	return (int) -sys3(NR_execve, (long) path, (long) argv, (long) envp);
}

static __attribute__((noreturn)) void leave(int code)
{
	for (;;)
		(void) sys3(NR_exit_group, code, 0, 0);
}

static __attribute__((noreturn)) void fail(int errfd, int err)
{
	int e = err;

	if (errfd >= 0)
		(void) sys3(NR_write, errfd, (long) &e, sizeof(e));
	leave(err == T_ENOENT ? 127 : 126);
}

/* ERRFD: a decimal number, else -1 (not started by nsenter2) */
static int parse_fd(const char *s)
{
	long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int) v;
}

static const char *get_path(char **envp)
{
	const char *p;

	for (; *envp; envp++) {
		p = *envp;
		if (p[0] == 'P' && p[1] == 'A' && p[2] == 'T' && p[3] == 'H' && p[4] == '=')
			return p + 5;
	}
	return "/bin:/usr/bin";
}

static int has_slash(const char *s)
{
	for (; *s; s++)
		if (*s == '/')
			return 1;
	return 0;
}

/*
 * Exec @path with @args = @argv + 1 (FILE ARG...); on ENOEXEC as
 * /bin/sh PATH ARG..., built over @argv (its ERRFD slot is free).
 */
static int exec_one(const char *path, char **argv, char **envp)
{
	char *file = argv[1];
	int err = try_exec(path, argv + 1, envp);

	if (err != T_ENOEXEC)
		return err;
	argv[0] = (char *) "/bin/sh";
	argv[1] = (char *) path;
	err = try_exec("/bin/sh", argv, envp);
	argv[1] = file;
	return err;
}

static __attribute__((noreturn, used)) void tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **) (sp + 1);
	char **envp = argv + argc + 1;
	char buf[T_PATH_MAX + 1];
	const char *file, *p;
	int errfd, err, eacces = 0;
	long n, len;

	errfd = argc >= 2 ? parse_fd(argv[0]) : -1;
	if (errfd < 0)
		leave(126);	/* run other than by nsenter2 (#!/proc/self/exe) */
	if (sys3(NR_fcntl, errfd, T_F_SETFD, T_FD_CLOEXEC) < 0)
		errfd = -1;	/* not open: nobody to tell */
	file = argv[1];
	if (!*file)
		fail(errfd, T_ENOENT);
	if (has_slash(file))
		fail(errfd, exec_one(file, argv, envp));

	for (len = 0; file[len]; len++)
		;
	if (len > 255)
		fail(errfd, T_ENAMETOOLONG);
	err = T_ENOENT;
	p = get_path(envp);
	for (;;) {
		const char *q = p;
		long i = 0;

		while (*q && *q != ':')
			q++;
		n = q - p;
		if (n + len + 1 <= T_PATH_MAX) {
			for (i = 0; i < n; i++)
				buf[i] = p[i];
			if (n)
				buf[i++] = '/';
			for (long j = 0; j <= len; j++)
				buf[i + j] = file[j];
			err = exec_one(buf, argv, envp);
			if (err == T_EACCES)
				eacces = 1;
			else if (err != T_ENOENT && err != T_ENOTDIR && err != T_ESTALE &&
				 err != T_ENODEV && err != T_ETIMEDOUT)
				fail(errfd, err);
		}
		if (!*q)
			break;
		p = q + 1;
	}
	fail(errfd, eacces ? T_EACCES : err);
}

/* the kernel's entry: the stack pointer points at argc, argv, envp */
#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall tramp_main\n\thlt\n");
#else
__asm__(".text\n.global _start\n_start:\n"
	"\tmov x29, #0\n\tmov x30, #0\n\tmov x0, sp\n\tbl tramp_main\n\tbrk #0\n");
#endif
#endif /* NR_execve */
