// SPDX-License-Identifier: GPL-2.0-or-later
/* test_exec.c - status translation, signal forwarding, exec and fds */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "exec.h"
#include "exec-spawn.h"
#include "strutils.h"
#include "syscalls.h"
#include "unit.h"

static char *self;

static void test_status_code(void)
{
	pid_t pid;
	int ws;

	CHECK(exec_status_code(W_EXITCODE(0, 0)) == 0);
	CHECK(exec_status_code(W_EXITCODE(3, 0)) == 3);
	CHECK(exec_status_code(W_EXITCODE(255, 0)) == 255);
	CHECK(exec_status_code(W_EXITCODE(0, SIGKILL)) == 137);
	CHECK(exec_status_code(W_EXITCODE(0, SIGTERM)) == 143);
	CHECK(exec_status_code(W_STOPCODE(SIGSTOP)) == CU_EXIT_CANCELED);
	pid = fork();
	if (pid == 0)
		_exit(42);
	CHECK(waitpid(pid, &ws, 0) == pid && exec_status_code(ws) == 42);
	pid = fork();
	if (pid == 0) {
		raise(SIGUSR2);	/* not SIGSEGV: ASan would catch that one */
		_exit(0);
	}
	CHECK(waitpid(pid, &ws, 0) == pid && exec_status_code(ws) == 128 + SIGUSR2);
}

static void usr1_exit(int sig)
{
	(void) sig;
	_exit(7);
}

/* Fork a child that waits for signals with the original mask. */
static pid_t spawn_waiter(const sigset_t *old, bool handle_usr1)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (handle_usr1)
		signal(SIGUSR1, usr1_exit);
	if (exec_restore_sigmask(old) < 0)
		_exit(99);
	for (;;)
		pause();
}

static void test_supervise(void)
{
	sigset_t old;
	pid_t pid;
	int ws = 0, pidfd;

	alarm(20);	/* a hang is a failure, not a stuck suite */
	CHECK(exec_block_forwarded(&old) == 0);
	pid = spawn_waiter(&old, false);
	CHECK(kill(getpid(), SIGTERM) == 0);	/* pending: we blocked it */
	CHECK(exec_supervise(pid, -1, &ws) == 0);
	CHECK_MSG(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM,
		  "exec_supervise forwards SIGTERM to the child, which dies of it");

	pid = spawn_waiter(&old, true);
	pidfd = sys_pidfd_open(pid, 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(exec_supervise(pid, pidfd, &ws) == 0);
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 7,
		  "exec_supervise forwards SIGUSR1 through a pidfd; child exits 7");
	if (pidfd >= 0)
		close(pidfd);

	pid = fork();
	if (pid == 0)
		_exit(3);
	CHECK(exec_supervise(pid, -1, &ws) == 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 3);
	CHECK(exec_restore_sigmask(&old) == 0);

	/* not blocked beforehand: exec_supervise blocks what it needs itself */
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		_exit(5);
	}
	CHECK_MSG(exec_supervise(pid, -1, &ws) == 0 && WEXITSTATUS(ws) == 5,
		  "exec_supervise returns when the caller did not block SIGCHLD");
	CHECK(exec_supervise(pid, -1, &ws) == -ECHILD);
	alarm(0);
}

/* A child that ignores SIGTERM and waits to be killed. */
static pid_t spawn_stubborn(const sigset_t *old)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	signal(SIGTERM, SIG_IGN);
	if (exec_restore_sigmask(old) < 0)
		_exit(99);
	for (;;)
		pause();
}

static int stops_called;

static void count_stop(pid_t pid, int pidfd, void *data)
{
	(void) pidfd;
	stops_called++;
	CHECK(data == &stops_called);
	(void) kill(pid, SIGUSR2);
}

static bool kill_at_once(pid_t pid, int sig, void *data)
{
	(void) data;
	(void) sig;
	(void) kill(pid, SIGKILL);
	return true;
}

/* The stop rule: grace period, the watch's stop, and on_stop. */
static void test_supervise_watch(void)
{
	struct exec_watch w = { .stop_timeout = 0 };
	sigset_t old;
	pid_t pid;
	int ws = 0;

	alarm(20);
	CHECK(exec_block_forwarded(&old) == 0);
	pid = spawn_stubborn(&old);
	CHECK(kill(getpid(), SIGTERM) == 0);
	CHECK(exec_supervise_watch(pid, -1, &w, &ws) == 0);
	CHECK_MSG(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
		  "a child that ignores SIGTERM is SIGKILLed after the grace period");

	w.stop_timeout = 1;
	w.stop = count_stop;
	w.data = &stops_called;
	pid = spawn_stubborn(&old);
	CHECK(kill(getpid(), SIGTERM) == 0);
	CHECK(exec_supervise_watch(pid, -1, &w, &ws) == 0);
	CHECK_MSG(stops_called == 1 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGUSR2,
		  "the watch's stop ends the child once the grace period is over");

	w.stop = NULL;
	w.on_stop = kill_at_once;
	pid = spawn_waiter(&old, true);
	CHECK(kill(getpid(), SIGHUP) == 0);
	CHECK(exec_supervise_watch(pid, -1, &w, &ws) == 0);
	CHECK_MSG(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
		  "on_stop that ends the child: the stop signal is not forwarded");

	pid = spawn_waiter(&old, true);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(exec_supervise_watch(pid, -1, &w, &ws) == 0);
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 7,
		  "a signal that is no stop is forwarded, on_stop not asked");
	CHECK(exec_restore_sigmask(&old) == 0);
	alarm(0);
}

