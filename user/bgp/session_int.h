/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to user/bgp/: what the files of the session code share.  Other
 * rooms and the tests see session.h only; nothing here is an API and it
 * may change with the code around it.
 *
 *   session.c      the RFC 4271 §8 FSM, timers, sockets, collisions,
 *                  reloads
 *   session_out.c  originated routes, the Adj-RIB-Out, the send queue and
 *                  the API's entry points (announce, withdraw, refresh...)
 *   session_rib.c  received UPDATEs into the Adj-RIB-In (import filter,
 *                  max-prefix), the stored attribute form, the RIB walks
 *
 * The names shared between the files carry the sess_ prefix: they are
 * global in libbgp.a, which links into every binary of the engine.
 */
#ifndef BGPS_SESSION_INT_H
#define BGPS_SESSION_INT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_wire.h"
#include "rib.h"
#include "session.h"

struct cfg_neighbor;
struct config;

/* Prefixes, each with a route id: the queue of changes to send, and what
 * a walk of a RIB collects. */
struct route_list {
	struct prefix *p;
	uint32_t *path; /* RFC 7911 path identifier, 0 without ADD-PATH */
	uint32_t *id;
	size_t n, cap;
};

struct session {
	struct cfg_neighbor *n;
	enum sess_state state;
	int fd;
	int outgoing; /* fd was opened by us */
	/* §6.8: a second connection from the peer while ours is opening,
	 * held until its OPEN tells the peer's BGP Identifier */
	int fd2;
	uint8_t *rbuf2;
	size_t rlen2;
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wbuf;
	size_t wlen, wcap, woff;
	uint64_t t_retry, t_hold, t_keepalive; /* ms, 0 = off */
	uint32_t retry_s;
	uint16_t hold;
	struct bgp_sess_ctx ctx;
	size_t maxlen;
	uint32_t peer_id;
	struct prefix local;
	uint64_t up_since;
	uint64_t msgs_in, msgs_out;
	struct rib rib_out; /* Adj-RIB-Out: what we announced, interned */
	struct rib rib_in; /* Adj-RIB-In: prefix -> interned attributes */
	char last_error[160];
	int disabled; /* cannot run on this kernel (TCP-AO): said once */
	struct rib rib_api; /* what we originate: prefix -> route blob */
	struct route_list pend; /* changes to send: id 0 = withdraw */
	uint64_t filtered_in, refused_out;
	int maxpfx_hit;
	uint64_t t_down_until; /* max-prefix teardown: no session before */
	int peer_refresh;      /* the peer can ROUTE-REFRESH (RFC 2918) */
	int wants_messages;
	int was_up; /* "connected" was said: "down" is due at close */
	uint64_t t_wprogress; /* output queued since, or last progress */
	int wq_full;
	/* an IPv4 route with an IPv6 next hop was held back (the peer did
	 * not negotiate RFC 8950): logged and audited once a session */
	int ext_nh_said;
	/* flowspec (session_flow.c): received and originated rules, the
	 * families the peer's OPEN offered (BGP_FAM_*), output waiting for
	 * sessions_flush() */
	struct flow_tab *flow_in, *flow_api;
	struct flow_pendq *flow_pend;
	uint8_t peer_families;
	int flow_dirty;
};

/* The engine's sessions, indexed as their epoll tags are (SESS_TAG_BASE
 * + index); s[i] is NULL for a neighbor that could not be set up. */
struct sess_table {
	int epfd;
	int listen[8]; /* the parent's listeners: TCP-MD5 keys, GTSM TTL */
	int nlisten;
	struct session **s;
	size_t n;
	struct config *cfg; /* the config in force (rfc8212 strictness) */
	struct sess_hooks h;
};
extern struct sess_table sess_tab;

/* --- session.c: the FSM, sockets and output ----------------------------- */

/* The session's index in sess_tab, as the hooks name it. */
size_t sess_idx(const struct session *s);
/* A line for the audit hook (refusals, limits). */
void sess_audit(struct session *s, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Milliseconds, monotonic (or the tests' clock). */
uint64_t sess_now_ms(void);
int sess_pfx_eq(const struct prefix *a, const struct prefix *b);
/* s is one of the neighbors sel names (all of them when nsel is 0). */
int sess_selected(const struct session *s, const struct prefix *sel,
		  size_t nsel);
/* Logged, and kept as the last error (sessions_info). */
void sess_err(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Output: sess_wbuf() gives room for one message (-1: the queue is full
 * or out of memory), sess_queued() takes it, sess_flush() sends. */
int sess_wbuf(struct session *s, struct bgp_wbuf *w);
void sess_queued(struct session *s, struct bgp_wbuf *w);
void sess_flush(struct session *s);
/* A NOTIFICATION, then the session closes and goes back to Idle. */
void sess_notify(struct session *s, uint8_t code, uint8_t subcode,
		 const void *data, size_t len);
void sess_notify_err(struct session *s, const struct bgp_err *e);

/* --- session_out.c: originated routes and the Adj-RIB-Out -------------- */

/* The config's static routes into rib_api (the old ones replaced). */
void sess_load_statics(struct session *s);
/* Queue every originated route (or those of one watchdog); down: as
 * withdrawals. */
void sess_queue_api(struct session *s, const char *watchdog, int down);
/* Send what is queued, packed by attribute set. */
void sess_pend_send(struct session *s);
/* Everything we originate, from scratch (Established, route refresh). */
void sess_announce_all(struct session *s);
/* End-of-RIB for each family of the neighbor (RFC 4724 §2). */
void sess_send_eor(struct session *s);
void sess_route_list_free(struct route_list *l);
/* A reload changed only the filters of n (the new config of s). */
void sess_filters_changed(struct session *s, struct cfg_neighbor *n);

/* --- session_rib.c: the Adj-RIB-In ------------------------------------- */

/* An UPDATE's attributes in the form the RIBs intern; 0 if they do not
 * fit in cap or the message is cut short. */
size_t sess_attr_blob(const uint8_t *m, size_t len, uint8_t *out, size_t cap);
/* A received UPDATE (Established): into the Adj-RIB-In through the
 * import filter, then the max-prefix check. */
void sess_handle_update(struct session *s, const uint8_t *m, size_t len);

/* --- session_flow.c: flowspec rules (RFC 8955, RFC 8956) --------------- */
struct flow_tab;
struct flow_pendq;
/* Send the queued flowspec changes, packed (Established; else dropped). */
void sess_flow_pend_send(struct session *s);
/* Forget them (the session is down: all is sent again when it is up). */
void sess_flow_pend_drop(struct session *s);
/* The config's rules into flow_api (the old ones replaced, withdrawn if
 * they were sent); sent at once when Established. */
void sess_flow_load(struct session *s);
/* Every originated rule of the negotiated families (Established). */
void sess_flow_announce_all(struct session *s);
/* End-of-RIB for the negotiated flowspec families (RFC 4724 §2). */
void sess_flow_eor(struct session *s);
/* A received UPDATE's flowspec NLRI into the Adj-RIB-In; withdraw_all
 * for RFC 7606 treat-as-withdraw; attr: its interned attributes. */
void sess_flow_update(struct session *s, const struct bgp_update *u,
		      int withdraw_all, uint32_t attr);
void sess_flow_clear_in(struct session *s);
/* Forget every originated rule, withdrawn from the peer if sent. */
void sess_flow_clear_api(struct session *s);
void sess_flow_free(struct session *s);
/* Rules received (in) or originated. */
size_t sess_flow_count(const struct session *s, int in);
#endif
