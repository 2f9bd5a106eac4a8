// SPDX-License-Identifier: GPL-2.0-only
/*
 * The enforced flowspec set: lib/fs_limits (the guard's limits as pure
 * functions, the engine's pre-check of an API announcement), daemon/
 * flowset (one rule per match in precedence order) and the IMSG_FLOW_SET
 * boundary (imsg_check's framing, imsg_flow_rule_check per rule).
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "flowset.h"
#include "fs_limits.h"
#include "imsg.h"

/* destination A/plen, destination-port =port (0: none), discard */
static struct fs_rule rule4(const char *a, int plen, int port)
{
	struct fs_rule r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.comp[0].type = FS_DST;
	r.comp[0].plen = (uint8_t)plen;
	inet_pton(AF_INET, a, r.comp[0].addr);
	r.ncomp = 1;
	if (port) {
		r.comp[1].type = FS_DPORT;
		r.comp[1].nops = 1;
		r.comp[1].ops[0].flags = FS_OP_EQ;
		r.comp[1].ops[0].value = (uint32_t)port;
		r.ncomp = 2;
	}
	r.act.flags = FS_ACT_RATE_BYTES;
	r.act.rate_bytes = 0;
	return r;
}

static void test_rule_check(void)
{
	struct fs_rule r = rule4("192.0.2.0", 24, 80);
	char why[256];

	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), 0);
	r.family = 7;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "family 7 is neither IPv4 nor IPv6");
	r = rule4("192.0.2.0", 24, 80);
	r.comp[1].type = FS_DST; /* repeated */
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	r = rule4("192.0.2.0", 33, 80);
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	r = rule4("192.0.2.0", 24, 80);
	r.comp[1].type = FS_FLOW_LABEL; /* IPv6 only */
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "flow-label is IPv6 only (RFC 8956 §3.7)");
	r = rule4("192.0.2.0", 24, 80);
	r.comp[1].nops = FS_MAX_OPS + 1;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	r.comp[1].nops = 0;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	r = rule4("192.0.2.0", 24, 80);
	r.ncomp = FS_MAX_COMP + 1;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	r = rule4("192.0.2.0", 24, 80);
	r.act.rate_bytes = NAN;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	/* 5 components of 8 operators: 40 > the guard's 32 a rule */
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	for (int c = 0; c < 5; c++) {
		r.comp[c].type = (uint8_t)(FS_PROTO + c);
		r.comp[c].nops = FS_MAX_OPS;
		for (int k = 0; k < FS_MAX_OPS; k++)
			r.comp[c].ops[k].flags = FS_OP_EQ;
	}
	r.ncomp = 5;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "more than 32 operators in all (the "
				    "guard's limit per rule)");
	r.ncomp = 4;
	CU_ASSERT_EQUAL(fs_rule_check(&r, why, sizeof(why)), 0);
}

/* 16 rules a destination, covering prefixes counted; checking without
 * commit changes nothing. */
static void test_per_destination(void)
{
	struct fs_lim l;
	struct fs_rule r;
	char why[256];

	fs_lim_init(&l);
	for (int i = 1; i <= BGPS_FS_PER_PREFIX; i++) {
		r = rule4("192.0.2.0", 24, i);
		CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), 0);
	}
	r = rule4("192.0.2.0", 24, 99);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 0, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "more than 16 rules would apply to "
				    "destination 192.0.2.0/24 (covering "
				    "prefixes included), the guard tries at "
				    "most 16 per destination");
	CU_ASSERT_EQUAL(l.n, 16);
	/* a covering /16 applies to the full /24 group too */
	r = rule4("192.0.0.0", 16, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	/* as does a rule without a destination (filed under /0) */
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.comp[0].type = FS_PROTO;
	r.comp[0].nops = 1;
	r.comp[0].ops[0].flags = FS_OP_EQ;
	r.comp[0].ops[0].value = 17;
	r.ncomp = 1;
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	/* IPv6 /0 does not cover IPv4 */
	r.family = AF_INET6;
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), 0);
	/* a more specific /25 under the full /24: 16 + itself */
	r = rule4("192.0.2.128", 25, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	/* a sibling /24 is free */
	r = rule4("192.0.3.0", 24, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), 0);
	fs_lim_free(&l);

	/* a /25 with 15 rules, then a /24 over it: 16 for the /25 */
	fs_lim_init(&l);
	for (int i = 1; i <= 15; i++) {
		r = rule4("192.0.2.128", 25, i);
		CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), 0);
	}
	r = rule4("192.0.2.0", 24, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), 0);
	r = rule4("192.0.0.0", 16, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	/* the /24's own group has 1 + the /16 = 2: fine, but the /25 ... */
	r = rule4("192.0.2.0", 24, 2);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	fs_lim_free(&l);
}

