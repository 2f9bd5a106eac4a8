// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec enforcement, the userspace half (docs/GUARD.md "Flowspec"):
 * compiles struct fs_rule (user/lib/flowspec.h) into the guard's maps
 * fs_rules, fs_dst4, fs_dst6 and fs_meta, and reads them back.
 *
 * A rule becomes one struct bgps_fs_rule: its operators flattened into one
 * list (each marked with the packet field it tests and whether it starts a
 * component), its source prefix (and a destination with an RFC 8956
 * offset) as address and mask words, and its action.  Rules are grouped by
 * destination prefix; each group lists, in order, every rule whose
 * destination covers the group's prefix, so one longest-prefix lookup in
 * the kernel finds every candidate.
 *
 * Replacement: fs_rules has two halves.  The new set is written into the
 * half not in use, the prefilter bitmaps widened to old | new, every new
 * group written (an LPM update replaces an element whole), groups no
 * longer wanted deleted, then the bitmaps narrowed and the old half
 * cleared.  A packet in flight meets the old set or the new one, never a
 * group pointing at a half-written rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "flowspec.h"
#include "guard.h"

#define ferr(...) (snprintf(err, el, __VA_ARGS__), -EINVAL)

struct dst {
	int v6;
	__u8 plen;
	__u8 addr[16];
};

/* The network-order 32-bit words of bits [off, plen) of a 128-bit key. */
static void prefix_mask(__u32 mask[4], unsigned int off, unsigned int plen)
{
	__u8 m[16] = { 0 };

	for (unsigned int b = off; b < plen && b < 128; b++)
		m[b / 8] |= 0x80 >> (b % 8);
	memcpy(mask, m, 16);
}

static void masked_addr(__u32 out[4], const __u8 addr[16], const __u32 mask[4])
{
	memcpy(out, addr, 16);
	for (int i = 0; i < 4; i++)
		out[i] &= mask[i];
}

static int field_of(int type)
{
	switch (type) {
	case FS_PROTO: return BGPS_FSF_PROTO;
	case FS_PORT: return BGPS_FSF_PORT;
	case FS_DPORT: return BGPS_FSF_DPORT;
	case FS_SPORT: return BGPS_FSF_SPORT;
	case FS_ICMP_TYPE: return BGPS_FSF_ICMP_TYPE;
	case FS_ICMP_CODE: return BGPS_FSF_ICMP_CODE;
	case FS_TCP_FLAGS: return BGPS_FSF_TCP_FLAGS;
	case FS_PKT_LEN: return BGPS_FSF_PKT_LEN;
	case FS_DSCP: return BGPS_FSF_DSCP;
	case FS_FRAG: return BGPS_FSF_FRAG;
	case FS_FLOW_LABEL: return BGPS_FSF_FLOW_LABEL;
	}
	return -1;
}

