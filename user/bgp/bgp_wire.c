// SPDX-License-Identifier: GPL-2.0-only
/*
 * DOC: BGP-4 wire codec
 *
 * Pure encode/decode of BGP messages; no sockets, no globals, no
 * allocation.  The codec, in three files, implements:
 *   RFC 4271  BGP-4: header (§4.1), OPEN (§4.2), UPDATE (§4.3),
 *             NOTIFICATION (§4.5), KEEPALIVE (§4.4), errors (§6.1-§6.3)
 *   RFC 5492  capabilities advertisement (optional parameter 2)
 *   RFC 9072  extended optional parameters length for OPEN
 *   RFC 4760  multiprotocol: MP capability, MP_REACH_NLRI, MP_UNREACH_NLRI
 *             (IPv4 and IPv6 unicast; IPv6 next hop global [+ link-local])
 *   RFC 6793  4-octet AS: capability, AS4_PATH, AS4_AGGREGATOR, AS_TRANS
 *   RFC 7607  AS 0 refused in OPEN
 *   RFC 2918  ROUTE-REFRESH (and its RFC 7313 length error)
 *   RFC 8654  extended messages (up to 65535 bytes, not OPEN/KEEPALIVE)
 *   RFC 4724  graceful restart capability (parsed and kept), End-of-RIB
 *   RFC 9003  shutdown communication in Cease/2 and Cease/4
 *   RFC 1997, RFC 4360, RFC 8092  communities, extended, large
 *   RFC 7606  revised UPDATE error handling, as a returned action
 *   RFC 6286  BGP identifier: any non-zero value
 *   RFC 2545  IPv6 next hops: global, or global and link-local
 *   RFC 8950  IPv4 unicast NLRI with an IPv6 next hop: capability 5,
 *             MP_REACH_NLRI AFI 1 SAFI 1 with a 16- or 32-byte next hop
 *   RFC 7911  ADD-PATH: capability (bgp_open.c), path identifiers on
 *             NLRI in both directions when negotiated for the family
 *
 * This file is the UPDATE message: NLRI, AS paths, the path attribute
 * table, End-of-RIB, AS4 reconstruction and static routes' attributes.
 * The header, KEEPALIVE, NOTIFICATION and ROUTE-REFRESH are bgp_msg.c's,
 * OPEN and its capabilities bgp_open.c's; the helpers the files share
 * are in bgp_wire_int.h, private to user/bgp/.
 *
 * Every decoder reads through struct bgp_rbuf (bgp_buf.h) and never
 * indexes the message directly.  Path attributes go through one table
 * indexed by type code, as BIRD's bgp_attr_table does.
 */
#include <string.h>
#include <sys/socket.h>

#include "bgp_wire.h"
#include "bgp_wire_int.h"
#include "config.h"
#include "flowspec.h"

/* --- NLRI -------------------------------------------------------------- */

/* RFC 4271 §4.3 / RFC 4760 §5: <length, prefix> with the prefix in
 * ceil(length/8) bytes, after a 4-octet path identifier when ADD-PATH
 * receive is negotiated for the family (RFC 7911 §3).  Checks every
 * prefix and counts them.  A list cut inside a path identifier is as
 * malformed as one cut inside a prefix: RFC 7911 leaves errors to RFC
 * 4271/7606, which make both a session reset. */
static int nlri_check(struct bgp_rbuf *b, int family, int addpath,
		      struct bgp_nlri *n)
{
	unsigned int maxbits = family == AF_INET ? 32 : 128;
	uint8_t plen;

	n->family = family;
	n->addpath = addpath;
	n->p = bgp_rbuf_ptr(b);
	n->len = bgp_rbuf_left(b);
	n->count = 0;
	while (bgp_rbuf_left(b)) {
		if ((addpath && bgp_skip(b, 4) == -1) ||
		    bgp_get_u8(b, &plen) == -1 || plen > maxbits ||
		    bgp_skip(b, (plen + 7u) / 8) == -1)
			return -1;
		n->count++;
	}
	return 0;
}

void bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri *n)
{
	bgp_rbuf_init(&it->b, n->p, n->len);
	it->family = n->family;
	it->addpath = n->addpath;
}

int bgp_nlri_next(struct bgp_nlri_iter *it, struct prefix *out)
{
	uint32_t path_id;

	return bgp_nlri_next_path(it, out, &path_id);
}

int bgp_nlri_next_path(struct bgp_nlri_iter *it, struct prefix *out,
		       uint32_t *path_id)
{
	unsigned int maxbits = it->family == AF_INET ? 32 : 128;
	uint8_t plen;
	size_t nb;

	*path_id = 0;
	if ((it->addpath && bgp_get_u32(&it->b, path_id) == -1) ||
	    bgp_get_u8(&it->b, &plen) == -1 || plen > maxbits)
		return 0;
	nb = (plen + 7u) / 8;
	memset(out, 0, sizeof(*out));
	if (bgp_get_n(&it->b, out->addr, nb) == -1)
		return 0;
	/* Trailing bits are irrelevant (§4.3): clear them. */
	if (plen % 8)
		out->addr[nb - 1] &= (uint8_t)(0xff << (8 - plen % 8));
	out->family = it->family;
	out->plen = plen;
	return 1;
}

static size_t prefix_wire_len(const struct prefix *p)
{
	return 1 + (p->plen + 7u) / 8;
}

static int prefix_put(struct bgp_wbuf *w, const struct prefix *p)
{
	uint8_t a[16];
	size_t nb = (p->plen + 7u) / 8;

	memcpy(a, p->addr, nb);
	if (p->plen % 8)
		a[nb - 1] &= (uint8_t)(0xff << (8 - p->plen % 8));
	bgp_put_u8(w, (uint8_t)p->plen);
	return bgp_put_n(w, a, nb);
}

static int prefix_ok(const struct prefix *p, int family)
{
	return p->family == family && p->plen >= 0 &&
	       p->plen <= (family == AF_INET ? 32 : 128);
}

/* --- AS paths ---------------------------------------------------------- */

/* RFC 4271 §4.3 segments; RFC 7606 §7.2 adds that an empty segment or an
 * unknown segment type is malformed, RFC 7607 §2 that AS 0 is.  confed:
 * allow types 3 and 4 (not in AS4_PATH, RFC 6793 §6). */
static int aspath_check(struct bgp_rbuf *b, uint8_t as_size, int confed)
{
	uint8_t type, n;
	uint32_t asn;
	uint16_t a16;

	while (bgp_rbuf_left(b)) {
		if (bgp_get_u8(b, &type) == -1 || bgp_get_u8(b, &n) == -1 ||
		    n == 0)
			return -1;
		if (type < BGP_ASSEG_SET ||
		    type > (confed ? BGP_ASSEG_CONFED_SET : BGP_ASSEG_SEQUENCE))
			return -1;
		for (; n; n--) {
			if (as_size == 2) {
				if (bgp_get_u16(b, &a16) == -1)
					return -1;
				asn = a16;
			} else if (bgp_get_u32(b, &asn) == -1) {
				return -1;
			}
			if (asn == 0)
				return -1;
		}
	}
	return 0;
}

void bgp_aspath_iter_init(struct bgp_aspath_iter *it,
			  const struct bgp_aspath *a)
{
	bgp_rbuf_init(&it->b, a->p, a->len);
	it->as_size = a->as_size;
	it->seg_type = 0;
	it->seg_left = 0;
}

int bgp_aspath_next(struct bgp_aspath_iter *it, uint32_t *asn,
		    uint8_t *seg_type)
{
	uint16_t a16;

	while (it->seg_left == 0) {
		if (bgp_get_u8(&it->b, &it->seg_type) == -1 ||
		    bgp_get_u8(&it->b, &it->seg_left) == -1)
			return 0;
	}
	if (it->as_size == 2) {
		if (bgp_get_u16(&it->b, &a16) == -1)
			return 0;
		*asn = a16;
	} else if (bgp_get_u32(&it->b, asn) == -1) {
		return 0;
	}
	it->seg_left--;
	*seg_type = it->seg_type;
	return 1;
}

