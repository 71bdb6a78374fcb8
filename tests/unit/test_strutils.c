// SPDX-License-Identifier: GPL-2.0-or-later
/* test_strutils.c - every parser of common/strutils with its edge cases */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>

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
	CHECK(parse_u64_max("0", 0, &u64v) == 0 && u64v == 0);
	CHECK(parse_u64_max("", 10, &u64v) == -EINVAL);
	CHECK(parse_u64_max("-1", 10, &u64v) == -EINVAL);
	CHECK(parse_u64_max("18446744073709551616", UINT64_MAX, &u64v) == -ERANGE);
	CHECK(parse_u64("007", &u64v) == 0 && u64v == 7);
	CHECK(parse_u64("1\n", &u64v) == -EINVAL);
	CHECK(parse_u64("\t1", &u64v) == -EINVAL);
	CHECK(parse_u64("1.0", &u64v) == -EINVAL);
	CHECK(parse_u64("1e3", &u64v) == -EINVAL);
	u64v = 42;
	CHECK(parse_u64("x", &u64v) == -EINVAL && u64v == 42);	/* untouched on error */
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
	CHECK(parse_s64("+-1", &s) == -EINVAL);
	CHECK(parse_s64("-0", &s) == 0 && s == 0);
	CHECK(parse_s64("", &s) == -EINVAL);
	CHECK(parse_s64(NULL, &s) == -EINVAL);
	CHECK(parse_s64(" -1", &s) == -EINVAL);
	CHECK(parse_s64("-1x", &s) == -EINVAL);
	CHECK(parse_s64("-99999999999999999999", &s) == -ERANGE);
	CHECK(parse_s64("18446744073709551615", &s) == -ERANGE);
	CHECK(parse_u32("", &v32) == -EINVAL);
	CHECK(parse_u32(NULL, &v32) == -EINVAL);
	CHECK(parse_u32("0", &v32) == 0 && v32 == 0);
	CHECK(parse_u32("-1", &v32) == -EINVAL);
	CHECK(parse_u32("+1", &v32) == -EINVAL);
	CHECK(parse_u32("1 ", &v32) == -EINVAL);
	CHECK(parse_u32("18446744073709551616", &v32) == -ERANGE);
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
	CHECK(parse_count_or_max("MAX", &u64v) == 0 && u64v == PARSE_MAX);
	CHECK(parse_count_or_max("", &u64v) == -EINVAL);
	CHECK(parse_count_or_max(NULL, &u64v) == -EINVAL);
	CHECK(parse_count_or_max("max ", &u64v) == -EINVAL);
	CHECK(parse_count_or_max("18446744073709551616", &u64v) == -ERANGE);
	CHECK(parse_count_or_max("1K", &u64v) == -EINVAL);
	CHECK(parse_size_or_max("", &u64v) == -EINVAL);
	CHECK(parse_size_or_max(NULL, &u64v) == -EINVAL);
	CHECK(parse_size_or_max("-max", &u64v) == -EINVAL);
	CHECK(parse_size_or_max("-1", &u64v) == -EINVAL);
	CHECK(parse_size_or_max("16E", &u64v) == -ERANGE);
}

