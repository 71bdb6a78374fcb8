// SPDX-License-Identifier: GPL-2.0-or-later
/* strutils.c - parsers for numbers, sizes, percents, ids, signals, addresses */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "c.h"
#include "strutils.h"

/* Leading digits of @s into @out; *end after them.  No sign, no spaces. */
static int scan_digits(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char) *p))
		return -EINVAL;
	for (; isdigit((unsigned char) *p); p++) {
		unsigned d = (unsigned) (*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	*end = p;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int r;

	if (!s || !*s)
		return -EINVAL;
	r = scan_digits(s, &v, &end);
	if (r < 0)
		return r;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_u64_max(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int r = parse_u64(s, &v);

	if (r < 0)
		return r;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int r = parse_u64_max(s, UINT32_MAX, &v);

	if (r == 0)
		*out = (uint32_t) v;
	return r;
}

int parse_s64(const char *s, int64_t *out)
{
	bool neg = false;
	uint64_t v;
	int r;

	if (s && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	r = parse_u64(s, &v);
	if (r < 0)
		return r;
	if (neg) {
		if (v > (uint64_t) INT64_MAX + 1)
			return -ERANGE;
		*out = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
	} else {
		if (v > INT64_MAX)
			return -ERANGE;
		*out = (int64_t) v;
	}
	return 0;
}

/* "12.345" scaled by 10^digits; *end after the number. */
static int scan_decimal(const char *s, unsigned digits, uint64_t *out,
			const char **end)
{
	uint64_t ipart, frac = 0, scale = 1;
	const char *p;
	unsigned i;
	int r;

	r = scan_digits(s, &ipart, &p);
	if (r < 0)
		return r;
	for (i = 0; i < digits; i++) {
		if (scale > UINT64_MAX / 10)
			return -ERANGE;
		scale *= 10;
	}
	if (*p == '.') {
		uint64_t place = scale;

		p++;
		if (!isdigit((unsigned char) *p))
			return -EINVAL;
		for (; isdigit((unsigned char) *p); p++) {
			place /= 10;
			/* digits beyond the precision must be zero */
			if (place == 0 && *p != '0')
				return -EINVAL;
			frac += (uint64_t) (*p - '0') * place;
		}
	}
	if (ipart > (UINT64_MAX - frac) / scale)
		return -ERANGE;
	*out = ipart * scale + frac;
	*end = p;
	return 0;
}

int parse_decimal(const char *s, unsigned digits, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int r;

	if (!s || !*s || digits > 18)
		return -EINVAL;
	r = scan_decimal(s, digits, &v, &end);
	if (r < 0)
		return r;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

/* Multiplier exponent for K, M, G, T, P, E; -1 when unknown. */
static int size_exponent(char c)
{
	static const char units[] = "KMGTPE";
	const char *u = strchr(units, toupper((unsigned char) c));

	return (c && u) ? (int) (u - units) + 1 : -1;
}

/* A fraction ".125" as numerator 125 and denominator 1000 (at most 18 digits). */
static int scan_fraction(const char *p, uint64_t *num, uint64_t *den, const char **end)
{
	uint64_t n = 0, d = 1;

	if (!isdigit((unsigned char) *p))
		return -EINVAL;
	for (; isdigit((unsigned char) *p); p++) {
		if (d >= 1000000000000000000ULL)
			return -EINVAL;
		n = n * 10 + (uint64_t) (*p - '0');
		d *= 10;
	}
	*num = n;
	*den = d;
	*end = p;
	return 0;
}

/* The unit after a size's number: 1024^exp (or 1000^exp for "KB"). */
static int scan_size_unit(const char *p, uint64_t *mult)
{
	uint64_t base = 1024, m = 1;
	int exp;

	if (*p == '\0') {
		*mult = 1;
		return 0;
	}
	if (toupper((unsigned char) *p) == 'B' && p[1] == '\0') {
		*mult = 1;
		return 0;
	}
	exp = size_exponent(*p);
	if (exp < 0)
		return -EINVAL;
	p++;
	if (p[0] == 'i' && p[1] == 'B')
		p += 2;
	else if (toupper((unsigned char) *p) == 'B')
		base = 1000, p++;
	if (*p != '\0')
		return -EINVAL;
	while (exp-- > 0) {
		if (m > UINT64_MAX / base)
			return -ERANGE;
		m *= base;
	}
	*mult = m;
	return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	uint64_t ipart, num = 0, den = 1, mult, v, f;
	const char *p;
	int r;

	if (!s || !*s)
		return -EINVAL;
	r = scan_digits(s, &ipart, &p);
	if (r < 0)
		return r;
	if (*p == '.') {
		r = scan_fraction(p + 1, &num, &den, &p);
		if (r < 0)
			return r;
	}
	r = scan_size_unit(p, &mult);
	if (r < 0)
		return r;
	if (ipart > UINT64_MAX / mult)
		return -ERANGE;
	v = ipart * mult;
	/* the fraction's bytes: num/den of mult, exact when it divides */
	f = (mult % den == 0) ? num * (mult / den)
			      : (uint64_t) ((long double) num / (long double) den * (long double) mult);
	if (num && mult == 1)
		return -EINVAL;	/* "1.5" bytes */
	if (v > UINT64_MAX - f)
		return -ERANGE;
	*bytes = v + f;
	return 0;
}

int parse_size_or_max(const char *s, uint64_t *bytes)
{
	if (s && strcasecmp(s, "max") == 0) {
		*bytes = PARSE_MAX;
		return 0;
	}
	return parse_size(s, bytes);
}

int parse_count_or_max(const char *s, uint64_t *n)
{
	if (s && strcasecmp(s, "max") == 0) {
		*n = PARSE_MAX;
		return 0;
	}
	return parse_u64(s, n);
}

int parse_percent(const char *s, uint64_t *ppm)
{
	const char *end;
	uint64_t v;
	int r;

	if (!s || !*s)
		return -EINVAL;
	/* percent with 4 fractional digits is parts per million */
	r = scan_decimal(s, 4, &v, &end);
	if (r < 0)
		return r;
	if (end[0] != '%' || end[1] != '\0')
		return -EINVAL;
	*ppm = v;
	return 0;
}

int parse_id(const char *s, uint32_t *id)
{
	uint32_t v;
	int r = parse_u32(s, &v);

	if (r < 0)
		return r;
	if (v == UINT32_MAX)
		return -ERANGE;	/* (uid_t) -1 means "unchanged" to the kernel */
	*id = v;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "IOT", SIGIOT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

static int parse_rt_signal(const char *s, int *sig)
{
	uint32_t off = 0;
	int base, r;

	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return -EINVAL;
	s += 5;
	if (*s == '+' || (*s == '-' && base == SIGRTMAX)) {
		r = parse_u32(s + 1, &off);
		if (r < 0)
			return r;
		if (off > (uint32_t) (SIGRTMAX - SIGRTMIN))
			return -ERANGE;
		base += *s == '+' ? (int) off : -(int) off;
	} else if (*s) {
		return -EINVAL;
	}
	if (base < SIGRTMIN || base > SIGRTMAX)
		return -ERANGE;
	*sig = base;
	return 0;
}

int parse_signal(const char *s, int *sig)
{
	uint32_t n;
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char) *s)) {
		int r = parse_u32(s, &n);

		if (r < 0)
			return r;
		if (n == 0 || n > (uint32_t) SIGRTMAX)
			return -ERANGE;
		*sig = (int) n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < ARRAY_SIZE(signames); i++) {
		if (strcasecmp(s, signames[i].name) == 0) {
			*sig = signames[i].sig;
			return 0;
		}
	}
	return parse_rt_signal(s, sig);
}

const char *signal_name(int sig)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signames); i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return NULL;
}