/* One rule -> its kernel form and its destination.  i names it in errors. */
static int compile_one(const struct fs_rule *fr, size_t i,
		       struct bgps_fs_rule *out, struct dst *d, char *err,
		       size_t el)
{
	int v6 = fr->family == AF_INET6, maxlen, last = 0;
	unsigned int nops = 0;

	memset(out, 0, sizeof(*out));
	memset(d, 0, sizeof(*d));
	if (fr->family != AF_INET && fr->family != AF_INET6)
		return ferr("flowspec rule %zu: family %u is neither IPv4 nor "
			    "IPv6", i + 1, fr->family);
	if (fr->ncomp > FS_MAX_COMP)
		return ferr("flowspec rule %zu: %u components, at most %d",
			    i + 1, fr->ncomp, FS_MAX_COMP);
	maxlen = v6 ? 128 : 32;
	d->v6 = v6;
	out->flags = BGPS_FSR_USED | (v6 ? BGPS_FSR_V6 : 0);
	out->id = i;
	for (unsigned int c = 0; c < fr->ncomp; c++) {
		const struct fs_comp *fc = &fr->comp[c];
		int f;

		if (fc->type <= last || fc->type > FS_TYPE_MAX)
			return ferr("flowspec rule %zu: component type %u out "
				    "of order, repeated or unknown", i + 1,
				    fc->type);
		last = fc->type;
		if (fc->type == FS_DST || fc->type == FS_SRC) {
			__u32 mask[4];

			if (fc->plen > maxlen || (fc->offset && !v6) ||
			    (fc->offset && fc->offset >= fc->plen))
				return ferr("flowspec rule %zu: %s prefix "
					    "length %u offset %u is invalid",
					    i + 1, fc->type == FS_DST ?
					    "destination" : "source",
					    fc->plen, fc->offset);
			prefix_mask(mask, fc->offset, fc->plen);
			if (fc->type == FS_SRC) {
				out->flags |= BGPS_FSR_SRC;
				memcpy(out->src_mask, mask, 16);
				masked_addr(out->src_addr, fc->addr, mask);
				out->src_plen = fc->plen;
				out->src_off = fc->offset;
			} else {
				masked_addr(out->dst_addr, fc->addr, mask);
				out->dst_plen = fc->plen;
				out->dst_off = fc->offset;
				if (fc->offset) {
					/* the trie cannot skip leading bits:
					 * file it under ::/0, test in the rule */
					out->flags |= BGPS_FSR_DST;
					memcpy(out->dst_mask, mask, 16);
				} else {
					d->plen = fc->plen;
					memcpy(d->addr, out->dst_addr, 16);
				}
			}
			continue;
		}
		if (fc->type == FS_FLOW_LABEL && !v6)
			return ferr("flowspec rule %zu: flow-label is IPv6 "
				    "only", i + 1);
		if (!fc->nops || fc->nops > FS_MAX_OPS)
			return ferr("flowspec rule %zu: component %u has %u "
				    "operators, 1 to %d allowed", i + 1,
				    fc->type, fc->nops, FS_MAX_OPS);
		if (nops + fc->nops > BGPS_FS_MAX_OPS)
			return ferr("flowspec rule %zu: more than %d operators "
				    "in all (the guard's limit per rule)",
				    i + 1, BGPS_FS_MAX_OPS);
		f = field_of(fc->type);
		for (unsigned int k = 0; k < fc->nops; k++) {
			struct bgps_fs_op *op = &out->ops[nops++];
			__u8 fl = fc->ops[k].flags;
			int bitmask = fc->type == FS_TCP_FLAGS ||
				      fc->type == FS_FRAG;

			op->field = f;
			op->value = fc->ops[k].value;
			op->flags = fl & (bitmask ? (BGPS_FSO_NOT | BGPS_FSO_MATCH)
						  : (BGPS_FSO_LT | BGPS_FSO_GT |
						     BGPS_FSO_EQ));
			if (bitmask)
				op->flags |= BGPS_FSO_BITMASK;
			if (k == 0)
				op->flags |= BGPS_FSO_FIRST;
			else if (fl & FS_OP_AND)
				op->flags |= BGPS_FSO_AND;
		}
		out->need |= 1U << f;
	}
	out->nops = nops;

	/* Actions, RFC 8955 §7: a rate of 0 drops; other actions are
	 * counted, not enforced. */
	if (fr->act.flags & (FS_ACT_RATE_BYTES | FS_ACT_RATE_PKTS)) {
		int pk = !(fr->act.flags & FS_ACT_RATE_BYTES);
		double rate = pk ? fr->act.rate_pkts : fr->act.rate_bytes;

		if (!(rate >= 0))
			return ferr("flowspec rule %zu: traffic-rate %g is "
				    "invalid", i + 1, rate);
		if ((fr->act.flags & FS_ACT_RATE_BYTES) &&
		    (fr->act.flags & FS_ACT_RATE_PKTS) && fr->act.rate_pkts < 1)
			rate = 0; /* either rate at 0 drops everything */
		if (rate < 1) {
			out->action = BGPS_FSA_DROP;
		} else {
			double iv = 65536.0 * 1e9 / rate;
			double cost = pk ? iv : 1500.0 * iv;

			out->action = pk ? BGPS_FSA_RATE_PKTS
					 : BGPS_FSA_RATE_BYTES;
			out->interval_q16 = (__u64)iv;
			/* a tenth of a second's traffic, and at least one
			 * full packet, may come at once */
			out->tolerance_ns = (__u64)(cost / 65536.0);
			if (out->tolerance_ns < 100000000ULL)
				out->tolerance_ns = 100000000ULL;
		}
	} else if (fr->act.flags &
		   (FS_ACT_ACTION | FS_ACT_REDIRECT | FS_ACT_MARK)) {
		out->action = BGPS_FSA_COUNT;
	}
	return 0;
}

/* The hull of the values one component's operators accept: each term an
 * interval, an AND-run their intersection, the runs' union hulled.  A
 * superset of the true set, which is all the program's precheck needs. */