/* A spawn_vm child that fails with a reason: system calls only. */
static int vm_fails(struct spawn *sp)
{
	struct cu_error e = { .errnum = EPERM };

	if (spawn_ready(sp) < 0)
		return 99;
	memcpy(e.msg, "cannot join", sizeof("cannot join"));
	spawn_fail(sp, &e);
}

/* Start @sp with a handshake; its PID, or -1. */
static pid_t start_shaken(struct spawn *sp)
{
	if (spawn_pipes(sp) < 0)
		return -1;
	return spawn_start(sp);
}

/* The one handshake: ready, failed with a reason, died, and go. */
static void test_spawn(void)
{
	struct cu_error e = { 0 };
	struct spawn sp = { .handshake = true, .plain_fork = true };
	pid_t pid;
	int ws;

	alarm(20);
	pid = start_shaken(&sp);
	if (pid == 0)
		_exit(spawn_ready(&sp) < 0 ? 98 : 0);
	CHECK_MSG(pid > 0 && spawn_wait(&sp, &e) == 1,
		  "spawn_wait: 1 once the child said ready and hung up");
	CHECK(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);

	pid = start_shaken(&sp);
	if (pid == 0) {
		e.errnum = ENOENT;
		snprintf(e.msg, sizeof(e.msg), "cannot open %s", "x");
		spawn_fail(&sp, &e);
	}
	memset(&e, 0, sizeof(e));
	CHECK_MSG(pid > 0 && spawn_wait(&sp, &e) == -1 && e.errnum == ENOENT &&
		  strcmp(e.msg, "cannot open x") == 0,
		  "spawn_wait: -1 and the child's reason after spawn_fail");
	CHECK_MSG(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
		  WEXITSTATUS(ws) == CU_EXIT_CANCELED, "spawn_fail exits 125");

	pid = start_shaken(&sp);
	if (pid == 0)
		_exit(3);
	CHECK_MSG(pid > 0 && spawn_wait(&sp, &e) == 0,
		  "spawn_wait: 0 for a child that died without a word");
	CHECK(waitpid(pid, &ws, 0) == pid);

	sp.go = true;
	pid = start_shaken(&sp);
	if (pid == 0)
		_exit(spawn_ready(&sp) < 0 ? 98 : 4);
	CHECK_MSG(pid > 0 && spawn_wait(&sp, &e) == 1 && spawn_go(&sp) == 0 &&
		  spawn_wait(&sp, &e) == 1, "go: ready, go, then the hang-up");
	CHECK_MSG(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 4,
		  "the child went on after go");

	pid = start_shaken(&sp);
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);	/* see the EPIPE, not die of it */
		usleep(100000);
		_exit(spawn_ready(&sp) < 0 ? 98 : 0);
	}
	spawn_close(&sp);
	CHECK_MSG(pid > 0 && waitpid(pid, &ws, 0) == pid && WEXITSTATUS(ws) == 98,
		  "spawn_ready: -1 when the parent is gone before go");

	sp = (struct spawn) { .handshake = true, .share_vm = true, .child = vm_fails,
			      .clone = { .exit_signal = SIGCHLD } };
	pid = start_shaken(&sp);
	if (pid == 0)	/* the fork-like fallback (ASan, no clone3) */
		vm_fails(&sp);
	CHECK_MSG(pid > 0 && spawn_wait(&sp, &e) == -1 && e.errnum == EPERM &&
		  strcmp(e.msg, "cannot join") == 0,
		  "a spawn_vm child (or its fork-like fallback) reports through the pipe");
	CHECK(waitpid(pid, &ws, 0) == pid && WEXITSTATUS(ws) == CU_EXIT_CANCELED);
	alarm(0);
}

/* What sh prints as $? after running us in --exit-like mode. */
static int shell_sees(const char *mode, int n)
{
	char cmd[512];
	FILE *p;
	int v = -1;

	snprintf(cmd, sizeof(cmd), "exec 2>/dev/null; '%s' %s %d; echo $?", self, mode, n);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &v) != 1)
		v = -1;
	pclose(p);
	return v;
}

