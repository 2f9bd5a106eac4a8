// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for user/bgp/filter.c: every rule at its edges, the refusal texts
 * an operator reads in the audit log, the rule order, RFC 8212, and the
 * bogon table checked entry by entry against a plain bit-by-bit scan,
 * because a wrong filter silently leaks or drops routes. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "config.h"
#include "filter.h"
#include "plist.h"

static struct prefix P(const char *s) {
	struct prefix p;
	char err[256] = "";

	if (prefix_parse(s, &p, err, sizeof(err))) {
		fprintf(stderr, "\n  bad test prefix '%s': %s\n", s, err);
		CU_FAIL_FATAL("test prefix");
	}
	return p;
}

static struct filter_route
R(const char *pfx) {
	struct filter_route r;

	memset(&r, 0, sizeof(r));
	r.prefix = P(pfx);
	return r;
}

static struct cfg_filter
F(void) {
	struct cfg_filter f;

	memset(&f, 0, sizeof(f));
	f.present = 1;
	return f;
}

static const struct prefix *
peer4(void)
{
	static struct prefix p;

	p = P("192.0.2.1");
	return &p;
}

static struct filter_ctx CTX = {0};

/* filter_check, and its why compared when want is given. */
static int chk_at(const struct cfg_filter *f, enum filter_dir dir,
		  const struct filter_route *r, const struct filter_ctx *ctx,
		  int rc, const char *want, int line)
{
	char why[FILTER_WHY_MAX];
	int got;

	memset(why, 'x', sizeof(why));
	got = filter_check(f, dir, r, ctx, why, sizeof(why));
	CU_ASSERT_EQUAL(got, rc);
	if (got != rc)
		fprintf(stderr, "\n  line %d: rc %d, want %d ('%s')\n", line,
			got, rc, why);
	if (rc == 0) {
		/* a pass leaves an empty reason, not stale text */
		CU_ASSERT_EQUAL(why[0], 0);
	} else if (want) {
		CU_ASSERT_STRING_EQUAL(why, want);
		if (strcmp(why, want))
			fprintf(stderr, "\n  line %d: got '%s'\n  want '%s'\n",
				line, why, want);
	}
	return got;
}

#define PASS(f, d, r) chk_at(f, d, r, &CTX, 0, NULL, __LINE__)
#define REFUSE(f, d, r, w) chk_at(f, d, r, &CTX, -1, w, __LINE__)

/* --- RFC 8212 ------------------------------------------------------------- */

static void test_rfc8212(void)
{
	struct filter_route r = R("8.8.8.0/24");
	struct cfg_filter absent, present = F();

	memset(&absent, 0, sizeof(absent));
	for (int strict = 0; strict < 2; strict++)
		for (int ebgp = 0; ebgp < 2; ebgp++)
			for (int d = 0; d < 2; d++) {
				struct filter_ctx c = {.peer = peer4(),
						       .ebgp = ebgp,
						       .rfc8212_strict =
							       strict};
				const char *w =
					d ? "RFC 8212: no export policy for "
					    "eBGP neighbor"
					  : "RFC 8212: no import policy for "
					    "eBGP neighbor";
				int rc = strict && ebgp ? -1 : 0;

				chk_at(&absent, d, &r, &c, rc, w, __LINE__);
				chk_at(NULL, d, &r, &c, rc, w, __LINE__);
				/* an empty block is a policy: accept all */
				chk_at(&present, d, &r, &c, 0, NULL, __LINE__);
			}
	/* absent means no rule applies, not even a written-but-unused one */
	absent.reject_default = 1;
	r = R("0.0.0.0/0");
	PASS(&absent, FILTER_IMPORT, &r);
	/* no context: nothing known about the neighbor, loose */
	CU_ASSERT_EQUAL(filter_check(&absent, FILTER_IMPORT, &r, NULL, NULL, 0),
			0);
}

/* --- reject-default ------------------------------------------------------- */

static void test_default(void)
{
	struct cfg_filter f = F();
	struct filter_route r;

	r = R("0.0.0.0/0");
	PASS(&f, FILTER_IMPORT, &r);
	f.reject_default = 1;
	REFUSE(&f, FILTER_IMPORT, &r, "default route");
	REFUSE(&f, FILTER_EXPORT, &r, "default route");
	r = R("::/0");
	REFUSE(&f, FILTER_IMPORT, &r, "default route");
	r = R("0.0.0.0/1");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("128.0.0.0/1");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("::/1");
	PASS(&f, FILTER_IMPORT, &r);
	/* a default is not a bogon: it covers real space */
	f.reject_default = 0;
	f.reject_bogons = 1;
	r = R("0.0.0.0/0");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("::/0");
	PASS(&f, FILTER_IMPORT, &r);
}