static void comp_hull(const struct bgps_fs_rule *r, unsigned int first,
		      __u32 max, __u32 *lo, __u32 *hi)
{
	__u32 rlo = 1, rhi = 0, ulo = max, uhi = 0; /* run, union: empty */
	int have_run = 0;

	for (unsigned int i = first; i < r->nops; i++) {
		const struct bgps_fs_op *op = &r->ops[i];
		__u32 x = op->value, tlo, thi;

		if (i > first && (op->flags & BGPS_FSO_FIRST))
			break;
		switch (op->flags & 7) {
		case BGPS_FSO_EQ: tlo = thi = x; break;
		case BGPS_FSO_LT: tlo = 0; thi = x ? x - 1 : 0;
			if (!x) tlo = 1;
			break;
		case BGPS_FSO_LT | BGPS_FSO_EQ: tlo = 0; thi = x; break;
		case BGPS_FSO_GT: tlo = x + 1; thi = max; break;
		case BGPS_FSO_GT | BGPS_FSO_EQ: tlo = x; thi = max; break;
		case 0: tlo = 1; thi = 0; break; /* false */
		default: tlo = 0; thi = max; break; /* != and true */
		}
		if (thi > max)
			thi = max;
		if (i > first && (op->flags & BGPS_FSO_AND)) {
			if (tlo > rlo)
				rlo = tlo;
			if (thi < rhi)
				rhi = thi;
		} else {
			if (have_run && rlo <= rhi) {
				ulo = rlo < ulo ? rlo : ulo;
				uhi = rhi > uhi ? rhi : uhi;
			}
			rlo = tlo;
			rhi = thi;
			have_run = 1;
		}
	}
	if (have_run && rlo <= rhi) {
		ulo = rlo < ulo ? rlo : ulo;
		uhi = rhi > uhi ? rhi : uhi;
	}
	if (ulo > uhi) { /* matches nothing: an empty hull */
		ulo = max;
		uhi = 0;
	}
	*lo = ulo;
	*hi = uhi;
}

/* Is the slot summary the whole rule?  Only protocol, destination and
 * source port components, each one AND-run of <, <=, >, >=, == terms (the
 * intersection of intervals: an interval, which is the hull exactly); a
 * source prefix in the first word (src_m), no offset destination. */
static int summary_exact(const struct bgps_fs_rule *r)
{
	if ((r->flags & BGPS_FSR_DST) || r->src_mask[1] || r->src_mask[2] ||
	    r->src_mask[3])
		return 0;
	for (unsigned int i = 0; i < r->nops; i++) {
		const struct bgps_fs_op *op = &r->ops[i];

		if (op->field != BGPS_FSF_PROTO && op->field != BGPS_FSF_DPORT &&
		    op->field != BGPS_FSF_SPORT)
			return 0;
		if ((op->flags & BGPS_FSO_BITMASK) || op->value > 65535)
			return 0; /* (x + 1 of a huge > would wrap) */
		if (!(op->flags & BGPS_FSO_FIRST) && !(op->flags & BGPS_FSO_AND))
			return 0; /* an OR: the hull may hold gaps */
		switch (op->flags & 7) {
		case BGPS_FSO_EQ:
		case BGPS_FSO_LT:
		case BGPS_FSO_LT | BGPS_FSO_EQ:
		case BGPS_FSO_GT:
		case BGPS_FSO_GT | BGPS_FSO_EQ:
			break;
		default: /* !=, false, true */
			return 0;
		}
	}
	return 1;
}

static void summarize(const struct bgps_fs_rule *r, struct bgps_fs_slot *s)
{
	__u32 lo, hi;

	memset(s, 0, sizeof(*s));
	s->need = r->need;
	s->exact = summary_exact(r);
	if (r->flags & BGPS_FSR_SRC) {
		s->src_w = r->src_addr[0];
		s->src_m = r->src_mask[0];
	}
	s->proto_hi = 255;
	s->dport_hi = s->sport_hi = 65535;
	for (unsigned int i = 0; i < r->nops; i++) {
		if (!(r->ops[i].flags & BGPS_FSO_FIRST))
			continue;
		switch (r->ops[i].field) {
		case BGPS_FSF_PROTO:
			comp_hull(r, i, 255, &lo, &hi);
			s->proto_lo = lo, s->proto_hi = hi;
			break;
		case BGPS_FSF_DPORT:
			comp_hull(r, i, 65535, &lo, &hi);
			s->dport_lo = lo, s->dport_hi = hi;
			break;
		case BGPS_FSF_SPORT:
			comp_hull(r, i, 65535, &lo, &hi);
			s->sport_lo = lo, s->sport_hi = hi;
			break;
		}
	}
}

/* Slot j into the buckets of the values lo..hi (empty when lo > hi: the
 * slot can match no packet).  See bgps_fs_pbucket(). */
static void fill_buckets(__u16 *b, unsigned int nb, __u32 lo, __u32 hi,
			 unsigned int j)
{
	if (lo > hi)
		return;
	for (__u32 v = lo; v <= hi && v - lo < nb; v++)
		b[v & (nb - 1)] |= 1U << j;
}

