/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strutils.h - parsers for everything a user types: numbers, sizes,
 * percents, "max", ids, signals, IP addresses and CIDRs, MAC addresses.
 *
 * parse_*() return 0 or -errno: -EINVAL for empty input, trailing junk or a
 * malformed value, -ERANGE for a value out of range.  The *_or_err() forms
 * are for option parsing: they die with "MSG: 'VALUE'" and a hint.
 */
#ifndef CU_STRUTILS_H
#define CU_STRUTILS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "c.h"

/* The value "max" stands for in sizes and counts. */
#define PARSE_MAX	UINT64_MAX

int parse_u64(const char *s, uint64_t *out) __must_check;
int parse_s64(const char *s, int64_t *out) __must_check;
int parse_u32(const char *s, uint32_t *out) __must_check;
/* Unsigned with an inclusive upper bound. */
int parse_u64_max(const char *s, uint64_t max, uint64_t *out) __must_check;

/*
 * Sizes: "4096", "64K", "1.5M", "2G", "1T", "64KiB" (1024-based, as are the
 * bare letters), "64KB" (1000-based), optional "B" suffix.  No negatives.
 */
int parse_size(const char *s, uint64_t *bytes) __must_check;
/* parse_size(), or "max" (case-insensitive) giving PARSE_MAX. */
int parse_size_or_max(const char *s, uint64_t *bytes) __must_check;
/* parse_u64(), or "max" giving PARSE_MAX. */
int parse_count_or_max(const char *s, uint64_t *n) __must_check;

/*
 * A decimal with up to @digits fractional digits, scaled by 10^digits:
 * parse_decimal("1.5", 3, &v) gives 1500.  No sign, no exponent, no locale.
 */
int parse_decimal(const char *s, unsigned digits, uint64_t *out) __must_check;

/* "20%", "12.5%", "150%": parts per million of one (20% -> 200000). */
int parse_percent(const char *s, uint64_t *ppm) __must_check;

/* A uid or gid: unsigned 32 bit, (uid_t) -1 refused. */
int parse_id(const char *s, uint32_t *id) __must_check;

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2". */
int parse_signal(const char *s, int *sig) __must_check;
/* "TERM" for 15; NULL when unknown. */
const char *signal_name(int sig);

struct cu_inet {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} addr;
	unsigned int prefix;		/* 0..32 or 0..128 */
};

/* An address alone; prefix set to the full length. */
int parse_inet_addr(const char *s, struct cu_inet *out) __must_check;
/* "10.0.0.1/24", "fd00::1/64"; the prefix is required. */
int parse_cidr(const char *s, struct cu_inet *out) __must_check;
/* Bytes of the address (4 or 16). */
size_t inet_addr_len(const struct cu_inet *a);
/* "10.0.0.1/24" (with_prefix) or "10.0.0.1" into @buf. */
int format_inet(const struct cu_inet *a, bool with_prefix, char *buf, size_t len) __must_check;
/* Clear the host bits: 10.0.0.7/24 -> 10.0.0.0/24. */
void cidr_network(const struct cu_inet *a, struct cu_inet *net);
/* Does @net (a network with prefix) contain address @a? */
bool cidr_contains(const struct cu_inet *net, const struct cu_inet *a);

/*
 * "02:42:ac:11:00:02" (also '-' separated); -EADDRNOTAVAIL for a multicast
 * or all-zero address, which cannot name an interface.
 */
int parse_mac(const char *s, uint8_t mac[6]) __must_check;
int format_mac(const uint8_t mac[6], char *buf, size_t len) __must_check;

/* Undo the octal escapes of /proc/self/mountinfo ("\\040" for a space) in place. */
void unmangle_octal(char *s);

/* Option-parsing forms: die naming the value on failure. */
uint64_t u64_or_err(const char *s, const char *msg);
uint32_t u32_or_err(const char *s, const char *msg);
uint64_t size_or_err(const char *s, const char *msg);
uint64_t size_or_max_or_err(const char *s, const char *msg);
uint64_t count_or_max_or_err(const char *s, const char *msg);
uint64_t percent_or_err(const char *s, const char *msg);
uint32_t id_or_err(const char *s, const char *msg);
/* A process ID, 1..INT_MAX: "MSG: 'VALUE' (give a process ID)" otherwise. */
pid_t pid_or_err(const char *s, const char *msg);
int signal_or_err(const char *s, const char *msg);
void cidr_or_err(const char *s, struct cu_inet *out, const char *msg);
void inet_addr_or_err(const char *s, struct cu_inet *out, const char *msg);
void mac_or_err(const char *s, uint8_t mac[6], const char *msg);

#endif /* CU_STRUTILS_H */
