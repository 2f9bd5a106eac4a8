/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BGP sessions in the engine: the RFC 4271 §8 finite state machine for
 * each configured neighbor, over the sockets the engine opens (active) or
 * accepts on the listeners the parent bound (passive).
 */
#ifndef BGPS_SESSION_H
#define BGPS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct config;

enum sess_state {
	SESS_IDLE = 0,
	SESS_CONNECT,
	SESS_ACTIVE,
	SESS_OPENSENT,
	SESS_OPENCONFIRM,
	SESS_ESTABLISHED,
};

/* epoll tags at or above this belong to sessions */
#define SESS_TAG_BASE 0x10000u

struct sess_info {
	struct prefix address;
	uint32_t peer_as, local_as;
	enum sess_state state;
	uint64_t uptime_s; /* in Established, else 0 */
	size_t prefixes_in, prefixes_out;
	uint64_t msgs_in, msgs_out;
	uint16_t hold; /* negotiated */
	char last_error[160];
};

const char *sess_state_name(enum sess_state s);
void sessions_init(int epfd, const int *listen_fds, int nlisten);
/* (Re)build the sessions from a new config: neighbors that stay keep
 * their session, new ones start, removed ones are closed with Cease. */
void sessions_apply(struct config *cfg);
void sessions_event(uint32_t tag, uint32_t events);
void sessions_accept(int listen_fd);
/* A connection from p, already accepted (tests hand in one end of a
 * socketpair): collision rules, then our OPEN.  0, or -1 (fd closed). */
int sessions_adopt(const struct prefix *p, int fd);
/* Tests drive the timers: a clock in milliseconds (NULL: the real one). */
void sessions_set_clock(uint64_t (*fn)(void));
/* Run timers; returns the milliseconds until the next one (<= 1000). */
int sessions_tick(void);
size_t sessions_count(void);
int sessions_info(size_t i, struct sess_info *out);
/* Cease with an RFC 9003 shutdown communication; -1 if no such neighbor. */
int sessions_shutdown(const struct prefix *addr, const char *text);
/* Walk a neighbor's Adj-RIB-In, or -Out (only one prefix when only is set), at
 * most limit entries; desc is "via NH as-path [...] med ..." or the same
 * as JSON members.  Returns entries shown, -1 if no such neighbor. */
typedef void (*sessions_rib_cb)(const struct prefix *p, const char *desc,
				void *arg);
long sessions_rib(const struct prefix *neighbor, int out,
		  const struct prefix *only, size_t limit, int json,
		  sessions_rib_cb cb, void *arg, size_t *skipped);
/* The engine stops: every session gets a Cease with text. */
void sessions_stop(const char *text);

#endif