int bgp_aspath_build(uint8_t *buf, size_t cap, const uint32_t *asns,
		     size_t n)
{
	struct bgp_wbuf w;
	size_t i, k;

	bgp_wbuf_init(&w, buf, cap);
	for (i = 0; i < n; i += k) {
		k = n - i > 255 ? 255 : n - i;
		bgp_put_u8(&w, BGP_ASSEG_SEQUENCE);
		bgp_put_u8(&w, (uint8_t)k);
		for (size_t j = 0; j < k; j++)
			bgp_put_u32(&w, asns[i + j]);
	}
	return w.failed ? -1 : (int)w.len;
}

/*
 * Write a path with out_size-octet ASNs.  Toward a 2-octet peer, ASNs
 * above 65535 become AS_TRANS (RFC 6793 §4.2.2).  as4_form: write the
 * AS4_PATH instead, which leaves out confederation segments (§4.2.2).
 * Returns 1 if some ASN needed 4 octets.
 */
static int aspath_put(struct bgp_wbuf *w, const struct bgp_aspath *a,
		      uint8_t out_size, int as4_form)
{
	struct bgp_rbuf b;
	uint8_t type, n;
	int big = 0;

	bgp_rbuf_init(&b, a->p, a->len);
	while (bgp_get_u8(&b, &type) == 0 && bgp_get_u8(&b, &n) == 0) {
		int skip = as4_form && type > BGP_ASSEG_SEQUENCE;

		if (!skip) {
			bgp_put_u8(w, type);
			bgp_put_u8(w, n);
		}
		for (; n; n--) {
			uint32_t asn;
			uint16_t a16;

			if (a->as_size == 2) {
				if (bgp_get_u16(&b, &a16) == -1)
					return -1;
				asn = a16;
			} else if (bgp_get_u32(&b, &asn) == -1) {
				return -1;
			}
			if (asn > 0xffff)
				big = 1;
			if (skip)
				continue;
			if (out_size == 4)
				bgp_put_u32(w, asn);
			else
				bgp_put_u16(w, asn > 0xffff ? BGP_AS_TRANS
							    : (uint16_t)asn);
		}
	}
	return w->failed ? -1 : big;
}

/* --- path attributes --------------------------------------------------- */

/* Decoders: 0 kept, -1 malformed (the table says what that means), 1
 * dropped quietly because it does not apply to this session. */
static int dec_origin(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		      struct bgp_update *u)
{
	(void)c;
	/* RFC 7606 §7.1: wrong length or undefined value. */
	if (bgp_rbuf_left(v) != 1 || bgp_get_u8(v, &u->attrs.origin) == -1 ||
	    u->attrs.origin > 2)
		return -1;
	return 0;
}

static int dec_aspath(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		      struct bgp_update *u)
{
	struct bgp_rbuf chk = *v;

	/* RFC 6793 §4: 4-octet ASNs once both sides have the capability. */
	u->attrs.aspath.as_size = c->as4 ? 4 : 2;
	u->attrs.aspath.p = bgp_rbuf_ptr(v);
	u->attrs.aspath.len = bgp_rbuf_left(v);
	return aspath_check(&chk, u->attrs.aspath.as_size, 1);	/* §7.2 */
}

static int dec_nexthop(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		       struct bgp_update *u)
{
	(void)c;
	/* RFC 7606 §7.3 */
	if (bgp_rbuf_left(v) != 4)
		return -1;
	return bgp_get_n(v, u->attrs.nexthop, 4);
}

static int dec_u32(struct bgp_rbuf *v, uint32_t *out)
{
	if (bgp_rbuf_left(v) != 4)
		return -1;
	return bgp_get_u32(v, out);
}

static int dec_med(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		   struct bgp_update *u)
{
	(void)c;
	return dec_u32(v, &u->attrs.med);	/* RFC 7606 §7.4 */
}

static int dec_local_pref(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			  struct bgp_update *u)
{
	if (dec_u32(v, &u->attrs.local_pref) == -1)
		return -1;
	/* RFC 7606 §7.5: from an external peer it is discarded. */
	return c->ebgp ? 1 : 0;
}

static int dec_atomic(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		      struct bgp_update *u)
{
	(void)c;
	(void)u;
	return bgp_rbuf_left(v) == 0 ? 0 : -1;	/* RFC 7606 §7.6 */
}

static int dec_aggregator(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			  struct bgp_update *u)
{
	uint16_t a16;

	/* RFC 7606 §7.7: 6 bytes, or 8 with 4-octet ASNs. */
	if (bgp_rbuf_left(v) != (c->as4 ? 8u : 6u))
		return -1;
	if (c->as4) {
		if (bgp_get_u32(v, &u->attrs.aggr_as) == -1)
			return -1;
	} else {
		if (bgp_get_u16(v, &a16) == -1)
			return -1;
		u->attrs.aggr_as = a16;
	}
	if (u->attrs.aggr_as == 0)	/* RFC 7607 §2 */
		return -1;
	return bgp_get_n(v, u->attrs.aggr_id, 4);
}

/* A non-zero multiple of size (RFC 7606 §7.8, §7.14; RFC 8092 §6). */
static int dec_list(struct bgp_rbuf *v, size_t size, const uint8_t **p,
		    size_t *n)
{
	size_t len = bgp_rbuf_left(v);

	if (len == 0 || len % size)
		return -1;
	*p = bgp_rbuf_ptr(v);
	*n = len / size;
	return 0;
}

static int dec_comm(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		    struct bgp_update *u)
{
	(void)c;
	return dec_list(v, 4, &u->attrs.comm, &u->attrs.ncomm);
}

static int dec_ext_comm(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			struct bgp_update *u)
{
	(void)c;
	return dec_list(v, 8, &u->attrs.ext_comm, &u->attrs.next_comm);
}

static int dec_large_comm(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			  struct bgp_update *u)
{
	(void)c;
	return dec_list(v, 12, &u->attrs.large_comm, &u->attrs.nlarge_comm);
}

/*
 * Flowspec NLRI (RFC 8955 §4.1): each carries its own length, so one
 * that is malformed inside (types out of order, a bad operator length,
 * RFC 8955 §4.2) can be stepped over: RFC 8955 §10 defers to RFC 7606,
 * whose §5.3 makes that treat-as-withdraw (flow_bad).  A length running
 * past the attribute hides the rest: -1, the MP attribute is malformed
 * and RFC 7606 §7.11 / §5.3 reset the session.
 */
static int flow_check(struct bgp_rbuf *v, int family, struct bgp_nlri *n,
		      struct bgp_update *u, const char *where)
{
	const uint8_t *p = bgp_rbuf_ptr(v);
	size_t len = bgp_rbuf_left(v), o = 0;

	n->family = family;
	n->p = p;
	n->len = len;
	while (o < len) {
		size_t used;
		char why[80];

		/* the verdict only: the session keeps the octets */
		if (fs_nlri_check(p + o, len - o, family, &used, why,
				  sizeof(why)) == -1) {
			if (used == 0)
				return -1;
			if (!u->flow_bad)
				snprintf(u->flow_why, sizeof(u->flow_why),
					 "%s flowspec NLRI %zu: %.60s", where,
					 n->count + 1, why);
			u->flow_bad = 1;
		}
		o += used;
		n->count++;
	}
	return 0;
}

