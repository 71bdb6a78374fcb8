// SPDX-License-Identifier: GPL-2.0-or-later
/* test_explain.c - teaching mode's lines, concepts, and the dry run's plan */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c.h"
#include "explain.h"
#include "syscalls.h"
#include "unit.h"

static char dir[64];

/* Each child: set the mode, make one call, report it on stdout. */
static void mkdir_off(const void *arg)
{
	(void) arg;
	explain_mode = EXPLAIN_OFF;
	_exit(ex_mkdir(dir, 0700) == 0 ? 0 : 1);
}

static void mkdir_on(const void *arg)
{
	(void) arg;
	explain_enable();
	_exit(ex_mkdir(dir, 0700) == 0 ? 0 : 1);
}

static void rmdir_missing(const void *arg)
{
	int r;

	(void) arg;
	explain_enable();
	r = ex_rmdir("/nonexistent-cu-explain");
	_exit(r == -1 && errno == ENOENT ? 0 : 1);
}

static void mkdir_dry(const void *arg)
{
	(void) arg;
	dup2(STDERR_FILENO, STDOUT_FILENO);	/* the plan's stdout, captured with stderr */
	explain_enable_dry_run();
	explain_enable();	/* --explain after --dry-run: still a dry run */
	_exit(ex_mkdir(dir, 0700) == 0 ? 0 : 1);
}

