// SPDX-License-Identifier: GPL-2.0-or-later
/* closestream.c - catch write errors on stdout and stderr at exit */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <unistd.h>

#include "c.h"
#include "closestream.h"

int close_stream(FILE *stream)
{
	const int some_pending = (__fpending(stream) != 0);
	const int prev_fail = (ferror(stream) != 0);
	const int fclose_fail = (fclose(stream) != 0);

	if (prev_fail || (fclose_fail && (some_pending || errno != EBADF))) {
		if (!fclose_fail && !(errno == EPIPE))
			errno = 0;
		return EOF;
	}
	return 0;
}

/* Flush and fsync-like check through a dup, as NFS may defer errors. */
static int flush_standard_stream(FILE *stream)
{
	int fd;

	errno = 0;
	if (ferror(stream) != 0 || fflush(stream) != 0)
		goto error;
	fd = fileno(stream);
	if (fd < 0)
		goto error;
	fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || close(fd) != 0)
		goto error;
	return 0;
error:
	return (errno == EBADF) ? 0 : EOF;
}

void close_stdout(void)
{
	if (flush_standard_stream(stdout) != 0 && errno != EPIPE) {
		if (errno)
			warn(_("write error"));
		else
			warnx(_("write error"));
		_exit(cu_exit_failure);
	}
	if (flush_standard_stream(stderr) != 0)
		_exit(cu_exit_failure);
}

void close_stdout_atexit(void)
{
	/*
	 * Also under ASan: LeakSanitizer's own atexit handler was registered
	 * before main() and so runs after ours; we only _exit() on a write
	 * error, when the status matters more than a leak report.
	 */
	if (atexit(close_stdout) != 0)
		err(cu_exit_failure, _("cannot register the exit handler"));
}
