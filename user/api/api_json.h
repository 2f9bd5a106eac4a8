/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Events for API processes, in ExaBGP 4's JSON and text encoders, so that
 * scripts written for ExaBGP (which check "exabgp": "4.0.1") read them
 * unchanged.  docs/API.md "## Events" is the reference for the shapes.
 *
 * Every encoder appends one event to a growing buffer, without a trailing
 * newline (the text encoder separates its lines with '\n').  A full table
 * goes through here, so nothing allocates per prefix: the buffer grows
 * geometrically and is reused with jbuf_reset().
 */
#ifndef BGPS_API_JSON_H
#define BGPS_API_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_wire.h"

/* The version ExaBGP 4 clients look for in "exabgp". */
#define APIJ_EXABGP_VERSION "4.0.1"
/* What the ExaBGP 5 form (encoder json5) puts there. */
#define APIJ_EXABGP5_VERSION "5.0.0"

struct jbuf {
	char *p; /* NUL-terminated while !failed */
	size_t len, cap;
	int failed; /* an allocation failed: the content is cut */
};

void jbuf_init(struct jbuf *b);
void jbuf_reset(struct jbuf *b); /* empty, keeping the memory */
void jbuf_free(struct jbuf *b);
int jbuf_put(struct jbuf *b, const void *s, size_t n);
int jbuf_puts(struct jbuf *b, const char *s);
int jbuf_printf(struct jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s[0..n) as a JSON string, quotes included (RFC 8259 §7). */
int jbuf_str(struct jbuf *b, const char *s, size_t n);

/* The envelope and neighbor of one event. */
struct apij_env {
	const char *host;
	long pid, ppid;
	uint64_t counter;
	double time;			   /* seconds since the epoch */
	const struct prefix *local, *peer; /* NULL: "" */
	uint32_t local_as, peer_as;
	const char *direction; /* "receive", "send", or NULL: left out */
	int json_version;      /* 5: ExaBGP 5's forms; else (0, 4) 4.2's */
};

/* A state event: "connected", "up", "down"; reason may be NULL. */
int apij_state(struct jbuf *b, const struct apij_env *e, const char *state,
	       const char *reason);
/*
 * One whole BGP message (header included, exactly len bytes) as an
 * "open", "update", "notification", "keepalive" or "refresh" event.
 * maxlen as for bgp_frame().  Malformed input returns -1 with *err the
 * NOTIFICATION the engine would send (RFC 4271 §6; for an UPDATE, an
 * RFC 7606 session reset); nothing is appended then.  An UPDATE to be
 * treated as withdraw (RFC 7606 §2) is encoded as the withdrawal of all
 * its prefixes.  Returns 0, or -1 with err->code 0 when memory ran out.
 */
int apij_message(struct jbuf *b, const struct apij_env *e, const uint8_t *msg,
		 size_t len, const struct bgp_sess_ctx *ctx, size_t maxlen,
		 struct bgp_err *err);

/* ExaBGP's text encoder: "neighbor 192.0.2.1 up", "... down - reason". */
int apit_state(struct jbuf *b, const struct apij_env *e, const char *state,
	       const char *reason);
/* "neighbor 192.0.2.1 receive update announced 10.0.0.0/24 next-hop
 * 192.0.2.1 origin igp as-path [ 65001 ] med 10", a line per prefix. */
int apit_message(struct jbuf *b, const struct apij_env *e, const uint8_t *msg,
		 size_t len, const struct bgp_sess_ctx *ctx, size_t maxlen,
		 struct bgp_err *err);

/* "UPDATE Message Error" and "Malformed Attribute List" (RFC 4271 §4.5,
 * RFC 4486, RFC 7313); subcode name "" when unknown. */
const char *apij_err_code_name(uint8_t code);
const char *apij_err_subcode_name(uint8_t code, uint8_t subcode);

#endif
