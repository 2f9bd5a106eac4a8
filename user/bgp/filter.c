// SPDX-License-Identifier: GPL-2.0-only
/*
 * Route filtering (filter.h): one direction's cfg_filter against one route.
 *
 * filter_check runs once per received prefix during a full-table ingest, so
 * the pass path allocates nothing and formats nothing: every rule is a few
 * integer compares or one trie walk (plist.c), and the reason text is built
 * only when a route is refused.
 *
 * The bogon table below is the one source: filter_bogons() hands it to
 * "bgpshieldctl show bogons", and the matcher is compiled from the same
 * strings on first use.
 */
#include <endian.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "filter.h"
#include "plist.h"

/*
 * Bogons: ranges that never carry a route on the Internet.  The source is
 * the IANA special-purpose registries (RFC 6890 and its updates); a range
 * the registry calls globally reachable is not listed.  A prefix is a
 * bogon when it lies inside an entry (an equal or longer prefix); a
 * shorter prefix that merely covers one (8.0.0.0/6 covers 10.0.0.0/8) also
 * covers real space and is left to the other rules (0/0: reject-default).
 *
 * Deliberately out:
 *  - 2002::/16 (6to4, RFC 3056): RFC 7526 deprecated only the anycast
 *    relay prefix 192.88.99.0/24; 2002::/16 itself is still announced by
 *    working relays, and the IANA registry leaves it routable.
 *  - 2001::/32 (Teredo, RFC 4380) and 2001:20::/28 (ORCHIDv2, RFC 7343):
 *    globally reachable per the registry.
 *  - 64:ff9b::/96 (RFC 6052 NAT64) is not listed on its own: it lies
 *    inside ::/8 and is refused as such.
 *
 * IPv6 outside 2000::/3 is not global unicast (IANA IPv6 address space:
 * only 2000::/3 is allocated for unicast, RFC 4291 §2.4), written as the
 * three prefixes of its complement so the "inside" rule stays the same;
 * the longest matching entry is reported, so fe80::/64 names link-local,
 * not "outside 2000::/3".
 */
#define BOGONS(X)                                                              \
	X("0.0.0.0/8", "this network", "RFC 791, RFC 1122")                    \
	X("10.0.0.0/8", "private-use", "RFC 1918")                             \
	X("100.64.0.0/10", "shared address space (CGN)", "RFC 6598")           \
	X("127.0.0.0/8", "loopback", "RFC 1122")                               \
	X("169.254.0.0/16", "link-local", "RFC 3927")                          \
	X("172.16.0.0/12", "private-use", "RFC 1918")                          \
	X("192.0.0.0/24", "IETF protocol assignments", "RFC 6890")             \
	X("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737")            \
	X("192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526")       \
	X("192.168.0.0/16", "private-use", "RFC 1918")                         \
	X("198.18.0.0/15", "benchmarking", "RFC 2544")                         \
	X("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737")         \
	X("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737")          \
	X("224.0.0.0/4", "multicast", "RFC 5771")                              \
	X("240.0.0.0/4", "reserved, and limited broadcast 255.255.255.255",    \
	  "RFC 1112, RFC 919")                                                 \
	X("::/8", "reserved: unspecified, loopback, IPv4-mapped, NAT64",       \
	  "RFC 4291, RFC 6052")                                                \
	X("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215")     \
	X("100::/64", "discard-only", "RFC 6666")                              \
	X("2001:2::/48", "benchmarking", "RFC 5180")                           \
	X("2001:10::/28", "deprecated ORCHID", "RFC 4843")                     \
	X("2001:db8::/32", "documentation", "RFC 3849")                        \
	X("3ffe::/16", "former 6bone", "RFC 3701")                             \
	X("3fff::/20", "documentation", "RFC 9637")                            \
	X("5f00::/16", "SRv6 SIDs", "RFC 9602")                                \
	X("fc00::/7", "unique local", "RFC 4193")                              \
	X("fe80::/10", "link-local", "RFC 4291")                               \
	X("fec0::/10", "deprecated site-local", "RFC 3879")                    \
	X("ff00::/8", "multicast", "RFC 4291")                                 \
	X("::/3", "not global unicast (outside 2000::/3)", "RFC 4291")         \
	X("4000::/2", "not global unicast (outside 2000::/3)", "RFC 4291")     \
	X("8000::/1", "not global unicast (outside 2000::/3)", "RFC 4291")

#define BOGON_ENTRY(p, w, r) {p, w, r},
#define BOGON_DESC(p, w, r) p ", " w ", " r,

static const struct filter_bogon bogon_tab[] = {BOGONS(BOGON_ENTRY)};
/* "10.0.0.0/8, private-use, RFC 1918": filter_is_bogon's desc */
static const char *const bogon_desc[] = {BOGONS(BOGON_DESC)};

#define NBOGONS (sizeof(bogon_tab) / sizeof(bogon_tab[0]))

/*
 * Compiled form: each entry as a 128-bit value and mask (IPv4 in the top
 * 32 bits), and per family a bitmap of the entries that can contain an
 * address with a given first octet.  For most Internet prefixes that
 * bitmap is empty and the lookup is one load.
 */
