// SPDX-License-Identifier: GPL-2.0-only
/* Prefix-list matching with one plain binary trie per address family.
 *
 * An entry "P ge G le L" is stored at the node reached by P's first P.plen
 * bits, as bits G..L of a per-node length mask.  A query X walks its own
 * bits from the root: every node on that path is a prefix of X, so X is
 * inside the entries stored there, and only the length test remains, one
 * bit test per node.  Cost is O(X.plen) (at most 33 or 129 nodes), with no
 * dependence on the number of entries and no recursion.
 *
 * Nodes live in one array addressed by 32-bit index, not pointers, to keep
 * them at 12 bytes: a 100,000-entry list of long IPv6 prefixes may need
 * millions of nodes.  Masks are kept apart, since only entry nodes need
 * one, and a 129-bit mask is too big to carry on every node. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plist.h"

#define PL_NONE 0u		/* no child / no mask; slot 0 is never used */

struct pl_node {
	uint32_t child[2];
	uint32_t mask;		/* index into masks[], or PL_NONE */
};

/* Lengths 0..128: 129 bits. */
struct pl_mask {
	uint64_t w[3];
};

struct plist {
	struct pl_node *nodes;
	uint32_t nnodes, cap_nodes;
	struct pl_mask *masks;
	uint32_t nmasks, cap_masks;
	uint32_t root[2];	/* [0] IPv4, [1] IPv6 */
	size_t count;
};

static int grow(void **arr, uint32_t *cap, size_t elem)
{
	uint32_t ncap;
	void *n;

	/* Indexes are 32-bit; refuse rather than wrap. */
	if (*cap >= UINT32_MAX / 2)
		return -1;
	ncap = *cap ? *cap * 2 : 64;
	n = reallocarray(*arr, ncap, elem);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static uint32_t node_new(struct plist *l)
{
	if (l->nnodes >= l->cap_nodes &&
	    grow((void **)&l->nodes, &l->cap_nodes, sizeof(*l->nodes)))
		return PL_NONE;
	memset(&l->nodes[l->nnodes], 0, sizeof(*l->nodes));
	return l->nnodes++;
}

struct plist *plist_new(void)
{
	struct plist *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	/* Slot 0 is the "none" sentinel (node_new returns 0 for it, which
	 * is why it is reserved here by hand); then the two roots. */
	if (grow((void **)&l->nodes, &l->cap_nodes, sizeof(*l->nodes)))
		goto fail;
	memset(&l->nodes[0], 0, sizeof(*l->nodes));
	l->nnodes = 1;
	l->root[0] = node_new(l);
	l->root[1] = node_new(l);
	if (l->root[0] == PL_NONE || l->root[1] == PL_NONE)
		goto fail;
	l->nmasks = 1;		/* masks[0] is the sentinel too */
	return l;
fail:
	plist_free(l);
	return NULL;
}

void plist_free(struct plist *l)
{
	if (!l)
		return;
	free(l->nodes);
	free(l->masks);
	free(l);
}

size_t plist_count(const struct plist *l)
{
	return l ? l->count : 0;
}

static int bit_at(const uint8_t *a, int i)
{
	return (a[i >> 3] >> (7 - (i & 7))) & 1;
}

static int family_idx(int family)
{
	if (family == AF_INET)
		return 0;
	if (family == AF_INET6)
		return 1;
	return -1;
}

/* The entry as the operator wrote it, so every refusal can quote it. */
static void entry_str(const struct prefix *p, int ge, int le, char *buf,
		      size_t len)
{
	char pb[PREFIX_STRLEN];
	int n;

	n = snprintf(buf, len, "%s", prefix_fmt(p, pb, sizeof(pb)));
	if (ge != -1 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " ge %d", ge);
	if (le != -1 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " le %d", le);
}

static int host_bits_set(const struct prefix *p, int max)
{
	int i;

	for (i = p->plen; i < max; i++)
		if (bit_at(p->addr, i))
			return 1;
	return 0;
}

int plist_add(struct plist *l, const struct prefix *p, int ge, int le,
	      char *err, size_t errlen)
{
	char es[PREFIX_STRLEN + 32];
	struct pl_mask *m;
	uint32_t n, c;
	int fi, max, d, b;

	fi = p ? family_idx(p->family) : -1;
	if (!l || fi < 0) {
		snprintf(err, errlen, "prefix-list entry: unsupported address family");
		return -1;
	}
	max = fi ? 128 : 32;
	if (p->plen < 0 || p->plen > max) {
		snprintf(err, errlen,
			 "prefix-list entry: prefix length %d out of range 0..%d",
			 p->plen, max);
		return -1;
	}
	entry_str(p, ge, le, es, sizeof(es));
	if (host_bits_set(p, max)) {
		snprintf(err, errlen, "%s: host bits set beyond /%d", es,
			 p->plen);
		return -1;
	}
	if (ge != -1 && ge < p->plen) {
		snprintf(err, errlen,
			 "%s: ge must be at least the prefix length (%d)", es,
			 p->plen);
		return -1;
	}
	if (ge > max) {
		snprintf(err, errlen, "%s: ge must be at most %d", es, max);
		return -1;
	}
	if (le != -1 && le < p->plen) {
		snprintf(err, errlen,
			 "%s: le must be at least the prefix length (%d)", es,
			 p->plen);
		return -1;
	}
	if (le > max) {
		snprintf(err, errlen, "%s: le must be at most %d", es, max);
		return -1;
	}
	if (ge != -1 && le != -1 && ge > le) {
		snprintf(err, errlen, "%s: ge must not be greater than le", es);
		return -1;
	}
	if (ge == -1 && le == -1)
		ge = le = p->plen;
	else if (ge == -1)
		ge = p->plen;
	else if (le == -1)
		le = max;

	/* Walk/create P's path.  Nodes already made stay on failure: they
	 * carry no mask, so they change no answer. */
	n = l->root[fi];
	for (d = 0; d < p->plen; d++) {
		b = bit_at(p->addr, d);
		c = l->nodes[n].child[b];
		if (c == PL_NONE) {
			c = node_new(l);
			if (c == PL_NONE)
				goto oom;
			l->nodes[n].child[b] = c;
		}
		n = c;
	}
	if (l->nodes[n].mask == PL_NONE) {
		if (l->nmasks >= l->cap_masks &&
		    grow((void **)&l->masks, &l->cap_masks, sizeof(*l->masks)))
			goto oom;
		memset(&l->masks[l->nmasks], 0, sizeof(*l->masks));
		l->nodes[n].mask = l->nmasks++;
	}
	m = &l->masks[l->nodes[n].mask];
	for (d = ge; d <= le; d++)
		m->w[d >> 6] |= 1ull << (d & 63);
	l->count++;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", es);
	return -1;
}

int plist_match(const struct plist *l, const struct prefix *x)
{
	const struct pl_mask *m;
	uint32_t n;
	int fi, max, d;

	if (!l || !x)
		return 0;
	fi = family_idx(x->family);
	if (fi < 0)
		return 0;
	max = fi ? 128 : 32;
	if (x->plen < 0 || x->plen > max)
		return 0;
	/* Node at depth d is x's first d bits: every entry there contains x. */
	n = l->root[fi];
	for (d = 0;; d++) {
		if (l->nodes[n].mask != PL_NONE) {
			m = &l->masks[l->nodes[n].mask];
			if (m->w[x->plen >> 6] >> (x->plen & 63) & 1)
				return 1;
		}
		if (d == x->plen)
			return 0;
		n = l->nodes[n].child[bit_at(x->addr, d)];
		if (n == PL_NONE)
			return 0;
	}
}
