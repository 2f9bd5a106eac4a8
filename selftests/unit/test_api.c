// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for user/api/api.c: every ExaBGP text API command form, the
 * attribute encodings against hand-computed values, and a table of
 * malformed lines that must be refused with a message, because whatever
 * this parser lets through is put on the wire. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "api.h"

static struct prefix P(const char *s) {
	struct prefix p;
	char err[256] = "";

	if (prefix_parse(s, &p, err, sizeof(err))) {
		fprintf(stderr, "\n  bad test prefix '%s': %s\n", s, err);
		CU_FAIL_FATAL("test prefix");
	}
	return p;
}

static int
peq(const struct prefix *a, const char *s)
{
	struct prefix b = P(s);

	return a->family == b.family && a->plen == b.plen &&
	       !memcmp(a->addr, b.addr, sizeof(a->addr));
}

/* Parse a line that must succeed. */
static int ok(const char *line, struct api_cmd *c)
{
	char err[API_ERR_MAX] = "";
	int rc = api_parse(line, strlen(line), c, err, sizeof(err));

	if (rc)
		fprintf(stderr, "\n  '%s' refused: %s\n", line, err);
	CU_ASSERT_EQUAL(rc, 0);
	return rc;
}

/* Parse a line that must fail; err must contain want (if given). */
static void bad(const char *line, const char *want)
{
	char err[API_ERR_MAX] = "";
	struct api_cmd c;
	int rc = api_parse(line, strlen(line), &c, err, sizeof(err));

	if (rc != -1)
		fprintf(stderr, "\n  '%s' accepted\n", line);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT(err[0] != 0);
	if (want && !strstr(err, want))
		fprintf(stderr, "\n  '%s': got '%s', want '%s'\n", line, err,
			want);
	if (want)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	/* Cleaned on failure: nothing left to free or to act on. */
	CU_ASSERT_EQUAL(c.verb, API_NONE);
	CU_ASSERT_PTR_NULL(c.nlri);
	CU_ASSERT_PTR_NULL(c.route.as_path);
	CU_ASSERT_PTR_NULL(c.route.communities);
	api_cmd_free(&c);
}

