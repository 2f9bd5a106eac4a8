// SPDX-License-Identifier: GPL-2.0-only
/*
 * ExaBGP 4 compatible events (see api_json.h, docs/API.md "## Events").
 * The key spellings and the odd spaces (`"host" : `, `} , "direction"`,
 * `[ 1, 2 , 3 ]` for large communities) are ExaBGP's own: clients that
 * match on text rather than parse JSON depend on them.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "api_json.h"
#include "flowspec.h"

/* --- growing buffer ---------------------------------------------------- */

void jbuf_init(struct jbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void jbuf_reset(struct jbuf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->p)
		b->p[0] = 0;
}

void jbuf_free(struct jbuf *b)
{
	free(b->p);
	jbuf_init(b);
}

/* Room for n more bytes and the NUL; doubling keeps appends O(1). */
static int jbuf_reserve(struct jbuf *b, size_t n)
{
	size_t want = b->len + n + 1, cap;
	char *p;

	if (b->failed)
		return -1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int jbuf_put(struct jbuf *b, const void *s, size_t n)
{
	if (jbuf_reserve(b, n))
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

int jbuf_puts(struct jbuf *b, const char *s)
{
	return jbuf_put(b, s, strlen(s));
}

int jbuf_printf(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (jbuf_reserve(b, 64))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (jbuf_reserve(b, n))
			return -1;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += n;
	return 0;
}

int jbuf_str(struct jbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	/* Worst case 6 bytes per input byte (\u00XX). */
	if (jbuf_reserve(b, 6 * n + 2))
		return -1;
	b->p[b->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = c;
		} else if (c == '\n') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'n';
		} else if (c == '\t') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 't';
		} else if (c == '\r') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = 'r';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(b->p + b->len, "\\u00", 4);
			b->len += 4;
			b->p[b->len++] = hex[c >> 4];
			b->p[b->len++] = hex[c & 15];
		} else {
			b->p[b->len++] = c;
		}
	}
	b->p[b->len++] = '"';
	b->p[b->len] = 0;
	return 0;
}

static int jbuf_cstr(struct jbuf *b, const char *s)
{
	return jbuf_str(b, s ? s : "", s ? strlen(s) : 0);
}

/* Decimal without printf: the per-prefix path uses it. */
static int jbuf_u64(struct jbuf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	return jbuf_put(b, tmp + i, sizeof(tmp) - i);
}

static int jbuf_hex(struct jbuf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (jbuf_reserve(b, 2 * n + 2))
		return -1;
	b->p[b->len++] = '0';
	b->p[b->len++] = 'x';
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[p[i] >> 4];
		b->p[b->len++] = hex[p[i] & 15];
	}
	b->p[b->len] = 0;
	return 0;
}

/* An address (no length) of family af. */
static int jbuf_addr(struct jbuf *b, int af, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (af == AF_INET) {
		char *q = s;
		int i;

		/* inet_ntop costs more than the rest of a prefix. */
		for (i = 0; i < 4; i++) {
			unsigned v = a[i];

			if (v >= 100)
				*q++ = '0' + v / 100;
			if (v >= 10)
				*q++ = '0' + v / 10 % 10;
			*q++ = '0' + v % 10;
			if (i < 3)
				*q++ = '.';
		}
		return jbuf_put(b, s, q - s);
	}
	if (!inet_ntop(AF_INET6, a, s, sizeof(s)))
		return -1;
	return jbuf_puts(b, s);
}

static int jbuf_prefix(struct jbuf *b, const struct prefix *p)
{
	jbuf_addr(b, p->family, p->addr);
	jbuf_put(b, "/", 1);
	return jbuf_u64(b, p->plen);
}

static int jbuf_host(struct jbuf *b, const struct prefix *p)
{
	char s[PREFIX_STRLEN];

	if (!p)
		return 0;
	return jbuf_puts(b, prefix_fmt(p, s, sizeof(s)));
}

/* --- names ------------------------------------------------------------- */

const char *apij_err_code_name(uint8_t code)
{
	static const char *const n[] = {
		[BGP_ERR_HEADER] = "Message Header Error",
		[BGP_ERR_OPEN] = "OPEN Message Error",
		[BGP_ERR_UPDATE] = "UPDATE Message Error",
		[BGP_ERR_HOLD] = "Hold Timer Expired",
		[BGP_ERR_FSM] = "Finite State Machine Error",
		[BGP_ERR_CEASE] = "Cease",
		[BGP_ERR_REFRESH] = "ROUTE-REFRESH Message Error",
	};

	return code < sizeof(n) / sizeof(n[0]) && n[code] ? n[code] : "Unknown";
}

const char *apij_err_subcode_name(uint8_t code, uint8_t sub)
{
	static const char *const hdr[] = {
		"",
		"Connection Not Synchronized",
		"Bad Message Length",
		"Bad Message Type",
	};
	static const char *const open[] = {
		"Unspecific",
		"Unsupported Version Number",
		"Bad Peer AS",
		"Bad BGP Identifier",
		"Unsupported Optional Parameter",
		"",
		"Unacceptable Hold Time",
		"Unsupported Capability",
	};
	static const char *const upd[] = {
		"",
		"Malformed Attribute List",
		"Unrecognized Well-known Attribute",
		"Missing Well-known Attribute",
		"Attribute Flags Error",
		"Attribute Length Error",
		"Invalid ORIGIN Attribute",
		"",
		"Invalid NEXT_HOP Attribute",
		"Optional Attribute Error",
		"Invalid Network Field",
		"Malformed AS_PATH",
	};
	/* RFC 4486 §4, RFC 9384 */
	static const char *const cease[] = {
		"",
		"Maximum Number of Prefixes Reached",
		"Administrative Shutdown",
		"Peer De-configured",
		"Administrative Reset",
		"Connection Rejected",
		"Other Configuration Change",
		"Connection Collision Resolution",
		"Out of Resources",
		"Hard Reset",
		"BFD Down",
	};
#define PICK(t) return sub < sizeof(t) / sizeof(t[0]) ? t[sub] : ""
	switch (code) {
	case BGP_ERR_HEADER:
		PICK(hdr);
	case BGP_ERR_OPEN:
		PICK(open);
	case BGP_ERR_UPDATE:
		PICK(upd);
	case BGP_ERR_CEASE:
		PICK(cease);
	case BGP_ERR_REFRESH:
		return sub == BGP_ERR_REFRESH_LEN ? "Invalid Message Length"
						  : "";
	}
#undef PICK
	return "";
}

static const char *afi_name(uint16_t afi)
{
	switch (afi) {
	case BGP_AFI_IPV4:
		return "ipv4";
	case BGP_AFI_IPV6:
		return "ipv6";
	case 25:
		return "l2vpn";
	case 16388:
		return "bgp-ls";
	}
	return NULL;
}

static const char *safi_name(uint8_t safi)
{
	switch (safi) {
	case 1:
		return "unicast";
	case 2:
		return "multicast";
	case 4:
		return "nlri-mpls";
	case 5:
		return "mcast-vpn";
	case 65:
		return "vpls";
	case 70:
		return "evpn";
	case 71:
		return "bgp-ls";
	case 128:
		return "mpls-vpn";
	case 133:
		return "flow";
	case 134:
		return "flow-vpn";
	}
	return NULL;
}

/* "ipv4 unicast", or the numbers for families without a name. */
static int jbuf_family(struct jbuf *b, uint16_t afi, uint8_t safi,
		       const char *sep)
{
	const char *a = afi_name(afi), *s = safi_name(safi);

	if (a)
		jbuf_puts(b, a);
	else
		jbuf_u64(b, afi);
	jbuf_puts(b, sep);
	if (s)
		return jbuf_puts(b, s);
	return jbuf_u64(b, safi);
}

static const char *origin_name(uint8_t o)
{
	return o == 0 ? "igp" : o == 1 ? "egp" : "incomplete";
}

/* --- decoding, shared by both encoders ----------------------------------- */

struct decoded {
	uint8_t type;
	union {
		struct bgp_open open;
		struct bgp_update upd;
		struct bgp_notif notif;
		struct bgp_refresh refresh;
	} u;
	enum bgp_action act;
	/* a 2-octet peer's path with AS4_PATH merged (RFC 6793 §4.2.3) */
	uint8_t *aspath_heap;
	uint8_t aspath_buf[2048];
};

static void decoded_free(struct decoded *d)
{
	free(d->aspath_heap);
}

static int decode(struct decoded *d, const uint8_t *msg, size_t len,
		  const struct bgp_sess_ctx *ctx, size_t maxlen,
		  struct bgp_err *err)
{
	struct bgp_hdr h;
	int r;

	d->aspath_heap = NULL;
	memset(err, 0, sizeof(*err));
	r = bgp_frame(msg, len, maxlen, &h, err);
	if (r == -1)
		return -1;
	/* §6.1: the length field must match the bytes handed to us; the
	 * data is the erroneous length field. */
	if (r == 0 || h.len != len) {
		err->code = BGP_ERR_HEADER;
		err->subcode = BGP_ERR_HDR_LEN;
		if (len >= BGP_HDR_LEN) {
			err->small[0] = msg[16];
			err->small[1] = msg[17];
			err->len = 2;
		}
		return -1;
	}
	d->type = h.type;
	switch (h.type) {
	case BGP_OPEN:
		return bgp_open_decode(msg, len, &d->u.open, err);
	case BGP_KEEPALIVE:
		return bgp_keepalive_decode(msg, len, err);
	case BGP_NOTIFICATION:
		return bgp_notif_decode(msg, len, &d->u.notif, err);
	case BGP_ROUTE_REFRESH:
		return bgp_refresh_decode(msg, len, &d->u.refresh, err);
	case BGP_UPDATE:
		break;
	default:
		err->code = BGP_ERR_HEADER;
		err->subcode = BGP_ERR_HDR_TYPE;
		err->small[0] = h.type;
		err->len = 1;
		return -1;
	}
	d->act = bgp_update_decode(msg, len, ctx, &d->u.upd, err);
	if (d->act == BGP_ACT_RESET)
		return -1;
	if (d->act != BGP_ACT_WITHDRAW && d->u.upd.attrs.aspath.as_size == 2 &&
	    BGP_HAS(&d->u.upd.attrs, BGP_ATTR_AS_PATH)) {
		struct bgp_attrs *a = &d->u.upd.attrs;
		/* widening doubles the ASNs; AS4_PATH adds at most itself */
		size_t need = 2 * a->aspath.len + a->as4_path.len + 16;

		if (need > sizeof(d->aspath_buf)) {
			d->aspath_heap = malloc(need);
			if (!d->aspath_heap)
				return -1;
			r = bgp_attrs_as4_merge(a, d->aspath_heap, need);
		} else {
			r = bgp_attrs_as4_merge(a, d->aspath_buf,
						sizeof(d->aspath_buf));
		}
		if (r)
			return -1;
	}
	return 0;
}

