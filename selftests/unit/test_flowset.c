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
#include <stdlib.h>
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

/* The engine's side: r[0..total) from first into m as one chunk. */
static size_t build_msg(struct imsg *m, uint32_t gen,
			const struct imsg_flow_rule *r, size_t total,
			size_t first)
{
	size_t taken = 0;
	int len = imsg_flow_chunk_build(m->data, sizeof(m->data), gen, r,
					total, first, &taken);

	CU_ASSERT_FATAL(len > 0);
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = IMSG_FLOW_SET;
	m->hdr.len = (uint32_t)len;
	m->fd = -1;
	return taken;
}

static void set_hdr(struct imsg *m, uint32_t gen, uint32_t total,
		    uint32_t first, uint32_t n)
{
	struct imsg_flow_hdr h = { gen, total, first, n };

	memcpy(m->data, &h, sizeof(h));
}

static struct imsg_flow_rule entry(int origin, struct fs_rule r)
{
	struct imsg_flow_rule e;

	memset(&e, 0, sizeof(e));
	e.origin = (uint8_t)origin;
	e.nb_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", e.nb_addr);
	e.rule = r;
	return e;
}

/* The same rule as far as the parent is concerned: the match (its
 * NLRI), the actions, origin and neighbor. */
static int same(const struct imsg_flow_rule *a, const struct imsg_flow_rule *b)
{
	uint8_t ka[4200], kb[4200];
	int la = fs_nlri_encode(&a->rule, ka, sizeof(ka));
	int lb = fs_nlri_encode(&b->rule, kb, sizeof(kb));

	return la > 0 && la == lb && !memcmp(ka, kb, (size_t)la) &&
	       a->rule.family == b->rule.family &&
	       !memcmp(&a->rule.act, &b->rule.act, sizeof(a->rule.act)) &&
	       a->origin == b->origin && a->nb_family == b->nb_family &&
	       !memcmp(a->nb_addr, b->nb_addr, 16);
}

/* A varied rule i: IPv4 and IPv6 (with an offset), numeric and bitmask
 * operators, every action. */
static struct fs_rule varied(unsigned int i)
{
	struct fs_rule r = rule4("10.0.0.0", 32, 0);

