// SPDX-License-Identifier: GPL-2.0-or-later
/* test_fileutils.c - whole-file reads, mkdir -p and the tree remover */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c.h"
#include "fileutils.h"
#include "unit.h"

static char top[] = "/tmp/cu-test-fileutils.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		exit(99);
}

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
	return buf[i];
}

static bool exists(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0;
}

static void test_read(void)
{
	char *text = NULL;
	size_t len = 0;
	int p[2];

	put(at("f"), "hello\nworld\n");
	CHECK(file_read_all(AT_FDCWD, at("f"), 0, &text, &len) == 0);
	CHECK(text && len == 12 && streq(text, "hello\nworld\n"));
	free(text);
	text = NULL;
	/* the limit is on the bytes read: exactly max is fine, one more is not */
	CHECK(file_read_all(AT_FDCWD, at("f"), 12, &text, NULL) == 0 && text);
	free(text);
	text = NULL;
	CHECK(file_read_all(AT_FDCWD, at("f"), 11, &text, NULL) == -EFBIG && !text);
	CHECK(file_read_all(AT_FDCWD, at("nothing"), 0, &text, NULL) == -ENOENT && !text);
	CHECK(file_read_all(AT_FDCWD, top, 0, &text, NULL) == -EISDIR && !text);

	/* a pipe, more than one buffer, and an empty file */
	if (pipe(p) == 0) {
		static char big[10000];

		memset(big, 'x', sizeof(big));
		if (fork() == 0) {
			close(p[0]);
			if (write(p[1], big, 5000) != 5000 || write(p[1], big, 5000) != 5000)
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		CHECK(file_read_fd(p[0], 0, &text, &len) == 0 && len == 10000 &&
		      strlen(text) == 10000);
		free(text);
	text = NULL;
		close(p[0]);
		wait(NULL);
	}
	put(at("empty"), "");
	CHECK(file_read_all(AT_FDCWD, at("empty"), 0, &text, &len) == 0 && len == 0 &&
	      text && !*text);
	free(text);
	text = NULL;
}

static void test_mkdir(void)
{
	struct stat st;

	CHECK(file_mkdir_p(at("m/a/b/c"), 0700) == 0);
	CHECK(stat(at("m/a/b/c"), &st) == 0 && S_ISDIR(st.st_mode) &&
	      (st.st_mode & 07777) == 0700);
	CHECK(file_mkdir_p(at("m/a/b/c"), 0700) == 0);	/* there already */
	CHECK(file_mkdir_p(at("m/a/b/c/"), 0700) == 0);
	CHECK(file_mkdir_p(at("f/x"), 0700) == -ENOTDIR);
	CHECK(file_mkdir_p("", 0700) == -ENOENT);
	CHECK(file_dir_has_subdirs(at("m/a"), NULL));
	CHECK(!file_dir_has_subdirs(at("m/a/b/c"), NULL));
	CHECK(!file_dir_has_subdirs(at("nothing"), NULL));
	CHECK(!file_dir_has_subdirs(at("m/a/b"), "c"));
	CHECK(file_dir_has_subdirs(at("m/a/b"), "x"));
}

static void make_tree(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/d1/d2/d3", rel);
	if (file_mkdir_p(at(p), 0755) < 0)
		exit(99);
	snprintf(p, sizeof(p), "%s/file", rel);
	put(at(p), "x");
	snprintf(p, sizeof(p), "%s/d1/d2/d3/deep", rel);
	put(at(p), "x");
	snprintf(p, sizeof(p), "%s/d1/fifo", rel);
	if (mkfifo(at(p), 0600) < 0)
		exit(99);
}

static void test_remove(void)
{
	_cleanup_close_ int dfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char deep[8192] = "deepest";
	int i;

	make_tree("t");
	/* a symlink to a directory outside: the link goes, its target stays */
	if (file_mkdir_p(at("outside/keep"), 0755) < 0 ||
	    symlink(at("outside"), at("t/d1/link")) < 0)
		exit(99);
	put(at("outside/keep/precious"), "x");
	CHECK(file_remove_tree_at(dfd, "t", 0) == 0);
	CHECK(!exists("t"));
	CHECK(exists("outside/keep/precious"));

	/* the top a symlink: unlinked, not followed */
	if (symlink(at("outside"), at("top-link")) < 0)
		exit(99);
	CHECK(file_remove_tree_at(dfd, "top-link", 0) == 0);
	CHECK(!exists("top-link") && exists("outside/keep/precious"));
	CHECK(file_remove_tree_at(dfd, "outside", FILE_REMOVE_CONTENTS) == 0);
	CHECK(exists("outside") && !exists("outside/keep"));

	/* contents only, a plain file, a name that is not there */
	make_tree("c");
	CHECK(file_remove_tree_at(dfd, "c", FILE_REMOVE_CONTENTS) == 0);
	CHECK(exists("c") && !exists("c/d1") && !exists("c/file"));
	put(at("plain"), "x");
	CHECK(file_remove_tree_at(dfd, "plain", 0) == 0 && !exists("plain"));
	CHECK(file_remove_tree_at(dfd, "plain", 0) == -ENOENT);
	CHECK(file_remove_tree_at(AT_FDCWD, at("c"), 0) == 0 && !exists("c"));

	/* deeper than the cap: left, and said so */
	for (i = 0; i < FILE_REMOVE_MAX_DEPTH + 2; i++)
		strcat(deep, "/d");
	if (mkdir(at("deepest"), 0755) < 0 || chdir(top) < 0 || file_mkdir_p(deep, 0755) < 0)
		exit(99);
	CHECK(file_remove_tree_at(dfd, "deepest", 0) == -ENOTEMPTY);
	CHECK(exists("deepest/d/d/d"));
	CHECK(file_remove_tree_at(dfd, "deepest/d/d/d/d/d", 0) == 0);
	CHECK(file_remove_tree_at(dfd, "deepest", 0) == 0 && !exists("deepest"));
	if (chdir("/") < 0)
		exit(99);
}

/*
 * Nothing behind a mount point is entered or removed: a tmpfs, and a bind
 * mount of a directory on the same file system (same st_dev: only
 * RESOLVE_NO_XDEV sees it).  In a mount namespace of a child of ours.
 */
static void remove_across_mounts(const void *arg)
{
	_cleanup_close_ int dfd = -1;
	int r;

	(void) arg;
	if (unshare(CLONE_NEWNS) < 0)		/* not root: skipped */
		_exit(77);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(77);
	make_tree("x");
	if (file_mkdir_p(at("x/d1/tmp"), 0755) < 0 || file_mkdir_p(at("x/d1/bind"), 0755) < 0 ||
	    file_mkdir_p(at("bound"), 0755) < 0)
		_exit(99);
	put(at("bound/precious"), "x");
	if (mount("tmpfs", at("x/d1/tmp"), "tmpfs", 0, NULL) < 0 ||
	    mount(at("bound"), at("x/d1/bind"), NULL, MS_BIND, NULL) < 0)
		_exit(77);
	put(at("x/d1/tmp/precious"), "x");
	/* opened here: a descriptor from before unshare sees the old mounts */
	dfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = file_remove_tree_at(dfd, "x", 0);
	if (r != -ENOTEMPTY)
		_exit(10);
	if (!exists("x/d1/tmp/precious"))
		_exit(11);
	if (!exists("bound/precious"))
		_exit(12);
	if (exists("x/file") || exists("x/d1/d2"))
		_exit(13);
	_exit(0);
}

static void test_remove_mounts(void)
{
	char err[256];
	int ws = unit_run_child(remove_across_mounts, NULL, err, sizeof(err));

	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 77) {
		unit_skip("file_remove_tree_at stays off other mounts", "no mount namespace");
		return;
	}
	CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
		  "file_remove_tree_at stays off other mounts (tmpfs, same-fs bind)");
}

int main(void)
{
	_cleanup_close_ int dfd = -1;

	if (!mkdtemp(top))
		return 99;
	test_read();
	test_mkdir();
	test_remove();
	test_remove_mounts();
	/* clean up: the bind mount was the child's, in its own namespace */
	dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(file_remove_tree_at(dfd, strrchr(top, '/') + 1, 0) == 0);
	return unit_done();
}