/* --- bogons --------------------------------------------------------------- */

static int alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* The reference: bit by bit, no masks shared with filter.c. */
static int ref_inside(const struct prefix *x, const struct prefix *e)
{
	if (x->family != e->family || x->plen < e->plen)
		return 0;
	for (int b = 0; b < e->plen; b++) {
		int xb = (x->addr[b / 8] >> (7 - b % 8)) & 1;
		int eb = (e->addr[b / 8] >> (7 - b % 8)) & 1;

		if (xb != eb)
			return 0;
	}
	return 1;
}

/* Longest entry containing x, or -1. */
static int ref_bogon(const struct prefix *x)
{
	const struct filter_bogon *t;
	size_t n = filter_bogons(&t);
	int best = -1, bestlen = -1;

	for (size_t i = 0; i < n; i++) {
		struct prefix e = P(t[i].prefix);

		if (ref_inside(x, &e) && e.plen > bestlen) {
			best = (int)i;
			bestlen = e.plen;
		}
	}
	return best;
}

static void expect_bogon(const struct prefix *x)
{
	const struct filter_bogon *t;
	const char *desc = NULL;
	char want[256], xb[PREFIX_STRLEN];
	int ref = ref_bogon(x), got;

	filter_bogons(&t);
	got = filter_is_bogon(x, &desc);
	CU_ASSERT_EQUAL(got, ref >= 0);
	if (got != (ref >= 0)) {
		fprintf(stderr, "\n  %s: filter_is_bogon %d, reference %d\n",
			prefix_fmt(x, xb, sizeof(xb)), got, ref);
		return;
	}
	if (ref < 0)
		return;
	snprintf(want, sizeof(want), "%s, %s, %s", t[ref].prefix, t[ref].what,
		 t[ref].rfc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(desc);
	CU_ASSERT_STRING_EQUAL(desc, want);
	/* desc may be NULL */
	CU_ASSERT_EQUAL(filter_is_bogon(x, NULL), 1);
}

/* x += d (+1 or -1) as a big-endian number; 0 when it wraps. */
static int step(struct prefix *x, int d)
{
	for (int i = alen(x->family) - 1; i >= 0; i--) {
		int v = x->addr[i] + d;

		x->addr[i] = (uint8_t)v;
		if (v >= 0 && v <= 255)
			return 1;
	}
	return 0;
}

static void test_bogon_table(void)
{
	const struct filter_bogon *t;
	size_t n = filter_bogons(&t);
	size_t n4 = 0, n6 = 0;

	CU_ASSERT(n >= 30);
	for (size_t i = 0; i < n; i++) {
		struct prefix e = P(t[i].prefix);
		char b[PREFIX_STRLEN];

		CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].what);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].rfc);
		CU_ASSERT(t[i].what[0] != 0);
		CU_ASSERT_EQUAL(strncmp(t[i].rfc, "RFC ", 4), 0);
		/* written canonically, as show bogons prints it */
		CU_ASSERT_STRING_EQUAL(prefix_fmt(&e, b, sizeof(b)),
				       t[i].prefix);
		n4 += e.family == AF_INET;
		n6 += e.family == AF_INET6;
		for (size_t j = 0; j < i; j++)
			CU_ASSERT(strcmp(t[i].prefix, t[j].prefix) != 0);
	}
	CU_ASSERT_EQUAL(n4, 15);
	CU_ASSERT(n6 >= 15);
}

/* Each entry: itself, a more specific, its first and last addresses
 * inside, and the addresses just outside, against the reference. */
