// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_flowspec_bpf: the guard's flowspec matcher through BPF_PROG_TEST_RUN.
 * Rules are built in C as struct fs_rule (what the config and the codec
 * produce), compiled by guard_flow_apply() (user/guard/flowspec.c) into the
 * maps of one freshly loaded skeleton, and frames built by hand are run
 * through the XDP (and tc) entry points: every component type, every
 * operator, the and/or grammar of RFC 8955 §4.2.1, prefixes with covering
 * rules and RFC 8956 offsets, drop and rate-limit, the BGP peer's port-179
 * exemption, per-rule counters, replacement, and the limits refused.
 *
 * Exit status: 0 all passed, 1 a failure, 77 skipped (not root, no BPF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <CUnit/Basic.h>

#include "bgpshield_guard.h"
#include "flowspec.h"
#include "guard.h"
#include "guard.skel.h"

static struct guard_bpf *skel;
static struct guard g;
static char err[512];

#define PEER4 "192.0.2.1"
#define US4 "203.0.113.10"

/* --- frames ------------------------------------------------------------ */

struct pk {
	int v6;
	const char *src, *dst;
	__u8 proto;
	__u16 sport, dport;
	__u8 tcp_flags;
	__u8 icmp_type, icmp_code;
	__u8 dscp;
	__u32 flow_label;
	__u16 frag;	/* IPv4 flags+offset field as on the wire (host order);
			 * IPv6: the fragment header's offset<<3 | M, and
			 * frag6 set */
	int frag6;
	__u16 paylen;	/* L4 bytes after the 8/20-byte L4 header stub */
};

static unsigned int build(const struct pk *p, __u8 *b)
{
	unsigned int l2 = 14, l3, l4len, o;
	__u8 *ip = b + l2, *l4;

	memset(b, 0, 1600);
	memcpy(b, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02", 12);
	l4len = (p->proto == IPPROTO_TCP ? 20 : 8) + p->paylen;
	if (!p->v6) {
		b[12] = 0x08, b[13] = 0x00;
		ip[0] = 0x45;
		ip[1] = p->dscp << 2;
		l3 = 20;
		o = l3 + l4len;
		ip[2] = o >> 8, ip[3] = o;
		ip[6] = p->frag >> 8, ip[7] = p->frag;
		ip[8] = 64;
		ip[9] = p->proto;
		inet_pton(AF_INET, p->src, ip + 12);
		inet_pton(AF_INET, p->dst, ip + 16);
	} else {
		__u32 w0 = 6U << 28 | (__u32)p->dscp << 22 | p->flow_label;

		b[12] = 0x86, b[13] = 0xdd;
		w0 = htonl(w0);
		memcpy(ip, &w0, 4);
		l3 = 40 + (p->frag6 ? 8 : 0);
		o = l3 - 40 + l4len;
		ip[4] = o >> 8, ip[5] = o;
		ip[6] = p->frag6 ? 44 : p->proto;
		ip[7] = 64;
		inet_pton(AF_INET6, p->src, ip + 8);
		inet_pton(AF_INET6, p->dst, ip + 24);
		if (p->frag6) {
			ip[40] = p->proto;
			ip[42] = p->frag >> 8, ip[43] = p->frag;
		}
	}
	l4 = ip + l3;
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		l4[0] = p->icmp_type, l4[1] = p->icmp_code;
	} else {
		l4[0] = p->sport >> 8, l4[1] = p->sport;
		l4[2] = p->dport >> 8, l4[3] = p->dport;
		if (p->proto == IPPROTO_TCP) {
			l4[12] = 5 << 4;
			l4[13] = p->tcp_flags;
		}
	}
	return l2 + l3 + l4len;
}

/* The program's verdict: 1 dropped, 0 passed. */
static int run_prog(int fd, const struct pk *p)
{
	static __u8 b[1600];
	unsigned int len = build(p, b);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = b, .data_size_in = len,
		    .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &o)) {
		CU_FAIL("test_run failed");
		return -1;
	}
	if (fd == bpf_program__fd(skel->progs.bgps_tc))
		return o.retval == TC_ACT_SHOT;
	return o.retval == XDP_DROP;
}

static int run(const struct pk *p)
{
	return run_prog(bpf_program__fd(skel->progs.bgps_xdp), p);
}

/* A TCP packet from a stranger to us, the baseline every test varies. */
static struct pk tcp4(void)
{
	return (struct pk){ .src = "198.51.100.7", .dst = US4,
			    .proto = IPPROTO_TCP, .sport = 40000,
			    .dport = 80, .tcp_flags = 0x02 };
}

static struct pk tcp6(void)
{
	return (struct pk){ .v6 = 1, .src = "2001:db8:bad::7",
			    .dst = "2001:db8:1::10", .proto = IPPROTO_TCP,
			    .sport = 40000, .dport = 80, .tcp_flags = 0x02 };
}

/* --- rules ------------------------------------------------------------- */

static struct fs_rule rule(int v6)
{
	struct fs_rule r;

