// SPDX-License-Identifier: GPL-2.0-only
/*
 * The session FSM (user/session.c, RFC 4271 §8) driven event by event:
 * no network, no real time.  The engine's end of a connection is one end
 * of a socketpair handed in with sessions_adopt(); the test plays the
 * peer on the other end with messages built by the codec, and moves a
 * fake clock to fire the hold and keepalive timers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bgp_buf.h"
#include "bgp_wire.h"
#include "config.h"
#include "log.h"
#include "session.h"

static const char conf[] =
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	family { ipv4 unicast; }\n"
	"	static {\n"
	"		route 10.1.0.0/24 next-hop self med 5;\n"
	"		route 10.1.1.0/24 next-hop self med 5;\n"
	"	}\n"
	"}\n";

static struct config *cfg;
static struct prefix peer;
static uint64_t fake_now = 1000000;
static int epfd, sv[2];

static uint64_t fake_clock(void)
{
	return fake_now;
}

static int suite_init(void)
{
	char err[512];

	log_init("test_session", 0);
	if (config_parse_buf(conf, sizeof(conf) - 1, "t.conf", &cfg, err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	prefix_parse("192.0.2.2", &peer, err, sizeof(err));
	sessions_set_clock(fake_clock);
	epfd = epoll_create1(0);
	sessions_init(epfd, NULL, 0);
	sessions_apply(cfg);
	return 0;
}

static int suite_clean(void)
{
	close(epfd);
	return 0;
}

static enum sess_state state(void)
{
	struct sess_info si;

	sessions_info(0, &si);
	return si.state;
}

/* Connect: the engine gets sv[0] as if accepted from the peer. */
static void connect_pair(void)
{
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				   sv) == 0);
	CU_ASSERT_EQUAL(sessions_adopt(&peer, sv[0]), 0);
}

static void peer_send(const void *p, size_t len)
{
	CU_ASSERT_EQUAL(write(sv[1], p, len), (ssize_t)len);
	sessions_event(SESS_TAG_BASE, EPOLLIN);
}

/* Read one whole message the engine sent; returns its type or -1. */
static int peer_recv(uint8_t *buf, size_t cap, size_t *len)
{
	size_t got = 0, want = BGP_HDR_LEN;

	while (got < want) {
		ssize_t n = read(sv[1], buf + got, want - got);

		if (n <= 0)
			return -1;
		got += n;
		if (got == BGP_HDR_LEN) {
			want = buf[16] << 8 | buf[17];
			if (want > cap || want < BGP_HDR_LEN)
				return -1;
		}
	}
	*len = got;
	return buf[18];
}

static uint32_t peer_id = 0xc0000202;

static void send_open(uint16_t as, uint16_t hold)
{
	uint8_t b[512];
	struct bgp_wbuf w;
	struct bgp_open o = { .version = 4, .my_as = as, .hold = hold,
			      .bgp_id = peer_id };

	o.caps.families = BGP_FAM_IPV4U;
	o.caps.as4 = 1;
	o.caps.as4_asn = as;
	bgp_wbuf_init(&w, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
	peer_send(b, w.len);
}

static void send_keepalive(void)
{
	uint8_t b[64];
	struct bgp_wbuf w;

	bgp_wbuf_init(&w, b, sizeof(b));
	bgp_keepalive_encode(&w);
	peer_send(b, w.len);
}

/* Expect a NOTIFICATION code/subcode from the engine, then Idle. */
static void expect_notification(uint8_t code, uint8_t sub)
{
	uint8_t b[4096];
	size_t len;
	int t;

	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_KEEPALIVE)
		;
	CU_ASSERT_EQUAL(t, BGP_NOTIFICATION);
	if (t == BGP_NOTIFICATION) {
		CU_ASSERT_EQUAL(b[19], code);
		CU_ASSERT_EQUAL(b[20], sub);
	}
	/* Idle, or Active at once for a passive neighbor (it listens) */
	CU_ASSERT(state() == SESS_IDLE || state() == SESS_ACTIVE);
	close(sv[1]);
}

/* Up to Established; returns with the engine's routes and EoR read. */
static void establish(void)
{
	uint8_t b[4096];
	struct bgp_open o;
	struct bgp_err e;
	size_t len;
	int nupd = 0, t;

	connect_pair();
	CU_ASSERT_EQUAL(state(), SESS_OPENSENT);
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	CU_ASSERT_EQUAL(bgp_open_decode(b, len, &o, &e), 0);
	CU_ASSERT_EQUAL(bgp_open_asn(&o), 65001);
	CU_ASSERT_EQUAL(o.hold, 9);
	CU_ASSERT_EQUAL(o.bgp_id, 0xc0000201);
	send_open(65002, 6);
	CU_ASSERT_EQUAL(state(), SESS_OPENCONFIRM);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	send_keepalive();
	CU_ASSERT_EQUAL_FATAL(state(), SESS_ESTABLISHED);
	/* the two statics share attributes: one UPDATE, then EoR */
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		nupd++;
		if (len == BGP_HDR_LEN + 4)
			break; /* End-of-RIB: an empty UPDATE */
	}
	CU_ASSERT_EQUAL(nupd, 2);
}