/* --- JSON ---------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

/* Drop what was appended since mark (an element that turned out empty). */
static void jbuf_cut(struct jbuf *b, size_t mark)
{
	if (b->failed || mark > b->len)
		return;
	b->len = mark;
	b->p[b->len] = 0;
}

static int j5(const struct apij_env *e)
{
	return e->json_version == 5;
}

static void j_header(struct jbuf *b, const struct apij_env *e, const char *type)
{
	jbuf_printf(b, "{ \"exabgp\": \"%s\", \"time\": %.6f, \"host\" : ",
		    j5(e) ? APIJ_EXABGP5_VERSION : APIJ_EXABGP_VERSION,
		    e->time);
	jbuf_cstr(b, e->host);
	jbuf_printf(b, ", \"pid\" : %ld, \"ppid\" : %ld, \"counter\": ", e->pid,
		    e->ppid);
	jbuf_u64(b, e->counter);
	jbuf_printf(b,
		    ", \"type\": \"%s\", \"neighbor\": { \"address\": "
		    "{ \"local\": \"",
		    type);
	jbuf_host(b, e->local);
	jbuf_puts(b, "\", \"peer\": \"");
	jbuf_host(b, e->peer);
	jbuf_puts(b, "\" }, \"asn\": { \"local\": ");
	jbuf_u64(b, e->local_as);
	jbuf_puts(b, ", \"peer\": ");
	jbuf_u64(b, e->peer_as);
	jbuf_puts(b, " } ");
}

/* ExaBGP's names in down reasons (its notification.py, not the RFCs'
 * capitalisation); NULL when it has none. */
static const char *exa_code_name(unsigned code)
{
	static const char *const n[] = {
		NULL,
		"Message header error",
		"OPEN message error",
		"UPDATE message error",
		"Hold timer expired",
		"State machine error",
		"Cease",
	};

	return code < sizeof(n) / sizeof(n[0]) ? n[code] : NULL;
}

static const char *exa_subcode_name(unsigned code, unsigned sub)
{
	static const char *const hdr[] = {
		"Unspecific", "Connection Not Synchronized",
		"Bad Message Length", "Bad Message Type",
	};
	static const char *const open[] = {
		"Unspecific",
		"Unsupported Version Number",
		"Bad Peer AS",
		"Bad BGP Identifier",
		"Unsupported Optional Parameter",
		"Authentication Notification (Deprecated)",
		"Unacceptable Hold Time",
		"Unsupported Capability",
		"Grouping Conflict",
		"Grouping Required",
		"Capability Value Mismatch",
	};
	static const char *const upd[] = {
		"Unspecific",
		"Malformed Attribute List",
		"Unrecognized Well-known Attribute",
		"Missing Well-known Attribute",
		"Attribute Flags Error",
		"Attribute Length Error",
		"Invalid ORIGIN Attribute",
		"AS Routing Loop",
		"Invalid NEXT_HOP Attribute",
		"Optional Attribute Error",
		"Invalid Network Field",
		"Malformed AS_PATH",
	};
	static const char *const fsm[] = {
		"Unspecific",
		"Receive Unexpected Message in OpenSent State",
		"Receive Unexpected Message in OpenConfirm State",
		"Receive Unexpected Message in Established State",
	};
	static const char *const cease[] = {
		"Unspecific",
		"Maximum Number of Prefixes Reached",
		"Administrative Shutdown",
		"Peer De-configured",
		"Administrative Reset",
		"Connection Rejected",
		"Other Configuration Change",
		"Connection Collision Resolution",
		"Out of Resources",
	};
#define PICK(t) return sub < sizeof(t) / sizeof(t[0]) ? t[sub] : NULL
	switch (code) {
	case 1:
		PICK(hdr);
	case 2:
		PICK(open);
	case 3:
		PICK(upd);
	case 4:
		return sub == 0 ? "Unspecific" : NULL;
	case 5:
		PICK(fsm);
	case 6:
		PICK(cease);
	case 7:
		return sub == 1 ? "Invalid Message Length"
		       : sub == 2 ? "Malformed Message Subtype"
				  : NULL;
	}
#undef PICK
	return NULL;
}

/*
 * The reason of a "down" event as ExaBGP words it where the session's
 * words map onto its: a NOTIFICATION received ("received NOTIFICATION
 * 6/4", with a quoted shutdown communication after it) becomes "peer
 * reset, message (notification received (6,4)) error(Cease /
 * Administrative Reset)"; the peer closing the TCP session becomes
 * ExaBGP's "peer reset, message (closing connection) error(the TCP
 * connection was closed by the remote end)".  Other reasons are kept
 * (ExaBGP's own come from its exceptions).  As ExaBGP does,
 * brackets and braces become parentheses.
 */
static void j_reason(struct jbuf *b, const char *reason)
{
	char tmp[600];
	unsigned code, sub;
	int n = 0;
	size_t i, len;

	if (sscanf(reason, "received NOTIFICATION %u/%u%n", &code, &sub, &n) ==
		    2 &&
	    n > 0 && code < 256 && sub < 256) {
		const char *rest = reason + n, *cn = exa_code_name(code),
			   *sn = exa_subcode_name(code, sub);
		size_t rl = strlen(rest);

		snprintf(tmp, sizeof(tmp),
			 "peer reset, message (notification received "
			 "(%u,%u)) error(%s / %s%s%.*s%s)",
			 code, sub, cn ? cn : "unknown error",
			 sn ? sn : "unknow reason",
			 rl > 2 && rest[0] == ' ' && rest[1] == '"'
				 ? " / Shutdown Communication: \""
				 : "",
			 rl > 2 && rest[0] == ' ' && rest[1] == '"'
				 ? (int)(rl - 3)
				 : 0,
			 rest + 2,
			 rl > 2 && rest[0] == ' ' && rest[1] == '"' ? "\"" : "");
		reason = tmp;
	} else if (!strcmp(reason, "connection closed by the peer")) {
		reason = "peer reset, message (closing connection) error(the "
			 "TCP connection was closed by the remote end)";
	}
	len = strlen(reason);
	if (reason != tmp) {
		if (len >= sizeof(tmp))
			len = sizeof(tmp) - 1;
		memcpy(tmp, reason, len);
		tmp[len] = 0;
	}
	for (i = 0; i < len; i++)
		tmp[i] = tmp[i] == '[' || tmp[i] == '{'	  ? '('
			 : tmp[i] == ']' || tmp[i] == '}' ? ')'
							  : tmp[i];
	jbuf_str(b, tmp, len);
}

int apij_state(struct jbuf *b, const struct apij_env *e, const char *state,
	       const char *reason)
{
	j_header(b, e, "state");
	jbuf_puts(b, ", \"state\": ");
	jbuf_cstr(b, state);
	if (reason) {
		jbuf_puts(b, ", \"reason\": ");
		j_reason(b, reason);
	}
	jbuf_puts(b, " } }");
	return b->failed ? -1 : 0;
}

/* "[ 1, 2 ]": the ASNs of a's segments of type t, flat; nothing when there
 * are none.  Returns how many. */
static size_t j_asns(struct jbuf *b, const struct bgp_aspath *a, uint8_t t)
{
	struct bgp_aspath_iter it;
	uint32_t asn;
	uint8_t st;
	size_t n = 0;

	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &asn, &st) == 1) {
		if (st != t)
			continue;
		jbuf_puts(b, n ? ", " : "[ ");
		jbuf_u64(b, asn);
		n++;
	}
	if (n)
		jbuf_puts(b, " ]");
	return n;
}

/*
 * AS_PATH as ExaBGP 4.2 shows it: the ASNs of every AS_SEQUENCE in one
 * flat "as-path", of every AS_SET in one "as-set" (only when there is
 * one), the confederation segments (RFC 5065) likewise in
 * "confederation-path" (always, [] when none) and "confederation-set".
 */
static void j_aspath4(struct jbuf *b, const struct bgp_aspath *a)
{
	size_t mark;

	jbuf_puts(b, "\"as-path\": ");
	if (!j_asns(b, a, BGP_ASSEG_SEQUENCE))
		jbuf_puts(b, "[]");
	mark = b->len;
	jbuf_puts(b, ", \"as-set\": ");
	if (!j_asns(b, a, BGP_ASSEG_SET))
		jbuf_cut(b, mark);
	jbuf_puts(b, ", \"confederation-path\": ");
	if (!j_asns(b, a, BGP_ASSEG_CONFED_SEQUENCE))
		jbuf_puts(b, "[]");
	mark = b->len;
	jbuf_puts(b, ", \"confederation-set\": ");
	if (!j_asns(b, a, BGP_ASSEG_CONFED_SET))
		jbuf_cut(b, mark);
}

/*
 * ExaBGP 5: one object per segment, in order, keyed by position, as
 * Python's json.dumps writes it: {"0": {"element": "as-sequence",
 * "value": [1, 2]}, "1": {"element": "as-set", "value": [3]}}.  ExaBGP
 * 5 names the confederation segments "as-sequence" too.
 */
