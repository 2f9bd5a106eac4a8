// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec rules in the sessions (RFC 8955, RFC 8956).
 *
 * Two tables a session, both keyed by <family, NLRI octets>: RFC 8955 §4
 * makes the whole NLRI the rule's identity (there is no prefix to key
 * on), and the bytes are what a withdrawal names.
 *   flow_in   the Adj-RIB-In: rules received, each with its interned
 *             attributes (the same blobs as unicast routes), so a
 *             withdrawal of an NLRI we could not parse still matches;
 *   flow_api  what we originate: the config's rules (static) and the
 *             API's.  They go out on Established and as they change;
 *             like rib_api for unicast, this is the Adj-RIB-Out too (a
 *             session sends all of it for the families both sides
 *             negotiated, and nothing else).
 * A rule goes out in its own UPDATE: MP_REACH_NLRI SAFI 133 (no next
 * hop), ORIGIN IGP, AS_PATH (ours toward eBGP), LOCAL_PREF 100 toward
 * iBGP, the actions as extended communities (RFC 8955 §7).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "flowspec.h"
#include "log.h"
#include "session_int.h"

/* --- actions, interned ------------------------------------------------------ */

/*
 * Many rules share one set of actions (an API burst is typically one
 * "then" for all), so entries and queued changes hold an id: acts.s[id -
 * 1], refcounted, found by an open-addressing index (linear probing,
 * backward-shift deletion).  Equal actions have equal ids.
 */
struct act_slot {
	struct fs_actions a;
	uint32_t refs;		/* 0: free */
	uint32_t hash;
	uint32_t next_free;	/* free: the next free id, 0 none */
};

static struct {
	struct act_slot *s;
	size_t n, cap;		/* slots in use (free ones too), allocated */
	uint32_t free;		/* a free id, 0: none */
	uint32_t *ix;		/* ids, 0: empty; nix a power of two */
	size_t nix, live;
	uint32_t last;		/* the last interned: bursts repeat it */
} acts;

static uint32_t act_hash(const struct fs_actions *a)
{
	const uint8_t *p = (const uint8_t *)a;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*a); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static const struct fs_actions *act_get(uint32_t id)
{
	static const struct fs_actions none;

	return id ? &acts.s[id - 1].a : &none;
}

static size_t act_pos(const struct fs_actions *a, uint32_t h)
{
	size_t m = acts.nix - 1, i = h & m;

	while (acts.ix[i] && (acts.s[acts.ix[i] - 1].hash != h ||
			      memcmp(&acts.s[acts.ix[i] - 1].a, a,
				     sizeof(*a))))
		i = (i + 1) & m;
	return i;
}

static int act_ix_grow(void)
{
	size_t nix = acts.nix ? 2 * acts.nix : 16;
	uint32_t *ix = calloc(nix, sizeof(*ix)), *old = acts.ix;
	size_t on = acts.nix;

	if (!ix)
		return -1;
	acts.ix = ix;
	acts.nix = nix;
	for (size_t i = 0; i < on; i++)
		if (old[i]) {
			const struct act_slot *sl = &acts.s[old[i] - 1];

			ix[act_pos(&sl->a, sl->hash)] = old[i];
		}
	free(old);
	return 0;
}

/* An id for a (a reference), or 0 out of memory. */
static uint32_t act_intern(const struct fs_actions *a)
{
	uint32_t h, id;
	size_t i;

	if (acts.last && acts.s[acts.last - 1].refs &&
	    !memcmp(&acts.s[acts.last - 1].a, a, sizeof(*a))) {
		acts.s[acts.last - 1].refs++;
		return acts.last;
	}
	if (2 * (acts.live + 1) > acts.nix && act_ix_grow() < 0)
		return 0;
	h = act_hash(a);
	i = act_pos(a, h);
	if ((id = acts.ix[i])) {
		acts.s[id - 1].refs++;
		return acts.last = id;
	}
	if (acts.free) {
		id = acts.free;
		acts.free = acts.s[id - 1].next_free;
	} else {
		if (acts.n == acts.cap) {
			size_t nc = acts.cap ? 2 * acts.cap : 16;
			struct act_slot *ns = realloc(acts.s,
						      nc * sizeof(*ns));

			if (!ns)
				return 0;
			acts.s = ns;
			acts.cap = nc;
		}
		id = (uint32_t)++acts.n;
	}
	acts.s[id - 1].a = *a;
	acts.s[id - 1].refs = 1;
	acts.s[id - 1].hash = h;
	acts.ix[i] = id;
	acts.live++;
	return acts.last = id;
}