static void mount_dry(const void *arg)
{
	(void) arg;
	dup2(STDERR_FILENO, STDOUT_FILENO);	/* the plan's stdout, captured with stderr */
	explain_enable_dry_run();
	_exit(ex_mount("none", "/nonexistent-cu-explain", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	      ex_unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
}

static void begin_dry(const void *arg)
{
	struct explain_step s;

	(void) arg;
	dup2(STDERR_FILENO, STDOUT_FILENO);	/* the plan's stdout, captured with stderr */
	explain_enable_dry_run();
	if (explain_begin(&s, EXPLAIN_PRIV_NET, "RTM_NEWLINK \"x\""))
		_exit(1);	/* a dry run must not perform the step */
	explain_concept(&s, "ip link add x");
	explain_end(&s, 0, 0);
	_exit(0);
}

/* A step without a twin, through each of its two entry points. */
static void step_dry(const void *arg)
{
	struct explain_step s;

	dup2(STDERR_FILENO, STDOUT_FILENO);	/* the plan's stdout, captured with stderr */
	explain_enable_dry_run();
	if (arg) {
		explain_dry_step(EXPLAIN_PRIV_FILE, "a record", "write %s", "/run/x");
		_exit(0);
	}
	if (explain_step_begin(&s, EXPLAIN_PRIV_FILE, "a record", "write %s", "/run/x"))
		_exit(1);	/* a dry run must not perform the step */
	_exit(0);
}

static void step_explain_only(const void *arg)
{
	(void) arg;
	explain_enable();	/* not a dry run: a dry-run-only step says nothing */
	explain_dry_step(EXPLAIN_PRIV_FILE, "a record", "write %s", "/run/x");
	_exit(0);
}

static void note_on(const void *arg)
{
	explain_enable();
	explain_note("%s", (const char *) arg);
	_exit(0);
}

static void note_off(const void *arg)
{
	explain_mode = EXPLAIN_OFF;
	explain_note("%s", (const char *) arg);
	_exit(0);
}

struct wr {
	const char *file, *value;
};

static void write_on(const void *arg)
{
	const struct wr *w = arg;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, w->file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		_exit(2);
	explain_enable();
	_exit(ex_write_path(fd, w->value, strlen(w->value), path) == (ssize_t) strlen(w->value) ? 0 : 1);
}

static bool has(const char *err, const char *what)
{
	if (strstr(err, what))
		return true;
	printf("# no \"%s\" in: %s\n", what, err);
	return false;
}

static void concept(const char *file, const char *value, const char *want)
{
	struct wr w = { file, value };
	char err[2048], name[160];
	int ws = unit_run_child(write_on, &w, err, sizeof(err));

	snprintf(name, sizeof(name), "write %s: %s", file, want);
	CHECK_MSG(ws == 0 && has(err, want), name);
	snprintf(name, sizeof(name), "%s/%s", dir, file);
	unlink(name);
}

int main(void)
{
	char err[2048], line[256];
	struct stat st;
	int ws;

	snprintf(dir, sizeof(dir), "/tmp/cu-test-explain.%d", (int) getpid());

	ws = unit_run_child(mkdir_off, NULL, err, sizeof(err));
	CHECK_MSG(ws == 0 && err[0] == '\0' && stat(dir, &st) == 0, "off: the call made, nothing said");
	rmdir(dir);

	ws = unit_run_child(mkdir_on, NULL, err, sizeof(err));
	snprintf(line, sizeof(line), "test_explain \u25b8 mkdir(\"%s\", 0700) \u2192 0\n", dir);
	CHECK_MSG(ws == 0 && streq(err, line) && stat(dir, &st) == 0, "on: the call made and said with its result");
	if (!streq(err, line))
		printf("# got: %s# want: %s", err, line);

	{
		char begin[2048];

		ws = unit_run_child(step_dry, NULL, begin, sizeof(begin));
		CHECK_MSG(ws == 0 && has(begin, "write /run/x  (needs ") && has(begin, "[a record]"),
			  "explain_step_begin in a dry run: the step planned, not made");
		ws = unit_run_child(step_dry, "dry", err, sizeof(err));
		CHECK_MSG(ws == 0 && streq(err, begin),
			  "explain_dry_step prints the very line explain_step_begin plans");
		ws = unit_run_child(step_explain_only, NULL, err, sizeof(err));
		CHECK_MSG(ws == 0 && err[0] == '\0', "explain_dry_step outside a dry run: nothing");
	}

	ws = unit_run_child(rmdir_missing, NULL, err, sizeof(err));
	CHECK_MSG(ws == 0 && has(err, "rmdir(\"/nonexistent-cu-explain\") \u2192 -1 ENOENT (No such file or directory)"),
		  "a failure: said with its errno, and errno kept for the caller");

	concept("cpu.max", "20000 100000", "[cpu 20 %: 20 ms of every 100 ms]");
	concept("cpu.max", "150000 100000", "[cpu 150 %: 150 ms of every 100 ms]");
	concept("cpu.max", "max 100000", "[cpu: no limit]");
	concept("memory.max", "268435456", "[memory limit 256 MiB]");
	concept("pids.max", "64", "[at most 64 processes]");
	concept("cgroup.procs", "4242", "[move process 4242 into the cgroup]");
	concept("uid_map", "0 1000 1\n", "uid_map \u2190 \"0 1000 1\\n\" \u2192 9  [uid 0 inside is uid 1000 outside, 1 IDs");
	concept("cgroup.subtree_control", "+cpu +memory", "[controllers for the children: +cpu +memory]");
	rmdir(dir);

	ws = unit_run_child(mkdir_dry, NULL, err, sizeof(err));
	snprintf(line, sizeof(line), "mkdir(\"%s\", 0700)  (needs write access to the file)", dir);
	CHECK_MSG(ws == 0 && has(err, line) && !strstr(err, "\u2192") && stat(dir, &st) < 0,
		  "dry run: the step said with its privilege, not made, success pretended");

	ws = unit_run_child(mount_dry, NULL, err, sizeof(err));
	CHECK_MSG(ws == 0 && has(err, "mount(\"none\", \"/nonexistent-cu-explain\", NULL, MS_REC|MS_PRIVATE, NULL)  "
				 "(needs CAP_SYS_ADMIN in the user namespace owning the mount namespace)  "
				 "[mount --make-rprivate /nonexistent-cu-explain]") &&
		  has(err, "unshare(CLONE_NEWUSER)  (needs no privilege)  [unshare --user]"),
		  "dry run: privileges by kind of call");

	ws = unit_run_child(begin_dry, NULL, err, sizeof(err));
	CHECK_MSG(ws == 0 && has(err, "RTM_NEWLINK \"x\"  (needs CAP_NET_ADMIN in the user namespace owning the network namespace)  [ip link add x]"),
		  "explain_begin: false in a dry run, and the plan's line");

	ws = unit_run_child(note_on, "lowerdir+ not supported", err, sizeof(err));
	CHECK_MSG(ws == 0 && streq(err, "test_explain \u25b8 # lowerdir+ not supported\n"), "a note when on");
	ws = unit_run_child(note_off, "lowerdir+ not supported", err, sizeof(err));
	CHECK_MSG(ws == 0 && err[0] == '\0', "no note when off");

	return unit_done();
}