static void j_aspath5(struct jbuf *b, const struct bgp_aspath *a)
{
	struct bgp_rbuf r;
	uint8_t type, n, i;
	unsigned pos = 0;

	jbuf_puts(b, "\"as-path\": {");
	bgp_rbuf_init(&r, a->p, a->len);
	while (bgp_get_u8(&r, &type) == 0 && bgp_get_u8(&r, &n) == 0) {
		jbuf_printf(b, "%s\"%u\": {\"element\": \"%s\", \"value\": [",
			    pos ? ", " : "", pos,
			    type == BGP_ASSEG_SET ? "as-set" : "as-sequence");
		for (i = 0; i < n; i++) {
			uint32_t asn;
			uint16_t a16;

			if (a->as_size == 4) {
				if (bgp_get_u32(&r, &asn))
					break;
			} else {
				if (bgp_get_u16(&r, &a16))
					break;
				asn = a16;
			}
			if (i)
				jbuf_puts(b, ", ");
			jbuf_u64(b, asn);
		}
		jbuf_puts(b, "]}");
		pos++;
	}
	jbuf_puts(b, "}");
}

/* RFC 4360 §3-4, RFC 5668, RFC 5575: the string ExaBGP 4.2 gives the
 * extended communities it has a class for and that bgpshield renders
 * (its key is the type's low nibble and the subtype); "" for those it
 * has no class for, as ExaBGP; the hex of the 8 octets for the ones it
 * has a class for and bgpshield does not render (docs/API.md). */
static void j_ext_str(struct jbuf *b, const uint8_t *c)
{
	unsigned t = c[0] & 0x0f, st = c[1];

	/* RFC 8955 §7 flowspec actions, as ExaBGP 4.2's traffic.py words
	 * them (traffic-rate-packets 0x800c and redirect-to-IPv4 0x8108
	 * it does not know: an empty string) */
	if (c[0] == 0x80 && st == 0x06) {
		float r;
		uint32_t u = be32(c + 4);

		memcpy(&r, &u, sizeof(r));
		/* Python's "%d" of the float: its integer part.  From 2^24
		 * up a float has no fraction (nor do inf and NaN, which a
		 * cast to an integer would make undefined): as it is. */
		jbuf_printf(b, "rate-limit:%.0f",
			    !(r > -16777216.0f && r < 16777216.0f) ? (double)r
			    : r < 0 ? -(double)(long)-r : (double)(long)r);
		return;
	}
	if (c[0] == 0x80 && st == 0x07) {
		jbuf_printf(b, "action %s%s%s", c[7] & 2 ? "sample" : "",
			    (c[7] & 3) == 3 ? "-" : "",
			    c[7] & 1 ? "terminal" : "");
		return;
	}
	if (c[0] == 0x80 && st == 0x09) {
		jbuf_printf(b, "mark %u", c[7]);
		return;
	}
	if ((c[0] == 0x80 && st == 0x0c) || (c[0] == 0x81 && st == 0x08))
		return;

	if (st == 0x02 && t == 0) {
		jbuf_printf(b, "target:%u:%u", be16(c + 2), be32(c + 4));
	} else if (st == 0x02 && t == 1) {
		jbuf_puts(b, "target:");
		jbuf_addr(b, AF_INET, c + 2);
		jbuf_printf(b, ":%u", be16(c + 6));
	} else if (st == 0x02 && t == 2) {
		jbuf_printf(b, "target:%uL:%u", be32(c + 2), be16(c + 6));
	} else if (st == 0x03 && t == 0) {
		/* ExaBGP reads the 4-octet number as an IPv4 address */
		jbuf_printf(b, "origin:%u:", be16(c + 2));
		jbuf_addr(b, AF_INET, c + 4);
	} else if (st == 0x03 && t == 1) {
		/* ExaBGP swaps them: the number, then the address */
		jbuf_printf(b, "origin:%u:", be16(c + 6));
		jbuf_addr(b, AF_INET, c + 2);
	} else if (st == 0x03 && t == 2) {
		jbuf_printf(b, "origin:%uL:%u", be32(c + 2), be16(c + 6));
	} else if (st == 0x08 && t == 0) {
		jbuf_printf(b, "redirect:%u:%u", be16(c + 2), be32(c + 4));
	} else if (st == 0x08 && t == 2) {
		jbuf_printf(b, "redirect:%u:%u", be32(c + 2), be16(c + 6));
	} else if ((t == 0 && (st == 0x04 || st == 0x06 || st == 0x07 ||
			       st == 0x09 || st == 0x0a || st == 0x0b ||
			       st == 0x0c)) ||
		   (t == 1 && st == 0x0c) || (t == 3 && st == 0x0c) ||
		   (t == 3 && st == 0x14) || (t == 6 && st == 0x00) ||
		   (t == 7 && st == 0x02) || (t == 8 && st == 0x00) ||
		   st == 0x13) {
		jbuf_printf(b, "0x%08X%08X", be32(c), be32(c + 4));
	}
}

/* RFC 4360 §3-4, RFC 5668: the common route target / origin forms, in
 * ExaBGP's spelling; others as hex (the text encoder). */
static void ext_comm_str(struct jbuf *b, const uint8_t *c)
{
	const char *kind = c[1] == 2 ? "target" : c[1] == 3 ? "origin" : NULL;

	/* RFC 8955 §7 actions in ExaBGP's words */
	if (c[0] == 0x80 && (c[1] == 0x06 || c[1] == 0x07 || c[1] == 0x08 ||
			     c[1] == 0x09)) {
		j_ext_str(b, c);
		return;
	}
	if (kind && (c[0] & 0x3f) == 0) {
		jbuf_printf(b, "%s:%u:%u", kind, be16(c + 2), be32(c + 4));
	} else if (kind && (c[0] & 0x3f) == 1) {
		jbuf_printf(b, "%s:", kind);
		jbuf_addr(b, AF_INET, c + 2);
		jbuf_printf(b, ":%u", be16(c + 6));
	} else if (kind && (c[0] & 0x3f) == 2) {
		jbuf_printf(b, "%s:%uL:%u", kind, be32(c + 2), be16(c + 6));
	} else {
		jbuf_hex(b, c, 8);
	}
}

/*
 * The path attributes the codec does not keep but ExaBGP shows: the first
 * ORIGINATOR_ID and CLUSTER_LIST (RFC 4456), found in the message itself.
 * The codec has validated the attribute framing already.
 */
struct raw_rr {
	const uint8_t *orig, *clist;
	size_t clist_len;
};

static void raw_rr_find(const uint8_t *msg, size_t len, struct raw_rr *rr)
{
	size_t off = BGP_HDR_LEN, end;

	memset(rr, 0, sizeof(*rr));
	if (len < off + 4)
		return;
	off += 2 + (size_t)be16(msg + off);
	if (off + 2 > len)
		return;
	end = off + 2 + be16(msg + off);
	off += 2;
	if (end > len)
		return;
	while (off + 3 <= end) {
		uint8_t fl = msg[off], ty = msg[off + 1];
		size_t h = fl & BGP_ATTRF_EXTLEN ? 4 : 3, l;

		if (off + h > end)
			return;
		l = h == 4 ? be16(msg + off + 2) : msg[off + 2];
		if (off + h + l > end)
			return;
		if (ty == 9 && !rr->orig && l == 4)
			rr->orig = msg + off + h;
		if (ty == 10 && !rr->clist && l && l % 4 == 0) {
			rr->clist = msg + off + h;
			rr->clist_len = l;
		}
		off += h + l;
	}
}

/* Is there anything in ExaBGP's "attribute" object?  It holds every path
 * attribute it parsed but MP_REACH/MP_UNREACH, even if nothing of it is
 * printed (NEXT_HOP alone: "attribute": {  }); an empty AS_PATH is not
 * parsed at all. */
static int attrs_shown(const struct bgp_attrs *a, const struct raw_rr *rr)
{
	const uint64_t hidden =
		1ull << BGP_ATTR_MP_REACH | 1ull << BGP_ATTR_MP_UNREACH |
		1ull << BGP_ATTR_AS4_PATH | 1ull << BGP_ATTR_AS_PATH;

	return (a->has & ~hidden) || a->nunknown || rr->orig || rr->clist ||
	       (BGP_HAS(a, BGP_ATTR_AS_PATH) && a->aspath.len);
}