static void test_bogon_edges(void)
{
	const struct filter_bogon *t;
	size_t n = filter_bogons(&t);

	for (size_t i = 0; i < n; i++) {
		struct prefix e = P(t[i].prefix), x;
		int max = alen(e.family) * 8;
		const char *desc = NULL;

		/* the entry itself, and it names itself */
		CU_ASSERT_EQUAL(filter_is_bogon(&e, &desc), 1);
		CU_ASSERT_EQUAL(ref_bogon(&e), (int)i);
		expect_bogon(&e);
		/* first address, and one level more specific */
		x = e;
		x.plen = max;
		CU_ASSERT_EQUAL(ref_bogon(&x) >= 0, 1);
		expect_bogon(&x);
		if (e.plen < max) {
			x.plen = e.plen + 1;
			expect_bogon(&x);
		}
		/* just before the first address */
		x.plen = max;
		if (step(&x, -1))
			expect_bogon(&x);
		/* last address */
		x = e;
		x.plen = max;
		for (int b = e.plen; b < max; b++)
			x.addr[b / 8] |= 1 << (7 - b % 8);
		CU_ASSERT_EQUAL(ref_bogon(&x) >= 0, 1);
		expect_bogon(&x);
		/* just after */
		if (step(&x, +1))
			expect_bogon(&x);
		/* a shorter prefix covering the entry is not inside it */
		if (e.plen > 0) {
			x = e;
			x.plen = e.plen - 1;
			x.addr[x.plen / 8] &= ~(1 << (7 - x.plen % 8));
			expect_bogon(&x);
		}
	}
}

static void test_bogon_known(void)
{
	static const char *const yes[] = {
		"10.1.0.0/16",
		"10.255.255.255",
		"172.31.255.0/24",
		"172.16.0.0/12",
		"100.127.0.0/16",
		"192.88.99.0/24",
		"255.255.255.255",
		"224.0.0.1",
		"0.0.0.0",
		"127.0.0.1",
		"198.19.0.0/16",
		"::",
		"::1",
		"::ffff:10.0.0.1",
		"64:ff9b::/96",
		"64:ff9b:1::/48",
		"100::/64",
		"2001:db8::/32",
		"2001:db8:1::/48",
		"3fff::/20",
		"3ffe:1::/32",
		"5f00::/16",
		"fd00::/8",
		"fe80::/64",
		"fec0::/10",
		"ff02::1",
		"4000::/3",
		"1fff::/16",
		"8000::/16",
		"2001:10::/28",
		"2001:2::/48",
	};
	static const char *const no[] = {
		"8.8.8.0/24",	   "9.255.255.255",	 "11.0.0.0/8",
		"100.63.255.0/24", "100.128.0.0/10",	 "172.15.0.0/16",
		"172.32.0.0/16",   "192.0.1.0/24",	 "192.0.3.0/24",
		"192.88.98.0/24",  "192.169.0.0/16",	 "198.17.0.0/16",
		"198.20.0.0/16",   "223.255.255.0/24",	 "8.0.0.0/6",
		"0.0.0.0/1",	   "2000::/3",		 "2001::/32",
		"2001:4860::/32",  "2002::/16",		 "2001:20::/28",
		"2001:db9::/32",   "3fff:1000::/20",	 "3ffd::/16",
		"2001:3::/48",	   "2001:db7:ffff::/48",
	};
	struct prefix x;
	const char *d;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		x = P(yes[i]);
		d = NULL;
		CU_ASSERT_EQUAL(filter_is_bogon(&x, &d), 1);
		if (!d)
			fprintf(stderr, "\n  %s: not a bogon\n", yes[i]);
		expect_bogon(&x);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		x = P(no[i]);
		d = NULL;
		CU_ASSERT_EQUAL(filter_is_bogon(&x, &d), 0);
		if (d)
			fprintf(stderr, "\n  %s: bogon %s\n", no[i], d);
		expect_bogon(&x);
	}
	/* the most specific entry names it */
	x = P("fe80::/64");
	CU_ASSERT_EQUAL(filter_is_bogon(&x, &d), 1);
	CU_ASSERT_STRING_EQUAL(d, "fe80::/10, link-local, RFC 4291");
	x = P("64:ff9b:1:2::/64");
	CU_ASSERT_EQUAL(filter_is_bogon(&x, &d), 1);
	CU_ASSERT_STRING_EQUAL(
		d, "64:ff9b:1::/48, local-use IPv4/IPv6 translation, RFC 8215");
	/* not a family at all */
	memset(&x, 0, sizeof(x));
	CU_ASSERT_EQUAL(filter_is_bogon(&x, &d), 0);
}

