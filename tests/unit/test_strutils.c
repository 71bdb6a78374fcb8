// SPDX-License-Identifier: GPL-2.0-or-later
/* test_strutils.c - every parser of common/strutils with its edge cases */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>

#include "c.h"
#include "strutils.h"
#include "unit.h"

static uint64_t u64v;

static void test_u64(void)
{
	CHECK(parse_u64("0", &u64v) == 0 && u64v == 0);
	CHECK(parse_u64("18446744073709551615", &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", &u64v) == -ERANGE);
	CHECK(parse_u64("99999999999999999999999", &u64v) == -ERANGE);
	CHECK(parse_u64("", &u64v) == -EINVAL);
	CHECK(parse_u64(NULL, &u64v) == -EINVAL);
	CHECK(parse_u64("-1", &u64v) == -EINVAL);
	CHECK(parse_u64("+1", &u64v) == -EINVAL);
	CHECK(parse_u64(" 1", &u64v) == -EINVAL);
	CHECK(parse_u64("12abc", &u64v) == -EINVAL);
	CHECK(parse_u64("12 ", &u64v) == -EINVAL);
	CHECK(parse_u64("0x10", &u64v) == -EINVAL);
	CHECK(parse_u64_max("11", 10, &u64v) == -ERANGE);
	CHECK(parse_u64_max("10", 10, &u64v) == 0 && u64v == 10);
}

static void test_u32_s64(void)
{
	uint32_t v32;
	int64_t s;

	CHECK(parse_u32("4294967295", &v32) == 0 && v32 == UINT32_MAX);
	CHECK(parse_u32("4294967296", &v32) == -ERANGE);
	CHECK(parse_u32("-0", &v32) == -EINVAL);
	CHECK(parse_s64("-9223372036854775808", &s) == 0 && s == INT64_MIN);
	CHECK(parse_s64("9223372036854775807", &s) == 0 && s == INT64_MAX);
	CHECK(parse_s64("9223372036854775808", &s) == -ERANGE);
	CHECK(parse_s64("-9223372036854775809", &s) == -ERANGE);
	CHECK(parse_s64("-86400", &s) == 0 && s == -86400);
	CHECK(parse_s64("+5", &s) == 0 && s == 5);
	CHECK(parse_s64("-", &s) == -EINVAL);
	CHECK(parse_s64("--1", &s) == -EINVAL);
}

static void test_size(void)
{
	CHECK(parse_size("4096", &u64v) == 0 && u64v == 4096);
	CHECK(parse_size("64K", &u64v) == 0 && u64v == 65536);
	CHECK(parse_size("64k", &u64v) == 0 && u64v == 65536);
	CHECK(parse_size("64KiB", &u64v) == 0 && u64v == 65536);
	CHECK(parse_size("64KB", &u64v) == 0 && u64v == 64000);
	CHECK(parse_size("128M", &u64v) == 0 && u64v == 128ULL << 20);
	CHECK(parse_size("1.5G", &u64v) == 0 && u64v == 3ULL << 29);
	CHECK(parse_size("2T", &u64v) == 0 && u64v == 2ULL << 40);
	CHECK(parse_size("1E", &u64v) == 0 && u64v == 1ULL << 60);
	CHECK(parse_size("16E", &u64v) == -ERANGE);
	CHECK(parse_size("100B", &u64v) == 0 && u64v == 100);
	CHECK(parse_size("0", &u64v) == 0 && u64v == 0);
	CHECK(parse_size("", &u64v) == -EINVAL);
	CHECK(parse_size("-1M", &u64v) == -EINVAL);
	CHECK(parse_size("1.5", &u64v) == -EINVAL);
	CHECK(parse_size("1X", &u64v) == -EINVAL);
	CHECK(parse_size("1MM", &u64v) == -EINVAL);
	CHECK(parse_size("1Mi", &u64v) == -EINVAL);
	CHECK(parse_size("M", &u64v) == -EINVAL);
	CHECK(parse_size("1.", &u64v) == -EINVAL);
	CHECK(parse_size("18446744073709551615", &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_size("18446744073709551616", &u64v) == -ERANGE);
	CHECK(parse_size("17179869184G", &u64v) == -ERANGE);
	CHECK(parse_size("max", &u64v) == -EINVAL);
	CHECK(parse_size_or_max("max", &u64v) == 0 && u64v == PARSE_MAX);
	CHECK(parse_size_or_max("MAX", &u64v) == 0 && u64v == PARSE_MAX);
	CHECK(parse_size_or_max("32M", &u64v) == 0 && u64v == 32ULL << 20);
	CHECK(parse_size_or_max("maxi", &u64v) == -EINVAL);
	CHECK(parse_count_or_max("64", &u64v) == 0 && u64v == 64);
	CHECK(parse_count_or_max("max", &u64v) == 0 && u64v == PARSE_MAX);
	CHECK(parse_count_or_max("-5", &u64v) == -EINVAL);
}

static void test_decimal_percent(void)
{
	CHECK(parse_decimal("1.5", 3, &u64v) == 0 && u64v == 1500);
	CHECK(parse_decimal("2", 6, &u64v) == 0 && u64v == 2000000);
	CHECK(parse_decimal("0.125", 3, &u64v) == 0 && u64v == 125);
	CHECK(parse_decimal("0.1250", 3, &u64v) == 0 && u64v == 125);
	CHECK(parse_decimal("0.1255", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal(".5", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("1e3", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("-1", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("18446744073709551615", 1, &u64v) == -ERANGE);
	CHECK(parse_percent("20%", &u64v) == 0 && u64v == 200000);
	CHECK(parse_percent("12.5%", &u64v) == 0 && u64v == 125000);
	CHECK(parse_percent("150%", &u64v) == 0 && u64v == 1500000);
	CHECK(parse_percent("0%", &u64v) == 0 && u64v == 0);
	CHECK(parse_percent("20", &u64v) == -EINVAL);
	CHECK(parse_percent("%", &u64v) == -EINVAL);
	CHECK(parse_percent("20%%", &u64v) == -EINVAL);
	CHECK(parse_percent("-20%", &u64v) == -EINVAL);
	CHECK(parse_percent("20 %", &u64v) == -EINVAL);
	CHECK(parse_percent("", &u64v) == -EINVAL);
	CHECK(parse_percent("99999999999999999999%", &u64v) == -ERANGE);
}

static void test_id(void)
{
	uint32_t id;

	CHECK(parse_id("0", &id) == 0 && id == 0);
	CHECK(parse_id("65534", &id) == 0 && id == 65534);
	CHECK(parse_id("4294967294", &id) == 0 && id == 4294967294U);
	CHECK(parse_id("4294967295", &id) == -ERANGE);
	CHECK(parse_id("4294967296", &id) == -ERANGE);
	CHECK(parse_id("-1", &id) == -EINVAL);
	CHECK(parse_id("root", &id) == -EINVAL);
	CHECK(parse_id("", &id) == -EINVAL);
}

static void test_signal(void)
{
	int sig;

	CHECK(parse_signal("TERM", &sig) == 0 && sig == SIGTERM);
	CHECK(parse_signal("SIGTERM", &sig) == 0 && sig == SIGTERM);
	CHECK(parse_signal("sigkill", &sig) == 0 && sig == SIGKILL);
	CHECK(parse_signal("9", &sig) == 0 && sig == SIGKILL);
	CHECK(parse_signal("0", &sig) == -ERANGE);
	CHECK(parse_signal("65", &sig) == -ERANGE);
	CHECK(parse_signal("RTMIN", &sig) == 0 && sig == SIGRTMIN);
	CHECK(parse_signal("RTMIN+2", &sig) == 0 && sig == SIGRTMIN + 2);
	CHECK(parse_signal("RTMAX-1", &sig) == 0 && sig == SIGRTMAX - 1);
	CHECK(parse_signal("RTMIN+99", &sig) == -ERANGE);
	CHECK(parse_signal("RTMIN-1", &sig) == -EINVAL);
	CHECK(parse_signal("NOPE", &sig) == -EINVAL);
	CHECK(parse_signal("SIG", &sig) == -EINVAL);
	CHECK(parse_signal("", &sig) == -EINVAL);
	CHECK(parse_signal("-9", &sig) == -EINVAL);
	CHECK(parse_signal("9x", &sig) == -EINVAL);
	CHECK(streq(signal_name(SIGWINCH), "WINCH"));
	CHECK(signal_name(0) == NULL);
}

static void test_inet(void)
{
	struct cu_inet a, n;
	char buf[64];

	CHECK(parse_cidr("10.0.1.7/24", &a) == 0 && a.family == AF_INET && a.prefix == 24);
	CHECK(format_inet(&a, true, buf, sizeof(buf)) == 0 && streq(buf, "10.0.1.7/24"));
	cidr_network(&a, &n);
	CHECK(format_inet(&n, true, buf, sizeof(buf)) == 0 && streq(buf, "10.0.1.0/24"));
	CHECK(cidr_contains(&n, &a));
	CHECK(parse_inet_addr("10.0.2.1", &a) == 0 && a.prefix == 32);
	CHECK(!cidr_contains(&n, &a));
	CHECK(parse_cidr("fd00::1/64", &a) == 0 && a.family == AF_INET6 && a.prefix == 64);
	CHECK(format_inet(&a, false, buf, sizeof(buf)) == 0 && streq(buf, "fd00::1"));
	CHECK(parse_cidr("10.0.0.1/0", &a) == 0 && a.prefix == 0);
	CHECK(parse_cidr("10.0.0.1/32", &a) == 0);
	CHECK(parse_cidr("10.0.0.1/33", &a) == -ERANGE);
	CHECK(parse_cidr("fd00::1/129", &a) == -ERANGE);
	CHECK(parse_cidr("10.0.0.1", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/24x", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/-1", &a) == -EINVAL);
	CHECK(parse_cidr("/24", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.256/24", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0/24", &a) == -EINVAL);
	CHECK(parse_cidr("", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/99999999999", &a) == -EINVAL);
	CHECK(parse_inet_addr("::", &a) == 0 && a.family == AF_INET6);
	CHECK(parse_inet_addr("1.2.3.4 ", &a) == -EINVAL);
	CHECK(parse_inet_addr("", &a) == -EINVAL);
}

static void test_mac(void)
{
	uint8_t m[6];
	char buf[32];

	CHECK(parse_mac("02:42:ac:11:00:02", m) == 0 && m[0] == 0x02 && m[5] == 0x02);
	CHECK(format_mac(m, buf, sizeof(buf)) == 0 && streq(buf, "02:42:ac:11:00:02"));
	CHECK(parse_mac("02-42-AC-11-00-02", m) == 0 && m[2] == 0xac);
	CHECK(parse_mac("02:42-ac:11:00:02", m) == -EINVAL);
	CHECK(parse_mac("01:00:5e:00:00:01", m) == -EADDRNOTAVAIL);
	CHECK(parse_mac("02:42:ac:11:00", m) == -EINVAL);
	CHECK(parse_mac("02:42:ac:11:00:02:03", m) == -EINVAL);
	CHECK(parse_mac("02:42:ac:11:00:0g", m) == -EINVAL);
	CHECK(parse_mac("", m) == -EINVAL);
	CHECK(format_mac(m, buf, 5) == -ENAMETOOLONG);
}

int main(void)
{
	test_u64();
	test_u32_s64();
	test_size();
	test_decimal_percent();
	test_id();
	test_signal();
	test_inet();
	test_mac();
	return unit_done();
}
