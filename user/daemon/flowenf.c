// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec enforcement in the engine (flowenf.h).
 *
 * The set is recomputed from the sources each time rather than kept up to
 * date change by change: the sessions own the tables (session_flow.c),
 * and reading them through sessions_flow_walk() and the flow hook keeps
 * this file independent of how they store rules.  In order of
 * precedence (the first rule with a match wins, whatever the later ones'
 * actions: flowset.h):
 *   1. the config's flow routes of neighbors with enforce [announced],
 *   2. what we originate toward those neighbors (the API's rules; the
 *      config's again, duplicates),
 *   3. what neighbors with enforce [received] sent us, each within the
 *      bounds the config puts on our own rules (cfg_flow_enforceable_in):
 *      a rule outside them stays in the Adj-RIB-In, is logged and audited
 *      when it arrives, and is not enforced;
 * within one source, neighbors in config order, and one neighbor's rules
 * in RFC 8955 §5.1 order (the tables hash; the guard tries the rules of a
 * destination in the order given).  A rule over a guard
 * limit is left out (the API's never get there: flowenf_check() refuses
 * them first; received ones are logged and audited, the session stays).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "api_json.h"
#include "bgpshield_guard.h"
#include "config.h"
#include "flowenf.h"
#include "flowset.h"
#include "imsg.h"
#include "log.h"
#include "session.h"

static struct {
	int parent;
	void (*audit)(const char *json, size_t len, void *arg);
	void *arg;
	const struct config *cfg;
	struct flowset set;
	int dirty;	/* the set changed: recompute and send */
	int stale;	/* something may have left: recompute before a check */
	uint64_t last;	/* when it was last sent (ms) */
	/* the set being sent: a copy, chunk by chunk */
	struct imsg_flow_rule *tx;
	size_t ntx, txoff;
	int sending;
	uint32_t gen;
	uint64_t sent_digest;
	int ever_sent;
	/* received rules over a limit, last reported */
	size_t over;
	char over_first[200];
	time_t over_logged;
	/* received rules outside their bounds, logged this second */
	time_t oob_sec;
	unsigned int oob_n;
	uint64_t oob_suppressed;
} F;

static void fe_audit(const char *event, const struct prefix *nb,
		     const char *text)
{
	struct jbuf b;
	char a[PREFIX_STRLEN];

	if (!F.audit)
		return;
	jbuf_init(&b);
	jbuf_printf(&b, "{\"event\":\"%s\"", event);
	if (nb) {
		prefix_fmt(nb, a, sizeof(a));
		jbuf_puts(&b, ",\"neighbor\":");
		jbuf_str(&b, a, strlen(a));
	}
	jbuf_puts(&b, ",\"message\":");
	jbuf_str(&b, text, strlen(text));
	jbuf_puts(&b, "}");
	if (!b.failed && b.len <= IMSG_AUDIT_MAX)
		F.audit(b.p, b.len, F.arg);
	jbuf_free(&b);
}

/* The destination of a rule, for messages. */
static void rule_dst(const struct fs_rule *r, char *buf, size_t len)
{
	const struct fs_comp *d = fs_rule_comp(r, FS_DST);
	struct prefix p = { .family = r->family };

	if (!d) {
		snprintf(buf, len, "none");
		return;
	}
	p.plen = d->plen;
	memcpy(p.addr, d->addr, 16);
	prefix_fmt(&p, buf, len);
}

/* The flow hook (session.h): a received rule came or went. */
static void on_flow(size_t idx, const struct fs_rule *r, int withdrawn,
		    void *arg)
{
	const struct cfg_neighbor *n;
	char why[256], d[PREFIX_STRLEN], t[400];

	(void)arg;
	n = F.cfg && idx < F.cfg->nneighbors ? &F.cfg->neighbors[idx] : NULL;
	/* a neighbor whose rules are not enforced changes nothing (one we
	 * cannot place, during a reload, might) */
	if (n && !(n->flow_enforce & CFG_FLOW_ENF_RECEIVED))
		return;
	F.dirty = F.stale = 1;
	if (withdrawn || !n ||
	    !cfg_flow_enforceable_in(n, r, why, sizeof(why)))
		return;
	/* once, as it arrives: kept in the Adj-RIB-In, not enforced; at
	 * most 10 lines a second (a peer may send thousands) */
	{
		time_t now = time(NULL);

		if (now != F.oob_sec) {
			if (F.oob_suppressed) {
				snprintf(t, sizeof(t), "%llu more received "
					 "flowspec rules outside their bounds "
					 "not enforced (not logged one by one)",
					 (unsigned long long)F.oob_suppressed);
				log_warnx("%s", t);
				fe_audit("flowspec_not_enforced", NULL, t);
			}
			F.oob_sec = now;
			F.oob_n = 0;
			F.oob_suppressed = 0;
		}
		if (++F.oob_n > 10) {
			F.oob_suppressed++;
			return;
		}
	}
	rule_dst(r, d, sizeof(d));
	snprintf(t, sizeof(t), "received flowspec rule (destination %s) "
		 "not enforced: %s", d, why);
	prefix_fmt(&n->address, d, sizeof(d));
	log_warnx("neighbor %s: %s", d, t);
	fe_audit("flowspec_not_enforced", &n->address, t);
}

void flowenf_init(int parent, void (*audit)(const char *json, size_t len,
					    void *arg),
		  void *arg)
{
	F.parent = parent;
	F.audit = audit;
	F.arg = arg;
	flowset_init(&F.set);
	sessions_set_flow_hook(on_flow, NULL);
}

void flowenf_config(const struct config *c)
{
	F.cfg = c;
	F.dirty = F.stale = 1;
}

struct walk {
	int origin;
	const struct prefix *nb;
	size_t over, bounds;
	const struct cfg_neighbor *n;
	char first[200];
	/* one neighbor's rules, sorted before they are added */
	struct fs_rule *r;
	size_t nr, cap;
	int nomem;
};

/*
 * Rules of one neighbor considered at most: twice what the guard holds,
 * room for the ones a per-destination limit turns away.  A peer may send
 * a million rules (the Adj-RIB-In keeps them compactly); copied out
 * decoded (1.1 KB each) and sorted at every recompute they would cost
 * the engine a gigabyte and seconds.  Beyond it the rest count as over
 * the guard's limits, the table's order deciding which were considered.
 */
#define WALK_MAX (2 * BGPS_FS_MAX_RULES)

static void walk_one(const struct fs_rule *r, const uint8_t *nlri,
		     size_t len, void *arg)
{
	struct walk *w = arg;
	char why[200];

	(void)nlri;
	(void)len;
	if (!r->ncomp)
		return; /* an NLRI that did not decode: nothing to match */
	if (w->origin == IMSG_FLOW_RECEIVED &&
	    cfg_flow_enforceable_in(w->n, r, why, sizeof(why))) {
		w->bounds++; /* logged when it arrived */
		return;
	}
	if (w->nr == WALK_MAX) {
		if (!w->over++)
			snprintf(w->first, sizeof(w->first),
				 "more than %d rules from one neighbor",
				 WALK_MAX);
		return;
	}
	if (w->nr == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 64;
		struct fs_rule *x = realloc(w->r, nc * sizeof(*x));

		if (!x) {
			w->nomem = 1;
			return;
		}
		w->r = x;
		w->cap = nc;
	}
	w->r[w->nr++] = *r;
}

/* IPv4 first, then RFC 8955 §5.1 order (fs_rule_cmp(): the rule that
 * takes precedence first): the tables' order is their hashing's, the
 * guard's order within a destination must not be. */
static int rule_order(const void *a, const void *b)
{
	const struct fs_rule *x = a, *y = b;

	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return fs_rule_cmp(x, y);
}

/* Walk neighbor i's rules (in: received) into the set, sorted. */
static void walk_neighbor(size_t i, int in, struct walk *w)
{
	char why[200];

	w->nr = 0;
	sessions_flow_walk(i, in, walk_one, w);
	if (w->nomem) {
		log_warnx("flowspec: out of memory computing the enforced set");
		w->nomem = 0;
	}
	if (w->nr) /* w->r is NULL until a rule came */
		qsort(w->r, w->nr, sizeof(*w->r), rule_order);
	for (size_t k = 0; k < w->nr; k++)
		if (flowset_add(&F.set, w->origin, w->nb, &w->r[k], 1, why,
				sizeof(why)) < 0 &&
		    !w->over++)
			snprintf(w->first, sizeof(w->first), "%s", why);
}

static void recompute(void)
{
	const struct config *c = F.cfg;
	struct walk rx = { .origin = IMSG_FLOW_RECEIVED };
	char why[200];

	flowset_reset(&F.set);
	F.stale = 0;
	if (!c)
		return;
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];

		if (!(n->flow_enforce & CFG_FLOW_ENF_ANNOUNCED))
			continue;
		for (size_t k = 0; k < n->nflows; k++)
			/* the config loaded within the limits or the
			 * parent says why not */
			flowset_add(&F.set, IMSG_FLOW_CONFIG, &n->address,
				    &n->flows[k].rule, 1, why, sizeof(why));
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];
		struct walk w = { .origin = IMSG_FLOW_API, .nb = &n->address,
				  .n = n };

		if (!(n->flow_enforce & CFG_FLOW_ENF_ANNOUNCED))
			continue;
		walk_neighbor(i, 0, &w);
		free(w.r);
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];

		if (!(n->flow_enforce & CFG_FLOW_ENF_RECEIVED))
			continue;
		rx.nb = &n->address;
		rx.n = n;
		walk_neighbor(i, 1, &rx);
	}
	free(rx.r);
	/* once when it starts, then at most every 10 s while it changes: a
	 * peer flooding rules must not flood the log 10 times a second */
	if (rx.over &&
	    (!F.over || (time(NULL) >= F.over_logged + 10 &&
			 (rx.over != F.over ||
			  strcmp(rx.first, F.over_first))))) {
		char t[400];

		snprintf(t, sizeof(t), "%zu received flowspec rules not "
			 "enforced: over the guard's limits (first: %s); "
			 "kept in the Adj-RIB-In", rx.over, rx.first);
		log_warnx("%s", t);
		fe_audit("flowspec_not_enforced", NULL, t);
		F.over_logged = time(NULL);
	}
	F.over = rx.over;
	snprintf(F.over_first, sizeof(F.over_first), "%s", rx.first);
}