static void act_ref(uint32_t id)
{
	if (id)
		acts.s[id - 1].refs++;
}

static void act_unref(uint32_t id)
{
	struct act_slot *sl;
	size_t m, i, j;

	if (!id || --(sl = &acts.s[id - 1])->refs)
		return;
	m = acts.nix - 1;
	for (i = sl->hash & m; acts.ix[i] != id; i = (i + 1) & m)
		;
	/* backward shift: the entries after i that probed past it move
	 * back, so a lookup still finds them without tombstones */
	for (j = (i + 1) & m; acts.ix[j]; j = (j + 1) & m) {
		size_t k = acts.s[acts.ix[j] - 1].hash & m;

		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		acts.ix[i] = acts.ix[j];
		i = j;
	}
	acts.ix[i] = 0;
	sl->next_free = acts.free;
	acts.free = id;
	if (--acts.live == 0) {
		free(acts.s);
		free(acts.ix);
		memset(&acts, 0, sizeof(acts));
	}
}

/* --- the tables ------------------------------------------------------------ */

/*
 * An entry is the NLRI octets (the key, and all the rule there is: a
 * struct fs_rule is 1.1 KB, fixed-size for the largest rule, against
 * 10-20 octets on the wire) and an interned actions id: 24 octets and
 * the NLRI.  ent_rule() decodes it when the decoded form is wanted (the
 * hook, a walk).  Only NLRI that decode get in (flow_in: the UPDATE
 * decoder checked them; flow_api: we encoded them), so ent_rule() does
 * not fail.
 */
struct flow_ent {
	struct flow_ent *next;
	uint32_t hash;
	uint32_t attr;		/* flow_in: interned attributes (a ref) */
	uint32_t act;		/* interned actions (a ref) */
	uint8_t family;
	uint8_t is_static;	/* flow_api: from the config (1); STATIC_KEEP
				 * only inside sess_flow_load() */
	uint16_t len;
	uint8_t nlri[];		/* with its length octets */
};

#define STATIC_KEEP 2

/* e's rule, decoded into *r (its actions included); -1 if it does not
 * decode (not expected: see above). */
static int ent_rule(const struct flow_ent *e, struct fs_rule *r)
{
	size_t used;
	char why[8];

	if (fs_nlri_decode(e->nlri, e->len, e->family, r, &used, why,
			   sizeof(why)) < 0)
		return -1;
	r->act = *act_get(e->act);
	return 0;
}

struct flow_tab {
	struct flow_ent **b;
	size_t nb, n;
};

static uint32_t key_hash(int family, const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)family;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct flow_ent **tab_slot(struct flow_tab *t, int family,
				  const uint8_t *p, size_t len, uint32_t h)
{
	struct flow_ent **e;

	if (!t || !t->nb)
		return NULL;
	for (e = &t->b[h & (t->nb - 1)]; *e; e = &(*e)->next)
		if ((*e)->hash == h && (*e)->family == family &&
		    (*e)->len == len && !memcmp((*e)->nlri, p, len))
			return e;
	return e;
}

