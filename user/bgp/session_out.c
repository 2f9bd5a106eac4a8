// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the engine originates toward each neighbor: static routes from the
 * config and routes from the API (bgpshieldctl announce, API processes),
 * through the neighbor's export filter, into the Adj-RIB-Out and out as
 * UPDATEs packed many prefixes to a message (RFC 4271 §9.2, the
 * Update-Send process).  Per session, when sent: our AS prepended toward
 * eBGP peers (RFC 4271 §5.1.2), next-hop self (§5.1.3), End-of-RIB
 * (RFC 4724 §2); ROUTE-REFRESH asked for when the import filter changes
 * and on request (RFC 2918 §3).  Watchdogs take groups of API routes down
 * and up again.
 *
 * ADD-PATH (RFC 7911): routes are keyed by (prefix, path-information), so
 * several paths of one prefix coexist in rib_api.  Toward a peer that
 * negotiated receive for the family each goes out with its path id (§3);
 * toward one that did not, a prefix has one path on the wire (§2: without
 * ADD-PATH an announcement replaces the previous one): the one with the
 * lowest path id, replaced by the next lowest when it is withdrawn.
 *
 * The FSM (session.c) calls in here when a session comes up, when the
 * peer asks for a refresh and on reloads; session_int.h is what the two
 * share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_wire.h"
#include "config.h"
#include "filter.h"
#include "log.h"
#include "rib.h"
#include "session.h"
#include "session_int.h"

static void sess_refused(struct session *s, const struct prefix *p,
			 const char *why, const char *source)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	s->refused_out++;
	log_warnx("refused %s announce %s to %s: %s", source,
		  prefix_fmt(p, a, sizeof(a)),
		  prefix_fmt(&s->n->address, b, sizeof(b)), why);
	sess_audit(s, "refused_announce", "refused announce %s to %s: %s", a,
		   b, why);
}

/* --- originated routes --------------------------------------------------------- */

/*
 * Every route we originate toward a neighbor, static (config) or from the
 * API, is one entry of the session's rib_api: prefix -> an interned blob
 * of its attributes in our own compact form (below), so a million API
 * routes that share attributes share one blob.  The blob is turned into
 * wire attributes per session when sent (next-hop self and the AS prepend
 * depend on the session).  Changes while Established are queued (pend)
 * and sent by sessions_flush() in runs of the same attributes, so a burst
 * of API announces leaves packed UPDATEs.
 *
 * Blob: 'R', flags (1 static, 2 next-hop self), nh family, nh[16], origin,
 * route flags, med[4], local-pref[4], counts n_as, n_comm, n_large, n_ext
 * [2 each], watchdog length, the family, aggregator AS[4] and id[4],
 * originator-id[4], n_cluster[2], raw attribute octets[2]; then the lists
 * big-endian, the raw attributes and the watchdog's name.
 */
#define RB_STATIC 0x1
#define RB_NHSELF 0x2
#define RB_HDR 55
#define RB_LISTS(r)                                                            \
	(4 * (r)->as_path_len + 4 * (r)->ncommunities + 12 * (r)->nlarge +     \
	 8 * (r)->next + 4 * (r)->ncluster + (r)->raw_len)

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* One decoded blob; the last one is cached (runs share attributes). */
static struct {
	uint32_t id;
	struct cfg_route r;
	int is_static;
	char watchdog[256];
	uint32_t as[0x10000], comm[0x10000], cluster[4096];
	struct cfg_lcomm large[4096];
	uint64_t ext[4096];
	uint8_t raw[0x10000];
} RD;

