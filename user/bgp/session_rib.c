// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Adj-RIBs as stored, and as shown.  A received UPDATE (RFC 4271
 * §4.3, §9) goes into the neighbor's Adj-RIB-In: withdrawals first, the
 * RFC 7606 treat-as-withdraw action kept, each announced prefix through
 * the import filter (filter.c) with the path a 2-octet peer really sent
 * (AS_PATH merged with AS4_PATH, RFC 6793 §4.2.3), then the max-prefix
 * limit (Cease subcode 1, RFC 4486 §4).  Attribute sets are interned
 * (rib.c) in one stored form, the UPDATE's own attributes, which the
 * Adj-RIB-Out (session_out.c) uses too; the walks for show and the API
 * read it back through the UPDATE decoder.
 *
 * The FSM (session.c) hands every UPDATE received in Established to
 * sess_handle_update(); session_int.h is what the files share.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_wire.h"
#include "config.h"
#include "filter.h"
#include "log.h"
#include "rib.h"
#include "session.h"
#include "session_int.h"

/* --- received UPDATEs: the Adj-RIB-In ------------------------------------ */

/*
 * The attribute set of an UPDATE as stored: its path attributes as they
 * came (RFC 4271 §4.3), except that MP_REACH_NLRI keeps only its family
 * and next hop (its prefixes are the routes, not their attributes) and
 * MP_UNREACH_NLRI goes.  The message was validated by the decoder; the
 * walk checks its bounds anyway.
 */
size_t sess_attr_blob(const uint8_t *m, size_t len, uint8_t *out, size_t cap)
{
	size_t off = BGP_HDR_LEN, end, o = 0;
	uint16_t wl, al;

	if (off + 2 > len)
		return 0;
	wl = m[off] << 8 | m[off + 1];
	off += 2 + wl;
	if (off + 2 > len)
		return 0;
	al = m[off] << 8 | m[off + 1];
	off += 2;
	end = off + al;
	if (end > len)
		return 0;
	while (off + 3 <= end) {
		uint8_t fl = m[off], ty = m[off + 1];
		size_t hl = (fl & BGP_ATTRF_EXTLEN) ? 4 : 3, alen;

		if (off + hl > end)
			return 0;
		alen = (fl & BGP_ATTRF_EXTLEN) ? (m[off + 2] << 8 | m[off + 3])
					       : m[off + 2];
		if (off + hl + alen > end)
			return 0;
		if (ty == BGP_ATTR_MP_REACH) {
			const uint8_t *v = m + off + hl;
			size_t nhl = alen >= 4 ? v[3] : 0;

			if (alen < 4 + nhl || o + 3 + 5 + nhl > cap)
				return 0;
			out[o++] = fl & ~BGP_ATTRF_EXTLEN;
			out[o++] = ty;
			out[o++] = 5 + nhl;
			memcpy(out + o, v, 4 + nhl);
			o += 4 + nhl;
			out[o++] = 0; /* reserved */
		} else if (ty != BGP_ATTR_MP_UNREACH) {
			if (o + hl + alen > cap)
				return 0;
			memcpy(out + o, m + off, hl + alen);
			o += hl + alen;
		}
		off += hl + alen;
	}
	return o;
}

/* The import filter's view of an UPDATE's attributes (once per UPDATE;
 * only the prefix changes per route). */
static uint32_t imp_path[4096];

static void import_route(const struct bgp_attrs *ain,
			 struct filter_route *fr)
{
	static uint8_t mbuf[BGP_EXT_MAX_LEN];
	struct bgp_attrs a = *ain;
	struct bgp_aspath_iter it;
	uint32_t asn;
	uint8_t seg, last = 0;