/* RFC 4760 §3 */
static int dec_mp_reach(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			struct bgp_update *u)
{
	struct bgp_attrs *a = &u->attrs;
	uint8_t nhlen, res;
	int fam;

	if (bgp_get_u16(v, &a->mp_afi) == -1 ||
	    bgp_get_u8(v, &a->mp_safi) == -1 || bgp_get_u8(v, &nhlen) == -1)
		return -1;
	fam = fam_bit(a->mp_afi, a->mp_safi);
	if (!fam)
		return 1;	/* not a family we negotiate: ignore */
	if (fam & BGP_FAM_FLOW) {
		/* RFC 8955 §4: the next hop length is 0; one that is not
		 * ("may be ignored") is skipped, its bytes read */
		struct bgp_rbuf nh;

		a->mp_nh_len = 0;
		if (bgp_get_sub(v, nhlen, &nh) == -1 ||
		    bgp_get_u8(v, &res) == -1)
			return -1;
		return flow_check(v, fam == BGP_FAM_IPV4F ? AF_INET : AF_INET6,
				  &u->flow_reach, u, "announced");
	}
	/*
	 * RFC 8950 §3: IPv4 unicast may carry an IPv6 next hop, 16 bytes
	 * (global) or 32 (global and link-local), the length telling the
	 * family apart.  §4 forbids sending one to a peer that did not
	 * advertise the capability but says nothing of a receiver getting
	 * one anyway.  The length is one RFC 8950 defines, so the NLRI can
	 * be found and RFC 7606 §7.11's reset (for a length that hides
	 * them) is not called for; the next hop is one we never agreed to
	 * use: treat-as-withdraw (RFC 7606 §2; as §7.3 does for an unusable
	 * NEXT_HOP), set after the attribute walk.
	 */
	if (fam == BGP_FAM_IPV4U && (nhlen == 16 || nhlen == 32) &&
	    !c->ext_nh_v4)
		u->ext_nh_unneg = 1;
	/* RFC 7606 §7.11: a next hop length that does not fit the family
	 * hides where the NLRI start: malformed (session reset). */
	if (fam == BGP_FAM_IPV4U ? nhlen != 4 && nhlen != 16 && nhlen != 32
				 : (nhlen != 16 && nhlen != 32))
		return -1;
	a->mp_nh_len = nhlen;
	if (bgp_get_n(v, a->mp_nh, nhlen) == -1 ||
	    bgp_get_u8(v, &res) == -1)
		return -1;
	return nlri_check(v, fam == BGP_FAM_IPV4U ? AF_INET : AF_INET6,
			  !!(c->addpath_rx & fam), &u->mp_reach);
}

static int dec_mp_unreach(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			  struct bgp_update *u)
{
	int fam;

	if (bgp_get_u16(v, &u->mp_unreach_afi) == -1 ||
	    bgp_get_u8(v, &u->mp_unreach_safi) == -1)
		return -1;
	fam = fam_bit(u->mp_unreach_afi, u->mp_unreach_safi);
	if (!fam)
		return 1;
	if (fam & BGP_FAM_FLOW)
		return flow_check(v, fam == BGP_FAM_IPV4F ? AF_INET : AF_INET6,
				  &u->flow_unreach, u, "withdrawn");
	return nlri_check(v, fam == BGP_FAM_IPV4U ? AF_INET : AF_INET6,
			  !!(c->addpath_rx & fam), &u->mp_unreach);
}

static int dec_as4_path(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			struct bgp_update *u)
{
	struct bgp_rbuf chk = *v;

	/* RFC 6793 §4.1: between 4-octet speakers it is ignored. */
	if (c->as4)
		return 1;
	u->attrs.as4_path.as_size = 4;
	u->attrs.as4_path.p = bgp_rbuf_ptr(v);
	u->attrs.as4_path.len = bgp_rbuf_left(v);
	/* RFC 6793 §6: malformed, or confederation segments: discard. */
	return aspath_check(&chk, 4, 0);
}

static int dec_as4_aggr(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
			struct bgp_update *u)
{
	if (c->as4)
		return 1;
	/* RFC 6793 §6, RFC 7607 §2: wrong length or AS 0: discard. */
	if (bgp_rbuf_left(v) != 8 || bgp_get_u32(v, &u->attrs.as4_aggr_as) ||
	    bgp_get_n(v, u->attrs.as4_aggr_id, 4) ||
	    u->attrs.as4_aggr_as == 0)
		return -1;
	return 0;
}

/* Encoders: 0 written, 1 nothing to write, -1 out of room. */
static int enc_origin(struct bgp_wbuf *w, const struct bgp_attrs *a,
		      const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_u8(w, a->origin);
}

static int enc_aspath(struct bgp_wbuf *w, const struct bgp_attrs *a,
		      const struct bgp_sess_ctx *c)
{
	return aspath_put(w, &a->aspath, c->as4 ? 4 : 2, 0) < 0 ? -1 : 0;
}

static int enc_nexthop(struct bgp_wbuf *w, const struct bgp_attrs *a,
		       const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_n(w, a->nexthop, 4);
}

static int enc_med(struct bgp_wbuf *w, const struct bgp_attrs *a,
		   const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_u32(w, a->med);
}

static int enc_local_pref(struct bgp_wbuf *w, const struct bgp_attrs *a,
			  const struct bgp_sess_ctx *c)
{
	/* RFC 4271 §5.1.5: never sent to an external peer. */
	if (c->ebgp)
		return 1;
	return bgp_put_u32(w, a->local_pref);
}

static int enc_atomic(struct bgp_wbuf *w, const struct bgp_attrs *a,
		      const struct bgp_sess_ctx *c)
{
	(void)w;
	(void)a;
	(void)c;
	return 0;
}

static int enc_aggregator(struct bgp_wbuf *w, const struct bgp_attrs *a,
			  const struct bgp_sess_ctx *c)
{
	if (c->as4)
		bgp_put_u32(w, a->aggr_as);
	else	/* RFC 6793 §4.2.2 */
		bgp_put_u16(w, a->aggr_as > 0xffff ? BGP_AS_TRANS
						   : (uint16_t)a->aggr_as);
	return bgp_put_n(w, a->aggr_id, 4);
}

static int enc_comm(struct bgp_wbuf *w, const struct bgp_attrs *a,
		    const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_n(w, a->comm, a->ncomm * 4);
}

static int enc_ext_comm(struct bgp_wbuf *w, const struct bgp_attrs *a,
			const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_n(w, a->ext_comm, a->next_comm * 8);
}

static int enc_large_comm(struct bgp_wbuf *w, const struct bgp_attrs *a,
			  const struct bgp_sess_ctx *c)
{
	(void)c;
	return bgp_put_n(w, a->large_comm, a->nlarge_comm * 12);
}

/* RFC 6793 §4.2.2: toward a 2-octet peer, the real path rides in
 * AS4_PATH when some ASN does not fit in 2 octets.  Generated from
 * AS_PATH, never copied. */
static int enc_as4_path(struct bgp_wbuf *w, const struct bgp_attrs *a,
			const struct bgp_sess_ctx *c)
{
	struct bgp_aspath_iter it;
	uint32_t asn;
	uint8_t t;
	int big = 0;

	if (c->as4 || !BGP_HAS(a, BGP_ATTR_AS_PATH) || a->aspath.as_size != 4)
		return 1;
	bgp_aspath_iter_init(&it, &a->aspath);
	while (bgp_aspath_next(&it, &asn, &t))
		if (asn > 0xffff)
			big = 1;
	if (!big)
		return 1;
	return aspath_put(w, &a->aspath, 4, 1) < 0 ? -1 : 0;
}

static int enc_as4_aggr(struct bgp_wbuf *w, const struct bgp_attrs *a,
			const struct bgp_sess_ctx *c)
{
	if (c->as4 || !BGP_HAS(a, BGP_ATTR_AGGREGATOR) || a->aggr_as <= 0xffff)
		return 1;
	bgp_put_u32(w, a->aggr_as);
	return bgp_put_n(w, a->aggr_id, 4);
}