	r.comp[0].addr[1] = (uint8_t)(i >> 8);
	r.comp[0].addr[2] = (uint8_t)i;
	r.comp[0].addr[3] = (uint8_t)(i * 7);
	switch (i % 4) {
	case 0: /* destination /32, protocol =6, destination-port =443 */
		r.comp[1].type = FS_PROTO;
		r.comp[1].nops = 1;
		r.comp[1].ops[0].flags = FS_OP_EQ;
		r.comp[1].ops[0].value = 6;
		r.comp[2].type = FS_DPORT;
		r.comp[2].nops = 1;
		r.comp[2].ops[0].flags = FS_OP_EQ;
		r.comp[2].ops[0].value = 443;
		r.ncomp = 3;
		r.act.flags = FS_ACT_RATE_BYTES;
		r.act.rate_bytes = 125000.0f;
		break;
	case 1: /* + source /24, destination-port 1024..65535, tcp-flags */
		r.comp[1].type = FS_SRC;
		r.comp[1].plen = 24;
		r.comp[1].addr[0] = 198;
		r.comp[1].addr[1] = 51;
		r.comp[1].addr[2] = (uint8_t)i;
		r.comp[2].type = FS_DPORT;
		r.comp[2].nops = 2;
		r.comp[2].ops[0].flags = FS_OP_GT | FS_OP_EQ;
		r.comp[2].ops[0].value = 1024;
		r.comp[2].ops[1].flags = FS_OP_AND | FS_OP_LT | FS_OP_EQ;
		r.comp[2].ops[1].value = 65535;
		r.comp[3].type = FS_TCP_FLAGS;
		r.comp[3].nops = 1;
		r.comp[3].ops[0].flags = FS_OP_MATCH;
		r.comp[3].ops[0].value = 0x02;
		r.ncomp = 4;
		r.act.flags = FS_ACT_RATE_PKTS | FS_ACT_MARK;
		r.act.rate_pkts = 1000;
		r.act.dscp = 46;
		break;
	case 2: /* IPv6: destination /64 offset 0, next-header, flow label */
		memset(&r, 0, sizeof(r));
		r.family = AF_INET6;
		r.comp[0].type = FS_DST;
		r.comp[0].plen = 64;
		r.comp[0].addr[0] = 0x20;
		r.comp[0].addr[1] = 0x01;
		r.comp[0].addr[2] = 0x0d;
		r.comp[0].addr[3] = 0xb8;
		r.comp[0].addr[6] = (uint8_t)(i >> 8);
		r.comp[0].addr[7] = (uint8_t)i;
		r.comp[1].type = FS_SRC;
		r.comp[1].plen = 128;
		r.comp[1].offset = 64;
		r.comp[1].addr[15] = (uint8_t)i;
		r.comp[2].type = FS_PROTO;
		r.comp[2].nops = 1;
		r.comp[2].ops[0].flags = FS_OP_EQ;
		r.comp[2].ops[0].value = 17;
		r.comp[3].type = FS_FLOW_LABEL;
		r.comp[3].nops = 1;
		r.comp[3].ops[0].flags = FS_OP_EQ;
		r.comp[3].ops[0].value = 0x12345;
		r.ncomp = 4;
		r.act.flags = FS_ACT_REDIRECT | FS_ACT_ACTION;
		r.act.redirect = 0x8008fde800000064ULL;
		r.act.action = FS_TA_SAMPLE;
		break;
	default: /* destination /32, fragment, packet length */
		r.comp[1].type = FS_PKT_LEN;
		r.comp[1].nops = 1;
		r.comp[1].ops[0].flags = FS_OP_GT;
		r.comp[1].ops[0].value = 1400;
		r.comp[2].type = FS_FRAG;
		r.comp[2].nops = 1;
		r.comp[2].ops[0].flags = FS_OP_MATCH;
		r.comp[2].ops[0].value = 0x02;
		r.ncomp = 3;
		break; /* rate 0: discard */
	}
	return r;
}

/* The parent's boundary: framing in imsg_check(), each rule decoded with
 * the strict codec and checked (imsg_flow_rule_decode()), sequence and
 * completeness in imsg_flow_rx_chunk(). */