static void test_bogon_rule(void)
{
	struct cfg_filter f = F();
	struct filter_route r = R("10.1.0.0/16");

	PASS(&f, FILTER_IMPORT, &r);
	f.reject_bogons = 1;
	REFUSE(&f, FILTER_IMPORT, &r,
	       "bogon 10.1.0.0/16 (inside 10.0.0.0/8, private-use, RFC 1918)");
	REFUSE(&f, FILTER_EXPORT, &r,
	       "bogon 10.1.0.0/16 (inside 10.0.0.0/8, private-use, RFC 1918)");
	r = R("10.0.0.0/8");
	REFUSE(&f, FILTER_IMPORT, &r,
	       "bogon 10.0.0.0/8 (private-use, RFC 1918)");
	r = R("2001:db8:1::/48");
	REFUSE(&f, FILTER_IMPORT, &r,
	       "bogon 2001:db8:1::/48 (inside 2001:db8::/32, documentation, "
	       "RFC 3849)");
	r = R("4000::/16");
	REFUSE(&f, FILTER_IMPORT, &r,
	       "bogon 4000::/16 (inside 4000::/2, not global unicast (outside "
	       "2000::/3), RFC 4291)");
	r = R("8.8.8.0/24");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("2001:4860::/32");
	PASS(&f, FILTER_IMPORT, &r);
}

/* --- prefix-list ---------------------------------------------------------- */

static struct cfg_plist *mkplist(const char *name, const char *const *e,
				 const int *ge, const int *le, size_t n)
{
	struct cfg_plist *l = calloc(1, sizeof(*l));
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	l->name = strdup(name);
	l->trie = plist_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->trie);
	for (size_t i = 0; i < n; i++) {
		struct prefix p = P(e[i]);

		CU_ASSERT_EQUAL_FATAL(
			plist_add(l->trie, &p, ge[i], le[i], err, sizeof(err)),
			0);
	}
	return l;
}

static void freeplist(struct cfg_plist *l)
{
	plist_free(l->trie);
	free(l->name);
	free(l);
}

static void test_plist(void)
{
	static const char *const ea[] = {"44.0.0.0/8", "2a00:1::/32"};
	static const int gea[] = {16, -1}, lea[] = {24, 48};
	static const char *const eb[] = {"185.0.0.0/16"};
	static const int geb[] = {-1}, leb[] = {-1};
	struct cfg_plist *a = mkplist("OUR-ANYCAST", ea, gea, lea, 2);
	struct cfg_plist *b = mkplist("B", eb, geb, leb, 1);
	const struct cfg_plist *refs[2] = {a, b};
	struct cfg_name names[2] = {{.name = "OUR-ANYCAST"}, {.name = "B"}};
	struct cfg_filter f = F();
	struct filter_route r;

	f.plists = names;
	f.plist_ref = refs;
	f.nplists = 1;
	/* ge 16 le 24 edges */
	r = R("44.0.0.0/15");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	r = R("44.0.0.0/16");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("44.255.255.0/24");
	PASS(&f, FILTER_EXPORT, &r);
	r = R("44.1.2.128/25");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	r = R("44.0.0.0/8");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	r = R("45.0.0.0/16");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	/* IPv6: le 48 only, so ge = 32 */
	r = R("2a00:1::/32");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("2a00:1:ffff::/48");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("2a00:1:ffff::/49");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	r = R("2a00::/31");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-list OUR-ANYCAST");
	/* two lists: a prefix in either passes */
	f.nplists = 2;
	r = R("185.0.0.0/16");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("44.1.0.0/16");
	PASS(&f, FILTER_IMPORT, &r);
	r = R("185.0.0.0/17"); /* exact-length entry */
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-lists OUR-ANYCAST, B");
	/* an unresolved reference matches nothing (fail closed) */
	refs[0] = NULL;
	r = R("44.1.0.0/16");
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-lists OUR-ANYCAST, B");
	r = R("185.0.0.0/16");
	PASS(&f, FILTER_IMPORT, &r);
	f.plist_ref = NULL;
	REFUSE(&f, FILTER_IMPORT, &r, "not in prefix-lists OUR-ANYCAST, B");
	refs[0] = a;
	f.plist_ref = refs;
	/* a short buffer truncates, never overflows */
	{
		char why[12];

		r = R("1.0.0.0/8");
		memset(why, 'x', sizeof(why));
		CU_ASSERT_EQUAL(filter_check(&f, FILTER_IMPORT, &r, &CTX, why,
					     sizeof(why)),
				-1);
		CU_ASSERT_STRING_EQUAL(why, "not in pref");
		CU_ASSERT_EQUAL(
			filter_check(&f, FILTER_IMPORT, &r, &CTX, why, 1), -1);
		CU_ASSERT_EQUAL(why[0], 0);
		CU_ASSERT_EQUAL(
			filter_check(&f, FILTER_IMPORT, &r, &CTX, NULL, 0), -1);
	}
	freeplist(a);
	freeplist(b);
}