/* One attribute of the "attribute" object, or nothing. */
static void j_attr(struct jbuf *b, const struct apij_env *e,
		   const struct bgp_attrs *a, const struct raw_rr *rr,
		   unsigned code, int with_nh)
{
	size_t i;

	switch (code) {
	case BGP_ATTR_ORIGIN:
		jbuf_printf(b, "\"origin\": \"%s\"", origin_name(a->origin));
		return;
	case BGP_ATTR_AS_PATH:
		if (!a->aspath.len)
			return; /* ExaBGP does not parse an empty one */
		if (j5(e))
			j_aspath5(b, &a->aspath);
		else
			j_aspath4(b, &a->aspath);
		return;
	case BGP_ATTR_NEXT_HOP:
		/* ExaBGP 5 repeats it when the UPDATE also withdraws */
		if (!with_nh)
			return;
		jbuf_puts(b, "\"next-hop\": \"");
		jbuf_addr(b, AF_INET, a->nexthop);
		jbuf_puts(b, "\"");
		return;
	case BGP_ATTR_MED:
		jbuf_printf(b, "\"med\": %u", a->med);
		return;
	case BGP_ATTR_LOCAL_PREF:
		jbuf_printf(b, "\"local-preference\": %u", a->local_pref);
		return;
	case BGP_ATTR_ATOMIC_AGGR:
		jbuf_puts(b, "\"atomic-aggregate\": true");
		return;
	case BGP_ATTR_AGGREGATOR:
		jbuf_printf(b, "\"aggregator\": \"%u:", a->aggr_as);
		jbuf_addr(b, AF_INET, a->aggr_id);
		jbuf_puts(b, "\"");
		return;
	case BGP_ATTR_COMMUNITIES:
		jbuf_puts(b, "\"community\": [ ");
		for (i = 0; i < a->ncomm; i++)
			jbuf_printf(b, "%s[ %u, %u ]", i ? ", " : "",
				    be16(a->comm + 4 * i),
				    be16(a->comm + 4 * i + 2));
		jbuf_puts(b, " ]");
		return;
	case 9: /* ORIGINATOR_ID */
		if (!rr->orig)
			return; /* not 4 octets: ExaBGP would fail too */
		jbuf_puts(b, "\"originator-id\": \"");
		jbuf_addr(b, AF_INET, rr->orig);
		jbuf_puts(b, "\"");
		return;
	case 10: /* CLUSTER_LIST */
		if (!rr->clist)
			return;
		jbuf_puts(b, "\"cluster-list\": [ ");
		for (i = 0; i < rr->clist_len; i += 4) {
			jbuf_puts(b, i ? ", \"" : "\"");
			jbuf_addr(b, AF_INET, rr->clist + i);
			jbuf_puts(b, "\"");
		}
		jbuf_puts(b, " ]");
		return;
	case BGP_ATTR_EXT_COMMUNITIES:
		jbuf_puts(b, "\"extended-community\": [ ");
		for (i = 0; i < a->next_comm; i++) {
			const uint8_t *c = a->ext_comm + 8 * i;

			jbuf_printf(b, "%s{ \"value\": ", i ? ", " : "");
			jbuf_u64(b, (uint64_t)be32(c) << 32 | be32(c + 4));
			jbuf_puts(b, ", \"string\": \"");
			j_ext_str(b, c);
			jbuf_puts(b, "\" }");
		}
		jbuf_puts(b, " ]");
		return;
	case BGP_ATTR_LARGE_COMMUNITIES:
		jbuf_puts(b, "\"large-community\": [ ");
		for (i = 0; i < a->nlarge_comm; i++) {
			const uint8_t *c = a->large_comm + 12 * i;

			jbuf_printf(b, "%s[ %u, %u , %u ]", i ? ", " : "",
				    be32(c), be32(c + 4), be32(c + 8));
		}
		jbuf_puts(b, " ]");
		return;
	}
	for (i = 0; i < a->nunknown; i++) {
		const struct bgp_raw_attr *u = &a->unknown[i];
		size_t k;

		if (u->type != code)
			continue;
		/* ExaBGP keeps it with Partial set (RFC 4271 §5), and prints
		 * the value in lower-case hex */
		jbuf_printf(b, "\"attribute-0x%02X-0x%02X\": \"0x", u->type,
			    u->flags | BGP_ATTRF_PARTIAL);
		for (k = 0; k < u->len; k++)
			jbuf_printf(b, "%02x", u->p[k]);
		jbuf_puts(b, "\"");
		return;
	}
}

/* The "attribute" object: ExaBGP's, in type code order. */
static void j_attrs(struct jbuf *b, const struct apij_env *e,
		    const struct bgp_attrs *a, const struct raw_rr *rr,
		    int with_nh)
{
	uint64_t want[4] = {0, 0, 0, 0};
	const char *sep = "";
	unsigned code;
	size_t i;

	want[0] = a->has;
	if (rr->orig)
		want[0] |= 1ull << 9;
	if (rr->clist)
		want[0] |= 1ull << 10;
	for (i = 0; i < a->nunknown; i++)
		want[a->unknown[i].type / 64] |= 1ull
						 << (a->unknown[i].type % 64);
	jbuf_puts(b, "\"attribute\": { ");
	for (code = 1; code < 256; code++) {
		size_t mark, body;

		if (!(want[code / 64] >> (code % 64) & 1))
			continue;
		mark = b->len;
		jbuf_puts(b, sep);
		body = b->len;
		j_attr(b, e, a, rr, code, with_nh);
		if (b->len == body)
			jbuf_cut(b, mark);
		else
			sep = ", ";
	}
	jbuf_puts(b, " }");
}

/* A path identifier as ExaBGP shows it: four octets, dotted. */
static void jbuf_path_id(struct jbuf *b, uint32_t id)
{
	jbuf_printf(b, "%u.%u.%u.%u", id >> 24, id >> 16 & 0xff,
		    id >> 8 & 0xff, id & 0xff);
}

/* [ { "nlri": "p" }, ... ]; with ADD-PATH (RFC 7911 §3) each object
 * also has "path-information": "A.B.C.D", as ExaBGP 4.2 prints it
 * (inet.py json(), PathInfo.json()). */
static void j_nlri_list(struct jbuf *b, const struct bgp_nlri *n, int *first)
{
	struct bgp_nlri_iter it;
	struct prefix p;
	uint32_t path;

	if (!n->len)
		return;
	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next_path(&it, &p, &path) == 1) {
		jbuf_puts(b, *first ? "{ \"nlri\": \"" : ", { \"nlri\": \"");
		*first = 0;
		jbuf_prefix(b, &p);
		if (n->addpath) {
			jbuf_puts(b, "\", \"path-information\": \"");
			jbuf_path_id(b, path);
		}
		jbuf_puts(b, "\" }");
	}
}

/* The MP_REACH next hop the text encoder shows: the first (global) one. */
static void mp_nexthop(struct jbuf *b, const struct bgp_attrs *a)
{
	if (a->mp_nh_len == 4)
		jbuf_addr(b, AF_INET, a->mp_nh);
	else if (a->mp_nh_len >= 16)
		jbuf_addr(b, AF_INET6, a->mp_nh);
	else
		jbuf_puts(b, "no-nexthop");
}

/*
 * The MP_REACH prefixes under their next hop, as ExaBGP 4.2: it cuts the
 * next hop field in 16-octet pieces and lists every prefix under each,
 * so a global and a link-local next hop (RFC 2545 §3) are two keys with
 * the same prefixes.
 */
static void j_mp_announce(struct jbuf *b, const struct bgp_attrs *a,
			  const struct bgp_nlri *n)
{
	size_t off = 0;
	int first;

	do {
		size_t l = a->mp_nh_len - off > 16 ? 16 : a->mp_nh_len - off;

		jbuf_puts(b, off ? " ], \"" : "\"");
		if (l == 4)
			jbuf_addr(b, AF_INET, a->mp_nh + off);
		else if (l == 16)
			jbuf_addr(b, AF_INET6, a->mp_nh + off);
		else
			jbuf_puts(b, "null");
		jbuf_puts(b, "\": [ ");
		first = 1;
		j_nlri_list(b, n, &first);
		off += 16;
	} while (off < a->mp_nh_len);
	jbuf_puts(b, " ]");
}

/* --- flowspec NLRI (RFC 8955, RFC 8956) as ExaBGP 4.2 prints them ------- */

/* ExaBGP's component names (flow.py): IPv6 has next-header and
 * traffic-class where IPv4 has protocol and dscp. */
static const char *flow_name(int type, int family)
{
	int v6 = family == AF_INET6;

	switch (type) {
	case FS_DST:
		return v6 ? "destination-ipv6" : "destination-ipv4";
	case FS_SRC:
		return v6 ? "source-ipv6" : "source-ipv4";
	case FS_PROTO:
		return v6 ? "next-header" : "protocol";
	case FS_DSCP:
		return v6 ? "traffic-class" : "dscp";
	}
	return fs_type_name(type);
}

/* Value words: protocol/ICMP type names as ExaBGP's resources have
 * them, numbers otherwise. */
static void flow_value(struct jbuf *b, int type, uint32_t v)
{
	static const struct { uint8_t v; const char *n; } proto[] = {
		{1, "icmp"}, {2, "igmp"}, {6, "tcp"}, {8, "egp"}, {17, "udp"},
		{46, "rsvp"}, {47, "gre"}, {50, "esp"}, {51, "ah"},
		{89, "ospf"}, {94, "ipip"}, {103, "pim"}, {132, "sctp"},
	}, icmp[] = {
		{0, "echo-reply"}, {3, "unreachable"}, {4, "source-quench"},
		{5, "redirect"}, {8, "echo-request"},
		{9, "router-advertisement"}, {10, "router-solicit"},
		{11, "time-exceeded"}, {12, "parameter-problem"},
		{13, "timestamp"}, {14, "timestamp-reply"},
		{15, "info-request"}, {16, "info-reply"},
		{17, "mask-request"}, {18, "mask-reply"}, {30, "traceroute"},
		{41, "experimental-mobility"}, {42, "extended-echo-request"},
		{43, "extended-echo-reply"}, {253, "experimental-one"},
		{254, "experimental-two"},
	};
	size_t i;

	if (type == FS_PROTO) {
		for (i = 0; i < sizeof(proto) / sizeof(proto[0]); i++)
			if (proto[i].v == v)
				break;
		if (i < sizeof(proto) / sizeof(proto[0]))
			jbuf_puts(b, proto[i].n);
		else
			jbuf_printf(b, "unknown protocol type %u", v);
	} else if (type == FS_ICMP_TYPE) {
		for (i = 0; i < sizeof(icmp) / sizeof(icmp[0]); i++)
			if (icmp[i].v == v)
				break;
		if (i < sizeof(icmp) / sizeof(icmp[0]))
			jbuf_puts(b, icmp[i].n);
		else
			jbuf_printf(b, "unknown icmp type type %u", v);
	} else {
		jbuf_printf(b, "%u", v);
	}
}

/* A numeric operator and its value (NumericString.__str__); op is the
 * operator byte less END and the length bits. */
