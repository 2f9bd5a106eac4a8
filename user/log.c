// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "bgpshield";
static int log_verbose;

void log_init(const char *progname, int verbose)
{
	log_prog = progname;
	log_verbose = verbose;
}

static void vlog(const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;

	fprintf(stderr, "%s: ", log_prog);
	vfprintf(stderr, fmt, ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
}

#define LOGFN(name, errno_flag, cond)                                         \
	void name(const char *fmt, ...)                                       \
	{                                                                     \
		va_list ap;                                                   \
		if (!(cond))                                                  \
			return;                                               \
		va_start(ap, fmt);                                            \
		vlog(fmt, ap, errno_flag);                                    \
		va_end(ap);                                                   \
	}

LOGFN(log_warn, 1, 1)
LOGFN(log_warnx, 0, 1)
LOGFN(log_info, 0, 1)
LOGFN(log_debug, 0, log_verbose)

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(1);
}
