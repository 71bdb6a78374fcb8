/* SPDX-License-Identifier: GPL-2.0-or-later */
/* closestream.h - a failed write to stdout is an error, reported at exit */
#ifndef CU_CLOSESTREAM_H
#define CU_CLOSESTREAM_H

#include <stdio.h>

/* 0, or EOF with errno set when flushing or closing @stream failed. */
int close_stream(FILE *stream);

/* Meant for atexit(): flush stdout and stderr, die on a write error. */
void close_stdout(void);

/* Register close_stdout() with atexit(). */
void close_stdout_atexit(void);

#endif
