// SPDX-License-Identifier: GPL-2.0-or-later
/* test_overlay.c - the mountinfo option splitter and layer path checks */
#include <errno.h>
#include <stdlib.h>

#include "c.h"
#include "layer.h"
#include "union.h"
#include "unit.h"

static void test_plus_form(void)
{
	struct ovl_info info = { 0 };

	CHECK(ovl_parse_options("rw,lowerdir+=/a/com,ma dir,lowerdir+=/b,upperdir=/u,workdir=/w,redirect_dir=nofollow,uuid=null", &info) == 0);
	CHECK(info.nlowers == 2);
	CHECK(info.nlowers == 2 && streq(info.lowers[0], "/a/com,ma dir"));
	CHECK(info.nlowers == 2 && streq(info.lowers[1], "/b"));
	CHECK(info.upper && streq(info.upper, "/u"));
	CHECK(info.work && streq(info.work, "/w"));
	CHECK(info.options && streq(info.options, "rw,redirect_dir=nofollow,uuid=null"));
	ovl_info_free(&info);
}

static void test_legacy_form(void)
{
	struct ovl_info info = { 0 };

	CHECK(ovl_parse_options("ro,lowerdir=/l1:/l\\:2:/l3", &info) == 0);
	CHECK(info.nlowers == 3);
	CHECK(info.nlowers == 3 && streq(info.lowers[1], "/l:2"));
	CHECK(!info.upper);
	ovl_info_free(&info);
}

static void test_normalize(void)
{
	char *p = NULL;

	CHECK(layer_normalize("./a/./b/", &p) == 0 && streq(p, "a/b"));
	free(p);
	p = NULL;
	CHECK(layer_normalize("/etc/passwd", &p) == -EPERM);
	CHECK(layer_normalize("a/../../x", &p) == -EXDEV);
	CHECK(layer_normalize("..", &p) == -EXDEV);
	CHECK(layer_normalize("a/..b", &p) == 0 && streq(p, "a/..b"));
	free(p);
}

int main(void)
{
	test_plus_form();
	test_legacy_form();
	test_normalize();
	return unit_done();
}
