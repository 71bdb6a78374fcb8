/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec-reaper.h - a tiny init for --init: run the program as a child, pass every
 * catchable signal on to it, reap every zombie, end with its status.
 */
#ifndef CU_REAPER_H
#define CU_REAPER_H

#include <signal.h>

#include "c.h"

/*
 * Fork the program (@argv, or the shell when empty), restoring @mask in
 * the child before exec, and become its reaper.  Returns the program's
 * status as a shell sees it (its code, or 128+N), or -errno when the init
 * itself failed.  The caller exits with it.
 */
int reaper_run(char *const argv[], const sigset_t *mask) __must_check;

#endif /* CU_REAPER_H */
