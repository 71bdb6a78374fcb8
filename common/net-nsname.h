/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-nsname.h - named network namespaces as iproute2 keeps them:
 * a bind mount of a netns on /run/netns/NAME.
 */
#ifndef CU_NETNSNAME_H
#define CU_NETNSNAME_H

#include <stddef.h>
#include <sys/types.h>

#include "c.h"

#define NETNS_RUN_DIR	"/run/netns"
#define NETNS_ETC_DIR	"/etc/netns"

/*
 * Is @name usable as a file in /run/netns?  0, or -EINVAL (empty, "." or
 * "..", contains '/') or -ENAMETOOLONG (over NAME_MAX), with @e filled.
 */
int netns_check_name(const char *name, struct cu_error *e) __must_check;

/* "/run/netns/NAME" into @buf; the name is checked first. */
int netns_path(const char *name, char *buf, size_t len, struct cu_error *e) __must_check;

/* Open the named namespace read-only, close-on-exec: fd or -errno. */
int netns_open_name(const char *name, struct cu_error *e) __must_check;

/*
 * Open a network namespace given the way every tool takes one: a name in
 * /run/netns, a path (anything with a '/'), or a PID (all digits, when no
 * such name exists).  The fd is checked to be a network namespace.
 */
int netns_open_spec(const char *spec, struct cu_error *e) __must_check;

#endif /* CU_NETNSNAME_H */
