/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-nat.c - the suite's nftables table, driven through libnftables.
 *
 * libnftables drags libnftnl, libxtables, libjansson and libgmp in with it:
 * linked, they would be loaded at every start of vethctl, which needs them
 * for nat and connect --nat only.  So it is dlopen()ed by the first NAT
 * request, before anything is changed.
 */
#include <ctype.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "c.h"
#include "caps.h"
#include "explain.h"
#include "dlsym.h"
#include "net-netlink.h"
#include "nls.h"
#include "net-nat.h"

/*
 * nft parses a quoted name further: '*' makes a wildcard, '\\' escapes it,
 * '"' ends the string (and what follows is syntax).  libnftables' JSON
 * input is no way out: there "tcp", "redirect" or "*" turn into other
 * values, and a name starting with '@' into a set reference.  So a name
 * that reaches nft is made of the characters that mean nothing to it.
 */
int nat_check_out(const char *out, struct cu_error *e)
{
	size_t len = strlen(out);

	for (const char *p = out; *p; p++) {
		if (!isascii((unsigned char) *p) || !isprint((unsigned char) *p))
			return cu_error_set(e, 0, _("invalid interface name for NAT: it contains a control or non-ASCII byte (use letters, digits, '-', '_', '.')"));
		if (!isalnum((unsigned char) *p) && !strchr("-_.", *p))
			return cu_error_set(e, 0, _("invalid interface name for NAT: '%1$s': nftables would read '%2$c' as syntax (use letters, digits, '-', '_', '.')"),
					    out, *p);
	}
	if (len == 0 || len >= IF_NAMESIZE || streq(out, ".") || streq(out, ".."))
		return cu_error_set(e, 0, _("invalid interface name for NAT: '%s' (give 1 to 15 letters, digits, '-', '_', '.')"),
				    out);
	return 0;
}

#ifdef HAVE_LIBNFTABLES
#include <nftables/libnftables.h>

#define NAT_RUNDIR	"/run/container-utils"
#define NAT_LOCK	NAT_RUNDIR "/nat.lock"
#define FORWARD_SYSCTL	"/proc/sys/net/ipv4/ip_forward"
#define FORWARD_MARK	"container-utils: ip_forward enabled"

/* What nat.c calls; the pointers take their types from libnftables.h. */
#define NFT_SYMBOLS(X) \
	X(nft_ctx_new) X(nft_ctx_free) X(nft_ctx_buffer_output) \
	X(nft_ctx_buffer_error) X(nft_ctx_get_output_buffer) \
	X(nft_ctx_get_error_buffer) X(nft_run_cmd_from_buffer)

static struct {
#define NFT_POINTER(f) __typeof__(f) *f;
	NFT_SYMBOLS(NFT_POINTER)
#undef NFT_POINTER
} nft;

#define NFT_SYMBOL(f) { #f, (void **) &nft.f, DL_ADDR(CU_LINK_NFTABLES, f) },
static const struct dl_symbol nft_symbols[] = { NFT_SYMBOLS(NFT_SYMBOL) };
#undef NFT_SYMBOL

DL_NOTE_UNLESS(CU_LINK_NFTABLES, "nat", "NAT rules (vethctl nat, connect --nat)",
	       DL_PRIORITY_SUGGESTED, NFTABLES_SONAME);

static struct dl_library nft_library = {
	.soname = NFTABLES_SONAME,
	.symbols = nft_symbols,
	.nsymbols = ARRAY_SIZE(nft_symbols),
};

int nat_load(struct cu_error *e)
{
	return dl_library_load(&nft_library, e);
}

/* The masquerade rules, as written and as nft lists them. */
#define RULE_MASQ	"ip saddr @masq ip daddr != @masq masquerade"
#define RULE_MASQ_OUT	"ip saddr . oifname @masq_out masquerade"

