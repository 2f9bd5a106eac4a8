// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guard's flowspec limits as pure functions (fs_limits.h): the same
 * rules user/guard/flowspec.c's compile refuses, checked where no BPF map
 * is at hand (the engine's pre-check of an API announcement, the parent's
 * validation of what the engine sends).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgpshield_guard.h"
#include "flowspec.h"
#include "fs_limits.h"

#define lerr(...) (snprintf(why, wl, __VA_ARGS__), -1)

int fs_rule_check(const struct fs_rule *r, char *why, size_t wl)
{
	int v6 = r->family == AF_INET6, maxlen = v6 ? 128 : 32, last = 0;
	unsigned int ops = 0;

	if (r->family != AF_INET && r->family != AF_INET6)
		return lerr("family %u is neither IPv4 nor IPv6", r->family);
	if (r->ncomp > FS_MAX_COMP)
		return lerr("%u components, at most %d", r->ncomp,
			    FS_MAX_COMP);
	for (unsigned int c = 0; c < r->ncomp; c++) {
		const struct fs_comp *fc = &r->comp[c];

		/* RFC 8955 §4.2: ascending, each type once */
		if (fc->type <= last || fc->type > FS_TYPE_MAX)
			return lerr("component type %u out of order, repeated "
				    "or unknown", fc->type);
		last = fc->type;
		if (fc->type == FS_DST || fc->type == FS_SRC) {
			if (fc->plen > maxlen || (fc->offset && !v6) ||
			    (fc->offset && fc->offset >= fc->plen))
				return lerr("prefix length %u offset %u is "
					    "invalid", fc->plen, fc->offset);
			continue;
		}
		if (fc->type == FS_FLOW_LABEL && !v6)
			return lerr("flow-label is IPv6 only (RFC 8956 §3.7)");
		if (!fc->nops || fc->nops > FS_MAX_OPS)
			return lerr("component %u has %u operators, 1 to %d "
				    "allowed", fc->type, fc->nops, FS_MAX_OPS);
		ops += fc->nops;
		if (ops > BGPS_FS_MAX_OPS)
			return lerr("more than %d operators in all (the "
				    "guard's limit per rule)", BGPS_FS_MAX_OPS);
	}
	if (!r->ncomp)
		return lerr("a rule without components");
	if (((r->act.flags & FS_ACT_RATE_BYTES) &&
	     !(isfinite(r->act.rate_bytes) && r->act.rate_bytes >= 0)) ||
	    ((r->act.flags & FS_ACT_RATE_PKTS) &&
	     !(isfinite(r->act.rate_pkts) && r->act.rate_pkts >= 0)))
		return lerr("traffic-rate is not a non-negative number");
	return 0;
}

void fs_lim_init(struct fs_lim *l)
{
	memset(l, 0, sizeof(*l));
}

void fs_lim_free(struct fs_lim *l)
{
	free(l->p);
	fs_lim_init(l);
}

/* The destination the guard files r under (user/guard/flowspec.c). */
static void dkey(const struct fs_rule *r, struct fs_lim_pfx *k)
{
	const struct fs_comp *d = fs_rule_comp(r, FS_DST);

	memset(k, 0, sizeof(*k));
	k->v6 = r->family == AF_INET6;
	if (d && !d->offset) {
		k->plen = d->plen;
		memcpy(k->addr, d->addr, 16);
		/* host bits do not count (the compile masks them) */
		for (unsigned int b = d->plen; b < 128; b++)
			k->addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	}
}

/* Does prefix a cover b (a no longer than b, the same bits)? */
static int covers(const struct fs_lim_pfx *a, const struct fs_lim_pfx *b)
{
	unsigned int whole = a->plen / 8, rest = a->plen % 8;
	uint8_t m = (uint8_t)(0xff00 >> rest);

	if (a->v6 != b->v6 || a->plen > b->plen)
		return 0;
	/* whole octets, then the bits of the last one (this runs once per
	 * destination for every rule added: keep it cheap) */
	if (memcmp(a->addr, b->addr, whole))
		return 0;
	return !rest || (a->addr[whole] & m) == (b->addr[whole] & m);
}

int fs_lim_add(struct fs_lim *l, const struct fs_rule *r, int commit,
	       char *why, size_t wl)
{
	struct fs_lim_pfx k;
	size_t at = l->np;
	unsigned int cnt = 1;

	if (fs_rule_check(r, why, wl))
		return -1;
	if (l->n + 1 > BGPS_FS_MAX_RULES)
		return lerr("the guard holds at most %d flowspec rules",
			    BGPS_FS_MAX_RULES);
	dkey(r, &k);
	/* The new rule applies to its own destination and to every one it
	 * covers; each of those must stay within BGPS_FS_PER_PREFIX.  (The
	 * distinct-destination limit, 4096 a family, cannot be reached
	 * before the rule limit.) */
	for (size_t i = 0; i < l->np; i++) {
		const struct fs_lim_pfx *q = &l->p[i];

		if (q->v6 == k.v6 && q->plen == k.plen &&
		    !memcmp(q->addr, k.addr, 16))
			at = i;
		else if (covers(q, &k) && at == l->np)
			cnt += q->own; /* counted again below if k exists */
		if (covers(&k, q) && q->cnt + 1 > BGPS_FS_PER_PREFIX)
			goto over;
	}
	if (at == l->np && cnt > BGPS_FS_PER_PREFIX)
		goto over;
	if (!commit)
		return 0;
	if (at == l->np) {
		if (l->np == l->cap) {
			size_t nc = l->cap ? 2 * l->cap : 16;
			struct fs_lim_pfx *np = realloc(l->p, nc * sizeof(*np));

			if (!np)
				return snprintf(why, wl, "out of memory"), -2;
			l->p = np;
			l->cap = nc;
		}
		k.cnt = 0; /* raised with the others just below */
		l->p[l->np++] = k;
		/* the rules of covering prefixes apply to it too */
		for (size_t i = 0; i + 1 < l->np; i++)
			if (covers(&l->p[i], &k))
				l->p[at].cnt += l->p[i].own;
	}
	l->p[at].own++;
	for (size_t i = 0; i < l->np; i++)
		if (covers(&k, &l->p[i]))
			l->p[i].cnt++;
	l->n++;
	return 0;
over: {
	char a[INET6_ADDRSTRLEN];

	inet_ntop(k.v6 ? AF_INET6 : AF_INET, k.addr, a, sizeof(a));
	return lerr("more than %d rules would apply to destination %s/%u "
		    "(covering prefixes included), the guard tries at most "
		    "%d per destination", BGPS_FS_PER_PREFIX, a, k.plen,
		    BGPS_FS_PER_PREFIX);
}
}

int fs_set_check(const struct fs_rule *r, size_t n, char *why, size_t wl)
{
	struct fs_lim l;
	int rc = 0;

	fs_lim_init(&l);
	for (size_t i = 0; i < n && !rc; i++) {
		char w[200];

		if ((rc = fs_lim_add(&l, &r[i], 1, w, sizeof(w))))
			snprintf(why, wl, "flowspec rule %zu: %s", i + 1, w);
	}
	fs_lim_free(&l);
	return rc;
}