static void test_exit_like(void)
{
	CHECK(shell_sees("--exit-like-signal", SIGTERM) == 128 + SIGTERM);
	CHECK(shell_sees("--exit-like-signal", SIGKILL) == 128 + SIGKILL);
	CHECK(shell_sees("--exit-like-signal", SIGINT) == 128 + SIGINT);
	CHECK_MSG(shell_sees("--exit-like-ignored", SIGTERM) == 128 + SIGTERM,
		  "exec_exit_like restores SIG_DFL of an ignored, blocked signal");
	CHECK_MSG(shell_sees("--exit-like-signal", SIGWINCH) == 128 + SIGWINCH,
		  "exec_exit_like exits 128+N when the signal does not kill");
	CHECK(shell_sees("--exit-like-code", 0) == 0);
	CHECK(shell_sees("--exit-like-code", 3) == 3);
	CHECK(shell_sees("--exit-like-code", 255) == 255);
}

static bool is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

static void test_cloexec(void)
{
	int a = open("/dev/null", O_RDONLY);
	int b = dup2(a, 40), c = dup2(a, 41);

	CHECK(a >= 3 && a < 10 && b == 40 && c == 41);
	CHECK(!is_cloexec(a) && !is_cloexec(b));
	CHECK(exec_cloexec_from(10) == 0);
	CHECK_MSG(is_cloexec(40) && is_cloexec(41), "exec_cloexec_from marks fds >= from");
	CHECK_MSG(!is_cloexec(a), "exec_cloexec_from leaves fds below from alone");
	CHECK(!is_cloexec(0) && !is_cloexec(1) && !is_cloexec(2));
	close(a);
	close(b);
	close(c);
}

/* In a child: close_range() fails with ENOSYS, as on kernels before 5.9. */
static void cloexec_fallback(const void *arg)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };
	int a = open("/dev/null", O_RDONLY);

	(void) arg;
	if (a < 0 || dup2(a, 50) != 50)
		_exit(2);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		_exit(3);
	if (sys_close_range(10, ~0U, CLOSE_RANGE_CLOEXEC) == 0 || errno != ENOSYS)
		_exit(4);	/* the filter did not take */
	if (exec_cloexec_from(10) < 0)
		_exit(5);
	_exit(is_cloexec(50) && !is_cloexec(a) ? 0 : 6);
}

static void test_cloexec_fallback(void)
{
	char err[256];
	int ws = unit_run_child(cloexec_fallback, NULL, err, sizeof(err));

	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
		  "exec_cloexec_from walks /proc/self/fd when close_range is ENOSYS");
}

static void run_argv(const void *arg)
{
	exec_program((char *const *) arg);
}

static void test_exec_program(void)
{
	char *missing[] = { (char *) "/nonexistent/cu-no-such-program", NULL };
	char *missing_path[] = { (char *) "cu-no-such-program", NULL };
	char *notexec[] = { (char *) "/", NULL };
	char *fdcheck[] = { (char *) "sh", (char *) "-c",
			    (char *) "[ ! -e /proc/self/fd/42 ] && [ -e /proc/self/fd/2 ]", NULL };
	char err[512];
	int ws, fd;

	ws = unit_run_child(run_argv, missing, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 127);
	CHECK(strstr(err, "cannot execute /nonexistent/cu-no-such-program: No such file") != NULL);
	/* execvp reports EACCES (126) if a PATH entry is unreadable: use ours */
	setenv("PATH", "/usr/bin:/bin", 1);
	ws = unit_run_child(run_argv, missing_path, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 127);
	ws = unit_run_child(run_argv, notexec, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 126 && strstr(err, "cannot execute /"));
	fd = open("/dev/null", O_RDONLY);
	CHECK(dup2(fd, 42) == 42);
	ws = unit_run_child(run_argv, fdcheck, err, sizeof(err));
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
		  "exec_program: an inherited fd 42 is not passed on, fd 2 is");
	close(42);
	close(fd);
}

static void run_shell(const void *arg)
{
	if (arg)
		setenv("SHELL", arg, 1);
	else
		unsetenv("SHELL");
	exec_program_or_shell(NULL);
}

static void test_exec_shell(void)
{
	char err[512];
	int ws;

	ws = unit_run_child(run_shell, "/bin/false", err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 1);
	ws = unit_run_child(run_shell, "/nonexistent/sh", err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 127);
	ws = unit_run_child(run_shell, NULL, err, sizeof(err));	/* /bin/sh, stdin of the test */
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
}

static int exit_like_mode(const char *mode, const char *arg)
{
	uint32_t n;

	if (parse_u32(arg, &n) < 0)
		return 2;
	if (streq(mode, "--exit-like-code"))
		exec_exit_like(W_EXITCODE((int) n, 0));
	if (streq(mode, "--exit-like-ignored")) {
		sigset_t set;

		signal((int) n, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, (int) n);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	exec_exit_like(W_EXITCODE(0, (int) n));
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3)
		return exit_like_mode(argv[1], argv[2]);
	if (!freopen("/dev/null", "r", stdin))
		return 2;
	test_status_code();
	test_supervise();
	test_supervise_watch();
	test_spawn();
	test_exit_like();
	test_cloexec();
	test_cloexec_fallback();
	test_exec_program();
	test_exec_shell();
	return unit_done();
}