	memset(fr, 0, sizeof(*fr));
	/* a 2-octet peer's real path is AS_PATH merged with AS4_PATH */
	if (BGP_HAS(&a, BGP_ATTR_AS_PATH) && a.aspath.as_size == 2)
		bgp_attrs_as4_merge(&a, mbuf, sizeof(mbuf));
	if (BGP_HAS(&a, BGP_ATTR_AS_PATH)) {
		bgp_aspath_iter_init(&it, &a.aspath);
		while (bgp_aspath_next(&it, &asn, &seg) == 1) {
			if (fr->as_path_n < sizeof(imp_path) / 4)
				imp_path[fr->as_path_n++] = asn;
			/* RFC 4271 §9.1.2.2: a set counts as one */
			if (seg != BGP_ASSEG_SET || last != BGP_ASSEG_SET)
				fr->as_path_len++;
			last = seg;
		}
	}
	fr->as_path = imp_path;
	if (BGP_HAS(&a, BGP_ATTR_NEXT_HOP)) {
		fr->next_hop.family = AF_INET;
		fr->next_hop.plen = 32;
		memcpy(fr->next_hop.addr, a.nexthop, 4);
	} else if (a.mp_nh_len >= 16) {
		fr->next_hop.family = AF_INET6;
		fr->next_hop.plen = 128;
		memcpy(fr->next_hop.addr, a.mp_nh, 16);
	}
	fr->has_med = BGP_HAS(&a, BGP_ATTR_MED);
	fr->med = a.med;
	fr->has_local_pref = BGP_HAS(&a, BGP_ATTR_LOCAL_PREF);
	fr->local_pref = a.local_pref;
}

static void rib_update(struct session *s, const struct bgp_nlri *nl,
		       uint32_t id, struct filter_route *fr)
{
	struct bgp_nlri_iter it;
	struct prefix p;
	uint32_t path;
	struct filter_ctx ctx = { &s->n->address, cfg_neighbor_ebgp(s->n),
				  sess_tab.cfg ? sess_tab.cfg->rfc8212_strict
					       : 0 };
	int check = s->n->import.present || ctx.rfc8212_strict;

	if (!nl->count)
		return;
	bgp_nlri_iter_init(&it, nl);
	/* keyed by (prefix, path id): with ADD-PATH (RFC 7911 §3) a path
	 * replaces or withdraws only the path of the same id */
	while (bgp_nlri_next_path(&it, &p, &path) == 1) {
		if (id && check) {
			char why[FILTER_WHY_MAX];

			fr->prefix = p;
			if (filter_check(&s->n->import, FILTER_IMPORT, fr,
					 &ctx, why, sizeof(why)) < 0) {
				/* refused: as if withdrawn (it may replace
				 * an accepted one) */
				s->filtered_in++;
				rib_del(&s->rib_in, &p, path);
				continue;
			}
		}
		if (id) {
			rib_attr_ref(id);
			if (rib_add(&s->rib_in, &p, path, id) < 0)
				rib_attr_unref(id);
		} else {
			rib_del(&s->rib_in, &p, path);
		}
	}
}

/*
 * RFC 4486 §4: Cease, Maximum Number of Prefixes Reached, data AFI,
 * SAFI and the limit.  The count is everything the peer makes us keep:
 * unicast prefixes and flowspec rules together (a flowspec peer is
 * otherwise unbounded); the data names flowspec (SAFI 133) when the
 * unicast prefixes alone were within the limit.
 */
static void max_prefix(struct session *s)
{
	const struct cfg_filter *f = &s->n->import;
	size_t nu = rib_count(&s->rib_in), n = nu + sess_flow_count(s, 1);
	char a[PREFIX_STRLEN];

	if (!f->max_prefix || n <= f->max_prefix) {
		s->maxpfx_hit = 0;
		return;
	}
	prefix_fmt(&s->n->address, a, sizeof(a));
	if (f->max_prefix_action == CFG_MAXPFX_WARNING) {
		if (!s->maxpfx_hit) {
			log_warnx("neighbor %s: %zu prefixes, over max-prefix "
				  "%u (warning only)", a, n, f->max_prefix);
			sess_audit(s, "max_prefix", "neighbor %s: %zu prefixes,"
				   " over max-prefix %u (warning)", a, n,
				   f->max_prefix);
		}
		s->maxpfx_hit = 1;
		return;
	}
	{
		uint8_t d[7] = { 0, s->n->address.family == AF_INET6 ? 2 : 1,
				 nu <= f->max_prefix ? 133 : 1,
				 f->max_prefix >> 24, f->max_prefix >> 16,
				 f->max_prefix >> 8, f->max_prefix };

		sess_err(s, "%zu prefixes, over max-prefix %u: session torn "
			    "down%s", n, f->max_prefix,
			 f->max_prefix_restart ? "" : " until restart");
		sess_audit(s, "max_prefix", "neighbor %s: %zu prefixes, over "
			   "max-prefix %u: teardown", a, n, f->max_prefix);
		sess_notify(s, BGP_ERR_CEASE, 1, d, sizeof(d));
		s->t_down_until = f->max_prefix_restart
					  ? sess_now_ms() + 1000ull *
							       f->max_prefix_restart
					  : UINT64_MAX;
		s->t_retry = s->t_down_until == UINT64_MAX ? 0
							   : s->t_down_until;
	}
}