/* Do the neighbors sel (all: nsel 0) include one that enforces the rules
 * we announce to it, with r's family? */
static int enforcing(const struct prefix *sel, size_t nsel,
		     const struct fs_rule *r)
{
	const struct config *c = F.cfg;
	uint32_t fam = r->family == AF_INET6 ? CFG_FAM_IPV6_FLOW
					     : CFG_FAM_IPV4_FLOW;

	for (size_t i = 0; c && i < c->nneighbors; i++) {
		const struct cfg_neighbor *n = &c->neighbors[i];
		size_t k;

		if (!(n->flow_enforce & CFG_FLOW_ENF_ANNOUNCED) ||
		    !(n->families & fam))
			continue;
		for (k = 0; k < nsel; k++)
			if (!prefix_cmp(&sel[k], &n->address))
				break;
		if (!nsel || k < nsel)
			return 1;
	}
	return 0;
}

int flowenf_check(const struct prefix *sel, size_t nsel,
		  const struct fs_rule *r, char *why, size_t wl)
{
	char w[256];
	int rc;

	if (!enforcing(sel, nsel, r))
		return 0;
	if (F.stale)
		recompute(); /* a withdrawal may have made room */
	rc = flowset_add(&F.set, IMSG_FLOW_API, NULL, r, 0, w, sizeof(w));
	if (rc < 0) {
		snprintf(why, wl, "over a guard limit: %s",
			 w);
		return -1;
	}
	return 0;
}

