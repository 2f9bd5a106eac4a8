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
	struct prefix local; /* our address on the session; family 0: none */
	size_t routes_api;   /* originated (config and API) */
	/* flowspec rules (RFC 8955): received (Adj-RIB-In), originated */
	size_t flows_in, flows_api;
	uint64_t filtered_in; /* prefixes refused by the import filter */
	uint64_t refused_out; /* announcements refused by the export filter */
	int max_prefix_hit;  /* the import max-prefix is exceeded */
	/* ADD-PATH negotiated (RFC 7911 §5), BGP_FAM_* bits; 0 unless
	 * Established */
	uint8_t addpath_send, addpath_receive;
	char last_error[160];
};

/*
 * What the engine wants to hear about (all may be NULL): state changes
 * ("connected", "up", "down") and messages received, for API processes;
 * refusals and limits, for the audit log.
 */
struct sess_hooks {
	void (*state)(size_t idx, const char *state, const char *reason,
		      void *arg);
	/* a whole message as received, with the session's decoding
	 * context; called only for neighbors with wants_messages */
	void (*message)(size_t idx, const uint8_t *msg, size_t len,
			void *arg);
	/* event: "refused_announce", "max_prefix"...; text: one line */
	void (*audit)(const char *event, const struct prefix *neighbor,
		      const char *text, void *arg);
	void *arg;
};
void sessions_set_hooks(const struct sess_hooks *h);
struct fs_rule;
/* A flowspec rule entered neighbor idx's Adj-RIB-In (withdrawn 0; again
 * when its actions change) or left it (withdrawn 1: the peer's
 * withdrawal, treat-as-withdraw, the session going down, clear adj-rib),
 * for whoever enforces received rules.  NULL: none. */
typedef void (*sess_flow_hook)(size_t idx, const struct fs_rule *r,
			       int withdrawn, void *arg);
void sessions_set_flow_hook(sess_flow_hook fn, void *arg);
/* Does the engine want received messages of neighbor idx (its api
 * blocks ask for them)? */
void sessions_want_messages(size_t idx, int on);
/* The decoding context and limit of neighbor idx's session. */
struct bgp_sess_ctx;
int sessions_ctx(size_t idx, struct bgp_sess_ctx *ctx, size_t *maxlen);

/*
 * Originating routes (API, bgpshieldctl announce).  sel[0..nsel): the
 * neighbors (nsel 0: all).  Each (neighbor, prefix) passes the export
 * filter or is refused: refused(neighbor, prefix, why, arg) is called and
 * the audit hook gets "refused announce P to N: why".  Changes are queued
 * and go out at sessions_flush().  Returns the (neighbor, prefix) pairs
 * accepted, or -1 when no neighbor matches sel.
 */
typedef void (*sess_refused_cb)(const struct prefix *neighbor,
				const struct prefix *p, const char *why,
				void *arg);
struct fs_rule;
/*
 * Flowspec rules (RFC 8955/8956) toward the selected neighbors (all
 * without sel) that negotiated the rule's family: announce returns the
 * (neighbor, rule) pairs accepted, cb hearing each refusal, -1 when no
 * selected neighbor has the family; withdraw the pairs withdrawn (0 for
 * a rule not announced).  user/bgp/session_flow.c.
 */
long sessions_flow_announce(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n,
			    sess_refused_cb cb, void *arg);
long sessions_flow_withdraw(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n);
struct cfg_route;
long sessions_announce(const struct prefix *sel, size_t nsel,
		       const struct cfg_route *attrs, const char *watchdog,
		       const struct prefix *nlri, size_t n, sess_refused_cb cb,
		       void *arg);
/* Withdraw the routes of path id path (path-information, RFC 7911; 0
 * without one) (no error for a prefix that was not announced). */
/* Each flowspec rule a neighbor sent (in) or that we originate toward
 * it; -1 if there is no such neighbor. */
int sessions_flow_walk(size_t i, int in,
		       void (*fn)(const struct fs_rule *r, const uint8_t *nlri,
				  size_t len, void *arg),
		       void *arg);
long sessions_withdraw(const struct prefix *sel, size_t nsel, uint32_t path,
		       const struct prefix *nlri, size_t n);
/* "announce|withdraw watchdog NAME": routes announced with that watchdog
 * go down (withdrawn, kept) or back up. */
void sessions_watchdog(const char *name, int up);
/* End-of-RIB (afi 0: every family) / ROUTE-REFRESH to the peers. */
long sessions_eor(const struct prefix *sel, size_t nsel, uint16_t afi,
		  uint8_t safi);
long sessions_refresh(const struct prefix *sel, size_t nsel, uint16_t afi,
		      uint8_t safi);
/* flush adj-rib out: send everything again; clear adj-rib: forget
 * originated routes (withdrawn) and/or received ones. */
long sessions_resend(const struct prefix *sel, size_t nsel);
long sessions_clear(const struct prefix *sel, size_t nsel, int in, int out);
/* Send what announce/withdraw queued (call once per loop turn). */
void sessions_flush(void);
/* Cease Administrative Reset (RFC 4486) and start again now, also after
 * a max-prefix teardown; -1 if no such neighbor. */
int sessions_restart(const struct prefix *addr, const char *text);

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
