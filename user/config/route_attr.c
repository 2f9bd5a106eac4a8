// SPDX-License-Identifier: GPL-2.0-only
/*
 * The values of a route's attributes as ExaBGP writes them, read from one
 * word each: communities of the three kinds, AS numbers, router-id style
 * addresses, the aggregator, and ExaBGP's generic `attribute [ CODE FLAGS
 * 0xVALUE ]`.  The config's route statement (parse_routes.c) and the text
 * API (user/api/api.c) both call these, so a value means the same in a
 * file and on a helper's line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

/* Well-known communities by the names ExaBGP accepts (RFC 1997, 3765,
 * 7999, 8326, 7611, 9494). */
const struct cfg_wk_comm cfg_wk_comms[] = {
	{ "no-export", 0xFFFFFF01 },
	{ "no-advertise", 0xFFFFFF02 },
	{ "no-export-subconfed", 0xFFFFFF03 },
	{ "nopeer", 0xFFFFFF04 },
	{ "blackhole", 0xFFFF029A },
	{ "graceful-shutdown", 0xFFFF0000 },
	{ "accept-own", 0xFFFF0001 },
	{ "llgr-stale", 0xFFFF0006 },
	{ "no-llgr", 0xFFFF0007 },
};
const size_t cfg_nwk_comms = sizeof(cfg_wk_comms) / sizeof(cfg_wk_comms[0]);

int cfg_split_nums(const char *s, uint32_t max, uint32_t *v, int n)
{
	char b[64];
	char *q, *c;
	int i;

	if (strlen(s) >= sizeof(b))
		return -1;
	strcpy(b, s);
	q = b;
	for (i = 0; i < n; i++) {
		c = strchr(q, ':');
		if ((c == NULL) != (i == n - 1))
			return -1;
		if (c)
			*c = 0;
		if (parse_u32(q, 0, max, &v[i]))
			return -1;
		q = c ? c + 1 : q;
	}
	return 0;
}

int cfg_parse_asn(const char *s, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	uint32_t hi, lo;
	char b[16];

	if (!dot)
		return parse_u32(s, 0, UINT32_MAX, out);
	if ((size_t)(dot - s) >= sizeof(b))
		return -1;
	memcpy(b, s, dot - s);
	b[dot - s] = 0;
	if (parse_u32(b, 0, 65535, &hi) || parse_u32(dot + 1, 0, 65535, &lo))
		return -1;
	*out = hi << 16 | lo;
	return 0;
}