size_t inet_addr_len(const struct cu_inet *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

int parse_inet_addr(const char *s, struct cu_inet *out)
{
	struct cu_inet a;

	if (!s || !*s)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.addr.v4) == 1) {
		a.family = AF_INET;
		a.prefix = 32;
	} else if (inet_pton(AF_INET6, s, &a.addr.v6) == 1) {
		a.family = AF_INET6;
		a.prefix = 128;
	} else {
		return -EINVAL;
	}
	*out = a;
	return 0;
}

int parse_cidr(const char *s, struct cu_inet *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash;
	uint32_t prefix;
	struct cu_inet a;
	size_t len;
	int r;

	if (!s || !(slash = strchr(s, '/')))
		return -EINVAL;
	len = (size_t) (slash - s);
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	r = parse_inet_addr(buf, &a);
	if (r < 0)
		return r;
	r = parse_u32(slash + 1, &prefix);
	if (r < 0)
		return -EINVAL;
	if (prefix > a.prefix)
		return -ERANGE;
	a.prefix = prefix;
	*out = a;
	return 0;
}

int format_inet(const struct cu_inet *a, bool with_prefix, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(a->family, a->addr.bytes, addr, sizeof(addr)))
		return -errno;
	n = with_prefix ? snprintf(buf, len, "%s/%u", addr, a->prefix)
			: snprintf(buf, len, "%s", addr);
	if (n < 0 || (size_t) n >= len)
		return -ENAMETOOLONG;
	return 0;
}

void cidr_network(const struct cu_inet *a, struct cu_inet *net)
{
	size_t i, n = inet_addr_len(a);

	*net = *a;
	for (i = 0; i < n; i++) {
		unsigned bits = a->prefix > i * 8 ? a->prefix - (unsigned) i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t) (0xff << (8 - bits));

		net->addr.bytes[i] &= mask;
	}
}

