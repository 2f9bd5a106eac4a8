// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for user/lib/addr.c: addresses and prefixes as operators type
 * them.  Every refusal must name the problem. */
#include <arpa/inet.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "addr.h"

static void parse_ok(const char *s, int family, int plen, const char *fmt)
{
	struct prefix p;
	char err[256] = "", b[PREFIX_STRLEN];

	CU_ASSERT_EQUAL_FATAL(prefix_parse(s, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(p.family, family);
	CU_ASSERT_EQUAL(p.plen, plen);
	CU_ASSERT_STRING_EQUAL(prefix_fmt(&p, b, sizeof(b)), fmt);
}

static void parse_bad(const char *s, const char *needle)
{
	struct prefix p;
	char err[256] = "";

	CU_ASSERT_EQUAL(prefix_parse(s, &p, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fprintf(stderr, "\n  '%s': got '%s', wanted '%s'\n", s, err,
			needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void test_hosts(void)
{
	parse_ok("192.0.2.1", AF_INET, 32, "192.0.2.1");
	parse_ok("192.0.2.1/32", AF_INET, 32, "192.0.2.1");
	parse_ok("2001:db8::1", AF_INET6, 128, "2001:db8::1");
	parse_ok("2001:DB8:0::1/128", AF_INET6, 128, "2001:db8::1");
	parse_ok("::", AF_INET6, 128, "::");
}

static void test_prefixes(void)
{
	struct prefix p;
	char err[64];

	parse_ok("10.0.0.0/8", AF_INET, 8, "10.0.0.0/8");
	parse_ok("0.0.0.0/0", AF_INET, 0, "0.0.0.0/0");
	parse_ok("192.0.2.128/25", AF_INET, 25, "192.0.2.128/25");
	parse_ok("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	parse_ok("2001:db8:0:2::/63", AF_INET6, 63, "2001:db8:0:2::/63");
	parse_bad("2001:db8:0:1::/63", "did you mean 2001:db8::/63?");
	prefix_parse("10.1.0.0/16", &p, err, sizeof(err));
	CU_ASSERT_EQUAL(p.addr[0], 10);
	CU_ASSERT_EQUAL(p.addr[1], 1);
	CU_ASSERT_FALSE(prefix_is_host(&p));
}

static void test_refusals(void)
{
	parse_bad("192.0.2.1/24", "host bits set; did you mean 192.0.2.0/24?");
	parse_bad("10.0.0.1/8", "did you mean 10.0.0.0/8?");
	parse_bad("2001:db8::1/64", "did you mean 2001:db8::/64?");
	parse_bad("192.0.2.0/33", "longer than IPv4 allows (32)");
	parse_bad("2001:db8::/129", "longer than IPv6 allows (128)");
	parse_bad("192.0.2/24", "not an IPv4 or IPv6 address");
	parse_bad("192.0.2.256", "not an IPv4 or IPv6 address");
	parse_bad("", "not an IPv4 or IPv6 address");
	parse_bad("example.com", "not an IPv4 or IPv6 address");
	parse_bad("10.0.0.0/", "prefix length must be a number");
	parse_bad("10.0.0.0/-1", "prefix length must be a number");
	parse_bad("10.0.0.0/8x", "prefix length must be a number");
	parse_bad("10.0.0.0/ 8", "prefix length must be a number");
	parse_bad("2001:db8::1:2:3:4:5:6:7:8:9", "not an IPv4 or IPv6");
	parse_bad("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "not an address");
}

static void test_parse_u32(void)
{
	uint32_t v;

	CU_ASSERT_EQUAL(parse_u32("0", 0, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(parse_u32("255", 1, 255, &v), 0);
	CU_ASSERT_EQUAL(v, 255);
	CU_ASSERT_EQUAL(parse_u32("256", 1, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("0", 1, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("-1", 0, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("+1", 0, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("1x", 0, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("", 0, 255, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("99999999999999999999999", 0, ~0u, &v), -1);
	CU_ASSERT_EQUAL(parse_u32("4294967295", 0, ~0u, &v), 0);
	CU_ASSERT_EQUAL(v, 4294967295u);
}

static void test_mac(void)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:022", "02:00-00:00:00:02",
		"02:00:00:00:00:0g", "02.00.00.00.00.02", "2:0:0:0:0:2",
		"01:00:00:00:00:02", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00",
	};
	uint8_t m[6];
	char err[128], b[MAC_STRLEN];

	CU_ASSERT_EQUAL(mac_parse("02:aa:BB:0c:d0:ef", m, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(mac_fmt(m, b, sizeof(b)), "02:aa:bb:0c:d0:ef");
	CU_ASSERT_EQUAL(mac_parse("02-00-00-00-00-02", m, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(mac_fmt(m, b, sizeof(b)), "02:00:00:00:00:02");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		CU_ASSERT_EQUAL(mac_parse(bad[i], m, err, sizeof(err)), -1);
		CU_ASSERT(err[0] != 0);
	}
	mac_parse("01:00:00:00:00:02", m, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "multicast"));
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("addr", NULL, NULL);
	CU_add_test(s, "hosts", test_hosts);
	CU_add_test(s, "prefixes", test_prefixes);
	CU_add_test(s, "refusals name the problem", test_refusals);
	CU_add_test(s, "parse_u32 bounds", test_parse_u32);
	CU_add_test(s, "MAC addresses", test_mac);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