	memset(&r, 0, sizeof(r));
	r.family = v6 ? AF_INET6 : AF_INET;
	r.act.flags = FS_ACT_RATE_BYTES; /* discard: traffic-rate 0 */
	return r;
}

static struct fs_comp *comp(struct fs_rule *r, int type)
{
	struct fs_comp *c;

	if (r->ncomp && r->comp[r->ncomp - 1].type == type)
		return &r->comp[r->ncomp - 1];
	c = &r->comp[r->ncomp++];
	c->type = type;
	return c;
}

static void pfx(struct fs_rule *r, int type, const char *a, int plen,
		int off)
{
	struct fs_comp *c = comp(r, type);

	inet_pton(r->family, a, c->addr);
	c->plen = plen;
	c->offset = off;
}

static void op(struct fs_rule *r, int type, int flags, __u32 v)
{
	struct fs_comp *c = comp(r, type);

	c->ops[c->nops].flags = flags;
	c->ops[c->nops].value = v;
	c->nops++;
}

static void apply(const struct fs_rule *r, size_t n)
{
	int e = guard_flow_apply(&g, r, n, err, sizeof(err));

	if (e)
		fprintf(stderr, "\n    guard_flow_apply: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(e, 0);
}

static void apply1(const struct fs_rule *r)
{
	apply(r, 1);
}

static struct bgps_fs_rule live(size_t i)
{
	struct bgps_fs_meta m;
	struct bgps_fs_rule r;
	__u32 zero = 0, key;

	memset(&r, 0, sizeof(r));
	bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &m);
	key = (m.half ? BGPS_FS_MAX_RULES : 0) + i;
	bpf_map_lookup_elem(g.map_fd[GM_FS_RULES], &key, &r);
	return r;
}

#define EQ FS_OP_EQ
#define LT FS_OP_LT
#define GT FS_OP_GT
#define AND FS_OP_AND

/* --- tests ------------------------------------------------------------- */

static void test_no_rules_passes(void)
{
	struct pk p = tcp4();

	apply(NULL, 0);
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_dst_prefix_and_proto(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	pfx(&r, FS_DST, "203.0.113.0", 24, 0);
	op(&r, FS_PROTO, EQ, IPPROTO_UDP);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0); /* TCP */
	p.proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "203.0.114.10";
	CU_ASSERT_EQUAL(run(&p), 0); /* outside the prefix */
	CU_ASSERT_EQUAL(live(0).matched_packets, 1);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 1);
}