static int tab_grow(struct flow_tab *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64;
	struct flow_ent **b = calloc(nb, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < t->nb; i++)
		for (struct flow_ent *e = t->b[i], *nx; e; e = nx) {
			nx = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

static struct flow_ent *tab_find(struct flow_tab *t, int family,
				 const uint8_t *p, size_t len)
{
	struct flow_ent **e = tab_slot(t, family, p, len,
				       key_hash(family, p, len));

	return e ? *e : NULL;
}

/* A new entry in place of the one with the same key (returned in *old
 * for the caller to release), or NULL out of memory. */
static struct flow_ent *tab_put(struct flow_tab *t, int family,
				const uint8_t *p, size_t len,
				struct flow_ent **old)
{
	uint32_t h = key_hash(family, p, len);
	struct flow_ent **slot, *e;

	*old = NULL;
	if (t->n >= t->nb && tab_grow(t) < 0)
		return NULL;
	slot = tab_slot(t, family, p, len, h);
	e = calloc(1, sizeof(*e) + len);
	if (!e)
		return NULL;
	e->hash = h;
	e->family = (uint8_t)family;
	e->len = (uint16_t)len;
	memcpy(e->nlri, p, len);
	if (*slot) {
		*old = *slot;
		e->next = (*slot)->next;
	} else {
		t->n++;
	}
	*slot = e;
	return e;
}

static void ent_free(struct flow_ent *e)
{
	if (e) {
		rib_attr_unref(e->attr);
		act_unref(e->act);
	}
	free(e);
}

static int tab_del(struct flow_tab *t, int family, const uint8_t *p,
		   size_t len)
{
	struct flow_ent **slot = tab_slot(t, family, p, len,
					  key_hash(family, p, len));
	struct flow_ent *e;

	if (!slot || !*slot)
		return 0;
	e = *slot;
	*slot = e->next;
	t->n--;
	ent_free(e);
	return 1;
}

static void tab_clear(struct flow_tab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nb; i++)
		for (struct flow_ent *e = t->b[i], *nx; e; e = nx) {
			nx = e->next;
			ent_free(e);
		}
	free(t->b);
	memset(t, 0, sizeof(*t));
}

static struct flow_tab *tab_of(struct flow_tab **t)
{
	if (!*t)
		*t = calloc(1, sizeof(**t));
	return *t;
}

static sess_flow_hook flow_hook;
static void *flow_hook_arg;

void sessions_set_flow_hook(sess_flow_hook fn, void *arg)
{
	flow_hook = fn;
	flow_hook_arg = arg;
}

/* The flow hook (session.h) for a change in a session's Adj-RIB-In. */
static void hook_flow(struct session *s, const struct flow_ent *e,
		      int withdrawn)
{
	static struct fs_rule r;	/* 1.1 KB: not on the stack */

	if (flow_hook && ent_rule(e, &r) == 0)
		flow_hook(sess_idx(s), &r, withdrawn, flow_hook_arg);
}

/* Remove <family, p> from s's Adj-RIB-In, telling the hook. */
static void in_del(struct session *s, int family, const uint8_t *p,
		   size_t len)
{
	struct flow_ent *e = tab_find(s->flow_in, family, p, len);

	if (!e)
		return;
	hook_flow(s, e, 1);
	tab_del(s->flow_in, family, p, len);
}

/* --- families ------------------------------------------------------------ */

static uint32_t cfg_bit(int family)
{
	return family == AF_INET6 ? CFG_FAM_IPV6_FLOW : CFG_FAM_IPV4_FLOW;
}

static uint8_t wire_bit(int family)
{
	return family == AF_INET6 ? BGP_FAM_IPV6F : BGP_FAM_IPV4F;
}

static const char *fam_name(int family)
{
	return family == AF_INET6 ? "ipv6 flow" : "ipv4 flow";
}

/* Both sides offered the family (RFC 4760 §8): only then may it go out. */
static int negotiated(const struct session *s, int family)
{
	return s->state == SESS_ESTABLISHED &&
	       (s->n->families & cfg_bit(family)) &&
	       (s->peer_families & wire_bit(family));
}

/* --- sending --------------------------------------------------------------- */

/*
 * Changes wait in s->flow_pend, in order, until sess_flow_pend_send()
 * (sessions_flush(), once per event-loop turn, and on Established): a run
 * of announcements with the same actions and family goes out packed, as
 * many NLRI an UPDATE as fit, so an API burst of rules with one action
 * costs few UPDATEs.  Runs are of neighbours only: an announcement and a
 * withdrawal of one rule keep their order.
 */
struct flow_pend {		/* a record's head; its NLRI follow */
	uint32_t act;		/* announcement: interned actions (a ref) */
	uint8_t family;
	uint8_t withdraw;
	uint16_t len;
};

/* The records back to back in one buffer (no allocation a rule). */
struct flow_pendq {
	uint8_t *b;
	size_t len, cap;
};

static void pend_head(const struct flow_pendq *q, size_t o,
		      struct flow_pend *f)
{
	memcpy(f, q->b + o, sizeof(*f));
}

static void pend_clear(struct session *s)
{
	struct flow_pendq *q = s->flow_pend;
	struct flow_pend f;

	if (!q)
		return;
	for (size_t o = 0; o < q->len; o += sizeof(f) + f.len) {
		pend_head(q, o, &f);
		act_unref(f.act);
	}
	q->len = 0;
}

void sess_flow_pend_drop(struct session *s)
{
	pend_clear(s);
}

static void pend_free(struct session *s)
{
	pend_clear(s);
	if (s->flow_pend)
		free(s->flow_pend->b);
	free(s->flow_pend);
	s->flow_pend = NULL;
}

static void send_or_say(struct session *s, const struct flow_ent *e,
			int withdraw)
{
	struct flow_pendq *q = s->flow_pend;
	struct flow_pend f;
	char a[PREFIX_STRLEN];

	if (!q && !(q = s->flow_pend = calloc(1, sizeof(*q))))
		goto oom;
	if (q->cap - q->len < sizeof(f) + e->len) {
		size_t nc = q->cap ? 2 * q->cap : 65536;
		uint8_t *nb;

		while (nc - q->len < sizeof(f) + e->len)
			nc *= 2;
		if (!(nb = realloc(q->b, nc)))
			goto oom;
		q->b = nb;
		q->cap = nc;
	}
	memset(&f, 0, sizeof(f));
	f.family = e->family;
	f.withdraw = (uint8_t)withdraw;
	f.len = e->len;
	if (!withdraw) {
		f.act = e->act;
		act_ref(f.act);
	}
	memcpy(q->b + q->len, &f, sizeof(f));
	memcpy(q->b + q->len + sizeof(f), e->nlri, e->len);
	q->len += sizeof(f) + e->len;
	s->flow_dirty = 1;
	return;
oom:
	sess_err(s, "flowspec %s not sent: out of memory",
		 withdraw ? "withdrawal" : "rule");
	sess_audit(s, "flow_not_sent", "neighbor %s: flowspec %s not sent",
		   prefix_fmt(&s->n->address, a, sizeof(a)),
		   withdraw ? "withdrawal" : "rule");
}

/* ORIGIN IGP, AS_PATH (ours toward eBGP, RFC 4271 §5.1.2), LOCAL_PREF
 * 100 toward iBGP, the actions as extended communities (RFC 8955 §7). */
static void rule_attrs(const struct session *s, const struct fs_actions *act,
		       struct bgp_attrs *a, uint8_t *asp, uint8_t *ext)
{
	uint64_t x[8];
	size_t nx;

	memset(a, 0, sizeof(*a));
	a->has = 1ull << BGP_ATTR_ORIGIN | 1ull << BGP_ATTR_AS_PATH;
	a->origin = 0;
	a->aspath.as_size = 4;
	if (s->ctx.ebgp) {
		uint32_t as = s->n->local_as;

		asp[0] = 2;	/* AS_SEQUENCE */
		asp[1] = 1;
		asp[2] = (uint8_t)(as >> 24);
		asp[3] = (uint8_t)(as >> 16);
		asp[4] = (uint8_t)(as >> 8);
		asp[5] = (uint8_t)as;
		a->aspath.p = asp;
		a->aspath.len = 6;
	} else {
		a->has |= 1ull << BGP_ATTR_LOCAL_PREF;
		a->local_pref = 100;
	}
	nx = fs_actions_to_ext(act, x, 8);
	if (nx > 8)
		nx = 8;
	for (size_t i = 0; i < nx; i++)
		for (int k = 0; k < 8; k++)
			ext[8 * i + (size_t)k] = (uint8_t)(x[i] >> (56 - 8 * k));
	if (nx) {
		a->has |= 1ull << BGP_ATTR_EXT_COMMUNITIES;
		a->ext_comm = ext;
		a->next_comm = nx;
	}
}

/* Interned: the same actions are the same id. */
static int same_run(const struct flow_pend *a, const struct flow_pend *b)
{
	return a->family == b->family && a->withdraw == b->withdraw &&
	       a->act == b->act;
}

/* One run's NLRI, back to back in buf: UPDATEs until all are out. */
static int send_run(struct session *s, const struct flow_pend *f,
		    const uint8_t *buf, size_t len)
{
	uint8_t asp[6], ext[64];
	struct bgp_attrs a;
	size_t off = 0;

	if (!f->withdraw)
		rule_attrs(s, act_get(f->act), &a, asp, ext);
	while (off < len) {
		struct bgp_wbuf w;
		int k;

		if (sess_wbuf(s, &w) < 0)
			return -1;
		k = f->withdraw ?
			bgp_flow_withdraw_encode(&w, s->maxlen, f->family,
						 buf + off, len - off) :
			bgp_flow_update_encode(&w, s->maxlen, &s->ctx, &a,
					       f->family, buf + off,
					       len - off);
		if (k <= 0)
			return -1;
		sess_queued(s, &w);
		off += (size_t)k;
	}
	return 0;
}

void sess_flow_pend_send(struct session *s)
{
	static uint8_t buf[65536];
	struct flow_pendq *q = s->flow_pend;
	size_t i = 0;

	if (!q)
		return;
	if (s->state != SESS_ESTABLISHED) {
		pend_clear(s);
		return;
	}
	while (i < q->len) {
		struct flow_pend f, g;
		size_t j = i, len = 0;

		pend_head(q, i, &f);
		/* a run, up to what one buffer holds (a rule is at most
		 * 4097 octets: there is always room for one) */
		while (j < q->len) {
			pend_head(q, j, &g);
			if (!same_run(&f, &g) || len + g.len > sizeof(buf))
				break;
			memcpy(buf + len, q->b + j + sizeof(g), g.len);
			len += g.len;
			j += sizeof(g) + g.len;
		}
		if (send_run(s, &f, buf, len) < 0) {
			/* the output queue is full (sessions_tick() closes
			 * the session, Cease 8; all is sent again when it
			 * comes back) or a rule too long for the peer's
			 * message size */
			char a[PREFIX_STRLEN];

			sess_err(s, "flowspec %s not sent: output queue full "
				    "or rule too long",
				 f.withdraw ? "withdrawal" : "rule");
			sess_audit(s, "flow_not_sent", "neighbor %s: flowspec "
				   "%s not sent",
				   prefix_fmt(&s->n->address, a, sizeof(a)),
				   f.withdraw ? "withdrawal" : "rule");
		}
		i = j;
	}
	pend_clear(s);
}

/* Every rule we originate, announced or withdrawn, toward the families
 * the peer negotiated. */
static void api_send_all(struct session *s, int withdraw)
{
	struct flow_tab *t = s->flow_api;

	for (size_t i = 0; t && i < t->nb; i++)
		for (struct flow_ent *e = t->b[i]; e; e = e->next)
			if (negotiated(s, e->family))
				send_or_say(s, e, withdraw);
}

void sess_flow_announce_all(struct session *s)
{
	if (!s->flow_api)
		return;
	api_send_all(s, 0);
	sess_flow_pend_send(s);
}

void sess_flow_eor(struct session *s)
{
	struct bgp_wbuf w;

	for (int f = 0; f < 2; f++) {
		int family = f ? AF_INET6 : AF_INET;

		if (negotiated(s, family) && sess_wbuf(s, &w) == 0 &&
		    bgp_eor_encode(&w, f ? BGP_AFI_IPV6 : BGP_AFI_IPV4,
				   BGP_SAFI_FLOW) == 0)
			sess_queued(s, &w);
	}
}

/* --- what we originate ------------------------------------------------------ */

/* The destination prefix of a rule, for the refusal callback and logs
 * (family-wide when it has none). */
static void rule_prefix(const struct fs_rule *r, struct prefix *p)
{
	const struct fs_comp *c = fs_rule_comp(r, FS_DST);

	memset(p, 0, sizeof(*p));
	p->family = r->family == AF_INET6 ? AF_INET6 : AF_INET;
	if (c && !c->offset) {
		p->plen = c->plen;
		memcpy(p->addr, c->addr, sizeof(p->addr));
	}
}

/* Put r into s's flow_api; sent at once when the family is up.  enc:
 * r's NLRI when the caller has it (n octets, -1: it has none), or NULL. */
static int originate(struct session *s, const struct fs_rule *r,
		     const uint8_t *enc, int n, int is_static, char *why,
		     size_t wl)
{
	uint8_t b[4200];
	struct flow_ent *e, *old;
	uint32_t act;

	if (!(s->n->families & cfg_bit(r->family))) {
		snprintf(why, wl, "family %s is not enabled for this "
			 "neighbor", fam_name(r->family));
		return -1;
	}
	if (s->state == SESS_ESTABLISHED &&
	    !(s->peer_families & wire_bit(r->family))) {
		snprintf(why, wl, "the peer did not negotiate %s (RFC 4760 "
			 "§8)", fam_name(r->family));
		return -1;
	}
	if (!enc) {
		n = fs_nlri_encode(r, b, sizeof(b));
		enc = b;
	}
	if (n < 0) {
		snprintf(why, wl, "the rule has no RFC 8955 encoding "
			 "(components out of order, a value too wide for its "
			 "type, or too long)");
		return -1;
	}
	if (!(act = act_intern(&r->act))) {
		snprintf(why, wl, "out of memory");
		return -1;
	}
	e = tab_put(tab_of(&s->flow_api), r->family, enc, (size_t)n, &old);
	if (!e) {
		act_unref(act);
		snprintf(why, wl, "out of memory");
		return -1;
	}
	e->act = act;
	/* an API rule that repeats a config one stays static (a reload
	 * keeps it) */
	e->is_static = (uint8_t)(is_static || (old && old->is_static));
	ent_free(old);
	if (negotiated(s, r->family))
		send_or_say(s, e, 0);
	return 0;
}

static void refused(struct session *s, const struct fs_rule *r,
		    const char *why, const char *source)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];
	struct prefix p;

	rule_prefix(r, &p);
	s->refused_out++;
	log_warnx("refused %s flowspec rule (destination %s) to %s: %s",
		  source, prefix_fmt(&p, a, sizeof(a)),
		  prefix_fmt(&s->n->address, b, sizeof(b)), why);
	sess_audit(s, "refused_announce", "refused flowspec rule "
		   "(destination %s) to %s: %s", a, b, why);
}