static int nrib;
static char rib_desc[512];

static void rib_cb(const struct prefix *p, const char *desc, void *arg)
{
	(void)p;
	(void)arg;
	nrib++;
	snprintf(rib_desc, sizeof(rib_desc), "%s", desc);
}

static void test_establish_and_routes(void)
{
	struct sess_info si;
	/* UPDATE: 3 prefixes, ORIGIN IGP, AS_PATH [65002], NEXT_HOP */
	static const uint8_t upd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 54, 2,
		0, 0,	/* no withdrawn */
		0, 20,	/* attributes */
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0x40, 3, 4, 192, 0, 2, 2,
		24, 10, 2, 0, 24, 10, 2, 1, 16, 10, 3,
	};
	static const uint8_t wd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 27, 2,
		0, 4, 24, 10, 2, 0,
		0, 0,
	};

	establish();
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	CU_ASSERT_EQUAL(si.hold, 6); /* the smaller of 9 and 6 (§4.2) */
	peer_send(upd, sizeof(upd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 3);
	peer_send(wd, sizeof(wd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 2);
	/* both RIBs, read back through the decoder */
	nrib = 0;
	CU_ASSERT_EQUAL(sessions_rib(&peer, 0, NULL, 100, 0, rib_cb, NULL,
				     NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(rib_desc, "via 192.0.2.2 as-path [65002]"));
	nrib = 0;
	CU_ASSERT_EQUAL(sessions_rib(&peer, 1, NULL, 100, 0, rib_cb, NULL,
				     NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(rib_desc,
				      "via 192.0.2.1 as-path [65001] med 5"));
	/* keepalives at a third of the hold time, driven by the clock */
	fake_now += 2100;
	sessions_tick();
	{
		uint8_t b[64];
		size_t len;

		CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	}
	/* the hold timer: 6 s of silence -> NOTIFICATION 4/0 */
	fake_now += 6100;
	sessions_tick();
	expect_notification(BGP_ERR_HOLD, 0);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 0); /* routes go with the session */
	CU_ASSERT_PTR_NOT_NULL(strstr(si.last_error, "hold timer"));
}

static void test_bad_peer_as(void)
{
	uint8_t b[4096];
	size_t len;

	connect_pair();
	peer_recv(b, sizeof(b), &len);
	send_open(65009, 90);
	expect_notification(BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
}

static void test_unexpected_message(void)
{
	uint8_t b[4096];
	size_t len;

	connect_pair();
	peer_recv(b, sizeof(b), &len);
	/* a KEEPALIVE before any OPEN: FSM error in OpenSent (RFC 6608) */
	send_keepalive();
	expect_notification(BGP_ERR_FSM, 1);
}

static void test_bad_header(void)
{
	uint8_t b[4096], bad[19];
	size_t len;

	connect_pair();
	peer_recv(b, sizeof(b), &len);
	memset(bad, 0xff, sizeof(bad));
	bad[3] = 0; /* marker broken: Connection Not Synchronized */
	bad[16] = 0;
	bad[17] = 19;
	bad[18] = BGP_KEEPALIVE;
	peer_send(bad, sizeof(bad));
	expect_notification(BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
}

static void test_malformed_update_reset(void)
{
	/* attribute length running past the message: UPDATE error, reset
	 * (RFC 4271 §6.3, RFC 7606 §4) */
	static const uint8_t bad[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 27, 2,
		0, 0,
		0, 40, /* 40 bytes of attributes claimed, 4 present */
		0x40, 1, 1, 0,
	};
	uint8_t b[4096];
	size_t len;
	int t;

	establish();
	peer_send(bad, sizeof(bad));
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_KEEPALIVE)
		;
	CU_ASSERT_EQUAL(t, BGP_NOTIFICATION);
	CU_ASSERT_EQUAL(b[19], BGP_ERR_UPDATE);
	CU_ASSERT_EQUAL(state(), SESS_IDLE);
	close(sv[1]);
}

static void test_shutdown_communication(void)
{
	uint8_t b[4096];
	size_t len;

	establish();
	CU_ASSERT_EQUAL(sessions_shutdown(&peer, "maintenance"), 0);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_NOTIFICATION);
	CU_ASSERT_EQUAL(b[19], BGP_ERR_CEASE);
	CU_ASSERT_EQUAL(b[20], 2); /* Administrative Shutdown */
	CU_ASSERT_EQUAL(b[21], 11);	/* RFC 9003: length, then UTF-8 */
	CU_ASSERT_EQUAL(memcmp(b + 22, "maintenance", 11), 0);
	CU_ASSERT_EQUAL(state(), SESS_IDLE);
	close(sv[1]);
}

static void test_peer_notification(void)
{
	static const uint8_t n[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 21, 3, 6, 4,
	};
	struct sess_info si;

	establish();
	peer_send(n, sizeof(n));
	/* §6.4: no answer, just close */
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.state, SESS_IDLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(si.last_error, "NOTIFICATION 6/4"));
	close(sv[1]);
}

/*
 * §6.8 collision: while our connection is in OpenSent, the peer opens a
 * second one.  Its OPEN carries the peer's BGP Identifier: if it is higher
 * than ours (192.0.2.1) our connection goes with Cease 7 and the second
 * carries on; if lower, the second goes.
 */
static void collision(uint32_t id, int second_wins)
{
	uint8_t b[4096];
	size_t len;
	int first[2], t;

	connect_pair();
	peer_recv(b, sizeof(b), &len); /* our OPEN on the first */
	first[0] = sv[0];
	first[1] = sv[1];
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				   sv) == 0);
	CU_ASSERT_EQUAL(sessions_adopt(&peer, sv[0]), 0);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	peer_id = id;
	{
		uint8_t m[512];
		struct bgp_wbuf w;
		struct bgp_open o = { .version = 4, .my_as = 65002,
				      .hold = 90, .bgp_id = id };

		o.caps.families = BGP_FAM_IPV4U;
		o.caps.as4 = 1;
		o.caps.as4_asn = 65002;
		bgp_wbuf_init(&w, m, sizeof(m));
		bgp_open_encode(&w, &o);
		CU_ASSERT_EQUAL(write(sv[1], m, w.len), (ssize_t)w.len);
		sessions_event(SESS_TAG_BASE | 0x80000000u, EPOLLIN);
	}
	if (second_wins) {
		/* the first hears Cease 7; the second goes on */
		int keep = sv[1];

		sv[1] = first[1];
		t = peer_recv(b, sizeof(b), &len);
		CU_ASSERT_EQUAL(t, BGP_NOTIFICATION);
		CU_ASSERT_EQUAL(b[19], BGP_ERR_CEASE);
		CU_ASSERT_EQUAL(b[20], 7);
		close(first[1]);
		sv[1] = keep;
		CU_ASSERT_EQUAL(state(), SESS_OPENCONFIRM);
		CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
		sessions_shutdown(&peer, NULL);
		close(sv[1]);
	} else {
		t = peer_recv(b, sizeof(b), &len);
		CU_ASSERT_EQUAL(t, BGP_NOTIFICATION);
		CU_ASSERT_EQUAL(b[20], 7);
		close(sv[1]);
		CU_ASSERT_EQUAL(state(), SESS_OPENSENT);
		sv[1] = first[1];
		sessions_shutdown(&peer, NULL);
		close(first[1]);
	}
	peer_id = 0xc0000202;
}

