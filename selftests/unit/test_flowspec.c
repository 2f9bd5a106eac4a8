// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/lib/flowspec.c: the flowspec NLRI codec (RFC 8955
 * §4, RFC 8956 §3), the §5.1 order and the action communities (§7).
 * The byte vectors are the RFCs' examples, checked by hand octet by
 * octet; the others are built from the component definitions.
 */
#include <arpa/inet.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "flowspec.h"

static size_t unhex(const char *s, uint8_t *b, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		b[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static struct fs_comp *add_comp(struct fs_rule *r, int type)
{
	struct fs_comp *c = &r->comp[r->ncomp++];

	memset(c, 0, sizeof(*c));
	c->type = (uint8_t)type;
	return c;
}

static struct fs_comp *add_prefix(struct fs_rule *r, int type,
				  const char *addr, int plen, int offset)
{
	struct fs_comp *c = add_comp(r, type);

	inet_pton(r->family, addr, c->addr);
	c->plen = (uint8_t)plen;
	c->offset = (uint8_t)offset;
	return c;
}

static void add_op(struct fs_comp *c, uint8_t flags, uint32_t v)
{
	c->ops[c->nops].flags = flags;
	c->ops[c->nops].value = v;
	c->nops++;
}

static void rule_init(struct fs_rule *r, int family)
{
	memset(r, 0, sizeof(*r));
	r->family = (uint8_t)family;
}

static int check_agrees(const uint8_t *p, size_t n, int family);

/* r encodes to exactly hex, and hex decodes back to a rule that encodes
 * to the same bytes and compares equal to r. */
static void encodes_to(const struct fs_rule *r, const char *hex)
{
	uint8_t want[4200], got[4200], again[4200];
	size_t wn = unhex(hex, want, sizeof(want)), used = 0;
	int n = fs_nlri_encode(r, got, sizeof(got));
	struct fs_rule d;
	char err[128] = "";

	CU_ASSERT_EQUAL_FATAL(n, (int)wn);
	if (memcmp(got, want, wn)) {
		fprintf(stderr, "\n  got  ");
		for (int i = 0; i < n; i++)
			fprintf(stderr, "%02x ", got[i]);
		fprintf(stderr, "\n  want %s\n", hex);
	}
	CU_ASSERT_EQUAL(memcmp(got, want, wn), 0);
	CU_ASSERT_EQUAL_FATAL(fs_nlri_decode(got, (size_t)n, r->family, &d,
					     &used, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, (size_t)n);
	CU_ASSERT_EQUAL(fs_rule_cmp(r, &d), 0);
	CU_ASSERT_EQUAL(d.ncomp, r->ncomp);
	CU_ASSERT_EQUAL(check_agrees(got, (size_t)n, r->family), 0);
	CU_ASSERT_EQUAL(fs_nlri_encode(&d, again, sizeof(again)), n);
	CU_ASSERT_EQUAL(memcmp(again, got, (size_t)n), 0);
}

/* fs_nlri_check() agrees with fs_nlri_decode() on p[0..n): the same
 * return, the same octets used, the same reason.  Returns the verdict. */
static int check_agrees(const uint8_t *p, size_t n, int family)
{
	struct fs_rule r;
	size_t u1 = 77, u2 = 88;
	char e1[128] = "", e2[128] = "";
	int d = fs_nlri_decode(p, n, family, &r, &u1, e1, sizeof(e1));
	int c = fs_nlri_check(p, n, family, &u2, e2, sizeof(e2));

	CU_ASSERT_EQUAL(c, d);
	CU_ASSERT_EQUAL(u2, u1);
	if (d < 0)
		CU_ASSERT_STRING_EQUAL(e2, e1);
	if (c != d || u1 != u2 || (d < 0 && strcmp(e1, e2)))
		fprintf(stderr, "\n  check %d/%zu '%s', decode %d/%zu '%s'\n",
			c, u2, e2, d, u1, e1);
	return d;
}

static int decode_hex(const char *hex, int family, struct fs_rule *r,
		      size_t *used, char *err, size_t el)
{
	uint8_t b[4200];
	size_t n = unhex(hex, b, sizeof(b));

	check_agrees(b, n, family);
	return fs_nlri_decode(b, n, family, r, used, err, el);
}

static void decode_bad(const char *hex, int family, size_t want_used,
		       const char *needle)
{
	struct fs_rule r;
	size_t used = 99;
	char err[128] = "";

	CU_ASSERT_EQUAL(decode_hex(hex, family, &r, &used, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(used, want_used);
	if (used != want_used)
		fprintf(stderr, "\n  %s: used %zu\n", hex, used);
	if (!strstr(err, needle))
		fprintf(stderr, "\n  %s: got '%s', wanted '%s'\n", hex, err,
			needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

/* RFC 8955 §4.2.3 example 1: packets to 192.0.2.0/24 and TCP port 25.
 * 01 18 c0 00 02: type 1, /24, three octets; 03 81 06: type 3, end|=,
 * 6; 04 81 19: type 4, end|=, 25.  11 octets: 0x0b. */
static void test_rfc8955_example1(void)
{
	struct fs_rule r, d;
	size_t used;
	char err[128];

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "192.0.2.0", 24, 0);
	add_op(add_comp(&r, FS_PROTO), FS_OP_EQ, 6);
	add_op(add_comp(&r, FS_PORT), FS_OP_EQ, 25);
	encodes_to(&r, "0b 01 18 c0 00 02 03 81 06 04 81 19");

	/* the same port as a 2-octet value (0x91: end|len 2|=) is the
	 * same rule; the decoder keeps the length bits it read */
	CU_ASSERT_EQUAL(decode_hex("0c 01 18 c0 00 02 03 81 06 04 91 00 19",
				   AF_INET, &d, &used, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, 13);
	CU_ASSERT_EQUAL(d.comp[2].ops[0].flags, 0x91);
	CU_ASSERT_EQUAL(d.comp[2].ops[0].value, 25);
}

/* Example 2: to 192.0.2.0/24 from 203.0.113.0/24, port {[137, 139] or
 * 8080}: 04 03 89 = >=137; 45 8b = and <=139; 91 1f 90 = end, 2 octets,
 * =8080.  5 + 5 + 8 = 18: 0x12. */
static void test_rfc8955_example2(void)
{
	struct fs_rule r;
	struct fs_comp *c;

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "192.0.2.0", 24, 0);
	add_prefix(&r, FS_SRC, "203.0.113.0", 24, 0);
	c = add_comp(&r, FS_PORT);
	add_op(c, FS_OP_GT | FS_OP_EQ, 137);
	add_op(c, FS_OP_AND | FS_OP_LT | FS_OP_EQ, 139);
	add_op(c, FS_OP_EQ, 8080);
	encodes_to(&r, "12 01 18 c0 00 02 02 18 cb 00 71 "
		       "04 03 89 45 8b 91 1f 90");
}

/* Example 3: to 192.0.2.1/32, fragment {DF or FF}: 0c 80 05 = end,
 * bitmask "any of" 0x05 (DF 0x01, FF 0x04).  6 + 3 = 9. */
static void test_rfc8955_example3(void)
{
	struct fs_rule r;

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "192.0.2.1", 32, 0);
	add_op(add_comp(&r, FS_FRAG), 0, 0x05);
	encodes_to(&r, "09 01 20 c0 00 02 01 0c 80 05");
}

/* RFC 8956 §3.8: to ::1234:5678:9a00:0/64-104 from 2001:db8::/32, port
 * {[137, 139] or 8080}: 01 68 40 + 5 octets of pattern (bits 64..103);
 * 02 20 00 + 20 01 0d b8; the port as in RFC 8955's example 2.
 * 8 + 7 + 8 = 23: 0x17. */
static void test_rfc8956_example(void)
{
	struct fs_rule r;
	struct fs_comp *c;

	rule_init(&r, AF_INET6);
	add_prefix(&r, FS_DST, "::1234:5678:9a00:0", 104, 64);
	add_prefix(&r, FS_SRC, "2001:db8::", 32, 0);
	c = add_comp(&r, FS_PORT);
	add_op(c, FS_OP_GT | FS_OP_EQ, 137);
	add_op(c, FS_OP_AND | FS_OP_LT | FS_OP_EQ, 139);
	add_op(c, FS_OP_EQ, 8080);
	encodes_to(&r, "17 01 68 40 12 34 56 78 9a 02 20 00 20 01 0d b8 "
		       "04 03 89 45 8b 91 1f 90");
}

/* Every type 3..13 with the operator kinds it takes, and every length
 * the encoder may pick. */
static void test_every_component(void)
{
	struct fs_rule r;
	struct fs_comp *c;

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "10.0.0.0", 8, 0);	/* 01 08 0a */
	add_prefix(&r, FS_SRC, "0.0.0.0", 0, 0);	/* 02 00 */
	c = add_comp(&r, FS_PROTO);			/* 03 01 06 81 11 */
	add_op(c, FS_OP_EQ, 6);
	add_op(c, FS_OP_EQ, 17);
	add_op(add_comp(&r, FS_PORT), FS_OP_LT, 1024);	/* 04 94 04 00 */
	add_op(add_comp(&r, FS_DPORT), FS_OP_GT, 255);	/* 05 82 ff */
	add_op(add_comp(&r, FS_SPORT), FS_OP_EQ, 53);	/* 06 81 35 */
	add_op(add_comp(&r, FS_ICMP_TYPE), FS_OP_EQ, 8);	/* 07 81 08 */
	add_op(add_comp(&r, FS_ICMP_CODE), FS_OP_EQ, 0);	/* 08 81 00 */
	c = add_comp(&r, FS_TCP_FLAGS);
	add_op(c, FS_OP_MATCH, 0x02);			/* 09 01 02 */
	add_op(c, FS_OP_AND | FS_OP_NOT, 0x0110);	/* d2 01 10 */
	c = add_comp(&r, FS_PKT_LEN);			/* 0a 03 40 d5 05 dc */
	add_op(c, FS_OP_GT | FS_OP_EQ, 64);
	add_op(c, FS_OP_AND | FS_OP_LT | FS_OP_EQ, 1500);
	add_op(add_comp(&r, FS_DSCP), FS_OP_EQ, 46);	/* 0b 81 2e */
	add_op(add_comp(&r, FS_FRAG), FS_OP_NOT, 0x02);	/* 0c 82 02 */
	/* 255 fits in one octet: 05 82 ff */
	encodes_to(&r, "2c 01 08 0a 02 00 03 01 06 81 11 04 94 04 00 "
		       "05 82 ff 06 81 35 07 81 08 08 81 00 "
		       "09 01 02 d2 01 10 0a 03 40 d5 05 dc 0b 81 2e 0c 82 02");
}

static void test_ipv6_components(void)
{
	struct fs_rule r;
	struct fs_comp *c;

	rule_init(&r, AF_INET6);
	/* offset 0: the whole prefix; /48 is 6 octets */
	add_prefix(&r, FS_DST, "2001:db8:1::", 48, 0);
	add_op(add_comp(&r, FS_PROTO), FS_OP_EQ, 58);	/* next header */
	add_op(add_comp(&r, FS_ICMP_TYPE), FS_OP_EQ, 128);
	c = add_comp(&r, FS_FLOW_LABEL);
	add_op(c, FS_OP_EQ, 0xabcde);		/* 20 bits: 4 octets */
	add_op(c, FS_OP_EQ, 0x1234);		/* 2 octets */
	add_op(c, FS_OP_EQ, 7);			/* 1 octet */
	encodes_to(&r, "1a 01 30 00 20 01 0d b8 00 01 03 81 3a 07 81 80 "
		       "0d 21 00 0a bc de 11 12 34 81 07");

	/* an offset that is not a multiple of 8: /70 from bit 60 is 10
	 * bits: the low nibble of octet 7, then 6 bits of octet 8 */
	rule_init(&r, AF_INET6);
	add_prefix(&r, FS_SRC, "0:0:0:a:fc00::", 70, 60);
	encodes_to(&r, "05 02 46 3c af c0");
}

/* The encoder sets END on the last operator only and picks the length
 * from the value, whatever the model's flags say. */
static void test_encoder_bits(void)
{
	struct fs_rule r;
	struct fs_comp *c;

	rule_init(&r, AF_INET);
	c = add_comp(&r, FS_PORT);
	add_op(c, FS_OP_END | 0x30 | FS_OP_EQ, 80);	/* stray END, len 8 */
	add_op(c, 0x08 | FS_OP_EQ, 443);		/* reserved bit */
	encodes_to(&r, "06 04 01 50 91 01 bb");
}

/* Rules the model cannot put on the wire: refused, not mangled. */
static void test_encoder_refusals(void)
{
	struct fs_rule r;
	uint8_t b[64];

	rule_init(&r, AF_INET);
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1); /* empty */
	add_op(add_comp(&r, FS_PORT), FS_OP_EQ, 80);
	add_prefix(&r, FS_DST, "10.0.0.0", 8, 0);	/* out of order */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET);
	add_op(add_comp(&r, FS_FLOW_LABEL), FS_OP_EQ, 1);	/* IPv6 only */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET);
	add_op(add_comp(&r, FS_PROTO), FS_OP_EQ, 256);	/* 1-octet type */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET);
	add_comp(&r, FS_PROTO);				/* no operator */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "10.0.0.0", 33, 0);
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET6);
	add_prefix(&r, FS_DST, "2001:db8::", 32, 40);	/* offset > len */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, sizeof(b)), -1);

	rule_init(&r, AF_INET);
	add_prefix(&r, FS_DST, "10.0.0.0", 8, 0);
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, 2), -1);	/* no room */
	CU_ASSERT_EQUAL(fs_nlri_encode(&r, b, 4), 4);
}