static void test_size_more(void)
{
	CHECK(parse_size(NULL, &u64v) == -EINVAL);
	CHECK(parse_size("1.5K", &u64v) == 0 && u64v == 1536);
	CHECK(parse_size("0.5K", &u64v) == 0 && u64v == 512);
	CHECK(parse_size("0.1K", &u64v) == 0 && u64v == 102);	/* rounds down */
	CHECK(parse_size("1.5KB", &u64v) == 0 && u64v == 1500);
	CHECK(parse_size("1kB", &u64v) == 0 && u64v == 1000);
	CHECK(parse_size("1KiB", &u64v) == 0 && u64v == 1024);
	CHECK(parse_size("1GiB", &u64v) == 0 && u64v == 1ULL << 30);
	CHECK(parse_size("1GB", &u64v) == 0 && u64v == 1000000000ULL);
	CHECK(parse_size("1P", &u64v) == 0 && u64v == 1ULL << 50);
	CHECK(parse_size("15E", &u64v) == 0 && u64v == 15ULL << 60);
	CHECK(parse_size("15.5E", &u64v) == 0 && u64v == 31ULL << 59);
	CHECK(parse_size("15.99999E", &u64v) == 0);
	CHECK(parse_size("16EiB", &u64v) == -ERANGE);
	CHECK(parse_size("16384P", &u64v) == -ERANGE);
	CHECK(parse_size("18446744073709551615B", &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_size("99999999999999999999K", &u64v) == -ERANGE);
	CHECK(parse_size("1.5B", &u64v) == -EINVAL);
	CHECK(parse_size("1.0", &u64v) == 0 && u64v == 1);
	CHECK(parse_size("1 K", &u64v) == -EINVAL);
	CHECK(parse_size("1K ", &u64v) == -EINVAL);
	CHECK(parse_size(" 1K", &u64v) == -EINVAL);
	CHECK(parse_size("+1K", &u64v) == -EINVAL);
	CHECK(parse_size("1e3", &u64v) == -EINVAL);
	CHECK(parse_size("1KiBx", &u64v) == -EINVAL);
	CHECK(parse_size("1kib", &u64v) == -EINVAL);
	CHECK(parse_size("1BB", &u64v) == -EINVAL);
	CHECK(parse_size("1..5K", &u64v) == -EINVAL);
	CHECK(parse_size(".5K", &u64v) == -EINVAL);
	CHECK(parse_size("1.5.5K", &u64v) == -EINVAL);
	CHECK(parse_size("0.0000000000000000001K", &u64v) == -EINVAL);	/* 19 digits */
	CHECK(parse_size("1.000000000000000001E", &u64v) == 0);
	CHECK(parse_size("0K", &u64v) == 0 && u64v == 0);
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
	CHECK(parse_decimal("18446744073709551615", 0, &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_decimal("18446744073709551.615", 3, &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_decimal("18446744073709551.616", 3, &u64v) == -ERANGE);
	CHECK(parse_decimal("5", 0, &u64v) == 0 && u64v == 5);
	CHECK(parse_decimal("5.0", 0, &u64v) == 0 && u64v == 5);
	CHECK(parse_decimal("5.1", 0, &u64v) == -EINVAL);
	CHECK(parse_decimal("1", 18, &u64v) == 0 && u64v == 1000000000000000000ULL);
	CHECK(parse_decimal("19", 18, &u64v) == -ERANGE);
	CHECK(parse_decimal("1", 19, &u64v) == -EINVAL);
	CHECK(parse_decimal("", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal(NULL, 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("1.", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("1..2", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("1.2.3", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("1.5x", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("+1", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal(" 1", 3, &u64v) == -EINVAL);
	CHECK(parse_decimal("0.000000000000000000000", 3, &u64v) == 0 && u64v == 0);
	CHECK(parse_percent("100%", &u64v) == 0 && u64v == 1000000);
	CHECK(parse_percent("0.0001%", &u64v) == 0 && u64v == 1);
	CHECK(parse_percent("0.00001%", &u64v) == -EINVAL);
	CHECK(parse_percent("1844674407370955.1615%", &u64v) == 0 && u64v == UINT64_MAX);
	CHECK(parse_percent("1844674407370955.1616%", &u64v) == -ERANGE);
	CHECK(parse_percent("%20", &u64v) == -EINVAL);
	CHECK(parse_percent("20%x", &u64v) == -EINVAL);
	CHECK(parse_percent("20.%", &u64v) == -EINVAL);
	CHECK(parse_percent(".5%", &u64v) == -EINVAL);
	CHECK(parse_percent(" 20%", &u64v) == -EINVAL);
	CHECK(parse_percent("+20%", &u64v) == -EINVAL);
	CHECK(parse_percent("max", &u64v) == -EINVAL);
	CHECK(parse_percent(NULL, &u64v) == -EINVAL);
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
	CHECK(parse_id(NULL, &id) == -EINVAL);
	CHECK(parse_id("+0", &id) == -EINVAL);
	CHECK(parse_id("0 ", &id) == -EINVAL);
	CHECK(parse_id("1000x", &id) == -EINVAL);
	CHECK(parse_id("99999999999999999999", &id) == -ERANGE);
	CHECK(parse_id("00000000000000000000001", &id) == 0 && id == 1);
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
	CHECK(parse_signal(NULL, &sig) == -EINVAL);
	CHECK(parse_signal("rtmin+2", &sig) == 0 && sig == SIGRTMIN + 2);
	CHECK(parse_signal("SIGRTMIN+0", &sig) == 0 && sig == SIGRTMIN);
	CHECK(parse_signal("RTMAX", &sig) == 0 && sig == SIGRTMAX);
	CHECK(parse_signal("RTMAX+1", &sig) == -ERANGE);
	CHECK(parse_signal("RTMAX-99", &sig) == -ERANGE);
	CHECK(parse_signal("RTMIN+", &sig) == -EINVAL);
	CHECK(parse_signal("RTMIN+-1", &sig) == -EINVAL);
	CHECK(parse_signal("RTMIN+1x", &sig) == -EINVAL);
	CHECK(parse_signal("RTMIN+99999999999", &sig) == -ERANGE);
	CHECK(parse_signal("RTMINX", &sig) == -EINVAL);
	CHECK(parse_signal("TERM ", &sig) == -EINVAL);
	CHECK(parse_signal(" TERM", &sig) == -EINVAL);
	CHECK(parse_signal("15 ", &sig) == -EINVAL);
	CHECK(parse_signal("+15", &sig) == -EINVAL);
	CHECK(parse_signal("4294967296", &sig) == -ERANGE);
	CHECK(parse_signal("SIGSIGTERM", &sig) == -EINVAL);
	CHECK(parse_signal("CLD", &sig) == 0 && sig == SIGCHLD);
	CHECK(parse_signal("64", &sig) == 0 && sig == SIGRTMAX);
	CHECK(streq(signal_name(SIGCHLD), "CHLD"));
	CHECK(streq(signal_name(SIGTERM), "TERM"));
	CHECK(signal_name(SIGRTMIN) == NULL);
	CHECK(signal_name(-1) == NULL);
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
	CHECK(parse_inet_addr(NULL, &a) == -EINVAL);
	CHECK(parse_inet_addr("10.0.0.1/24", &a) == -EINVAL);
	CHECK(parse_inet_addr("fd00::1%eth0", &a) == -EINVAL);
	CHECK(parse_inet_addr("-1.2.3.4", &a) == -EINVAL);
	CHECK(parse_cidr(NULL, &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/24 ", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/+24", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1//24", &a) == -EINVAL);
	CHECK(parse_cidr("10.0.0.1/24/1", &a) == -EINVAL);
	CHECK(parse_cidr("fd00::1/64/1", &a) == -EINVAL);
	CHECK(parse_cidr("1111:2222:3333:4444:5555:6666:7777:8888:9999/64", &a) == -EINVAL);
	CHECK(parse_cidr("0000:0000:0000:0000:0000:ffff:255.255.255.255:1/64", &a) == -EINVAL);
	CHECK(parse_cidr("::ffff:10.0.0.1/96", &a) == 0 && a.family == AF_INET6 && a.prefix == 96);
	CHECK(parse_cidr("fd00::7/64", &a) == 0);
	cidr_network(&a, &n);
	CHECK(format_inet(&n, true, buf, sizeof(buf)) == 0 && streq(buf, "fd00::/64"));
	CHECK(cidr_contains(&n, &a));
	CHECK(parse_cidr("10.0.0.1/8", &n) == 0);
	CHECK(!cidr_contains(&n, &a));	/* families differ */
	CHECK(parse_cidr("0.0.0.0/0", &n) == 0 && parse_inet_addr("255.1.2.3", &a) == 0);
	CHECK(cidr_contains(&n, &a));
	CHECK(parse_cidr("10.0.0.9/31", &n) == 0 && parse_inet_addr("10.0.0.8", &a) == 0);
	CHECK(cidr_contains(&n, &a));
	CHECK(parse_inet_addr("10.0.0.10", &a) == 0 && !cidr_contains(&n, &a));
	CHECK(parse_cidr("10.0.0.1/32", &a) == 0);
	CHECK(format_inet(&a, true, buf, 8) == -ENAMETOOLONG);
	CHECK(format_inet(&a, true, buf, 11) == -ENAMETOOLONG);
	CHECK(format_inet(&a, true, buf, 12) == 0 && streq(buf, "10.0.0.1/32"));
	CHECK(inet_addr_len(&a) == 4);
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
	CHECK(format_mac(m, buf, 17) == -ENAMETOOLONG);
	CHECK(format_mac(m, buf, 18) == 0);
	CHECK(parse_mac(NULL, m) == -EINVAL);
	CHECK(parse_mac("00:00:00:00:00:00", m) == -EADDRNOTAVAIL);
	CHECK(parse_mac("ff:ff:ff:ff:ff:ff", m) == -EADDRNOTAVAIL);
	CHECK(parse_mac("03:00:00:00:00:01", m) == -EADDRNOTAVAIL);
	CHECK(parse_mac("02:42:ac:11:00:02 ", m) == -EINVAL);
	CHECK(parse_mac(" 02:42:ac:11:00:02", m) == -EINVAL);
	CHECK(parse_mac("0242ac110002", m) == -EINVAL);
	CHECK(parse_mac("02.42.ac.11.00.02", m) == -EINVAL);
	CHECK(parse_mac("02:42:ac:11:00:2", m) == -EINVAL);
	CHECK(parse_mac("-2:42:ac:11:00:02", m) == -EINVAL);
	CHECK(parse_mac("02:42:ac:11:00:02x", m) == -EINVAL);
	CHECK(parse_mac("2:42:ac:11:00:02:", m) == -EINVAL);
	CHECK(parse_mac("02:42:ac:11:00:-2", m) == -EINVAL);
}

/* The *_or_err forms: success returns the value; failure is one line
 * "PROG: MSG: 'VALUE'..." and exit status cu_exit_failure (1, or 125). */
struct die_case {
	const char *kind;
	const char *value;
};

static void call_or_err(const void *arg)
{
	const struct die_case *c = arg;
	struct cu_inet a;
	uint8_t m[6];

	if (streq(c->kind, "u64"))
		(void) u64_or_err(c->value, "bad u64");
	else if (streq(c->kind, "u32"))
		(void) u32_or_err(c->value, "bad u32");
	else if (streq(c->kind, "size"))
		(void) size_or_err(c->value, "bad size");
	else if (streq(c->kind, "sizemax"))
		(void) size_or_max_or_err(c->value, "bad sizemax");
	else if (streq(c->kind, "count"))
		(void) count_or_max_or_err(c->value, "bad count");
	else if (streq(c->kind, "percent"))
		(void) percent_or_err(c->value, "bad percent");
	else if (streq(c->kind, "id"))
		(void) id_or_err(c->value, "bad id");
	else if (streq(c->kind, "signal"))
		(void) signal_or_err(c->value, "bad signal");
	else if (streq(c->kind, "cidr"))
		cidr_or_err(c->value, &a, "bad cidr");
	else if (streq(c->kind, "addr"))
		inet_addr_or_err(c->value, &a, "bad addr");
	else if (streq(c->kind, "mac"))
		mac_or_err(c->value, m, "bad mac");
	else if (streq(c->kind, "pid"))
		(void) pid_or_err(c->value, "bad pid");
	_exit(0);
}

static void call_or_err_125(const void *arg)
{
	cu_set_exit_failure(CU_EXIT_CANCELED);
	call_or_err(arg);
}

static bool one_line_naming(const char *err, const struct die_case *c)
{
	char want[128];
	const char *nl = strchr(err, '\n');

	snprintf(want, sizeof(want), ": bad %s: '%s'", c->kind, c->value);
	return strstr(err, want) && nl && nl[1] == '\0' &&
	       startswith(err, program_invocation_short_name);
}

static void test_or_err(void)
{
	static const struct die_case bad[] = {
		{ "u64", "-1" }, { "u64", "18446744073709551616" }, { "u64", "" },
		{ "u32", "4294967296" }, { "u32", "12x" },
		{ "size", "12Q" }, { "size", "-1M" }, { "size", "16E" },
		{ "sizemax", "maxx" }, { "count", "1.5" },
		{ "percent", "20" }, { "percent", "-5%" },
		{ "id", "4294967295" }, { "id", "root" },
		{ "signal", "NOPE" }, { "signal", "0" },
		{ "cidr", "10.0.0.1" }, { "cidr", "10.0.0.1/33" },
		{ "addr", "10.0.0.256" }, { "mac", "01:00:5e:00:00:01" },
		{ "mac", "00:00:00:00:00:00" }, { "mac", "02:42" },
		{ "pid", "0" }, { "pid", "2147483648" }, { "pid", "-1" }, { "pid", "12x" },
		{ "pid", "" }, { "pid", "4294967296" },
	};
	struct die_case ok = { "size", "64M" };
	char err[512], what[160];
	size_t i;
	int ws;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ws = unit_run_child(call_or_err, &bad[i], err, sizeof(err));
		snprintf(what, sizeof(what), "%s_or_err('%s') exits 1 with one line naming it",
			 bad[i].kind, bad[i].value);
		CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 1 && one_line_naming(err, &bad[i]), what);
		if (!one_line_naming(err, &bad[i]))
			printf("# stderr: %s", err);
		ws = unit_run_child(call_or_err_125, &bad[i], err, sizeof(err));
		snprintf(what, sizeof(what), "%s_or_err('%s') exits 125 in a chainloader",
			 bad[i].kind, bad[i].value);
		CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 125 && one_line_naming(err, &bad[i]), what);
	}
	ws = unit_run_child(call_or_err, &ok, err, sizeof(err));
	CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && err[0] == '\0');
	ws = unit_run_child(call_or_err, &bad[1], err, sizeof(err));
	CHECK(strstr(err, "out of range") != NULL);
	ws = unit_run_child(call_or_err, &bad[19], err, sizeof(err));
	CHECK(strstr(err, "multicast") != NULL);
	ws = unit_run_child(call_or_err, &bad[20], err, sizeof(err));
	CHECK(strstr(err, "all-zero") != NULL);
	CHECK(size_or_err("1G", "x") == 1ULL << 30);
	CHECK(size_or_max_or_err("max", "x") == PARSE_MAX);
	CHECK(count_or_max_or_err("7", "x") == 7);
	CHECK(u64_or_err("18446744073709551615", "x") == UINT64_MAX);
	CHECK(u32_or_err("4294967295", "x") == UINT32_MAX);
	CHECK(percent_or_err("50%", "x") == 500000);
	CHECK(id_or_err("1000", "x") == 1000);
	CHECK(signal_or_err("HUP", "x") == SIGHUP);
	CHECK(pid_or_err("1", "x") == 1 && pid_or_err("2147483647", "x") == INT_MAX);
	/* netns's tested wording, for every bad PID (out of range included) */
	for (i = ARRAY_SIZE(bad) - 6; i < ARRAY_SIZE(bad); i++) {
		char want[128];

		ws = unit_run_child(call_or_err, &bad[i], err, sizeof(err));
		snprintf(want, sizeof(want), ": bad pid: '%s' (give a process ID)\n", bad[i].value);
		snprintf(what, sizeof(what), "pid_or_err('%s') says: give a process ID", bad[i].value);
		CHECK_MSG(strstr(err, want) != NULL, what);
	}
}

static void test_unmangle(void)
{
	char a[] = "/sys/fs/cgroup/my\\040memory", b[] = "tab\\011x\\134y", c[] = "\\08 \\9 end\\";

	unmangle_octal(a);
	CHECK(streq(a, "/sys/fs/cgroup/my memory"));
	unmangle_octal(b);
	CHECK(streq(b, "tab\tx\\y"));
	unmangle_octal(c);	/* not octal escapes: left as they are */
	CHECK(streq(c, "\\08 \\9 end\\"));
}

int main(void)
{
	test_u64();
	test_u32_s64();
	test_size();
	test_size_more();
	test_decimal_percent();
	test_id();
	test_signal();
	test_inet();
	test_mac();
	test_or_err();
	test_unmangle();
	return unit_done();
}