static uint32_t route_intern(const struct cfg_route *r, const char *watchdog,
			     int is_static)
{
	size_t wl = watchdog ? strlen(watchdog) : 0;
	size_t n = RB_HDR + RB_LISTS(r) + wl;
	uint8_t *b, *q;
	uint32_t id;

	if (wl > 255 || r->as_path_len > 0xffff || r->ncommunities > 0xffff ||
	    r->nlarge > 0xffff || r->next > 0xffff || r->ncluster > 0xffff ||
	    r->raw_len > 0xffff || !(b = malloc(n)))
		return 0;
	memset(b, 0, RB_HDR);
	b[0] = 'R';
	b[1] = (is_static ? RB_STATIC : 0) | (r->nh_self ? RB_NHSELF : 0);
	if (!r->nh_self) {
		b[2] = r->next_hop.family == AF_INET6 ? 6 : 4;
		memcpy(b + 3, r->next_hop.addr, 16);
	}
	b[19] = (uint8_t)r->origin;
	b[20] = (uint8_t)r->flags;
	put32(b + 21, r->med);
	put32(b + 25, r->local_pref);
	b[29] = r->as_path_len >> 8, b[30] = r->as_path_len & 0xff;
	b[31] = r->ncommunities >> 8, b[32] = r->ncommunities & 0xff;
	b[33] = r->nlarge >> 8, b[34] = r->nlarge & 0xff;
	b[35] = r->next >> 8, b[36] = r->next & 0xff;
	b[37] = (uint8_t)wl;
	b[38] = (uint8_t)r->prefix.family; /* the family it was made for */
	put32(b + 39, r->aggr_as);
	put32(b + 43, r->aggr_id);
	put32(b + 47, r->originator_id);
	b[51] = r->ncluster >> 8, b[52] = r->ncluster & 0xff;
	b[53] = r->raw_len >> 8, b[54] = r->raw_len & 0xff;
	q = b + RB_HDR;
	for (size_t i = 0; i < r->as_path_len; i++, q += 4)
		put32(q, r->as_path[i]);
	for (size_t i = 0; i < r->ncommunities; i++, q += 4)
		put32(q, r->communities[i]);
	for (size_t i = 0; i < r->nlarge; i++, q += 12) {
		put32(q, r->large[i].global);
		put32(q + 4, r->large[i].local1);
		put32(q + 8, r->large[i].local2);
	}
	for (size_t i = 0; i < r->next; i++, q += 8) {
		put32(q, (uint32_t)(r->ext[i] >> 32));
		put32(q + 4, (uint32_t)r->ext[i]);
	}
	for (size_t i = 0; i < r->ncluster; i++, q += 4)
		put32(q, r->cluster[i]);
	if (r->raw_len)
		memcpy(q, r->raw, r->raw_len);
	q += r->raw_len;
	memcpy(q, watchdog ? watchdog : "", wl);
	id = rib_attr_intern(b, n);
	free(b);
	/* An id freed and handed out again must not find route_get()'s
	 * cache still holding the old route. */
	if (id == RD.id)
		RD.id = 0;
	return id;
}


static const struct cfg_route *route_get(uint32_t id)
{
	const uint8_t *b, *q;
	size_t n, need;
	struct cfg_route *r = &RD.r;

	if (id && id == RD.id)
		return r;
	RD.id = 0;
	if (!(b = rib_attr_blob(id, &n)) || n < RB_HDR || b[0] != 'R')
		return NULL;
	memset(r, 0, sizeof(*r));
	r->nh_self = !!(b[1] & RB_NHSELF);
	RD.is_static = !!(b[1] & RB_STATIC);
	if (!r->nh_self) {
		r->next_hop.family = b[2] == 6 ? AF_INET6 : AF_INET;
		r->next_hop.plen = b[2] == 6 ? 128 : 32;
		memcpy(r->next_hop.addr, b + 3, 16);
	}
	r->origin = b[19];
	r->flags = b[20];
	r->med = get32(b + 21);
	r->local_pref = get32(b + 25);
	r->as_path_len = b[29] << 8 | b[30];
	r->ncommunities = b[31] << 8 | b[32];
	r->nlarge = b[33] << 8 | b[34];
	r->next = b[35] << 8 | b[36];
	r->prefix.family = b[38];
	r->aggr_as = get32(b + 39);
	r->aggr_id = get32(b + 43);
	r->originator_id = get32(b + 47);
	r->ncluster = b[51] << 8 | b[52];
	r->raw_len = b[53] << 8 | b[54];
	need = RB_HDR + RB_LISTS(r) + b[37];
	if (n != need || r->nlarge > 4096 || r->next > 4096 ||
	    r->ncluster > 4096)
		return NULL;
	q = b + RB_HDR;
	for (size_t i = 0; i < r->as_path_len; i++, q += 4)
		RD.as[i] = get32(q);
	for (size_t i = 0; i < r->ncommunities; i++, q += 4)
		RD.comm[i] = get32(q);
	for (size_t i = 0; i < r->nlarge; i++, q += 12)
		RD.large[i] = (struct cfg_lcomm){ get32(q), get32(q + 4),
						  get32(q + 8) };
	for (size_t i = 0; i < r->next; i++, q += 8)
		RD.ext[i] = (uint64_t)get32(q) << 32 | get32(q + 4);
	for (size_t i = 0; i < r->ncluster; i++, q += 4)
		RD.cluster[i] = get32(q);
	memcpy(RD.raw, q, r->raw_len);
	q += r->raw_len;
	memcpy(RD.watchdog, q, b[37]);
	RD.watchdog[b[37]] = 0;
	r->as_path = RD.as;
	r->communities = RD.comm;
	r->large = RD.large;
	r->ext = RD.ext;
	r->cluster = RD.cluster;
	r->raw = RD.raw;
	RD.id = id;
	return r;
}