static void flow_num(struct jbuf *b, int type, uint8_t op, uint32_t v)
{
	/* ExaBGP's table: LT 4 "<", GT 2 ">", EQ 1 "=" */
	static const char *const w[8] = { "false", "=", ">", ">=", "<",
					  "<=", "!=", "true" };

	if (op == 7 || op == 0) {
		jbuf_puts(b, op ? "true" : "false");
		return;
	}
	if (op & ~0x47)
		jbuf_printf(b, "%02X", op);
	else
		jbuf_printf(b, "%s%s", op & FS_OP_AND ? "&" : "", w[op & 7]);
	flow_value(b, type, v);
}

/* BitResource.bits(): the names of v's bits in ExaBGP's order. */
static size_t flow_bits(int type, uint32_t v, const char **out,
			char *unk, size_t ul)
{
	static const struct { uint16_t bit; const char *n; } tcp[] = {
		{0x01, "fin"}, {0x02, "syn"}, {0x04, "rst"}, {0x08, "push"},
		{0x10, "ack"}, {0x20, "urg"}, {0x40, "ece"}, {0x80, "cwr"},
		{0x100, "ns"},
	}, frag[] = {
		{0x00, "not-a-fragment"}, {0x01, "dont-fragment"},
		{0x02, "is-fragment"}, {0x04, "first-fragment"},
		{0x08, "last-fragment"},
	};
	const int t = type == FS_TCP_FLAGS;
	size_t nb = t ? 9 : 5, n = 0;
	uint32_t left = v;

	for (size_t i = 0; i < nb; i++) {
		unsigned bit = t ? tcp[i].bit : frag[i].bit;

		if ((left & bit) || left == bit) {
			out[n++] = t ? tcp[i].n : frag[i].n;
			left -= bit;
		}
	}
	if (left) {
		snprintf(unk, ul, "unknown %s type %u",
			 t ? "tcp flag" : "fragment", v);
		out[n++] = unk;
	}
	return n;
}

static const char *flow_bin_op(uint8_t op)
{
	static const char *const s[4] = { "", "=", "!", "!=" };

	if (op & ~0x43)
		return NULL;
	return op & FS_OP_AND ? (const char *const[]){ "&", "&=", "&!",
						       "&!=" }[op & 3]
			      : s[op & 3];
}

static void flow_prefix(struct jbuf *b, const struct fs_comp *c, int family)
{
	jbuf_addr(b, family, c->addr);
	jbuf_printf(b, "/%u", c->plen);
	if (family == AF_INET6)
		jbuf_printf(b, "/%u", c->offset);
}

/* Flow.extensive(): "flow destination-ipv4 10.0.0.0/24 port [ =80 =443 ]" */
static void flow_text(struct jbuf *b, const struct fs_rule *r)
{
	jbuf_puts(b, "flow");
	for (size_t i = 0; i < r->ncomp; i++) {
		const struct fs_comp *c = &r->comp[i];
		size_t pieces = 0, at;

		jbuf_printf(b, " %s ", flow_name(c->type, r->family));
		if (c->type == FS_DST || c->type == FS_SRC) {
			flow_prefix(b, c, r->family);
			continue;
		}
		at = b->len;
		for (size_t k = 0; k < c->nops; k++) {
			uint8_t op = c->ops[k].flags & 0x4f;

			if (k && !(op & FS_OP_AND)) {
				jbuf_puts(b, " ");
				pieces++;
			}
			pieces++;
			if (fs_type_is_bitmask(c->type)) {
				const char *nm[12], *o = flow_bin_op(op);
				char unk[48];
				size_t n = flow_bits(c->type, c->ops[k].value,
						     nm, unk, sizeof(unk));

				if (o)
					jbuf_puts(b, o);
				else
					jbuf_printf(b, "%02X", op);
				for (size_t j = 0; j < n; j++)
					jbuf_printf(b, "%s%s", j ? "+" : "",
						    nm[j]);
			} else {
				flow_num(b, c->type, op, c->ops[k].value);
			}
		}
		if (pieces > 1 && !b->failed && b->p) {
			/* "[ " before what was written, " ]" after */
			size_t n = b->len - at;

			jbuf_puts(b, "  ");
			if (!b->failed) {
				memmove(b->p + at + 2, b->p + at, n);
				memcpy(b->p + at, "[ ", 2);
				b->len = at + 2 + n;
				jbuf_puts(b, " ]");
			}
		}
	}
}

/* Flow.json(): each component's operators as ExaBGP lists them, then
 * the text form; the pieces are glued and '""' dropped as it does. */
static void flow_json(struct jbuf *b, const struct fs_rule *r)
{
	struct jbuf t = { 0 };

	jbuf_puts(b, "{");
	for (size_t i = 0; i < r->ncomp; i++) {
		const struct fs_comp *c = &r->comp[i];

		t.len = 0;
		if (t.p)
			t.p[0] = 0;
		if (c->type == FS_DST || c->type == FS_SRC) {
			jbuf_puts(&t, "\"");
			flow_prefix(&t, c, r->family);
			jbuf_puts(&t, "\"");
		}
		for (size_t k = 0; k < c->nops; k++) {
			uint8_t op = c->ops[k].flags & 0x4f;

			if (k && !(op & FS_OP_AND))
				jbuf_puts(&t, ", ");
			if (fs_type_is_bitmask(c->type)) {
				const char *nm[12], *o = flow_bin_op(op);
				char unk[48];
				size_t n = flow_bits(c->type, c->ops[k].value,
						     nm, unk, sizeof(unk));

				for (size_t j = 0; j < n; j++) {
					const char *w = nm[j];

					/* fragment: "!is-fragment" is
					 * shown as "not-a-fragment" */
					if (c->type == FS_FRAG && o &&
					    !strcmp(w, "is-fragment") &&
					    (!strcmp(o, "!") ||
					     !strcmp(o, "&!"))) {
						jbuf_printf(&t, "%s\"%.*snot-a-"
							    "fragment\"",
							    j ? ", " : "",
							    (int)strlen(o) - 1,
							    o);
						continue;
					}
					jbuf_printf(&t, "%s\"%s%s\"",
						    j ? ", " : "", o ? o : "",
						    w);
				}
			} else {
				jbuf_puts(&t, "\"");
				flow_num(&t, c->type, op, c->ops[k].value);
				jbuf_puts(&t, "\"");
			}
		}
		jbuf_printf(b, "%s \"%s\": [ ", i ? "," : "",
			    flow_name(c->type, r->family));
		/* str.replace('""', ''): left to right, pairs */
		for (size_t k = 0; t.p && k < t.len; k++) {
			if (t.p[k] == '"' && k + 1 < t.len &&
			    t.p[k + 1] == '"') {
				k++;
				continue;
			}
			jbuf_put(b, &t.p[k], 1);
		}
		jbuf_puts(b, " ]");
	}
	free(t.p);
	jbuf_puts(b, ", \"string\": \"");
	flow_text(b, r);
	jbuf_puts(b, "\" }");
}

/* The flowspec NLRI of n, each as flow_json() (one that does not parse,
 * withdrawn by RFC 7606, is left out: ExaBGP drops it too). */
static void j_flow_list(struct jbuf *b, const struct bgp_nlri *n, int *first)
{
	struct fs_rule r;
	size_t o = 0;

	while (fs_nlri_next(n->p, n->len, n->family, &o, &r)) {
		jbuf_puts(b, *first ? "" : ", ");
		*first = 0;
		flow_json(b, &r);
	}
}