void sess_flow_load(struct session *s)
{
	const struct cfg_neighbor *n = s->n;
	struct flow_tab *t = s->flow_api;
	char why[200];

	/* the previous config's rules go (withdrawn if sent); the new
	 * ones are put back just below, sent again only if new.  The ones
	 * the new config still has are marked first, one lookup a rule:
	 * comparing every entry with every rule was quadratic. */
	for (size_t k = 0; t && k < n->nflows; k++) {
		const struct fs_rule *r = &n->flows[k].rule;
		uint8_t b[4200];
		int l = fs_nlri_encode(r, b, sizeof(b));
		struct flow_ent *e =
			l > 0 ? tab_find(t, r->family, b, (size_t)l) : NULL;

		if (e && e->is_static)
			e->is_static |= STATIC_KEEP;
	}
	if (t) {
		for (size_t i = 0; i < t->nb; i++) {
			struct flow_ent **pe = &t->b[i];

			while (*pe) {
				struct flow_ent *e = *pe;

				if (!e->is_static || (e->is_static & STATIC_KEEP)) {
					e->is_static &= (uint8_t)~STATIC_KEEP;
					pe = &e->next;
					continue;
				}
				if (negotiated(s, e->family))
					send_or_say(s, e, 1);
				*pe = e->next;
				t->n--;
				ent_free(e);
			}
		}
	}
	for (size_t k = 0; k < n->nflows; k++) {
		const struct fs_rule *r = &n->flows[k].rule;
		uint8_t b[4200];
		int l = fs_nlri_encode(r, b, sizeof(b));
		struct flow_ent *e = l > 0 ? tab_find(s->flow_api, r->family,
						      b, (size_t)l) : NULL;

		/* unchanged: not sent again */
		if (e && e->is_static &&
		    !memcmp(act_get(e->act), &r->act, sizeof(r->act)))
			continue;
		if (originate(s, r, l > 0 ? b : NULL, l, 1, why,
			      sizeof(why)) < 0)
			refused(s, r, why, "static");
	}
}