void sess_handle_update(struct session *s, const uint8_t *m, size_t len)
{
	static uint8_t blob[BGP_EXT_MAX_LEN];
	struct bgp_update u;
	struct bgp_err e;
	enum bgp_action act = bgp_update_decode(m, len, &s->ctx, &u, &e);
	uint32_t id = 0;

	if (act == BGP_ACT_RESET) {
		sess_notify_err(s, &e);
		return;
	}
	if (s->wants_messages && sess_tab.h.message)
		sess_tab.h.message(sess_idx(s), m, len, sess_tab.h.arg);
	rib_update(s, &u.withdrawn, 0, NULL);
	rib_update(s, &u.mp_unreach, 0, NULL);
	/* RFC 7606 §2 treat-as-withdraw: the announced ones go too */
	if (act != BGP_ACT_WITHDRAW &&
	    (u.nlri.count || u.mp_reach.count || u.flow_reach.count)) {
		size_t bl = sess_attr_blob(m, len, blob, sizeof(blob));

		id = bl ? rib_attr_intern(blob, bl) : 0;
		if (!id) {
			sess_err(s, "out of memory for attributes");
			sess_notify(s, BGP_ERR_CEASE, 8, NULL, 0);
			return;
		}
	}
	if (id) {
		struct filter_route fr;

		import_route(&u.attrs, &fr);
		rib_update(s, &u.nlri, id, &fr);
		rib_update(s, &u.mp_reach, id, &fr);
	} else {
		rib_update(s, &u.nlri, 0, NULL);
		rib_update(s, &u.mp_reach, 0, NULL);
	}
	sess_flow_update(s, &u, act == BGP_ACT_WITHDRAW, id);
	rib_attr_unref(id); /* the prefixes hold their own references */
	max_prefix(s);
}

/* --- walks of the RIBs (show, the API) ----------------------------------- */

/*
 * Describe an interned attribute set in text or JSON: it is re-read with
 * the UPDATE decoder, wrapped in a message of its own, so what is shown is
 * exactly what the codec understood.
 */