bool cidr_contains(const struct cu_inet *net, const struct cu_inet *a)
{
	struct cu_inet x, y;

	if (net->family != a->family)
		return false;
	x = *a;
	x.prefix = net->prefix;
	cidr_network(&x, &x);
	cidr_network(net, &y);
	return memcmp(x.addr.bytes, y.addr.bytes, inet_addr_len(a)) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char) tolower((unsigned char) c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	char sep = 0;
	int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = hexval(p[0]), lo = hexval(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5) {
			if (p[2] != ':' && p[2] != '-')
				return -EINVAL;
			if (sep && p[2] != sep)
				return -EINVAL;
			sep = p[2];
		}
		m[i] = (uint8_t) (hi << 4 | lo);
	}
	if (m[0] & 1)
		return -EADDRNOTAVAIL;	/* multicast: not a station address */
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		return -EADDRNOTAVAIL;	/* the kernel refuses 00:00:00:00:00:00 */
	memcpy(mac, m, 6);
	return 0;
}

int format_mac(const uint8_t mac[6], char *buf, size_t len)
{
	int n = snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);

	return (n < 0 || (size_t) n >= len) ? -ENAMETOOLONG : 0;
}

void unmangle_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The *_or_err forms. */

static __noreturn void parse_die(int r, const char *s, const char *msg,
				 const char *hint)
{
	if (r == -ERANGE)
		errx(cu_exit_failure, _("%1$s: '%2$s': value out of range"), msg, s ? s : "");
	if (hint)
		errx(cu_exit_failure, _("%1$s: '%2$s' (%3$s)"), msg, s ? s : "", hint);
	errx(cu_exit_failure, _("%1$s: '%2$s'"), msg, s ? s : "");
}

uint64_t u64_or_err(const char *s, const char *msg)
{
	uint64_t v;
	int r = parse_u64(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected an unsigned integer"));
	return v;
}

uint32_t u32_or_err(const char *s, const char *msg)
{
	uint32_t v;
	int r = parse_u32(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected an unsigned integer"));
	return v;
}

uint64_t size_or_err(const char *s, const char *msg)
{
	uint64_t v;
	int r = parse_size(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected a size such as 512K, 64M or 1G"));
	return v;
}

uint64_t size_or_max_or_err(const char *s, const char *msg)
{
	uint64_t v;
	int r = parse_size_or_max(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected a size such as 64M, or max"));
	return v;
}

uint64_t count_or_max_or_err(const char *s, const char *msg)
{
	uint64_t v;
	int r = parse_count_or_max(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected a number, or max"));
	return v;
}

uint64_t percent_or_err(const char *s, const char *msg)
{
	uint64_t v;
	int r = parse_percent(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected a percentage such as 20%"));
	return v;
}

uint32_t id_or_err(const char *s, const char *msg)
{
	uint32_t v;
	int r = parse_id(s, &v);

	if (r < 0)
		parse_die(r, s, msg, _("expected a numeric id below 4294967295"));
	return v;
}

pid_t pid_or_err(const char *s, const char *msg)
{
	uint32_t v;

	/* 0 and the negatives' bit patterns name no process: one message for all */
	if (parse_u32(s, &v) < 0 || v == 0 || v > INT_MAX)
		parse_die(-EINVAL, s, msg, _("give a process ID"));
	return (pid_t) v;
}

int signal_or_err(const char *s, const char *msg)
{
	int sig;
	int r = parse_signal(s, &sig);

	if (r < 0)
		parse_die(r, s, msg, _("expected a signal name such as TERM, or a number"));
	return sig;
}

void cidr_or_err(const char *s, struct cu_inet *out, const char *msg)
{
	int r = parse_cidr(s, out);

	if (r < 0)
		parse_die(r, s, msg, _("expected ADDRESS/PREFIX such as 10.0.0.1/24 or fd00::1/64"));
}

void inet_addr_or_err(const char *s, struct cu_inet *out, const char *msg)
{
	int r = parse_inet_addr(s, out);

	if (r < 0)
		parse_die(r, s, msg, _("expected an IPv4 or IPv6 address"));
}

void mac_or_err(const char *s, uint8_t mac[6], const char *msg)
{
	int r = parse_mac(s, mac);

	if (r == -EADDRNOTAVAIL && (hexval(s[1]) & 1))
		parse_die(-EINVAL, s, msg, _("a multicast address cannot name an interface"));
	if (r == -EADDRNOTAVAIL)
		parse_die(-EINVAL, s, msg, _("the all-zero address cannot name an interface"));
	if (r < 0)
		parse_die(r, s, msg, _("expected six hex bytes such as 02:42:ac:11:00:02"));
}