long sessions_flow_announce(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n,
			    sess_refused_cb cb, void *arg)
{
	long ok = 0;
	int matched = 0;
	/* the API's one rule a call: encoded once, not once a session */
	uint8_t one[4200];
	int onel = n == 1 ? fs_nlri_encode(r, one, sizeof(one)) : -1;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !sess_selected(s, sel, nsel))
			continue;
		for (size_t k = 0; k < n; k++) {
			char why[200];
			struct prefix p;

			/* a rule goes to the neighbors of its family;
			 * naming one that lacks it is an error */
			if (!(s->n->families & cfg_bit(r[k].family)) && !nsel)
				continue;
			matched = 1;
			if (originate(s, &r[k], n == 1 ? one : NULL, onel, 0,
				      why, sizeof(why)) == 0) {
				ok++;
				continue;
			}
			refused(s, &r[k], why, "api");
			rule_prefix(&r[k], &p);
			if (cb)
				cb(&s->n->address, &p, why, arg);
		}
	}
	return matched ? ok : -1;
}

long sessions_flow_withdraw(const struct prefix *sel, size_t nsel,
			    const struct fs_rule *r, size_t n)
{
	long done = 0;

	for (size_t i = 0; i < sess_tab.n; i++) {
		struct session *s = sess_tab.s[i];

		if (!s || !s->flow_api || !sess_selected(s, sel, nsel))
			continue;
		for (size_t k = 0; k < n; k++) {
			uint8_t b[4200];
			int l = fs_nlri_encode(&r[k], b, sizeof(b));
			struct flow_ent *e;

			if (l < 0 || !(e = tab_find(s->flow_api, r[k].family,
						    b, (size_t)l)))
				continue;
			if (negotiated(s, e->family))
				send_or_say(s, e, 1);
			tab_del(s->flow_api, r[k].family, b, (size_t)l);
			done++;
		}
	}
	return done;
}