/* 4096 rules in force, both families; the 4097th is refused. */
static void test_total(void)
{
	struct fs_lim l;
	struct fs_rule r;
	char why[256], a[32];

	fs_lim_init(&l);
	for (int i = 0; i < BGPS_FS_MAX_RULES; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.0", i / 16 / 256,
			 (i / 16) % 256);
		r = rule4(a, 24, i % 16 + 1);
		if (fs_lim_add(&l, &r, 1, why, sizeof(why))) {
			CU_FAIL("a rule within the limits refused");
			break;
		}
	}
	CU_ASSERT_EQUAL(l.n, BGPS_FS_MAX_RULES);
	r = rule4("172.16.0.0", 24, 1);
	CU_ASSERT_EQUAL(fs_lim_add(&l, &r, 1, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "the guard holds at most 4096 flowspec "
				    "rules");
	fs_lim_free(&l);
	{
		static struct fs_rule set[17];

		for (int i = 0; i < 17; i++)
			set[i] = rule4("198.51.100.0", 24, i + 1);
		CU_ASSERT_EQUAL(fs_set_check(set, 16, why, sizeof(why)), 0);
		CU_ASSERT_EQUAL(fs_set_check(set, 17, why, sizeof(why)), -1);
		CU_ASSERT_NSTRING_EQUAL(why, "flowspec rule 17: more than 16",
					30);
	}
}

/* One rule per match, the first added wins (config > API > received, as
 * the callers add them); the digest follows what the guard would get. */
static void test_flowset_merge(void)
{
	struct flowset s;
	struct fs_rule a = rule4("192.0.2.0", 24, 80), b = a,
		       c = rule4("192.0.2.0", 24, 81);
	struct prefix nb = { .family = AF_INET, .plen = 32 };
	char why[256];
	uint64_t d1, d2;

	inet_pton(AF_INET, "192.0.2.1", nb.addr);
	b.act.flags = FS_ACT_RATE_BYTES;
	b.act.rate_bytes = 1000; /* same match, another action */
	flowset_init(&s);
	CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_CONFIG, &nb, &a, 1, why,
				    sizeof(why)), 0);
	CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_API, &nb, &b, 1, why,
				    sizeof(why)), 1);
	CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_RECEIVED, &nb, &c, 0, why,
				    sizeof(why)), 0);
	CU_ASSERT_EQUAL(s.n, 1); /* not committed */
	CU_ASSERT_FALSE(flowset_has(&s, &c));
	CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_RECEIVED, &nb, &c, 1, why,
				    sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT_TRUE(flowset_has(&s, &b));
	CU_ASSERT_EQUAL(s.r[0].origin, IMSG_FLOW_CONFIG);
	CU_ASSERT_EQUAL(s.r[0].rule.act.rate_bytes, 0); /* the config's */
	CU_ASSERT_EQUAL(s.r[1].origin, IMSG_FLOW_RECEIVED);
	CU_ASSERT_EQUAL(s.r[1].nb_family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(s.r[1].nb_addr, nb.addr, 4), 0);
	CU_ASSERT_EQUAL(s.lim.n, 2);
	d1 = s.digest;

	/* the same again gives the same digest; other actions another */
	flowset_reset(&s);
	CU_ASSERT_EQUAL(s.n, 0);
	flowset_add(&s, IMSG_FLOW_CONFIG, &nb, &a, 1, why, sizeof(why));
	flowset_add(&s, IMSG_FLOW_RECEIVED, &nb, &c, 1, why, sizeof(why));
	CU_ASSERT_EQUAL(s.digest, d1);
	flowset_reset(&s);
	flowset_add(&s, IMSG_FLOW_API, &nb, &b, 1, why, sizeof(why));
	flowset_add(&s, IMSG_FLOW_RECEIVED, &nb, &c, 1, why, sizeof(why));
	d2 = s.digest;
	CU_ASSERT_NOT_EQUAL(d1, d2);
	/* many: the table grows and still finds every one */
	flowset_reset(&s);
	for (int i = 0; i < 1000; i++) {
		char ad[32];
		struct fs_rule r;

		snprintf(ad, sizeof(ad), "10.%d.%d.0", i / 256, i % 256);
		r = rule4(ad, 24, 53);
		CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_API, &nb, &r, 1, why,
					    sizeof(why)), 0);
	}
	for (int i = 0; i < 1000; i += 97) {
		char ad[32];
		struct fs_rule r;

		snprintf(ad, sizeof(ad), "10.%d.%d.0", i / 256, i % 256);
		r = rule4(ad, 24, 53);
		CU_ASSERT_TRUE(flowset_has(&s, &r));
		CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_RECEIVED, &nb, &r,
					    1, why, sizeof(why)), 1);
	}
	CU_ASSERT_EQUAL(s.n, 1000);
	/* a malformed rule is refused, never stored */
	{
		struct fs_rule bad = rule4("192.0.2.0", 24, 80);

		bad.comp[1].type = 0;
		CU_ASSERT_EQUAL(flowset_add(&s, IMSG_FLOW_API, &nb, &bad, 1,
					    why, sizeof(why)), -1);
	}
	flowset_free(&s);
}

