// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/api/api_json.c: the ExaBGP 4 JSON and text events, field
 * by field, from hand-built messages.  Scripts written for ExaBGP match on
 * these strings, so the exact spelling is what is asserted; every JSON
 * event is also run through a small validating parser.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "api_json.h"
#include "bgp_buf.h"
#include "bgp_wire.h"

/* --- a tiny JSON validator (RFC 8259) ------------------------------------ */

static const char *jv_value(const char *s, int depth);

static const char *jv_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *jv_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s && *s != '"') {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    s[i]) ||
					    !s[i])
						return NULL;
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
		s++;
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *jv_number(const char *s)
{
	const char *b = s;

	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return NULL;
	while ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' ||
	       *s == 'E' || *s == '+' || *s == '-')
		s++;
	return s > b ? s : NULL;
}

static const char *jv_value(const char *s, int depth)
{
	if (depth > 64)
		return NULL;
	s = jv_ws(s);
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		int obj = *s == '{';

		s = jv_ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (obj) {
				s = jv_string(jv_ws(s));
				if (!s)
					return NULL;
				s = jv_ws(s);
				if (*s++ != ':')
					return NULL;
			}
			s = jv_value(s, depth + 1);
			if (!s)
				return NULL;
			s = jv_ws(s);
			if (*s == close)
				return s + 1;
			if (*s++ != ',')
				return NULL;
		}
	}
	if (*s == '"')
		return jv_string(s);
	if (!strncmp(s, "true", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (!strncmp(s, "null", 4))
		return s + 4;
	return jv_number(s);
}

static int json_valid(const char *s)
{
	s = jv_value(s, 0);
	return s && !*jv_ws(s);
}

/* --- message builders --------------------------------------------------- */

static size_t unhex(uint8_t *out, const char *h)
{
	size_t n = 0;

	while (*h) {
		unsigned v;

		if (*h == ' ') {
			h++;
			continue;
		}
		if (sscanf(h, "%2x", &v) != 1)
			CU_FAIL_FATAL("bad test hex");
		out[n++] = v;
		h += 2;
	}
	return n;
}

/* A message of type with body given in hex. */
static size_t msg(uint8_t *buf, uint8_t type, const char *body)
{
	size_t n;

	memset(buf, 0xff, 16);
	n = BGP_HDR_LEN + unhex(buf + BGP_HDR_LEN, body);
	buf[16] = n >> 8;
	buf[17] = n;
	buf[18] = type;
	return n;
}

/* An UPDATE from its three parts, the lengths filled in. */
static size_t upd(uint8_t *buf, const char *wd, const char *attrs,
		  const char *nlri)
{
	uint8_t *p = buf + BGP_HDR_LEN;
	size_t w, a, n, len;

	w = unhex(p + 2, wd);
	p[0] = w >> 8;
	p[1] = w;
	a = unhex(p + 4 + w, attrs);
	p[2 + w] = a >> 8;
	p[3 + w] = a;
	n = unhex(p + 4 + w + a, nlri);
	memset(buf, 0xff, 16);
	len = BGP_HDR_LEN + 4 + w + a + n;
	buf[16] = len >> 8;
	buf[17] = len;
	buf[18] = BGP_UPDATE;
	return len;
}

static struct prefix P(const char *s) {
	struct prefix p;
	char err[128];

	if (prefix_parse(s, &p, err, sizeof(err)))
		CU_FAIL_FATAL("test prefix");
	return p;
}

static struct prefix local_a,
	peer_a;

static struct apij_env env(void)
{
	struct apij_env e = {
		.host = "host",
		.pid = 1234,
		.ppid = 1,
		.counter = 7,
		.time = 1560371099.5,
		.local = &local_a,
		.peer = &peer_a,
		.local_as = 65001,
		.peer_as = 65000,
		.direction = "receive",
	};
	return e;
}

/* iBGP: LOCAL_PREF is kept (RFC 4271 §5.1.5) */
static const struct bgp_sess_ctx as4_ctx = {.as4 = 1, .ebgp = 0};
static const struct bgp_sess_ctx as2_ctx = {.as4 = 0, .ebgp = 1};

static struct jbuf jb;

/* JSON of one message: asserted to encode and to be valid JSON. */
static const char *J(const uint8_t *m, size_t n, const struct bgp_sess_ctx *c)
{
	struct apij_env e = env();
	struct bgp_err err;

	jbuf_reset(&jb);
	if (apij_message(&jb, &e, m, n, c, BGP_MAX_LEN, &err))
		fprintf(stderr, "\n  error %u/%u\n", err.code, err.subcode);
	CU_ASSERT_EQUAL_FATAL(jb.len > 0, 1);
	if (!json_valid(jb.p))
		fprintf(stderr, "\n  invalid JSON: %s\n", jb.p);
	CU_ASSERT(json_valid(jb.p));
	return jb.p;
}

/* The same in ExaBGP 5's form (encoder json5). */
static const char *J5(const uint8_t *m, size_t n, const struct bgp_sess_ctx *c)
{
	struct apij_env e = env();
	struct bgp_err err;

	e.json_version = 5;
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL_FATAL(
		apij_message(&jb, &e, m, n, c, BGP_MAX_LEN, &err), 0);
	if (!json_valid(jb.p))
		fprintf(stderr, "\n  invalid JSON: %s\n", jb.p);
	CU_ASSERT(json_valid(jb.p));
	return jb.p;
}

static const char *T(const uint8_t *m, size_t n, const struct bgp_sess_ctx *c)
{
	struct apij_env e = env();
	struct bgp_err err;

	jbuf_reset(&jb);
	CU_ASSERT_EQUAL_FATAL(apit_message(&jb, &e, m, n, c, BGP_MAX_LEN, &err),
			      0);
	return jb.p;
}

#define HAS(s, frag)                                                           \
	do {                                                                   \
		if (!strstr((s), (frag)))                                      \
			fprintf(stderr, "\n  missing %s\n  in %s\n", (frag),   \
				(s));                                          \
		CU_ASSERT_PTR_NOT_NULL(strstr((s), (frag)));                   \
	} while (0)
#define HASNT(s, frag) CU_ASSERT_PTR_NULL(strstr((s), (frag)))

static size_t count(const char *s, const char *frag)
{
	size_t n = 0;

	while ((s = strstr(s, frag))) {
		n++;
		s += strlen(frag);
	}
	return n;
}

/* --- tests -------------------------------------------------------------- */

/* Every attribute kind we decode, in one IPv4 UPDATE with a withdrawal. */
#define ALL_ATTRS                                                              \
	"40 01 01 01 " /* ORIGIN egp */                                        \
	"40 02 1a 02 02 0000fde9 0000fdea 01 02 00000001 00000002 "            \
	"03 01 0000fdeb "	      /* AS_PATH seq, set, confed seq */       \
	"40 03 04 c0000201 "	      /* NEXT_HOP */                           \
	"80 04 04 0000000a "	      /* MED */                                \
	"40 05 04 00000064 "	      /* LOCAL_PREF */                         \
	"40 06 00 "		      /* ATOMIC_AGGREGATE */                   \
	"c0 07 08 0000fde9 0a062700 " /* AGGREGATOR */                         \
	"c0 08 08 fde80001 fde80002 " /* COMMUNITIES */                        \
	"80 09 04 0a090909 "	      /* ORIGINATOR_ID */                      \
	"80 0a 08 0a080808 0a070707 " /* CLUSTER_LIST */                       \
	"c0 10 18 0002fde800000001 0102c000020a0005 0202fa56ea000007 "         \
	"c0 20 0c 00000001 00000002 00000003 " /* LARGE_COMMUNITIES */         \
	"80 fd 01 00 "			       /* unknown non-transitive */    \
	"c0 fe 02 abcd"			       /* unknown optional transitive */

static void test_update_all_attributes(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "18 050607", ALL_ATTRS, "18 0a0000 10 0a01");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "{ \"exabgp\": \"4.0.1\", \"time\": 1560371099.500000, "
	       "\"host\" : \"host\", \"pid\" : 1234, \"ppid\" : 1, "
	       "\"counter\": 7, \"type\": \"update\", \"neighbor\": { "
	       "\"address\": { \"local\": \"10.0.0.2\", \"peer\": "
	       "\"10.0.0.1\" }, \"asn\": { \"local\": 65001, \"peer\": "
	       "65000 } , \"direction\": \"receive\", \"message\": { "
	       "\"update\": { \"attribute\": { ");
	HAS(s, "\"origin\": \"egp\"");
	/* ExaBGP 4.2: the ASNs of the sequences, then of the sets */
	HAS(s, "\"as-path\": [ 65001, 65002 ], \"as-set\": [ 1, 2 ], "
	       "\"confederation-path\": [ 65003 ], \"med\": 10");
	HASNT(s, "confederation-set");
	HAS(s, "\"med\": 10");
	HAS(s, "\"local-preference\": 100");
	HAS(s, "\"atomic-aggregate\": true");
	HAS(s, "\"aggregator\": \"65001:10.6.39.0\"");
	HAS(s, "\"community\": [ [ 65000, 1 ], [ 65000, 2 ] ], "
	       "\"originator-id\": \"10.9.9.9\", \"cluster-list\": [ "
	       "\"10.8.8.8\", \"10.7.7.7\" ], \"extended-community\"");
	HAS(s, "\"extended-community\": [ { \"value\": 842122827661313, "
	       "\"string\": \"target:65000:1\" }, { \"value\": "
	       "72831650258092037, \"string\": \"target:192.0.2.10:5\" }, "
	       "{ \"value\": 144953389229277191, \"string\": "
	       "\"target:4200000000L:7\" } ]");
	HAS(s, "\"large-community\": [ [ 1, 2 , 3 ] ]");
	/* kept with Partial set, the value in lower case, as ExaBGP */
	HAS(s, "\"large-community\": [ [ 1, 2 , 3 ] ], "
	       "\"attribute-0xFE-0xE0\": \"0xabcd\" }");
	HASNT(s, "0xFD");
	HASNT(s, "next-hop");
	HAS(s, "\"announce\": { \"ipv4 unicast\": { \"192.0.2.1\": [ "
	       "{ \"nlri\": \"10.0.0.0/24\" }, { \"nlri\": \"10.1.0.0/16\" } "
	       "] } }");
	HAS(s, "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": "
	       "\"5.6.7.0/24\" } ] } } } } }");
	/* attribute order is ExaBGP's: by type code */
	CU_ASSERT(strstr(s, "\"origin\"") < strstr(s, "\"as-path\""));
	CU_ASSERT(strstr(s, "\"community\"") <
		  strstr(s, "\"extended-community\""));
	CU_ASSERT(strstr(s, "\"extended-community\"") <
		  strstr(s, "\"large-community\""));
	CU_ASSERT(strstr(s, "\"announce\"") < strstr(s, "\"withdraw\""));

	/* ExaBGP 5: "exabgp" 5.0.0, the segments in order, no
	 * confederation-path key, and the next hop among the attributes
	 * since the UPDATE also withdraws */
	s = J5(m, n, &as4_ctx);
	HAS(s, "{ \"exabgp\": \"5.0.0\", ");
	HAS(s, "\"origin\": \"egp\", \"as-path\": {\"0\": {\"element\": "
	       "\"as-sequence\", \"value\": [65001, 65002]}, \"1\": "
	       "{\"element\": \"as-set\", \"value\": [1, 2]}, \"2\": "
	       "{\"element\": \"as-sequence\", \"value\": [65003]}}, "
	       "\"next-hop\": \"192.0.2.1\", \"med\": 10");
	HASNT(s, "confederation");
	HAS(s, "\"announce\": { \"ipv4 unicast\": { \"192.0.2.1\": [ ");
}

