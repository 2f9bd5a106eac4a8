/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging in OpenBGPD's shape: *_warn appends strerror(errno), *_warnx
 * does not; fatal* exit.  Destination is stderr until log_init says more. */
#ifndef BGPS_LOG_H
#define BGPS_LOG_H

#include <stdarg.h>

void log_init(const char *progname, int verbose);
/* From now on to syslog (LOG_DAEMON), connected at once. */
void log_to_syslog(const char *ident);
/* "bgpshieldd[engine]" and the like, for stderr lines. */
void log_set_prefix(const char *progname);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s as the inside of a JSON string, for audit lines: quote and backslash
 * escaped, control bytes as \u00XX; cut (never mid-escape) to fit. */
void json_escape(char *out, size_t outlen, const char *s);
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