/* --- AS_PATH -------------------------------------------------------------- */

static void test_as_path_len(void)
{
	static const uint32_t path[5] = {65000, 3356, 1299, 174, 2914};
	struct cfg_filter f = F();
	struct filter_route r = R("8.8.8.0/24");

	r.as_path = path;
	r.as_path_n = 5;
	r.as_path_len = 1000;
	PASS(&f, FILTER_IMPORT, &r); /* 0: no limit */
	f.max_as_path_len = 3;
	r.as_path_len = 3;
	PASS(&f, FILTER_IMPORT, &r);
	r.as_path_len = 4;
	REFUSE(&f, FILTER_IMPORT, &r,
	       "AS_PATH length 4 over max-as-path-length 3");
	REFUSE(&f, FILTER_EXPORT, &r,
	       "AS_PATH length 4 over max-as-path-length 3");
	r.as_path_len = 0;
	PASS(&f, FILTER_IMPORT, &r);
	f.max_as_path_len = UINT32_MAX;
	r.as_path_len = UINT32_MAX;
	PASS(&f, FILTER_IMPORT, &r);
	r.as_path_len = (size_t)UINT32_MAX + 1;
	if (sizeof(size_t) > 4)
		REFUSE(&f, FILTER_IMPORT, &r,
		       "AS_PATH length 4294967296 over max-as-path-length "
		       "4294967295");
}

/* each range's first and last, and the neighbours just outside */
static const uint32_t priv_asns[] = {
	0,     23456, 64496, 64511,	  64512,       65534,
	65535, 65536, 65551, 4200000000u, 4294967294u, 4294967295u,
};
static const uint32_t public_asns[] = {
	1, 23455, 23457, 64495, 65552, 3356, 397143, 4199999999u,
};

static void test_private_asn(void)
{
	struct cfg_filter f = F();
	uint32_t path[3] = {3356, 1299, 0};
	struct filter_route r = R("8.8.8.0/24");
	char want[80];

	r.as_path = path;
	r.as_path_n = 3;
	r.as_path_len = 3;
	f.reject_private_asn = 1;
	for (size_t i = 0; i < sizeof(priv_asns) / sizeof(priv_asns[0]); i++) {
		CU_ASSERT_EQUAL(filter_asn_private(priv_asns[i]), 1);
		/* at the end of the path, where a scan must still reach */
		path[2] = priv_asns[i];
		snprintf(want, sizeof(want), "private ASN %u in AS_PATH",
			 priv_asns[i]);
		REFUSE(&f, FILTER_IMPORT, &r, want);
	}
	for (size_t i = 0; i < sizeof(public_asns) / sizeof(public_asns[0]);
	     i++) {
		CU_ASSERT_EQUAL(filter_asn_private(public_asns[i]), 0);
		path[2] = public_asns[i];
		PASS(&f, FILTER_IMPORT, &r);
	}
	/* the first private ASN is named */
	path[0] = 64512;
	path[2] = 4200000000u;
	REFUSE(&f, FILTER_EXPORT, &r, "private ASN 64512 in AS_PATH");
	/* only as_path_n entries count */
	path[0] = 3356;
	r.as_path_n = 2;
	PASS(&f, FILTER_IMPORT, &r);
	/* an empty path (iBGP-originated) passes */
	r.as_path = NULL;
	r.as_path_n = 0;
	PASS(&f, FILTER_IMPORT, &r);
	/* rule off */
	r.as_path = path;
	r.as_path_n = 3;
	f.reject_private_asn = 0;
	PASS(&f, FILTER_IMPORT, &r);
}

/* --- next hop ------------------------------------------------------------- */