static void test_update_text(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "18 050607", ALL_ATTRS, "18 0a0000 10 0a01");
	const char *s = T(m, n, &as4_ctx);
	/* (the text encoder does not show ORIGINATOR_ID, CLUSTER_LIST) */
	const char *attrs =
		" next-hop 192.0.2.1 origin egp as-path [ 65001 65002 ( 1 2 ) "
		"] "
		"confederation-path [ 65003 ] med 10 local-preference 100 "
		"atomic-aggregate aggregator ( 65001:10.6.39.0 ) community "
		"[ 65000:1 65000:2 ] extended-community [ target:65000:1 "
		"target:192.0.2.10:5 target:4200000000L:7 ] large-community "
		"[ 1:2:3 ] attribute [ 0xFE 0xC0 0xABCD ]";
	char want[1024];

	snprintf(want, sizeof(want),
		 "neighbor 10.0.0.1 receive update announced 10.0.0.0/24%s\n"
		 "neighbor 10.0.0.1 receive update announced 10.1.0.0/16%s\n"
		 "neighbor 10.0.0.1 receive update withdrawn 5.6.7.0/24",
		 attrs, attrs);
	if (strcmp(s, want))
		fprintf(stderr, "\n  got  %s\n  want %s\n", s, want);
	CU_ASSERT_STRING_EQUAL(s, want);

	/* the example line */
	n = upd(m, "",
		"40 01 01 00 40 02 06 02 01 0000fde9 40 03 04 c0000201 "
		"80 04 04 0000000a",
		"18 0a0000");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(s, "neighbor 10.0.0.1 receive update announced "
				  "10.0.0.0/24 next-hop 192.0.2.1 origin igp "
				  "as-path [ 65001 ] med 10");
}

#define MP_REACH6                                                              \
	"80 0e 35 0002 01 20 20010db8000000000000000000000001 "                \
	"fe800000000000000000000000000001 00 "                                 \
	"30 20010db80001 40 20010db800020000"
