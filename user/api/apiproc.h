/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's side of API helper processes (ExaBGP 4.x "process"
 * blocks): the parent starts them and hands over one socket each
 * (IMSG_PROC_FD); here their lines are read, limited, parsed (api.c) and
 * executed, answered with ExaBGP's "done"/"error" acks, and neighbor
 * events are written to them in their encoder (api_json.c).
 *
 * apiproc_run() is also what bgpshieldctl announce/withdraw reach through
 * the control socket, so both go through the same validation.
 */
#ifndef BGPS_APIPROC_H
#define BGPS_APIPROC_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct fs_rule;
struct imsg_proc;
struct prefix;
struct jbuf;

#define APIPROC_TAG_BASE 0x1000u /* epoll tags of process sockets */
#define APIPROC_MAX 256

struct apiproc_ops {
	/* one JSON object for the audit log (no newline) */
	void (*audit)(const char *json, size_t len, void *arg);
	/* "reload" from a process */
	void (*reload)(void *arg);
	void *arg;
	/* flowspec enforcement (may be NULL): may r be announced toward
	 * sel (the guard's limits)?  0, or -1 with why: refused before
	 * anything changes.  Then: r was announced (r NULL: rules were
	 * withdrawn or cleared). */
	int (*flow_check)(const struct prefix *sel, size_t nsel,
			  const struct fs_rule *r, char *why, size_t wl);
	void (*flow_changed)(const struct prefix *sel, size_t nsel,
			     const struct fs_rule *r);
};

void apiproc_init(int epfd, const struct apiproc_ops *ops);
/* A config was applied (sessions_apply done): encoders, limits and which
 * process hears which neighbor. */
void apiproc_config(const struct config *cfg);
void apiproc_add(const struct imsg_proc *m, int fd);
void apiproc_gone(const struct imsg_proc *m);
void apiproc_event(uint32_t tag, uint32_t events);
/*
 * Run one command line; the answer's body (show output) is appended to
 * out.  0: done.  -1: error, with the reason in err (refusals name the
 * rule).  source names the origin for the audit log ("process NAME",
 * "control").
 */
int apiproc_run(const char *line, size_t len, const char *source,
		struct jbuf *out, char *err, size_t errlen);
/* Counters for status: processes connected, commands, errors, limited. */
struct apiproc_stats {
	size_t processes;
	uint64_t commands, errors, rate_limited, long_lines, events_dropped;
};
void apiproc_stats(struct apiproc_stats *st);
/* The sessions' hooks (session.h) that feed processes and the audit. */
void apiproc_hooks(void);

#endif