/* --- what we receive ---------------------------------------------------------- */

/* Each NLRI of l with its length (the decoder checked the framing, so
 * fs_nlri_len() is 0 only at the end). */
static size_t next_nlri(const struct bgp_nlri *l, size_t o)
{
	return fs_nlri_len(l->p + o, l->len - o);
}

/* RFC 8955 §7: the actions ride in the extended communities. */
static void update_actions(const struct bgp_update *u, struct fs_actions *act)
{
	uint64_t x[64];
	size_t nx = u->attrs.next_comm < 64 ? u->attrs.next_comm : 64;

	for (size_t i = 0; i < nx; i++) {
		x[i] = 0;
		for (int k = 0; k < 8; k++)
			x[i] = x[i] << 8 | u->attrs.ext_comm[8 * i + (size_t)k];
	}
	fs_actions_from_ext(act, x, nx);
}

void sess_flow_update(struct session *s, const struct bgp_update *u,
		      int withdraw_all, uint32_t attr)
{
	char a[PREFIX_STRLEN];
	struct fs_actions act;
	uint32_t id = 0;	/* act interned: one reference held here */
	size_t o, l;

	if (u->flow_bad) {
		/* RFC 7606 §2: logged, the session stays */
		sess_err(s, "%s: treat-as-withdraw (RFC 8955 §10)",
			 u->flow_why);
		sess_audit(s, "flow_malformed", "neighbor %s: %s",
			   prefix_fmt(&s->n->address, a, sizeof(a)),
			   u->flow_why);
		withdraw_all = 1;	/* bgp_update_decode() said so too */
	}
	for (o = 0; o < u->flow_unreach.len &&
		    (l = next_nlri(&u->flow_unreach, o)); o += l)
		in_del(s, u->flow_unreach.family, u->flow_unreach.p + o, l);
	/* bgp_update_decode() checked each NLRI (fs_nlri_check(), in
	 * flow_check()) and any malformed one made the whole UPDATE
	 * treat-as-withdraw (flow_bad): what is kept below decodes, and is
	 * not decoded here (only for the hook) */
	if (!withdraw_all && attr && u->flow_reach.len) {
		update_actions(u, &act);
		if (!(id = act_intern(&act))) {
			sess_err(s, "out of memory for flowspec rules");
			withdraw_all = 1;
		}
	}
	for (o = 0; o < u->flow_reach.len &&
		    (l = next_nlri(&u->flow_reach, o)); o += l) {
		const uint8_t *p = u->flow_reach.p + o;
		int family = u->flow_reach.family;
		struct flow_ent *e, *old;

		/* RFC 7606 §2 treat-as-withdraw; a family we did not offer
		 * (RFC 4760 §6) is not kept either */
		if (withdraw_all || !attr ||
		    !(s->n->families & cfg_bit(family))) {
			in_del(s, family, p, l);
			continue;
		}
		e = tab_put(tab_of(&s->flow_in), family, p, l, &old);
		if (!e) {
			sess_err(s, "out of memory for flowspec rules");
			continue;
		}
		act_ref(id);
		e->act = id;
		rib_attr_ref(attr);
		e->attr = attr;
		/* the same NLRI again: only a change of actions is news */
		if (old && old->act == id) {
			ent_free(old);
			continue;
		}
		ent_free(old);
		hook_flow(s, e, 0);
	}
	act_unref(id);
}