#define MP_UNREACH6 "80 0f 11 0002 01 40 20010db800030000 20 20010db8"

static void test_update_ipv6(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "",
		       "40 01 01 02 40 02 06 02 01 0000fde8 " MP_REACH6
		       " " MP_UNREACH6,
		       "");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "\"origin\": \"incomplete\"");
	/* ExaBGP 4.2 lists the prefixes under the global next hop and
	 * again under the link-local one */
	HAS(s, "\"announce\": { \"ipv6 unicast\": { \"2001:db8::1\": [ "
	       "{ \"nlri\": \"2001:db8:1::/48\" }, { \"nlri\": "
	       "\"2001:db8:2::/64\" } ], \"fe80::1\": [ { \"nlri\": "
	       "\"2001:db8:1::/48\" }, { \"nlri\": \"2001:db8:2::/64\" } "
	       "] } }");
	HAS(s, "\"withdraw\": { \"ipv6 unicast\": [ { \"nlri\": "
	       "\"2001:db8:3::/64\" }, { \"nlri\": \"2001:db8::/32\" } ] }");
	HASNT(s, "ipv4 unicast");

	s = T(m, n, &as4_ctx);
	HAS(s, "neighbor 10.0.0.1 receive update announced 2001:db8:1::/48 "
	       "next-hop 2001:db8::1 origin incomplete as-path [ 65000 ]\n");
	HAS(s, "\nneighbor 10.0.0.1 receive update withdrawn 2001:db8::/32");
	CU_ASSERT_EQUAL(count(s, "\n"), 3);

	/* no NEXT_HOP attribute to repeat in ExaBGP 5's form */
	s = J5(m, n, &as4_ctx);
	HASNT(s, "next-hop");
	HAS(s, "\"as-path\": {\"0\": {\"element\": \"as-sequence\", "
	       "\"value\": [65000]}}");

	/* withdrawal only: no "attribute" at all */
	n = upd(m, "", MP_UNREACH6, "");
	s = J(m, n, &as4_ctx);
	HASNT(s, "\"attribute\"");
	HAS(s, "\"message\": { \"update\": { \"withdraw\": { \"ipv6 unicast\"");
}

static void test_eor(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "", "", "");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "\"type\": \"update\"");
	HAS(s, "\"message\": { \"eor\": { \"afi\" : \"ipv4\", \"safi\" : "
	       "\"unicast\" } } } }");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(
		s, "neighbor 10.0.0.1 receive update eor ipv4 unicast");

	n = upd(m, "", "80 0f 03 0002 01", "");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"eor\": { \"afi\" : \"ipv6\", \"safi\" : \"unicast\" }");
}

/* RFC 6793 §4.2.3: a 2-octet peer's AS_PATH with AS_TRANS and AS4_PATH. */
static void test_as4_merge(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "",
		       "40 01 01 00 40 02 06 02 02 fde9 5ba0 "
		       "40 03 04 c0000201 c0 11 06 02 01 fa56ea00",
		       "18 0a0000");
	const char *s = J(m, n, &as2_ctx);

	HAS(s, "\"as-path\": [ 65001, 4200000000 ]");
	HASNT(s, "23456");
	HASNT(s, "attribute-0x11");

	/* without AS4_PATH: the 2-octet path as it is */
	n = upd(m, "", "40 01 01 00 40 02 04 02 01 fde9 40 03 04 c0000201",
		"18 0a0000");
	s = J(m, n, &as2_ctx);
	HAS(s, "\"as-path\": [ 65001 ]");

	/* an empty AS_PATH (iBGP): ExaBGP 4.2 and 5 leave it out */
	n = upd(m, "", "40 01 01 00 40 02 00 40 03 04 c0000201", "18 0a0000");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"attribute\": { \"origin\": \"igp\" }, ");
	s = J5(m, n, &as4_ctx);
	HAS(s, "\"attribute\": { \"origin\": \"igp\" }, ");

	/* NEXT_HOP alone: an "attribute" with nothing in it, as ExaBGP */
	n = upd(m, "", "40 03 04 c0000201", "");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"update\": { \"attribute\": {  } }");
}

/* RFC 7606 §2: treat-as-withdraw is encoded as the withdrawal. */
static void test_treat_as_withdraw(void)
{
	uint8_t m[4096];
	/* ORIGIN 7 is an invalid value (RFC 7606 §7.1) */
	size_t n = upd(m, "18 050607",
		       "40 01 01 07 40 02 06 02 01 0000fde9 40 03 04 c0000201",
		       "18 0a0000");
	const char *s = J(m, n, &as4_ctx);

	HASNT(s, "\"attribute\"");
	HASNT(s, "\"announce\"");
	HAS(s, "\"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": "
	       "\"5.6.7.0/24\" }, { \"nlri\": \"10.0.0.0/24\" } ] }");

	/* an IPv6 one: its MP_REACH prefixes are withdrawn */
	n = upd(m, "", "40 01 01 07 40 02 06 02 01 0000fde8 " MP_REACH6, "");
	s = J(m, n, &as4_ctx);
	HASNT(s, "\"announce\"");
	HAS(s, "\"withdraw\": { \"ipv6 unicast\": [ { \"nlri\": "
	       "\"2001:db8:1::/48\" }, { \"nlri\": \"2001:db8:2::/64\" } ] }");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(
		s,
		"neighbor 10.0.0.1 receive update withdrawn 2001:db8:1::/48\n"
		"neighbor 10.0.0.1 receive update withdrawn 2001:db8:2::/64");
}

static void test_notification(void)
{
	uint8_t m[4096];
	/* Cease/Administrative Shutdown, RFC 9003 text with a quote, a
	 * backslash, a newline and UTF-8 "é" */
	size_t n = msg(m, BGP_NOTIFICATION,
		       "06 02 0e 62 79 65 20 22 78 22 5c 0a 6e 6f 77 c3 a9");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "\"type\": \"notification\"");
	/* in "neighbor" itself, as ExaBGP; shutdown-communication is
	 * bgpshield's (ExaBGP 4.2 on Python 3 cannot decode this one) */
	HAS(s,
	    "\"direction\": \"receive\", \"notification\": { \"code\": 6, "
	    "\"subcode\": 2, \"data\": \"0x0E627965202278225C0A6E6F77C3A9\", "
	    "\"shutdown-communication\": \"bye \\\"x\\\"\\\\\\nnow\xc3\xa9\" "
	    "}  } }");
	HASNT(s, "\"message\"");
	s = J5(m, n, &as4_ctx);
	HAS(s, "\"data\": \"0x0E627965202278225C0A6E6F77C3A9\", \"message\": "
	       "\"bye \\\"x\\\"\\\\\\nnow\xc3\xa9\" }  } }");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(
		s,
		"neighbor 10.0.0.1 receive notification code 6 subcode 2 "
		"data 0x0E627965202278225C0A6E6F77C3A9 "
		"shutdown-communication \"bye \\\"x\\\"\\\\\\nnow\xc3\xa9\"");
	CU_ASSERT_PTR_NULL(strchr(s, '\n'));

	/* not shutdown: the data only */
	n = msg(m, BGP_NOTIFICATION, "03 01");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"code\": 3, \"subcode\": 1, \"data\": \"0x\" }  } }");
	n = msg(m, BGP_NOTIFICATION, "06 03 627965");
	s = J5(m, n, &as4_ctx);
	HAS(s, "\"data\": \"0x627965\", \"message\": \"bye\" }");
}

