// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of user/bgp/rib.c: attribute interning (one copy per distinct
 * set, reference counts, ids reused) and the Adj-RIB-In tables checked
 * against a reference over random adds, replaces and deletes, including
 * the backward-shift deletion that keeps probe chains whole; routes keyed
 * by (prefix, ADD-PATH path id) (RFC 7911 §3).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "rib.h"

static void test_intern(void)
{
	const uint8_t a[] = { 0x40, 1, 1, 0 }, b[] = { 0x40, 1, 1, 2 };
	size_t len;
	uint32_t ia = rib_attr_intern(a, sizeof(a));
	uint32_t ia2 = rib_attr_intern(a, sizeof(a));
	uint32_t ib = rib_attr_intern(b, sizeof(b));

	CU_ASSERT(ia != 0);
	CU_ASSERT_EQUAL(ia, ia2);
	CU_ASSERT_NOT_EQUAL(ia, ib);
	CU_ASSERT_EQUAL(rib_attr_count(), 2);
	CU_ASSERT_EQUAL(memcmp(rib_attr_blob(ia, &len), a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(len, sizeof(a));
	rib_attr_unref(ia);
	CU_ASSERT_PTR_NOT_NULL(rib_attr_blob(ia, &len)); /* one ref left */
	rib_attr_unref(ia);
	CU_ASSERT_PTR_NULL(rib_attr_blob(ia, &len));
	CU_ASSERT_EQUAL(rib_attr_count(), 1);
	/* b is still found after a's removal shifted the table */
	CU_ASSERT_EQUAL(rib_attr_intern(b, sizeof(b)), ib);
	rib_attr_unref(ib);
	rib_attr_unref(ib);
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
	CU_ASSERT_EQUAL(rib_attr_bytes(), 0);
}

/* Many attribute sets, freed in another order: the hash stays right. */
static void test_intern_many(void)
{
	uint32_t ids[5000];
	uint8_t blob[8];

	for (uint32_t i = 0; i < 5000; i++) {
		memcpy(blob, &i, 4);
		memset(blob + 4, 0xab, 4);
		ids[i] = rib_attr_intern(blob, sizeof(blob));
		CU_ASSERT(ids[i] != 0);
	}
	CU_ASSERT_EQUAL(rib_attr_count(), 5000);
	for (uint32_t i = 0; i < 5000; i += 2)
		rib_attr_unref(ids[i]);
	for (uint32_t i = 1; i < 5000; i += 2) {
		memcpy(blob, &i, 4);
		memset(blob + 4, 0xab, 4);
		CU_ASSERT_EQUAL(rib_attr_intern(blob, sizeof(blob)), ids[i]);
		rib_attr_unref(ids[i]);
		rib_attr_unref(ids[i]);
	}
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
}

#define N 200000

/* Distinct prefixes of mixed lengths: /24s from i << 8, /32s from a
 * bijection of i (multiplying by an odd constant). */
static struct prefix nth4(uint32_t i)
{
	struct prefix p = { .family = AF_INET };
	uint32_t a;

	if (i & 1) {
		p.plen = 24;
		a = (i >> 1) << 8;
	} else {
		p.plen = 32;
		a = (i >> 1) * 2654435761u;
	}
	a = __builtin_bswap32(a);
	memcpy(p.addr, &a, 4);
	return p;
}

static int count_cb(const struct prefix *p, uint32_t path, uint32_t id,
		    void *arg)
{
	(void)p;
	(void)path;
	(void)id;
	++*(size_t *)arg;
	return 0;
}

static void test_table_v4(void)
{
	static struct prefix ps[N];
	struct rib r = { 0 };
	size_t live = N, seen = 0;
	uint8_t blob[4] = { 1, 2, 3, 4 };
	uint32_t id1 = rib_attr_intern(blob, 4), id2;

	blob[0] = 9;
	id2 = rib_attr_intern(blob, 4);
	for (uint32_t i = 0; i < N; i++) {
		ps[i] = nth4(i);
		rib_attr_ref(id1);
		CU_ASSERT_EQUAL_FATAL(rib_add(&r, &ps[i], 0, id1), 0);
	}
	CU_ASSERT_EQUAL(rib_count(&r), N);
	/* replace every third with id2 (count unchanged), delete every
	 * fifth: deletions shift probe chains that later lookups walk */
	for (size_t i = 0; i < N; i += 3) {
		rib_attr_ref(id2);
		rib_add(&r, &ps[i], 0, id2);
	}
	CU_ASSERT_EQUAL(rib_count(&r), N);
	for (size_t i = 0; i < N; i += 5) {
		CU_ASSERT_EQUAL(rib_del(&r, &ps[i], 0), 1);
		live--;
	}
	CU_ASSERT_EQUAL(rib_count(&r), live);
	for (size_t i = 0; i < N; i++) {
		uint32_t want = i % 5 == 0 ? 0 : i % 3 == 0 ? id2 : id1;

		if (rib_get(&r, &ps[i], 0) != want) {
			CU_FAIL("lookup disagrees with the reference");
			break;
		}
	}
	rib_foreach(&r, count_cb, &seen);
	CU_ASSERT_EQUAL(seen, live);
	rib_clear(&r);
	CU_ASSERT_EQUAL(rib_count(&r), 0);
	rib_attr_unref(id1);
	rib_attr_unref(id2);
	/* every reference the table held was returned */
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
}

static void test_exact_ops(void)
{
	struct rib r = { 0 };
	struct prefix a = { .family = AF_INET, .plen = 24,
			    .addr = { 10, 0, 0, 0 } };
	struct prefix a16 = { .family = AF_INET, .plen = 16,
			      .addr = { 10, 0, 0, 0 } };
	struct prefix d = { .family = AF_INET, .plen = 0 };
	struct prefix v6 = { .family = AF_INET6, .plen = 48,
			     .addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	uint8_t blob[2] = { 7, 7 };
	uint32_t id = rib_attr_intern(blob, 2);

	for (int i = 0; i < 4; i++)
		rib_attr_ref(id);
	rib_add(&r, &a, 0, id);
	rib_add(&r, &a16, 0, id); /* same address, other length: another */
	rib_add(&r, &d, 0, id);   /* the default route packs to a non-zero word */
	rib_add(&r, &v6, 0, id);
	CU_ASSERT_EQUAL(rib_count(&r), 4);
	CU_ASSERT_EQUAL(rib_get(&r, &a, 0), id);
	CU_ASSERT_EQUAL(rib_get(&r, &d, 0), id);
	CU_ASSERT_EQUAL(rib_get(&r, &v6, 0), id);
	CU_ASSERT_EQUAL(rib_del(&r, &a16, 0), 1);
	CU_ASSERT_EQUAL(rib_del(&r, &a16, 0), 0);
	CU_ASSERT_EQUAL(rib_get(&r, &a, 0), id);
	CU_ASSERT_EQUAL(rib_del(&r, &v6, 0), 1);
	CU_ASSERT_EQUAL(rib_count(&r), 2);
	rib_clear(&r);
	rib_attr_unref(id);
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
}

/* RFC 7911: the paths of one prefix are separate routes. */
static uint32_t seen_paths;

static int path_cb(const struct prefix *p, uint32_t path, uint32_t id,
		   void *arg)
{
	(void)p;
	(void)id;
	(void)arg;
	seen_paths += path == 0 ? 1 : path == 1 ? 10 : path == 0xffffffff
							    ? 100
							    : 1000;
	return 0;
}

static void test_paths(void)
{
	struct rib r = { 0 };
	struct prefix a = { .family = AF_INET, .plen = 24,
			    .addr = { 10, 0, 0, 0 } };
	struct prefix b = { .family = AF_INET, .plen = 25,
			    .addr = { 10, 0, 0, 0 } };
	struct prefix v6 = { .family = AF_INET6, .plen = 48,
			     .addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	const struct prefix *ps[2] = { &a, &v6 };
	uint8_t blob[2] = { 7, 7 };
	uint32_t id = rib_attr_intern(blob, 2), id2, path;

	blob[0] = 8;
	id2 = rib_attr_intern(blob, 2);
	for (int f = 0; f < 2; f++) {
		const struct prefix *p = ps[f];

		for (int i = 0; i < 3; i++)
			rib_attr_ref(id);
		rib_attr_ref(id2);
		CU_ASSERT_EQUAL(rib_add(&r, p, 0xffffffff, id), 0);
		CU_ASSERT_EQUAL(rib_add(&r, p, 1, id2), 0);
		CU_ASSERT_EQUAL(rib_add(&r, p, 0, id), 0);
		CU_ASSERT_EQUAL(rib_add(&r, p, 1, id), 0); /* replaces */
		CU_ASSERT_EQUAL(rib_count(&r), 3);
		CU_ASSERT_EQUAL(rib_get(&r, p, 0), id);
		CU_ASSERT_EQUAL(rib_get(&r, p, 1), id);
		CU_ASSERT_EQUAL(rib_get(&r, p, 2), 0);
		CU_ASSERT_EQUAL(rib_first_path(&r, p, &path), id);
		CU_ASSERT_EQUAL(path, 0);
		seen_paths = 0;
		rib_foreach(&r, path_cb, NULL);
		CU_ASSERT_EQUAL(seen_paths, 111);
		CU_ASSERT_EQUAL(rib_del(&r, p, 0), 1);
		CU_ASSERT_EQUAL(rib_del(&r, p, 0), 0);
		CU_ASSERT_EQUAL(rib_first_path(&r, p, &path), id);
		CU_ASSERT_EQUAL(path, 1);
		CU_ASSERT_EQUAL(rib_del(&r, p, 1), 1);
		CU_ASSERT_EQUAL(rib_first_path(&r, p, &path), id);
		CU_ASSERT_EQUAL(path, 0xffffffff);
		/* another length of the same address is another prefix */
		CU_ASSERT_EQUAL(rib_first_path(&r, &b, &path), 0);
		CU_ASSERT_EQUAL(rib_del(&r, p, 0xffffffff), 1);
		CU_ASSERT_EQUAL(rib_first_path(&r, p, &path), 0);
		CU_ASSERT_EQUAL(rib_count(&r), 0);
	}
	/* only IPv4 paths other than 0 pay the 12-byte slot */
	CU_ASSERT_EQUAL(sizeof(struct rib4p_slot), 12);
	CU_ASSERT_EQUAL(sizeof(struct rib6_slot), 24);
	rib_clear(&r);
	rib_attr_unref(id);
	rib_attr_unref(id2);
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
}

/* Two paths for each of 100k prefixes (IPv4: ids 0 and i+1, so both
 * tables), replaced and deleted against the reference. */
static void test_paths_many(void)
{
	enum { M = 100000 };
	static struct prefix ps[M];
	struct rib r = { 0 };
	uint8_t blob[4] = { 1, 2, 3, 5 };
	uint32_t id1 = rib_attr_intern(blob, 4), id2, path;
	size_t live = 2 * M, seen = 0;

	blob[0] = 3;
	id2 = rib_attr_intern(blob, 4);
	for (uint32_t i = 0; i < M; i++) {
		ps[i] = nth4(i);
		rib_attr_ref(id1);
		rib_attr_ref(id2);
		CU_ASSERT_EQUAL_FATAL(rib_add(&r, &ps[i], 0, id1), 0);
		CU_ASSERT_EQUAL_FATAL(rib_add(&r, &ps[i], i + 1, id2), 0);
	}
	CU_ASSERT_EQUAL(rib_count(&r), 2 * M);
	for (uint32_t i = 0; i < M; i += 3) {
		CU_ASSERT_EQUAL(rib_del(&r, &ps[i], i + 1), 1);
		live--;
	}
	for (uint32_t i = 1; i < M; i += 3) {
		CU_ASSERT_EQUAL(rib_del(&r, &ps[i], 0), 1);
		live--;
	}
	CU_ASSERT_EQUAL(rib_count(&r), live);
	for (uint32_t i = 0; i < M; i++) {
		uint32_t w0 = i % 3 == 1 ? 0 : id1;
		uint32_t wp = i % 3 == 0 ? 0 : id2;

		if (rib_get(&r, &ps[i], 0) != w0 ||
		    rib_get(&r, &ps[i], i + 1) != wp ||
		    rib_first_path(&r, &ps[i], &path) != (w0 ? w0 : wp) ||
		    path != (w0 ? 0 : i + 1)) {
			CU_FAIL("path lookup disagrees with the reference");
			break;
		}
	}
	rib_foreach(&r, count_cb, &seen);
	CU_ASSERT_EQUAL(seen, live);
	rib_clear(&r);
	rib_attr_unref(id1);
	rib_attr_unref(id2);
	CU_ASSERT_EQUAL(rib_attr_count(), 0);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("rib", NULL, NULL);
	CU_add_test(s, "interning", test_intern);
	CU_add_test(s, "interning 5000 sets", test_intern_many);
	CU_add_test(s, "exact operations", test_exact_ops);
	CU_add_test(s, "200k random IPv4 prefixes", test_table_v4);
	CU_add_test(s, "keyed by (prefix, path id)", test_paths);
	CU_add_test(s, "100k prefixes with two paths", test_paths_many);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