static void test_imsg_flow(void)
{
	static struct imsg m;
	static struct imsg_flow_rule r[1100];
	struct imsg_flow_rx rx;
	struct imsg_flow_rule *set;
	size_t n, taken;
	char why[256];

	for (unsigned int i = 0; i < 1100; i++)
		r[i] = entry(1 + i % 3, varied(i));
	imsg_flow_rx_init(&rx);

	/* the empty set: one chunk, total 0 */
	build_msg(&m, 1, r, 0, 0);
	CU_ASSERT_EQUAL(m.hdr.len, sizeof(struct imsg_flow_hdr));
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	/* the parent never sends one */
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_P2E, why, sizeof(why)), -1);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 1);
	CU_ASSERT_PTR_NULL(set);
	CU_ASSERT_EQUAL(n, 0);

	/* 1100 varied rules: three chunks, each whole and valid, the set
	 * handed out only with the last, every rule as it was sent */
	{
		size_t first = 0;
		int chunks = 0, rc = 0;

		while (first < 1100) {
			taken = build_msg(&m, 7, r, 1100, first);
			CU_ASSERT(taken > 0 && taken <= IMSG_FLOW_CHUNK);
			CU_ASSERT(m.hdr.len <= sizeof(struct imsg_flow_hdr) +
						       IMSG_FLOW_CHUNK_BYTES);
			CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why,
						   sizeof(why)), 0);
			rc = imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
						sizeof(why));
			first += taken;
			chunks++;
			CU_ASSERT_EQUAL(rc, first < 1100 ? 0 : 1);
		}
		CU_ASSERT_EQUAL(chunks, (1100 + IMSG_FLOW_CHUNK - 1) /
						IMSG_FLOW_CHUNK);
		CU_ASSERT_EQUAL_FATAL(rc, 1);
		CU_ASSERT_EQUAL_FATAL(n, 1100);
		for (size_t i = 0; i < n; i++)
			CU_ASSERT(same(&set[i], &r[i]));
		free(set);
	}

	/* framing: a chunk truncated by one byte, one byte too many, a
	 * count the rules do not fill */
	build_msg(&m, 2, r, 40, 0);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	m.hdr.len--;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	m.hdr.len += 2;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "flow-set: 1 bytes after 40 rules");
	build_msg(&m, 2, r, 40, 0);
	set_hdr(&m, 2, 41, 0, 41);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	set_hdr(&m, 2, 40, 0, 39);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* past the total */
	build_msg(&m, 2, r, 40, 32);
	set_hdr(&m, 2, 40, 33, 8);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* more than a chunk's rules */
	build_msg(&m, 2, r, 1100, 0);
	set_hdr(&m, 2, 1100, 0, IMSG_FLOW_CHUNK + 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* more than a chunk's bytes */
	m.hdr.len = sizeof(struct imsg_flow_hdr) + IMSG_FLOW_CHUNK_BYTES + 1;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* over the guard's capacity */
	build_msg(&m, 2, r, 1, 0);
	set_hdr(&m, 2, BGPS_FS_MAX_RULES + 1, 0, 1);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* too short for the header */
	build_msg(&m, 2, r, 0, 0);
	m.hdr.len = 3;
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);
	/* an empty chunk of a set that has rules */
	set_hdr(&m, 2, 2, 0, 0);
	m.hdr.len = sizeof(struct imsg_flow_hdr);
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), -1);

	/* sequence: out of order, another generation, another total, a
	 * chunk with no start; each drops the set being received, and the
	 * next set starts clean */
	build_msg(&m, 3, r, 1100, 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 0);
	build_msg(&m, 3, r, 1100, 2 * IMSG_FLOW_CHUNK); /* skips one */
	CU_ASSERT_EQUAL(imsg_check(&m, IMSG_E2P, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), -1);
	CU_ASSERT(strstr(why, "out of sequence") != NULL);
	build_msg(&m, 3, r, 1100, IMSG_FLOW_CHUNK); /* no set any more */
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), -1);
	build_msg(&m, 4, r, 1100, 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 0);
	build_msg(&m, 5, r, 1100, IMSG_FLOW_CHUNK); /* generation */
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), -1);
	build_msg(&m, 6, r, 1100, 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 0);
	build_msg(&m, 6, r, 1099, IMSG_FLOW_CHUNK); /* total */
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), -1);
	/* a new set dropping one half received, whole */
	build_msg(&m, 8, r, 1100, 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 0);
	build_msg(&m, 9, r, 3, 0);
	CU_ASSERT_EQUAL(imsg_flow_rx_chunk(&rx, &m, &set, &n, why,
					   sizeof(why)), 1);
	CU_ASSERT_EQUAL(n, 3);
	free(set);
	imsg_flow_rx_free(&rx);
}

/* One rule whose NLRI is nlri[0..nl) (its length octets included), the
 * rest of its wire form from e: imsg_check() and then the decoder. */
static int wire_one(const struct imsg_flow_rule *e, const uint8_t *nlri,
		    size_t nl, int *framing)
{
	static struct imsg m;
	struct imsg_flow_rx rx;
	struct imsg_flow_rule *set;
	size_t n, off = sizeof(struct imsg_flow_hdr);
	char why[256];
	int rc;

	build_msg(&m, 1, e, 1, 0);
	memcpy(m.data + off + sizeof(struct imsg_flow_wire), nlri, nl);
	m.hdr.len = (uint32_t)(off + sizeof(struct imsg_flow_wire) + nl);
	*framing = imsg_check(&m, IMSG_E2P, why, sizeof(why));
	if (*framing)
		return -1;
	imsg_flow_rx_init(&rx);
	rc = imsg_flow_rx_chunk(&rx, &m, &set, &n, why, sizeof(why));
	if (rc == 1) {
		CU_ASSERT_EQUAL(n, 1);
		free(set);
	}
	imsg_flow_rx_free(&rx);
	return rc;
}