/* Watchdogs an API process named ("announce/withdraw watchdog NAME")
 * and which way last. */
static struct {
	struct wd_state {
		char name[256];
		int up;
	} *v;
	size_t n;
} WD;

static struct wd_state *watchdog_find(const char *name)
{
	for (size_t i = 0; i < WD.n; i++)
		if (!strcmp(WD.v[i].name, name))
			return &WD.v[i];
	return NULL;
}

static int watchdog_down(const char *name)
{
	const struct wd_state *w = *name ? watchdog_find(name) : NULL;

	return w && !w->up;
}

/* Held back: its watchdog is down, or was never named and the route
 * says 'withdraw' (ExaBGP: announced once the watchdog is). */
static int route_down(const struct cfg_route *r, const char *watchdog)
{
	const struct wd_state *w;

	if (!*watchdog)
		return 0;
	w = watchdog_find(watchdog);
	return w ? !w->up : !!(r->flags & CFG_RT_WITHDRAW);
}

/* The session's own address of a family, for next-hop self. */
static int self_addr(struct session *s, int family, struct prefix *out)
{
	if (s->local.family == family) {
		*out = s->local;
		return 0;
	}
	if (s->n->local_address.family == family) {
		*out = s->n->local_address;
		return 0;
	}
	return -1;
}

static int export_check(const struct session *s, const struct cfg_route *r,
			const struct prefix *p, char *why, size_t wl)
{
	struct filter_route fr = { 0 };
	struct filter_ctx ctx = { &s->n->address, cfg_neighbor_ebgp(s->n),
				  sess_tab.cfg ? sess_tab.cfg->rfc8212_strict
					       : 0 };

	fr.prefix = *p;
	fr.nh_self = r->nh_self;
	if (!r->nh_self)
		fr.next_hop = r->next_hop;
	/* our own AS, prepended toward eBGP peers, is not the route's: a lab
	 * on a private ASN may still reject-private-asn; it does count in
	 * the length the peer sees */
	fr.as_path = r->as_path;
	fr.as_path_n = r->as_path_len;
	fr.as_path_len = r->as_path_len + (cfg_neighbor_ebgp(s->n) ? 1 : 0);
	fr.has_med = !!(r->flags & CFG_RT_MED);
	fr.med = r->med;
	fr.has_local_pref = !!(r->flags & CFG_RT_LOCAL_PREF);
	fr.local_pref = r->local_pref;
	return filter_check(&s->n->export, FILTER_EXPORT, &fr, &ctx, why, wl);
}

static int family_on(const struct session *s, int family)
{
	return (s->n->families & (family == AF_INET ? CFG_FAM_IPV4_UNICAST
						    : CFG_FAM_IPV6_UNICAST)) != 0;
}

/* Wire attributes of route r for this session: a's lists point into
 * abuf and pbuf. */