static void test_no_dst_rule_is_everywhere(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "10.1.2.3";
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dport = 81;
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_src_prefix(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	pfx(&r, FS_SRC, "198.51.100.0", 28, 0);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.src = "198.51.100.17";
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_numeric_operators(void)
{
	static const struct {
		int flags;
		__u32 v;
		__u16 port;
		int drop;
	} t[] = {
		{ EQ, 80, 80, 1 },	{ EQ, 80, 81, 0 },
		{ LT, 80, 79, 1 },	{ LT, 80, 80, 0 },
		{ GT, 80, 81, 1 },	{ GT, 80, 80, 0 },
		{ LT | EQ, 80, 80, 1 }, { LT | EQ, 80, 81, 0 },
		{ GT | EQ, 80, 80, 1 }, { GT | EQ, 80, 79, 0 },
		{ LT | GT, 80, 80, 0 }, { LT | GT, 80, 81, 1 }, /* != */
		{ 0, 80, 80, 0 },			/* false */
		{ LT | GT | EQ, 80, 12345, 1 },	/* true */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fs_rule r = rule(0);
		struct pk p = tcp4();

		op(&r, FS_DPORT, t[i].flags, t[i].v);
		apply1(&r);
		p.dport = t[i].port;
		if (run(&p) != t[i].drop)
			fprintf(stderr, "\n    case %zu\n", i);
		CU_ASSERT_EQUAL(run(&p), t[i].drop);
	}
}

/* RFC 8955 §4.2.1.1: "and" joins a term to the previous one; runs of ANDed
 * terms are ORed: >=1024 & <=2000 | ==80 | ==3000 & ==3001 (never). */
static void test_and_or(void)
{
	static const struct {
		__u16 port;
		int drop;
	} t[] = { { 80, 1 }, { 1023, 0 }, { 1024, 1 }, { 2000, 1 },
		  { 2001, 0 }, { 3000, 0 }, { 3001, 0 }, { 443, 0 } };
	struct fs_rule r = rule(0);

	op(&r, FS_DPORT, GT | EQ, 1024);
	op(&r, FS_DPORT, AND | LT | EQ, 2000);
	op(&r, FS_DPORT, EQ, 80);
	op(&r, FS_DPORT, EQ, 3000);
	op(&r, FS_DPORT, AND | EQ, 3001);
	apply1(&r);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pk p = tcp4();

		p.dport = t[i].port;
		CU_ASSERT_EQUAL(run(&p), t[i].drop);
	}
}

/* An OR before an AND: ==3000 | >=1024 & <=2000 reads as
 * ==3000 | (>=1024 & <=2000): 3000 matches. */
static void test_or_then_and(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_DPORT, EQ, 3000);
	op(&r, FS_DPORT, GT | EQ, 1024);
	op(&r, FS_DPORT, AND | LT | EQ, 2000);
	apply1(&r);
	p.dport = 3000;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dport = 1500;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dport = 2500;
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_components_and(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_PROTO, EQ, IPPROTO_TCP);
	op(&r, FS_DPORT, EQ, 80);
	op(&r, FS_SPORT, GT, 1023);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.sport = 1000;
	CU_ASSERT_EQUAL(run(&p), 0);
	p = tcp4();
	p.dport = 443;
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* Type 4: either port. */
static void test_port_either(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_PORT, EQ, 53);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0);
	p.proto = IPPROTO_UDP;
	p.dport = 53;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dport = 9999;
	p.sport = 53;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.sport = 54;
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* Port components never match a packet without ports. */
static void test_port_needs_ports(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_DPORT, LT | GT | EQ, 0); /* any port at all */
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.proto = IPPROTO_ICMP;
	CU_ASSERT_EQUAL(run(&p), 0);
	p = tcp4();
	p.frag = 0x0010; /* a non-first fragment: no ports */
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_icmp_type_code(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_ICMP_TYPE, EQ, 8);
	op(&r, FS_ICMP_CODE, EQ, 0);
	apply1(&r);
	p.proto = IPPROTO_ICMP;
	p.icmp_type = 8;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.icmp_code = 1;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.icmp_type = 0;
	p.icmp_code = 0;
	CU_ASSERT_EQUAL(run(&p), 0);
	p = tcp4(); /* TCP has no ICMP type */
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* Bitmask operators, RFC 8955 §4.2.1.2. */
static void test_tcp_flags_bitmask(void)
{
	static const struct {
		int flags;
		__u32 mask;
		__u8 tcp;
		int drop;
	} t[] = {
		/* any of the bits */
		{ 0, 0x12, 0x02, 1 },
		{ 0, 0x12, 0x10, 1 },
		{ 0, 0x12, 0x01, 0 },
		/* match: all of the bits */
		{ FS_OP_MATCH, 0x12, 0x12, 1 },
		{ FS_OP_MATCH, 0x12, 0x02, 0 },
		/* not: none of the bits */
		{ FS_OP_NOT, 0x10, 0x02, 1 },
		{ FS_OP_NOT, 0x10, 0x12, 0 },
		/* not match: not all of them */
		{ FS_OP_NOT | FS_OP_MATCH, 0x12, 0x02, 1 },
		{ FS_OP_NOT | FS_OP_MATCH, 0x12, 0x12, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fs_rule r = rule(0);
		struct pk p = tcp4();

		op(&r, FS_TCP_FLAGS, t[i].flags, t[i].mask);
		apply1(&r);
		p.tcp_flags = t[i].tcp;
		CU_ASSERT_EQUAL(run(&p), t[i].drop);
	}
}

/* SYN and not ACK: two bitmask terms ANDed. */
static void test_tcp_flags_syn_only(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_TCP_FLAGS, FS_OP_MATCH, 0x02);
	op(&r, FS_TCP_FLAGS, AND | FS_OP_NOT, 0x10);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.tcp_flags = 0x12;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.proto = IPPROTO_UDP; /* no TCP flags */
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_packet_length(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	/* IPv4 total length: 20 + 20 + payload */
	op(&r, FS_PKT_LEN, GT | EQ, 1000);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0);
	p.paylen = 960;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.paylen = 959;
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_dscp(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	op(&r, FS_DSCP, EQ, 46);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dscp = 46;
	CU_ASSERT_EQUAL(run(&p), 1);
	p = tcp6();
	p.dscp = 46; /* the rule is IPv4's */
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* RFC 8955 §4.2.2.12: DF 0x01, IsF 0x02, FF 0x04, LF 0x08. */
static void test_fragment_bits(void)
{
	static const struct {
		__u32 bit;
		__u16 frag; /* the IPv4 flags + offset field */
		int drop;
	} t[] = {
		{ BGPS_FRAG_DF, 0x4000, 1 }, { BGPS_FRAG_DF, 0x0000, 0 },
		{ BGPS_FRAG_FF, 0x2000, 1 }, { BGPS_FRAG_FF, 0x2010, 0 },
		{ BGPS_FRAG_ISF, 0x2010, 1 }, { BGPS_FRAG_ISF, 0x0010, 1 },
		{ BGPS_FRAG_ISF, 0x2000, 0 }, { BGPS_FRAG_LF, 0x0010, 1 },
		{ BGPS_FRAG_LF, 0x2010, 0 }, { BGPS_FRAG_LF, 0x0000, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fs_rule r = rule(0);
		struct pk p = tcp4();

		op(&r, FS_FRAG, FS_OP_MATCH, t[i].bit);
		apply1(&r);
		p.frag = t[i].frag;
		CU_ASSERT_EQUAL(run(&p), t[i].drop);
	}
}

static void test_fragment_v6(void)
{
	struct fs_rule r = rule(1);
	struct pk p = tcp6();

	op(&r, FS_FRAG, FS_OP_MATCH, BGPS_FRAG_FF);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0);
	p.frag6 = 1;
	p.frag = 1; /* offset 0, M */
	CU_ASSERT_EQUAL(run(&p), 1);
	p.frag = 8 << 3; /* offset 8, last */
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_v6_components(void)
{
	struct fs_rule r = rule(1);
	struct pk p = tcp6();

	pfx(&r, FS_DST, "2001:db8:1::", 48, 0);
	pfx(&r, FS_SRC, "2001:db8:bad::", 48, 0);
	op(&r, FS_PROTO, EQ, IPPROTO_UDP); /* next header */
	op(&r, FS_DPORT, EQ, 53);
	op(&r, FS_PKT_LEN, LT, 200); /* 40 + payload */
	op(&r, FS_FLOW_LABEL, EQ, 0x12345);
	apply1(&r);
	p.proto = IPPROTO_UDP;
	p.dport = 53;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.flow_label = 0x12345;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.paylen = 200;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.paylen = 0;
	p.src = "2001:db8:bae::7";
	CU_ASSERT_EQUAL(run(&p), 0);
	p.src = "2001:db8:bad::7";
	p.dst = "2001:db8:2::10";
	CU_ASSERT_EQUAL(run(&p), 0);
	p = tcp4(); /* an IPv4 packet never meets an IPv6 rule */
	p.proto = IPPROTO_UDP;
	p.dport = 53;
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void test_v6_icmp(void)
{
	struct fs_rule r = rule(1);
	struct pk p = tcp6();

	op(&r, FS_ICMP_TYPE, EQ, 128);
	apply1(&r);
	p.proto = IPPROTO_ICMPV6;
	p.icmp_type = 128;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.icmp_type = 129;
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* RFC 8956 §3.1: an offset skips the prefix's leading bits. */
static void test_v6_offset(void)
{
	struct fs_rule r = rule(1);
	struct pk p = tcp6();

	/* bits 64..127 are ::10 (the interface id), whatever the net */
	pfx(&r, FS_DST, "::10", 128, 64);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "2001:db8:ffff::10";
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "2001:db8:1::11";
	CU_ASSERT_EQUAL(run(&p), 0);
}

/* A /24's rule applies under a /32 with its own rules; the /32's come
 * first. */
static void test_covering_and_order(void)
{
	struct fs_rule r[3] = { rule(0), rule(0), rule(0) };
	struct pk p = tcp4();

	pfx(&r[0], FS_DST, "203.0.113.0", 24, 0);
	op(&r[0], FS_DPORT, EQ, 80); /* drop port 80 in the /24 */
	pfx(&r[1], FS_DST, US4, 32, 0);
	op(&r[1], FS_DPORT, LT, 1024);
	r[1].act.flags = 0; /* accept: counted, ends the search */
	pfx(&r[2], FS_DST, "203.0.113.11", 32, 0);
	op(&r[2], FS_DPORT, EQ, 22);
	apply(r, 3);
	CU_ASSERT_EQUAL(run(&p), 0); /* the /32's accept wins */
	CU_ASSERT_EQUAL(live(1).matched_packets, 1);
	CU_ASSERT_EQUAL(live(0).matched_packets, 0);
	p.dst = "203.0.113.11";
	CU_ASSERT_EQUAL(run(&p), 1); /* the /24's rule under another /32 */
	p.dport = 22;
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "203.0.113.12";
	CU_ASSERT_EQUAL(run(&p), 0);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 1);
	CU_ASSERT_EQUAL(live(2).dropped_packets, 1);
}

/* The guard's verdict first: an allowed peer's BGP traffic never meets
 * flowspec, a stranger's port-179 traffic is the guard's to drop. */
static void test_bgp_peer_exempt(void)
{
	struct fs_rule r = rule(0);
	struct bgps_peer peer = { 0 };
	__u8 k[4];
	struct pk p = tcp4();

	inet_pton(AF_INET, PEER4, k);
	CU_ASSERT_EQUAL_FATAL(bpf_map_update_elem(g.map_fd[GM_ALLOW4], k, &peer,
						  BPF_ANY), 0);
	op(&r, FS_PROTO, EQ, IPPROTO_TCP); /* all TCP: the session too */
	apply1(&r);
	p.src = PEER4;
	p.dport = 179;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dport = 40001;
	p.sport = 179;
	CU_ASSERT_EQUAL(run(&p), 0);
	CU_ASSERT_EQUAL(run_prog(bpf_program__fd(skel->progs.bgps_tc), &p), 0);
	CU_ASSERT_EQUAL(live(0).matched_packets, 0);
	/* the peer's other traffic is flowspec's */
	p.sport = 40000;
	p.dport = 80;
	CU_ASSERT_EQUAL(run(&p), 1);
	bpf_map_delete_elem(g.map_fd[GM_ALLOW4], k);
}

static void test_tc_entry(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();
	int tc = bpf_program__fd(skel->progs.bgps_tc);

	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	CU_ASSERT_EQUAL(run_prog(tc, &p), 1);
	p.dport = 81;
	CU_ASSERT_EQUAL(run_prog(tc, &p), 0);
}

static void test_rate_limit_packets(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();
	int passed = 0;

	r.act.flags = FS_ACT_RATE_PKTS;
	r.act.rate_pkts = 100; /* 10 ms each, 100 ms of burst: 11 at once */
	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	for (int i = 0; i < 50; i++)
		passed += !run(&p);
	/* the coarse clock may tick (4 ms at HZ=250) during the loop */
	CU_ASSERT(passed >= 11 && passed <= 16);
	CU_ASSERT_EQUAL(live(0).matched_packets, 50);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 50 - passed);
	if (passed < 11 || passed > 16)
		fprintf(stderr, "\n    passed %d of 50\n", passed);
}

static void test_rate_limit_bytes(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();
	int passed = 0;

	r.act.rate_bytes = 100000; /* 100 ms: 10 kB at once */
	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	p.paylen = 960; /* 1000-byte IP packet, 1014 with Ethernet */
	for (int i = 0; i < 50; i++)
		passed += !run(&p);
	CU_ASSERT(passed >= 10 && passed <= 13);
	if (passed < 10 || passed > 13)
		fprintf(stderr, "\n    passed %d of 50\n", passed);
}

static void test_count_only_actions(void)
{
	struct fs_rule r = rule(0);
	struct pk p = tcp4();

	r.act.flags = FS_ACT_REDIRECT | FS_ACT_MARK;
	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 0);
	CU_ASSERT_EQUAL(live(0).action, BGPS_FSA_COUNT);
	CU_ASSERT_EQUAL(live(0).matched_packets, 1);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 0);
}

static void test_monitor_mode_counts(void)
{
	struct fs_rule r = rule(0);
	struct bgps_settings s;
	struct pk p = tcp4();

	op(&r, FS_DPORT, EQ, 80);
	apply1(&r);
	guard_settings_get(&g, &s);
	s.mode = BGPS_MODE_MONITOR;
	guard_settings_set(&g, &s);
	CU_ASSERT_EQUAL(run(&p), 0);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 1);
	s.mode = BGPS_MODE_ENFORCE;
	guard_settings_set(&g, &s);
	CU_ASSERT_EQUAL(run(&p), 1);
}