static void set_flow_msg(struct imsg *m, uint32_t gen, uint32_t total,
			 uint32_t first, uint32_t n)
{
	struct imsg_flow_hdr h = { gen, total, first, n };

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = IMSG_FLOW_SET;
	m->hdr.len = sizeof(h) + n * sizeof(struct imsg_flow_rule);
	m->fd = -1;
	memcpy(m->data, &h, sizeof(h));
}

/* The parent's boundary: framing in imsg_check(), each rule in
 * imsg_flow_rule_check(). */
static void test_imsg_flow(void)
{
	static struct imsg m;
	struct imsg_flow_rule e;
	char why[256];

	set_flow_msg(&m, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	/* the parent never sends one */
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	set_flow_msg(&m, 1, 40, 0, 32);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	set_flow_msg(&m, 1, 40, 32, 8);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	/* past the total */
	set_flow_msg(&m, 1, 40, 32, 9);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* more than a chunk */
	set_flow_msg(&m, 1, 40, 0, 33);
	m.hdr.len = IMSG_MAX_PAYLOAD;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* over the guard's capacity */
	set_flow_msg(&m, 1, BGPS_FS_MAX_RULES + 1, 0, 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* length and count disagree */
	set_flow_msg(&m, 1, 2, 0, 2);
	m.hdr.len -= 1;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* too short for the header */
	set_flow_msg(&m, 1, 0, 0, 0);
	m.hdr.len = 3;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* an empty chunk of a set that has rules */
	set_flow_msg(&m, 1, 2, 0, 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);

	memset(&e, 0, sizeof(e));
	e.origin = IMSG_FLOW_API;
	e.nb_family = AF_INET;
	e.rule = rule4("192.0.2.0", 24, 80);
	CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why, sizeof(why)), 0);
	e.origin = 9;
	CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why, sizeof(why)), -1);
	e.origin = IMSG_FLOW_RECEIVED;
	e.nb_family = 3;
	CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why, sizeof(why)), -1);
	e.nb_family = AF_INET6;
	e.rule.comp[0].plen = 200;
	CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why, sizeof(why)), -1);
	e.rule = rule4("192.0.2.0", 24, 80);
	e.rule.comp[1].nops = 200;
	CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why, sizeof(why)), -1);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("flowspec enforcement set", NULL, NULL);
	CU_add_test(s, "fs_rule_check", test_rule_check);
	CU_add_test(s, "limit: rules a destination meets", test_per_destination);
	CU_add_test(s, "limit: rules in force", test_total);
	CU_add_test(s, "flowset: one rule a match, first wins", test_flowset_merge);
	CU_add_test(s, "imsg: IMSG_FLOW_SET boundary", test_imsg_flow);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