static void attrs_describe(const struct session *s, uint32_t id, int json,
			   char *out, size_t cap)
{
	static uint8_t m[BGP_EXT_MAX_LEN];
	struct bgp_update u;
	struct bgp_err e;
	const uint8_t *blob;
	size_t bl, o = 0;
	char nh[INET6_ADDRSTRLEN] = "-";

	out[0] = 0;
	if (!(blob = rib_attr_blob(id, &bl)) ||
	    bl + BGP_HDR_LEN + 4 > sizeof(m))
		return;
	memset(m, 0xff, 16);
	m[16] = (BGP_HDR_LEN + 4 + bl) >> 8;
	m[17] = (BGP_HDR_LEN + 4 + bl) & 0xff;
	m[18] = BGP_UPDATE;
	m[19] = m[20] = 0;
	m[21] = bl >> 8;
	m[22] = bl & 0xff;
	memcpy(m + 23, blob, bl);
	if (bgp_update_decode(m, BGP_HDR_LEN + 4 + bl, &s->ctx, &u, &e) ==
	    BGP_ACT_RESET)
		return;
	if (BGP_HAS(&u.attrs, BGP_ATTR_NEXT_HOP))
		inet_ntop(AF_INET, u.attrs.nexthop, nh, sizeof(nh));
	else if (u.attrs.mp_nh_len >= 16)
		inet_ntop(AF_INET6, u.attrs.mp_nh, nh, sizeof(nh));
	else if (u.attrs.mp_nh_len == 4)
		inet_ntop(AF_INET, u.attrs.mp_nh, nh, sizeof(nh));
#define PUT(...)                                                              \
	do {                                                                  \
		int w_ = snprintf(out + o, cap - o, __VA_ARGS__);            \
		if (w_ > 0 && (size_t)w_ < cap - o)                           \
			o += w_;                                              \
	} while (0)
	PUT(json ? "\"next_hop\":\"%s\",\"as_path\":[" : "via %s as-path [", nh);
	if (BGP_HAS(&u.attrs, BGP_ATTR_AS_PATH)) {
		struct bgp_aspath_iter it;
		uint32_t asn;
		uint8_t seg;
		int first = 1;

		bgp_aspath_iter_init(&it, &u.attrs.aspath);
		while (bgp_aspath_next(&it, &asn, &seg) == 1) {
			PUT(json ? "%s%u" : "%s%u", first ? "" : json ? "," : " ",
			    asn);
			first = 0;
		}
	}
	PUT("]");
	if (BGP_HAS(&u.attrs, BGP_ATTR_MED))
		PUT(json ? ",\"med\":%u" : " med %u", u.attrs.med);
	if (BGP_HAS(&u.attrs, BGP_ATTR_LOCAL_PREF))
		PUT(json ? ",\"local_pref\":%u" : " local-preference %u",
		    u.attrs.local_pref);
	if (u.attrs.ncomm) {
		PUT(json ? ",\"communities\":[" : " community [");
		for (size_t i = 0; i < u.attrs.ncomm; i++) {
			const uint8_t *c = u.attrs.comm + 4 * i;

			PUT(json ? "%s\"%u:%u\"" : "%s%u:%u",
			    i ? (json ? "," : " ") : "", c[0] << 8 | c[1],
			    c[2] << 8 | c[3]);
		}
		PUT("]");
	}
	if (u.attrs.nlarge_comm) {
		PUT(json ? ",\"large_communities\":[" : " large-community [");
		for (size_t i = 0; i < u.attrs.nlarge_comm; i++) {
			const uint8_t *c = u.attrs.large_comm + 12 * i;

			PUT(json ? "%s\"%u:%u:%u\"" : "%s%u:%u:%u",
			    i ? (json ? "," : " ") : "",
			    (unsigned)(c[0] << 24 | c[1] << 16 | c[2] << 8 | c[3]),
			    (unsigned)(c[4] << 24 | c[5] << 16 | c[6] << 8 | c[7]),
			    (unsigned)(c[8] << 24 | c[9] << 16 | c[10] << 8 |
				       c[11]));
		}
		PUT("]");
	}
#undef PUT
}

struct dump_ctx {
	const struct session *s;
	const struct prefix *only;
	size_t limit, shown, skipped;
	int json;
	uint8_t addpath; /* BGP_FAM_* with path ids in this direction */
	sessions_rib_cb cb;
	void *arg;
};

static int dump_one(const struct prefix *p, uint32_t path, uint32_t id,
		    void *arg)
{
	struct dump_ctx *d = arg;
	char text[1024];
	size_t o = 0;

	if (d->only && !sess_pfx_eq(d->only, p))
		return 0;
	if (d->shown >= d->limit) {
		d->skipped++;
		return 0;
	}
	/* a path id is shown where ADD-PATH is negotiated for the family
	 * in this direction (RFC 7911 §5), or where one is set: in text
	 * first, after the prefix (ExaBGP's place), in JSON a key */
	if (path || (d->addpath & (p->family == AF_INET ? BGP_FAM_IPV4U
							 : BGP_FAM_IPV6U))) {
		int n = snprintf(text, sizeof(text),
				 d->json ? "\"path_information\":"
					   "\"%u.%u.%u.%u\","
					 : "path-information %u.%u.%u.%u ",
				 path >> 24, path >> 16 & 0xff,
				 path >> 8 & 0xff, path & 0xff);

		if (n > 0 && (size_t)n < sizeof(text))
			o = (size_t)n;
	}
	attrs_describe(d->s, id, d->json, text + o, sizeof(text) - o);
	d->cb(p, text, d->arg);
	d->shown++;
	return 0;
}

long sessions_rib(const struct prefix *neighbor, int out,
		  const struct prefix *only, size_t limit, int json,
		  sessions_rib_cb cb, void *arg, size_t *skipped)
{
	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];
		struct dump_ctx d = { s, only, limit, 0, 0, json, 0, cb, arg };

		if (!s || !sess_pfx_eq(&s->n->address, neighbor))
			continue;
		d.addpath = out ? s->ctx.addpath_tx : s->ctx.addpath_rx;
		rib_foreach(out ? &s->rib_out : &s->rib_in, dump_one, &d);
		if (skipped)
			*skipped = d.skipped;
		return (long)d.shown;
	}
	return -1;
}