static void test_next_hop_import(void)
{
	struct prefix allow[2] = {P("10.0.0.0/24"), P("2001:db8:1::/64")};
	struct filter_ctx c = {.peer = peer4(), .ebgp = 1};
	struct cfg_filter f = F();
	struct filter_route r = R("8.8.8.0/24");

	r.next_hop = P("198.51.100.9");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	f.nh_check = 1;
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "next hop 198.51.100.9 is not the peer", __LINE__);
	r.next_hop = P("192.0.2.1");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("192.0.2.2");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "next hop 192.0.2.2 is not the peer", __LINE__);
	r.next_hop = P("192.0.2.0");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, NULL, __LINE__);
	/* no peer known: only the allow list can pass it */
	r.next_hop = P("192.0.2.1");
	chk_at(&f, FILTER_IMPORT, &r, &CTX, -1,
	       "next hop 192.0.2.1 is not the peer", __LINE__);
	/* a link-local-only next hop cannot be checked: refused */
	memset(&r.next_hop, 0, sizeof(r.next_hop));
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "no global next hop to check (next-hop peer)", __LINE__);
	/* allowed on-link prefixes, at their edges */
	f.nh_allow = allow;
	f.nnh_allow = 2;
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "no global next hop to check (next-hop peer or an allowed "
	       "prefix)",
	       __LINE__);
	r.next_hop = P("192.0.2.1");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("10.0.0.0");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("10.0.0.255");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("10.0.1.0");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "next hop 10.0.1.0 is neither the peer nor inside an allowed "
	       "next-hop prefix",
	       __LINE__);
	r.next_hop = P("9.255.255.255");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, NULL, __LINE__);
	/* IPv6 next hop for an IPv6 route over an IPv4 session */
	r.prefix = P("2001:4860::/32");
	r.next_hop = P("2001:db8:1::ffff");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("2001:db8:1:0:ffff:ffff:ffff:ffff");
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("2001:db8:1:1::");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "next hop 2001:db8:1:1:: is neither the peer nor inside an "
	       "allowed next-hop prefix",
	       __LINE__);
	/* families never mix: ::ffff:192.0.2.1 is not the IPv4 peer */
	r.next_hop = P("::ffff:192.0.2.1");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, NULL, __LINE__);
	/* an IPv6 peer */
	{
		struct prefix p6 = P("2001:db8:2::1");
		struct filter_ctx c6 = {.peer = &p6};

		f.nnh_allow = 0;
		r.next_hop = P("2001:db8:2::1");
		chk_at(&f, FILTER_IMPORT, &r, &c6, 0, NULL, __LINE__);
		r.next_hop = P("2001:db8:2::2");
		chk_at(&f, FILTER_IMPORT, &r, &c6, -1,
		       "next hop 2001:db8:2::2 is not the peer", __LINE__);
	}
}