static int route_attrs(struct session *s, const struct cfg_route *r,
		       int family, uint8_t *abuf, size_t acap, uint8_t *pbuf,
		       size_t pcap, struct bgp_attrs *a)
{
	static uint32_t path[0x10000 + 1];
	struct prefix self;
	struct cfg_route rr = *r;
	size_t plen = 0;
	int len;

	rr.prefix.family = family;
	if (self_addr(s, family, &self) < 0 && r->nh_self) {
		/* RFC 8950: over a session without an IPv4 address, an IPv4
		 * route's next hop self is our IPv6 one where negotiated */
		if (family == AF_INET && s->ctx.ext_nh_v4 &&
		    self_addr(s, AF_INET6, &self) == 0) {
			rr.nh_self = 0;
			rr.next_hop = self;
			rr.next_hop.plen = 128;
		} else {
			sess_err(s, "no %s address for next-hop self%s",
				 family == AF_INET ? "IPv4" : "IPv6",
				 family == AF_INET && cfg_neighbor_ext_nh(s->n)
					 ? " (and no extended next hop "
					   "negotiated, RFC 8950)"
					 : "");
			return -1;
		}
	}
	if (bgp_route_attrs(&rr, &self, NULL, abuf, acap, a) < 0)
		return -1;
	/* eBGP: our AS goes first on the path (RFC 4271 §5.1.2) */
	if (cfg_neighbor_ebgp(s->n))
		path[plen++] = s->n->local_as;
	for (size_t k = 0; k < r->as_path_len; k++)
		path[plen++] = r->as_path[k];
	len = bgp_aspath_build(pbuf, pcap, path, plen);
	if (len < 0)
		return -1;
	a->aspath.p = pbuf;
	a->aspath.len = len;
	a->aspath.as_size = 4;
	a->has |= 1ULL << BGP_ATTR_AS_PATH;
	return 0;
}

/*
 * An IPv4 route with an IPv6 next hop goes only to a peer that
 * negotiated RFC 8950 for IPv4 unicast (§4: a speaker MUST NOT send one
 * otherwise).  The config and the API accept it for a neighbor with
 * 'nexthop { ipv4 unicast ipv6; }'; if the peer's OPEN lacked the
 * capability the route stays in rib_api, unsent (an earlier version of
 * it is withdrawn), and that is logged and audited once per session.
 */
static int ext_nh_ok(struct session *s, const struct cfg_route *r, int fam)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	if (fam != AF_INET || r->nh_self || r->next_hop.family != AF_INET6 ||
	    s->ctx.ext_nh_v4)
		return 1;
	if (!s->ext_nh_said) {
		s->ext_nh_said = 1;
		prefix_fmt(&s->n->address, a, sizeof(a));
		prefix_fmt(&r->next_hop, b, sizeof(b));
		log_warnx("neighbor %s did not negotiate extended next hop "
			  "(RFC 8950) for ipv4 unicast: IPv4 routes with an "
			  "IPv6 next hop (such as %s) are not sent to it", a,
			  b);
		sess_audit(s, "ext_nh_not_negotiated",
			   "neighbor %s did not negotiate extended next hop "
			   "for ipv4 unicast: IPv4 routes with IPv6 next hops "
			   "held back", a);
	}
	return 0;
}

/* The session sends path ids for the family (RFC 7911 §5). */
static int addpath_tx(const struct session *s, int family)
{
	return !!(s->ctx.addpath_tx &
		  (family == AF_INET ? BGP_FAM_IPV4U : BGP_FAM_IPV6U));
}

/* Announce pfx[0..n) (one family) with attributes a, paths[i] the path
 * ids on the wire; the Adj-RIB-Out keeps the attributes as sent,
 * interned like received ones, keyed by (prefix, path id). */
static void send_updates(struct session *s, const struct bgp_attrs *a,
			 const struct prefix *pfx, const uint32_t *paths,
			 size_t n)
{
	static uint8_t blob[BGP_EXT_MAX_LEN];
	size_t off = 0;

	while (off < n) {
		struct bgp_wbuf w;
		size_t bl;
		uint32_t id;
		int k;

		if (sess_wbuf(s, &w) < 0)
			break;
		/* group-updates false (ExaBGP): one prefix per UPDATE */
		k = bgp_update_encode_paths(&w, s->maxlen, &s->ctx, a,
					    pfx + off, paths + off,
					    s->n->group_updates ? n - off
								: 1);
		if (k <= 0)
			break;
		bl = sess_attr_blob(w.p, w.len, blob, sizeof(blob));
		id = bl ? rib_attr_intern(blob, bl) : 0;
		for (int q = 0; id && q < k; q++) {
			rib_attr_ref(id);
			if (rib_add(&s->rib_out, &pfx[off + q],
				    paths[off + q], id) < 0)
				rib_attr_unref(id);
		}
		rib_attr_unref(id);
		sess_queued(s, &w);
		off += k;
	}
}