/* Each rule goes through the strict decoder: what the codec refuses on
 * the wire, and the checks beyond it, are refused here too. */
static void test_imsg_flow_rule(void)
{
	/* destination 192.0.2.0/24, destination-port =80 */
	static const uint8_t ok[] = { 8, 1, 24, 192, 0, 2, 5, 0x81, 80 };
	static const struct {
		const char *what;
		uint8_t nlri[24];
		size_t nl;
		int framing; /* imsg_check() refuses it already */
	} bad[] = {
		{ "types out of order", { 8, 5, 0x81, 80, 1, 24, 192, 0, 2 }, 9, 0 },
		{ "a type twice", { 8, 1, 24, 192, 0, 2, 1, 8, 10 }, 9, 0 },
		{ "bits past the prefix length",
		  { 8, 1, 23, 192, 0, 3, 5, 0x81, 80 }, 9, 0 },
		{ "prefix longer than 32", { 8, 1, 33, 192, 0, 2, 5, 0x81, 80 }, 9, 0 },
		{ "a 2-octet value for 80 (not canonical)",
		  { 9, 1, 24, 192, 0, 2, 5, 0x91, 0, 80 }, 10, 0 },
		{ "a 2-octet length below 240 (not canonical)",
		  { 0xf0, 8, 1, 24, 192, 0, 2, 5, 0x81, 80 }, 10, 0 },
		{ "no components", { 0 }, 1, 0 },
		{ "no end bit", { 5, 1, 0, 5, 0x01, 80 }, 6, 0 },
		{ "truncated value", { 3, 5, 0x91, 0 }, 4, 0 },
		{ "flow label on IPv4", { 3, 13, 0x81, 1 }, 4, 0 },
		{ "unknown type", { 3, 14, 0x81, 1 }, 4, 0 },
		{ "9 operators", { 19, 5, 1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1, 6,
				   1, 7, 1, 8, 0x81, 9 }, 20, 0 },
		{ "length past the chunk", { 9, 1, 24, 192, 0, 2, 5, 0x81, 80 },
		  9, 1 },
		{ "length short of the rule", { 7, 1, 24, 192, 0, 2, 5, 0x81, 80 },
		  9, 1 },
		{ "no NLRI", { 0 }, 0, 1 },
	};
	struct imsg_flow_rule e = entry(IMSG_FLOW_API, rule4("192.0.2.0", 24, 80));
	int framing;
	char why[256];

	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = wire_one(&e, bad[i].nlri, bad[i].nl, &framing);

		if (rc != -1 || framing != -bad[i].framing)
			printf("\n  %s: rc %d framing %d", bad[i].what, rc,
			       framing);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(framing, -bad[i].framing);
	}
	/* the fields beyond the codec, the NLRI fine */
	e.origin = 9;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e = entry(IMSG_FLOW_RECEIVED, e.rule);
	e.nb_family = 3;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e = entry(IMSG_FLOW_RECEIVED, e.rule);
	e.rule.act.rate_bytes = NAN;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.rate_bytes = -1;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.rate_bytes = INFINITY;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.rate_bytes = 0;
	e.rule.act.flags |= 0x100;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.flags = FS_ACT_MARK;
	e.rule.act.dscp = 64;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.dscp = 63;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), 1);
	e.rule.act.flags = FS_ACT_ACTION;
	e.rule.act.action = 4;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), -1);
	e.rule.act.action = FS_TA_TERMINAL;
	CU_ASSERT_EQUAL(wire_one(&e, ok, sizeof(ok), &framing), 1);
	/* the rule's family: neither, or IPv6 for IPv4 octets */
	{
		static struct imsg m;
		struct imsg_flow_wire w;
		struct imsg_flow_rule out;
		size_t used, off = sizeof(struct imsg_flow_hdr);

		build_msg(&m, 1, &e, 1, 0);
		CU_ASSERT_EQUAL(imsg_flow_rule_decode(m.data + off,
						      m.hdr.len - off, &out,
						      &used, why, sizeof(why)),
				0);
		CU_ASSERT_EQUAL(used, m.hdr.len - off);
		CU_ASSERT(same(&out, &e));
		/* truncated anywhere: refused, nothing read past it */
		for (size_t l = 0; l < m.hdr.len - off; l++)
			CU_ASSERT_EQUAL(imsg_flow_rule_decode(m.data + off, l,
							      &out, &used, why,
							      sizeof(why)),
					-1);
		memcpy(&w, m.data + off, sizeof(w));
		w.family = 7;
		memcpy(m.data + off, &w, sizeof(w));
		CU_ASSERT_EQUAL(imsg_flow_rule_decode(m.data + off,
						      m.hdr.len - off, &out,
						      &used, why, sizeof(why)),
				-1);
		w.family = AF_INET6; /* 1, 24, then 192: offset past length */
		memcpy(m.data + off, &w, sizeof(w));
		CU_ASSERT_EQUAL(imsg_flow_rule_decode(m.data + off,
						      m.hdr.len - off, &out,
						      &used, why, sizeof(why)),
				-1);
		w.family = AF_INET;
		w.pad = 1;
		memcpy(m.data + off, &w, sizeof(w));
		CU_ASSERT_EQUAL(imsg_flow_rule_decode(m.data + off,
						      m.hdr.len - off, &out,
						      &used, why, sizeof(why)),
				-1);
	}
}

