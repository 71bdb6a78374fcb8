/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-lease.h - what "vethctl connect" made, one record a connection, in one
 * store per bridge under /run/container-utils/leases/ (a directory of small
 * files, held with flock(2): a record is found by its namespace and host
 * end, an address by its own file, so that a connect or a CNI ADD costs the
 * same with a thousand records as with ten).
 *
 * A record is the tool's own memory of a connection: the namespace it wired
 * (by device and inode, plus the path it was reached by: /run/netns/NAME,
 * /proc/PID/ns/net, a file), the host end of the pair (name and ifindex),
 * the name of the end inside, the IPv4 address handed out (if any) and the
 * masquerade entry it asked for.  disconnect undoes what the record says,
 * never what it finds inside the namespace, which the container controls.
 *
 * A record whose path no longer leads to its namespace gives its address
 * back when the allocator finds no other (or that address is asked for),
 * so addresses cannot leak when a namespace is deleted without a
 * disconnect; one that asked for masquerade stays in the store until
 * lease_reap() has had its entry removed.
 */
#ifndef CU_LEASE_H
#define CU_LEASE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#include "c.h"
#include "strutils.h"

#define LEASE_DIR	"/run/container-utils/leases"

struct lease_owner {
	dev_t dev;
	ino_t ino;
	char path[256];
};

struct lease_rec {
	struct lease_owner o;
	bool has_addr;			/* an IPv4 address is leased */
	struct in_addr addr;
	int host_index;			/* our end of the pair; 0: not made yet */
	char host[IF_NAMESIZE];
	char ifname[IF_NAMESIZE];	/* the end inside, as connect named it */
	bool nat;			/* connect added masquerade for net/out */
	struct cu_inet net;
	char out[IF_NAMESIZE];		/* "" for any interface */
};

/*
 * Fill @o for the namespace open as @fd, reached through @path (a path with
 * a control character is refused: a record is one line).
 */
int lease_owner_init(struct lease_owner *o, int fd, const char *path,
		     struct cu_error *e) __must_check;

enum lease_mode {
	LEASE_NONE,			/* record only, no IPv4 address */
	LEASE_AUTO,			/* the next free address */
	LEASE_WANT,			/* exactly the address asked for */
};

/*
 * Record @rec on @key (a file name), before anything is made, so that
 * disconnect finds what a killed connect left.  @gw is the bridge's address with the
 * subnet's prefix: never handed out.  LEASE_WANT: @want, -EADDRINUSE when
 * another live namespace holds it.  The address given is in @got and in
 * rec->addr.
 */
int lease_take(const char *key, const struct cu_inet *gw, enum lease_mode mode,
	       const struct cu_inet *want, struct lease_rec *rec,
	       struct cu_inet *got, struct cu_error *e) __must_check;

/*
 * lease_take(LEASE_AUTO) within @first..@last of @gw's subnet (CNI's
 * host-local rangeStart and rangeEnd; outside the subnet: its first or
 * last host).
 */
int lease_take_range(const char *key, const struct cu_inet *gw,
		     struct in_addr first, struct in_addr last,
		     struct lease_rec *rec, struct cu_inet *got,
		     struct cu_error *e) __must_check;

/*
 * Replace the record of rec->o whose host end is named @host with @rec
 * (connect writes its record before it makes the pair, with host_index 0,
 * and fills the index in once the pair is there).
 */
int lease_update(const char *key, const char *host, const struct lease_rec *rec,
		 struct cu_error *e) __must_check;

/* What lease_find() looks for: each field that is set must match. */
struct lease_match {
	const struct lease_owner *o;	/* the namespace (device, inode) */
	const char *ifname;		/* the name inside, as connect gave it */
	const char *host;		/* the host end, with host_index */
	int host_index;
};

/*
 * The first record that matches @m, looked for in @key, or (@key NULL) in
 * every file whose name ends with @suffix; its file name goes to @keyout.
 * 1 found, 0 none, or -errno.
 */
int lease_find(const char *key, const char *suffix, const struct lease_match *m,
	       struct lease_rec *rec, char *keyout, size_t keylen,
	       struct cu_error *e) __must_check;

/* A copy of the live records of @key (free *@recs); none when it is missing. */
int lease_list(const char *key, struct lease_rec **recs, size_t *n,
	       struct cu_error *e) __must_check;

/*
 * Called with the dropped record while the file is still locked, and
 * whether another live record asks for the same masquerade entry: the
 * place to remove that entry, so that no connect can start sharing it in
 * between.  A negative return keeps the record and is returned.
 */
typedef int (*lease_release_fn)(const struct lease_rec *dropped, bool nat_shared,
				void *data);

/*
 * Drop the record of @o with host end @host on @key, calling @fn (may be
 * NULL) before it is written back.  1 when it was there, 0 when it was not.
 */
int lease_release(const char *key, const struct lease_owner *o, const char *host,
		  lease_release_fn fn, void *data, struct cu_error *e) __must_check;

/*
 * Records of namespaces that are gone free their address at once, but one
 * that asked for masquerade stays in the file until its entry is removed:
 * lease_reap() calls @fn for each (as lease_release() does) and forgets
 * those @fn removed.  0, or the first error (the rest stay for next time).
 */
int lease_reap(const char *key, lease_release_fn fn, void *data,
	       struct cu_error *e) __must_check;

/* Remove the lease file @key (its bridge is gone); 0 when there was none. */
int lease_forget(const char *key, struct cu_error *e) __must_check;

/*
 * The store's parsers, for tests/fuzz/fuzz_lease.c: one record line (@line
 * is changed; 0 or -EINVAL), the line of a record (its length, or -EINVAL),
 * and a record's name "DEV.INO.HOST" as an index entry holds it, checked
 * and built again into @id (0 or -EINVAL; it never holds a '/').
 */
int lease_record_parse(char *line, struct lease_rec *l) __must_check;
int lease_record_format(const struct lease_rec *l, char *buf, size_t len);
int lease_id_parse(const char *s, char *id, size_t len) __must_check;

#endif /* CU_LEASE_H */