static int dst_covers(const struct dst *a, const struct dst *b)
{
	__u32 m[4], x[4], y[4];

	if (a->v6 != b->v6 || a->plen > b->plen)
		return 0;
	prefix_mask(m, 0, a->plen);
	masked_addr(x, a->addr, m);
	masked_addr(y, b->addr, m);
	return !memcmp(x, y, 16);
}

static int dst_eq(const struct dst *a, const struct dst *b)
{
	return a->v6 == b->v6 && a->plen == b->plen &&
	       !memcmp(a->addr, b->addr, 16);
}

static void fs_bits_set(struct bgps_prefilter *pf, const struct dst *d)
{
	/* bgps_fs_bit(): IPv4 bits 0-15, IPv6 bits 16-31 */
	unsigned int from = d->v6 ? 16 : 0, span;
	__u32 bit = bgps_fs_bit(d->addr, d->v6);

	if (d->plen <= from) {
		memset(pf->words, 0xff, sizeof(pf->words));
		return;
	}
	span = d->plen - from >= 16 ? 1 : 1U << (16 - (d->plen - from));
	bit &= ~(span - 1);
	for (unsigned int b = bit; b < bit + span; b++)
		pf->words[b / 64] |= 1ULL << (b % 64);
}

/* fs_pf24: the /24 bits of an IPv4 destination longer than /16 (shorter
 * ones set fs_meta.dst4_short instead). */
static void pf24_set(__u64 *w, const struct dst *d)
{
	__u32 n, span;

	if (d->v6 || d->plen <= 16)
		return;
	n = (__u32)d->addr[0] << 16 | d->addr[1] << 8 | d->addr[2];
	span = d->plen >= 24 ? 1 : 1U << (24 - d->plen);
	n &= ~(span - 1);
	for (__u32 b = n; b < n + span; b++)
		w[b / 64] |= 1ULL << (b % 64);
}

static void short_set(struct bgps_fs_meta *m, const struct dst *d)
{
	if (!d->v6 && d->plen <= 16)
		fs_bits_set(&m->dst4_short, d);
}

/* The /24 bits of the IPv4 groups in the trie now: the set in force (and
 * leftovers of an apply that failed half-way, a harmless superset). */
static void pf24_of_trie(struct guard *g, __u64 *w)
{
	struct bgps_lpm4 k, next;
	void *prev = NULL;

	while (bpf_map_get_next_key(g->map_fd[GM_FS_DST4], prev, &next) == 0) {
		struct dst d = { .v6 = 0, .plen = next.prefixlen };

		memcpy(d.addr, next.addr, 4);
		pf24_set(w, &d);
		k = next;
		prev = &k;
	}
}