/* What a full set costs to hand over: bytes per rule and per 4096-rule
 * set, the imsg headers included, against the struct it replaced
 * (struct imsg_flow_rule, 32 a chunk).  docs/ARCHITECTURE.md quotes
 * these figures. */
static void test_imsg_flow_size(void)
{
	static struct imsg m;
	static struct imsg_flow_rule r[BGPS_FS_MAX_RULES];
	size_t n = BGPS_FS_MAX_RULES, first = 0, bytes = 0, chunks = 0;
	size_t before = (n + 31) / 32 * (sizeof(struct imsg_hdr) +
					 sizeof(struct imsg_flow_hdr)) +
			n * sizeof(struct imsg_flow_rule);

	for (size_t i = 0; i < n; i++)
		r[i] = entry(1 + i % 3, varied((unsigned int)i));
	while (first < n) {
		first += build_msg(&m, 1, r, n, first);
		bytes += sizeof(struct imsg_hdr) + m.hdr.len;
		chunks++;
	}
	printf("\n    before: %zu bytes a rule, %zu a 4096-rule set "
	       "(%zu datagrams)\n    after:  %.1f bytes a rule, %zu a "
	       "4096-rule set (%zu datagrams), %.1fx smaller\n    ",
	       sizeof(struct imsg_flow_rule), before, (n + 31) / 32,
	       (double)bytes / (double)n, bytes, chunks,
	       (double)before / (double)bytes);
	CU_ASSERT(bytes * 10 < before);
	/* the smallest rule, one destination: the fixed part and 6 octets */
	build_msg(&m, 1, &(struct imsg_flow_rule){ 0 }, 0, 0);
	{
		struct imsg_flow_rule e = entry(IMSG_FLOW_API,
						rule4("192.0.2.0", 24, 0));

		build_msg(&m, 1, &e, 1, 0);
		CU_ASSERT_EQUAL(m.hdr.len, sizeof(struct imsg_flow_hdr) +
						   sizeof(struct imsg_flow_wire) + 6);
	}
	CU_ASSERT_EQUAL(sizeof(struct imsg_flow_wire), 44);
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
	CU_add_test(s, "imsg: each rule through the strict decoder",
		    test_imsg_flow_rule);
	CU_add_test(s, "imsg: bytes a rule and a full set",
		    test_imsg_flow_size);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