static void test_open(void)
{
	uint8_t m[4096];
	/* AS_TRANS, hold 90, id 192.0.2.9; capabilities MP ipv4/ipv6
	 * unicast, route refresh, AS4 4200000000, graceful restart,
	 * extended message, and 73 (unknown here) */
	size_t n = msg(m, BGP_OPEN,
		       "04 5ba0 005a c0000209 24 02 22 "
		       "01 04 00010001 01 04 00020001 02 00 "
		       "41 04 fa56ea00 40 06 0078 00010180 06 00 49 02 6869");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "\"type\": \"open\"");
	/* ExaBGP 4.2's: in "neighbor", "asn" the 2-octet field, the
	 * capabilities in the order they came, in its shapes */
	HAS(s, "\"direction\": \"receive\", \"open\": { \"version\": 4, "
	       "\"asn\": 23456, \"hold_time\": 90, \"router_id\": "
	       "\"192.0.2.9\", \"capabilities\": { \"1\": { \"name\": "
	       "\"multiprotocol\", \"families\": [ \"ipv4/unicast\", "
	       "\"ipv6/unicast\" ] }, \"2\": { \"name\": \"route-refresh\", "
	       "\"variant\": \"RFC\" }, \"65\": { \"name\": \"asn4\", "
	       "\"asn4\": 4200000000 }, \"64\": { \"name\": \"graceful "
	       "restart\", \"time\": 120, \"address-family-flags\": { "
	       "\"ipv4/unicast\": [ \"restart\" ] }, \"restart-flags\": [ ] "
	       "}, \"6\": { \"name\": \"extended-message\", \"size\": "
	       "65535 }, \"73\": { \"name\": \"unknown\", \"iana\": "
	       "\"unassigned\", \"value\": 73, \"raw\": \"6869\" } } } } }");
	HASNT(s, "\"message\"");

	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(
		s, "neighbor 10.0.0.1 receive open version 4 asn 4200000000 "
		   "hold_time 90 router_id 192.0.2.9 capabilities [ "
		   "multiprotocol(ipv4 unicast) multiprotocol(ipv6 unicast) "
		   "route-refresh extended-message graceful-restart(120) "
		   "asn4(4200000000) unknown(73) ]");

	/* RFC 9072 parameters, R bit, two GR families, 128, 70, 200 */
	n = msg(m, BGP_OPEN,
		"04 fde8 005a c0000209 ff ff 0015 02 0012 "
		"40 0a 8078 00010180 00020100 80 00 46 00 c8 00");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"capabilities\": { \"64\": { \"name\": \"graceful "
	       "restart\", \"time\": 120, \"address-family-flags\": { "
	       "\"ipv4/unicast\": [ \"restart\" ] , \"ipv6/unicast\": [ ] "
	       "}, \"restart-flags\": [ \"forwarding\" ] }, \"128\": { "
	       "\"name\": \"route-refresh\", \"variant\": \"Cisco\" }, "
	       "\"70\": { \"name\": \"enhanced-route-refresh\" }, \"200\": "
	       "{ \"name\": \"unknown\", \"iana\": \"reserved\", "
	       "\"value\": 200, \"raw\": \"\" } } } } }");
}

/* RFC 8950: IPv4 unicast in MP_REACH_NLRI with an IPv6 next hop, keyed by
 * it as ExaBGP 4.2.21 prints it (its --decode of the same bytes gives
 * this "message" exactly); the capability in the OPEN. */
static const struct bgp_sess_ctx enh_ctx = {.as4 = 1, .ebgp = 0,
					    .ext_nh_v4 = 1};

static void test_ext_nh(void)
{
	uint8_t m[4096];
	size_t n = upd(m, "",
		       "40 01 01 00 40 02 06 02 01 0000fde8 "
		       "80 0e 1d 0001 01 10 20010db8000000000000000000000001 "
		       "00 18 0a0000 18 c00002",
		       "");
	const char *s = J(m, n, &enh_ctx);

	HAS(s, "\"message\": { \"update\": { \"attribute\": { \"origin\": "
	       "\"igp\", \"as-path\": [ 65000 ], \"confederation-path\": [] "
	       "}, \"announce\": { \"ipv4 unicast\": { \"2001:db8::1\": [ { "
	       "\"nlri\": \"10.0.0.0/24\" }, { \"nlri\": \"192.0.2.0/24\" } ] "
	       "} } } }");
	s = T(m, n, &enh_ctx);
	HAS(s, "neighbor 10.0.0.1 receive update announced 10.0.0.0/24 "
	       "next-hop 2001:db8::1 origin igp as-path [ 65000 ]\n");
	/* not negotiated: RFC 7606 treat-as-withdraw */
	s = J(m, n, &as4_ctx);
	HAS(s, "\"update\": { \"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": "
	       "\"10.0.0.0/24\" }, { \"nlri\": \"192.0.2.0/24\" } ] } }");
	HASNT(s, "announce");

	/* global and link-local: each a key with every prefix under it,
	 * as ExaBGP 4.2 prints IPv6 (RFC 2545) too */
	n = upd(m, "",
		"40 01 01 00 40 02 00 "
		"80 0e 2d 0001 01 20 20010db8000000000000000000000001 "
		"fe800000000000000000000000000001 00 18 0a0000 18 c00002",
		"");
	s = J(m, n, &enh_ctx);
	HAS(s, "\"announce\": { \"ipv4 unicast\": { \"2001:db8::1\": [ { "
	       "\"nlri\": \"10.0.0.0/24\" }, { \"nlri\": \"192.0.2.0/24\" } ], "
	       "\"fe80::1\": [ { \"nlri\": \"10.0.0.0/24\" }, { \"nlri\": "
	       "\"192.0.2.0/24\" } ] } }");

	/* OPEN: MP ipv4/ipv6 and capability 5 with <1,1,2> and <1,128,2> */
	n = msg(m, BGP_OPEN,
		"04 fde9 00b4 c0000201 1c 02 1a "
		"01 04 00010001 01 04 00020001 "
		"05 0c 0001 0001 0002 0001 0080 0002");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"5\": { \"name\": \"nexthop\", \"conversion\": [ "
	       "\"ipv4/unicast/ipv6\", \"ipv4/mpls-vpn/ipv6\" ] }");
	s = T(m, n, &as4_ctx);
	HAS(s, "capabilities [ multiprotocol(ipv4 unicast) "
	       "multiprotocol(ipv6 unicast) nexthop ]");
}