/* One transaction: the table with its sets, chains and fixed rules. */
static const char table_def[] =
	"table ip " NAT_TABLE " {\n"
	"	comment \"%s\"\n"
	"	set masq { type ipv4_addr; flags interval; }\n"
	"	set masq_out { type ipv4_addr . ifname; flags interval; }\n"
	"	chain postrouting {\n"
	"		type nat hook postrouting priority srcnat; policy accept;\n"
	"		" RULE_MASQ "\n"
	"		" RULE_MASQ_OUT "\n"
	"	}\n"
	"	chain forward {\n"
	"		type filter hook forward priority filter; policy accept;\n"
	"		ip saddr @masq accept\n"
	"		ip daddr @masq ct state established,related accept\n"
	"		ip saddr . oifname @masq_out accept\n"
	"		ip daddr . iifname @masq_out ct state established,related accept\n"
	"	}\n"
	"}\n";

bool nat_supported(void)
{
	return true;
}

/*
 * Run @cmd; 0, or -errno-ish with the first line of nft's error in @e
 * (when @e is NULL the caller only wants to know).  @out gets stdout.
 */
static int nat_nft_dry(const char *cmd, char **out);

static int nat_nft_cmd(const char *cmd, char **out, struct cu_error *e)
{
	struct nft_ctx *ctx;
	const char *err;
	int r;

	if (explain_dry_run() && (r = nat_nft_dry(cmd, out)) <= 0)
		return r;
	ctx = nft.nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return cu_error_set(e, ENOMEM, _("cannot start libnftables"));
	nft.nft_ctx_buffer_output(ctx);
	nft.nft_ctx_buffer_error(ctx);
	r = nft.nft_run_cmd_from_buffer(ctx, cmd);
	explain_nft(cmd, r);
	if (out)
		*out = xstrdup(nft.nft_ctx_get_output_buffer(ctx));
	if (r != 0) {
		err = nft.nft_ctx_get_error_buffer(ctx);
		cu_error_set(e, 0, _("nftables: %.*s"),
			     (int) strcspn(err, "\n"), err);
		r = -EIO;
	}
	nft.nft_ctx_free(ctx);
	return r;
}