struct bogon_m {
	int family;
	int plen;
	uint64_t hi, lo, mhi, mlo;
};

static struct bogon_m bogon_m[NBOGONS];
static uint64_t bogon_by_octet[2][256];
static pthread_once_t bogon_once = PTHREAD_ONCE_INIT;

_Static_assert(NBOGONS <= 64, "bogon bitmaps are 64 bits");

static void mask_of(int plen, uint64_t *mhi, uint64_t *mlo)
{
	*mhi = plen <= 0 ? 0 : plen >= 64 ? ~0ull : ~0ull << (64 - plen);
	*mlo = plen <= 64 ? 0 : plen >= 128 ? ~0ull : ~0ull << (128 - plen);
}

/* addr as two big-endian words; IPv4 lands in the top 32 bits of hi. */
static void load128(const struct prefix *p, uint64_t *hi, uint64_t *lo)
{
	uint64_t w[2] = {0, 0};

	memcpy(w, p->addr, p->family == AF_INET ? 4 : 16);
	*hi = be64toh(w[0]);
	*lo = be64toh(w[1]);
}

static void bogon_init(void)
{
	for (size_t i = 0; i < NBOGONS; i++) {
		struct bogon_m *m = &bogon_m[i];
		struct prefix p;
		char err[128];
		int first, last, fam;

		if (prefix_parse(bogon_tab[i].prefix, &p, err, sizeof(err))) {
			/* the table is constant: a typo is a build defect */
			fprintf(stderr, "filter: bogon table: %s\n", err);
			abort();
		}
		m->family = p.family;
		m->plen = p.plen;
		load128(&p, &m->hi, &m->lo);
		mask_of(p.plen, &m->mhi, &m->mlo);
		/* first octets this entry spans */
		fam = p.family == AF_INET6;
		first = p.addr[0];
		last = p.plen >= 8 ? first : first | (0xff >> p.plen);
		for (int o = first; o <= last; o++)
			bogon_by_octet[fam][o] |= 1ull << i;
	}
}

/* Index of the longest bogon entry containing p, or -1. */
static int bogon_find(const struct prefix *p)
{
	uint64_t cand, hi, lo;
	int best = -1;

	if (p->family != AF_INET && p->family != AF_INET6)
		return -1;
	pthread_once(&bogon_once, bogon_init);
	cand = bogon_by_octet[p->family == AF_INET6][p->addr[0]];
	if (!cand)
		return -1;
	load128(p, &hi, &lo);
	while (cand) {
		int i = __builtin_ctzll(cand);
		const struct bogon_m *m = &bogon_m[i];

		cand &= cand - 1;
		if (m->family != p->family || p->plen < m->plen)
			continue;
		if ((hi & m->mhi) != m->hi || (lo & m->mlo) != m->lo)
			continue;
		if (best < 0 || m->plen > bogon_m[best].plen)
			best = i;
	}
	return best;
}

int filter_is_bogon(const struct prefix *p, const char **desc)
{
	int i = bogon_find(p);

	if (i < 0)
		return 0;
	if (desc)
		*desc = bogon_desc[i];
	return 1;
}

size_t filter_bogons(const struct filter_bogon **out)
{
	*out = bogon_tab;
	return NBOGONS;
}

/*
 * AS 0: RFC 7607 (never in a path).  23456 AS_TRANS: RFC 6793, a
 * placeholder for a 4-octet AS seen by an old speaker, never a real hop.
 * 64496-64511 and 65536-65551: documentation, RFC 5398.  64512-65534 and
 * 4200000000-4294967294: private use, RFC 6996.  65535 and 4294967295:
 * last ASNs, reserved, RFC 7300.
 */
int filter_asn_private(uint32_t asn)
{
	return asn == 0 || asn == 23456 || (asn >= 64496 && asn <= 65551) ||
	       asn >= 4200000000u;
}

/* --- the rules --------------------------------------------------------------
 */

/* snprintf into why; tolerates a NULL or empty buffer. */
__attribute__((format(printf, 3, 4))) static int
refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Append to why at *n, never past whylen. */
static void append(char *why, size_t whylen, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (!why || *n + 1 >= whylen)
		return;
	if (l > whylen - 1 - *n)
		l = whylen - 1 - *n;
	memcpy(why + *n, s, l);
	*n += l;
	why[*n] = 0;
}

static const char *plist_name(const struct cfg_filter *f, size_t i)
{
	if (f->plist_ref && f->plist_ref[i] && f->plist_ref[i]->name)
		return f->plist_ref[i]->name;
	if (f->plists && f->plists[i].name)
		return f->plists[i].name;
	return "?";
}

static int plists_pass(const struct cfg_filter *f, const struct prefix *p)
{
	/* an unresolved list matches nothing: fail closed */
	if (!f->plist_ref)
		return 0;
	for (size_t i = 0; i < f->nplists; i++) {
		const struct cfg_plist *l = f->plist_ref[i];

		if (l && l->trie && plist_match(l->trie, p))
			return 1;
	}
	return 0;
}

