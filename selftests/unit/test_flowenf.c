// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's flowspec enforcement (daemon/flowenf.c) over real
 * sessions (not connected): which rules the set holds for enforce
 * announced / received, the API's pre-check against the guard's limits
 * (refused before any session changes, room made by a withdrawal), and
 * the hand-over to the parent: coalesced to one set a period, in chunks
 * imsg_check() accepts.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "bgpshield_guard.h"
#include "config.h"
#include "flowenf.h"
#include "imsg.h"
#include "log.h"
#include "session.h"

/* A: enforce announced, its flow route enforced; B: enforce received,
 * its own route sent, not enforced; C: no enforcement, no family. */
static const char conf[] =
	"neighbor 192.0.2.2 {\n\tlocal-as 65001;\n\tpeer-as 65002;\n"
	"\tlocal-address 192.0.2.1;\n\trouter-id 192.0.2.1;\n"
	"\tfamily { ipv4 unicast; ipv4 flow; }\n"
	"\tflowspec { enforce announced; }\n"
	"\tflow { route a { match { destination 10.8.0.0/24; protocol udp; }"
	" then { discard; } } }\n}\n"
	"neighbor 192.0.2.3 {\n\tlocal-as 65001;\n\tpeer-as 65003;\n"
	"\tlocal-address 192.0.2.1;\n\trouter-id 192.0.2.1;\n"
	"\tfamily { ipv4 unicast; ipv4 flow; }\n"
	"\tflowspec { enforce received; }\n"
	"\tflow { route b { match { destination 10.1.0.0/24; } } }\n}\n"
	"neighbor 192.0.2.4 {\n\tlocal-as 65001;\n\tpeer-as 65004;\n"
	"\tlocal-address 192.0.2.1;\n\trouter-id 192.0.2.1;\n}\n";

static struct config *cfg;
static int epfd, sv[2];
static uint64_t fake_now = 1000000;
static int audits;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void on_audit(const char *json, size_t len, void *arg)
{
	(void)json;
	(void)len;
	(void)arg;
	audits++;
}

static int suite_init(void)
{
	char err[512];

	log_init("test_flowenf", 0);
	if (config_parse_buf(conf, sizeof(conf) - 1, "t.conf", &cfg, err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -1;
	sessions_set_clock(fake_clock);
	epfd = epoll_create1(0);
	sessions_init(epfd, NULL, 0);
	sessions_apply(cfg);
	flowenf_init(sv[0], on_audit, NULL);
	flowenf_config(cfg);
	return 0;
}

static int suite_clean(void)
{
	close(epfd);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static struct fs_rule rule(const char *a, int port)
{
	struct fs_rule r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.comp[0].type = FS_DST;
	r.comp[0].plen = 24;
	inet_pton(AF_INET, a, r.comp[0].addr);
	r.comp[1].type = FS_DPORT;
	r.comp[1].nops = 1;
	r.comp[1].ops[0].flags = FS_OP_EQ;
	r.comp[1].ops[0].value = (uint32_t)port;
	r.ncomp = 2;
	r.act.flags = FS_ACT_RATE_BYTES;
	return r;
}

static size_t count_dst(uint8_t b1, int origin)
{
	size_t n, k = 0;
	const struct imsg_flow_rule *r = flowenf_set(&n);

	for (size_t i = 0; i < n; i++)
		if (r[i].rule.comp[0].type == FS_DST &&
		    r[i].rule.comp[0].addr[1] == b1 &&
		    (!origin || r[i].origin == origin))
			k++;
	return k;
}

/* The parent's side: every datagram waiting, checked as the parent
 * does; returns the sets completed, *last the rules of the last one. */
static size_t got; /* rules of the set being received */

static int drain(size_t *last, int *chunks)
{
	static struct imsg m;
	char why[160];
	int sets = 0;

	*chunks = 0;
	while (imsg_recv(sv[1], &m) > 0) {
		struct imsg_flow_hdr h;

		CU_ASSERT_EQUAL_FATAL(imsg_check(&m, IMSG_E2P, why,
						 sizeof(why)), 0);
		CU_ASSERT_EQUAL_FATAL(m.hdr.type, IMSG_FLOW_SET);
		memcpy(&h, m.data, sizeof(h));
		(*chunks)++;
		if (!h.first)
			got = 0;
		CU_ASSERT_EQUAL(h.first, got);
		/* every rule in its wire form, decoded as the parent does */
		for (uint32_t i = 0, off = sizeof(h); i < h.n; i++) {
			struct imsg_flow_rule e;
			size_t used;

			CU_ASSERT_EQUAL_FATAL(imsg_flow_rule_decode(
				m.data + off, m.hdr.len - off, &e, &used, why,
				sizeof(why)), 0);
			CU_ASSERT_EQUAL(imsg_flow_rule_check(&e, why,
							     sizeof(why)), 0);
			off += (uint32_t)used;
			if (i + 1 == h.n)
				CU_ASSERT_EQUAL(off, m.hdr.len);
		}
		got += h.n;
		if (got == h.total) {
			sets++;
			*last = got;
		}
	}
	return sets;
}

static void test_sources(void)
{
	struct fs_rule r = rule("10.7.0.0", 80);
	char why[256];
	size_t n;

	/* the config: A's route only (B enforces what it receives) */
	flowenf_set(&n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(count_dst(8, IMSG_FLOW_CONFIG), 1);
	CU_ASSERT_EQUAL(count_dst(1, 0), 0);
	/* an API rule to every neighbor with the family: enforced for A */
	CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, &r, 1, NULL, NULL), 2);
	flowenf_changed(NULL, 0, &r);
	CU_ASSERT_EQUAL(count_dst(7, IMSG_FLOW_API), 1);
	/* to B only: sent, not enforced */
	{
		struct prefix b;
		struct fs_rule r2 = rule("10.2.0.0", 80);

		prefix_parse("192.0.2.3", &b, why, sizeof(why));
		CU_ASSERT_EQUAL(flowenf_check(&b, 1, &r2, why, sizeof(why)),
				0);
		CU_ASSERT_EQUAL(sessions_flow_announce(&b, 1, &r2, 1, NULL,
						       NULL), 1);
		flowenf_changed(&b, 1, &r2);
		CU_ASSERT_EQUAL(count_dst(2, 0), 0);
	}
	CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, &r, 1), 2);
	flowenf_changed(NULL, 0, NULL);
	CU_ASSERT_EQUAL(count_dst(7, 0), 0);
}