/* "0x" and 1..digits hex digits; the value in *out. */
static int parse_hex_u64(const char *s, int digits, uint64_t *out)
{
	uint64_t v = 0;
	size_t n;

	if (strncasecmp(s, "0x", 2))
		return -1;
	n = strlen(s + 2);
	if (!n || n > (size_t)digits)
		return -1;
	for (const char *q = s + 2; *q; q++) {
		int d = hex_nibble(*q);

		if (d < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

int cfg_parse_community(const char *s, uint32_t *out)
{
	uint32_t v[2];
	uint64_t x;

	for (size_t i = 0; i < cfg_nwk_comms; i++)
		if (!strcmp(s, cfg_wk_comms[i].name)) {
			*out = cfg_wk_comms[i].value;
			return 0;
		}
	if (strchr(s, ':')) {
		if (cfg_split_nums(s, 65535, v, 2))
			return -1;
		*out = v[0] << 16 | v[1];
		return 0;
	}
	/* ExaBGP reads 0x87654321 as the 32-bit value. */
	if (!parse_hex_u64(s, 8, &x)) {
		*out = (uint32_t)x;
		return 0;
	}
	return parse_u32(s, 0, UINT32_MAX, out);
}

int cfg_parse_large(const char *s, struct cfg_lcomm *out)
{
	uint32_t v[3];

	if (cfg_split_nums(s, UINT32_MAX, v, 3))
		return -1;
	out->global = v[0];
	out->local1 = v[1];
	out->local2 = v[2];
	return 0;
}

/* A number with ExaBGP's 'L' suffix (the 4-octet form), at most max. */
static int parse_num_l(const char *s, uint32_t max, uint32_t *out, int *l)
{
	char b[16];
	size_t n = strlen(s);

	*l = n > 1 && s[n - 1] == 'L';
	if (!*l)
		return parse_u32(s, 0, max, out);
	if (n - 1 >= sizeof(b))
		return -1;
	memcpy(b, s, n - 1);
	b[n - 1] = 0;
	return parse_u32(b, 0, max, out);
}

/*
 * RFC 4360 section 3: type (high bit: non-transitive), subtype, six octets
 * of value.  Route target is subtype 0x02, route origin 0x03 (sections
 * 4 and 5); the administrator is a 2-octet ASN (type 0x00, 4-octet local
 * value), an IPv4 address (type 0x01, 2-octet local value, section 3.2)
 * or a 4-octet ASN (type 0x02, RFC 5668).  ExaBGP's forms: a bare "A:B"
 * is a target; "ASN:A.B.C.D" puts the address in the 4-octet local
 * value; an 'L' after the ASN, or target4:/origin4:, asks for the
 * 4-octet ASN type.  Flowspec redirect is subtype 0x08 of type 0x80
 * (RFC 8955 section 7.4), redirect-to-nexthop 0x0800
 * (draft-ietf-idr-flowspec-redirect-ip), the link bandwidth 0x4004
 * (draft-ietf-idr-link-bandwidth, an IEEE float of bytes a second) and
 * l2info 0x800A (RFC 4761 section 3.2.4).
 *
 * Where ExaBGP 4.2 writes "A.B.C.D:N" with type 0x00 we write type 0x01,
 * as RFC 4360 section 3.2 says (docs/CONFIG.md).
 */
int cfg_parse_ext(const char *s, uint64_t *out)
{
	static const struct {
		const char *name;
		uint8_t type, sub, four; /* four: always the 4-octet ASN */
	} kinds[] = {
		{ "target:", 0x00, 0x02, 0 },  { "origin:", 0x00, 0x03, 0 },
		{ "target4:", 0x02, 0x02, 1 }, { "origin4:", 0x02, 0x03, 1 },
		{ "redirect:", 0x80, 0x08, 0 }, { "bandwidth:", 0x40, 0x04, 0 },
		{ "l2info:", 0x80, 0x0a, 0 },
	};
	const char *rest = s, *colon;
	uint8_t type = 0x00, sub = 0x02, four = 0;
	uint32_t asn, local, ip;
	char admin[32];
	int l1, l2;
	size_t i;

	if (!strncasecmp(s, "0x", 2))
		return strlen(s) == 18 ? parse_hex_u64(s, 16, out) : -1;
	if (!strcmp(s, "redirect-to-nexthop")) {
		*out = (uint64_t)0x0800 << 48;
		return 0;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(s, kinds[i].name, strlen(kinds[i].name))) {
			rest = s + strlen(kinds[i].name);
			type = kinds[i].type;
			sub = kinds[i].sub;
			four = kinds[i].four;
			break;
		}
	if (i == sizeof(kinds) / sizeof(kinds[0]) && strchr(s, ':') &&
	    strchr(s, ':') != strrchr(s, ':'))
		return -1; /* three parts but no known kind */
	if (sub == 0x0a) { /* l2info:ENCAPS:CONTROL:MTU:SITE */
		uint32_t v[4];

		if (cfg_split_nums(rest, 65535, v, 4) || v[0] > 255 ||
		    v[1] > 255)
			return -1;
		*out = (uint64_t)0x800a << 48 | (uint64_t)v[0] << 40 |
		       (uint64_t)v[1] << 32 | (uint64_t)v[2] << 16 | v[3];
		return 0;
	}
	colon = strrchr(rest, ':');
	if (!colon || colon == rest || (size_t)(colon - rest) >= sizeof(admin))
		return -1;
	memcpy(admin, rest, colon - rest);
	admin[colon - rest] = 0;
	if (sub == 0x04) { /* bandwidth:ASN:BYTES-PER-SECOND */
		union {
			float f;
			uint32_t u;
		} bw;
		char *end;

		if (parse_u32(admin, 0, 65535, &asn))
			return -1;
		bw.f = strtof(colon + 1, &end);
		if (!colon[1] || *end || bw.f < 0)
			return -1;
		*out = (uint64_t)0x4004 << 48 | (uint64_t)asn << 32 | bw.u;
		return 0;
	}
	if (strchr(admin, '.')) { /* IP:N, RFC 4360 section 3.2 */
		if (cfg_parse_ipv4(admin, &ip) ||
		    parse_u32(colon + 1, 0, 65535, &local) || four)
			return -1;
		*out = (uint64_t)(type | 0x01) << 56 | (uint64_t)sub << 48 |
		       (uint64_t)ip << 16 | local;
		return 0;
	}
	if (parse_num_l(admin, UINT32_MAX, &asn, &l1))
		return -1;
	if (strchr(colon + 1, '.')) { /* ASN:IP, ExaBGP's form */
		if (cfg_parse_ipv4(colon + 1, &local) || asn > 65535 || four ||
		    l1)
			return -1;
		l2 = 0;
	} else if (parse_num_l(colon + 1, UINT32_MAX, &local, &l2)) {
		return -1;
	}
	(void)l2;
	if (!four && !l1 && asn <= 65535) {
		*out = (uint64_t)type << 56 | (uint64_t)sub << 48 |
		       (uint64_t)asn << 32 | local;
		return 0;
	}
	/* 4-octet ASN: type 0x02 (RFC 5668), redirect 0x82 (RFC 7674) */
	if (local > 65535)
		return -1;
	*out = (uint64_t)(type | 0x02) << 56 | (uint64_t)sub << 48 |
	       (uint64_t)asn << 16 | local;
	return 0;
}

int cfg_parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

/* ASN:A.B.C.D (RFC 4271 §5.1.7; the ASN may be 4 octets, RFC 6793). */
int cfg_parse_aggregator(const char *s, uint32_t *as, uint32_t *id)
{
	const char *colon = strchr(s, ':');
	char b[16];

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(b))
		return -1;
	memcpy(b, s, colon - s);
	b[colon - s] = 0;
	if (cfg_parse_asn(b, as) || *as == 0)
		return -1;
	return cfg_parse_ipv4(colon + 1, id);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int list_add(void *arrp, size_t *n, size_t size, const void *v)
{
	void **arr = arrp;
	void *na;

	if (*n >= CFG_MAX_LIST)
		return -1;
	na = realloc(*arr, (*n + 1) * size);
	if (!na)
		return -1;
	*arr = na;
	memcpy((uint8_t *)na + *n * size, v, size);
	(*n)++;
	return 0;
}

#define ERR(...) (snprintf(err, el, __VA_ARGS__), -1)

/*
 * A known code becomes the route's own setting, as ExaBGP does ("we
 * detect this is a known attribute"), so `attribute [ 0x04 0x80
 * 0x00000064 ]` is `med 100` and is checked as such; a code we do not
 * model is sent as written.  The codes whose value we build ourselves
 * (AS_PATH, NEXT_HOP, the MP_ and AS4_ attributes) are refused: written
 * raw they would contradict what the session puts there.
 */
static int attr_known(struct cfg_route *r, unsigned int code,
		      const uint8_t *v, size_t len, char *err, size_t el)
{
	static const char *const why[] = {
		[2] = "AS_PATH: write 'as-path [ ... ]'",
		[3] = "NEXT_HOP: write 'next-hop ADDRESS'",
		[14] = "MP_REACH_NLRI is built from the route",
		[15] = "MP_UNREACH_NLRI is built from the route",
		[17] = "AS4_PATH is built from the AS path (RFC 6793)",
		[18] = "AS4_AGGREGATOR is built from the aggregator "
		       "(RFC 6793)",
	};
	uint32_t u;

	if (code < sizeof(why) / sizeof(why[0]) && why[code])
		return ERR("attribute 0x%02x is %s", code, why[code]);
	switch (code) {
	case 1: /* ORIGIN, RFC 4271 §5.1.1 */
		if (len != 1 || v[0] > 2)
			return ERR("attribute 0x01 (ORIGIN) needs one octet "
				   "0, 1 or 2");
		r->origin = v[0];
		return 1;
	case 4: /* MULTI_EXIT_DISC */
	case 5: /* LOCAL_PREF */
	case 9: /* ORIGINATOR_ID, RFC 4456 §8 */
		if (len != 4)
			return ERR("attribute 0x%02x needs 4 octets, got %zu",
				   code, len);
		u = be32(v);
		if (code == 4) {
			if (r->flags & CFG_RT_MED)
				return ERR("med is given twice");
			r->flags |= CFG_RT_MED;
			r->med = u;
		} else if (code == 5) {
			if (r->flags & CFG_RT_LOCAL_PREF)
				return ERR("local-preference is given twice");
			r->flags |= CFG_RT_LOCAL_PREF;
			r->local_pref = u;
		} else {
			if (r->flags & CFG_RT_ORIGINATOR)
				return ERR("originator-id is given twice");
			r->flags |= CFG_RT_ORIGINATOR;
			r->originator_id = u;
		}
		return 1;
	case 6: /* ATOMIC_AGGREGATE: no value */
		if (len)
			return ERR("attribute 0x06 (ATOMIC_AGGREGATE) has no "
				   "value, got %zu octets",
				   len);
		r->flags |= CFG_RT_ATOMIC_AGGR;
		return 1;
	case 7: /* AGGREGATOR: 2- or 4-octet AS and an address */
		if (len != 6 && len != 8)
			return ERR("attribute 0x07 (AGGREGATOR) needs 6 or 8 "
				   "octets, got %zu",
				   len);
		if (r->flags & CFG_RT_AGGREGATOR)
			return ERR("aggregator is given twice");
		r->flags |= CFG_RT_AGGREGATOR;
		r->aggr_as = len == 6 ? (uint32_t)(v[0] << 8 | v[1]) : be32(v);
		r->aggr_id = be32(v + len - 4);
		return 1;
	case 8:	 /* COMMUNITIES */
	case 10: /* CLUSTER_LIST */
		if (!len || len % 4)
			return ERR("attribute 0x%02x needs a multiple of 4 "
				   "octets, got %zu",
				   code, len);
		for (size_t i = 0; i < len; i += 4) {
			u = be32(v + i);
			if (code == 8 ? list_add(&r->communities,
						 &r->ncommunities, 4, &u)
				      : list_add(&r->cluster, &r->ncluster, 4,
						 &u))
				return ERR("too many values in attribute 0x%02x",
					   code);
		}
		return 1;
	case 16: /* EXTENDED COMMUNITIES, RFC 4360 */
		if (!len || len % 8)
			return ERR("attribute 0x10 needs a multiple of 8 "
				   "octets, got %zu",
				   len);
		for (size_t i = 0; i < len; i += 8) {
			uint64_t x = (uint64_t)be32(v + i) << 32 |
				     be32(v + i + 4);

			if (list_add(&r->ext, &r->next, 8, &x))
				return ERR("too many values in attribute "
					   "0x10");
		}
		return 1;
	case 32: /* LARGE_COMMUNITY, RFC 8092 */
		if (!len || len % 12)
			return ERR("attribute 0x20 needs a multiple of 12 "
				   "octets, got %zu",
				   len);
		for (size_t i = 0; i < len; i += 12) {
			struct cfg_lcomm l = { be32(v + i), be32(v + i + 4),
					       be32(v + i + 8) };

			if (list_add(&r->large, &r->nlarge, sizeof(l), &l))
				return ERR("too many values in attribute "
					   "0x20");
		}
		return 1;
	default:
		return 0;
	}
}

int cfg_route_attribute(struct cfg_route *r, const char *code_s,
			const char *flags_s, const char *data_s, char *err,
			size_t el)
{
	uint8_t v[CFG_RAW_ATTR_MAX];
	uint64_t code, flags;
	size_t len, hl;
	uint8_t *nb;
	int k;

	if (parse_hex_u64(code_s, 2, &code) || !code)
		return ERR("attribute: the code is 0x01..0xff, got '%.32s'",
			   code_s);
	if (parse_hex_u64(flags_s, 2, &flags))
		return ERR("attribute: the flags are 0x00..0xff, got '%.32s'",
			   flags_s);
	hl = strlen(data_s);
	if (strncasecmp(data_s, "0x", 2) || hl % 2)
		return ERR("attribute: the value is 0x and an even number of "
			   "hex digits, got '%.32s'",
			   data_s);
	len = (hl - 2) / 2;
	if (len > sizeof(v))
		return ERR("attribute: a value of %zu octets is over the "
			   "limit of %d",
			   len, CFG_RAW_ATTR_MAX);
	for (size_t i = 0; i < len; i++) {
		int hi = hex_nibble(data_s[2 + 2 * i]),
		    lo = hex_nibble(data_s[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return ERR("attribute: '%.32s' is not hex", data_s);
		v[i] = (uint8_t)(hi << 4 | lo);
	}
	k = attr_known(r, (unsigned int)code, v, len, err, el);
	if (k)
		return k < 0 ? -1 : 0;
	/* RFC 4271 §6.3: a well-known attribute the peer does not know
	 * resets its session, so an unmodelled code must be optional
	 * (ExaBGP sends any flags; its own example uses 0x60). */
	if (!(flags & 0x80))
		return ERR("attribute 0x%02x: a code bgpshield does not model "
			   "must be sent optional (flags with 0x80); "
			   "without it the peer resets the session "
			   "(RFC 4271 section 6.3)",
			   (unsigned int)code);
	for (size_t off = 0; off < r->raw_len; off += 4 +
						 (r->raw[off + 2] << 8 |
						  r->raw[off + 3])) {
		if (r->raw[off + 1] == code)
			return ERR("attribute 0x%02x is given twice",
				   (unsigned int)code);
		if (++k == CFG_RAW_ATTRS)
			return ERR("more than %d attribute [ ] of codes "
				   "bgpshield does not model in one route",
				   CFG_RAW_ATTRS);
	}
	if (r->raw_len + 4 + len > CFG_RAW_ATTR_MAX)
		return ERR("attributes over %d octets in one route",
			   CFG_RAW_ATTR_MAX);
	if (!(nb = realloc(r->raw, r->raw_len + 4 + len)))
		return ERR("out of memory");
	r->raw = nb;
	/* RFC 4271 §4.3 layout, flags then code; the extended length
	 * bit is the encoder's to set. */
	nb += r->raw_len;
	nb[0] = (uint8_t)(flags & 0xe0);
	nb[1] = (uint8_t)code;
	nb[2] = (uint8_t)(len >> 8);
	nb[3] = (uint8_t)len;
	memcpy(nb + 4, v, len);
	r->raw_len += 4 + len;
	return 0;
}

/* The pieces that split /N cuts pfx into: 2^(n - plen). */
int cfg_split_prefix(const struct prefix *pfx, int n, size_t max,
		     struct prefix **out, size_t *count, char *err, size_t el)
{
	int alen = pfx->family == AF_INET ? 32 : 128;
	char b[PREFIX_STRLEN];
	size_t pieces;
	struct prefix *v;

	if (n < pfx->plen || n > alen)
		return ERR("split /%d: must be between the prefix length %d "
			   "and %d",
			   n, pfx->plen, alen);
	if (n - pfx->plen > 30 || ((size_t)1 << (n - pfx->plen)) > max)
		return ERR("split /%d of %s makes more than %zu prefixes", n,
			   prefix_fmt(pfx, b, sizeof(b)), max);
	pieces = (size_t)1 << (n - pfx->plen);
	if (!(v = calloc(pieces, sizeof(*v))))
		return ERR("out of memory");
	for (size_t k = 0; k < pieces; k++) {
		struct prefix *q = &v[k];

		*q = *pfx;
		q->plen = (uint8_t)n;
		for (int j = 0; j < n - pfx->plen; j++) {
			int pos = n - 1 - j;

			if ((k >> j) & 1)
				q->addr[pos / 8] |=
					(uint8_t)(0x80 >> (pos % 8));
		}
	}
	*out = v;
	*count = pieces;
	return 0;
}