static int forward_get(void)
{
	char c = '0';
	int fd = open(FORWARD_SYSCTL, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

static int forward_set(bool on, struct cu_error *e)
{
	int fd = explain_dry_run() ? EXPLAIN_DRY_FD : open(FORWARD_SYSCTL, O_WRONLY | O_CLOEXEC);

	/* a dry run's EXPLAIN_DRY_FD: the write is narrated, not made */
	if ((fd < 0 && fd != EXPLAIN_DRY_FD) ||
	    ex_write_path(fd, on ? "1\n" : "0\n", 2, FORWARD_SYSCTL) != 2) {
		int r = cu_error_set(e, errno, _("cannot write %s"), FORWARD_SYSCTL);

		if (fd >= 0)
			close(fd);
		return r;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * Dry run: a command that changes the table is narrated with its privilege
 * and not run.  A listing is a read: run when this process may read the
 * table it would act on (CAP_NET_ADMIN, and in that network namespace);
 * else its answer is assumed, as @nat_dry_assume says: no table yet for an
 * add, the entry there for a del.  Returns 0 or -EIO (handled), 1 (run it).
 */
static bool nat_dry_assume;

static int nat_nft_dry(const char *cmd, char **out)
{
	if (!startswith(cmd, "list ") && !startswith(cmd, "get ")) {
		explain_nft(cmd, 0);
		return 0;
	}
	if (caps_have(CAP_NET_ADMIN) && !netlink_dry_elsewhere())
		return 1;
	explain_nft(cmd, 0);
	/* a table with no element left, made when forwarding was off */
	if (out)
		*out = xstrdup("comment \"" FORWARD_MARK "\"");
	return nat_dry_assume ? 0 : -EIO;
}

/* Serialise table creation and removal between our own processes. */
static int nat_lock(struct cu_error *e)
{
	int fd;

	if (explain_dry_run())	/* a plan makes no lock file and takes no lock */
		return EXPLAIN_DRY_FD;
	if (mkdir(NAT_RUNDIR, 0755) < 0 && errno != EEXIST)
		return cu_error_set(e, errno, _("cannot create %s"), NAT_RUNDIR);
	fd = open(NAT_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cu_error_set(e, errno, _("cannot open %s"), NAT_LOCK);
	if (flock(fd, LOCK_EX) < 0) {
		int r = cu_error_set(e, errno, _("cannot lock %s"), NAT_LOCK);

		close(fd);
		return r;
	}
	return fd;
}

/*
 * "masq { 10.0.0.0/24 }" or "masq_out { 10.0.0.0/24 . \"eth0\" }": the only
 * place where a value from outside becomes nft text.  The subnet is printed
 * from its parsed form; the interface name is checked here again, whoever
 * the caller is, so that it can only ever be the inside of a quoted string.
 */
static int element(const struct cu_inet *subnet, const char *out, char *buf,
		   size_t len, struct cu_error *e)
{
	char net[INET6_ADDRSTRLEN + 8];
	struct cu_inet n;
	int r;

	if (subnet->family != AF_INET)
		return cu_error_set(e, 0, _("masquerade needs an IPv4 subnet"));
	cidr_network(subnet, &n);
	if (format_inet(&n, true, net, sizeof(net)) < 0)
		return cu_error_set(e, EINVAL, _("bad subnet"));
	if (out && (r = nat_check_out(out, e)) < 0)
		return r;
	if (out)
		r = snprintf(buf, len, "masq_out { %s . \"%s\" }", net, out);
	else
		r = snprintf(buf, len, "masq { %s }", net);
	if (r < 0 || (size_t) r >= len)
		return cu_error_set(e, ENAMETOOLONG, _("bad subnet"));
	return 0;
}

static bool table_exists(void)
{
	return nat_nft_cmd("list table ip " NAT_TABLE, NULL, NULL) == 0;
}

static bool has_element(const char *el)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "get element ip %s %s", NAT_TABLE, el);
	return nat_nft_cmd(cmd, NULL, NULL) == 0;
}

static int table_create(struct cu_error *e)
{
	char cmd[sizeof(table_def) + 64];
	int was = forward_get();

	snprintf(cmd, sizeof(cmd), table_def, was == 1 ? "container-utils" : FORWARD_MARK);
	return nat_nft_cmd(cmd, NULL, e);
}

static int del_element(const char *el, struct cu_error *e)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "delete element ip %s %s", NAT_TABLE, el);
	return nat_nft_cmd(cmd, NULL, e);
}

static int add_locked(const char *el, bool *added, struct cu_error *e)
{
	char cmd[256];
	bool created = false;
	int r;

	*added = false;
	if (!table_exists()) {
		r = table_create(e);
		if (r < 0)
			return r;
		created = true;
	} else if (has_element(el)) {
		return forward_set(true, e);
	}
	snprintf(cmd, sizeof(cmd), "add element ip %s %s", NAT_TABLE, el);
	r = nat_nft_cmd(cmd, NULL, e);
	if (r < 0)
		goto out_del_table;
	r = forward_set(true, e);
	if (r < 0)
		goto out_del_element;
	*added = true;
	return 0;
out_del_element:
	/* best effort: the error to report is r */
	ignore_result(del_element(el, NULL));
out_del_table:
	if (created)	/* best effort too */
		ignore_result(nat_nft_cmd("delete table ip " NAT_TABLE, NULL, NULL));
	return r;
}

/*
 * The start of nat_add() and nat_del(): the element's text, libnftables,
 * what a plan assumes of a table it cannot read (@assume_there), and the
 * lock in *@lock (EXPLAIN_DRY_FD in a plan).  Returns 0 or -errno.
 */
static int nat_begin(const struct cu_inet *subnet, const char *out, char *el,
		     size_t len, bool assume_there, int *lock, struct cu_error *e)
{
	int r;

	r = element(subnet, out, el, len, e);
	if (r < 0)
		return r;
	r = nat_load(e);
	if (r < 0)
		return r;
	nat_dry_assume = assume_there;
	*lock = nat_lock(e);
	return ex_fd_failed(*lock) ? *lock : 0;
}

int nat_add(const struct cu_inet *subnet, const char *out, bool *added,
	    struct cu_error *e)
{
	char el[128];
	int lock, r;

	/* a table the plan cannot read: no entry yet */
	r = nat_begin(subnet, out, el, sizeof(el), false, &lock, e);
	if (r < 0)
		return r;
	r = add_locked(el, added, e);
	if (lock >= 0)
		close(lock);
	return r;
}

/* Both sets empty: the table goes, and forwarding if the table turned it on. */
static int drop_if_empty(struct cu_error *e)
{
	_cleanup_free_ char *out = NULL;
	int r;

	r = nat_nft_cmd("list table ip " NAT_TABLE, &out, e);
	if (r < 0)
		return r;
	if (strstr(out, "elements = "))
		return 0;
	r = nat_nft_cmd("delete table ip " NAT_TABLE, NULL, e);
	if (r == 0 && strstr(out, FORWARD_MARK))
		r = forward_set(false, e);
	return r;
}

static int del_locked(const char *el, struct cu_error *e)
{
	int r;

	if (!table_exists() || !has_element(el)) {
		cu_error_set(e, 0, _("cannot remove masquerade: %1$s is not in table ip %2$s"),
			     el, NAT_TABLE);
		return -ENOENT;
	}
	r = del_element(el, e);
	if (r < 0)
		return r;
	return drop_if_empty(e);
}

int nat_del(const struct cu_inet *subnet, const char *out, struct cu_error *e)
{
	char el[128];
	int lock, r;

	/* a table the plan cannot read: the entry is there */
	r = nat_begin(subnet, out, el, sizeof(el), true, &lock, e);
	if (r < 0)
		return r;
	r = del_locked(el, e);
	if (lock >= 0)
		close(lock);
	return r;
}

/* Search the table's listing: one request, no lock (nothing changes). */
int nat_masquerades(const struct cu_inet *subnet, struct cu_error *e)
{
	_cleanup_free_ char *out = NULL;
	char net[INET6_ADDRSTRLEN + 8];
	struct cu_inet n;
	const char *p, *outset;
	int r;

	if (subnet->family != AF_INET)
		return 0;
	cidr_network(subnet, &n);
	if (format_inet(&n, true, net, sizeof(net)) < 0)
		return cu_error_set(e, EINVAL, _("bad subnet"));
	if (!caps_have(CAP_NET_ADMIN))	/* nft would print its own error */
		return cu_error_set(e, EPERM, _("cannot read table ip %s"), NAT_TABLE);
	r = nat_load(e);
	if (r < 0)
		return r;
	if (!table_exists())
		return 0;
	r = nat_nft_cmd("list table ip " NAT_TABLE, &out, e);
	if (r < 0)
		return r;
	/*
	 * "10.0.0.0/24" as a whole word: not the start of "10.0.0.0/240";
	 * and the rule that masquerades its set must be there too (a flushed
	 * chain masquerades nothing, whatever the sets hold).
	 */
	outset = strstr(out, "set masq_out {");
	for (p = out; (p = strstr(p, net)); p += strlen(net))
		if ((p == out || (!isdigit((unsigned char) p[-1]) && p[-1] != '.')) &&
		    !isdigit((unsigned char) p[strlen(net)]))
			return strstr(out, outset && p > outset ? RULE_MASQ_OUT : RULE_MASQ) ? 1 : 0;
	return 0;
}

#else /* !HAVE_LIBNFTABLES */

bool nat_supported(void)
{
	return false;
}

int nat_load(struct cu_error *e)
{
	return cu_error_set(e, 0, _("built without NAT support (rebuild with libnftables)"));
}

int nat_add(const struct cu_inet *subnet __unused, const char *out __unused,
	    bool *added, struct cu_error *e)
{
	*added = false;
	return cu_error_set(e, 0, _("built without NAT support (rebuild with libnftables)"));
}

int nat_del(const struct cu_inet *subnet __unused, const char *out __unused,
	    struct cu_error *e)
{
	return cu_error_set(e, 0, _("built without NAT support (rebuild with libnftables)"));
}

int nat_masquerades(const struct cu_inet *subnet __unused, struct cu_error *e)
{
	return cu_error_set(e, 0, _("built without NAT support (rebuild with libnftables)"));
}

#endif /* HAVE_LIBNFTABLES */