static void send_withdraws(struct session *s, struct prefix *pfx,
			   uint32_t *paths, size_t n)
{
	size_t m = 0, off = 0;
	int ap = n ? addpath_tx(s, pfx[0].family) : 0;

	/* only what the peer was told */
	for (size_t i = 0; i < n; i++)
		if (rib_del(&s->rib_out, &pfx[i], paths[i])) {
			paths[m] = paths[i];
			pfx[m++] = pfx[i];
		}
	while (off < m) {
		struct bgp_wbuf w;
		int k;

		if (sess_wbuf(s, &w) < 0)
			break;
		k = bgp_withdraw_encode_paths(&w, s->maxlen, ap, pfx + off,
					      paths + off,
					      s->n->group_updates ? m - off
								  : 1);
		if (k <= 0)
			break;
		sess_queued(s, &w);
		off += k;
	}
}

static int route_list_push(struct route_list *l, const struct prefix *p,
			   uint32_t path, uint32_t id)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 1024;
		struct prefix *np = realloc(l->p, nc * sizeof(*np));
		uint32_t *ni, *npath;

		if (!np)
			return -1;
		l->p = np;
		ni = realloc(l->id, nc * sizeof(*ni));
		if (!ni)
			return -1;
		l->id = ni;
		npath = realloc(l->path, nc * sizeof(*npath));
		if (!npath)
			return -1;
		l->path = npath;
		l->cap = nc;
	}
	l->p[l->n] = *p;
	l->path[l->n] = path;
	l->id[l->n++] = id;
	return 0;
}

void sess_route_list_free(struct route_list *l)
{
	free(l->p);
	free(l->path);
	free(l->id);
	memset(l, 0, sizeof(*l));
}

static int pend_add(struct session *s, const struct prefix *p, uint32_t path,
		    uint32_t id)
{
	return route_list_push(&s->pend, p, path, id);
}

/*
 * Toward a peer without ADD-PATH send for a family, a prefix has one path
 * on the wire (path id 0 in the Adj-RIB-Out): the lowest path id rib_api
 * holds for it.  Each queued change of such a family becomes a change of
 * that path (or a withdrawal when the prefix has none left); a change to
 * a higher path, with the lowest one still there, changes nothing.
 */
static void pend_one_path(struct session *s)
{
	struct route_list *l = &s->pend;
	size_t m = 0;

	for (size_t i = 0; i < l->n; i++) {
		uint32_t bp, bid;

		if (addpath_tx(s, l->p[i].family)) {
			l->p[m] = l->p[i];
			l->path[m] = l->path[i];
			l->id[m++] = l->id[i];
			continue;
		}
		bid = rib_first_path(&s->rib_api, &l->p[i], &bp);
		/* the lowest path stays: a change to a higher one, or the
		 * end of a higher one (not on the wire), sends nothing */
		if (bid && (l->id[i] ? l->path[i] != bp : l->path[i] > bp))
			continue;
		l->p[m] = l->p[i];
		l->path[m] = 0;
		l->id[m++] = bid;
	}
	l->n = m;
}

/* Send the queued changes: runs of one attribute set and family become
 * packed UPDATEs, runs of withdrawals packed withdraws.  A route that no
 * longer passes (watchdog down, filter changed) goes as a withdrawal. */
void sess_pend_send(struct session *s)
{
	static uint8_t abuf[BGP_EXT_MAX_LEN], pbuf[BGP_EXT_MAX_LEN];
	size_t i = 0;

	if (s->state != SESS_ESTABLISHED) {
		s->pend.n = 0;
		sess_flow_pend_drop(s);
		return;
	}
	pend_one_path(s);
	while (i < s->pend.n) {
		uint32_t id = s->pend.id[i];
		int fam = s->pend.p[i].family;
		const struct cfg_route *r = id ? route_get(id) : NULL;
		size_t j = i + 1;

		while (j < s->pend.n && s->pend.id[j] == id &&
		       s->pend.p[j].family == fam)
			j++;
		if (r && route_down(r, RD.watchdog))
			r = NULL;
		if (r && !ext_nh_ok(s, r, fam))
			r = NULL; /* held back: what the peer has goes */
		if (r) {
			struct bgp_attrs a;

			if (route_attrs(s, r, fam, abuf, sizeof(abuf), pbuf,
					sizeof(pbuf), &a) == 0)
				send_updates(s, &a, s->pend.p + i,
					     s->pend.path + i, j - i);
		} else {
			send_withdraws(s, s->pend.p + i, s->pend.path + i,
				       j - i);
		}
		i = j;
	}
	s->pend.n = 0;
	sess_flow_pend_send(s);
}