static int plists_refuse(const struct cfg_filter *f, char *why, size_t whylen)
{
	size_t n = 0;

	if (!why || !whylen)
		return -1;
	why[0] = 0;
	append(why, whylen, &n,
	       f->nplists == 1 ? "not in prefix-list "
			       : "not in prefix-lists ");
	for (size_t i = 0; i < f->nplists; i++) {
		if (i)
			append(why, whylen, &n, ", ");
		append(why, whylen, &n, plist_name(f, i));
	}
	return -1;
}

/* h (a host) inside a (a prefix of the same family)? */
static int inside(const struct prefix *h, const struct prefix *a)
{
	uint64_t hh, hl, ah, al, mh, ml;

	if (h->family != a->family)
		return 0;
	load128(h, &hh, &hl);
	load128(a, &ah, &al);
	mask_of(a->plen, &mh, &ml);
	return (hh & mh) == (ah & mh) && (hl & ml) == (al & ml);
}

static int same_host(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

static int nh_allowed(const struct cfg_filter *f, const struct prefix *nh)
{
	for (size_t i = 0; i < f->nnh_allow; i++)
		if (inside(nh, &f->nh_allow[i]))
			return 1;
	return 0;
}

static int nh_refuse(const struct cfg_filter *f, enum filter_dir dir,
		     const struct filter_route *r, char *why, size_t whylen)
{
	char nb[PREFIX_STRLEN];
	const char *what = dir == FILTER_IMPORT ? "the peer" : "self";

	if (!r->next_hop.family)
		return refuse(why, whylen,
			      "no global next hop to check (next-hop %s%s)",
			      dir == FILTER_IMPORT ? "peer" : "self",
			      f->nnh_allow ? " or an allowed prefix" : "");
	prefix_fmt(&r->next_hop, nb, sizeof(nb));
	if (!f->nnh_allow)
		return refuse(why, whylen, "next hop %s is not %s", nb, what);
	return refuse(why, whylen,
		      "next hop %s is neither %s nor inside an allowed "
		      "next-hop prefix",
		      nb, what);
}

static int nh_pass(const struct cfg_filter *f, enum filter_dir dir,
		   const struct filter_route *r, const struct filter_ctx *ctx)
{
	if (dir == FILTER_EXPORT && r->nh_self)
		return 1;
	if (!r->next_hop.family)
		return 0;
	if (dir == FILTER_IMPORT && ctx && ctx->peer &&
	    same_host(&r->next_hop, ctx->peer))
		return 1;
	return nh_allowed(f, &r->next_hop);
}

int filter_check(const struct cfg_filter *f, enum filter_dir dir,
		 const struct filter_route *r, const struct filter_ctx *ctx,
		 char *why, size_t whylen)
{
	const struct prefix *p = &r->prefix;
	int b;

	if (why && whylen)
		why[0] = 0;
	if (!f || !f->present) {
		/* RFC 8212 §2: no policy, nothing in or out over eBGP */
		if (ctx && ctx->rfc8212_strict && ctx->ebgp)
			return refuse(why, whylen,
				      "RFC 8212: no %s policy for eBGP "
				      "neighbor",
				      dir == FILTER_IMPORT ? "import"
							   : "export");
		return 0;
	}
	if (f->reject_default && p->plen == 0)
		return refuse(why, whylen, "default route");
	if (f->reject_bogons && (b = bogon_find(p)) >= 0) {
		char pb[PREFIX_STRLEN];
		const struct filter_bogon *e = &bogon_tab[b];

		prefix_fmt(p, pb, sizeof(pb));
		if (p->plen == bogon_m[b].plen)
			return refuse(why, whylen, "bogon %s (%s, %s)", pb,
				      e->what, e->rfc);
		return refuse(why, whylen, "bogon %s (inside %s)", pb,
			      bogon_desc[b]);
	}
	if (f->nplists && !plists_pass(f, p))
		return plists_refuse(f, why, whylen);
	if (f->max_as_path_len && r->as_path_len > f->max_as_path_len)
		return refuse(why, whylen,
			      "AS_PATH length %zu over max-as-path-length %u",
			      r->as_path_len, f->max_as_path_len);
	if (f->reject_private_asn && r->as_path)
		for (size_t i = 0; i < r->as_path_n; i++)
			if (filter_asn_private(r->as_path[i]))
				return refuse(why, whylen,
					      "private ASN %u in AS_PATH",
					      r->as_path[i]);
	if (f->nh_check && !nh_pass(f, dir, r, ctx))
		return nh_refuse(f, dir, r, why, whylen);
	if (f->med_range && r->has_med &&
	    (r->med < f->med_min || r->med > f->med_max))
		return refuse(why, whylen, "MED %u outside %u-%u", r->med,
			      f->med_min, f->med_max);
	if (f->local_pref_range && r->has_local_pref &&
	    (r->local_pref < f->lp_min || r->local_pref > f->lp_max))
		return refuse(why, whylen, "LOCAL_PREF %u outside %u-%u",
			      r->local_pref, f->lp_min, f->lp_max);
	return 0;
}