/*
 * ADD-PATH (RFC 7911): path ids on NLRI when receive was negotiated for
 * the family, as ExaBGP 4.2.21 prints them (checked against "exabgp
 * --decode" with add-path send/receive in its config: the "message"
 * parts are byte for byte the same).
 */
static void test_addpath(void)
{
	static const struct bgp_sess_ctx ap = { .as4 = 1,
						.addpath_rx = BGP_FAM_ALL };
	uint8_t m[4096];
	size_t n = upd(m, "00000005 18 050607",
		       "40 01 01 00 40 02 06 02 01 0000fde9 40 03 04 c0000201",
		       "00000001 18 0a0000 00000002 10 0a01");
	const char *s = J(m, n, &ap);
	struct jbuf fresh;
	struct apij_env e = env();
	struct bgp_err err;

	HAS(s, "\"message\": { \"update\": { \"attribute\": { \"origin\": "
	       "\"igp\", \"as-path\": [ 65001 ], \"confederation-path\": [] "
	       "}, \"announce\": { \"ipv4 unicast\": { \"192.0.2.1\": [ { "
	       "\"nlri\": \"10.0.0.0/24\", \"path-information\": \"0.0.0.1\" "
	       "}, { \"nlri\": \"10.1.0.0/16\", \"path-information\": "
	       "\"0.0.0.2\" } ] } }, \"withdraw\": { \"ipv4 unicast\": [ { "
	       "\"nlri\": \"5.6.7.0/24\", \"path-information\": \"0.0.0.5\" "
	       "} ] } } } } }");
	s = T(m, n, &ap);
	CU_ASSERT_STRING_EQUAL(
		s, "neighbor 10.0.0.1 receive update announced 10.0.0.0/24 "
		   "path-information 0.0.0.1 next-hop 192.0.2.1 origin igp "
		   "as-path [ 65001 ]\n"
		   "neighbor 10.0.0.1 receive update announced 10.1.0.0/16 "
		   "path-information 0.0.0.2 next-hop 192.0.2.1 origin igp "
		   "as-path [ 65001 ]\n"
		   "neighbor 10.0.0.1 receive update withdrawn 5.6.7.0/24 "
		   "path-information 0.0.0.5");

	/* IPv6 both ways; path id 0 is shown too (ExaBGP: four bytes
	 * were there) */
	n = upd(m, "",
		"40 01 01 00 40 02 06 02 01 0000fde9 "
		"80 0e 29 0002 01 10 20010db8000000000000000000000001 00 "
		"00000000 20 20010db8 00000008 30 20010db80001 "
		"80 0f 10 0002 01 00000009 40 20010db800020000",
		"");
	s = J(m, n, &ap);
	HAS(s, "\"announce\": { \"ipv6 unicast\": { \"2001:db8::1\": [ { "
	       "\"nlri\": \"2001:db8::/32\", \"path-information\": "
	       "\"0.0.0.0\" }, { \"nlri\": \"2001:db8:1::/48\", "
	       "\"path-information\": \"0.0.0.8\" } ] } }, \"withdraw\": { "
	       "\"ipv6 unicast\": [ { \"nlri\": \"2001:db8:2::/64\", "
	       "\"path-information\": \"0.0.0.9\" } ] } } } } }");
	/* a withdrawal alone through a buffer never written to (it was
	 * a NULL dereference in the text encoder) */
	n = upd(m, "", "80 0f 10 0002 01 00000009 40 20010db800020000", "");
	jbuf_init(&fresh);
	CU_ASSERT_EQUAL(apit_message(&fresh, &e, m, n, &ap, BGP_MAX_LEN, &err),
			0);
	CU_ASSERT_STRING_EQUAL(fresh.p, "neighbor 10.0.0.1 receive update "
					"withdrawn 2001:db8:2::/64 "
					"path-information 0.0.0.9");
	jbuf_free(&fresh);

	/* receive not negotiated: no path-information key at all */
	n = upd(m, "", "40 01 01 00 40 02 06 02 01 0000fde9 40 03 04 c0000201",
		"18 0a0000");
	s = J(m, n, &as4_ctx);
	HASNT(s, "path-information");

	/* the capability in an OPEN, as ExaBGP's AddPath.json() */
	n = msg(m, BGP_OPEN,
		"04 fde9 00b4 c0000201 18 02 16 01 04 00010001 "
		"41 04 0000fde9 45 08 00010103 00020101");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"69\": { \"name\": \"addpath\", \"ipv4/unicast\": "
	       "\"send/receive\",\"ipv6/unicast\": \"receive\" }");
	s = T(m, n, &as4_ctx);
	HAS(s, "add-path(ipv4 unicast send/receive) "
	       "add-path(ipv6 unicast receive) ]");
}

static void test_keepalive_refresh(void)
{
	uint8_t m[64];
	size_t n = msg(m, BGP_KEEPALIVE, "");
	const char *s = J(m, n, &as4_ctx);

	HAS(s, "\"type\": \"keepalive\"");
	/* two spaces: ExaBGP's */
	HAS(s, "} , \"direction\": \"receive\"  } }");
	HASNT(s, "\"message\"");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(s, "neighbor 10.0.0.1 receive keepalive");

	n = msg(m, BGP_ROUTE_REFRESH, "0002 00 01");
	s = J(m, n, &as4_ctx);
	HAS(s, "\"type\": \"refresh\"");
	/* ExaBGP's key and subtype names, in "neighbor"; its doubled
	 * quotes (""ipv6"") are not copied */
	HAS(s, "\"direction\": \"receive\", \"route-refresh\": { \"afi\": "
	       "\"ipv6\", \"safi\": \"unicast\", \"subtype\": \"query\" } } }");
	n = msg(m, BGP_ROUTE_REFRESH, "0001 02 01");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(s, "neighbor 10.0.0.1 receive refresh afi ipv4 "
				  "safi unicast subtype end");
}