struct api_walk {
	struct route_list l;
	const char *watchdog; /* only routes of this watchdog */
};

static int collect_api(const struct prefix *p, uint32_t path, uint32_t id,
		       void *arg)
{
	struct api_walk *w = arg;

	if (w->watchdog) {
		const struct cfg_route *r = route_get(id);

		if (!r || strcmp(RD.watchdog, w->watchdog))
			return 0;
	}
	return route_list_push(&w->l, p, path, id);
}

static int by_id(const void *a, const void *b, void *arg)
{
	const uint32_t *ids = arg;
	uint32_t x = ids[*(const size_t *)a], y = ids[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/* Queue every originated route (of one watchdog, or all), grouped by
 * attribute set so they pack; id 0 (withdraw) when down is set. */
void sess_queue_api(struct session *s, const char *watchdog, int down)
{
	struct api_walk w = { { 0 }, watchdog };
	size_t *ord;

	rib_foreach(&s->rib_api, collect_api, &w);
	ord = w.l.n ? malloc(w.l.n * sizeof(*ord)) : NULL;
	if (ord) {
		for (size_t i = 0; i < w.l.n; i++)
			ord[i] = i;
		qsort_r(ord, w.l.n, sizeof(*ord), by_id, w.l.id);
		for (size_t i = 0; i < w.l.n; i++)
			pend_add(s, &w.l.p[ord[i]], w.l.path[ord[i]],
				 down ? 0 : w.l.id[ord[i]]);
	}
	free(ord);
	sess_route_list_free(&w.l);
}

/* Static routes of the config into rib_api, through the export filter
 * (a refused one is logged and audited once, here). */
void sess_load_statics(struct session *s)
{
	const struct cfg_neighbor *n = s->n;
	struct api_walk w = { { 0 }, NULL };

	/* the previous config's statics go */
	rib_foreach(&s->rib_api, collect_api, &w);
	for (size_t i = 0; i < w.l.n; i++) {
		route_get(w.l.id[i]);
		if (RD.id == w.l.id[i] && RD.is_static)
			rib_del(&s->rib_api, &w.l.p[i], w.l.path[i]);
	}
	sess_route_list_free(&w.l);
	for (size_t i = 0; i < n->nroutes; i++) {
		const struct cfg_route *r = &n->routes[i];
		char why[FILTER_WHY_MAX];
		uint32_t id;

		if (export_check(s, r, &r->prefix, why, sizeof(why)) < 0) {
			sess_refused(s, &r->prefix, why, "static");
			continue;
		}
		id = route_intern(r, r->watchdog, 1);
		if (id && rib_add(&s->rib_api, &r->prefix, r->path_id, id) < 0)
			rib_attr_unref(id);
	}
}

/* Everything we originate, from scratch (Established, route refresh). */
void sess_announce_all(struct session *s)
{
	sess_queue_api(s, NULL, 0);
	sess_pend_send(s);
	sess_flow_announce_all(s);
}

void sess_send_eor(struct session *s)
{
	struct bgp_wbuf w;

	if ((s->n->families & CFG_FAM_IPV4_UNICAST) && sess_wbuf(s, &w) == 0 &&
	    bgp_eor_encode(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST) == 0)
		sess_queued(s, &w);
	if ((s->n->families & CFG_FAM_IPV6_UNICAST) && sess_wbuf(s, &w) == 0 &&
	    bgp_eor_encode(&w, BGP_AFI_IPV6, BGP_SAFI_UNICAST) == 0)
		sess_queued(s, &w);
	sess_flow_eor(s);
}

/* --- reloads ----------------------------------------------------------- */

/*
 * A reload that changes only filters keeps the session.  Export: what was
 * sent and no longer passes is withdrawn, the rest sent again.  Import:
 * the Adj-RIB-In is refiltered by asking the peer for its routes again
 * (RFC 2918); a peer without route refresh keeps what it sent, and the
 * new filter applies from its next UPDATE.
 */
void sess_filters_changed(struct session *s, struct cfg_neighbor *n)
{
	char a[PREFIX_STRLEN];

	prefix_fmt(&n->address, a, sizeof(a));
	if (!config_filter_equal(&s->n->export, &n->export)) {
		struct api_walk w = { { 0 }, NULL };
		struct cfg_neighbor *old = s->n;

		s->n = n;
		/* every route originated (each path, RFC 7911): withdrawn
		 * unless it still passes; a withdrawal of what was never
		 * sent sends nothing */
		rib_foreach(&s->rib_api, collect_api, &w);
		for (size_t i = 0; i < w.l.n; i++) {
			const struct prefix *p = &w.l.p[i];
			const struct cfg_route *r = route_get(w.l.id[i]);
			char why[FILTER_WHY_MAX];

			if (!r || export_check(s, r, p, why, sizeof(why)) < 0) {
				if (r)
					sess_refused(s, p, why, "export");
				rib_del(&s->rib_api, p, w.l.path[i]);
				pend_add(s, p, w.l.path[i], 0);
			}
		}
		sess_route_list_free(&w.l);
		s->n = old;
		log_info("neighbor %s: export filter changed", a);
	}
	if (!config_filter_equal(&s->n->import, &n->import)) {
		if (s->peer_refresh) {
			struct bgp_wbuf w;
			struct bgp_refresh rr = { BGP_AFI_IPV4, 0,
						  BGP_SAFI_UNICAST };

			log_info("neighbor %s: import filter changed: asking "
				 "for a route refresh", a);
			rib_clear(&s->rib_in);
			for (int f = 0; f < 2; f++) {
				rr.afi = f ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
				if (!(n->families & (f ? CFG_FAM_IPV6_UNICAST
						       : CFG_FAM_IPV4_UNICAST)))
					continue;
				if (sess_wbuf(s, &w) == 0 &&
				    bgp_refresh_encode(&w, &rr) == 0)
					sess_queued(s, &w);
			}
		} else {
			log_warnx("neighbor %s: import filter changed; the "
				  "peer has no route refresh: it applies to "
				  "its next updates", a);
		}
	}
}

/* --- originating routes: the API's entry points ----------------------------- */

int sess_selected(const struct session *s, const struct prefix *sel,
		  size_t nsel)
{
	if (!nsel)
		return 1;
	for (size_t i = 0; i < nsel; i++)
		if (sess_pfx_eq(&s->n->address, &sel[i]))
			return 1;
	return 0;
}

long sessions_announce(const struct prefix *sel, size_t nsel,
		       const struct cfg_route *attrs, const char *watchdog,
		       const struct prefix *nlri, size_t n, sess_refused_cb cb,
		       void *arg)
{
	long ok = 0;
	int matched = 0;
	uint32_t id = route_intern(attrs, watchdog && *watchdog ? watchdog
								 : NULL, 0);
	int down = watchdog && watchdog_down(watchdog);

	if (!id)
		return -1;
	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel))
			continue;
		for (size_t k = 0; k < n; k++) {
			char why[FILTER_WHY_MAX];

			if (nsel || family_on(s, nlri[k].family))
				matched = 1;

			if (!family_on(s, nlri[k].family)) {
				/* a route goes to the neighbors of its
				 * family (ExaBGP); naming one that lacks it
				 * is an error */
				if (!nsel)
					continue;
				snprintf(why, sizeof(why), "family %s unicast "
					 "is not enabled for this neighbor",
					 nlri[k].family == AF_INET ? "ipv4"
								   : "ipv6");
			} else if (nlri[k].family == AF_INET &&
				   !attrs->nh_self &&
				   attrs->next_hop.family == AF_INET6 &&
				   !cfg_neighbor_ext_nh(s->n)) {
				/* RFC 8950, which the config must offer */
				snprintf(why, sizeof(why), "next-hop is IPv6 "
					 "but the route is IPv4: %s",
					 config_ext_nh_why(s->n));
			} else if (export_check(s, attrs, &nlri[k], why,
						sizeof(why)) == 0) {
				rib_attr_ref(id);
				if (rib_add(&s->rib_api, &nlri[k],
					    attrs->path_id, id) < 0) {
					rib_attr_unref(id);
					continue;
				}
				if (s->state == SESS_ESTABLISHED && !down)
					pend_add(s, &nlri[k], attrs->path_id,
						 id);
				ok++;
				continue;
			}
			sess_refused(s, &nlri[k], why, "api");
			if (cb)
				cb(&s->n->address, &nlri[k], why, arg);
		}
	}
	rib_attr_unref(id);
	return matched ? ok : -1;
}

