// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for user/lib/plist.c: prefix-list semantics (ge/le defaults and
 * bounds), refusals that name the rule, and the tables checked against a
 * brute-force scan, because a wrong filter silently leaks or drops routes. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "plist.h"

static struct prefix P(const char *s)
{
	struct prefix p;
	char err[256] = "";

	if (prefix_parse(s, &p, err, sizeof(err))) {
		fprintf(stderr, "\n  bad test prefix '%s': %s\n", s, err);
		CU_FAIL_FATAL("test prefix");
	}
	return p;
}

static void add_ok(struct plist *l, const char *s, int ge, int le)
{
	struct prefix p = P(s);
	char err[256] = "";

	CU_ASSERT_EQUAL(plist_add(l, &p, ge, le, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "\n  '%s': %s\n", s, err);
}

static int m(const struct plist *l, const char *s)
{
	struct prefix x = P(s);

	return plist_match(l, &x);
}

static void add_bad(const char *s, int ge, int le, const char *want)
{
	struct plist *l = plist_new();
	struct prefix p = P(s);
	char err[256] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(plist_add(l, &p, ge, le, err, sizeof(err)), -1);
	if (strcmp(err, want))
		fprintf(stderr, "\n  got '%s'\n  want '%s'\n", err, want);
	CU_ASSERT_STRING_EQUAL(err, want);
	/* A refused entry must leave nothing behind that could match. */
	CU_ASSERT_EQUAL(plist_count(l), 0);
	CU_ASSERT_EQUAL(plist_match(l, &p), 0);
	plist_free(l);
}

static void test_issue_examples(void)
{
	struct plist *l = plist_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(plist_count(l), 0);
	add_ok(l, "100.10.0.0/16", -1, 32);
	add_ok(l, "203.0.113.0/24", 24, 32);
	add_ok(l, "2001:db8::/32", -1, 48);
	CU_ASSERT_EQUAL(plist_count(l), 3);

	CU_ASSERT_EQUAL(m(l, "100.10.0.0/16"), 1);
	CU_ASSERT_EQUAL(m(l, "100.10.128.0/17"), 1);
	CU_ASSERT_EQUAL(m(l, "100.10.255.1"), 1);
	CU_ASSERT_EQUAL(m(l, "100.0.0.0/8"), 0);	/* shorter */
	CU_ASSERT_EQUAL(m(l, "100.11.0.0/16"), 0);	/* outside */
	CU_ASSERT_EQUAL(m(l, "100.10.0.0/15"), 0);

	CU_ASSERT_EQUAL(m(l, "203.0.113.0/24"), 1);
	CU_ASSERT_EQUAL(m(l, "203.0.113.128/25"), 1);
	CU_ASSERT_EQUAL(m(l, "203.0.113.7"), 1);
	CU_ASSERT_EQUAL(m(l, "203.0.112.0/23"), 0);
	CU_ASSERT_EQUAL(m(l, "203.0.114.0/24"), 0);

	CU_ASSERT_EQUAL(m(l, "2001:db8::/32"), 1);
	CU_ASSERT_EQUAL(m(l, "2001:db8:ffff::/48"), 1);
	CU_ASSERT_EQUAL(m(l, "2001:db8:1::/49"), 0);	/* longer than le */
	CU_ASSERT_EQUAL(m(l, "2001:db8::1"), 0);
	CU_ASSERT_EQUAL(m(l, "2001:db9::/32"), 0);
	CU_ASSERT_EQUAL(m(l, "2001::/16"), 0);
	plist_free(l);
}

static void test_exact_and_ge(void)
{
	struct plist *l = plist_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	add_ok(l, "192.0.2.0/24", -1, -1);	/* exact only */
	add_ok(l, "10.0.0.0/8", 20, -1);	/* ge only: 20..32 */
	add_ok(l, "2001:db8:1::/48", -1, -1);
	add_ok(l, "2001:db8:2::/48", 64, -1);	/* 64..128 */

	CU_ASSERT_EQUAL(m(l, "192.0.2.0/24"), 1);
	CU_ASSERT_EQUAL(m(l, "192.0.2.0/25"), 0);
	CU_ASSERT_EQUAL(m(l, "192.0.2.1"), 0);
	CU_ASSERT_EQUAL(m(l, "192.0.0.0/23"), 0);

	CU_ASSERT_EQUAL(m(l, "10.0.0.0/8"), 0);
	CU_ASSERT_EQUAL(m(l, "10.0.0.0/19"), 0);
	CU_ASSERT_EQUAL(m(l, "10.1.16.0/20"), 1);
	CU_ASSERT_EQUAL(m(l, "10.255.255.255"), 1);
	CU_ASSERT_EQUAL(m(l, "11.0.0.0/24"), 0);

	CU_ASSERT_EQUAL(m(l, "2001:db8:1::/48"), 1);
	CU_ASSERT_EQUAL(m(l, "2001:db8:1::/64"), 0);
	CU_ASSERT_EQUAL(m(l, "2001:db8:2::/48"), 0);
	CU_ASSERT_EQUAL(m(l, "2001:db8:2::/63"), 0);
	CU_ASSERT_EQUAL(m(l, "2001:db8:2:1::/64"), 1);
	CU_ASSERT_EQUAL(m(l, "2001:db8:2::1"), 1);
	plist_free(l);
}

static void test_boundaries(void)
{
	struct plist *l = plist_new();
	struct prefix x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	/* An empty list matches nothing, not even the default route. */
	CU_ASSERT_EQUAL(m(l, "0.0.0.0/0"), 0);
	CU_ASSERT_EQUAL(m(l, "::/0"), 0);

	add_ok(l, "198.51.100.0/24", 28, 28);	/* ge == le */
	CU_ASSERT_EQUAL(m(l, "198.51.100.16/28"), 1);
	CU_ASSERT_EQUAL(m(l, "198.51.100.0/27"), 0);
	CU_ASSERT_EQUAL(m(l, "198.51.100.0/29"), 0);

	add_ok(l, "192.0.2.1/32", -1, -1);	/* a host */
	CU_ASSERT_EQUAL(m(l, "192.0.2.1"), 1);
	CU_ASSERT_EQUAL(m(l, "192.0.2.0/31"), 0);
	CU_ASSERT_EQUAL(m(l, "192.0.2.2"), 0);
	plist_free(l);

	/* /0 le 32: every IPv4 prefix, and still no IPv6 one. */
	l = plist_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	add_ok(l, "0.0.0.0/0", -1, 32);
	CU_ASSERT_EQUAL(m(l, "0.0.0.0/0"), 1);
	CU_ASSERT_EQUAL(m(l, "255.255.255.255"), 1);
	CU_ASSERT_EQUAL(m(l, "128.0.0.0/1"), 1);
	CU_ASSERT_EQUAL(m(l, "::/0"), 0);
	CU_ASSERT_EQUAL(m(l, "::ffff:0.0.0.0/96"), 0);
	add_ok(l, "::/0", -1, 128);
	CU_ASSERT_EQUAL(m(l, "::/0"), 1);
	CU_ASSERT_EQUAL(m(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	add_ok(l, "::/0", -1, -1);		/* duplicates are fine */
	CU_ASSERT_EQUAL(plist_count(l), 3);

	/* Bad queries are not matches. */
	x = P("10.0.0.0/8");
	x.plen = 33;
	CU_ASSERT_EQUAL(plist_match(l, &x), 0);
	x.plen = -1;
	CU_ASSERT_EQUAL(plist_match(l, &x), 0);
	x.family = AF_UNIX;
	x.plen = 8;
	CU_ASSERT_EQUAL(plist_match(l, &x), 0);
	CU_ASSERT_EQUAL(plist_match(NULL, &x), 0);
	CU_ASSERT_EQUAL(plist_count(NULL), 0);
	plist_free(l);
	plist_free(NULL);
}

/* IPv4 bits must never answer for IPv6 and back, even with equal bytes. */
static void test_family_separation(void)
{
	struct plist *l = plist_new();
	struct prefix x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	add_ok(l, "32.1.13.184/29", -1, 32);	/* 2001:db8 in bytes */
	x = P("2001:db8::/32");
	CU_ASSERT_EQUAL(plist_match(l, &x), 0);
	x.plen = 29;
	CU_ASSERT_EQUAL(plist_match(l, &x), 0);
	CU_ASSERT_EQUAL(m(l, "32.1.13.184/29"), 1);

	add_ok(l, "a00::/8", -1, 8);
	CU_ASSERT_EQUAL(m(l, "10.0.0.0/8"), 0);
	CU_ASSERT_EQUAL(m(l, "a00::/8"), 1);
	plist_free(l);
}

static void test_refusals(void)
{
	struct plist *l = plist_new();
	struct prefix p;
	char err[256];

	add_bad("192.0.2.0/24", 16, -1,
		"192.0.2.0/24 ge 16: ge must be at least the prefix length (24)");
	add_bad("192.0.2.0/24", 33, -1,
		"192.0.2.0/24 ge 33: ge must be at most 32");
	add_bad("192.0.2.0/24", -1, 23,
		"192.0.2.0/24 le 23: le must be at least the prefix length (24)");
	add_bad("192.0.2.0/24", -1, 33,
		"192.0.2.0/24 le 33: le must be at most 32");
	add_bad("192.0.2.0/24", 28, 26,
		"192.0.2.0/24 ge 28 le 26: ge must not be greater than le");
	add_bad("2001:db8::/32", 129, -1,
		"2001:db8::/32 ge 129: ge must be at most 128");
	add_bad("2001:db8::/32", -1, 129,
		"2001:db8::/32 le 129: le must be at most 128");
	add_bad("2001:db8::/32", -1, 16,
		"2001:db8::/32 le 16: le must be at least the prefix length (32)");
	add_bad("2001:db8::/32", 64, 48,
		"2001:db8::/32 ge 64 le 48: ge must not be greater than le");

	/* Structures not built by prefix_parse. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	p = P("192.0.2.0/24");
	p.plen = 33;
	CU_ASSERT_EQUAL(plist_add(l, &p, -1, -1, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err,
		"prefix-list entry: prefix length 33 out of range 0..32");
	p = P("192.0.2.0/24");
	p.plen = 16;
	CU_ASSERT_EQUAL(plist_add(l, &p, -1, -1, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "192.0.2.0/16: host bits set beyond /16");
	p.family = AF_UNIX;
	CU_ASSERT_EQUAL(plist_add(l, &p, -1, -1, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err,
		"prefix-list entry: unsupported address family");
	CU_ASSERT_EQUAL(plist_count(l), 0);
	plist_free(l);
}

/* xorshift64*: reproducible across runs and libcs, unlike rand(). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void clear_host_bits(struct prefix *p)
{
	int i, max = p->family == AF_INET ? 32 : 128;

	for (i = p->plen; i < max; i++)
		p->addr[i >> 3] &= ~(0x80 >> (i & 7));
}

/* Random prefixes drawn from a small address pool so that entries and
 * queries overlap often; uniform random addresses would almost never
 * nest and the test would only exercise "no match". */
static void rnd_prefix(struct prefix *p)
{
	int v6 = rnd() & 1, max = v6 ? 128 : 32;
	uint64_t r = rnd();

	memset(p, 0, sizeof(*p));
	p->family = v6 ? AF_INET6 : AF_INET;
	p->addr[0] = 0x20 + (r & 1);
	p->addr[1] = (r >> 1) & 3;
	p->addr[2] = (r >> 8) & 0x0f;
	p->addr[3] = r >> 16;
	if (v6) {
		uint64_t s = rnd();

		memcpy(p->addr + 4, &s, 8);
		p->addr[12] = r >> 24;
	}
	/* Bias lengths towards the short end, where nesting happens. */
	p->plen = rnd() % 4 ? (int)(rnd() % (max / 2 + 1)) :
			      (int)(rnd() % (max + 1));
	clear_host_bits(p);
}

struct ref_entry {
	struct prefix p;
	int ge, le;
};

static int ref_match(const struct ref_entry *e, size_t n,
		     const struct prefix *x)
{
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		if (e[i].p.family != x->family || x->plen < e[i].p.plen ||
		    x->plen < e[i].ge || x->plen > e[i].le)
			continue;
		for (b = 0; b < e[i].p.plen; b++)
			if (((e[i].p.addr[b >> 3] ^ x->addr[b >> 3]) >>
			     (7 - (b & 7))) & 1)
				break;
		if (b == e[i].p.plen)
			return 1;
	}
	return 0;
}

static void test_random_vs_linear(void)
{
	enum { NENT = 2000, NQ = 20000 };
	struct ref_entry *e = calloc(NENT, sizeof(*e));
	struct plist *l = plist_new();
	size_t i, hits = 0, bad = 0;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	for (i = 0; i < NENT; i++) {
		int max, ge, le, mode;

		rnd_prefix(&e[i].p);
		max = e[i].p.family == AF_INET ? 32 : 128;
		mode = rnd() % 4;
		/* Narrow ranges and no very short entries, or nearly every
		 * query would match and "no" answers would go untested. */
		if (e[i].p.plen < 8) {
			e[i].p.plen = 8;
			clear_host_bits(&e[i].p);
		}
		ge = e[i].p.plen + (int)(rnd() % 5);
		if (ge > max)
			ge = max;
		le = ge + (int)(rnd() % 5);
		if (le > max)
			le = max;
		/* Exercise every absent/present combination. */
		if (mode == 0)
			ge = le = -1;
		else if (mode == 1)
			ge = -1;
		else if (mode == 2)
			le = -1;
		CU_ASSERT_EQUAL_FATAL(plist_add(l, &e[i].p, ge, le, err,
						sizeof(err)), 0);
		e[i].ge = ge == -1 ? e[i].p.plen : ge;
		e[i].le = le == -1 ? (ge == -1 ? e[i].p.plen : max) : le;
	}
	CU_ASSERT_EQUAL(plist_count(l), NENT);
	for (i = 0; i < NQ; i++) {
		struct prefix x;
		int want, got;

		rnd_prefix(&x);
		want = ref_match(e, NENT, &x);
		got = plist_match(l, &x);
		hits += want;
		if (want != got && bad++ < 5) {
			char b[PREFIX_STRLEN];

			fprintf(stderr, "\n  %s: trie %d, linear %d\n",
				prefix_fmt(&x, b, sizeof(b)), got, want);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* Both answers must actually occur, or the test proves little. */
	CU_ASSERT(hits > NQ / 20);
	CU_ASSERT(hits < NQ - NQ / 20);
	printf("\n    random: %zu/%d queries matched, %zu mismatches ",
	       hits, NQ, bad);
	plist_free(l);
	free(e);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* 100,000 entries, shaped like a real customer list (mostly IPv4 /16../24
 * with le 24, some IPv6 /32../48).  Timing is printed, never asserted. */
static void test_large(void)
{
	enum { NENT = 100000, NQ = 200000 };
	struct plist *l = plist_new();
	struct prefix *q = calloc(NQ, sizeof(*q));
	struct prefix p;
	char err[256];
	double t0, t1, t2;
	size_t i, hits = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	t0 = now_ns();
	for (i = 0; i < NENT; i++) {
		uint64_t r = rnd();

		memset(&p, 0, sizeof(p));
		if (i % 5) {
			p.family = AF_INET;
			memcpy(p.addr, &r, 4);
			p.plen = 16 + (int)(r >> 32) % 9;
			clear_host_bits(&p);
			CU_ASSERT_EQUAL_FATAL(plist_add(l, &p, -1, 24, err,
							sizeof(err)), 0);
		} else {
			p.family = AF_INET6;
			p.addr[0] = 0x20;
			p.addr[1] = 0x01;
			memcpy(p.addr + 2, &r, 6);
			p.plen = 32 + (int)(r >> 48) % 17;
			clear_host_bits(&p);
			CU_ASSERT_EQUAL_FATAL(plist_add(l, &p, -1, 48, err,
							sizeof(err)), 0);
		}
	}
	t1 = now_ns();
	CU_ASSERT_EQUAL(plist_count(l), NENT);
	for (i = 0; i < NQ; i++) {
		uint64_t r = rnd();

		q[i].family = i % 5 ? AF_INET : AF_INET6;
		if (q[i].family == AF_INET) {
			memcpy(q[i].addr, &r, 4);
			q[i].plen = 24;
		} else {
			q[i].addr[0] = 0x20;
			q[i].addr[1] = 0x01;
			memcpy(q[i].addr + 2, &r, 6);
			q[i].plen = 48;
		}
	}
	t2 = now_ns();
	for (i = 0; i < NQ; i++)
		hits += plist_match(l, &q[i]);
	printf("\n    100k entries: build %.0f ms, %.1f ns/lookup, %zu/%d hit ",
	       (t1 - t0) / 1e6, (now_ns() - t2) / NQ, hits, NQ);
	/* Entries added must be found. */
	CU_ASSERT_EQUAL(plist_match(l, &p), 1);
	plist_free(l);
	free(q);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("plist", NULL, NULL);
	CU_add_test(s, "issue examples", test_issue_examples);
	CU_add_test(s, "exact-only and ge-only", test_exact_and_ge);
	CU_add_test(s, "boundaries", test_boundaries);
	CU_add_test(s, "IPv4 and IPv6 kept apart", test_family_separation);
	CU_add_test(s, "refusals name the rule", test_refusals);
	CU_add_test(s, "tables agree with a linear scan", test_random_vs_linear);
	CU_add_test(s, "100,000-entry list", test_large);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