static void test_state(void)
{
	struct apij_env e = env();

	e.direction = NULL;
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apij_state(&jb, &e, "up", NULL), 0);
	CU_ASSERT(json_valid(jb.p));
	HAS(jb.p,
	    "\"type\": \"state\", \"neighbor\": { \"address\": { "
	    "\"local\": \"10.0.0.2\", \"peer\": \"10.0.0.1\" }, \"asn\": "
	    "{ \"local\": 65001, \"peer\": 65000 } , \"state\": \"up\" } }");
	HASNT(jb.p, "reason");

	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apij_state(&jb, &e, "down", "peer said \"bye\"\x01\n"),
			0);
	CU_ASSERT(json_valid(jb.p));
	HAS(jb.p, "\"state\": \"down\", \"reason\": "
		  "\"peer said \\\"bye\\\"\\u0001\\n\" } }");

	/* a NOTIFICATION received, in ExaBGP's words; brackets become
	 * parentheses as in ExaBGP */
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apij_state(&jb, &e, "down", "received NOTIFICATION 6/4"),
			0);
	HAS(jb.p, "\"reason\": \"peer reset, message (notification received "
		  "(6,4)) error(Cease / Administrative Reset)\" } }");
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apij_state(&jb, &e, "down",
				   "received NOTIFICATION 6/2 \"[bye]\""),
			0);
	CU_ASSERT(json_valid(jb.p));
	HAS(jb.p, "\"reason\": \"peer reset, message (notification received "
		  "(6,2)) error(Cease / Administrative Shutdown / Shutdown "
		  "Communication: \\\"(bye)\\\")\" } }");
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apij_state(&jb, &e, "down",
				   "connection closed by the peer"),
			0);
	HAS(jb.p, "\"reason\": \"peer reset, message (closing connection) "
		  "error(the TCP connection was closed by the remote end)\" } }");

	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apit_state(&jb, &e, "up", NULL), 0);
	CU_ASSERT_STRING_EQUAL(jb.p, "neighbor 10.0.0.1 up");
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apit_state(&jb, &e, "down", "hold timer\nexpired"), 0);
	CU_ASSERT_STRING_EQUAL(jb.p, "neighbor 10.0.0.1 down - hold timer "
				     "expired");
	jbuf_reset(&jb);
	CU_ASSERT_EQUAL(apit_state(&jb, &e, "connected", NULL), 0);
	CU_ASSERT_STRING_EQUAL(jb.p, "neighbor 10.0.0.1 connected");
}

static void test_escaping(void)
{
	struct jbuf b;
	const char in[] = "a\"b\\c\x1f\x7f\t\r/\xc3\xa9";

	jbuf_init(&b);
	CU_ASSERT_EQUAL(jbuf_str(&b, in, sizeof(in) - 1), 0);
	CU_ASSERT_STRING_EQUAL(b.p,
			       "\"a\\\"b\\\\c\\u001f\\u007f\\t\\r/\xc3\xa9\"");
	CU_ASSERT(json_valid(b.p));
	/* NUL inside a counted string */
	jbuf_reset(&b);
	CU_ASSERT_EQUAL(jbuf_str(&b, "x\0y", 3), 0);
	CU_ASSERT_STRING_EQUAL(b.p, "\"x\\u0000y\"");
	jbuf_free(&b);

	/* the host name is escaped too */
	{
		struct apij_env e = env();

		e.host = "h\"o";
		jbuf_reset(&jb);
		CU_ASSERT_EQUAL(apij_state(&jb, &e, "up", NULL), 0);
		HAS(jb.p, "\"host\" : \"h\\\"o\"");
		CU_ASSERT(json_valid(jb.p));
	}
}

/* malformed input: -1, nothing appended, the NOTIFICATION to send */
static void bad(const uint8_t *m, size_t n, const struct bgp_sess_ctx *c,
		int code, int sub)
{
	struct apij_env e = env();
	struct bgp_err err;

	jbuf_reset(&jb);
	jbuf_puts(&jb, "x");
	CU_ASSERT_EQUAL(apij_message(&jb, &e, m, n, c, BGP_MAX_LEN, &err), -1);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_EQUAL(err.subcode, sub);
	if (err.code != code || err.subcode != sub)
		fprintf(stderr, "\n  got %u/%u want %d/%d\n", err.code,
			err.subcode, code, sub);
	CU_ASSERT_STRING_EQUAL(jb.p, "x");
	CU_ASSERT_EQUAL(apit_message(&jb, &e, m, n, c, BGP_MAX_LEN, &err), -1);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_STRING_EQUAL(jb.p, "x");
}