/* Replacement: a rule kept keeps its counters, a rule gone is gone, and
 * its destination leaves the trie. */
static void test_replace_keeps_counters(void)
{
	struct fs_rule r[2] = { rule(0), rule(0) };
	struct pk p = tcp4();
	struct bgps_lpm4 k = { .prefixlen = 32 }, next;

	pfx(&r[0], FS_DST, "192.0.2.99", 32, 0);
	pfx(&r[1], FS_DST, US4, 32, 0);
	op(&r[1], FS_DPORT, EQ, 80);
	apply(r, 2);
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(run(&p), 1);
	apply(&r[1], 1);
	CU_ASSERT_EQUAL(live(0).matched_packets, 2);
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(0).matched_packets, 3);
	p.dst = "192.0.2.99";
	CU_ASSERT_EQUAL(run(&p), 0);
	inet_pton(AF_INET, "192.0.2.99", k.addr);
	CU_ASSERT_NOT_EQUAL(bpf_map_lookup_elem(g.map_fd[GM_FS_DST4], &k,
						&next), 0);
	apply(NULL, 0);
	CU_ASSERT_NOT_EQUAL(bpf_map_get_next_key(g.map_fd[GM_FS_DST4], NULL,
						 &next), 0);
	p = tcp4();
	CU_ASSERT_EQUAL(run(&p), 0);
}