static void test_next_hop_export(void)
{
	struct prefix allow[1] = {P("203.0.113.0/25")};
	struct filter_ctx c = {.peer = peer4(), .ebgp = 1};
	struct cfg_filter f = F();
	struct filter_route r = R("8.8.8.0/24");

	r.next_hop = P("198.51.100.9");
	chk_at(&f, FILTER_EXPORT, &r, &c, 0, NULL, __LINE__);
	f.nh_check = 1;
	chk_at(&f, FILTER_EXPORT, &r, &c, -1,
	       "next hop 198.51.100.9 is not self", __LINE__);
	/* the peer's own address is no excuse on export */
	r.next_hop = P("192.0.2.1");
	chk_at(&f, FILTER_EXPORT, &r, &c, -1, "next hop 192.0.2.1 is not self",
	       __LINE__);
	r.nh_self = 1;
	chk_at(&f, FILTER_EXPORT, &r, &c, 0, NULL, __LINE__);
	memset(&r.next_hop, 0, sizeof(r.next_hop));
	chk_at(&f, FILTER_EXPORT, &r, &c, 0, NULL, __LINE__);
	r.nh_self = 0;
	chk_at(&f, FILTER_EXPORT, &r, &c, -1,
	       "no global next hop to check (next-hop self)", __LINE__);
	f.nh_allow = allow;
	f.nnh_allow = 1;
	r.next_hop = P("203.0.113.0");
	chk_at(&f, FILTER_EXPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("203.0.113.127");
	chk_at(&f, FILTER_EXPORT, &r, &c, 0, NULL, __LINE__);
	r.next_hop = P("203.0.113.128");
	chk_at(&f, FILTER_EXPORT, &r, &c, -1,
	       "next hop 203.0.113.128 is neither self nor inside an allowed "
	       "next-hop prefix",
	       __LINE__);
	r.next_hop = P("203.0.112.255");
	chk_at(&f, FILTER_EXPORT, &r, &c, -1, NULL, __LINE__);
}

/* --- MED and LOCAL_PREF --------------------------------------------------- */

static void test_med(void)
{
	struct cfg_filter f = F();
	struct filter_route r = R("8.8.8.0/24");

	r.has_med = 1;
	r.med = 5000;
	PASS(&f, FILTER_IMPORT, &r);
	f.med_range = 1;
	f.med_min = 100;
	f.med_max = 1000;
	r.med = 99;
	REFUSE(&f, FILTER_IMPORT, &r, "MED 99 outside 100-1000");
	r.med = 100;
	PASS(&f, FILTER_IMPORT, &r);
	r.med = 1000;
	PASS(&f, FILTER_IMPORT, &r);
	r.med = 1001;
	REFUSE(&f, FILTER_EXPORT, &r, "MED 1001 outside 100-1000");
	/* a route without MED passes */
	r.has_med = 0;
	PASS(&f, FILTER_IMPORT, &r);
	/* full-range edges */
	r.has_med = 1;
	f.med_min = 0;
	f.med_max = 0;
	r.med = 0;
	PASS(&f, FILTER_IMPORT, &r);
	r.med = 1;
	REFUSE(&f, FILTER_IMPORT, &r, "MED 1 outside 0-0");
	f.med_min = UINT32_MAX;
	f.med_max = UINT32_MAX;
	r.med = UINT32_MAX;
	PASS(&f, FILTER_IMPORT, &r);
	r.med = UINT32_MAX - 1;
	REFUSE(&f, FILTER_IMPORT, &r,
	       "MED 4294967294 outside 4294967295-4294967295");
	/* local-pref is its own rule */
	f.local_pref_range = 1;
	f.lp_min = 0;
	f.lp_max = 0;
	r.med = UINT32_MAX;
	r.local_pref = 7;
	PASS(&f, FILTER_IMPORT, &r); /* no LOCAL_PREF attribute */
}

static void test_local_pref(void)
{
	struct cfg_filter f = F();
	struct filter_route r = R("2001:4860::/32");

	r.has_local_pref = 1;
	r.local_pref = 50;
	PASS(&f, FILTER_IMPORT, &r);
	f.local_pref_range = 1;
	f.lp_min = 100;
	f.lp_max = 200;
	r.local_pref = 99;
	REFUSE(&f, FILTER_IMPORT, &r, "LOCAL_PREF 99 outside 100-200");
	r.local_pref = 100;
	PASS(&f, FILTER_IMPORT, &r);
	r.local_pref = 200;
	PASS(&f, FILTER_IMPORT, &r);
	r.local_pref = 201;
	REFUSE(&f, FILTER_EXPORT, &r, "LOCAL_PREF 201 outside 100-200");
	r.has_local_pref = 0;
	PASS(&f, FILTER_IMPORT, &r);
	/* MED range does not judge LOCAL_PREF */
	f.local_pref_range = 0;
	f.med_range = 1;
	f.med_min = 100;
	f.med_max = 200;
	r.has_local_pref = 1;
	r.local_pref = 5;
	PASS(&f, FILTER_IMPORT, &r);
}

/* --- order ---------------------------------------------------------------- */

/* A route that fails every rule; switching rules off one by one in the
 * documented order must move the refusal to the next rule. */
static void test_order(void)
{
	static const char *const e[] = {"44.0.0.0/8"};
	static const int ge[] = {-1}, le[] = {32};
	struct cfg_plist *l = mkplist("OURS", e, ge, le, 1);
	const struct cfg_plist *refs[1] = {l};
	struct cfg_name names[1] = {{.name = "OURS"}};
	uint32_t path[3] = {3356, 64512, 174};
	struct filter_ctx c = {.peer = peer4(), .ebgp = 1, .rfc8212_strict = 1};
	struct cfg_filter f = F();
	struct filter_route r = R("0.0.0.0/0");

	f.reject_default = 1;
	f.reject_bogons = 1;
	f.plists = names;
	f.plist_ref = refs;
	f.nplists = 1;
	f.max_as_path_len = 2;
	f.reject_private_asn = 1;
	f.nh_check = 1;
	f.med_range = 1;
	f.med_max = 10;
	f.local_pref_range = 1;
	f.lp_min = 100;
	f.lp_max = 100;
	f.max_prefix = 1; /* never judged here */
	r.as_path = path;
	r.as_path_n = 3;
	r.as_path_len = 3;
	r.next_hop = P("198.51.100.9");
	r.has_med = 1;
	r.med = 11;
	r.has_local_pref = 1;
	r.local_pref = 99;

	chk_at(&f, FILTER_IMPORT, &r, &c, -1, "default route", __LINE__);
	r.prefix = P("10.0.0.0/24");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "bogon 10.0.0.0/24 (inside 10.0.0.0/8, private-use, RFC 1918)",
	       __LINE__);
	r.prefix = P("8.8.8.0/24");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, "not in prefix-list OURS",
	       __LINE__);
	r.prefix = P("44.1.0.0/16");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "AS_PATH length 3 over max-as-path-length 2", __LINE__);
	f.max_as_path_len = 3;
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, "private ASN 64512 in AS_PATH",
	       __LINE__);
	path[1] = 1299;
	chk_at(&f, FILTER_IMPORT, &r, &c, -1,
	       "next hop 198.51.100.9 is not the peer", __LINE__);
	r.next_hop = P("192.0.2.1");
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, "MED 11 outside 0-10", __LINE__);
	r.med = 10;
	chk_at(&f, FILTER_IMPORT, &r, &c, -1, "LOCAL_PREF 99 outside 100-100",
	       __LINE__);
	r.local_pref = 100;
	chk_at(&f, FILTER_IMPORT, &r, &c, 0, NULL, __LINE__);
	freeplist(l);
}