long sessions_withdraw(const struct prefix *sel, size_t nsel, uint32_t path,
		       const struct prefix *nlri, size_t n)
{
	long done = 0;
	int matched = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel))
			continue;
		matched = 1;
		for (size_t k = 0; k < n; k++)
			if (rib_del(&s->rib_api, &nlri[k], path)) {
				done++;
				if (s->state == SESS_ESTABLISHED)
					pend_add(s, &nlri[k], path, 0);
			}
	}
	return matched ? done : -1;
}

void sessions_watchdog(const char *name, int up)
{
	struct wd_state *w = watchdog_find(name);
	size_t i;

	if (w && w->up == up)
		return; /* no change */
	if (!w) {
		struct wd_state *nv = realloc(WD.v, (WD.n + 1) * sizeof(*nv));

		if (!nv)
			return;
		WD.v = nv;
		w = &WD.v[WD.n++];
		snprintf(w->name, sizeof(w->name), "%s", name);
	}
	/* A first "announce" also sends the routes that were up already
	 * (they are resent unchanged), and brings the 'withdraw' ones. */
	w->up = up;
	for (i = 0; i < sess_tab.n; i++)
		if (sess_tab.s[i] && sess_tab.s[i]->state == SESS_ESTABLISHED)
			sess_queue_api(sess_tab.s[i], name, !up);
}