#define OPT BGP_ATTRF_OPTIONAL
#define TRANS BGP_ATTRF_TRANSITIVE

/*
 * The attributes we know, by type code: the Optional and Transitive bits
 * they must carry (RFC 4271 §5, and each attribute's RFC), what a
 * malformed one means (RFC 7606 §7), and how to read and write it.
 * MP_REACH_NLRI has no encoder here: it is placed by bgp_update_encode()
 * because it carries the NLRI.
 */
static const struct bgp_attr_desc {
	const char *name;
	uint8_t flags;
	uint8_t on_error;	/* enum bgp_action */
	int (*decode)(struct bgp_rbuf *v, const struct bgp_sess_ctx *c,
		      struct bgp_update *u);
	int (*encode)(struct bgp_wbuf *w, const struct bgp_attrs *a,
		      const struct bgp_sess_ctx *c);
} bgp_attr_table[BGP_ATTR_KNOWN_MAX] = {
	[BGP_ATTR_ORIGIN] = { "origin", TRANS, BGP_ACT_WITHDRAW,
			      dec_origin, enc_origin },
	[BGP_ATTR_AS_PATH] = { "as-path", TRANS, BGP_ACT_WITHDRAW,
			       dec_aspath, enc_aspath },
	[BGP_ATTR_NEXT_HOP] = { "next-hop", TRANS, BGP_ACT_WITHDRAW,
				dec_nexthop, enc_nexthop },
	[BGP_ATTR_MED] = { "med", OPT, BGP_ACT_WITHDRAW, dec_med, enc_med },
	[BGP_ATTR_LOCAL_PREF] = { "local-preference", TRANS,
				  BGP_ACT_WITHDRAW, dec_local_pref,
				  enc_local_pref },
	[BGP_ATTR_ATOMIC_AGGR] = { "atomic-aggregate", TRANS,
				   BGP_ACT_DISCARD, dec_atomic, enc_atomic },
	[BGP_ATTR_AGGREGATOR] = { "aggregator", OPT | TRANS, BGP_ACT_DISCARD,
				  dec_aggregator, enc_aggregator },
	[BGP_ATTR_COMMUNITIES] = { "community", OPT | TRANS,
				   BGP_ACT_WITHDRAW, dec_comm, enc_comm },
	[BGP_ATTR_MP_REACH] = { "mp-reach-nlri", OPT, BGP_ACT_RESET,
				dec_mp_reach, NULL },
	[BGP_ATTR_MP_UNREACH] = { "mp-unreach-nlri", OPT, BGP_ACT_RESET,
				  dec_mp_unreach, NULL },
	[BGP_ATTR_EXT_COMMUNITIES] = { "extended-community", OPT | TRANS,
				       BGP_ACT_WITHDRAW, dec_ext_comm,
				       enc_ext_comm },
	[BGP_ATTR_AS4_PATH] = { "as4-path", OPT | TRANS, BGP_ACT_DISCARD,
				dec_as4_path, enc_as4_path },
	[BGP_ATTR_AS4_AGGREGATOR] = { "as4-aggregator", OPT | TRANS,
				      BGP_ACT_DISCARD, dec_as4_aggr,
				      enc_as4_aggr },
	[BGP_ATTR_LARGE_COMMUNITIES] = { "large-community", OPT | TRANS,
					 BGP_ACT_WITHDRAW, dec_large_comm,
					 enc_large_comm },
};

static const struct bgp_attr_desc *attr_desc(uint8_t type)
{
	if (type >= BGP_ATTR_KNOWN_MAX || !bgp_attr_table[type].name)
		return NULL;
	return &bgp_attr_table[type];
}

const char *bgp_attr_name(uint8_t type)
{
	const struct bgp_attr_desc *d = attr_desc(type);

	return d ? d->name : "unknown";
}

/* --- UPDATE decode ----------------------------------------------------- */

static enum bgp_action act_max(enum bgp_action a, enum bgp_action b)
{
	return a > b ? a : b;
}

#define BIT(code) ((uint64_t)1 << (code))

/* An attribute we do not know (RFC 4271 §5, §9): well-known is an error,
 * optional transitive is kept to pass on, optional non-transitive is
 * quietly ignored. */
static enum bgp_action attr_unknown(struct bgp_update *u, uint8_t flags,
				    uint8_t type, struct bgp_rbuf *v,
				    const uint8_t *raw, size_t rawlen,
				    struct bgp_err *e)
{
	size_t i;

	if (!(flags & BGP_ATTRF_OPTIONAL)) {
		err_set_ref(e, BGP_ERR_UPDATE, BGP_ERR_UPD_UNKWN_WK, raw,
			    rawlen);
		return BGP_ACT_RESET;
	}
	if (!(flags & BGP_ATTRF_TRANSITIVE))
		return BGP_ACT_OK;
	for (i = 0; i < u->attrs.nunknown; i++) {
		/* RFC 7606 §3(g): keep the first of duplicates. */
		if (u->attrs.unknown[i].type == type)
			return BGP_ACT_DISCARD;
	}
	if (u->attrs.nunknown == BGP_MAX_UNKNOWN_ATTR)
		return BGP_ACT_DISCARD;
	u->attrs.unknown[u->attrs.nunknown++] = (struct bgp_raw_attr){
		.flags = flags, .type = type,
		.p = bgp_rbuf_ptr(v), .len = bgp_rbuf_left(v),
	};
	return BGP_ACT_OK;
}

static enum bgp_action update_attrs(struct bgp_rbuf *b,
				    const struct bgp_sess_ctx *ctx,
				    struct bgp_update *u, struct bgp_err *e)
{
	enum bgp_action act = BGP_ACT_OK;
	uint64_t seen = 0;

	while (bgp_rbuf_left(b)) {
		const uint8_t *raw = bgp_rbuf_ptr(b);
		const struct bgp_attr_desc *d;
		enum bgp_action a = BGP_ACT_OK;
		struct bgp_rbuf v;
		uint8_t flags, type, len8;
		uint16_t len;
		size_t rawlen;
		int rc;

		/*
		 * RFC 7606 §4: an attribute header cut short, or a length
		 * running past the Total Attribute Length, is
		 * treat-as-withdraw; the NLRI are still found through the
		 * total length.  But an MP_(UN)REACH_NLRI cut short hides
		 * NLRI (§7.11, §5.3): session reset, Attribute Length Error.
		 */
		if (bgp_get_u8(b, &flags) == -1 || bgp_get_u8(b, &type) == -1)
			return act_max(act, BGP_ACT_WITHDRAW);
		if (flags & BGP_ATTRF_EXTLEN)
			rc = bgp_get_u16(b, &len);
		else if ((rc = bgp_get_u8(b, &len8)) == 0)
			len = len8;
		if (rc == -1 || bgp_get_sub(b, len, &v) == -1) {
			if (type == BGP_ATTR_MP_REACH ||
			    type == BGP_ATTR_MP_UNREACH) {
				err_set_ref(e, BGP_ERR_UPDATE,
					    BGP_ERR_UPD_LENGTH, raw,
					    (size_t)(bgp_rbuf_ptr(b) - raw) +
					    bgp_rbuf_left(b));
				return BGP_ACT_RESET;
			}
			return act_max(act, BGP_ACT_WITHDRAW);
		}
		rawlen = (size_t)(bgp_rbuf_ptr(b) - raw);

		d = attr_desc(type);
		if (!d) {
			a = attr_unknown(u, flags, type, &v, raw, rawlen, e);
			if (a == BGP_ACT_RESET)
				return a;
			if (a == BGP_ACT_DISCARD && type < 64)
				u->discarded |= BIT(type);
			act = act_max(act, a);
			continue;
		}
		if (seen & BIT(type)) {
			/* RFC 7606 §3(g): a repeated MP_(UN)REACH_NLRI is
			 * a reset; other repeats: keep the first. */
			if (type == BGP_ATTR_MP_REACH ||
			    type == BGP_ATTR_MP_UNREACH) {
				err_set(e, BGP_ERR_UPDATE,
					BGP_ERR_UPD_ATTRLIST);
				return BGP_ACT_RESET;
			}
			u->discarded |= BIT(type);
			act = act_max(act, BGP_ACT_DISCARD);
			continue;
		}
		seen |= BIT(type);
		/*
		 * RFC 7606 §3(c): Optional or Transitive bits other than
		 * the attribute's make it malformed, handled as that
		 * attribute's malformation is.
		 */
		if ((flags & (OPT | TRANS)) != d->flags) {
			rc = -1;
			if (d->on_error == BGP_ACT_RESET)
				err_set_ref(e, BGP_ERR_UPDATE,
					    BGP_ERR_UPD_FLAGS, raw, rawlen);
		} else {
			rc = d->decode(&v, ctx, u);
			if (rc == -1 && d->on_error == BGP_ACT_RESET)
				/* RFC 4760 §7 */
				err_set_ref(e, BGP_ERR_UPDATE,
					    BGP_ERR_UPD_OPTATTR, raw, rawlen);
		}
		if (rc == -1) {
			a = d->on_error;
			if (a == BGP_ACT_RESET)
				return a;
			if (a == BGP_ACT_DISCARD)
				u->discarded |= BIT(type);
			act = act_max(act, a);
		} else if (rc == 1) {
			u->discarded |= BIT(type);
		} else {
			u->attrs.has |= BIT(type);
		}
	}
	return act;
}