static void j_update(struct jbuf *b, const struct apij_env *e,
		     const struct bgp_update *u, enum bgp_action act,
		     const uint8_t *msg, size_t len)
{
	const struct bgp_attrs *a = &u->attrs;
	int have4 = u->nlri.len > 0, have_mp = u->mp_reach.len > 0;
	int wd4 = u->withdrawn.len > 0, wd_mp = u->mp_unreach.len > 0;
	int have_fl = u->flow_reach.len > 0, wd_fl = u->flow_unreach.len > 0;
	const char *sep = "";
	struct raw_rr rr;
	int first;

	if (u->eor) {
		jbuf_puts(b, "\"eor\": { \"afi\" : \"");
		jbuf_family(b, u->eor_afi, u->eor_safi, "\", \"safi\" : \"");
		jbuf_puts(b, "\" }");
		return;
	}
	raw_rr_find(msg, len, &rr);
	jbuf_puts(b, "\"update\": { ");
	if (act == BGP_ACT_WITHDRAW) {
		/* RFC 7606 §2: everything announced is withdrawn. */
		wd4 = wd4 || have4;
		wd_mp = wd_mp || have_mp;
		wd_fl = wd_fl || have_fl;
		have4 = have_mp = have_fl = 0;
	} else if (attrs_shown(a, &rr)) {
		j_attrs(b, e, a, &rr, j5(e) && (wd4 || wd_mp));
		sep = ", ";
	}
	if (have4 || have_mp || have_fl) {
		jbuf_printf(b, "%s\"announce\": { ", sep);
		if (have4) {
			jbuf_puts(b, "\"ipv4 unicast\": { \"");
			jbuf_addr(b, AF_INET, a->nexthop);
			jbuf_puts(b, "\": [ ");
			first = 1;
			j_nlri_list(b, &u->nlri, &first);
			jbuf_puts(b, " ] }");
		}
		if (have_mp) {
			jbuf_puts(b, have4 ? ", \"" : "\"");
			jbuf_family(b, a->mp_afi, a->mp_safi, " ");
			jbuf_puts(b, "\": { ");
			j_mp_announce(b, a, &u->mp_reach);
			jbuf_puts(b, " }");
		}
		if (have_fl) {
			/* RFC 8955 §4: no next hop, "no-nexthop" in
			 * ExaBGP's words (a next hop sent anyway is not
			 * kept by the codec) */
			jbuf_puts(b, have4 || have_mp ? ", \"" : "\"");
			jbuf_family(b, a->mp_afi, a->mp_safi, " ");
			jbuf_puts(b, "\": { \"no-nexthop\": [ ");
			first = 1;
			j_flow_list(b, &u->flow_reach, &first);
			jbuf_puts(b, " ] }");
		}
		jbuf_puts(b, " }");
		sep = ", ";
	}
	if (wd4 || wd_mp || wd_fl) {
		/* What is withdrawn, by family; a family in two fields (IPv4
		 * in WITHDRAWN and MP_UNREACH) is one key. */
		struct {
			uint16_t afi;
			uint8_t safi;
			const struct bgp_nlri *n;
		} w[4] = {
			{BGP_AFI_IPV4, BGP_SAFI_UNICAST, &u->withdrawn},
			{u->mp_unreach_afi, u->mp_unreach_safi, &u->mp_unreach},
			{BGP_AFI_IPV4, BGP_SAFI_UNICAST, &u->nlri},
			{a->mp_afi, a->mp_safi, &u->mp_reach},
		};
		size_t nw = act == BGP_ACT_WITHDRAW ? 4 : 2, i, j;
		const char *fsep = "";

		jbuf_printf(b, "%s\"withdraw\": { ", sep);
		for (i = 0; i < nw; i++) {
			if (!w[i].n->len)
				continue;
			for (j = 0; j < i; j++)
				if (w[j].n->len && w[j].afi == w[i].afi &&
				    w[j].safi == w[i].safi)
					break;
			if (j < i)
				continue; /* listed with w[j] */
			jbuf_printf(b, "%s\"", fsep);
			jbuf_family(b, w[i].afi, w[i].safi, " ");
			jbuf_puts(b, "\": [ ");
			first = 1;
			for (j = i; j < nw; j++)
				if (w[j].afi == w[i].afi &&
				    w[j].safi == w[i].safi)
					j_nlri_list(b, w[j].n, &first);
			jbuf_puts(b, " ]");
			fsep = ", ";
		}
		/* flowspec: the reach and unreach NLRI of a family */
		for (i = 0; i < 2; i++) {
			const struct bgp_nlri *f[2] = { &u->flow_unreach,
							&u->flow_reach };
			int fam = i ? AF_INET6 : AF_INET;
			int any = 0;

			for (j = 0; j < 2; j++)
				if (f[j]->len && f[j]->family == fam &&
				    (j == 0 || act == BGP_ACT_WITHDRAW))
					any = 1;
			if (!any)
				continue;
			jbuf_printf(b, "%s\"%s flow\": [ ", fsep,
				    i ? "ipv6" : "ipv4");
			first = 1;
			for (j = 0; j < 2; j++)
				if (f[j]->len && f[j]->family == fam &&
				    (j == 0 || act == BGP_ACT_WITHDRAW))
					j_flow_list(b, f[j], &first);
			jbuf_puts(b, " ]");
			fsep = ", ";
		}
		jbuf_puts(b, " }");
	}
	jbuf_puts(b, " }");
}

/* ExaBGP's names of the ROUTE-REFRESH subtypes (RFC 7313 §4: request,
 * BoRR, EoRR); NULL for others. */
static const char *refresh_subtype(uint8_t s)
{
	return s == 0 ? "query" : s == 1 ? "begin" : s == 2 ? "end" : NULL;
}

/* "ipv4/unicast", as ExaBGP names families in capabilities: the AFI at
 * p, the SAFI at p[safi_at]. */
static void j_cap_family(struct jbuf *b, const uint8_t *p, size_t safi_at)
{
	jbuf_puts(b, "\"");
	jbuf_family(b, be16(p), p[safi_at], "/");
	jbuf_puts(b, "\"");
}

/*
 * The capabilities of an OPEN (RFC 5492), read from the message itself
 * (optional parameters in the RFC 9072 form too), in ExaBGP's shapes and
 * in the order they came: every multiprotocol one is one "1" key at the
 * place of the first; another code seen twice is shown once, the first.
 * visit(code, value, len) per capability; returns -1 when the parameters
 * do not parse (the decoder refused those already).
 */
struct capwalk {
	const uint8_t *p;
	size_t len;
	int ext; /* RFC 9072: 2-octet parameter lengths */
};

static int capwalk_init(struct capwalk *w, const uint8_t *msg, size_t len)
{
	size_t off = BGP_HDR_LEN + 9, n;

	if (len < off + 1)
		return -1;
	n = msg[off];
	off++;
	w->ext = 0;
	if (n == 255 && len >= off + 3 && msg[off] == 255) {
		w->ext = 1;
		n = be16(msg + off + 1);
		off += 3;
	}
	if (off + n > len)
		return -1;
	w->p = msg + off;
	w->len = n;
	return 0;
}

/* The next capability at *pos: 1 with code/value/vlen, 0 at the end. */
static int capwalk_next(const struct capwalk *w, size_t *ppos, size_t *cpos,
			uint8_t *code, const uint8_t **v, size_t *vlen)
{
	for (;;) {
		size_t h = w->ext ? 3 : 2, plen;
		const uint8_t *par = w->p + *ppos;

		if (*ppos + h > w->len)
			return 0;
		plen = w->ext ? be16(par + 1) : par[1];
		if (*ppos + h + plen > w->len)
			return 0;
		if (par[0] == 2 && *cpos + 2 <= plen &&
		    *cpos + 2 + par[h + *cpos + 1] <= plen) {
			*code = par[h + *cpos];
			*vlen = par[h + *cpos + 1];
			*v = par + h + *cpos + 2;
			*cpos += 2 + *vlen;
			return 1;
		}
		*ppos += h + plen;
		*cpos = 0;
	}
}

static void j_cap(struct jbuf *b, const struct capwalk *w, uint8_t code,
		  const uint8_t *v, size_t vl)
{
	size_t i, pp = 0, cp = 0, n = 0;
	const uint8_t *v2;
	size_t vl2;
	uint8_t c2;

	switch (code) {
	case BGP_CAPA_MP:
		jbuf_puts(b, "{ \"name\": \"multiprotocol\", \"families\": [");
		while (capwalk_next(w, &pp, &cp, &c2, &v2, &vl2) == 1) {
			if (c2 != BGP_CAPA_MP || vl2 != 4)
				continue;
			jbuf_puts(b, n++ ? ", " : " ");
			j_cap_family(b, v2, 3); /* AFI, reserved, SAFI */
		}
		jbuf_puts(b, " ] }");
		return;
	case BGP_CAPA_REFRESH:
	case 128: /* the pre-standard code */
		jbuf_printf(b,
			    "{ \"name\": \"route-refresh\", \"variant\": "
			    "\"%s\" }",
			    code == BGP_CAPA_REFRESH ? "RFC" : "Cisco");
		return;
	case BGP_CAPA_EXT_NH: /* RFC 8950 §4: AFI, SAFI, next-hop AFI */
		jbuf_puts(b, "{ \"name\": \"nexthop\", \"conversion\": [");
		for (i = 0; i + 6 <= vl; i += 6) {
			const char *nh = afi_name(be16(v + i + 4));

			jbuf_puts(b, i ? ", \"" : " \"");
			/* ExaBGP writes "AFI/SAFI/NH-AFI" */
			jbuf_family(b, be16(v + i), be16(v + i + 2) > 255
							    ? 0
							    : v[i + 3],
				    "/");
			jbuf_puts(b, "/");
			if (nh)
				jbuf_puts(b, nh);
			else
				jbuf_u64(b, be16(v + i + 4));
			jbuf_puts(b, "\"");
		}
		jbuf_puts(b, " ] }");
		return;
	case BGP_CAPA_EXTMSG: /* RFC 8654 */
		jbuf_puts(b, "{ \"name\": \"extended-message\", \"size\": "
			     "65535 }");
		return;
	case BGP_CAPA_GR: /* RFC 4724 §3 */
		if (vl < 2)
			break;
		jbuf_printf(b,
			    "{ \"name\": \"graceful restart\", \"time\": %u, "
			    "\"address-family-flags\": { ",
			    be16(v) & 0x0fff);
		for (i = 2; i + 4 <= vl; i += 4) {
			jbuf_puts(b, i > 2 ? ", " : "");
			j_cap_family(b, v + i, 2); /* AFI, SAFI, flags */
			/* the F bit, which ExaBGP calls "restart" */
			jbuf_printf(b, ": [%s ] ",
				    v[i + 3] & 0x80 ? " \"restart\"" : "");
		}
		/* and the R bit, which it calls "forwarding" */
		jbuf_printf(b, "}, \"restart-flags\": [%s] }",
			    v[0] & 0x80 ? " \"forwarding\" " : " ");
		return;
	case BGP_CAPA_AS4:
		if (vl != 4)
			break;
		jbuf_printf(b, "{ \"name\": \"asn4\", \"asn4\": %u }", be32(v));
		return;
	case 70: /* enhanced route refresh, RFC 7313 */
		jbuf_puts(b, "{ \"name\": \"enhanced-route-refresh\" }");
		return;
	case BGP_CAPA_ADDPATH: { /* RFC 7911 §4 */
		/* ExaBGP's AddPath.json(): a key per <AFI, SAFI> tuple,
		 * "AFI/SAFI": its Send/Receive, the keys joined by ","
		 * alone */
		static const char *const sr[] = { "disabled", "receive",
						  "send", "send/receive" };

		if (vl % 4)
			break;
		jbuf_puts(b, "{ \"name\": \"addpath\"");
		for (i = 0; i + 4 <= vl; i += 4) {
			jbuf_puts(b, i ? "," : ", ");
			j_cap_family(b, v + i, 2); /* AFI, SAFI, S/R */
			if (v[i + 3] <= 3)
				jbuf_printf(b, ": \"%s\"", sr[v[i + 3]]);
			else
				jbuf_printf(b, ": \"%u\"", v[i + 3]);
		}
		jbuf_puts(b, " }");
		return;
	}
	}
	/* the ones ExaBGP has no class for (and, until bgpshield shows
	 * them, 5 next hop, 68/131 multisession and 185 operational,
	 * which it has) */
	jbuf_printf(b,
		    "{ \"name\": \"unknown\", \"iana\": \"%s\", \"value\": %u, "
		    "\"raw\": \"",
		    code >= 128  ? "reserved"
		    : code >= 70 ? "unassigned"
				 : "unknown",
		    code);
	for (i = 0; i < vl; i++)
		jbuf_printf(b, "%02X", v[i]);
	jbuf_puts(b, "\" }");
}