static void refused(const struct fs_rule *r, size_t n, const char *want)
{
	struct bgps_fs_meta before, after;
	__u32 zero = 0;
	int e;

	bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &before);
	e = guard_flow_apply(&g, r, n, err, sizeof(err));
	CU_ASSERT(e < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n    got \"%s\", wanted \"%s\"\n", err, want);
	bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &after);
	CU_ASSERT_EQUAL(memcmp(&before, &after, sizeof(before)), 0);
}

static void test_limits_refused(void)
{
	static struct fs_rule many[BGPS_FS_MAX_RULES + 1];
	struct fs_rule r = rule(0), keep = rule(0);
	struct pk p = tcp4();

	op(&keep, FS_DPORT, EQ, 80);
	apply1(&keep);

	for (int c = FS_PROTO; c <= FS_DSCP; c++)
		for (int i = 0; i < FS_MAX_OPS; i++)
			if (c != FS_TCP_FLAGS)
				op(&r, c, EQ, i);
	refused(&r, 1, "operators in all");

	r = rule(0);
	op(&r, FS_FLOW_LABEL, EQ, 1);
	refused(&r, 1, "IPv6 only");

	r = rule(0);
	r.ncomp = 1;
	r.comp[0].type = FS_DPORT;
	r.comp[0].nops = FS_MAX_OPS + 1;
	refused(&r, 1, "operators");

	for (int i = 0; i < BGPS_FS_PER_PREFIX + 1; i++) {
		many[i] = rule(0);
		pfx(&many[i], FS_DST, "203.0.113.0", 24 + (i % 9), 0);
		op(&many[i], FS_DPORT, EQ, i);
	}
	refused(many, BGPS_FS_PER_PREFIX + 1, "at most 16 per destination");

	for (int i = 0; i < BGPS_FS_MAX_RULES + 1; i++) {
		many[i] = rule(0);
		op(&many[i], FS_DPORT, EQ, i);
	}
	refused(many, BGPS_FS_MAX_RULES + 1, "at most 4096");

	/* the rule in force before is still in force */
	CU_ASSERT_EQUAL(run(&p), 1);
}