static void test_announce_route_full(void)
{
	struct api_cmd c;

	if (ok("announce route 10.0.0.0/24 next-hop 192.0.2.1 origin egp "
	       "med 100 local-preference 200 as-path [ 65001 65002 ] "
	       "community [ 65000:1 no-export ] large-community [ 1:2:3 ] "
	       "extended-community [ target:65000:1 origin:1.2.3.4:5 ] "
	       "watchdog wd-1 name foo",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_ROUTE);
	CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/24"));
	CU_ASSERT_EQUAL(c.route.nh_self, 0);
	CU_ASSERT(peq(&c.route.next_hop, "192.0.2.1"));
	CU_ASSERT_EQUAL(c.route.origin, CFG_ORIGIN_EGP);
	CU_ASSERT_EQUAL(c.route.flags, CFG_RT_MED | CFG_RT_LOCAL_PREF);
	CU_ASSERT_EQUAL(c.route.med, 100);
	CU_ASSERT_EQUAL(c.route.local_pref, 200);
	CU_ASSERT_EQUAL_FATAL(c.route.as_path_len, 2);
	CU_ASSERT_EQUAL(c.route.as_path[0], 65001);
	CU_ASSERT_EQUAL(c.route.as_path[1], 65002);
	CU_ASSERT_EQUAL_FATAL(c.route.ncommunities, 2);
	CU_ASSERT_EQUAL(c.route.communities[0], 0xFDE80001u);
	CU_ASSERT_EQUAL(c.route.communities[1], 0xFFFFFF01u);
	CU_ASSERT_EQUAL_FATAL(c.route.nlarge, 1);
	CU_ASSERT_EQUAL(c.route.large[0].global, 1);
	CU_ASSERT_EQUAL(c.route.large[0].local1, 2);
	CU_ASSERT_EQUAL(c.route.large[0].local2, 3);
	CU_ASSERT_EQUAL_FATAL(c.route.next, 2);
	CU_ASSERT_EQUAL(c.route.ext[0], 0x0002FDE800000001ull);
	CU_ASSERT_EQUAL(c.route.ext[1], 0x0103010203040005ull);
	CU_ASSERT_STRING_EQUAL(c.watchdog, "wd-1");
	CU_ASSERT_EQUAL_FATAL(c.nnlri, 1);
	CU_ASSERT(peq(&c.nlri[0], "10.0.0.0/24"));
	CU_ASSERT_EQUAL(c.nneighbors, 0);
	CU_ASSERT_EQUAL(c.all, 0);
	api_cmd_free(&c);
	CU_ASSERT_PTR_NULL(c.nlri);
	CU_ASSERT_PTR_NULL(c.route.as_path);
	api_cmd_free(&c); /* twice is harmless */
}

/* The attributes ExaBGP 4.2 adds beyond the common ones. */
static void test_announce_route_more(void)
{
	struct api_cmd c;

	if (ok("announce route 10.0.0.0/24 next-hop self atomic-aggregate "
	       "aggregator (65000:192.0.2.9) originator-id 10.0.0.1 "
	       "cluster-list [ 10.0.0.2 10.0.0.3 ] "
	       "attribute [ 0x99 0xc0 0x0102 ] attribute [ 0x05 0x40 0x00000064 ]",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.route.flags, CFG_RT_ATOMIC_AGGR | CFG_RT_AGGREGATOR |
					       CFG_RT_ORIGINATOR |
					       CFG_RT_LOCAL_PREF);
	CU_ASSERT_EQUAL(c.route.aggr_as, 65000);
	CU_ASSERT_EQUAL(c.route.aggr_id, 0xc0000209);
	CU_ASSERT_EQUAL(c.route.originator_id, 0x0a000001);
	CU_ASSERT_EQUAL_FATAL(c.route.ncluster, 2);
	CU_ASSERT_EQUAL(c.route.cluster[0], 0x0a000002);
	CU_ASSERT_EQUAL(c.route.local_pref, 100);
	CU_ASSERT_EQUAL_FATAL(c.route.raw_len, 6);
	CU_ASSERT_EQUAL(memcmp(c.route.raw, "\xc0\x99\x00\x02\x01\x02", 6), 0);
	api_cmd_free(&c);
	if (ok("announce route 10.0.0.0/24 next-hop self aggregator ( 1:1.1.1.1 )",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.route.aggr_as, 1);
	api_cmd_free(&c);
}

static void test_announce_route_minimal(void)
{
	struct api_cmd c;

	if (!ok("announce route 10.1.0.0/16 next-hop self", &c)) {
		CU_ASSERT_EQUAL(c.route.nh_self, 1);
		CU_ASSERT_EQUAL(c.route.next_hop.family, 0);
		CU_ASSERT_EQUAL(c.route.origin, CFG_ORIGIN_IGP);
		CU_ASSERT_EQUAL(c.route.flags, 0);
		CU_ASSERT_EQUAL(c.route.as_path_len, 0);
		CU_ASSERT_EQUAL(c.route.ncommunities, 0);
		CU_ASSERT_EQUAL(c.watchdog[0], 0);
		CU_ASSERT_EQUAL(c.nnlri, 1);
		api_cmd_free(&c);
	}
	/* IPv6, attributes in another order, single values without [ ]. */
	if (!ok("announce route 2001:db8:1::/48 as-path 65001 community "
		"65000:7 origin INCOMPLETE next-hop 2001:db8::1 med 0",
		&c)) {
		CU_ASSERT(peq(&c.route.prefix, "2001:db8:1::/48"));
		CU_ASSERT(peq(&c.route.next_hop, "2001:db8::1"));
		CU_ASSERT_EQUAL(c.route.origin, CFG_ORIGIN_INCOMPLETE);
		CU_ASSERT_EQUAL(c.route.flags, CFG_RT_MED);
		CU_ASSERT_EQUAL(c.route.med, 0);
		CU_ASSERT_EQUAL(c.route.as_path_len, 1);
		CU_ASSERT_EQUAL(c.route.as_path[0], 65001);
		CU_ASSERT_EQUAL(c.route.ncommunities, 1);
		CU_ASSERT_EQUAL(c.route.communities[0], 65000u << 16 | 7);
		api_cmd_free(&c);
	}
	/* A host route, CRLF and surrounding blanks, 4294967295 values. */
	if (!ok("  \tannounce route 192.0.2.7 next-hop 192.0.2.1 "
		"local-preference 4294967295 as-path [4294967295]\r",
		&c)) {
		CU_ASSERT(peq(&c.route.prefix, "192.0.2.7/32"));
		CU_ASSERT_EQUAL(c.route.local_pref, 4294967295u);
		CU_ASSERT_EQUAL(c.route.flags, CFG_RT_LOCAL_PREF);
		CU_ASSERT_EQUAL(c.route.as_path[0], 4294967295u);
		api_cmd_free(&c);
	}
}

static void test_brackets(void)
{
	static const char *const forms[] = {
		"announce route 10.0.0.0/8 next-hop self as-path [65001 65002 "
		"65003]",
		"announce route 10.0.0.0/8 next-hop self as-path [ 65001 65002 "
		"65003 ]",
		"announce route 10.0.0.0/8 next-hop self as-path "
		"[65001,65002,65003]",
		"announce route 10.0.0.0/8 next-hop self as-path [ 65001, "
		"65002, 65003 ]",
		"announce route 10.0.0.0/8 next-hop self as-path [65001 65002 "
		"65003 ]",
		"announce route 10.0.0.0/8 next-hop self as-path[65001 65002 "
		"65003]",
	};
	struct api_cmd c;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (ok(forms[i], &c))
			continue;
		CU_ASSERT_EQUAL(c.route.as_path_len, 3);
		if (c.route.as_path_len == 3) {
			CU_ASSERT_EQUAL(c.route.as_path[0], 65001);
			CU_ASSERT_EQUAL(c.route.as_path[2], 65003);
		}
		api_cmd_free(&c);
	}
	/* An empty AS_PATH (iBGP) is a valid list. */
	if (!ok("announce route 10.0.0.0/8 next-hop self as-path [ ]", &c)) {
		CU_ASSERT_EQUAL(c.route.as_path_len, 0);
		api_cmd_free(&c);
	}
	if (!ok("announce route 10.0.0.0/8 next-hop self community "
		"[no-export,no-advertise,no-export-subconfed nopeer "
		"blackhole 4294967295 0:0]",
		&c)) {
		CU_ASSERT_EQUAL_FATAL(c.route.ncommunities, 7);
		CU_ASSERT_EQUAL(c.route.communities[0], 0xFFFFFF01u);
		CU_ASSERT_EQUAL(c.route.communities[1], 0xFFFFFF02u);
		CU_ASSERT_EQUAL(c.route.communities[2], 0xFFFFFF03u);
		CU_ASSERT_EQUAL(c.route.communities[3], 0xFFFFFF04u);
		CU_ASSERT_EQUAL(c.route.communities[4], 0xFFFF029Au);
		CU_ASSERT_EQUAL(c.route.communities[5], 0xFFFFFFFFu);
		CU_ASSERT_EQUAL(c.route.communities[6], 0);
		api_cmd_free(&c);
	}
}

static void test_values(void)
{
	struct cfg_lcomm l;
	uint32_t u;
	uint64_t x;

	CU_ASSERT_EQUAL(cfg_parse_community("65000:1", &u), 0);
	CU_ASSERT_EQUAL(u, 0xFDE80001u);
	CU_ASSERT_EQUAL(cfg_parse_community("65535:65535", &u), 0);
	CU_ASSERT_EQUAL(u, 0xFFFFFFFFu);
	CU_ASSERT_EQUAL(cfg_parse_community("123456", &u), 0);
	CU_ASSERT_EQUAL(u, 123456);
	CU_ASSERT_EQUAL(cfg_parse_community("blackhole", &u), 0);
	CU_ASSERT_EQUAL(u, 0xFFFF029Au);
	CU_ASSERT_EQUAL(cfg_parse_community("65536:1", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("1:65536", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("1:2:3", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("1:", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community(":1", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("4294967296", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("-1", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("+1:2", &u), -1);
	CU_ASSERT_EQUAL(cfg_parse_community("No-Export", &u), -1);

	CU_ASSERT_EQUAL(cfg_parse_large("4294967295:0:7", &l), 0);
	CU_ASSERT_EQUAL(l.global, 4294967295u);
	CU_ASSERT_EQUAL(l.local1, 0);
	CU_ASSERT_EQUAL(l.local2, 7);
	CU_ASSERT_EQUAL(cfg_parse_large("1:2", &l), -1);
	CU_ASSERT_EQUAL(cfg_parse_large("1:2:3:4", &l), -1);
	CU_ASSERT_EQUAL(cfg_parse_large("1::3", &l), -1);
	CU_ASSERT_EQUAL(cfg_parse_large("1:2:4294967296", &l), -1);

	/* RFC 4360 3.1: type 0x00 subtype 0x02, ASN 0xFDE8, value 1. */
	CU_ASSERT_EQUAL(cfg_parse_ext("target:65000:1", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0002FDE800000001ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:65000:4294967295", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0002FDE8FFFFFFFFull);
	CU_ASSERT_EQUAL(cfg_parse_ext("origin:65000:7", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0003FDE800000007ull);
	/* RFC 4360 3.2: type 0x01, 192.0.2.1 = c0000201, 2-octet value. */
	CU_ASSERT_EQUAL(cfg_parse_ext("target:192.0.2.1:300", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0102C0000201012Cull);
	CU_ASSERT_EQUAL(cfg_parse_ext("origin:1.2.3.4:5", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0103010203040005ull);
	/* RFC 5668: 4200000000 = 0xFA56EA00, type 0x02. */
	CU_ASSERT_EQUAL(cfg_parse_ext("target:4200000000:1", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0202FA56EA000001ull);
	/* RFC 5575 7: redirect, type 0x80 subtype 0x08. */
	CU_ASSERT_EQUAL(cfg_parse_ext("redirect:65000:100", &x), 0);
	CU_ASSERT_EQUAL(x, 0x8008FDE800000064ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("0x0002fde800000001", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0002FDE800000001ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("0XFFFFFFFFFFFFFFFF", &x), 0);
	CU_ASSERT_EQUAL(x, UINT64_MAX);
	CU_ASSERT_EQUAL(cfg_parse_ext("0x0002fde80000001", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("0x0002fde8000000012", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("0x0002fde80000000g", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:4200000000:65536", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:1.2.3.4:65536", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:1.2.3:5", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:65000", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target::1", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:65000:", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:4294967296:1", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("bandwidth:65000:x", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("colour:65000:1", &x), -1);
	/* ExaBGP's spellings: a bare A:B is a target, L asks for the
	 * 4-octet ASN type, ASN:IP puts the address in the local value */
	CU_ASSERT_EQUAL(cfg_parse_ext("65000:1", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0002fde800000001ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:1L:2", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0202000000010002ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("origin4:1:2", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0203000000010002ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("72:0.0.0.1", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0002004800000001ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("redirect:4200000000:1", &x), 0);
	CU_ASSERT_EQUAL(x, 0x8208fa56ea000001ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("redirect-to-nexthop", &x), 0);
	CU_ASSERT_EQUAL(x, 0x0800000000000000ull);
	/* 1e6 bytes/s as an IEEE single: 0x49742400 */
	CU_ASSERT_EQUAL(cfg_parse_ext("bandwidth:65000:1000000", &x), 0);
	CU_ASSERT_EQUAL(x, 0x4004fde849742400ull);
	CU_ASSERT_EQUAL(cfg_parse_ext("l2info:19:0:1500:111", &x), 0);
	CU_ASSERT_EQUAL(x, 0x800a130005dc006full);
	CU_ASSERT_EQUAL(cfg_parse_ext("l2info:256:0:1500:111", &x), -1);
	CU_ASSERT_EQUAL(cfg_parse_ext("target:1L:65536", &x), -1);
	/* community: 0x and up to 8 hex digits, as ExaBGP */
	CU_ASSERT_EQUAL(cfg_parse_community("0x87654321", &u), 0);
	CU_ASSERT_EQUAL(u, 0x87654321);
	CU_ASSERT_EQUAL(cfg_parse_community("0x187654321", &u), -1);
}

static void test_asdot(void)
{
	struct api_cmd c;

	if (!ok("announce route 10.0.0.0/8 next-hop self as-path "
		"[ 1.10 0.65535 65535.65535 ]",
		&c)) {
		CU_ASSERT_EQUAL_FATAL(c.route.as_path_len, 3);
		CU_ASSERT_EQUAL(c.route.as_path[0], 65546);
		CU_ASSERT_EQUAL(c.route.as_path[1], 65535);
		CU_ASSERT_EQUAL(c.route.as_path[2], 0xFFFFFFFFu);
		api_cmd_free(&c);
	}
}

static void test_split(void)
{
	static const char *const v4[] = {"10.0.0.0/24", "10.0.1.0/24",
					 "10.0.2.0/24", "10.0.3.0/24"};
	static const char *const v6[] = {"2001:db8::/34", "2001:db8:4000::/34",
					 "2001:db8:8000::/34",
					 "2001:db8:c000::/34"};
	struct api_cmd c;

	if (!ok("announce route 10.0.0.0/22 next-hop self split /24", &c)) {
		CU_ASSERT_EQUAL_FATAL(c.nnlri, 4);
		for (int i = 0; i < 4; i++)
			CU_ASSERT(peq(&c.nlri[i], v4[i]));
		CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/22"));
		api_cmd_free(&c);
	}
	if (!ok("announce route 2001:db8::/32 next-hop 2001:db8::1 split 34",
		&c)) {
		CU_ASSERT_EQUAL_FATAL(c.nnlri, 4);
		for (int i = 0; i < 4; i++)
			CU_ASSERT(peq(&c.nlri[i], v6[i]));
		api_cmd_free(&c);
	}
	/* Same length: one piece, the prefix itself. */
	if (!ok("announce route 10.0.0.0/24 next-hop self split /24", &c)) {
		CU_ASSERT_EQUAL(c.nnlri, 1);
		CU_ASSERT(peq(&c.nlri[0], "10.0.0.0/24"));
		api_cmd_free(&c);
	}
	/* 2^12 = API_MAX_NLRI pieces: the last is 255.240.0.0/12. */
	if (!ok("announce route 0.0.0.0/0 next-hop self split /12", &c)) {
		CU_ASSERT_EQUAL_FATAL(c.nnlri, API_MAX_NLRI);
		CU_ASSERT(peq(&c.nlri[0], "0.0.0.0/12"));
		CU_ASSERT(peq(&c.nlri[1], "0.16.0.0/12"));
		CU_ASSERT(peq(&c.nlri[4095], "255.240.0.0/12"));
		api_cmd_free(&c);
	}
	/* IPv6 host routes out of a /126. */
	if (!ok("withdraw route 2001:db8::/126 split /128", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_ROUTE);
		CU_ASSERT_EQUAL_FATAL(c.nnlri, 4);
		CU_ASSERT(peq(&c.nlri[3], "2001:db8::3"));
		api_cmd_free(&c);
	}
	bad("announce route 0.0.0.0/0 next-hop self split /13", "more than");
	bad("announce route 10.0.0.0/24 next-hop self split /23", "split /23");
	bad("announce route 10.0.0.0/24 next-hop self split /33", "split /33");
	bad("announce route 10.0.0.0/24 next-hop self split /x", "split");
	bad("announce route 10.0.0.0/24 next-hop self split", "split");
}

static void test_withdraw_route(void)
{
	struct api_cmd c;

	if (!ok("withdraw route 10.0.0.0/24", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_ROUTE);
		CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/24"));
		CU_ASSERT_EQUAL(c.nnlri, 1);
		api_cmd_free(&c);
	}
	/* Attributes are checked but not kept; a next hop of the other
	 * family does not matter for a withdraw. */
	if (!ok("withdraw route 10.0.0.0/24 next-hop 2001:db8::1 med 5 "
		"community [ 1:1 ] watchdog dog",
		&c)) {
		CU_ASSERT_EQUAL(c.route.flags, 0);
		CU_ASSERT_EQUAL(c.route.ncommunities, 0);
		CU_ASSERT_PTR_NULL(c.route.communities);
		CU_ASSERT_EQUAL(c.route.next_hop.family, 0);
		CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/24"));
		CU_ASSERT_STRING_EQUAL(c.watchdog, "dog");
		api_cmd_free(&c);
	}
	bad("withdraw route 10.0.0.0/24 med x", "med needs a number");
	bad("withdraw route 10.0.0.0/24 foo 1", "unknown keyword 'foo' in "
						"withdraw route");
}

static void test_attributes(void)
{
	struct api_cmd c;

	if (!ok("announce attributes next-hop 192.0.2.1 med 10 community "
		"65000:1 nlri 10.0.0.0/24 10.0.1.0/24 192.0.2.128/25",
		&c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_ATTRS);
		CU_ASSERT(peq(&c.route.next_hop, "192.0.2.1"));
		CU_ASSERT_EQUAL(c.route.med, 10);
		CU_ASSERT_EQUAL(c.route.ncommunities, 1);
		CU_ASSERT_EQUAL_FATAL(c.nnlri, 3);
		CU_ASSERT(peq(&c.nlri[0], "10.0.0.0/24"));
		CU_ASSERT(peq(&c.nlri[1], "10.0.1.0/24"));
		CU_ASSERT(peq(&c.nlri[2], "192.0.2.128/25"));
		CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/24"));
		api_cmd_free(&c);
	}
	if (!ok("withdraw attributes nlri 2001:db8::/32 2001:db9::/32", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_ATTRS);
		CU_ASSERT_EQUAL(c.nnlri, 2);
		CU_ASSERT(peq(&c.route.prefix, "2001:db8::/32"));
		api_cmd_free(&c);
	}
	if (!ok("announce attributes next-hop self nlri 2001:db8::/32", &c)) {
		CU_ASSERT_EQUAL(c.route.nh_self, 1);
		CU_ASSERT_EQUAL(c.nnlri, 1);
		api_cmd_free(&c);
	}
	bad("announce attributes next-hop 192.0.2.1 nlri 2001:db8::/32",
	    "is IPv4 but nlri");
	/* RFC 8950: IPv4 with an IPv6 next hop is the neighbor's to allow
	 * (sessions_announce), not the parser's */
	if (!ok("announce attributes next-hop 2001:db8::1 nlri 10.0.0.0/8 "
		"10.1.0.0/16", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_ATTRS);
		CU_ASSERT_EQUAL(c.route.next_hop.family, AF_INET6);
		CU_ASSERT_EQUAL(c.nnlri, 2);
		api_cmd_free(&c);
	}
	if (!ok("announce route 10.0.0.0/24 next-hop 2001:db8::1 med 5", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_ROUTE);
		CU_ASSERT(peq(&c.route.prefix, "10.0.0.0/24"));
		CU_ASSERT(peq(&c.route.next_hop, "2001:db8::1"));
		CU_ASSERT_EQUAL(c.route.med, 5);
		api_cmd_free(&c);
	}
	bad("announce attributes next-hop 192.0.2.1 nlri 10.0.0.0/8 "
	    "2001:db8::/32",
	    "first nlri is IPv4");
	bad("announce attributes next-hop 192.0.2.1", "needs 'nlri");
	bad("announce attributes next-hop 192.0.2.1 nlri", "at least one");
	bad("announce attributes nlri 10.0.0.0/8", "needs a next-hop");
	bad("announce attributes next-hop self nlri 10.0.0.1/8", "nlri");
	bad("announce attributes next-hop self split /24 nlri 10.0.0.0/8",
	    "unknown keyword 'split'");
}

/* API_MAX_NLRI prefixes fit; one more does not. */
static void test_attributes_limit(void)
{
	size_t cap = 64 + (API_MAX_NLRI + 1) * 20;
	char *line = malloc(cap);
	struct api_cmd c;
	char err[API_ERR_MAX];
	size_t o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	o = snprintf(line, cap, "announce attributes next-hop self nlri");
	for (int i = 0; i < API_MAX_NLRI; i++)
		o += snprintf(line + o, cap - o, " 10.%d.%d.0/24", i / 256,
			      i % 256);
	/* 4096 * ~14 bytes is more than API_LINE_MAX: the line limit
	 * speaks first, and that is the documented behaviour. */
	CU_ASSERT(o > API_LINE_MAX);
	CU_ASSERT_EQUAL(api_parse(line, o, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "line too long"));
	/* The shortest IPv4 prefix text is 7 bytes, so API_MAX_NLRI is
	 * beyond what a line can hold; 600 in one line must all arrive. */
	o = snprintf(line, cap, "withdraw attributes nlri");
	for (int i = 0; i < 600; i++)
		o += snprintf(line + o, cap - o, " 1.%d.%d.0/24", i / 256,
			      i % 256);
	CU_ASSERT(o <= API_LINE_MAX);
	if (!api_parse(line, o, &c, err, sizeof(err))) {
		CU_ASSERT_EQUAL(c.nnlri, 600);
		CU_ASSERT(peq(&c.nlri[599], "1.2.87.0/24"));
		api_cmd_free(&c);
	} else {
		CU_FAIL("600 nlri refused");
		fprintf(stderr, "\n  %s\n", err);
	}
	free(line);
}

static void test_neighbors(void)
{
	struct api_cmd c;

	if (!ok("neighbor 192.0.2.1 announce route 10.0.0.0/8 next-hop self",
		&c)) {
		CU_ASSERT_EQUAL_FATAL(c.nneighbors, 1);
		CU_ASSERT(peq(&c.neighbors[0], "192.0.2.1"));
		CU_ASSERT_EQUAL(c.all, 0);
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_ROUTE);
		api_cmd_free(&c);
	}
	if (!ok("neighbor 192.0.2.1 local-ip 192.0.2.2 local-as 65000 "
		"peer-as 4200000000 router-id 1.1.1.1 family-allowed "
		"ipv4-unicast, neighbor 2001:db8::1 local-as 1.10, "
		"neighbor 198.51.100.1 withdraw route 10.0.0.0/8",
		&c)) {
		CU_ASSERT_EQUAL_FATAL(c.nneighbors, 3);
		CU_ASSERT(peq(&c.neighbors[0], "192.0.2.1"));
		CU_ASSERT(peq(&c.neighbors[1], "2001:db8::1"));
		CU_ASSERT(peq(&c.neighbors[2], "198.51.100.1"));
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_ROUTE);
		api_cmd_free(&c);
	}
	if (!ok("neighbor * announce eor", &c)) {
		CU_ASSERT_EQUAL(c.all, 1);
		CU_ASSERT_EQUAL(c.nneighbors, 0);
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_EOR);
		api_cmd_free(&c);
	}
	/* Comma written against the address. */
	if (!ok("neighbor 192.0.2.1,neighbor 192.0.2.2 shutdown", &c)) {
		CU_ASSERT_EQUAL(c.nneighbors, 2);
		CU_ASSERT_EQUAL(c.verb, API_SHUTDOWN);
		api_cmd_free(&c);
	}
	bad("neighbor 192.0.2.0/24 shutdown", "bad neighbor");
	bad("neighbor 192.0.2.300 shutdown", "bad neighbor '192.0.2.300'");
	bad("neighbor shutdown", "bad neighbor 'shutdown'");
	bad("neighbor 192.0.2.1", "without a command");
	bad("neighbor 192.0.2.1, shutdown", "another neighbor");
	bad("neighbor 192.0.2.1 local-as x shutdown", "local-as");
	bad("neighbor 192.0.2.1 router-id 2001:db8::1 shutdown", "router-id");
	bad("neighbor 192.0.2.1 local-ip 10.0.0.0/8 shutdown", "local-ip");
	bad("neighbor 192.0.2.1 peer-as", "peer-as");
}

static void test_neighbor_limit(void)
{
	char line[API_LINE_MAX];
	struct api_cmd c;
	char err[API_ERR_MAX];
	size_t o = 0;

	for (int i = 0; i < API_MAX_NEIGHBORS; i++)
		o += snprintf(line + o, sizeof(line) - o,
			      "neighbor 10.0.0.%d, ", i + 1);
	o += snprintf(line + o, sizeof(line) - o, "neighbor 10.0.1.1 version");
	CU_ASSERT_EQUAL(api_parse(line, o, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too many neighbor"));
	/* Exactly the limit is fine. */
	o = 0;
	for (int i = 0; i < API_MAX_NEIGHBORS; i++)
		o += snprintf(line + o, sizeof(line) - o,
			      "%sneighbor 10.0.0.%d", i ? ", " : "", i + 1);
	o += snprintf(line + o, sizeof(line) - o, " version");
	if (!api_parse(line, o, &c, err, sizeof(err))) {
		CU_ASSERT_EQUAL(c.nneighbors, API_MAX_NEIGHBORS);
		CU_ASSERT(peq(&c.neighbors[63], "10.0.0.64"));
		api_cmd_free(&c);
	} else {
		CU_FAIL("64 neighbors refused");
	}
}

static void test_eor_refresh_watchdog(void)
{
	struct api_cmd c;

	if (!ok("announce eor", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_EOR);
		CU_ASSERT_EQUAL(c.afi, 0);
		CU_ASSERT_EQUAL(c.safi, 0);
		api_cmd_free(&c);
	}
	if (!ok("announce eor ipv4 unicast", &c)) {
		CU_ASSERT_EQUAL(c.afi, 1);
		CU_ASSERT_EQUAL(c.safi, 1);
		api_cmd_free(&c);
	}
	if (!ok("announce eor ipv6 unicast", &c)) {
		CU_ASSERT_EQUAL(c.afi, 2);
		CU_ASSERT_EQUAL(c.safi, 1);
		api_cmd_free(&c);
	}
	if (!ok("announce route-refresh ipv6 unicast", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_REFRESH);
		CU_ASSERT_EQUAL(c.afi, 2);
		CU_ASSERT_EQUAL(c.safi, 1);
		api_cmd_free(&c);
	}
	if (!ok("announce route-refresh", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_REFRESH);
		CU_ASSERT_EQUAL(c.afi, 0);
		api_cmd_free(&c);
	}
	if (!ok("announce watchdog my_dog.1-a", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_WATCHDOG);
		CU_ASSERT_STRING_EQUAL(c.watchdog, "my_dog.1-a");
		api_cmd_free(&c);
	}
	if (!ok("withdraw watchdog dog", &c)) {
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_WATCHDOG);
		CU_ASSERT_STRING_EQUAL(c.watchdog, "dog");
		api_cmd_free(&c);
	}
	/* 64 characters is the longest name. */
	if (!ok("announce watchdog "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aa",
		&c)) {
		CU_ASSERT_EQUAL(strlen(c.watchdog), 64);
		api_cmd_free(&c);
	}
}

static void test_simple_commands(void)
{
	static const struct {
		const char *line;
		enum api_verb verb;
		int extensive, summary, in, out;
	} t[] = {
		{"show neighbor", API_SHOW_NEIGHBOR, 0, 0, 0, 0},
		{"show neighbor summary", API_SHOW_NEIGHBOR, 0, 1, 0, 0},
		{"show neighbor extensive", API_SHOW_NEIGHBOR, 1, 0, 0, 0},
		{"show neighbor configuration", API_SHOW_NEIGHBOR, 0, 0, 0, 0},
		{"show adj-rib in", API_SHOW_ADJ_IN, 0, 0, 0, 0},
		{"show adj-rib out", API_SHOW_ADJ_OUT, 0, 0, 0, 0},
		{"show adj-rib in extensive", API_SHOW_ADJ_IN, 1, 0, 0, 0},
		{"show adj-rib out extensive", API_SHOW_ADJ_OUT, 1, 0, 0, 0},
		{"flush adj-rib out", API_FLUSH_ADJ_OUT, 0, 0, 0, 0},
		{"clear adj-rib", API_CLEAR_ADJ, 0, 0, 1, 1},
		{"clear adj-rib in", API_CLEAR_ADJ, 0, 0, 1, 0},
		{"clear adj-rib out", API_CLEAR_ADJ, 0, 0, 0, 1},
		{"shutdown", API_SHUTDOWN, 0, 0, 0, 0},
		{"reload", API_RELOAD, 0, 0, 0, 0},
		{"enable-ack", API_ACK_ENABLE, 0, 0, 0, 0},
		{"disable-ack", API_ACK_DISABLE, 0, 0, 0, 0},
		{"silence-ack", API_ACK_SILENCE, 0, 0, 0, 0},
		{"version", API_VERSION, 0, 0, 0, 0},
		{"  version  \r", API_VERSION, 0, 0, 0, 0},
	};
	struct api_cmd c;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (ok(t[i].line, &c))
			continue;
		CU_ASSERT_EQUAL(c.verb, t[i].verb);
		CU_ASSERT_EQUAL(c.extensive, t[i].extensive);
		CU_ASSERT_EQUAL(c.summary, t[i].summary);
		CU_ASSERT_EQUAL(c.clear_in, t[i].in);
		CU_ASSERT_EQUAL(c.clear_out, t[i].out);
		CU_ASSERT_PTR_NULL(c.nlri);
		api_cmd_free(&c);
	}
	CU_ASSERT_STRING_EQUAL(api_verb_name(API_ANNOUNCE_ROUTE),
			       "announce route");
	CU_ASSERT_STRING_EQUAL(api_verb_name(API_VERSION), "version");
	CU_ASSERT_STRING_EQUAL(api_verb_name((enum api_verb)999), "unknown");
}

static void test_malformed(void)
{
	static const struct {
		const char *line, *want;
	} t[] = {
		{"", "empty command"},
		{"   ", "empty command"},
		{"\r", "empty command"},
		{"foo", "unknown command 'foo'"},
		{"announce", "announce needs"},
		{"withdraw", "withdraw needs"},
		{"announce foo", "unknown keyword 'foo'"},
		{"withdraw eor", "unknown keyword 'eor'"},
		{"announce route", "route needs a value"},
		{"announce route 10.0.0.0/24", "needs a next-hop"},
		{"announce route 10.0.0.1/24 next-hop self",
		 "bad prefix '10.0.0.1/24'"},
		{"announce route 10.0.0.0/33 next-hop self", "bad prefix"},
		{"announce route 300.0.0.0/8 next-hop self", "bad prefix"},
		{"announce route 10.0.0.0/8 next-hop",
		 "next-hop needs a value"},
		{"announce route 10.0.0.0/8 next-hop x", "bad next-hop 'x'"},
		{"announce route 10.0.0.0/8 next-hop 192.0.2.0/24",
		 "bad next-hop"},
		{"announce route 2001:db8::/32 next-hop 192.0.2.1",
		 "is IPv4 but the route"},
		{"announce route 10.0.0.0/8 next-hop self foo",
		 "unknown keyword 'foo' in announce route"},
		{"announce route 10.0.0.0/8 next-hop self nlri 10.0.0.0/8",
		 "unknown keyword 'nlri'"},
		{"announce route 10.0.0.0/8 next-hop self atomic-aggregate x",
		 "unknown keyword 'x'"},
		{"announce route 10.0.0.0/8 next-hop self aggregator ( 1:1.2.3.4",
		 "aggregator: '(' without ')'"},
		{"announce route 10.0.0.0/8 next-hop self originator-id 300.1.1.1",
		 "originator-id needs an IPv4 address, got '300.1.1.1'"},
		{"announce route 10.0.0.0/8 next-hop self attribute [ 0x03 0x40 "
		 "0x01020304 ]",
		 "attribute 0x03 is NEXT_HOP: write 'next-hop ADDRESS'"},
		{"announce route 10.0.0.0/8 next-hop self cluster-list [ 1.2.3.4 x ]",
		 "cluster-list needs cluster ids written as IPv4 addresses, got 'x'"},
		{"announce route 10.0.0.0/8 next-hop self next-hop self",
		 "given twice"},
		{"announce route 10.0.0.0/8 next-hop self med 1 med 2",
		 "med is given twice"},
		{"announce route 10.0.0.0/8 next-hop self med abc",
		 "med needs a number 0-4294967295, got 'abc'"},
		{"announce route 10.0.0.0/8 next-hop self med -1", "got '-1'"},
		{"announce route 10.0.0.0/8 next-hop self med +1", "got '+1'"},
		{"announce route 10.0.0.0/8 next-hop self med 4294967296",
		 "got '4294967296'"},
		{"announce route 10.0.0.0/8 next-hop self med 0x10",
		 "med needs"},
		{"announce route 10.0.0.0/8 next-hop self med",
		 "med needs a value"},
		{"announce route 10.0.0.0/8 next-hop self med [ 1 ]",
		 "med needs a value"},
		{"announce route 10.0.0.0/8 next-hop self local-preference x",
		 "local-preference needs a number"},
		{"announce route 10.0.0.0/8 next-hop self origin bgp",
		 "origin needs igp, egp or incomplete"},
		{"announce route 10.0.0.0/8 next-hop self origin",
		 "origin needs a value"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 0 ]",
		 "RFC 7607"},
		{"announce route 10.0.0.0/8 next-hop self as-path 0",
		 "AS 0 is not allowed"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 65001 x ]",
		 "got 'x'"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 4294967296 "
		 "]",
		 "as-path needs"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ -1 ]",
		 "as-path needs"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 1.65536 ]",
		 "as-path needs"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 65001",
		 "without ']'"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ [ 1 ] ]",
		 "inside a list"},
		{"announce route 10.0.0.0/8 next-hop self as-path ]",
		 "as-path needs a value"},
		{"announce route 10.0.0.0/8 next-hop self as-path",
		 "as-path needs a value"},
		{"announce route 10.0.0.0/8 next-hop self as-path [ 1 ] ]",
		 "unknown keyword ']'"},
		{"announce route 10.0.0.0/8 next-hop self community 65536:1",
		 "community needs ASN:VALUE"},
		{"announce route 10.0.0.0/8 next-hop self community [ 1:1 "
		 "no-such ]",
		 "got 'no-such'"},
		{"announce route 10.0.0.0/8 next-hop self community [ 1:2:3 ]",
		 "community needs"},
		{"announce route 10.0.0.0/8 next-hop self community [ 1::2 ]",
		 "community needs"},
		{"announce route 10.0.0.0/8 next-hop self large-community [ "
		 "1:2 ]",
		 "large-community needs"},
		{"announce route 10.0.0.0/8 next-hop self large-community "
		 "1:2:x",
		 "got '1:2:x'"},
		{"announce route 10.0.0.0/8 next-hop self extended-community [ "
		 "target:1 ]",
		 "extended-community needs"},
		{"announce route 10.0.0.0/8 next-hop self extended-community "
		 "foo:1:2",
		 "got 'foo:1:2'"},
		{"announce route 10.0.0.0/8 next-hop self extended-community "
		 "0x12",
		 "extended-community needs"},
		{"announce route 10.0.0.0/8 next-hop self watchdog",
		 "watchdog needs a value"},
		{"announce route 10.0.0.0/8 next-hop self watchdog a/b",
		 "bad watchdog name 'a/b'"},
		{"announce route 10.0.0.0/8 next-hop self name",
		 "name needs a value"},
		{"announce route 10.0.0.0/8 , next-hop self",
		 "unknown keyword ','"},
		{"announce watchdog", "watchdog needs a value"},
		{"announce watchdog a b", "unexpected 'b'"},
		{"announce watchdog "
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaa",
		 "bad watchdog name"},
		{"withdraw watchdog bad*name", "bad watchdog name"},
		{"announce eor ipv4", "family not supported"},
		{"announce eor ipv4 multicast",
		 "family not supported: 'ipv4 multicast'"},
		{"announce eor l2vpn evpn", "family not supported"},
		{"announce eor 1 1", "family not supported"},
		{"announce eor ipv4 unicast extra", "unexpected 'extra'"},
		{"announce route-refresh ipv6 flow", "family not supported"},
		{"show", "show needs"},
		{"show foo", "show needs neighbor or adj-rib, got 'foo'"},
		{"show neighbor foo", "unexpected 'foo' after show neighbor"},
		{"show neighbor summary extensive", "unexpected 'extensive'"},
		{"show adj-rib", "needs in or out"},
		{"show adj-rib both", "needs in or out"},
		{"show adj-rib in extensive x", "unexpected 'x'"},
		{"flush adj-rib in", "flush needs"},
		{"flush", "flush needs"},
		{"clear adj-rib both", "unexpected 'both'"},
		{"clear", "clear needs"},
		{"shutdown now", "unexpected 'now' after shutdown"},
		{"version 2", "unexpected '2'"},
		{"reload x", "unexpected 'x'"},
		{"enable-ack x", "unexpected 'x'"},
		{"withdraw route", "route needs a value"},
		{"withdraw route x", "bad prefix 'x'"},
		{"withdraw attributes", "needs 'nlri"},
		{"withdraw attributes nlri x", "bad nlri 'x'"},
		{"announce attributes next-hop self nlri 10.0.0.0/8 [",
		 "unexpected '['"},
		{"ANNOUNCE route 10.0.0.0/8 next-hop self",
		 "unknown command 'ANNOUNCE'"},
		{"[", "unknown command '['"},
		{"neighbor * , ", "another neighbor"},
		{"neighbor *", "without a command"},
		{"shutdown\x01", "control character 0x01"},
		{"shut\ndown", "control character 0x0a"},
		{"ver\rsion", "control character 0x0d"},
		{"version\x7f", "control character 0x7f"},
	};
	size_t n = sizeof(t) / sizeof(t[0]);

	CU_ASSERT(n >= 60);
	for (size_t i = 0; i < n; i++)
		bad(t[i].line, t[i].want);
}

static void test_line_limits(void)
{
	char *line = malloc(API_LINE_MAX + 2);
	char err[API_ERR_MAX] = "";
	struct api_cmd c;
	const char nul[] = "version\0x";

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	/* Exactly API_LINE_MAX bytes is allowed (blank padding). */
	memset(line, ' ', API_LINE_MAX + 1);
	memcpy(line, "version", 7);
	CU_ASSERT_EQUAL(api_parse(line, API_LINE_MAX, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.verb, API_VERSION);
	api_cmd_free(&c);
	CU_ASSERT_EQUAL(api_parse(line, API_LINE_MAX + 1, &c, err, sizeof(err)),
			-1);
	CU_ASSERT_STRING_EQUAL(err, "line too long (8193 bytes, limit 8192)");
	CU_ASSERT_EQUAL(c.verb, API_NONE);
	free(line);

	CU_ASSERT_EQUAL(api_parse(nul, sizeof(nul) - 1, &c, err, sizeof(err)),
			-1);
	CU_ASSERT_STRING_EQUAL(err, "NUL byte at offset 7");
	/* len, not the NUL, ends the line. */
	CU_ASSERT_EQUAL(api_parse("versionXYZ", 7, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.verb, API_VERSION);
	api_cmd_free(&c);
	/* A tiny or absent err buffer is not overrun. */
	CU_ASSERT_EQUAL(api_parse("foo", 3, &c, err, 4), -1);
	CU_ASSERT_STRING_EQUAL(err, "unk");
	CU_ASSERT_EQUAL(api_parse("foo", 3, &c, NULL, 0), -1);
	/* api_cmd_free on a zeroed command. */
	memset(&c, 0, sizeof(c));
	api_cmd_free(&c);
	CU_ASSERT_EQUAL(c.verb, API_NONE);
}

/* List limits: CFG_MAX_LIST items fit, one more is refused. */
static void test_list_limit(void)
{
	size_t cap = API_LINE_MAX + 64;
	char *line = malloc(cap);
	char err[API_ERR_MAX];
	struct api_cmd c;
	size_t o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	o = snprintf(line, cap,
		     "announce route 10.0.0.0/8 next-hop self as-path [");
	for (int i = 0; i < CFG_MAX_LIST; i++)
		o += snprintf(line + o, cap - o, " %d", i % 9 + 1);
	snprintf(line + o, cap - o, " ]");
	o += 2;
	if (!api_parse(line, o, &c, err, sizeof(err))) {
		CU_ASSERT_EQUAL(c.route.as_path_len, CFG_MAX_LIST);
		api_cmd_free(&c);
	} else {
		CU_FAIL("1024 ASNs refused");
		fprintf(stderr, "\n  %s\n", err);
	}
	o -= 2;
	o += snprintf(line + o, cap - o, " 7 ]");
	CU_ASSERT_EQUAL(api_parse(line, o, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too many items in as-path"));
	free(line);
}

/* Re-print a parsed route in the API's syntax and parse it again: the
 * two commands must be the same. */
static void test_round_trip(void)
{
	const char *in = "announce route 2001:db8:4::/46 next-hop 2001:db8::9 "
			 "origin egp med 7 local-preference 300 as-path "
			 "[ 65001 4200000000 ] community [ 65000:1 blackhole ] "
			 "large-community [ 4200000000:1:2 ] "
			 "extended-community [ target:65000:1 "
			 "origin:192.0.2.1:5 target:4200000000:9 ]";
	static const char *const org[] = {"igp", "egp", "incomplete"};
	struct api_cmd a, b;
	char out[2048], pb[PREFIX_STRLEN], nb[PREFIX_STRLEN];
	size_t o;

	if (ok(in, &a))
		return;
	o = snprintf(out, sizeof(out),
		     "announce route %s next-hop %s origin %s med %u "
		     "local-preference %u as-path [",
		     prefix_fmt(&a.route.prefix, pb, sizeof(pb)),
		     prefix_fmt(&a.route.next_hop, nb, sizeof(nb)),
		     org[a.route.origin], a.route.med, a.route.local_pref);
	for (size_t i = 0; i < a.route.as_path_len; i++)
		o += snprintf(out + o, sizeof(out) - o, " %u",
			      a.route.as_path[i]);
	o += snprintf(out + o, sizeof(out) - o, " ] community [");
	for (size_t i = 0; i < a.route.ncommunities; i++)
		o += snprintf(out + o, sizeof(out) - o, " %u:%u",
			      a.route.communities[i] >> 16,
			      a.route.communities[i] & 0xffff);
	o += snprintf(out + o, sizeof(out) - o, " ] large-community [");
	for (size_t i = 0; i < a.route.nlarge; i++)
		o += snprintf(out + o, sizeof(out) - o, " %u:%u:%u",
			      a.route.large[i].global, a.route.large[i].local1,
			      a.route.large[i].local2);
	o += snprintf(out + o, sizeof(out) - o, " ] extended-community [");
	for (size_t i = 0; i < a.route.next; i++)
		o += snprintf(out + o, sizeof(out) - o, " 0x%016llx",
			      (unsigned long long)a.route.ext[i]);
	snprintf(out + o, sizeof(out) - o, " ]");
	if (!ok(out, &b)) {
		CU_ASSERT(!memcmp(&a.route.prefix, &b.route.prefix,
				  sizeof(a.route.prefix)));
		CU_ASSERT(!memcmp(&a.route.next_hop, &b.route.next_hop,
				  sizeof(a.route.next_hop)));
		CU_ASSERT_EQUAL(a.route.origin, b.route.origin);
		CU_ASSERT_EQUAL(a.route.flags, b.route.flags);
		CU_ASSERT_EQUAL(a.route.med, b.route.med);
		CU_ASSERT_EQUAL(a.route.local_pref, b.route.local_pref);
		CU_ASSERT_EQUAL_FATAL(b.route.as_path_len, 2);
		CU_ASSERT(!memcmp(a.route.as_path, b.route.as_path,
				  2 * sizeof(uint32_t)));
		CU_ASSERT_EQUAL_FATAL(b.route.ncommunities, 2);
		CU_ASSERT(!memcmp(a.route.communities, b.route.communities,
				  2 * sizeof(uint32_t)));
		CU_ASSERT_EQUAL_FATAL(b.route.nlarge, 1);
		CU_ASSERT(!memcmp(a.route.large, b.route.large,
				  sizeof(struct cfg_lcomm)));
		CU_ASSERT_EQUAL_FATAL(b.route.next, 3);
		CU_ASSERT(!memcmp(a.route.ext, b.route.ext,
				  3 * sizeof(uint64_t)));
		CU_ASSERT_EQUAL(b.route.ext[2], 0x0202FA56EA000009ull);
		api_cmd_free(&b);
	}
	api_cmd_free(&a);
}

/* path-information (RFC 7911 path id): A.B.C.D or a number, on announce
 * and withdraw alike (a withdraw names which path goes). */
static void test_path_information(void)
{
	struct api_cmd c;

	if (!ok("announce route 10.0.0.0/24 next-hop 1.2.3.4 "
		"path-information 1.2.3.4",
		&c)) {
		CU_ASSERT_EQUAL(c.route.path_id, 0x01020304u);
		api_cmd_free(&c);
	}
	if (!ok("announce route 10.0.0.0/24 path-information 4294967295 "
		"next-hop self",
		&c)) {
		CU_ASSERT_EQUAL(c.route.path_id, 0xffffffffu);
		api_cmd_free(&c);
	}
	if (!ok("announce route 10.0.0.0/24 next-hop 1.2.3.4", &c)) {
		CU_ASSERT_EQUAL(c.route.path_id, 0);
		api_cmd_free(&c);
	}
	if (!ok("withdraw route 2001:db8::/32 next-hop 2001:db8::1 "
		"path-information 0.0.0.7",
		&c)) {
		CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_ROUTE);
		CU_ASSERT_EQUAL(c.route.path_id, 7);
		api_cmd_free(&c);
	}
	if (!ok("announce attributes next-hop 1.2.3.4 path-information 9 "
		"nlri 10.0.0.0/24 10.0.1.0/24",
		&c)) {
		CU_ASSERT_EQUAL(c.route.path_id, 9);
		CU_ASSERT_EQUAL(c.nnlri, 2);
		api_cmd_free(&c);
	}
	if (!ok("withdraw attributes path-information 9 nlri 10.0.0.0/24",
		&c)) {
		CU_ASSERT_EQUAL(c.route.path_id, 9);
		api_cmd_free(&c);
	}
	bad("announce route 10.0.0.0/24 next-hop 1.2.3.4 path-information "
	    "1.2.3",
	    "path-information needs A.B.C.D or a number 0-4294967295, got "
	    "'1.2.3'");
	bad("announce route 10.0.0.0/24 next-hop 1.2.3.4 path-information "
	    "4294967296",
	    "path-information needs A.B.C.D");
	bad("announce route 10.0.0.0/24 next-hop 1.2.3.4 path-information",
	    "path-information");
	bad("announce route 10.0.0.0/24 next-hop 1.2.3.4 path-information 1 "
	    "path-information 2",
	    "path-information is given twice");
}

/* --- flow routes (issue 14): ExaBGP 4.2's announce/withdraw flow ------- */

static const struct fs_comp *comp(const struct api_cmd *c, int type)
{
	return fs_rule_comp(&c->flow, (enum fs_type)type);
}

/* The block form as api-flow.run writes it (ExaBGP's example). */
static void test_flow_block(void)
{
	struct api_cmd c;
	const struct fs_comp *d;

	if (ok("announce flow route { match { source 0.0.0.0/32; "
	       "destination 10.0.0.0/24; destination-port =3128; protocol "
	       "tcp; } then { rate-limit 9600; } }",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_FLOW);
	CU_ASSERT_EQUAL(c.flow.family, AF_INET);
	/* sorted: destination 1, source 2, protocol 3, destination-port 5 */
	CU_ASSERT_EQUAL(c.flow.ncomp, 4);
	CU_ASSERT_EQUAL(c.flow.comp[0].type, FS_DST);
	CU_ASSERT_EQUAL(c.flow.comp[1].type, FS_SRC);
	CU_ASSERT_EQUAL(c.flow.comp[2].type, FS_PROTO);
	CU_ASSERT_EQUAL(c.flow.comp[3].type, FS_DPORT);
	d = comp(&c, FS_DST);
	CU_ASSERT_EQUAL(d->plen, 24);
	CU_ASSERT_EQUAL(d->addr[0], 10);
	CU_ASSERT_EQUAL(comp(&c, FS_PROTO)->ops[0].value, 6);
	CU_ASSERT_EQUAL(comp(&c, FS_PROTO)->ops[0].flags, FS_OP_EQ);
	CU_ASSERT_EQUAL(comp(&c, FS_DPORT)->ops[0].value, 3128);
	CU_ASSERT_EQUAL(c.flow.act.flags, FS_ACT_RATE_BYTES);
	CU_ASSERT_EQUAL(c.flow.act.rate_bytes, 9600.0f);
	api_cmd_free(&c);

	if (ok("withdraw flow route { match { source 0.0.0.0/32; destination "
	       "0.0.0.0/32; destination-port =3128; protocol tcp; } }",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.verb, API_WITHDRAW_FLOW);
	CU_ASSERT_EQUAL(c.flow.ncomp, 4);
	api_cmd_free(&c);
}

/* The one-line form: match and then keywords in a run, with or without
 * the words match/then, and neighbor selectors in front. */
static void test_flow_one_line(void)
{
	struct api_cmd c, d;

	if (ok("neighbor 192.0.2.1 announce flow route source 10.0.0.1/32 "
	       "destination 192.0.2.1/32 protocol tcp then discard",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.verb, API_ANNOUNCE_FLOW);
	CU_ASSERT_EQUAL(c.nneighbors, 1);
	CU_ASSERT(peq(&c.neighbors[0], "192.0.2.1"));
	CU_ASSERT_EQUAL(c.flow.ncomp, 3);
	CU_ASSERT_EQUAL(c.flow.act.flags, FS_ACT_RATE_BYTES);
	CU_ASSERT_EQUAL(c.flow.act.rate_bytes, 0.0f);
	if (ok("announce flow route source 10.0.0.1/32 destination "
	       "192.0.2.1/32 protocol tcp discard",
	       &d))
		return;
	/* the same rule with and without 'then' */
	CU_ASSERT_EQUAL(memcmp(&c.flow, &d.flow, sizeof(c.flow)), 0);
	api_cmd_free(&c);
	api_cmd_free(&d);
}

/* Every component and its operators, as ExaBGP spells them. */
static void test_flow_components(void)
{
	struct api_cmd c;
	const struct fs_comp *x;

	/* psh is not ExaBGP's name (push is): refused */
	bad("announce flow route { match { destination 192.0.2.0/24; "
	    "tcp-flags !=fin+psh; } }",
	    "bad tcp-flags value 'fin+psh'");
	if (ok("announce flow route { match { destination 192.0.2.0/24; "
	       "source 10.0.0.0/8; protocol [ udp tcp =47 ]; "
	       "port [ =80 >=1024&<=2048 ]; destination-port !=22; "
	       "source-port [ >1024 <10 ]; icmp-type [ echo-request 0 ]; "
	       "icmp-code port-unreachable; tcp-flags [ syn =ack !rst "
	       "!=fin+push syn&!ack 0x40 ]; packet-length [ >200&<300 true "
	       "false ]; dscp [ 46 ]; fragment [ not-a-fragment "
	       "is-fragment first-fragment&last-fragment dont-fragment ]; } "
	       "then { accept; } }",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.flow.ncomp, 12);
	for (size_t i = 0; i < c.flow.ncomp; i++)
		CU_ASSERT_EQUAL(c.flow.comp[i].type, i + 1);
	x = comp(&c, FS_PROTO);
	CU_ASSERT_EQUAL(x->nops, 3);
	CU_ASSERT_EQUAL(x->ops[0].value, 17);
	CU_ASSERT_EQUAL(x->ops[1].value, 6);
	CU_ASSERT_EQUAL(x->ops[2].value, 47);
	x = comp(&c, FS_PORT);
	CU_ASSERT_EQUAL(x->nops, 3);
	CU_ASSERT_EQUAL(x->ops[0].flags, FS_OP_EQ);
	CU_ASSERT_EQUAL(x->ops[1].flags, FS_OP_GT | FS_OP_EQ);
	CU_ASSERT_EQUAL(x->ops[1].value, 1024);
	CU_ASSERT_EQUAL(x->ops[2].flags, FS_OP_AND | FS_OP_LT | FS_OP_EQ);
	CU_ASSERT_EQUAL(x->ops[2].value, 2048);
	x = comp(&c, FS_DPORT);
	CU_ASSERT_EQUAL(x->ops[0].flags, FS_OP_LT | FS_OP_GT);
	x = comp(&c, FS_SPORT);
	CU_ASSERT_EQUAL(x->ops[0].flags, FS_OP_GT);
	CU_ASSERT_EQUAL(x->ops[1].flags, FS_OP_LT);
	x = comp(&c, FS_ICMP_TYPE);
	CU_ASSERT_EQUAL(x->ops[0].value, 8);
	CU_ASSERT_EQUAL(comp(&c, FS_ICMP_CODE)->ops[0].value, 3);
	x = comp(&c, FS_TCP_FLAGS);
	CU_ASSERT_EQUAL(x->nops, 7);
	CU_ASSERT_EQUAL(x->ops[0].flags, 0);
	CU_ASSERT_EQUAL(x->ops[0].value, 0x02);
	CU_ASSERT_EQUAL(x->ops[1].flags, FS_OP_MATCH);
	CU_ASSERT_EQUAL(x->ops[1].value, 0x10);
	CU_ASSERT_EQUAL(x->ops[2].flags, FS_OP_NOT);
	CU_ASSERT_EQUAL(x->ops[2].value, 0x04);
	CU_ASSERT_EQUAL(x->ops[3].flags, FS_OP_NOT | FS_OP_MATCH);
	CU_ASSERT_EQUAL(x->ops[3].value, 0x09);
	CU_ASSERT_EQUAL(x->ops[5].flags, FS_OP_AND | FS_OP_NOT);
	CU_ASSERT_EQUAL(x->ops[6].value, 0x40);
	x = comp(&c, FS_PKT_LEN);
	CU_ASSERT_EQUAL(x->ops[2].flags, FS_OP_LT | FS_OP_GT | FS_OP_EQ);
	CU_ASSERT_EQUAL(x->ops[3].flags, 0);
	CU_ASSERT_EQUAL(comp(&c, FS_DSCP)->ops[0].value, 46);
	x = comp(&c, FS_FRAG);
	CU_ASSERT_EQUAL(x->nops, 5);
	CU_ASSERT_EQUAL(x->ops[0].value, 0);
	CU_ASSERT_EQUAL(x->ops[1].value, 2);
	CU_ASSERT_EQUAL(x->ops[3].flags, FS_OP_AND);
	CU_ASSERT_EQUAL(x->ops[3].value, 8);
	CU_ASSERT_EQUAL(x->ops[4].value, 1);
	CU_ASSERT_EQUAL(c.flow.act.flags, 0);
	api_cmd_free(&c);

	/* IPv6: offset, next-header, flow-label (RFC 8956) */
	if (ok("announce flow route { match { destination 2001:db8::/32; "
	       "source ::1/128/64; next-header udp; flow-label >100&<2000; "
	       "} then { redirect 4200000000:7; } }",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.flow.family, AF_INET6);
	CU_ASSERT_EQUAL(comp(&c, FS_SRC)->offset, 64);
	CU_ASSERT_EQUAL(comp(&c, FS_SRC)->plen, 128);
	CU_ASSERT_EQUAL(comp(&c, FS_PROTO)->ops[0].value, 17);
	x = comp(&c, FS_FLOW_LABEL);
	CU_ASSERT_EQUAL(x->nops, 2);
	CU_ASSERT_EQUAL(x->ops[1].flags, FS_OP_AND | FS_OP_LT);
	CU_ASSERT_EQUAL(c.flow.act.redirect,
			(0x8208ULL << 48) | (4200000000ULL << 16) | 7);
	api_cmd_free(&c);
}

/* Every action and its extended community (RFC 8955 §7). */
static void test_flow_actions(void)
{
	struct api_cmd c;

	if (ok("announce flow route destination 192.0.2.0/24 redirect "
	       "65500:12345 mark 46 action sample-terminal rate-limit 1000",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.flow.act.flags, FS_ACT_REDIRECT | FS_ACT_MARK |
						  FS_ACT_ACTION |
						  FS_ACT_RATE_BYTES);
	CU_ASSERT_EQUAL(c.flow.act.redirect,
			(0x8008ULL << 48) | (65500ULL << 32) | 12345);
	CU_ASSERT_EQUAL(c.flow.act.dscp, 46);
	CU_ASSERT_EQUAL(c.flow.act.action, FS_TA_SAMPLE | FS_TA_TERMINAL);
	CU_ASSERT_EQUAL(c.flow.act.rate_bytes, 1000.0f);
	api_cmd_free(&c);
	if (ok("announce flow route destination 192.0.2.0/24 redirect "
	       "192.0.2.9:300 action terminal",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.flow.act.redirect,
			(0x8108ULL << 48) | (0xC0000209ULL << 16) | 300);
	CU_ASSERT_EQUAL(c.flow.act.action, FS_TA_TERMINAL);
	api_cmd_free(&c);
	if (ok("announce flow route destination 192.0.2.0/24 action sample",
	       &c))
		return;
	CU_ASSERT_EQUAL(c.flow.act.action, FS_TA_SAMPLE);
	api_cmd_free(&c);
}

static void test_flow_errors(void)
{
	static const struct {
		const char *line, *want;
	} t[] = {
		{ "announce flow", "announce flow needs 'route'" },
		{ "announce flow route", "needs a match" },
		{ "announce flow route { then { discard; } }",
		  "a flow rule needs a match" },
		{ "announce flow route destination 10.0.0.0/8 port =1 port =2",
		  "'port' is given twice in one rule" },
		{ "announce flow route protocol tcp next-header udp",
		  "'next-header' repeats 'protocol'" },
		{ "announce flow route destination 10.0.0.0/8 source ::/0",
		  "one family per rule" },
		{ "announce flow route destination 10.0.0.0/8 flow-label 1",
		  "'flow-label' makes the rule IPv6" },
		{ "announce flow route destination 10.0.0.0/8 port "
		  "[ 1 2 3 4 5 6 7 8 9 ]",
		  "more than 8 values" },
		{ "announce flow route destination 10.0.0.0/8 port >1&",
		  "cannot end with '&'" },
		{ "announce flow route destination 10.0.0.0/8 port 65536",
		  "above 65535" },
		{ "announce flow route destination 10.0.0.0/8 dscp 64",
		  "above 63" },
		{ "announce flow route destination 10.0.0.0/8 protocol foo",
		  "bad protocol value 'foo'" },
		{ "announce flow route destination 10.0.0.1/8",
		  "host bits set" },
		{ "announce flow route destination 10.0.0.0",
		  "needs a prefix ADDRESS/LENGTH" },
		{ "announce flow route destination 10.0.0.0/8/2",
		  "an offset is IPv6 only" },
		{ "announce flow route destination 2001:db8::/32/40",
		  "must be below the length" },
		{ "announce flow route destination 10.0.0.0/8 discard "
		  "rate-limit 10",
		  "has a traffic rate already" },
		{ "announce flow route destination 10.0.0.0/8 rate-limit x",
		  "'rate-limit' needs bytes a second" },
		{ "announce flow route destination 10.0.0.0/8 rate-limit 1e5",
		  "'rate-limit' needs bytes a second" },
		{ "announce flow route destination 10.0.0.0/8 rate-limit "
		  "1000000000001",
		  "'rate-limit' needs bytes a second, 0..1000000000000" },
		{ "announce flow route destination 10.0.0.0/8 redirect 1.2.3.4",
		  "is not implemented" },
		{ "announce flow route destination 10.0.0.0/8 redirect "
		  "4200000000:70000",
		  "0..65535 (RFC 7674)" },
		{ "announce flow route destination 10.0.0.0/8 copy 1.2.3.4",
		  "'copy' is not implemented" },
		{ "announce flow route destination 10.0.0.0/8 "
		  "redirect-to-nexthop",
		  "'redirect-to-nexthop' is not implemented" },
		{ "announce flow route destination 10.0.0.0/8 community 1:1",
		  "'community' on a flow route is not implemented" },
		{ "announce flow route destination 10.0.0.0/8 mark",
		  "'mark' needs a value" },
		{ "announce flow route destination 10.0.0.0/8 action x",
		  "sample, terminal or sample-terminal" },
		{ "announce flow route destination 10.0.0.0/8 traffic-class 1",
		  "'traffic-class' makes the rule IPv6" },
		{ "announce flow route destination 2001:db8::/32 traffic-class "
		  "101",
		  "traffic-class value '101' is above 63" },
		{ "announce flow route destination 10.0.0.0/8 bogus 1",
		  "unknown flow keyword 'bogus'" },
		{ "announce flow route destination 2001:db8::/32 icmp-code "
		  "port-unreachable",
		  "'icmp-code' names are IPv4's ICMP values" },
		{ "announce flow route icmp-type echo-request destination "
		  "2001:db8::/32",
		  "'icmp-type' names are IPv4's ICMP values" },
		{ "announce flow route { match { discard; } }",
		  "unknown flow keyword 'discard' in match" },
		{ "announce flow route { then { source 10.0.0.0/8; } }",
		  "unknown flow keyword 'source' in then" },
		{ "announce flow route { match { destination 10.0.0.0/8; }",
		  "'route {' needs its '}'" },
		{ "announce flow route { match { destination 10.0.0.0/8; } } x",
		  "unexpected 'x'" },
		{ "announce flow route { match destination 10.0.0.0/8 }",
		  "'match' needs '{'" },
		{ "announce flow route { match { port [ ]; } }",
		  "an empty list" },
		{ "announce flow route { match { port [ 80 ; } }",
		  "needs ']'" },
		{ "announce flow route destination [ 10.0.0.0/8 ]",
		  "'destination' takes one prefix, not a list" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		bad(t[i].line, t[i].want);
}

/* Every flow line of ExaBGP's own examples (run/api-flow.run and
 * run/api-broken-flow.run of Debian's exabgp 4.2 package). */
static void test_flow_exabgp_examples(void)
{
	static const char *const lines[] = {
		"announce flow route { match { source 0.0.0.0/32; destination "
		"0.0.0.0/32; destination-port =3128; protocol tcp; } then { "
		"rate-limit 0; } }",
		"announce flow route { match { source 170.170.170.170/32; "
		"destination 170.170.170.170/32; } then { rate-limit 1; } }",
		"announce flow route { match { source 187.187.187.187/32; "
		"destination 187.187.187.187/32; } then { rate-limit 2; } }",
		"announce flow route { match { source 204.204.204.204/32; "
		"destination 187.187.187.187/32; } then { rate-limit 3; } }",
		"announce flow route { match { source 255.255.255.255/32; "
		"destination 255.255.255.255/32; } then { rate-limit 65535; } }",
		"withdraw flow route { match { source 0.0.0.0/32; destination "
		"0.0.0.0/32; destination-port =3128; protocol tcp; } }",
		"withdraw flow route { match { source 170.170.170.170/32; "
		"destination 170.170.170.170/32; } then { rate-limit 1; } }",
	};
	struct api_cmd c;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (ok(lines[i], &c))
			continue;
		CU_ASSERT(c.verb == API_ANNOUNCE_FLOW ||
			  c.verb == API_WITHDRAW_FLOW);
		CU_ASSERT_EQUAL(c.flow.comp[0].type, FS_DST);
		api_cmd_free(&c);
	}
	/* a withdraw's then is not kept: the rule is its NLRI */
	if (ok(lines[6], &c))
		return;
	CU_ASSERT_EQUAL(c.flow.act.flags, 0);
	api_cmd_free(&c);
	/* rate-limit 0 is discard's encoding: the same rule */
	if (ok(lines[0], &c))
		return;
	CU_ASSERT_EQUAL(c.flow.act.flags, FS_ACT_RATE_BYTES);
	CU_ASSERT_EQUAL(c.flow.act.rate_bytes, 0.0f);
	api_cmd_free(&c);
}

int main(void)
{
	unsigned int failed;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("api", NULL, NULL);
	CU_add_test(s, "announce route, every attribute",
		    test_announce_route_full);
	CU_add_test(s, "announce route, ExaBGP's other attributes",
		    test_announce_route_more);
	CU_add_test(s, "announce route, minimal and IPv6",
		    test_announce_route_minimal);
	CU_add_test(s, "bracket spellings", test_brackets);
	CU_add_test(s, "community/large/extended values", test_values);
	CU_add_test(s, "asdot AS numbers", test_asdot);
	CU_add_test(s, "split", test_split);
	CU_add_test(s, "withdraw route", test_withdraw_route);
	CU_add_test(s, "announce/withdraw attributes", test_attributes);
	CU_add_test(s, "attributes nlri count", test_attributes_limit);
	CU_add_test(s, "neighbor selectors", test_neighbors);
	CU_add_test(s, "neighbor selector limit", test_neighbor_limit);
	CU_add_test(s, "eor, route-refresh, watchdog",
		    test_eor_refresh_watchdog);
	CU_add_test(s, "show, flush, clear and the rest", test_simple_commands);
	CU_add_test(s, "malformed lines", test_malformed);
	CU_add_test(s, "line length, NUL, err buffer", test_line_limits);
	CU_add_test(s, "list limit", test_list_limit);
	CU_add_test(s, "round trip", test_round_trip);
	CU_add_test(s, "path-information", test_path_information);
	CU_add_test(s, "flow: block form", test_flow_block);
	CU_add_test(s, "flow: one-line form", test_flow_one_line);
	CU_add_test(s, "flow: every component", test_flow_components);
	CU_add_test(s, "flow: every action", test_flow_actions);
	CU_add_test(s, "flow: refusals", test_flow_errors);
	CU_add_test(s, "flow: ExaBGP's example lines",
		    test_flow_exabgp_examples);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