static void j_open(struct jbuf *b, const struct bgp_open *o,
		   const uint8_t *msg, size_t len)
{
	uint8_t id[4] = {o->bgp_id >> 24, o->bgp_id >> 16, o->bgp_id >> 8,
			 o->bgp_id};
	uint64_t seen[4] = {0, 0, 0, 0};
	struct capwalk w;
	const char *sep = "";
	size_t pp = 0, cp = 0, vl;
	const uint8_t *v;
	uint8_t code;

	/* "asn" is the 2-octet field, AS_TRANS for a 4-octet ASN, as in
	 * ExaBGP; the real one is in capability 65 */
	jbuf_printf(b,
		    "\"open\": { \"version\": %u, \"asn\": %u, "
		    "\"hold_time\": %u, \"router_id\": \"",
		    o->version, o->my_as, o->hold);
	jbuf_addr(b, AF_INET, id);
	jbuf_puts(b, "\", \"capabilities\": { ");
	if (capwalk_init(&w, msg, len) == 0) {
		while (capwalk_next(&w, &pp, &cp, &code, &v, &vl) == 1) {
			if (seen[code / 64] >> (code % 64) & 1)
				continue;
			seen[code / 64] |= 1ull << (code % 64);
			jbuf_printf(b, "%s\"%u\": ", sep, code);
			j_cap(b, &w, code, v, vl);
			sep = ", ";
		}
	}
	jbuf_puts(b, " } }");
}

static void j_notif(struct jbuf *b, const struct apij_env *e,
		    const struct bgp_notif *n)
{
	jbuf_printf(b,
		    "\"notification\": { \"code\": %u, \"subcode\": %u, "
		    "\"data\": \"",
		    n->code, n->subcode);
	jbuf_hex(b, n->data, n->len);
	jbuf_puts(b, "\"");
	if (j5(e)) {
		/* ExaBGP 5: the data as text */
		jbuf_puts(b, ", \"message\": ");
		if (n->has_shutdown && !n->shutdown_bad)
			jbuf_cstr(b, n->shutdown);
		else if (bgp_utf8_valid(n->data, n->len))
			jbuf_str(b, (const char *)n->data, n->len);
		else
			jbuf_puts(b, "\"\"");
	} else if (n->has_shutdown && !n->shutdown_bad) {
		jbuf_puts(b, ", \"shutdown-communication\": ");
		jbuf_cstr(b, n->shutdown);
	}
	jbuf_puts(b, " } ");
}

static const char *type_name(uint8_t t)
{
	switch (t) {
	case BGP_OPEN:
		return "open";
	case BGP_UPDATE:
		return "update";
	case BGP_NOTIFICATION:
		return "notification";
	case BGP_KEEPALIVE:
		return "keepalive";
	}
	return "refresh";
}

/*
 * ExaBGP's layout: after "direction", the OPEN, NOTIFICATION and
 * ROUTE-REFRESH objects sit in "neighbor" itself, an UPDATE in
 * "message"; a KEEPALIVE has nothing (and ExaBGP two spaces before the
 * closing braces).
 */
int apij_message(struct jbuf *b, const struct apij_env *e, const uint8_t *msg,
		 size_t len, const struct bgp_sess_ctx *ctx, size_t maxlen,
		 struct bgp_err *err)
{
	struct decoded dd, *d = &dd;
	size_t start = b->len;
	int r;

	if (decode(d, msg, len, ctx, maxlen, err)) {
		decoded_free(d);
		return -1;
	}
	j_header(b, e, type_name(d->type));
	if (e->direction) {
		jbuf_puts(b, ", \"direction\": ");
		jbuf_cstr(b, e->direction);
	}
	switch (d->type) {
	case BGP_OPEN:
		jbuf_puts(b, ", ");
		j_open(b, &d->u.open, msg, len);
		break;
	case BGP_UPDATE:
		jbuf_puts(b, ", \"message\": { ");
		j_update(b, e, &d->u.upd, d->act, msg, len);
		jbuf_puts(b, " }");
		break;
	case BGP_NOTIFICATION:
		jbuf_puts(b, ", ");
		j_notif(b, e, &d->u.notif);
		break;
	case BGP_KEEPALIVE:
		jbuf_puts(b, " ");
		break;
	case BGP_ROUTE_REFRESH: {
		const struct bgp_refresh *rr = &d->u.refresh;
		const char *st = refresh_subtype(rr->subtype);

		/* ExaBGP 4.2 and 5 double their quotes here (""ipv4""),
		 * which no JSON parser reads: bgpshield writes strings */
		jbuf_puts(b, ", \"route-refresh\": { \"afi\": \"");
		jbuf_family(b, rr->afi, rr->safi, "\", \"safi\": \"");
		if (st)
			jbuf_printf(b, "\", \"subtype\": \"%s\" }", st);
		else
			jbuf_printf(b, "\", \"subtype\": \"%u\" }",
				    rr->subtype);
		break;
	}
	}
	jbuf_puts(b, " } }");
	decoded_free(d);
	r = b->failed ? -1 : 0;
	if (r) {
		memset(err, 0, sizeof(*err));
		b->len = start;
	}
	return r;
}

/* --- text ---------------------------------------------------------------- */

static void t_neighbor(struct jbuf *b, const struct apij_env *e)
{
	jbuf_puts(b, "neighbor ");
	if (e->peer)
		jbuf_host(b, e->peer);
	if (e->direction) {
		jbuf_put(b, " ", 1);
		jbuf_puts(b, e->direction);
	}
	jbuf_put(b, " ", 1);
}

int apit_state(struct jbuf *b, const struct apij_env *e, const char *state,
	       const char *reason)
{
	jbuf_puts(b, "neighbor ");
	if (e->peer)
		jbuf_host(b, e->peer);
	jbuf_put(b, " ", 1);
	jbuf_puts(b, state);
	if (reason) {
		size_t i, n = strlen(reason);

		/* one event, one line */
		jbuf_puts(b, " - ");
		for (i = 0; i < n; i++)
			jbuf_put(b,
				 reason[i] == '\n' || reason[i] == '\r'
					 ? " "
					 : reason + i,
				 1);
	}
	return b->failed ? -1 : 0;
}

static void t_aspath(struct jbuf *b, const struct bgp_aspath *a, int confed)
{
	struct bgp_rbuf r;
	uint8_t type, n;

	jbuf_puts(b, "[ ");
	bgp_rbuf_init(&r, a->p, a->len);
	while (bgp_get_u8(&r, &type) == 0 && bgp_get_u8(&r, &n) == 0) {
		int is_confed = type == BGP_ASSEG_CONFED_SEQUENCE ||
				type == BGP_ASSEG_CONFED_SET;
		int is_set =
			type == BGP_ASSEG_SET || type == BGP_ASSEG_CONFED_SET;
		int want = is_confed == confed;
		uint8_t i;

		if (want && is_set)
			jbuf_puts(b, "( ");
		for (i = 0; i < n; i++) {
			uint32_t asn;
			uint16_t a16;

			if (a->as_size == 4) {
				if (bgp_get_u32(&r, &asn))
					return;
			} else {
				if (bgp_get_u16(&r, &a16))
					return;
				asn = a16;
			}
			if (want) {
				jbuf_u64(b, asn);
				jbuf_put(b, " ", 1);
			}
		}
		if (want && is_set)
			jbuf_puts(b, ") ");
	}
	jbuf_puts(b, "]");
}

static int has_confed(const struct bgp_aspath *a)
{
	struct bgp_rbuf r;
	uint8_t type, n;

	bgp_rbuf_init(&r, a->p, a->len);
	while (bgp_get_u8(&r, &type) == 0 && bgp_get_u8(&r, &n) == 0) {
		if (type == BGP_ASSEG_CONFED_SEQUENCE ||
		    type == BGP_ASSEG_CONFED_SET)
			return 1;
		if (bgp_skip(&r, (size_t)n * a->as_size))
			return 0;
	}
	return 0;
}

/* " origin igp as-path [ 65001 ] med 10 ..." */
static void t_attrs(struct jbuf *b, const struct bgp_attrs *a)
{
	size_t i;

	if (BGP_HAS(a, BGP_ATTR_ORIGIN))
		jbuf_printf(b, " origin %s", origin_name(a->origin));
	if (BGP_HAS(a, BGP_ATTR_AS_PATH)) {
		jbuf_puts(b, " as-path ");
		t_aspath(b, &a->aspath, 0);
		if (has_confed(&a->aspath)) {
			jbuf_puts(b, " confederation-path ");
			t_aspath(b, &a->aspath, 1);
		}
	}
	if (BGP_HAS(a, BGP_ATTR_MED))
		jbuf_printf(b, " med %u", a->med);
	if (BGP_HAS(a, BGP_ATTR_LOCAL_PREF))
		jbuf_printf(b, " local-preference %u", a->local_pref);
	if (BGP_HAS(a, BGP_ATTR_ATOMIC_AGGR))
		jbuf_puts(b, " atomic-aggregate");
	if (BGP_HAS(a, BGP_ATTR_AGGREGATOR)) {
		jbuf_printf(b, " aggregator ( %u:", a->aggr_as);
		jbuf_addr(b, AF_INET, a->aggr_id);
		jbuf_puts(b, " )");
	}
	if (BGP_HAS(a, BGP_ATTR_COMMUNITIES)) {
		jbuf_puts(b, " community [ ");
		for (i = 0; i < a->ncomm; i++)
			jbuf_printf(b, "%u:%u ", be16(a->comm + 4 * i),
				    be16(a->comm + 4 * i + 2));
		jbuf_puts(b, "]");
	}
	if (BGP_HAS(a, BGP_ATTR_EXT_COMMUNITIES)) {
		jbuf_puts(b, " extended-community [ ");
		for (i = 0; i < a->next_comm; i++) {
			ext_comm_str(b, a->ext_comm + 8 * i);
			jbuf_put(b, " ", 1);
		}
		jbuf_puts(b, "]");
	}
	if (BGP_HAS(a, BGP_ATTR_LARGE_COMMUNITIES)) {
		jbuf_puts(b, " large-community [ ");
		for (i = 0; i < a->nlarge_comm; i++) {
			const uint8_t *c = a->large_comm + 12 * i;

			jbuf_printf(b, "%u:%u:%u ", be32(c), be32(c + 4),
				    be32(c + 8));
		}
		jbuf_puts(b, "]");
	}
	for (i = 0; i < a->nunknown; i++) {
		jbuf_printf(b, " attribute [ 0x%02X 0x%02X ",
			    a->unknown[i].type, a->unknown[i].flags);
		jbuf_hex(b, a->unknown[i].p, a->unknown[i].len);
		jbuf_puts(b, " ]");
	}
}