/* The pass path with every rule on: a figure, not a pass/fail. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void test_speed(void)
{
	static const char *const e[] = {"0.0.0.0/1", "128.0.0.0/1"};
	static const int ge[] = {-1, -1}, le[] = {32, 32};
	struct cfg_plist *l = mkplist("ALL", e, ge, le, 2);
	const struct cfg_plist *refs[1] = {l};
	struct cfg_name names[1] = {{.name = "ALL"}};
	uint32_t path[4] = {3356, 1299, 174, 2914};
	struct filter_ctx c = {.peer = peer4(), .ebgp = 1};
	struct cfg_filter f = F();
	struct filter_route r = R("8.8.8.0/24");
	const int N = 1000000;
	size_t pass = 0;
	double t0;

	f.reject_default = f.reject_bogons = f.reject_private_asn = 1;
	f.plists = names;
	f.plist_ref = refs;
	f.nplists = 1;
	f.max_as_path_len = 32;
	f.nh_check = 1;
	r.as_path = path;
	r.as_path_n = r.as_path_len = 4;
	r.next_hop = *c.peer;
	t0 = now_ns();
	for (int i = 0; i < N; i++) {
		uint32_t a = htonl(0x01000000u + (uint32_t)i * 256u * 13u);

		memcpy(r.prefix.addr, &a, 4);
		pass += filter_check(&f, FILTER_IMPORT, &r, &c, NULL, 0) == 0;
	}
	printf("\n    %.1f ns/prefix, all rules on, %zu/%d passed ",
	       (now_ns() - t0) / N, pass, N);
	/* some of that walk lands in bogon space, most does not */
	CU_ASSERT(pass > (size_t)N / 2);
	CU_ASSERT(pass < (size_t)N);
	freeplist(l);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("filter", NULL, NULL);
	CU_add_test(s, "RFC 8212 strict/loose, eBGP/iBGP", test_rfc8212);
	CU_add_test(s, "reject-default", test_default);
	CU_add_test(s, "bogon table well formed", test_bogon_table);
	CU_add_test(s, "bogon entries at their edges", test_bogon_edges);
	CU_add_test(s, "known bogons and non-bogons", test_bogon_known);
	CU_add_test(s, "reject-bogons reasons", test_bogon_rule);
	CU_add_test(s, "prefix-lists", test_plist);
	CU_add_test(s, "max-as-path-length", test_as_path_len);
	CU_add_test(s, "private ASNs", test_private_asn);
	CU_add_test(s, "next hop, import", test_next_hop_import);
	CU_add_test(s, "next hop, export", test_next_hop_export);
	CU_add_test(s, "MED range", test_med);
	CU_add_test(s, "LOCAL_PREF range", test_local_pref);
	CU_add_test(s, "rule order", test_order);
	CU_add_test(s, "pass-path cost", test_speed);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