void flowenf_changed(const struct prefix *sel, size_t nsel,
		     const struct fs_rule *r)
{
	char w[256];

	F.dirty = 1;
	if (!r) {
		F.stale = 1;
		return;
	}
	/* counted now, so that the next announcement's check sees it; the
	 * recompute in flowenf_tick() puts it in its place */
	if (enforcing(sel, nsel, r))
		flowset_add(&F.set, IMSG_FLOW_API, NULL, r, 1, w, sizeof(w));
}

const struct imsg_flow_rule *flowenf_set(size_t *n)
{
	/* as the sources say now (what flowenf_tick() sends next) */
	if (F.dirty || F.stale)
		recompute();
	*n = F.set.n;
	return F.set.r;
}

/* Send what is left of the set being sent, each rule in its wire form
 * (imsg.h); 0 done, 1 the socket is full (go on next time: the same
 * chunk is built again), -1 the channel failed or a rule has no
 * encoding. */
static int send_more(void)
{
	static uint8_t buf[sizeof(struct imsg_flow_hdr) +
			   IMSG_FLOW_CHUNK_BYTES];

	do {
		size_t n;
		int len = imsg_flow_chunk_build(buf, sizeof(buf), F.gen,
						F.tx, F.ntx, F.txoff, &n);
		int r;

		if (len < 0)
			return -1;
		r = imsg_send_nb(F.parent, IMSG_FLOW_SET, buf, (size_t)len);
		if (r == -EAGAIN)
			return 1;
		if (r < 0)
			return -1;
		F.txoff += n;
	} while (F.txoff < F.ntx);
	return 0;
}

int flowenf_tick(uint64_t now)
{
	if (F.dirty && !F.cfg)
		F.dirty = 0;
	if (F.dirty) {
		if (now < F.last + FLOWENF_PERIOD_MS)
			return (int)(F.last + FLOWENF_PERIOD_MS - now);
		F.dirty = 0;
		F.last = now;
		recompute();
		if (!F.ever_sent || F.set.digest != F.sent_digest ||
		    F.sending) {
			/* a new set: start over (the parent drops a set it
			 * got part of when a new one begins) */
			free(F.tx);
			F.tx = NULL;
			F.ntx = F.set.n;
			if (F.ntx && !(F.tx = malloc(F.ntx * sizeof(*F.tx)))) {
				log_warnx("flowspec: out of memory sending "
					  "the enforced set");
				F.dirty = 1;
				return FLOWENF_PERIOD_MS;
			}
			if (F.ntx)
				memcpy(F.tx, F.set.r, F.ntx * sizeof(*F.tx));
			F.txoff = 0;
			F.gen++;
			F.sending = 1;
			F.sent_digest = F.set.digest;
			F.ever_sent = 1;
		}
	}
	if (F.sending) {
		int r = send_more();

		if (r == 1)
			return 10; /* the parent is reading: soon again */
		F.sending = 0;
		free(F.tx);
		F.tx = NULL;
		if (r < 0)
			log_warnx("flowspec: sending the enforced set to the "
				  "parent failed");
	}
	return F.dirty ? FLOWENF_PERIOD_MS : -1;
}