/* The group's candidate masks skip only slots whose hulls exclude the
 * packet: ports and protocols that share a bucket (80 and 144; ICMP 1 and
 * 33), ranges and rules without a port, in their order. */
static void test_candidate_masks_order(void)
{
	struct fs_rule r[6] = { rule(0), rule(0), rule(0),
				rule(0), rule(0), rule(0) };
	struct pk p = tcp4();

	for (int i = 0; i < 6; i++)
		pfx(&r[i], FS_DST, US4, 32, 0);
	op(&r[0], FS_DPORT, EQ, 144); /* bucket of 80 */
	r[0].act.flags = 0;	      /* accept */
	op(&r[1], FS_DPORT, GT | EQ, 100);
	op(&r[1], FS_DPORT, AND | LT | EQ, 200);
	op(&r[2], FS_PROTO, EQ, 33); /* bucket of ICMP */
	op(&r[3], FS_PROTO, EQ, IPPROTO_UDP);
	op(&r[3], FS_DPORT, EQ, 80);
	op(&r[4], FS_PROTO, EQ, IPPROTO_TCP);
	op(&r[4], FS_DPORT, EQ, 80);
	op(&r[5], FS_PROTO, EQ, IPPROTO_ICMP); /* no port component */
	apply(r, 6);
	CU_ASSERT_EQUAL(run(&p), 1); /* tcp/80: the 5th rule */
	CU_ASSERT_EQUAL(live(4).dropped_packets, 1);
	p.dport = 144;
	CU_ASSERT_EQUAL(run(&p), 0); /* the accept, before the range */
	CU_ASSERT_EQUAL(live(0).matched_packets, 1);
	CU_ASSERT_EQUAL(live(1).matched_packets, 0);
	p.dport = 150;
	CU_ASSERT_EQUAL(run(&p), 1); /* the range */
	CU_ASSERT_EQUAL(live(1).dropped_packets, 1);
	p.dport = 208; /* bucket of 144 and 80, in no hull */
	CU_ASSERT_EQUAL(run(&p), 0);
	p.proto = IPPROTO_UDP;
	p.dport = 80;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(3).dropped_packets, 1);
	p.proto = IPPROTO_ICMP; /* no ports: bucket 0 */
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(5).dropped_packets, 1);
	CU_ASSERT_EQUAL(live(2).matched_packets, 0);
	p.proto = 33;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(2).dropped_packets, 1);
	CU_ASSERT_EQUAL(live(5).dropped_packets, 1);
}

/* The slot's source word refuses a packet before the rule is read: with
 * the rule's own source test removed by hand, the slot still decides. */
static void test_slot_source_word(void)
{
	struct fs_rule r = rule(0);
	struct bgps_fs_meta m;
	struct bgps_fs_rule k;
	__u32 zero = 0, key;
	struct pk p = tcp4();

	pfx(&r, FS_DST, US4, 32, 0);
	pfx(&r, FS_SRC, "198.51.100.0", 24, 0);
	apply1(&r);
	CU_ASSERT_EQUAL(run(&p), 1);
	bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &m);
	key = m.half ? BGPS_FS_MAX_RULES : 0;
	bpf_map_lookup_elem(g.map_fd[GM_FS_RULES], &key, &k);
	k.flags &= ~BGPS_FSR_SRC;
	bpf_map_update_elem(g.map_fd[GM_FS_RULES], &key, &k, BPF_ANY);
	p.src = "192.0.2.99";
	CU_ASSERT_EQUAL(run(&p), 0);
	p.src = "198.51.100.200";
	CU_ASSERT_EQUAL(run(&p), 1);
	apply(NULL, 0);
}

/* Destinations are looked up by hash, one length at a time, longest
 * first, while at most BGPS_FS_MAX_LENS lengths are in use, and in the
 * trie beyond: the same longest match either way. */
