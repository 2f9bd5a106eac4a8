/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus text exposition (format 0.0.4) of bgpshieldd's state, and the
 * engine's small HTTP/1.x server for it (docs/METRICS.md).
 *
 * The text builders are pure: they format what they are handed into a
 * buffer.  The engine builds the neighbor and API part from its sessions;
 * the parent builds the guard part from its own BPF maps (the engine cannot
 * open them) and sends it over imsg (IMSG_METRICS chunks); the engine
 * appends it to its part and answers bgpshieldctl or an HTTP scraper.
 */
#ifndef BGPS_METRICS_H
#define BGPS_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "guard_names.h"
#include "session.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* The guard text the parent builds is cut here (and says so): it comes
 * from maps of at most BGPS_MAX_PEERS + BGPS_MAX_RANGES entries. */
#define METRICS_GUARD_MAX (16u * 1024 * 1024)

struct mbuf {
	char *p;
	size_t len, cap;
	int failed; /* out of memory or over max: the text is incomplete */
	size_t max; /* 0: no limit */
};

void mbuf_printf(struct mbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mbuf_add(struct mbuf *b, const void *p, size_t len);
void mbuf_free(struct mbuf *b);

/* "# HELP name help\n# TYPE name type\n": once per family. */
void metrics_family(struct mbuf *b, const char *name, const char *type,
		    const char *help);
/* A label value as the text format wants it: \\, \" and \n escaped. */
void metrics_label_escape(struct mbuf *b, const char *v);
/* name{k1="v1",k2="v2"} value: labels as pairs, NULL-terminated */
void metrics_sample(struct mbuf *b, const char *name, const char *const *labels,
		    uint64_t value);

/* --- the engine's part ------------------------------------------------- */

struct metrics_neighbor {
	char address[PREFIX_STRLEN];
	uint32_t peer_as;
	struct sess_info si;
};

struct metrics_engine {
	const char *version;
	uint64_t uptime_s;
	uint32_t config_generation;
	uint64_t control_refused;
	size_t api_processes;
	uint64_t api_commands, api_errors, api_rate_limited, api_long_lines,
		api_events_dropped;
	const struct metrics_neighbor *nb;
	size_t nnb;
};

void metrics_engine_text(struct mbuf *b, const struct metrics_engine *m);

/* --- the parent's part ------------------------------------------------- */

struct metrics_peer {
	struct guard_rule rule;
	struct bgps_peer v;
};

struct metrics_guard {
	int status; /* 0, or -errno: the maps could not be read */
	struct bgps_stats stats;
	struct bgps_settings settings;
	const struct metrics_peer *peers;
	size_t npeers;
	const struct guard_iface_status *ifaces;
	size_t nifaces;
	uint64_t audit_errors; /* audit log lines that could not be written */
	/* the parent's binder (user/guard/bind.c) */
	uint64_t bind_mac_changes; /* learned MACs replaced by another */
	uint64_t bind_rebinds;	   /* entries moved to other interfaces */
	uint64_t bind_failures;	   /* resolutions that found nothing */
	/* flowspec rules the guard enforces, with their counters */
	const struct bgps_fs_rule *flows;
	size_t nflows;
};

void metrics_guard_text(struct mbuf *b, const struct metrics_guard *g);

/*
 * Chunks of the parent's text arriving for request ids: append; returns 1
 * when `more` was 0 (the text is whole: *out points at it until
 * metrics_collect_done(id)), 0 when more is to come, -1 when the id is not
 * awaited or the text is over METRICS_GUARD_MAX.
 */
int metrics_collect_start(uint32_t id);
int metrics_collect(uint32_t id, int more, const char *text, size_t len,
		    struct mbuf **out);
void metrics_collect_done(uint32_t id);

/* --- HTTP ----------------------------------------------------------------- */

#define METRICS_HTTP_HEAD_MAX 4096
#define METRICS_HTTP_CLIENTS 8
#define METRICS_HTTP_TIMEOUT 10 /* seconds for a whole exchange */

/*
 * A request head (what arrived so far): 0 while it is incomplete, else the
 * status to answer: 200 (GET or HEAD /metrics; *head_only for HEAD), 400,
 * 404, 405, 431 (over METRICS_HTTP_HEAD_MAX), 505.
 */
int metrics_http_parse(const char *buf, size_t len, int *head_only);

/* epoll tags of the HTTP server: the listener, then one per client */
#define METRICS_TAG_BASE 0x800u
#define METRICS_TAG_END (METRICS_TAG_BASE + 1 + METRICS_HTTP_CLIENTS)

struct metrics_http_ops {
	/* ask the parent for its part: 0 with *id set, or -1 */
	int (*request)(void *arg, uint32_t *id);
	/* the whole text for a request the parent answered (guard part) */
	void (*build)(void *arg, const struct mbuf *guard, struct mbuf *out);
	void *arg;
};

/* listen_fd < 0: no HTTP server. */
void metrics_http_init(int epfd, int listen_fd,
		       const struct metrics_http_ops *ops);
void metrics_http_event(uint32_t tag, uint32_t events);
/* The parent's part for id arrived (guard NULL: it never will). */
int metrics_http_answer(uint32_t id, const struct mbuf *guard);
/* Close what ran over METRICS_HTTP_TIMEOUT. */
void metrics_http_tick(time_t now);

#endif