/* One line per prefix of n: prefix [+ next-hop + attributes copied from
 * b->p[aoff..aoff+alen), written once for the whole UPDATE]. */
static void t_lines(struct jbuf *b, const struct apij_env *e,
		    const struct bgp_nlri *n, const char *what, size_t aoff,
		    size_t alen, int *first)
{
	struct bgp_nlri_iter it;
	struct prefix p;
	uint32_t path;

	if (!n->len)
		return;
	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next_path(&it, &p, &path) == 1) {
		if (!*first)
			jbuf_put(b, "\n", 1);
		*first = 0;
		t_neighbor(b, e);
		jbuf_puts(b, "update ");
		jbuf_puts(b, what);
		jbuf_put(b, " ", 1);
		jbuf_prefix(b, &p);
		/* ExaBGP's INET.prefix(): " path-information A.B.C.D" */
		if (n->addpath) {
			jbuf_puts(b, " path-information ");
			jbuf_path_id(b, path);
		}
		if (alen && !jbuf_reserve(b, alen)) {
			memcpy(b->p + b->len, b->p + aoff, alen);
			b->len += alen;
			b->p[b->len] = 0;
		}
	}
}

/* Flowspec lines: "update announced flow destination-ipv4 ... origin
 * igp ..." (ExaBGP's text encoder: the rule's extensive form, then the
 * attributes), "update withdrawn flow ...". */
static void t_flow_lines(struct jbuf *b, const struct apij_env *e,
			 const struct bgp_nlri *n, const char *what,
			 const struct bgp_attrs *a, int *first)
{
	struct fs_rule r;
	size_t o = 0;

	while (fs_nlri_next(n->p, n->len, n->family, &o, &r)) {
		if (!*first)
			jbuf_put(b, "\n", 1);
		*first = 0;
		t_neighbor(b, e);
		jbuf_printf(b, "update %s ", what);
		flow_text(b, &r);
		if (a)
			t_attrs(b, a);
	}
}

static void t_update(struct jbuf *b, const struct apij_env *e,
		     const struct bgp_update *u, enum bgp_action act)
{
	const struct bgp_attrs *a = &u->attrs;
	size_t start = b->len, off4, len4 = 0, offmp, lenmp = 0;
	int first = 1;

	if (u->eor) {
		t_neighbor(b, e);
		jbuf_puts(b, "update eor ");
		jbuf_family(b, u->eor_afi, u->eor_safi, " ");
		return;
	}
	if (act == BGP_ACT_WITHDRAW) {
		t_lines(b, e, &u->nlri, "withdrawn", 0, 0, &first);
		t_lines(b, e, &u->mp_reach, "withdrawn", 0, 0, &first);
		t_flow_lines(b, e, &u->flow_reach, "withdrawn", NULL, &first);
	} else {
		/* The attribute text once per family, copied per prefix;
		 * written past the end and dropped afterwards. */
		size_t tail;

		off4 = b->len;
		if (u->nlri.len) {
			jbuf_puts(b, " next-hop ");
			jbuf_addr(b, AF_INET, a->nexthop);
			t_attrs(b, a);
			len4 = b->len - off4;
		}
		offmp = b->len;
		if (u->mp_reach.len) {
			jbuf_puts(b, " next-hop ");
			mp_nexthop(b, a);
			t_attrs(b, a);
			lenmp = b->len - offmp;
		}
		tail = b->len;
		t_lines(b, e, &u->nlri, "announced", off4, len4, &first);
		t_lines(b, e, &u->mp_reach, "announced", offmp, lenmp, &first);
		/* move the lines over the scratch attribute text (none
		 * written at all: b->p may still be NULL) */
		if (!b->failed && b->p) {
			memmove(b->p + start, b->p + tail, b->len - tail);
			b->len = start + (b->len - tail);
			b->p[b->len] = 0;
		}
		t_flow_lines(b, e, &u->flow_reach, "announced", a, &first);
	}
	t_lines(b, e, &u->withdrawn, "withdrawn", 0, 0, &first);
	t_lines(b, e, &u->mp_unreach, "withdrawn", 0, 0, &first);
	t_flow_lines(b, e, &u->flow_unreach, "withdrawn", NULL, &first);
	if (first) {
		/* attributes only, or nothing at all */
		t_neighbor(b, e);
		jbuf_puts(b, "update");
		t_attrs(b, a);
	}
}

int apit_message(struct jbuf *b, const struct apij_env *e, const uint8_t *msg,
		 size_t len, const struct bgp_sess_ctx *ctx, size_t maxlen,
		 struct bgp_err *err)
{
	struct decoded dd, *d = &dd;
	size_t start = b->len, i;
	int r;

	if (decode(d, msg, len, ctx, maxlen, err)) {
		decoded_free(d);
		return -1;
	}
	switch (d->type) {
	case BGP_OPEN: {
		const struct bgp_open *o = &d->u.open;
		uint8_t id[4] = {o->bgp_id >> 24, o->bgp_id >> 16,
				 o->bgp_id >> 8, o->bgp_id};

		t_neighbor(b, e);
		jbuf_printf(b, "open version %u asn %u hold_time %u router_id ",
			    o->version, bgp_open_asn(o), o->hold);
		jbuf_addr(b, AF_INET, id);
		jbuf_puts(b, " capabilities [ ");
		if (o->caps.families & BGP_FAM_IPV4U)
			jbuf_puts(b, "multiprotocol(ipv4 unicast) ");
		if (o->caps.families & BGP_FAM_IPV6U)
			jbuf_puts(b, "multiprotocol(ipv6 unicast) ");
		if (o->caps.families & BGP_FAM_IPV4F)
			jbuf_puts(b, "multiprotocol(ipv4 flow) ");
		if (o->caps.families & BGP_FAM_IPV6F)
			jbuf_puts(b, "multiprotocol(ipv6 flow) ");
		if (o->caps.route_refresh)
			jbuf_puts(b, "route-refresh ");
		if (o->caps.ext_nh)
			jbuf_puts(b, "nexthop ");
		if (o->caps.ext_msg)
			jbuf_puts(b, "extended-message ");
		if (o->caps.gr)
			jbuf_printf(b, "graceful-restart(%u) ",
				    o->caps.gr_time);
		if (o->caps.as4)
			jbuf_printf(b, "asn4(%u) ", o->caps.as4_asn);
		for (i = 0; i < 2; i++) {
			uint8_t bit = i ? BGP_FAM_IPV6U : BGP_FAM_IPV4U;
			int s = (o->caps.addpath_send & bit ? 2 : 0) |
				(o->caps.addpath_recv & bit ? 1 : 0);

			if (s)
				jbuf_printf(b, "add-path(%s unicast %s) ",
					    i ? "ipv6" : "ipv4",
					    s == 3   ? "send/receive"
					    : s == 2 ? "send"
						     : "receive");
		}
		for (i = 0; i < o->caps.nunknown; i++)
			jbuf_printf(b, "unknown(%u) ", o->caps.unknown[i]);
		jbuf_puts(b, "]");
		break;
	}
	case BGP_UPDATE:
		t_update(b, e, &d->u.upd, d->act);
		break;
	case BGP_NOTIFICATION: {
		const struct bgp_notif *n = &d->u.notif;

		t_neighbor(b, e);
		jbuf_printf(b, "notification code %u subcode %u data ", n->code,
			    n->subcode);
		jbuf_hex(b, n->data, n->len);
		if (n->has_shutdown && !n->shutdown_bad) {
			/* quoted and escaped: the text may hold newlines */
			jbuf_puts(b, " shutdown-communication ");
			jbuf_cstr(b, n->shutdown);
		}
		break;
	}
	case BGP_KEEPALIVE:
		t_neighbor(b, e);
		jbuf_puts(b, "keepalive");
		break;
	case BGP_ROUTE_REFRESH: {
		uint8_t sub = d->u.refresh.subtype;
		/* RFC 7313 §4 names (the JSON has ExaBGP's) */
		const char *st = sub == 0   ? "request"
				 : sub == 1 ? "begin"
				 : sub == 2 ? "end"
					    : NULL;

		t_neighbor(b, e);
		jbuf_puts(b, "refresh afi ");
		jbuf_family(b, d->u.refresh.afi, d->u.refresh.safi, " safi ");
		if (st)
			jbuf_printf(b, " subtype %s", st);
		else
			jbuf_printf(b, " subtype %u", d->u.refresh.subtype);
		break;
	}
	}
	decoded_free(d);
	r = b->failed ? -1 : 0;
	if (r) {
		memset(err, 0, sizeof(*err));
		b->len = start;
	}
	return r;
}