static void test_lengths_hash_then_trie(void)
{
	struct fs_rule r[BGPS_FS_MAX_LENS + 2];
	struct bgps_fs_meta m;
	struct pk p = tcp4();
	__u32 zero = 0;
	int n;

	for (n = 0; n < BGPS_FS_MAX_LENS + 2; n++) {
		r[n] = rule(0);
		/* 203.0.113.10/32, /31, ... each with its own port */
		pfx(&r[n], FS_DST, US4, 32 - n, 0);
		op(&r[n], FS_DPORT, EQ, 1000 + n);
	}
	for (int pass = 0; pass < 2; pass++) {
		n = pass ? BGPS_FS_MAX_LENS + 2 : BGPS_FS_MAX_LENS;
		apply(r, n);
		bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &m);
		if (pass) {
			CU_ASSERT(m.nlens4 > BGPS_FS_MAX_LENS);
		} else {
			CU_ASSERT_EQUAL(m.nlens4, BGPS_FS_MAX_LENS);
			CU_ASSERT_EQUAL(m.lens4[0], 32);
			CU_ASSERT_EQUAL(m.lens4[BGPS_FS_MAX_LENS - 1],
					32 - BGPS_FS_MAX_LENS + 1);
		}
		for (int i = 0; i < n; i++) {
			p.dport = 1000 + i;
			CU_ASSERT_EQUAL(run(&p), 1);
			/* rules kept across the apply keep counting */
			CU_ASSERT_EQUAL(live(i).dropped_packets,
					i < BGPS_FS_MAX_LENS ? pass + 1 : 1);
		}
		p.dport = 999;
		CU_ASSERT_EQUAL(run(&p), 0);
		/* .10's /32 ... /25 do not cover .200, its /24 does */
		p.dst = "203.0.113.200";
		p.dport = 1000 + 8;
		CU_ASSERT_EQUAL(run(&p), pass);
		p.dport = 1000 + 6;
		CU_ASSERT_EQUAL(run(&p), 0);
		p.dst = US4;
	}
	apply(NULL, 0);
	bpf_map_lookup_elem(g.map_fd[GM_FS_META], &zero, &m);
	CU_ASSERT_EQUAL(m.nlens4, 0);
}

static struct bgps_fs_slot slot_of(const char *dst, int plen, int j)
{
	struct bgps_lpm4 k = { .prefixlen = plen };
	struct bgps_fs_group grp;

	memset(&grp, 0, sizeof(grp));
	inet_pton(AF_INET, dst, k.addr);
	bpf_map_lookup_elem(g.map_fd[GM_FS_HASH4], &k, &grp);
	return grp.slot[j];
}

/* A slot whose summary is the whole rule (protocol and ports, one AND-run
 * each) decides without the rule's operators; an OR of ports (a hull with
 * a gap), a != or another component keeps the walk. */
static void test_exact_summary(void)
{
	struct fs_rule r[4] = { rule(0), rule(0), rule(0), rule(0) };
	struct pk p = tcp4();

	for (int i = 0; i < 4; i++)
		pfx(&r[i], FS_DST, US4, 32, 0);
	op(&r[0], FS_DPORT, EQ, 100); /* 100 or 200: not exact */
	op(&r[0], FS_DPORT, EQ, 200);
	op(&r[1], FS_PROTO, EQ, IPPROTO_TCP); /* exact */
	op(&r[1], FS_DPORT, GT | EQ, 300);
	op(&r[1], FS_DPORT, AND | LT | EQ, 400);
	op(&r[2], FS_DPORT, LT | GT, 500); /* != 500: not exact */
	op(&r[2], FS_TCP_FLAGS, FS_OP_MATCH, 0x02);
	op(&r[3], FS_DPORT, GT, 0xffffffffU); /* nothing; not exact */
	apply(r, 4);
	CU_ASSERT_EQUAL(slot_of(US4, 32, 0).exact, 0);
	CU_ASSERT_EQUAL(slot_of(US4, 32, 1).exact, 1);
	CU_ASSERT_EQUAL(slot_of(US4, 32, 2).exact, 0);
	CU_ASSERT_EQUAL(slot_of(US4, 32, 3).exact, 0);
	p.dport = 150; /* in r[0]'s hull, not its set */
	p.tcp_flags = 0x10;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dport = 200;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(0).dropped_packets, 1);
	p.dport = 350;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(1).dropped_packets, 1);
	p.proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL(run(&p), 0);
	p.proto = IPPROTO_TCP;
	p.dport = 401;
	CU_ASSERT_EQUAL(run(&p), 0); /* r[2] needs SYN */
	p.tcp_flags = 0x02;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(2).dropped_packets, 1);
	p.dport = 500;
	CU_ASSERT_EQUAL(run(&p), 0);
	CU_ASSERT_EQUAL(live(3).matched_packets, 0);
	apply(NULL, 0);
}