/* RFC 8955 §4.1: 240 octets and more take the 2-octet length 0xfnnn. */
static void test_long_length(void)
{
	struct fs_rule r, d;
	uint8_t b[512];
	size_t used;
	char err[128];
	int n;

	/* the longest rule the model holds: two /128s, and 8 operators of
	 * up to 4 octets on each of types 3..13 */
	rule_init(&r, AF_INET6);
	add_prefix(&r, FS_DST, "2001:db8::1", 128, 0);
	add_prefix(&r, FS_SRC, "2001:db8::2", 128, 0);
	for (int t = FS_PROTO; t <= FS_FLOW_LABEL; t++) {
		struct fs_comp *c = add_comp(&r, t);

		for (int i = 0; i < FS_MAX_OPS; i++)
			add_op(c, FS_OP_EQ, t == FS_FLOW_LABEL ?
			       0x10000u + (unsigned)i : (unsigned)i);
	}
	n = fs_nlri_encode(&r, b, sizeof(b));
	/* 2 * 19 + 10 types * (1 + 8 * 2) + (1 + 8 * 5) = 249 */
	CU_ASSERT_EQUAL_FATAL(n, 2 + 249);
	CU_ASSERT_EQUAL(b[0], 0xf0);
	CU_ASSERT_EQUAL(b[1], 249);
	CU_ASSERT_EQUAL(fs_nlri_decode(b, (size_t)n, AF_INET6, &d, &used,
				       err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, (size_t)n);
	CU_ASSERT_EQUAL(d.ncomp, 13);
	CU_ASSERT_EQUAL(fs_rule_cmp(&r, &d), 0);
	/* a short rule with a 2-octet length is still the rule */
	CU_ASSERT_EQUAL(decode_hex("f0 03 03 81 06", AF_INET, &d, &used, err,
				   sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, 5);
}

/* Two NLRI back to back: *used finds the second. */
static void test_sequence(void)
{
	uint8_t b[64];
	size_t n = unhex("03 03 81 06 04 03 81 11 01", b, sizeof(b)), used;
	struct fs_rule r;
	char err[128];

	CU_ASSERT_EQUAL(fs_nlri_decode(b, n, AF_INET, &r, &used, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, 4);
	CU_ASSERT_EQUAL(r.comp[0].ops[0].value, 6);
	CU_ASSERT_EQUAL(fs_nlri_decode(b + 4, n - 4, AF_INET, &r, &used, err,
				       sizeof(err)), -1);
	/* the second's fourth octet is a destination without its length */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "type 1 after type 3"));
}

/*
 * Malformed: RFC 8955 §4.2 "malformed" and RFC 8956.  used says whether
 * the framing held (the NLRI can be skipped: treat-as-withdraw) or not
 * (0: the rest cannot be found).
 */
static void test_malformed(void)
{
	decode_bad("", AF_INET, 0, "length missing");
	decode_bad("f0", AF_INET, 0, "length truncated");
	decode_bad("05 01 18 c0", AF_INET, 0, "past the attribute's end");
	decode_bad("f1 00 01", AF_INET, 0, "past the attribute's end");
	decode_bad("00", AF_INET, 1, "without components");
	decode_bad("03 01 18 c0", AF_INET, 4, "truncated prefix");
	decode_bad("01 01", AF_INET, 2, "destination: truncated");
	decode_bad("02 01 21", AF_INET, 3, "longer than 32");
	decode_bad("02 01 81", AF_INET6, 3, "longer than 128");
	decode_bad("03 01 10 11", AF_INET6, 4, "offset 17 beyond");
	decode_bad("03 01 09 0a", AF_INET, 4, "truncated prefix");
	decode_bad("03 01 07 0b", AF_INET, 4, "bits set past");
	decode_bad("04 01 06 04 02", AF_INET6, 5, "bits set past");
	decode_bad("03 00 81 06", AF_INET, 4, "type 0 unknown");
	decode_bad("03 0e 81 06", AF_INET, 4, "type 14 unknown");
	decode_bad("03 0d 81 06", AF_INET, 4, "type 13 unknown for IPv4");
	decode_bad("06 04 81 19 03 81 06", AF_INET, 7,
		   "type 3 after type 4");
	decode_bad("06 04 81 19 04 81 19", AF_INET, 7,
		   "type 4 after type 4");
	decode_bad("03 03 01 06", AF_INET, 4, "without end bit");
	decode_bad("03 04 91 00", AF_INET, 4, "truncated value");
	decode_bad("02 04 01", AF_INET, 3, "truncated value");
	decode_bad("04 03 91 00 06", AF_INET, 5, "protocol: 2-octet value");
	decode_bad("06 04 a1 00 00 00 19", AF_INET, 7, "4-octet value");
	decode_bad("0a 0d b1 00 00 00 00 00 00 00 01", AF_INET6, 11,
		   "flow-label: 8-octet value");
	decode_bad("0b 06 01 01 01 02 01 03 01 04 01 05", AF_INET, 12,
		   "without end bit");
	decode_bad("13 06 01 01 01 02 01 03 01 04 01 05 01 06 01 07 01 08 "
		   "81 09", AF_INET, 20, "more than 8 operators");
	/* the two-octet length's own bound: f0 ff is 255, one octet short */
	decode_bad("f0 ff", AF_INET, 0, "past the attribute's end");
}

/* fs_nlri_check(): the decoder's verdicts without a rule, on every
 * malformed vector above (decode_hex() compares them each time), a
 * valid rule cut at every length, and padding bits in every position. */
static void test_check_only(void)
{
	uint8_t b[64];
	size_t n = unhex("0b 01 18 c0 00 02 03 81 06 04 81 19", b, sizeof(b)),
	       used;
	char err[128];

	test_malformed();
	CU_ASSERT_EQUAL(fs_nlri_check(b, n, AF_INET, &used, err,
				      sizeof(err)), 0);
	CU_ASSERT_EQUAL(used, n);
	for (size_t k = 0; k <= n; k++)
		CU_ASSERT_EQUAL(check_agrees(b, k, AF_INET), k == n ? 0 : -1);
	/* 192.0.2.0/23..24 with each low bit of the last octet set */
	for (unsigned plen = 17; plen <= 24; plen++)
		for (unsigned bit = 0; bit < 8; bit++) {
			b[0] = 5;
			b[1] = FS_DST;
			b[2] = (uint8_t)plen;
			b[3] = 0xc0;
			b[4] = 0x00;
			b[5] = (uint8_t)(1u << bit);
			CU_ASSERT_EQUAL(check_agrees(b, 6, AF_INET),
					bit >= 24 - plen ? 0 : -1);
		}
	/* IPv6 with an offset: the pattern's own padding */
	n = unhex("05 01 0e 04 ab c0", b, sizeof(b));
	CU_ASSERT_EQUAL(check_agrees(b, n, AF_INET6), 0);
	n = unhex("05 01 0e 04 ab c1", b, sizeof(b));
	CU_ASSERT_EQUAL(check_agrees(b, n, AF_INET6), -1);
	CU_ASSERT_EQUAL(check_agrees(b, n, AF_UNIX), -1);
}

/* Reserved operator bits are ignored on decode (RFC 8955 §4.2.1). */
static void test_reserved_bits(void)
{
	struct fs_rule r;
	size_t used;
	char err[128];

	CU_ASSERT_EQUAL(decode_hex("03 04 89 19", AF_INET, &r, &used, err,
				   sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.comp[0].ops[0].flags, FS_OP_END | FS_OP_EQ);
	CU_ASSERT_EQUAL(decode_hex("03 09 8d 02", AF_INET, &r, &used, err,
				   sizeof(err)), 0);
	CU_ASSERT_EQUAL(r.comp[0].ops[0].flags, FS_OP_END | FS_OP_MATCH);
}

/* Byte soup never crashes the decoder (run under ASan by check-asan). */
static void test_soup(void)
{
	uint8_t b[64];
	uint32_t s = 1;

	for (int i = 0; i < 20000; i++) {
		struct fs_rule r;
		size_t n, used;
		char err[128];
		uint8_t again[300];

		for (size_t k = 0; k < sizeof(b); k++) {
			s = s * 1103515245u + 12345u;
			b[k] = (uint8_t)(s >> 16);
			/* mostly small types, so some get far */
			if (k % 3 == 1)
				b[k] &= 0x8f;
		}
		n = 1 + (s >> 8) % (sizeof(b) - 1);
		b[0] = (uint8_t)(n - 1);
		/* the validate-only walk says the same, at every length */
		check_agrees(b, n, i & 1 ? AF_INET6 : AF_INET);
		check_agrees(b, n - (s >> 4) % n, i & 1 ? AF_INET6 : AF_INET);
		if (fs_nlri_decode(b, n, i & 1 ? AF_INET6 : AF_INET, &r,
				   &used, err, sizeof(err)) == 0) {
			CU_ASSERT(fs_nlri_encode(&r, again,
						 sizeof(again)) > 0);
			CU_ASSERT_EQUAL(used, n);
		} else {
			CU_ASSERT(err[0] != 0);
		}
	}
}

static void order(const char *first, const char *second, int family)
{
	struct fs_rule a, b;
	size_t used;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(decode_hex(first, family, &a, &used, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(decode_hex(second, family, &b, &used, err,
					 sizeof(err)), 0);
	CU_ASSERT(fs_rule_cmp(&a, &b) < 0);
	CU_ASSERT(fs_rule_cmp(&b, &a) > 0);
	CU_ASSERT_EQUAL(fs_rule_cmp(&a, &a), 0);
}

/* RFC 8955 §5.1 and RFC 8956 §4.1. */
static void test_order(void)
{
	/* a component the other lacks: destination before none */
	order("05 01 18 c0 00 02", "03 03 81 06", AF_INET);
	/* same destination, one more component: that one first */
	order("08 01 18 c0 00 02 03 81 06", "05 01 18 c0 00 02", AF_INET);
	/* prefixes: lower address over the common length first ... */
	order("04 01 10 0a 00", "04 01 10 0a 01", AF_INET);
	order("04 01 10 0a 00", "03 01 08 0b", AF_INET);
	/* ... equal over it: the longer first */
	order("04 01 10 0a 01", "03 01 08 0a", AF_INET);
	order("06 01 20 c0 00 02 01", "05 01 18 c0 00 02", AF_INET);
	/* other types: lower memcmp of the component first ... */
	order("03 04 81 19", "03 04 81 50", AF_INET);
	order("05 04 03 19 c5 1e", "03 04 81 19", AF_INET);
	/* an operator without END sorts before the same one with it
	 * (a well-formed component is never a prefix of another) */
	order("05 04 01 19 81 1a", "03 04 81 19", AF_INET);
	/* the first differing type decides, not the later ones */
	order("06 03 81 06 04 81 50", "06 03 81 11 04 81 19", AF_INET);
	/* IPv6: the lower offset first, then as IPv4 */
	order("05 01 10 00 20 01", "05 01 20 10 0d b8", AF_INET6);
	order("07 01 20 00 20 01 0d b8", "06 01 18 00 20 01 0d", AF_INET6);
}

static void test_actions(void)
{
	struct fs_actions a, b;
	uint64_t ext[8];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.flags = FS_ACT_RATE_BYTES | FS_ACT_RATE_PKTS | FS_ACT_ACTION |
		  FS_ACT_REDIRECT | FS_ACT_MARK;
	a.rate_bytes = 1000000;		/* IEEE 754: 0x49742400 */
	a.rate_pkts = 0;
	a.rate_asn = 65000;		/* 0xfde8 */
	a.action = FS_TA_TERMINAL | FS_TA_SAMPLE;
	a.redirect = 0x80080000fde80064ull;	/* 2-octet AS 65000:100 */
	a.dscp = 46;
	n = fs_actions_to_ext(&a, ext, 8);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_EQUAL(ext[0], 0x8006fde849742400ull);
	CU_ASSERT_EQUAL(ext[1], 0x800cfde800000000ull);
	CU_ASSERT_EQUAL(ext[2], 0x8007000000000003ull);
	CU_ASSERT_EQUAL(ext[3], 0x80080000fde80064ull);
	CU_ASSERT_EQUAL(ext[4], 0x800900000000002eull);
	CU_ASSERT_EQUAL(fs_actions_from_ext(&b, ext, n), 5);
	CU_ASSERT_EQUAL(b.flags, a.flags);
	CU_ASSERT_EQUAL(b.rate_bytes, 1000000);
	CU_ASSERT_EQUAL(b.rate_pkts, 0);
	CU_ASSERT_EQUAL(b.rate_asn, 65000);
	CU_ASSERT_EQUAL(b.action, 3);
	CU_ASSERT_EQUAL(b.redirect, a.redirect);
	CU_ASSERT_EQUAL(b.dscp, 46);
	/* too little room: the count, and only cap written */
	ext[1] = 0;
	CU_ASSERT_EQUAL(fs_actions_to_ext(&a, ext, 1), 5);
	CU_ASSERT_EQUAL(ext[1], 0);

	/* the redirect forms; not ours (route target 0x0002) ignored;
	 * two rates: the lower; a NaN rate reads as 0 */
	{
		uint64_t in[] = {
			0x0002fde800000064ull,
			0x8108c0000201000aull,	/* IPv4 192.0.2.1:10 */
			0x82080000fde80001ull,	/* 4-octet AS 65000:1 */
			0x8006000047c35000ull,	/* 100000 */
			0x8006000046c35000ull,	/* 25000 */
			0x800c00007fc00000ull,	/* NaN */
			0x80090000000000ffull,	/* DSCP: low 6 bits */
		};

		CU_ASSERT_EQUAL(fs_actions_from_ext(&b, in, 7), 6);
		CU_ASSERT_EQUAL(b.redirect, 0x8108c0000201000aull);
		CU_ASSERT_EQUAL(b.rate_bytes, 25000);
		CU_ASSERT_EQUAL(b.rate_pkts, 0);
		CU_ASSERT_EQUAL(b.dscp, 63);
		CU_ASSERT_EQUAL(fs_actions_from_ext(&b, in, 1), 0);
		CU_ASSERT_EQUAL(b.flags, 0);
	}
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(fs_type_name(FS_DPORT), "destination-port");
	CU_ASSERT_STRING_EQUAL(fs_type_name(FS_FLOW_LABEL), "flow-label");
	CU_ASSERT_STRING_EQUAL(fs_type_name(0), "unknown");
	CU_ASSERT(fs_type_is_bitmask(FS_TCP_FLAGS));
	CU_ASSERT(fs_type_is_bitmask(FS_FRAG));
	CU_ASSERT(!fs_type_is_bitmask(FS_DSCP));
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("flowspec", NULL, NULL);
	CU_add_test(s, "RFC 8955 example 1", test_rfc8955_example1);
	CU_add_test(s, "RFC 8955 example 2", test_rfc8955_example2);
	CU_add_test(s, "RFC 8955 example 3", test_rfc8955_example3);
	CU_add_test(s, "RFC 8956 example", test_rfc8956_example);
	CU_add_test(s, "every component, IPv4", test_every_component);
	CU_add_test(s, "IPv6 components", test_ipv6_components);
	CU_add_test(s, "encoder sets end and length", test_encoder_bits);
	CU_add_test(s, "encoder refusals", test_encoder_refusals);
	CU_add_test(s, "2-octet NLRI length", test_long_length);
	CU_add_test(s, "NLRI in sequence", test_sequence);
	CU_add_test(s, "malformed NLRI", test_malformed);
	CU_add_test(s, "validate-only walk", test_check_only);
	CU_add_test(s, "reserved operator bits", test_reserved_bits);
	CU_add_test(s, "byte soup", test_soup);
	CU_add_test(s, "RFC 8955 5.1 order", test_order);
	CU_add_test(s, "actions and extended communities", test_actions);
	CU_add_test(s, "names", test_names);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