/* 16 rules a destination: the 17th refused before any session has it,
 * a withdrawal makes room. */
static void test_limit(void)
{
	struct fs_rule r;
	char why[256] = "";
	size_t n;

	for (int p = 1; p <= 16; p++) {
		r = rule("10.6.0.0", p);
		CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)),
				0);
		sessions_flow_announce(NULL, 0, &r, 1, NULL, NULL);
		flowenf_changed(NULL, 0, &r);
	}
	r = rule("10.6.0.0", 17);
	CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "over a guard limit: more than 16 rules "
				    "would apply to destination 10.6.0.0/24 "
				    "(covering prefixes included), the guard "
				    "tries at most 16 per destination");
	/* the same match again (new actions) adds nothing: fine */
	r = rule("10.6.0.0", 3);
	r.act.rate_bytes = 1000;
	CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)), 0);
	flowenf_set(&n);
	CU_ASSERT_EQUAL(n, 17); /* 16 + the config's */
	r = rule("10.6.0.0", 1);
	CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, &r, 1), 2);
	flowenf_changed(NULL, 0, NULL);
	r = rule("10.6.0.0", 17);
	CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)), 0);
	/* toward C alone (no enforcement): never refused for the guard */
	{
		struct prefix c;

		prefix_parse("192.0.2.4", &c, why, sizeof(why));
		r = rule("10.6.0.0", 99);
		sessions_flow_announce(NULL, 0, &r, 1, NULL, NULL);
		flowenf_changed(NULL, 0, &r);
		r = rule("10.6.0.0", 100);
		CU_ASSERT_EQUAL(flowenf_check(&c, 1, &r, why, sizeof(why)),
				0);
		CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)),
				-1);
	}
	for (int p = 1; p <= 100; p++) {
		r = rule("10.6.0.0", p);
		sessions_flow_withdraw(NULL, 0, &r, 1);
	}
	flowenf_changed(NULL, 0, NULL);
	CU_ASSERT_EQUAL(count_dst(6, 0), 0);
}