/* Write the words of fs_pf24 where `want` differs from `have`. */
static int pf24_write(struct guard *g, const __u64 *have, const __u64 *want)
{
	for (__u32 i = 0; i < BGPS_FS_PF24_WORDS; i++) {
		if (have[i] == want[i])
			continue;
		if (bpf_map_update_elem(g->map_fd[GM_FS_PF24], &i, &want[i],
					BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

/* A destination length into a family's list (longest first); one more
 * than BGPS_FS_MAX_LENS distinct lengths marks the list as too long: the
 * program then uses the trie. */
static void lens_add(__u8 *n, __u8 *lens, unsigned int plen)
{
	unsigned int i, k;

	if (*n > BGPS_FS_MAX_LENS)
		return;
	for (i = 0; i < *n; i++)
		if (lens[i] == plen)
			return;
	if (*n == BGPS_FS_MAX_LENS) {
		*n = BGPS_FS_MAX_LENS + 1;
		return;
	}
	for (i = 0; i < *n && lens[i] > plen; i++)
		;
	for (k = *n; k > i; k--)
		lens[k] = lens[k - 1];
	lens[i] = plen;
	(*n)++;
}

static void lens_of(struct bgps_fs_meta *m, const struct dst *pfx, size_t n)
{
	for (size_t p = 0; p < n; p++) {
		if (pfx[p].v6)
			lens_add(&m->nlens6, m->lens6, pfx[p].plen);
		else
			lens_add(&m->nlens4, m->lens4, pfx[p].plen);
	}
}

/* The policy part of a compiled rule (everything before the state), for
 * carrying counters across a replacement. */
#define POLICY_LEN offsetof(struct bgps_fs_rule, tat)

static __u64 policy_hash(const struct bgps_fs_rule *r)
{
	const __u8 *p = (const __u8 *)r;
	__u64 h = 1469598103934665603ULL;

	for (size_t i = 0; i < POLICY_LEN; i++) {
		if (i >= offsetof(struct bgps_fs_rule, id) &&
		    i < offsetof(struct bgps_fs_rule, id) + 4)
			continue; /* position is not identity */
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	return h;
}

static int policy_eq(const struct bgps_fs_rule *a, const struct bgps_fs_rule *b)
{
	struct bgps_fs_rule x = *a, y = *b;

	x.id = y.id = 0;
	return !memcmp(&x, &y, POLICY_LEN);
}

struct ctx {
	struct bgps_fs_rule *nr;
	struct bgps_fs_slot *slot;
	struct dst *d;
	size_t n;
	struct dst *pfx;
	size_t npfx;
};

/* Group order: more specific destination first, then the given order. */
static const struct ctx *sort_ctx;

static int group_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;
	const struct dst *dx = &sort_ctx->d[x], *dy = &sort_ctx->d[y];

	if (dx->plen != dy->plen)
		return dx->plen > dy->plen ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void lpm_key(const struct dst *d, void *key, size_t *klen)
{
	struct bgps_lpm6 k = { .prefixlen = d->plen };

	memcpy(k.addr, d->addr, d->v6 ? 16 : 4);
	memcpy(key, &k, sizeof(k));
	*klen = d->v6 ? sizeof(struct bgps_lpm6) : sizeof(struct bgps_lpm4);
}

static int set_fs_flags(struct guard *g, int has4, int has6)
{
	struct bgps_settings s;
	__u8 flags;

	if (guard_settings_get(g, &s))
		return -1;
	flags = s.flags & ~(BGPS_SF_FS4 | BGPS_SF_FS6);
	if (has4)
		flags |= BGPS_SF_FS4;
	if (has6)
		flags |= BGPS_SF_FS6;
	if (flags == s.flags)
		return 0;
	s.flags = flags;
	return guard_settings_set(g, &s);
}

/* Delete trie and hash entries whose prefix is not among want[]. */
static int prune_tries(struct guard *g, const struct ctx *c)
{
	static const int maps[4] = { GM_FS_DST4, GM_FS_DST6, GM_FS_HASH4,
				     GM_FS_HASH6 };

	for (int mi = 0; mi < 4; mi++) {
		int v6 = mi & 1, fd = g->map_fd[maps[mi]];
		struct bgps_lpm6 k, next, *gone;
		size_t ngone = 0, cap = 2 * BGPS_FS_MAX_PREFIXES;
		void *prev = NULL;

		gone = calloc(cap, sizeof(*gone));
		if (!gone)
			return -ENOMEM;
		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			struct dst d = { .v6 = v6, .plen = next.prefixlen };
			size_t j;

			memcpy(d.addr, next.addr, v6 ? 16 : 4);
			for (j = 0; j < c->npfx; j++)
				if (dst_eq(&c->pfx[j], &d))
					break;
			if (j == c->npfx && ngone < cap)
				gone[ngone++] = next;
			k = next;
			prev = &k;
		}
		for (size_t j = 0; j < ngone; j++)
			bpf_map_delete_elem(fd, &gone[j]);
		free(gone);
	}
	return 0;
}

int guard_flow_apply(struct guard *g, const struct fs_rule *rules, size_t n,
		     char *err, size_t el)
{
	struct ctx c = { 0 };
	struct bgps_fs_meta *meta = NULL, *old = NULL;
	__u32 zero = 0, *members = NULL, oldbase, newbase;
	size_t npf[2] = { 0, 0 }, cap = 0;
	__u64 *oh = NULL, *w24old = NULL, *w24wide = NULL, *w24new = NULL;
	int r = 0, rfd = g->map_fd[GM_FS_RULES];

	if (err && el)
		err[0] = 0;
	if (rfd < 0 || g->map_fd[GM_FS_DST4] < 0 || g->map_fd[GM_FS_DST6] < 0 ||
	    g->map_fd[GM_FS_META] < 0 || g->map_fd[GM_FS_HASH4] < 0 ||
	    g->map_fd[GM_FS_HASH6] < 0 || g->map_fd[GM_FS_PF24] < 0)
		return snprintf(err, el, "flowspec: the guard's pins predate "
				"flowspec (ABI %d): load the guard again "
				"(restart bgpshieldd)", BGPS_ABI_VERSION),
		       -ENOENT;
	if (n > BGPS_FS_MAX_RULES)
		return ferr("%zu flowspec rules to enforce, the guard holds at "
			    "most %d", n, BGPS_FS_MAX_RULES);
	c.n = n;
	c.nr = calloc(n ? n : 1, sizeof(*c.nr));
	c.slot = calloc(n ? n : 1, sizeof(*c.slot));
	c.d = calloc(n ? n : 1, sizeof(*c.d));
	c.pfx = calloc(n ? n : 1, sizeof(*c.pfx));
	members = calloc(n ? n : 1, sizeof(*members));
	meta = calloc(1, sizeof(*meta));
	old = calloc(1, sizeof(*old));
	w24old = calloc(BGPS_FS_PF24_WORDS, sizeof(__u64));
	w24wide = calloc(BGPS_FS_PF24_WORDS, sizeof(__u64));
	w24new = calloc(BGPS_FS_PF24_WORDS, sizeof(__u64));
	if (!c.nr || !c.slot || !c.d || !c.pfx || !members || !meta || !old ||
	    !w24old || !w24wide || !w24new) {
		r = -ENOMEM;
		snprintf(err, el, "flowspec: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r = compile_one(&rules[i], i, &c.nr[i], &c.d[i], err, el)))
			goto out;
		summarize(&c.nr[i], &c.slot[i]);
		size_t j;

		for (j = 0; j < c.npfx; j++)
			if (dst_eq(&c.pfx[j], &c.d[i]))
				break;
		if (j == c.npfx) {
			if (++npf[c.d[i].v6] > BGPS_FS_MAX_PREFIXES) {
				r = ferr("flowspec: more than %d distinct "
					 "IPv%d destinations (the guard's "
					 "limit)", BGPS_FS_MAX_PREFIXES,
					 c.d[i].v6 ? 6 : 4);
				goto out;
			}
			c.pfx[c.npfx++] = c.d[i];
		}
	}

	/* Every group within its limit, before anything is written. */
	sort_ctx = &c;
	for (size_t p = 0; p < c.npfx; p++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (dst_covers(&c.d[i], &c.pfx[p]))
				m++;
		if (m > BGPS_FS_PER_PREFIX) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(c.pfx[p].v6 ? AF_INET6 : AF_INET,
				  c.pfx[p].addr, a, sizeof(a));
			r = ferr("flowspec: %zu rules apply to destination "
				 "%s/%u (covering prefixes included), the "
				 "guard tries at most %d per destination",
				 m, a, c.pfx[p].plen, BGPS_FS_PER_PREFIX);
			goto out;
		}
	}

	if (bpf_map_lookup_elem(g->map_fd[GM_FS_META], &zero, old) < 0) {
		r = -errno;
		snprintf(err, el, "flowspec: reading fs_meta: %s",
			 strerror(errno));
		goto out;
	}
	oldbase = old->half ? BGPS_FS_MAX_RULES : 0;
	newbase = old->half ? 0 : BGPS_FS_MAX_RULES;

	/* Counters of rules kept: an open-addressed table of the old set. */
	cap = 2 * (old->nrules ? old->nrules : 1);
	oh = calloc(cap, sizeof(*oh) * 2);
	if (!oh) {
		r = -ENOMEM;
		goto out;
	}
	for (__u32 i = 0; i < old->nrules && i < BGPS_FS_MAX_RULES; i++) {
		struct bgps_fs_rule o;
		__u32 key = oldbase + i;
		size_t h;

		if (bpf_map_lookup_elem(rfd, &key, &o) < 0 ||
		    !(o.flags & BGPS_FSR_USED))
			continue;
		h = policy_hash(&o) % cap;
		while (oh[2 * h + 1])
			h = (h + 1) % cap;
		oh[2 * h] = policy_hash(&o);
		oh[2 * h + 1] = (__u64)key + 1;
	}
	for (size_t i = 0; i < n; i++) {
		__u64 hv = policy_hash(&c.nr[i]);
		size_t h = hv % cap;
		__u32 key = newbase + i;

		for (; oh[2 * h + 1]; h = (h + 1) % cap) {
			struct bgps_fs_rule o;
			__u32 ok = oh[2 * h + 1] - 1;

			if (oh[2 * h] != hv ||
			    bpf_map_lookup_elem(rfd, &ok, &o) < 0 ||
			    !policy_eq(&o, &c.nr[i]))
				continue;
			c.nr[i].tat = o.tat;
			c.nr[i].matched_packets = o.matched_packets;
			c.nr[i].matched_bytes = o.matched_bytes;
			c.nr[i].dropped_packets = o.dropped_packets;
			c.nr[i].dropped_bytes = o.dropped_bytes;
			/* each old rule passes its counters on once: a
			 * tombstone keeps later probes going */
			oh[2 * h + 1] = (__u64)-1;
			break;
		}
		if (bpf_map_update_elem(rfd, &key, &c.nr[i], BPF_ANY) < 0) {
			r = -errno;
			snprintf(err, el, "flowspec: writing rule %zu: %s",
				 i + 1, strerror(errno));
			goto out;
		}
	}

	/* Bitmaps: old | new while both sets may be met. */
	*meta = *old;
	for (size_t p = 0; p < c.npfx; p++)
		fs_bits_set(c.pfx[p].v6 ? &meta->dst6 : &meta->dst4, &c.pfx[p]);
	lens_of(meta, c.pfx, c.npfx); /* old | new lengths, as the bits */
	for (size_t p = 0; p < c.npfx; p++) {
		short_set(meta, &c.pfx[p]);
		pf24_set(w24new, &c.pfx[p]);
	}
	pf24_of_trie(g, w24old);
	for (__u32 i = 0; i < BGPS_FS_PF24_WORDS; i++)
		w24wide[i] = w24old[i] | w24new[i];
	if ((r = pf24_write(g, w24old, w24wide))) {
		snprintf(err, el, "flowspec: writing fs_pf24: %s",
			 strerror(-r));
		goto out;
	}
	if (bpf_map_update_elem(g->map_fd[GM_FS_META], &zero, meta, BPF_ANY)) {
		r = -errno;
		snprintf(err, el, "flowspec: writing fs_meta: %s",
			 strerror(errno));
		goto out;
	}
	if (npf[0] || npf[1])
		set_fs_flags(g, 1, 1); /* both, until the old set is gone */

	/* The groups, pointing at the new half. */
	for (size_t p = 0; p < c.npfx; p++) {
		struct bgps_fs_group grp = { 0 };
		unsigned char key[sizeof(struct bgps_lpm6)];
		size_t klen, m = 0;

		for (size_t i = 0; i < n; i++)
			if (dst_covers(&c.d[i], &c.pfx[p]))
				members[m++] = i;
		qsort(members, m, sizeof(*members), group_cmp);
		grp.n = m;
		grp.any.need = 0xffff;
		grp.any.proto_lo = 255;
		grp.any.dport_lo = grp.any.sport_lo = 65535;
		for (size_t j = 0; j < m; j++) {
			struct bgps_fs_slot *sl = &grp.slot[j];

			*sl = c.slot[members[j]];
			sl->rule = newbase + members[j];
			fill_buckets(grp.by_proto, BGPS_FS_PBUCKETS,
				     sl->proto_lo, sl->proto_hi, j);
			fill_buckets(grp.by_dport, BGPS_FS_DBUCKETS,
				     sl->dport_lo, sl->dport_hi, j);
			grp.any.need &= sl->need;
#define WIDEN(f)                                                    \
	do {                                                        \
		if (sl->f##_lo < grp.any.f##_lo)                    \
			grp.any.f##_lo = sl->f##_lo;                \
		if (sl->f##_hi > grp.any.f##_hi)                    \
			grp.any.f##_hi = sl->f##_hi;                \
	} while (0)
			/* an empty hull (lo > hi) widens nothing */
			if (sl->proto_lo <= sl->proto_hi)
				WIDEN(proto);
			if (sl->dport_lo <= sl->dport_hi)
				WIDEN(dport);
			if (sl->sport_lo <= sl->sport_hi)
				WIDEN(sport);
#undef WIDEN
		}
		lpm_key(&c.pfx[p], key, &klen);
		/* the hash first: the program uses it only while the
		 * lengths in fs_meta list this one, and the trie otherwise */
		if (bpf_map_update_elem(g->map_fd[c.pfx[p].v6 ? GM_FS_HASH6
							      : GM_FS_HASH4],
					key, &grp, BPF_ANY) < 0 ||
		    bpf_map_update_elem(g->map_fd[c.pfx[p].v6 ? GM_FS_DST6
							      : GM_FS_DST4],
					key, &grp, BPF_ANY) < 0) {
			r = -errno;
			snprintf(err, el, "flowspec: writing a destination "
				 "group: %s", strerror(errno));
			goto out;
		}
	}
	if ((r = prune_tries(g, &c)))
		goto out;

	/* Narrow the bitmaps, flags per family, then clear the old half. */
	memset(&meta->dst4, 0, sizeof(meta->dst4));
	memset(&meta->dst6, 0, sizeof(meta->dst6));
	memset(&meta->dst4_short, 0, sizeof(meta->dst4_short));
	for (size_t p = 0; p < c.npfx; p++) {
		fs_bits_set(c.pfx[p].v6 ? &meta->dst6 : &meta->dst4, &c.pfx[p]);
		short_set(meta, &c.pfx[p]);
	}
	meta->nlens4 = meta->nlens6 = 0;
	lens_of(meta, c.pfx, c.npfx);
	meta->half = old->half ? 0 : 1;
	meta->nrules = n;
	if (bpf_map_update_elem(g->map_fd[GM_FS_META], &zero, meta, BPF_ANY)) {
		r = -errno;
		snprintf(err, el, "flowspec: writing fs_meta: %s",
			 strerror(errno));
		goto out;
	}
	set_fs_flags(g, npf[0] > 0, npf[1] > 0);
	/* the /24 bits narrowed after the meta, as the /16 bits */
	if ((r = pf24_write(g, w24wide, w24new))) {
		snprintf(err, el, "flowspec: writing fs_pf24: %s",
			 strerror(-r));
		goto out;
	}
	{
		struct bgps_fs_rule empty = { 0 };

		for (__u32 i = 0; i < old->nrules && i < BGPS_FS_MAX_RULES;
		     i++) {
			__u32 key = oldbase + i;

			bpf_map_update_elem(rfd, &key, &empty, BPF_ANY);
		}
	}
out:
	free(c.nr);
	free(c.slot);
	free(c.d);
	free(c.pfx);
	free(members);
	free(meta);
	free(old);
	free(oh);
	free(w24old);
	free(w24wide);
	free(w24new);
	return r;
}

int guard_flow_foreach(struct guard *g, guard_flow_cb cb, void *arg)
{
	struct bgps_fs_meta meta;
	__u32 zero = 0, base;
	int r;

	if (g->map_fd[GM_FS_META] < 0 || g->map_fd[GM_FS_RULES] < 0)
		return 0; /* pins from before flowspec: no rules */
	if (bpf_map_lookup_elem(g->map_fd[GM_FS_META], &zero, &meta) < 0)
		return -errno;
	base = meta.half ? BGPS_FS_MAX_RULES : 0;
	for (__u32 i = 0; i < meta.nrules && i < BGPS_FS_MAX_RULES; i++) {
		struct bgps_fs_rule rl;
		__u32 key = base + i;

		if (bpf_map_lookup_elem(g->map_fd[GM_FS_RULES], &key, &rl) < 0)
			return -errno;
		if (!(rl.flags & BGPS_FSR_USED))
			continue;
		if ((r = cb(&rl, arg)))
			return r;
	}
	return 0;
}


void guard_flow_format(const struct bgps_fs_rule *r, char *buf, size_t len)
{
	static const char *const act[] = { "accept", "discard", "rate-bytes",
					   "rate-packets", "count" };
	int v6 = !!(r->flags & BGPS_FSR_V6), af = v6 ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN];
	size_t o = 0;

#define PUT(...)                                                         \
	do {                                                             \
		int w_ = snprintf(buf + o, o < len ? len - o : 0,         \
				  __VA_ARGS__);                          \
		if (w_ > 0)                                              \
			o += w_;                                         \
	} while (0)
	if (len)
		buf[0] = 0;
	inet_ntop(af, r->dst_addr, a, sizeof(a));
	PUT("destination %s/%u", a, r->dst_plen);
	if (r->dst_off)
		PUT(" offset %u", r->dst_off);
	if (r->flags & BGPS_FSR_SRC) {
		inet_ntop(af, r->src_addr, a, sizeof(a));
		PUT(" source %s/%u", a, r->src_plen);
		if (r->src_off)
			PUT(" offset %u", r->src_off);
	}
	for (unsigned int i = 0; i < r->nops && i < BGPS_FS_MAX_OPS; i++) {
		const struct bgps_fs_op *op = &r->ops[i];
		/* BGPS_FSF_* are the RFC 8955 type codes (field_of()) */
		const char *fname = field_of(op->field) == op->field
					    ? fs_type_name(op->field)
					    : NULL;

		if (op->flags & BGPS_FSO_FIRST)
			PUT(" %s ", fname ? fname : "?");
		else
			PUT("%s", op->flags & BGPS_FSO_AND ? "&" : "|");
		if (op->flags & BGPS_FSO_BITMASK) {
			PUT("%s%s0x%x", op->flags & BGPS_FSO_NOT ? "!" : "",
			    op->flags & BGPS_FSO_MATCH ? "=" : "", op->value);
		} else {
			static const char *const cmp[8] = {
				"false", "=", ">", ">=", "<", "<=", "!=",
				"true" };

			PUT("%s%u", cmp[op->flags & 7], op->value);
		}
	}
	PUT(" then %s", act[r->action < 5 ? r->action : 0]);
	if (r->action == BGPS_FSA_RATE_BYTES || r->action == BGPS_FSA_RATE_PKTS)
		PUT(" %.0f", r->interval_q16 ? 65536.0 * 1e9 /
						       (double)r->interval_q16
					     : 0.0);
#undef PUT
}