enum bgp_action bgp_update_decode(const uint8_t *msg, size_t len,
				  const struct bgp_sess_ctx *ctx,
				  struct bgp_update *u, struct bgp_err *e)
{
	struct bgp_rbuf b, wd, attrs;
	enum bgp_action act;
	uint16_t wlen, alen;
	const struct bgp_attrs *a = &u->attrs;
	uint64_t need;
	int ap4;

	memset(u, 0, sizeof(*u));
	u->nlri.family = u->withdrawn.family = AF_INET;
	if (body_init(&b, msg, len) == -1 || bgp_get_u16(&b, &wlen) == -1) {
		err_badlen(e, len);
		return BGP_ACT_RESET;
	}
	/* RFC 4271 §6.3: lengths that overrun the message are a
	 * Malformed Attribute List; RFC 7606 §5 keeps that a reset. */
	if (bgp_get_sub(&b, wlen, &wd) == -1 || bgp_get_u16(&b, &alen) == -1 ||
	    bgp_get_sub(&b, alen, &attrs) == -1) {
		err_set(e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST);
		return BGP_ACT_RESET;
	}
	/* RFC 7606 §5.3: NLRI we cannot parse: reset, Invalid Network
	 * Field (RFC 4271 §6.3). */
	ap4 = !!(ctx->addpath_rx & BGP_FAM_IPV4U);
	if (nlri_check(&wd, AF_INET, ap4, &u->withdrawn) == -1 ||
	    nlri_check(&b, AF_INET, ap4, &u->nlri) == -1) {
		err_set(e, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
		return BGP_ACT_RESET;
	}
	act = update_attrs(&attrs, ctx, u, e);
	if (act == BGP_ACT_RESET)
		return act;
	if (u->ext_nh_unneg)	/* RFC 8950 without the capability */
		act = act_max(act, BGP_ACT_WITHDRAW);
	if (u->flow_bad)	/* RFC 8955 §10, RFC 7606 §5.3 */
		act = act_max(act, BGP_ACT_WITHDRAW);

	/* RFC 4724 §2: End-of-RIB is an UPDATE with nothing in it for
	 * IPv4 unicast, and one empty MP_UNREACH_NLRI for the others. */
	if (wlen == 0 && alen == 0 && u->nlri.len == 0) {
		u->eor = 1;
		u->eor_afi = BGP_AFI_IPV4;
		u->eor_safi = BGP_SAFI_UNICAST;
		return BGP_ACT_OK;
	}
	if (wlen == 0 && u->nlri.len == 0 && act == BGP_ACT_OK &&
	    a->has == BIT(BGP_ATTR_MP_UNREACH) && u->mp_unreach.len == 0 &&
	    u->flow_unreach.len == 0 && !u->discarded && !a->nunknown) {
		u->eor = 1;
		u->eor_afi = u->mp_unreach_afi;
		u->eor_safi = u->mp_unreach_safi;
		return BGP_ACT_OK;
	}

	/* RFC 4271 §5 well-known mandatory attributes; missing ones are
	 * treat-as-withdraw (RFC 7606 §3(d)), and only matter when there
	 * is something to announce. */
	need = 0;
	if (u->nlri.count)
		need |= BIT(BGP_ATTR_ORIGIN) | BIT(BGP_ATTR_AS_PATH) |
			BIT(BGP_ATTR_NEXT_HOP);
	if (BGP_HAS(a, BGP_ATTR_MP_REACH))
		need |= BIT(BGP_ATTR_ORIGIN) | BIT(BGP_ATTR_AS_PATH);
	if ((a->has & need) != need)
		act = act_max(act, BGP_ACT_WITHDRAW);
	return act;
}

/* --- UPDATE encode ----------------------------------------------------- */

/*
 * Write one attribute: flags, type, length, value.  The length is first
 * reserved as two bytes; if the value turns out to fit in one, it moves
 * down a byte and the Extended Length bit is cleared (RFC 4271 §4.3).
 * Returns 0, 1 if the encoder had nothing to write, -1 out of room.
 */
static int attr_put(struct bgp_wbuf *w, uint8_t flags, uint8_t type,
		    const struct bgp_attr_desc *d, const struct bgp_attrs *a,
		    const struct bgp_sess_ctx *c,
		    const struct bgp_raw_attr *raw)
{
	size_t start = w->len, vstart, vlen;
	int rc;

	bgp_put_u8(w, flags | BGP_ATTRF_EXTLEN);
	bgp_put_u8(w, type);
	bgp_put_u16(w, 0);
	vstart = w->len;
	rc = raw ? bgp_put_n(w, raw->p, raw->len) : d->encode(w, a, c);
	if (rc == 1 || w->failed) {
		if (!w->failed)
			w->len = start;
		return w->failed ? -1 : 1;
	}
	vlen = w->len - vstart;
	if (vlen > 0xffff)
		return -1;
	if (vlen <= 255) {
		memmove(w->p + start + 3, w->p + vstart, vlen);
		w->len--;
		w->p[start] &= ~BGP_ATTRF_EXTLEN;
		w->p[start + 2] = (uint8_t)vlen;
	} else {
		bgp_put_u16_at(w, start + 2, (uint16_t)vlen);
	}
	return 0;
}

/* All attributes in type code order, known and unknown, except
 * MP_REACH_NLRI, whose place is returned in *mp_at. */
static int attrs_put(struct bgp_wbuf *w, const struct bgp_attrs *a,
		     const struct bgp_sess_ctx *c, int v6, size_t *mp_at)
{
	unsigned int code;
	size_t i;

	*mp_at = 0;
	for (code = 1; code < 256; code++) {
		const struct bgp_attr_desc *d = attr_desc((uint8_t)code);

		if (code == BGP_ATTR_MP_REACH)
			*mp_at = w->len;
		if (d && d->encode &&
		    (BGP_HAS(a, code) || code == BGP_ATTR_AS4_PATH ||
		     code == BGP_ATTR_AS4_AGGREGATOR) &&
		    !(v6 && code == BGP_ATTR_NEXT_HOP) &&
		    attr_put(w, d->flags, (uint8_t)code, d, a, c, NULL) == -1)
			return -1;
		if (d)
			continue;
		for (i = 0; i < a->nunknown && i < BGP_MAX_UNKNOWN_ATTR; i++) {
			const struct bgp_raw_attr *r = &a->unknown[i];

			/* RFC 4271 §5: passed on with Partial set; one we
			 * originate goes as written (§4.3 leaves Partial
			 * to the originator). */
			if (r->type == code &&
			    attr_put(w, r->own ? r->flags & (OPT | TRANS |
							     BGP_ATTRF_PARTIAL)
					       : (r->flags & (OPT | TRANS)) |
							 BGP_ATTRF_PARTIAL,
				     r->type, NULL, a, c, r) == -1)
				return -1;
		}
	}
	return w->failed ? -1 : 0;
}

/* Room left under the negotiated maximum (RFC 8654) and the buffer. */
static size_t room_to(const struct bgp_wbuf *w, size_t start, size_t maxlen)
{
	size_t end = start + maxlen;

	if (end > w->cap)
		end = w->cap;
	return end > w->len ? end - w->len : 0;
}

static size_t fit_prefixes(const struct prefix *pfx, size_t n, int family,
			   int addpath, size_t room, size_t *bytes)
{
	size_t k = 0, used = 0, pl = addpath ? 4 : 0;

	while (k < n && prefix_ok(&pfx[k], family) &&
	       used + pl + prefix_wire_len(&pfx[k]) <= room) {
		used += pl + prefix_wire_len(&pfx[k]);
		k++;
	}
	*bytes = used;
	return k;
}

/* RFC 7911 §3: the path identifier, then the prefix. */
static void nlri_put(struct bgp_wbuf *w, int addpath, const struct prefix *p,
		     const uint32_t *paths, size_t i)
{
	if (addpath)
		bgp_put_u32(w, paths ? paths[i] : 0);
	prefix_put(w, p);
}

int bgp_update_encode(struct bgp_wbuf *w, size_t maxlen,
		      const struct bgp_sess_ctx *ctx,
		      const struct bgp_attrs *attrs, const struct prefix *pfx,
		      size_t n)
{
	return bgp_update_encode_paths(w, maxlen, ctx, attrs, pfx, NULL, n);
}

int bgp_update_encode_paths(struct bgp_wbuf *w, size_t maxlen,
			    const struct bgp_sess_ctx *ctx,
			    const struct bgp_attrs *attrs,
			    const struct prefix *pfx, const uint32_t *paths,
			    size_t n)
{
	size_t start = w->len, alen_at, mp_at, tail, k, bytes, room, vlen;
	int v6, nh6, ap;

	if (n == 0 || (pfx[0].family != AF_INET && pfx[0].family != AF_INET6))
		return -1;
	if (maxlen > BGP_EXT_MAX_LEN)
		maxlen = BGP_EXT_MAX_LEN;
	v6 = pfx[0].family == AF_INET6;
	ap = !!(ctx->addpath_tx & (v6 ? BGP_FAM_IPV6U : BGP_FAM_IPV4U));
	/* RFC 8950 §3: IPv4 with an IPv6 next hop goes in MP_REACH_NLRI,
	 * to a peer that negotiated it (§4) */
	nh6 = !v6 && !BGP_HAS(attrs, BGP_ATTR_NEXT_HOP) &&
	      (attrs->mp_nh_len == 16 || attrs->mp_nh_len == 32);
	if (nh6 && !ctx->ext_nh_v4)
		return -1;
	if ((v6 || nh6) && attrs->mp_nh_len != 16 && attrs->mp_nh_len != 32)
		return -1;
	msg_begin(w, BGP_UPDATE);
	bgp_put_u16(w, 0);	/* no withdrawn routes */
	alen_at = w->len;
	bgp_put_u16(w, 0);
	if (w->failed || attrs_put(w, attrs, ctx, v6, &mp_at) == -1)
		goto fail;
	if (!v6 && !nh6) {
		k = fit_prefixes(pfx, n, AF_INET, ap,
				 room_to(w, start, maxlen), &bytes);
		if (k == 0)
			goto fail;
		bgp_put_u16_at(w, alen_at, (uint16_t)(w->len - alen_at - 2));
		for (size_t i = 0; i < k; i++)
			nlri_put(w, ap, &pfx[i], paths, i);
	} else {
		/* RFC 4760 §3: AFI, SAFI, next hop, reserved, NLRI; placed
		 * at its type-code rank, so attributes after it move. */
		room = room_to(w, start, maxlen);
		if (room < 4 + 5u + attrs->mp_nh_len)
			goto fail;
		room -= 4 + 5u + attrs->mp_nh_len;
		if (room > 0xffff - 5u - attrs->mp_nh_len)
			room = 0xffff - 5u - attrs->mp_nh_len;
		k = fit_prefixes(pfx, n, pfx[0].family, ap, room, &bytes);
		if (k == 0)
			goto fail;
		vlen = 5u + attrs->mp_nh_len + bytes;
		tail = w->len - mp_at;
		{
			size_t hl = vlen > 255 ? 4 : 3;
			struct bgp_wbuf mw;

			memmove(w->p + mp_at + hl + vlen, w->p + mp_at, tail);
			w->len += hl + vlen;
			bgp_wbuf_init(&mw, w->p + mp_at, hl + vlen);
			bgp_put_u8(&mw, OPT | (hl == 4 ? BGP_ATTRF_EXTLEN : 0));
			bgp_put_u8(&mw, BGP_ATTR_MP_REACH);
			if (hl == 4)
				bgp_put_u16(&mw, (uint16_t)vlen);
			else
				bgp_put_u8(&mw, (uint8_t)vlen);
			bgp_put_u16(&mw, v6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
			bgp_put_u8(&mw, BGP_SAFI_UNICAST);
			bgp_put_u8(&mw, attrs->mp_nh_len);
			bgp_put_n(&mw, attrs->mp_nh, attrs->mp_nh_len);
			bgp_put_u8(&mw, 0);
			for (size_t i = 0; i < k; i++)
				nlri_put(&mw, ap, &pfx[i], paths, i);
			if (mw.failed)
				goto fail;
		}
		bgp_put_u16_at(w, alen_at, (uint16_t)(w->len - alen_at - 2));
	}
	if (msg_end(w, start) == -1)
		goto fail;
	return (int)k;
fail:
	w->len = start;
	w->failed = 1;
	return -1;
}

int bgp_withdraw_encode(struct bgp_wbuf *w, size_t maxlen,
			const struct prefix *pfx, size_t n)
{
	return bgp_withdraw_encode_paths(w, maxlen, 0, pfx, NULL, n);
}

int bgp_withdraw_encode_paths(struct bgp_wbuf *w, size_t maxlen,
			      int addpath, const struct prefix *pfx,
			      const uint32_t *paths, size_t n)
{
	size_t start = w->len, k, bytes, room, vlen;
	int v6;

	if (n == 0 || (pfx[0].family != AF_INET && pfx[0].family != AF_INET6))
		return -1;
	if (maxlen > BGP_EXT_MAX_LEN)
		maxlen = BGP_EXT_MAX_LEN;
	v6 = pfx[0].family == AF_INET6;
	msg_begin(w, BGP_UPDATE);
	room = room_to(w, start, maxlen);
	if (w->failed || room < 4 + (v6 ? 7u : 0))
		goto fail;
	if (!v6) {
		k = fit_prefixes(pfx, n, AF_INET, addpath, room - 4, &bytes);
		if (k == 0)
			goto fail;
		bgp_put_u16(w, (uint16_t)bytes);
		for (size_t i = 0; i < k; i++)
			nlri_put(w, addpath, &pfx[i], paths, i);
		bgp_put_u16(w, 0);
	} else {
		/* RFC 4760 §4: MP_UNREACH_NLRI alone. */
		room -= 4 + 7;
		if (room > 0xffff - 3)
			room = 0xffff - 3;
		k = fit_prefixes(pfx, n, AF_INET6, addpath, room, &bytes);
		if (k == 0)
			goto fail;
		bgp_put_u16(w, 0);
		vlen = bytes + 3;
		bgp_put_u16(w, (uint16_t)(vlen + (vlen > 255 ? 4 : 3)));
		if (vlen > 255) {
			bgp_put_u8(w, OPT | BGP_ATTRF_EXTLEN);
			bgp_put_u8(w, BGP_ATTR_MP_UNREACH);
			bgp_put_u16(w, (uint16_t)(bytes + 3));
		} else {
			bgp_put_u8(w, OPT);
			bgp_put_u8(w, BGP_ATTR_MP_UNREACH);
			bgp_put_u8(w, (uint8_t)(bytes + 3));
		}
		bgp_put_u16(w, BGP_AFI_IPV6);
		bgp_put_u8(w, BGP_SAFI_UNICAST);
		for (size_t i = 0; i < k; i++)
			nlri_put(w, addpath, &pfx[i], paths, i);
	}
	if (msg_end(w, start) == -1)
		goto fail;
	return (int)k;
fail:
	w->len = start;
	w->failed = 1;
	return -1;
}

/* Whole flowspec NLRI from nlri[0..len) that fit in room octets. */
static size_t flow_fit(const uint8_t *nlri, size_t len, size_t room)
{
	size_t o = 0;

	while (o < len) {
		size_t l = (nlri[o] & 0xf0) == 0xf0 && o + 1 < len ?
			2 + ((size_t)(nlri[o] & 0x0f) << 8 | nlri[o + 1]) :
			1 + (size_t)nlri[o];

		if (o + l > len || o + l > room)
			break;
		o += l;
	}
	return o;
}

/* The MP attribute header (flags, type, 1- or 2-octet length). */
static void mp_attr_head(struct bgp_wbuf *w, uint8_t type, size_t vlen)
{
	bgp_put_u8(w, OPT | (vlen > 255 ? BGP_ATTRF_EXTLEN : 0));
	bgp_put_u8(w, type);
	if (vlen > 255)
		bgp_put_u16(w, (uint16_t)vlen);
	else
		bgp_put_u8(w, (uint8_t)vlen);
}

int bgp_flow_update_encode(struct bgp_wbuf *w, size_t maxlen,
			   const struct bgp_sess_ctx *ctx,
			   const struct bgp_attrs *attrs, int family,
			   const uint8_t *nlri, size_t len)
{
	size_t start = w->len, alen_at, mp_at, tail, room, k, vlen, hl;
	struct bgp_attrs a = *attrs;
	struct bgp_wbuf mw;

	if (len == 0 || (family != AF_INET && family != AF_INET6))
		return -1;
	if (maxlen > BGP_EXT_MAX_LEN)
		maxlen = BGP_EXT_MAX_LEN;
	/* RFC 8955 §4: no next hop; NEXT_HOP would be meaningless */
	a.has &= ~BIT(BGP_ATTR_NEXT_HOP);
	msg_begin(w, BGP_UPDATE);
	bgp_put_u16(w, 0);
	alen_at = w->len;
	bgp_put_u16(w, 0);
	if (w->failed || attrs_put(w, &a, ctx, 1, &mp_at) == -1)
		goto fail;
	/* room for the NLRI: what is left less the attribute header (3
	 * octets, 4 with the extended length) and AFI, SAFI, next hop
	 * length, reserved */
	room = room_to(w, start, maxlen);
	if (room < 3 + 5)
		goto fail;
	room -= 5;
	if (room > 0xffff - 5u + 3)
		room = 0xffff - 5u + 3;
	k = flow_fit(nlri, len, room - 3);
	if (5 + k > 255)
		k = flow_fit(nlri, len, room - 4);
	if (k == 0)
		goto fail;
	vlen = 5 + k;
	hl = vlen > 255 ? 4 : 3;
	tail = w->len - mp_at;
	if (w->len + hl + vlen > w->cap)
		goto fail;
	memmove(w->p + mp_at + hl + vlen, w->p + mp_at, tail);
	w->len += hl + vlen;
	bgp_wbuf_init(&mw, w->p + mp_at, hl + vlen);
	mp_attr_head(&mw, BGP_ATTR_MP_REACH, vlen);
	bgp_put_u16(&mw, family == AF_INET6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	bgp_put_u8(&mw, BGP_SAFI_FLOW);
	bgp_put_u8(&mw, 0);	/* next hop length: RFC 8955 §4 */
	bgp_put_u8(&mw, 0);	/* reserved */
	bgp_put_n(&mw, nlri, k);
	if (mw.failed)
		goto fail;
	bgp_put_u16_at(w, alen_at, (uint16_t)(w->len - alen_at - 2));
	if (msg_end(w, start) == -1)
		goto fail;
	return (int)k;
fail:
	w->len = start;
	w->failed = 1;
	return -1;
}

int bgp_flow_withdraw_encode(struct bgp_wbuf *w, size_t maxlen, int family,
			     const uint8_t *nlri, size_t len)
{
	size_t start = w->len, room, k, vlen;

	if (len == 0 || (family != AF_INET && family != AF_INET6))
		return -1;
	if (maxlen > BGP_EXT_MAX_LEN)
		maxlen = BGP_EXT_MAX_LEN;
	msg_begin(w, BGP_UPDATE);
	room = room_to(w, start, maxlen);
	if (w->failed || room < 4 + 7)
		goto fail;
	room -= 4 + 7;
	if (room > 0xffff - 3u)
		room = 0xffff - 3u;
	k = flow_fit(nlri, len, room);
	if (k == 0)
		goto fail;
	vlen = 3 + k;
	bgp_put_u16(w, 0);
	bgp_put_u16(w, (uint16_t)(vlen + (vlen > 255 ? 4 : 3)));
	mp_attr_head(w, BGP_ATTR_MP_UNREACH, vlen);
	bgp_put_u16(w, family == AF_INET6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	bgp_put_u8(w, BGP_SAFI_FLOW);
	bgp_put_n(w, nlri, k);
	if (msg_end(w, start) == -1)
		goto fail;
	return (int)k;
fail:
	w->len = start;
	w->failed = 1;
	return -1;
}

int bgp_eor_encode(struct bgp_wbuf *w, uint16_t afi, uint8_t safi)
{
	size_t start = msg_begin(w, BGP_UPDATE);

	bgp_put_u16(w, 0);
	if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST) {
		bgp_put_u16(w, 0);
	} else {
		bgp_put_u16(w, 6);
		bgp_put_u8(w, OPT);
		bgp_put_u8(w, BGP_ATTR_MP_UNREACH);
		bgp_put_u8(w, 3);
		bgp_put_u16(w, afi);
		bgp_put_u8(w, safi);
	}
	return msg_end(w, start);
}

/* --- AS4 reconstruction and static routes ------------------------------ */

/* RFC 6793 §4.2.3: an AS_SET counts as one, confederation segments as
 * none. */
static size_t aspath_count(const struct bgp_aspath *a)
{
	struct bgp_rbuf b;
	uint8_t type, n;
	size_t count = 0;

	bgp_rbuf_init(&b, a->p, a->len);
	while (bgp_get_u8(&b, &type) == 0 && bgp_get_u8(&b, &n) == 0 &&
	       bgp_skip(&b, (size_t)n * a->as_size) == 0) {
		if (type == BGP_ASSEG_SEQUENCE)
			count += n;
		else if (type == BGP_ASSEG_SET)
			count++;
	}
	return count;
}

int bgp_attrs_as4_merge(struct bgp_attrs *a, uint8_t *buf, size_t cap)
{
	const uint64_t as4 = BIT(BGP_ATTR_AS4_PATH) |
			     BIT(BGP_ATTR_AS4_AGGREGATOR);
	struct bgp_wbuf w;
	struct bgp_rbuf b;
	size_t need, n2, n4;
	uint8_t type, n;
	int use_path;

	if (a->aspath.as_size == 4) {
		a->has &= ~as4;
		return 0;
	}
	use_path = BGP_HAS(a, BGP_ATTR_AS4_PATH);
	/* §4.2.3: an AGGREGATOR not carrying AS_TRANS was added by a
	 * 2-octet speaker after the AS4 attributes: both are stale. */
	if (BGP_HAS(a, BGP_ATTR_AGGREGATOR) &&
	    BGP_HAS(a, BGP_ATTR_AS4_AGGREGATOR)) {
		if (a->aggr_as != BGP_AS_TRANS) {
			use_path = 0;
		} else {
			a->aggr_as = a->as4_aggr_as;
			memcpy(a->aggr_id, a->as4_aggr_id, 4);
		}
	}
	n2 = aspath_count(&a->aspath);
	n4 = use_path ? aspath_count(&a->as4_path) : 0;
	/* §4.2.3: an AS4_PATH longer than AS_PATH is ignored. */
	if (n2 < n4)
		use_path = 0;
	need = use_path ? n2 - n4 : (size_t)-1;

	bgp_wbuf_init(&w, buf, cap);
	bgp_rbuf_init(&b, a->aspath.p, a->aspath.len);
	/* The leading part of AS_PATH, widened, up to need ASNs ... */
	while (need && bgp_get_u8(&b, &type) == 0 && bgp_get_u8(&b, &n) == 0) {
		uint8_t take = n;
		uint16_t a16;

		if (type == BGP_ASSEG_SEQUENCE && take > need)
			take = (uint8_t)need;
		bgp_put_u8(&w, type);
		bgp_put_u8(&w, take);
		for (uint8_t i = 0; i < n; i++) {
			if (bgp_get_u16(&b, &a16) == -1)
				return -1;
			if (i < take)
				bgp_put_u32(&w, a16);
		}
		if (type == BGP_ASSEG_SEQUENCE)
			need -= take;
		else if (type == BGP_ASSEG_SET)
			need--;
	}
	/* ... then AS4_PATH as it is. */
	if (use_path)
		bgp_put_n(&w, a->as4_path.p, a->as4_path.len);
	if (w.failed)
		return -1;
	a->aspath = (struct bgp_aspath){ buf, w.len, 4 };
	a->has &= ~as4;
	return 0;
}

int bgp_route_attrs(const struct cfg_route *r, const struct prefix *self,
		    const struct prefix *self_ll, uint8_t *buf, size_t cap,
		    struct bgp_attrs *a)
{
	const struct prefix *nh = r->nh_self ? self : &r->next_hop;
	struct bgp_wbuf w;
	size_t i;
	int n;

	memset(a, 0, sizeof(*a));
	/* RFC 8950: IPv4 may have an IPv6 next hop, not the reverse */
	if (!nh || (nh->family != r->prefix.family &&
		    !(r->prefix.family == AF_INET && nh->family == AF_INET6)))
		return -1;
	a->has = BIT(BGP_ATTR_ORIGIN) | BIT(BGP_ATTR_AS_PATH);
	a->origin = (uint8_t)r->origin;
	n = bgp_aspath_build(buf, cap, r->as_path, r->as_path_len);
	if (n < 0)
		return -1;
	a->aspath = (struct bgp_aspath){ buf, (size_t)n, 4 };
	bgp_wbuf_init(&w, buf + n, cap - (size_t)n);
	if (nh->family == AF_INET) {
		a->has |= BIT(BGP_ATTR_NEXT_HOP);
		memcpy(a->nexthop, nh->addr, 4);
	} else {
		/* RFC 2545 §3: global, and link-local when we are on the
		 * peer's link (next-hop self). */
		a->mp_nh_len = 16;
		memcpy(a->mp_nh, nh->addr, 16);
		if (r->nh_self && self_ll && self_ll->family == AF_INET6) {
			memcpy(a->mp_nh + 16, self_ll->addr, 16);
			a->mp_nh_len = 32;
		}
	}
	if (r->flags & CFG_RT_MED) {
		a->has |= BIT(BGP_ATTR_MED);
		a->med = r->med;
	}
	if (r->flags & CFG_RT_LOCAL_PREF) {
		a->has |= BIT(BGP_ATTR_LOCAL_PREF);
		a->local_pref = r->local_pref;
	}
	if (r->ncommunities) {
		a->has |= BIT(BGP_ATTR_COMMUNITIES);
		a->comm = w.p + w.len;
		a->ncomm = r->ncommunities;
		for (i = 0; i < r->ncommunities; i++)
			bgp_put_u32(&w, r->communities[i]);
	}
	if (r->next) {
		a->has |= BIT(BGP_ATTR_EXT_COMMUNITIES);
		a->ext_comm = w.p + w.len;
		a->next_comm = r->next;
		for (i = 0; i < r->next; i++) {
			bgp_put_u32(&w, (uint32_t)(r->ext[i] >> 32));
			bgp_put_u32(&w, (uint32_t)r->ext[i]);
		}
	}
	if (r->nlarge) {
		a->has |= BIT(BGP_ATTR_LARGE_COMMUNITIES);
		a->large_comm = w.p + w.len;
		a->nlarge_comm = r->nlarge;
		for (i = 0; i < r->nlarge; i++) {
			bgp_put_u32(&w, r->large[i].global);
			bgp_put_u32(&w, r->large[i].local1);
			bgp_put_u32(&w, r->large[i].local2);
		}
	}
	if (r->flags & CFG_RT_ATOMIC_AGGR)
		a->has |= BIT(BGP_ATTR_ATOMIC_AGGR);
	if (r->flags & CFG_RT_AGGREGATOR) {
		a->has |= BIT(BGP_ATTR_AGGREGATOR);
		a->aggr_as = r->aggr_as;
		bgp_put_u32(&w, r->aggr_id);
		memcpy(a->aggr_id, w.p + w.len - 4, 4);
	}
	/* RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST are optional
	 * non-transitive; we have no decoder of our own for them, so
	 * they go as raw attributes, as attribute [ ] ones do. */
	if (r->flags & CFG_RT_ORIGINATOR) {
		struct bgp_raw_attr *x = &a->unknown[a->nunknown++];

		*x = (struct bgp_raw_attr){ OPT, 9, 1, w.p + w.len, 4 };
		bgp_put_u32(&w, r->originator_id);
	}
	if (r->ncluster) {
		struct bgp_raw_attr *x = &a->unknown[a->nunknown++];

		*x = (struct bgp_raw_attr){ OPT, 10, 1, w.p + w.len,
					    4 * r->ncluster };
		for (i = 0; i < r->ncluster; i++)
			bgp_put_u32(&w, r->cluster[i]);
	}
	for (size_t off = 0; off + 4 <= r->raw_len;) {
		const uint8_t *q = r->raw + off;
		size_t len = (size_t)q[2] << 8 | q[3];

		if (off + 4 + len > r->raw_len ||
		    a->nunknown == BGP_MAX_UNKNOWN_ATTR)
			return -1;
		a->unknown[a->nunknown++] =
			(struct bgp_raw_attr){ q[0], q[1], 1, q + 4, len };
		off += 4 + len;
	}
	return w.failed ? -1 : 0;
}