long sessions_eor(const struct prefix *sel, size_t nsel, uint16_t afi,
		  uint8_t safi)
{
	long k = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];
		struct bgp_wbuf w;

		if (!s || !sess_selected(s, sel, nsel) ||
		    s->state != SESS_ESTABLISHED)
			continue;
		sess_pend_send(s);
		if (!afi) {
			sess_send_eor(s);
		} else if (sess_wbuf(s, &w) == 0 &&
			   bgp_eor_encode(&w, afi, safi) == 0) {
			sess_queued(s, &w);
		}
		sess_flush(s);
		k++;
	}
	return k;
}

long sessions_refresh(const struct prefix *sel, size_t nsel, uint16_t afi,
		      uint8_t safi)
{
	long k = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel) ||
		    s->state != SESS_ESTABLISHED || !s->peer_refresh)
			continue;
		for (int f = 0; f < 2; f++) {
			struct bgp_refresh rr = { f ? BGP_AFI_IPV6
						    : BGP_AFI_IPV4,
						  0, BGP_SAFI_UNICAST };
			struct bgp_wbuf w;

			if (afi && (rr.afi != afi || safi != BGP_SAFI_UNICAST))
				continue;
			if (!family_on(s, f ? AF_INET6 : AF_INET))
				continue;
			if (sess_wbuf(s, &w) == 0 &&
			    bgp_refresh_encode(&w, &rr) == 0)
				sess_queued(s, &w);
		}
		sess_flush(s);
		k++;
	}
	return k;
}

long sessions_resend(const struct prefix *sel, size_t nsel)
{
	long k = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel) ||
		    s->state != SESS_ESTABLISHED)
			continue;
		sess_pend_send(s);
		rib_clear(&s->rib_out);
		sess_announce_all(s);
		sess_flush(s);
		k++;
	}
	return k;
}

long sessions_clear(const struct prefix *sel, size_t nsel, int in, int out)
{
	long k = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel))
			continue;
		if (in) {
			rib_clear(&s->rib_in);
			sess_flow_clear_in(s);
		}
		if (out) {
			if (s->state == SESS_ESTABLISHED)
				sess_queue_api(s, NULL, 1);
			rib_clear(&s->rib_api);
			sess_flow_clear_api(s);
			sess_pend_send(s);
			sess_flush(s);
		}
		k++;
	}
	return k;
}

void sessions_flush(void)
{
	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (s && (s->pend.n || s->flow_dirty)) {
			sess_pend_send(s);
			s->flow_dirty = 0;
			if (s->fd >= 0)
				sess_flush(s);
		}
	}
}