static __u64 pf24_word(const char *a)
{
	__u8 b[4];
	__u32 i;
	__u64 w = 0;

	inet_pton(AF_INET, a, b);
	i = ((__u32)b[0] << 16 | b[1] << 8 | b[2]) / 64;
	bpf_map_lookup_elem(g.map_fd[GM_FS_PF24], &i, &w);
	return w;
}

/* The IPv4 /24 prefilter: a covered /16 whose /24 no rule covers ends
 * there; a /20 covers its sixteen /24s; a /16 rule marks its /16 short
 * (no /24 bits); replacing the set clears the bits of the old. */
static void test_pf24(void)
{
	struct fs_rule r[3] = { rule(0), rule(0), rule(0) };
	struct pk p = tcp4();

	pfx(&r[0], FS_DST, "10.1.2.0", 24, 0);
	pfx(&r[1], FS_DST, "10.1.32.0", 20, 0);
	pfx(&r[2], FS_DST, "10.2.0.0", 16, 0);
	apply(r, 3);
	CU_ASSERT(pf24_word("10.1.2.0") & (1ULL << 2));
	/* 10.1.0-63 share a word: bit 2 for .2, bits 32-47 for the /20 */
	CU_ASSERT_EQUAL(pf24_word("10.1.32.0"), 0xffffULL << 32 | 1ULL << 2);
	CU_ASSERT_EQUAL(pf24_word("10.2.0.0"), 0);
	p.dst = "10.1.2.5";
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "10.1.3.5";
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dst = "10.1.47.5";
	CU_ASSERT_EQUAL(run(&p), 1);
	p.dst = "10.1.48.5";
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dst = "10.2.200.5";
	CU_ASSERT_EQUAL(run(&p), 1);
	apply(&r[1], 1);
	CU_ASSERT_EQUAL(pf24_word("10.1.32.0"), 0xffffULL << 32);
	p.dst = "10.1.2.5";
	CU_ASSERT_EQUAL(run(&p), 0);
	p.dst = "10.2.200.5";
	CU_ASSERT_EQUAL(run(&p), 0);
	apply(NULL, 0);
	CU_ASSERT_EQUAL(pf24_word("10.1.32.0"), 0);
}

/* 4,096 rules, 16 per destination: the most the guard holds. */
static void test_full_table(void)
{
	static struct fs_rule many[BGPS_FS_MAX_RULES];
	struct pk p = tcp4();
	char a[32];

	for (int i = 0; i < BGPS_FS_MAX_RULES; i++) {
		many[i] = rule(0);
		snprintf(a, sizeof(a), "10.%d.%d.0", i / 16 / 256,
			 i / 16 % 256);
		pfx(&many[i], FS_DST, a, 24, 0);
		op(&many[i], FS_DPORT, EQ, 1000 + i % 16);
	}
	apply(many, BGPS_FS_MAX_RULES);
	p.dst = "10.0.255.9";
	p.dport = 1000 + 4095 % 16;
	CU_ASSERT_EQUAL(run(&p), 1);
	CU_ASSERT_EQUAL(live(4095).dropped_packets, 1);
	p.dport = 999;
	CU_ASSERT_EQUAL(run(&p), 0);
	apply(NULL, 0);
}

/* --- main -------------------------------------------------------------- */

static int suite_init(void)
{
	struct bgps_settings s = { .port = 179, .mode = BGPS_MODE_ENFORCE };
	__u32 zero = 0;

	skel = guard_bpf__open_and_load();
	if (!skel)
		return -1;
	guard_init(&g);
	if (guard_use_object(&g, skel->obj))
		return -1;
	s.abi_version = BGPS_ABI_VERSION;
	return bpf_map_update_elem(g.map_fd[GM_SETTINGS], &zero, &s, BPF_ANY);
}

static int suite_clean(void)
{
	guard_bpf__destroy(skel);
	return 0;
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
#define T(x) { #x, test_##x }
		T(no_rules_passes), T(dst_prefix_and_proto),
		T(no_dst_rule_is_everywhere), T(src_prefix),
		T(numeric_operators), T(and_or), T(or_then_and),
		T(components_and), T(port_either), T(port_needs_ports),
		T(icmp_type_code), T(tcp_flags_bitmask),
		T(tcp_flags_syn_only), T(packet_length), T(dscp),
		T(fragment_bits), T(fragment_v6), T(v6_components),
		T(v6_icmp), T(v6_offset), T(covering_and_order),
		T(bgp_peer_exempt), T(tc_entry), T(rate_limit_packets),
		T(rate_limit_bytes), T(count_only_actions),
		T(monitor_mode_counts), T(replace_keeps_counters),
		T(limits_refused), T(full_table),
		T(candidate_masks_order), T(slot_source_word),
		T(lengths_hash_then_trie), T(pf24), T(exact_summary),
#undef T
	};
	CU_pSuite s;
	cpu_set_t cpus;
	unsigned int fails;

	if (geteuid() != 0) {
		fprintf(stderr, "test_flowspec_bpf: needs root, skipped\n");
		return 77;
	}
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	libbpf_set_print(NULL);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("flowspec matcher", suite_init, suite_clean);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