static void test_malformed(void)
{
	uint8_t m[4096];
	size_t n;

	n = msg(m, BGP_KEEPALIVE, "");
	m[3] = 0;
	bad(m, n, &as4_ctx, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
	n = msg(m, BGP_KEEPALIVE, "00");
	bad(m, n, &as4_ctx, BGP_ERR_HEADER, BGP_ERR_HDR_LEN);
	/* the length field disagrees with the bytes we have */
	n = msg(m, BGP_KEEPALIVE, "");
	bad(m, n - 1, &as4_ctx, BGP_ERR_HEADER, BGP_ERR_HDR_LEN);
	n = msg(m, BGP_KEEPALIVE, "");
	m[n] = 0;
	bad(m, n + 1, &as4_ctx, BGP_ERR_HEADER, BGP_ERR_HDR_LEN);
	n = msg(m, 9, "");
	bad(m, n, &as4_ctx, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
	n = msg(m, BGP_OPEN, "03 fde9 005a c0000209 00");
	bad(m, n, &as4_ctx, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION);
	n = msg(m, BGP_ROUTE_REFRESH, "0001 00");
	bad(m, n, &as4_ctx, BGP_ERR_REFRESH, BGP_ERR_REFRESH_LEN);
	/* attribute length overruns the message */
	n = upd(m, "", "40 01 01 00", "");
	m[BGP_HDR_LEN + 3] = 9;
	bad(m, n, &as4_ctx, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST);
	/* an NLRI longer than /32 */
	n = upd(m, "", "40 01 01 00 40 02 06 02 01 0000fde9 40 03 04 c0000201",
		"21 0a000000 00");
	bad(m, n, &as4_ctx, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
	/* a withdrawn prefix overrunning its field */
	n = upd(m, "18 0a00", "", "");
	bad(m, n, &as4_ctx, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
}

static void test_many_prefixes(void)
{
	uint8_t m[4096], *p;
	char nlri[16384], *q = nlri;
	const char *s;
	size_t n, i;

	/* 800 /24s: the buffer grows many times from empty */
	for (i = 0; i < 800; i++)
		q += sprintf(q, "18 0a%02zx%02zx ", i >> 8, i & 0xff);
	p = m;
	n = upd(p, "", "40 01 01 00 40 02 06 02 01 0000fde9 40 03 04 c0000201",
		nlri);
	jbuf_free(&jb);
	s = J(m, n, &as4_ctx);
	CU_ASSERT_EQUAL(count(s, "{ \"nlri\": "), 800);
	HAS(s, "{ \"nlri\": \"10.3.31.0/24\" } ] } } } } } }");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_EQUAL(count(s, "\n"), 799);
	CU_ASSERT_EQUAL(count(s, " next-hop 192.0.2.1 origin igp as-path "
				 "[ 65001 ]"),
			800);
	HAS(s, "\nneighbor 10.0.0.1 receive update announced 10.3.31.0/24 "
	       "next-hop 192.0.2.1 origin igp as-path [ 65001 ]");
}

/* The wire encoder's UPDATE comes out as it went in. */
static void test_encoder_roundtrip(void)
{
	uint8_t buf[4096], path[64];
	struct bgp_wbuf w;
	struct bgp_attrs a = {0};
	struct prefix pfx[2] = {P("2001:db8:10::/48"), P("2001:db8:20::/48")};
	uint32_t asns[2] = {65000, 4200000000u};
	int r;
	const char *s;

	a.has = 1ull << BGP_ATTR_ORIGIN | 1ull << BGP_ATTR_AS_PATH |
		1ull << BGP_ATTR_MED | 1ull << BGP_ATTR_MP_REACH;
	a.origin = 0;
	r = bgp_aspath_build(path, sizeof(path), asns, 2);
	CU_ASSERT_FATAL(r > 0);
	a.aspath.p = path;
	a.aspath.len = r;
	a.aspath.as_size = 4;
	a.med = 42;
	a.mp_afi = BGP_AFI_IPV6;
	a.mp_safi = BGP_SAFI_UNICAST;
	a.mp_nh_len = 16;
	memcpy(a.mp_nh, P("2001:db8::99").addr, 16);
	bgp_wbuf_init(&w, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(
		bgp_update_encode(&w, BGP_MAX_LEN, &as4_ctx, &a, pfx, 2), 2);
	s = J(buf, w.len, &as4_ctx);
	HAS(s, "\"as-path\": [ 65000, 4200000000 ]");
	HAS(s, "\"med\": 42");
	HAS(s, "\"ipv6 unicast\": { \"2001:db8::99\": [ { \"nlri\": "
	       "\"2001:db8:10::/48\" }, { \"nlri\": \"2001:db8:20::/48\" } ]");
}

/*
 * Flowspec (RFC 8955, RFC 8956): received rules as ExaBGP 4.2.21 prints
 * them.  Each "message" below is what "exabgp --decode" printed for the
 * same bytes (a config with "family { ipv4 flow; ipv6 flow; }"): numeric
 * and bitmask operators with their AND glue, protocol and ICMP names,
 * TCP flag and fragment bits, the traffic-rate/action/redirect/mark
 * communities, withdrawals.
 */
static void test_flowspec(void)
{
	uint8_t m[4096];
	size_t n;
	const char *s;

	/* RFC 8955 example 1, traffic-rate 0 */
	n = msg(m, BGP_UPDATE,
		"0000002640010100400200c010088006 000000000000800e11000185000"
		"00b01 18c00002038106048119");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\", \"exte"
	       "nded-community\": [ { \"value\": 9225060886715039744, \"stri"
	       "ng\": \"rate-limit:0\" } ] }, \"announce\": { \"ipv4 flow\":"
	       " { \"no-nexthop\": [ { \"destination-ipv4\": [ \"192.0.2.0/2"
	       "4\" ], \"protocol\": [ \"=tcp\" ], \"port\": [ \"=25\" ], \""
	       "string\": \"flow destination-ipv4 192.0.2.0/24 protocol =tcp"
	       " port =25\" } ] } } } }");
	/* the text encoder: the rule's extensive form, as in ExaBGP's
	 * "decoded update" line, then the attributes as for unicast */
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(s, "neighbor 10.0.0.1 receive update announced "
				  "flow destination-ipv4 192.0.2.0/24 protocol "
				  "=tcp port =25 origin igp as-path [ ] "
				  "extended-community [ rate-limit:0 ]");
	/* example 2: port ranges */
	n = msg(m, BGP_UPDATE,
		"0000002d40010100400200c010088006 000000000000800e18000185000"
		"01201 18c000020218cb0071040389458b911f 90");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\", \"exte"
	       "nded-community\": [ { \"value\": 9225060886715039744, \"stri"
	       "ng\": \"rate-limit:0\" } ] }, \"announce\": { \"ipv4 flow\":"
	       " { \"no-nexthop\": [ { \"destination-ipv4\": [ \"192.0.2.0/2"
	       "4\" ], \"source-ipv4\": [ \"203.0.113.0/24\" ], \"port\": [ "
	       "\">=137&<=139\", \"=8080\" ], \"string\": \"flow destination"
	       "-ipv4 192.0.2.0/24 source-ipv4 203.0.113.0/24 port [ >=137&<"
	       "=139 =8080 ]\" } ] } } } }");
	/* every IPv4 component */
	n = msg(m, BGP_UPDATE,
		"0000004740010100400200c010088006 000000000000800e32000185000"
		"02c01 080a02000301068111049404000582ff 068135078108088100090"
		"102d201100a 0340d505dc0b812e0c8202");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\", \"exte"
	       "nded-community\": [ { \"value\": 9225060886715039744, \"stri"
	       "ng\": \"rate-limit:0\" } ] }, \"announce\": { \"ipv4 flow\":"
	       " { \"no-nexthop\": [ { \"destination-ipv4\": [ \"10.0.0.0/8\""
	       " ], \"source-ipv4\": [ \"0.0.0.0/0\" ], \"protocol\": [ \"=t"
	       "cp\", \"=udp\" ], \"port\": [ \"<1024\" ], \"destination-por"
	       "t\": [ \">255\" ], \"source-port\": [ \"=53\" ], \"icmp-type"
	       "\": [ \"=echo-request\" ], \"icmp-code\": [ \"=0\" ], \"tcp-"
	       "flags\": [ \"=syn&!ack\", \"&!ns\" ], \"packet-length\": [ \""
	       ">=64&<=1500\" ], \"dscp\": [ \"=46\" ], \"fragment\": [ \"no"
	       "t-a-fragment\" ], \"string\": \"flow destination-ipv4 10.0.0"
	       ".0/8 source-ipv4 0.0.0.0/0 protocol [ =tcp =udp ] port <1024"
	       " destination-port >255 source-port =53 icmp-type =echo-reque"
	       "st icmp-code =0 tcp-flags [ =syn&!ack+ns ] packet-length [ >"
	       "=64&<=1500 ] dscp =46 fragment !is-fragment\" } ] } } } }");
	/* MP_UNREACH: two rules withdrawn */
	n = msg(m, BGP_UPDATE,
		"00000018800f150001850501180a0000 0b0118c00002038106048119");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"withdraw\": { \"ipv4 flow\": [ { \"destina"
	       "tion-ipv4\": [ \"10.0.0.0/24\" ], \"string\": \"flow destina"
	       "tion-ipv4 10.0.0.0/24\" }, { \"destination-ipv4\": [ \"192.0"
	       ".2.0/24\" ], \"protocol\": [ \"=tcp\" ], \"port\": [ \"=25\""
	       " ], \"string\": \"flow destination-ipv4 192.0.2.0/24 protoco"
	       "l =tcp port =25\" } ] } } }");
	s = T(m, n, &as4_ctx);
	CU_ASSERT_STRING_EQUAL(s, "neighbor 10.0.0.1 receive update withdrawn "
				  "flow destination-ipv4 10.0.0.0/24\n"
				  "neighbor 10.0.0.1 receive update withdrawn "
				  "flow destination-ipv4 192.0.2.0/24 protocol "
				  "=tcp port =25");
	/* operators: !=, false, &true, bit lists, !is-fragment */
	n = msg(m, BGP_UPDATE,
		"0000003440010100400200800e2a0001 850000240120c00002010306114"
		"60680 0107810308810d090012813f0a0140c7 050c00014202800d");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\" }, \"an"
	       "nounce\": { \"ipv4 flow\": { \"no-nexthop\": [ { \"destinati"
	       "on-ipv4\": [ \"192.0.2.1/32\" ], \"protocol\": [ \"!=udp&!=t"
	       "cp\", \"false\" ], \"icmp-type\": [ \"=unreachable\" ], \"ic"
	       "mp-code\": [ \"=13\" ], \"tcp-flags\": [ \"syn\", \"ack\", \""
	       "=fin\", \"=syn\", \"=rst\", \"=push\", \"=ack\", \"=urg\" ],"
	       " \"packet-length\": [ \"=64&true5\" ], \"fragment\": [ \"don"
	       "t-fragment&not-a-fragment\", \"dont-fragment\", \"first-frag"
	       "ment\", \"last-fragment\" ], \"string\": \"flow destination-"
	       "ipv4 192.0.2.1/32 protocol [ !=udp&!=tcp false ] icmp-type ="
	       "unreachable icmp-code =13 tcp-flags [ syn+ack =fin+syn+rst+p"
	       "ush+ack+urg ] packet-length [ =64&true5 ] fragment [ dont-fr"
	       "agment&!is-fragment dont-fragment+first-fragment+last-fragme"
	       "nt ]\" } ] } } } }");
	/* a malformed rule after a good one (types out of order): RFC
	 * 8955 §10 treat-as-withdraw, the good one listed as withdrawn */
	n = upd(m, "", "40 01 01 00 40 02 00 80 0e 12 0001 85 00 00 "
		       "05 01 18 0a0000 06 04 81 19 03 81 06", "");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"withdraw\": { \"ipv4 flow\": [ { "
	       "\"destination-ipv4\": [ \"10.0.0.0/24\" ], \"string\": "
	       "\"flow destination-ipv4 10.0.0.0/24\" } ] } } }");
	/* bits without a name */
	n = msg(m, BGP_UPDATE,
		"0000001c40010100400200800e120001 8500000c01180a0000099102000"
		"c8010");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\" }, \"an"
	       "nounce\": { \"ipv4 flow\": { \"no-nexthop\": [ { \"destinati"
	       "on-ipv4\": [ \"10.0.0.0/24\" ], \"tcp-flags\": [ \"=unknown "
	       "tcp flag type 512\" ], \"fragment\": [ \"unknown fragment ty"
	       "pe 16\" ], \"string\": \"flow destination-ipv4 10.0.0.0/24 t"
	       "cp-flags =unknown tcp flag type 512 fragment unknown fragmen"
	       "t type 16\" } ] } } } }");
	/* the action communities (0x800c: "") */
	n = msg(m, BGP_UPDATE,
		"000000464001010040020602010000fd e8c010288006fde849742400800"
		"cfde8 0000000080070000000000038008fde8 000000648009000000000"
		"02e800e0b00 018500000501180a0000");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\", \"as-p"
	       "ath\": [ 65000 ], \"confederation-path\": [], \"extended-com"
	       "munity\": [ { \"value\": 9225340060821627904, \"string\": \""
	       "rate-limit:1000000\" }, { \"value\": 9227028909449543680, \""
	       "string\": \"\" }, { \"value\": 9225342361691750403, \"string"
	       "\": \"action sample-terminal\" }, { \"value\": 9225903009542"
	       "701156, \"string\": \"redirect:65000:100\" }, { \"value\": 9"
	       "225905311645171758, \"string\": \"mark 46\" } ] }, \"announc"
	       "e\": { \"ipv4 flow\": { \"no-nexthop\": [ { \"destination-ip"
	       "v4\": [ \"10.0.0.0/24\" ], \"string\": \"flow destination-ip"
	       "v4 10.0.0.0/24\" } ] } } } }");
	/* IPv6: next header, ICMPv6 type, flow label */
	n = msg(m, BGP_UPDATE,
		"0000002a40010100400200800e200002 8500001a01300020010db800010"
		"3813a 0781800d21000abcde1112348107");
	s = J(m, n, &as4_ctx);
	HAS(s, "{ \"update\": { \"attribute\": { \"origin\": \"igp\" }, \"an"
	       "nounce\": { \"ipv6 flow\": { \"no-nexthop\": [ { \"destinati"
	       "on-ipv6\": [ \"2001:db8:1::/48/0\" ], \"next-header\": [ \"="
	       "unknown protocol type 58\" ], \"icmp-type\": [ \"=unknown ic"
	       "mp type type 128\" ], \"flow-label\": [ \"=703710\", \"=4660"
	       "\", \"=7\" ], \"string\": \"flow destination-ipv6 2001:db8:1"
	       "::/48/0 next-header =unknown protocol type 58 icmp-type =unk"
	       "nown icmp type type 128 flow-label [ =703710 =4660 =7 ]\" } "
	       "] } } } }");
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	local_a = P("10.0.0.2");
	peer_a = P("10.0.0.1");
	jbuf_init(&jb);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("api_json", NULL, NULL);
	CU_add_test(s, "update: every attribute", test_update_all_attributes);
	CU_add_test(s, "update: text lines", test_update_text);
	CU_add_test(s, "update: IPv6 announce and withdraw", test_update_ipv6);
	CU_add_test(s, "End-of-RIB", test_eor);
	CU_add_test(s, "2-octet AS_PATH with AS4_PATH", test_as4_merge);
	CU_add_test(s, "RFC 7606 treat-as-withdraw", test_treat_as_withdraw);
	CU_add_test(s, "notification with shutdown text", test_notification);
	CU_add_test(s, "open with capabilities", test_open);
	CU_add_test(s, "ADD-PATH path-information (RFC 7911)", test_addpath);
	CU_add_test(s, "RFC 8950 extended next hop", test_ext_nh);
	CU_add_test(s, "keepalive and refresh", test_keepalive_refresh);
	CU_add_test(s, "state events", test_state);
	CU_add_test(s, "escaping", test_escaping);
	CU_add_test(s, "malformed messages", test_malformed);
	CU_add_test(s, "800 prefixes", test_many_prefixes);
	CU_add_test(s, "wire encoder round trip", test_encoder_roundtrip);
	CU_add_test(s, "flowspec as ExaBGP 4.2.21", test_flowspec);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	jbuf_free(&jb);
	return failed ? 1 : 0;
}