/* 1000 announcements between two periods: one set, in chunks. */
static void test_coalesce(void)
{
	size_t last = 0, n;
	int chunks, sets, w;
	char why[256];

	/* what is pending goes now */
	fake_now += 1000;
	flowenf_tick(fake_now);
	drain(&last, &chunks);
	for (int i = 0; i < 1000; i++) {
		char a[32];
		struct fs_rule r;

		snprintf(a, sizeof(a), "10.%d.%d.0", 100 + i / 256, i % 256);
		r = rule(a, 53);
		CU_ASSERT_EQUAL(flowenf_check(NULL, 0, &r, why, sizeof(why)),
				0);
		sessions_flow_announce(NULL, 0, &r, 1, NULL, NULL);
		flowenf_changed(NULL, 0, &r);
		if (i == 500) {
			/* within the period: nothing sent, the rest of it
			 * to wait */
			w = flowenf_tick(fake_now + 40);
			CU_ASSERT(w > 0 && w <= FLOWENF_PERIOD_MS);
		}
	}
	fake_now += FLOWENF_PERIOD_MS;
	/* the socket holds a few chunks: the rest goes as the parent
	 * reads, never blocking the engine */
	sets = chunks = 0;
	for (int k = 0; k < 1000; k++) {
		int c;

		w = flowenf_tick(fake_now);
		sets += drain(&last, &c);
		chunks += c;
		if (w == -1)
			break;
		CU_ASSERT_EQUAL(w, 10); /* more to send: soon */
	}
	CU_ASSERT_EQUAL(w, -1);
	flowenf_set(&n);
	CU_ASSERT_EQUAL(sets, 1);
	CU_ASSERT_EQUAL(last, 1001); /* and the config's */
	CU_ASSERT_EQUAL(n, 1001);
	CU_ASSERT_EQUAL(chunks, (1001 + IMSG_FLOW_CHUNK - 1) /
					IMSG_FLOW_CHUNK);
	/* nothing changed: nothing sent */
	fake_now += FLOWENF_PERIOD_MS;
	flowenf_changed(NULL, 0, NULL);
	flowenf_tick(fake_now);
	CU_ASSERT_EQUAL(drain(&last, &chunks), 0);
	CU_ASSERT_EQUAL(audits, 0);
}

/* A neighbor with far more rules than the guard holds (here 9000 API
 * rules toward B, enforced once a reload makes B enforce both ways):
 * the set is filled to the guard's limit, the rest left out. */
static void test_many(void)
{
	struct config *c2 = NULL;
	char *text = strdup(conf), *at, err[512];
	struct prefix b;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	at = strstr(text, "enforce received;");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	memcpy(at, "enforce;         ", strlen("enforce received;"));
	CU_ASSERT_FATAL(config_parse_buf(text, strlen(text), "t.conf", &c2,
					 err, sizeof(err)) == 0);
	prefix_parse("192.0.2.3", &b, err, sizeof(err));
	for (int i = 0; i < 9000; i++) {
		char a[32];
		struct fs_rule r;

		snprintf(a, sizeof(a), "10.%d.%d.0", 160 + i / 256, i % 256);
		r = rule(a, 53);
		CU_ASSERT_EQUAL(sessions_flow_announce(&b, 1, &r, 1, NULL,
						       NULL), 1);
	}
	flowenf_changed(&b, 1, NULL);
	flowenf_set(&n);
	CU_ASSERT(n < 2000); /* B's are not enforced yet */
	flowenf_config(c2);
	flowenf_set(&n);
	CU_ASSERT_EQUAL(n, BGPS_FS_MAX_RULES);
	for (int i = 0; i < 9000; i++) {
		char a[32];
		struct fs_rule r;

		snprintf(a, sizeof(a), "10.%d.%d.0", 160 + i / 256, i % 256);
		r = rule(a, 53);
		sessions_flow_withdraw(&b, 1, &r, 1);
	}
	flowenf_config(cfg);
	flowenf_set(&n);
	CU_ASSERT(n < 2000);
	config_free(c2);
	free(text);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("flowenf", suite_init, suite_clean);
	CU_add_test(s, "sources: config, API, enforce announced/received",
		    test_sources);
	CU_add_test(s, "API pre-check: the guard's limits", test_limit);
	CU_add_test(s, "coalesced hand-over in chunks", test_coalesce);
	CU_add_test(s, "a neighbor with 9000 rules: the guard's limit",
		    test_many);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