void sess_flow_clear_in(struct session *s)
{
	struct flow_tab *t = s->flow_in;

	if (t && flow_hook)
		for (size_t i = 0; i < t->nb; i++)
			for (const struct flow_ent *e = t->b[i]; e; e = e->next)
				hook_flow(s, e, 1);
	tab_clear(t);
}

void sess_flow_clear_api(struct session *s)
{
	if (!s->flow_api)
		return;
	api_send_all(s, 1);
	tab_clear(s->flow_api);
}

void sess_flow_free(struct session *s)
{
	pend_free(s);
	tab_clear(s->flow_in);
	tab_clear(s->flow_api);
	free(s->flow_in);
	free(s->flow_api);
	s->flow_in = s->flow_api = NULL;
}

size_t sess_flow_count(const struct session *s, int in)
{
	const struct flow_tab *t = in ? s->flow_in : s->flow_api;

	return t ? t->n : 0;
}

int sessions_flow_walk(size_t i, int in,
		       void (*fn)(const struct fs_rule *r, const uint8_t *nlri,
				  size_t len, void *arg),
		       void *arg)
{
	struct session *s;
	const struct flow_tab *t;

	if (i >= sess_tab.n || !(s = sess_tab.s[i]))
		return -1;
	t = in ? s->flow_in : s->flow_api;
	if (!t)
		return 0;
	for (size_t b = 0; b < t->nb; b++)
		for (const struct flow_ent *e = t->b[b]; e; e = e->next) {
			static struct fs_rule r;

			if (ent_rule(e, &r) == 0)
				fn(&r, e->nlri, e->len, arg);
		}
	return 0;
}