static void test_collision_peer_higher(void)
{
	collision(0xc0000203, 1);
}

static void test_collision_peer_lower(void)
{
	collision(0xc0000101, 0);
}

static void test_unknown_source_closed(void)
{
	struct prefix other;
	char err[64];
	int p[2];

	prefix_parse("192.0.2.99", &other, err, sizeof(err));
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0);
	CU_ASSERT_EQUAL(sessions_adopt(&other, p[0]), -1);
	/* the engine closed its end without a word */
	{
		char c;

		CU_ASSERT_EQUAL(read(p[1], &c, 1), 0);
	}
	close(p[1]);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	/* the engine closes its end on errors; the test may still write */
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("session FSM", suite_init, suite_clean);
	CU_add_test(s, "OpenSent -> Established, routes, timers",
		    test_establish_and_routes);
	CU_add_test(s, "wrong peer AS: NOTIFICATION 2/2",
		    test_bad_peer_as);
	CU_add_test(s, "KEEPALIVE in OpenSent: FSM error 5/1",
		    test_unexpected_message);
	CU_add_test(s, "broken marker: NOTIFICATION 1/1", test_bad_header);
	CU_add_test(s, "malformed UPDATE: UPDATE error, reset",
		    test_malformed_update_reset);
	CU_add_test(s, "shutdown: Cease 2 with RFC 9003 text",
		    test_shutdown_communication);
	CU_add_test(s, "peer NOTIFICATION: closed, no answer",
		    test_peer_notification);
	CU_add_test(s, "collision: peer's identifier higher, its connection "
		       "stays", test_collision_peer_higher);
	CU_add_test(s, "collision: ours higher, the second goes",
		    test_collision_peer_lower);
	CU_add_test(s, "connection from an unknown source: closed",
		    test_unknown_source_closed);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
