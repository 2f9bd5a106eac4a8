// SPDX-License-Identifier: GPL-2.0-only
/*
 * The session FSM (user/bgp/session*.c, RFC 4271 §8) driven event by event:
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
#include <arpa/inet.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bgp_buf.h"
#include "bgp_wire.h"
#include "config.h"
#include "flowspec.h"
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

/* manual-eor (ExaBGP): the routes, no End-of-RIB until the API asks. */
static void test_manual_eor(void)
{
	uint8_t b[4096];
	size_t len;
	int t, nupd = 0, neor = 0;

	cfg->neighbors[0].manual_eor = 1;
	connect_pair();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	send_open(65002, 6);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	send_keepalive();
	CU_ASSERT_EQUAL_FATAL(state(), SESS_ESTABLISHED);
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		nupd++;
		neor += len == BGP_HDR_LEN + 4;
	}
	CU_ASSERT_EQUAL(nupd, 1); /* the two statics */
	CU_ASSERT_EQUAL(neor, 0);
	CU_ASSERT_EQUAL(sessions_eor(NULL, 0, 1, 1), 1);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(len, BGP_HDR_LEN + 4);
	cfg->neighbors[0].manual_eor = 0;
	CU_ASSERT_EQUAL(sessions_shutdown(&peer, NULL), 0);
	expect_notification(BGP_ERR_CEASE, 2);
	close(sv[1]);
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


/* --- filters and originated routes (second suite) ------------------------ */

static const char conf_f[] =
	"prefix-list OURS { 10.1.0.0/16 le 32; 100.10.0.0/16 le 32; }\n"
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	family { ipv4 unicast; }\n"
	"	filter {\n"
	"		import { reject-bogons; max-prefix 3 teardown restart 10; }\n"
	"		export { prefix-list OURS; }\n"
	"	}\n"
	"	static {\n"
	"		route 10.1.0.0/24 next-hop self med 5;\n"
	"		route 10.1.1.0/24 next-hop self med 5;\n"
	"		route 198.51.100.0/24 next-hop self;\n"
	"	}\n"
	"}\n";

static struct config *cfg_f;
static int nref;
static char ref_why[256];

static void on_ref(const struct prefix *nb, const struct prefix *p,
		   const char *why, void *arg)
{
	(void)nb;
	(void)p;
	(void)arg;
	nref++;
	snprintf(ref_why, sizeof(ref_why), "%s", why);
}

static int suite_f_init(void)
{
	char err[512];

	if (config_parse_buf(conf_f, sizeof(conf_f) - 1, "f.conf", &cfg_f,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	sessions_apply(cfg_f);
	return 0;
}

static int suite_f_clean(void)
{
	return 0;
}

/* The prefixes of one UPDATE from the engine (IPv4 NLRI or withdrawn). */
static int upd_has(const uint8_t *b, size_t len, int withdrawn,
		   const char *want)
{
	struct bgp_update u;
	struct bgp_err e;
	struct bgp_sess_ctx ctx = { .as4 = 1, .ebgp = 1 };
	struct bgp_nlri_iter it;
	struct prefix p;
	char a[PREFIX_STRLEN];

	if (bgp_update_decode(b, len, &ctx, &u, &e) == BGP_ACT_RESET)
		return 0;
	bgp_nlri_iter_init(&it, withdrawn ? &u.withdrawn : &u.nlri);
	while (bgp_nlri_next(&it, &p) == 1)
		if (!strcmp(prefix_fmt(&p, a, sizeof(a)), want))
			return 1;
	return 0;
}

static void route_for(struct cfg_route *r, const char *pfx)
{
	char err[64];

	memset(r, 0, sizeof(*r));
	prefix_parse(pfx, &r->prefix, err, sizeof(err));
	r->nh_self = 1;
	r->flags = CFG_RT_MED;
	r->med = 77;
}

static void test_static_export_filtered(void)
{
	struct sess_info si;

	/* 198.51.100.0/24 is not in OURS: two statics go, in one UPDATE */
	establish();
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	CU_ASSERT_EQUAL(si.routes_api, 2);
	CU_ASSERT(si.refused_out >= 1);
}

static void test_api_announce_withdraw(void)
{
	uint8_t b[4096];
	size_t len;
	struct cfg_route r;
	struct sess_info si;

	route_for(&r, "100.10.0.1/32");
	nref = 0;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  on_ref, NULL),
			1);
	CU_ASSERT_EQUAL(nref, 0);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(upd_has(b, len, 0, "100.10.0.1"));
	/* refused: the callback names the rule, nothing reaches the peer */
	route_for(&r, "1.1.1.1/32");
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  on_ref, NULL),
			0);
	CU_ASSERT_EQUAL(nref, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ref_why, "not in prefix-list OURS"));
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	/* a selector that matches no neighbor */
	{
		struct prefix other;
		char err[64];

		prefix_parse("192.0.2.77", &other, err, sizeof(err));
		route_for(&r, "100.10.0.2/32");
		CU_ASSERT_EQUAL(sessions_announce(&other, 1, &r, NULL,
						  &r.prefix, 1, on_ref, NULL),
				-1);
	}
	/* IPv6: this neighbor is IPv4 only.  Without a selector the route
	 * has no neighbor of its family; naming the neighbor is refused */
	route_for(&r, "2001:db8:1::/48");
	nref = 0;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  on_ref, NULL),
			-1);
	CU_ASSERT_EQUAL(nref, 0);
	CU_ASSERT_EQUAL(sessions_announce(&peer, 1, &r, NULL, &r.prefix, 1,
					  on_ref, NULL),
			0);
	CU_ASSERT_EQUAL(nref, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ref_why, "family ipv6 unicast"));
	/* withdraw */
	route_for(&r, "100.10.0.1/32");
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, &r.prefix, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(upd_has(b, len, 1, "100.10.0.1"));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	/* withdrawing what is not there sends nothing */
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, &r.prefix, 1), 0);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
}

static void test_api_packed_and_watchdog(void)
{
	uint8_t b[4096];
	size_t len;
	struct cfg_route r;
	struct prefix p[50];
	char err[64], s[32];
	int t, n = 0;
	struct sess_info si;

	route_for(&r, "100.10.1.0/32");
	for (int i = 0; i < 50; i++) {
		snprintf(s, sizeof(s), "100.10.1.%d/32", i);
		prefix_parse(s, &p[i], err, sizeof(err));
	}
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, "web", p, 50, on_ref,
					  NULL),
			50);
	sessions_flush();
	/* 50 routes, one attribute set: one UPDATE */
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(upd_has(b, len, 0, "100.10.1.0"));
	CU_ASSERT(upd_has(b, len, 0, "100.10.1.49"));
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 52);
	/* the watchdog goes down: all 50 withdrawn, kept for later */
	sessions_watchdog("web", 0);
	sessions_flush();
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE)
		n += upd_has(b, len, 1, "100.10.1.7");
	CU_ASSERT_EQUAL(n, 1);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	CU_ASSERT_EQUAL(si.routes_api, 52);
	/* and up again */
	sessions_watchdog("web", 1);
	sessions_flush();
	n = 0;
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE)
		n += upd_has(b, len, 0, "100.10.1.7");
	CU_ASSERT_EQUAL(n, 1);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 52);
	/* gone for good */
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, p, 50), 50);
	sessions_flush();
	n = 0;
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE)
		n += upd_has(b, len, 1, "100.10.1.49");
	CU_ASSERT_EQUAL(n, 1);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.routes_api, 2);
}

/* group-updates false (ExaBGP): one prefix per UPDATE, announcements and
 * withdrawals alike; true again packs them. */
static void test_group_updates_off(void)
{
	uint8_t b[4096];
	size_t len;
	struct cfg_route r;
	struct prefix p[3];
	char err[64], s[32];
	int n = 0, t;

	cfg_f->neighbors[0].group_updates = 0;
	route_for(&r, "100.10.2.0/32");
	for (int i = 0; i < 3; i++) {
		snprintf(s, sizeof(s), "100.10.2.%d/32", i);
		prefix_parse(s, &p[i], err, sizeof(err));
	}
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, p, 3, on_ref,
					  NULL),
			3);
	sessions_flush();
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		n++;
		snprintf(s, sizeof(s), "100.10.2.%d", n - 1);
		CU_ASSERT(upd_has(b, len, 0, s));
		/* and only that one */
		CU_ASSERT(!upd_has(b, len, 0, n == 1 ? "100.10.2.1"
						     : "100.10.2.0"));
	}
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, p, 3), 3);
	sessions_flush();
	n = 0;
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE)
		n++;
	CU_ASSERT_EQUAL(n, 3);
	/* packed again */
	cfg_f->neighbors[0].group_updates = 1;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, p, 3, on_ref,
					  NULL),
			3);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(upd_has(b, len, 0, "100.10.2.0"));
	CU_ASSERT(upd_has(b, len, 0, "100.10.2.2"));
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, p, 3), 3);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
}

/* ExaBGP's 'watchdog NAME withdraw': held back until the watchdog is
 * announced, then it follows the watchdog like any other route. */
static void test_watchdog_withdraw(void)
{
	uint8_t b[4096];
	size_t len;
	struct cfg_route r, r2;
	struct prefix p, p2;
	char err[64];
	int seen;

	route_for(&r, "100.10.3.0/32");
	r.flags |= CFG_RT_WITHDRAW;
	route_for(&r2, "100.10.3.1/32");
	prefix_parse("100.10.3.0/32", &p, err, sizeof(err));
	prefix_parse("100.10.3.1/32", &p2, err, sizeof(err));
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, "wd-late", &p, 1,
					  on_ref, NULL),
			1);
	/* a route of the same watchdog without 'withdraw' goes at once */
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r2, "wd-late", &p2, 1,
					  on_ref, NULL),
			1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(upd_has(b, len, 0, "100.10.3.1"));
	CU_ASSERT(!upd_has(b, len, 0, "100.10.3.0"));
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	/* announce watchdog: now both (the other one resent); two
	 * attribute sets, so two UPDATEs */
	sessions_watchdog("wd-late", 1);
	sessions_flush();
	seen = 0;
	while (peer_recv(b, sizeof(b), &len) == BGP_UPDATE)
		seen |= upd_has(b, len, 0, "100.10.3.0") |
			upd_has(b, len, 0, "100.10.3.1") << 1;
	CU_ASSERT_EQUAL(seen, 3);
	/* withdraw watchdog: both go */
	sessions_watchdog("wd-late", 0);
	sessions_flush();
	seen = 0;
	while (peer_recv(b, sizeof(b), &len) == BGP_UPDATE)
		seen |= upd_has(b, len, 1, "100.10.3.0") |
			upd_has(b, len, 1, "100.10.3.1") << 1;
	CU_ASSERT_EQUAL(seen, 3);
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, &p, 1), 1);
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 0, &p2, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
}

/* An UPDATE from the peer (AS_PATH [65002], NEXT_HOP 192.0.2.2) with
 * the given /24s. */
static void peer_update(const uint8_t (*p24)[3], int n)
{
	uint8_t m[512];
	size_t o = 0;
	static const uint8_t attrs[] = {
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0x40, 3, 4, 192, 0, 2, 2,
	};

	memset(m, 0xff, 16);
	o = 19;
	m[o++] = 0;
	m[o++] = 0;
	m[o++] = 0;
	m[o++] = sizeof(attrs);
	memcpy(m + o, attrs, sizeof(attrs));
	o += sizeof(attrs);
	for (int i = 0; i < n; i++) {
		m[o++] = 24;
		memcpy(m + o, p24[i], 3);
		o += 3;
	}
	m[16] = o >> 8;
	m[17] = o & 0xff;
	m[18] = BGP_UPDATE;
	peer_send(m, o);
}

static void test_import_bogons_and_max_prefix(void)
{
	static const uint8_t two[][3] = { { 10, 2, 0 }, { 8, 8, 8 } };
	static const uint8_t three[][3] = { { 8, 8, 9 },
					    { 8, 8, 10 },
					    { 8, 8, 11 } };
	uint8_t b[4096];
	size_t len;
	struct sess_info si;
	int t, p[2];

	/* 10.2.0.0/24 is a bogon (RFC 1918): dropped and counted */
	peer_update(two, 2);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 1);
	CU_ASSERT_EQUAL(si.filtered_in, 1);
	/* 4 > max-prefix 3: Cease 1 with AFI 1, SAFI 1, limit 3 (RFC 4486) */
	peer_update(three, 3);
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_KEEPALIVE ||
	       t == BGP_UPDATE)
		;
	CU_ASSERT_EQUAL_FATAL(t, BGP_NOTIFICATION);
	CU_ASSERT_EQUAL(b[19], BGP_ERR_CEASE);
	CU_ASSERT_EQUAL(b[20], 1);
	CU_ASSERT_EQUAL(len, 21u + 7);
	if (len == 28) {
		static const uint8_t d[7] = { 0, 1, 1, 0, 0, 0, 3 };

		CU_ASSERT_EQUAL(memcmp(b + 21, d, 7), 0);
	}
	close(sv[1]);
	sessions_info(0, &si);
	CU_ASSERT_PTR_NOT_NULL(strstr(si.last_error, "max-prefix"));
	CU_ASSERT_EQUAL(si.prefixes_in, 0);
	/* held down for restart 10: a new connection is closed */
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0);
	CU_ASSERT_EQUAL(sessions_adopt(&peer, p[0]), -1);
	close(p[1]);
	/* after 10 s it is welcome again */
	fake_now += 10100;
	sessions_tick();
	establish();
	CU_ASSERT_EQUAL(state(), SESS_ESTABLISHED);
	/* a restart from the operator: Cease 4 */
	CU_ASSERT_EQUAL(sessions_restart(&peer, "test"), 0);
	expect_notification(BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET);
}

/* --- RFC 8950: IPv4 routes with IPv6 next hops (third suite) -------------- */

static const char conf_x[] =
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	nexthop { ipv4 unicast ipv6; }\n"
	"	static {\n"
	"		route 10.4.0.0/24 next-hop 2001:db8::9;\n"
	"	}\n"
	"}\n"
	"neighbor 192.0.2.3 {\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65003;\n"
	"	passive;\n"
	"}\n";

static struct config *cfg_x;

static int suite_x_init(void)
{
	char err[512];

	if (config_parse_buf(conf_x, sizeof(conf_x) - 1, "x.conf", &cfg_x,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	sessions_apply(cfg_x);
	return 0;
}

static const struct bgp_sess_ctx ctx_x = { .as4 = 1, .ebgp = 1,
					   .ext_nh_v4 = 1 };

/* Up to Established, the peer's OPEN with or without <1, 1, 2>; counts
 * the IPv4 prefixes the engine announced in MP_REACH_NLRI with an IPv6
 * next hop (last one's next hop in nh). */
static int establish_x(int cap, uint8_t *nh)
{
	uint8_t b[4096];
	struct bgp_open o = { .version = 4, .my_as = 65002, .hold = 6,
			      .bgp_id = peer_id };
	struct bgp_wbuf w;
	struct bgp_update u;
	struct bgp_err e;
	size_t len;
	int n = 0, t;

	connect_pair();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	CU_ASSERT_EQUAL(bgp_open_decode(b, len, &o, &e), 0);
	/* ours offers <1, 1, 2> (RFC 8950 §4) */
	CU_ASSERT(bgp_caps_ext_nh(&o.caps, 1, 1, 2));
	memset(&o.caps, 0, sizeof(o.caps));
	o.my_as = 65002;
	o.hold = 6;
	o.bgp_id = peer_id;
	o.caps.families = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	o.caps.as4 = 1;
	o.caps.as4_asn = 65002;
	if (cap) {
		o.caps.ext_nh = 1;
		o.caps.ext_nh_t[0] = (struct bgp_nh_tuple){ 1, 1, 2 };
		o.caps.next_nh = 1;
	}
	bgp_wbuf_init(&w, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
	peer_send(b, w.len);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	send_keepalive();
	CU_ASSERT_EQUAL_FATAL(state(), SESS_ESTABLISHED);
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		CU_ASSERT_NOT_EQUAL(bgp_update_decode(b, len, &ctx_x, &u, &e),
				    BGP_ACT_RESET);
		CU_ASSERT_EQUAL(u.nlri.count, 0);
		if (u.mp_reach.count && u.attrs.mp_afi == BGP_AFI_IPV4) {
			CU_ASSERT_EQUAL(u.mp_reach.family, AF_INET);
			CU_ASSERT_EQUAL(u.attrs.mp_nh_len, 16);
			memcpy(nh, u.attrs.mp_nh, 16);
			n += (int)u.mp_reach.count;
		}
	}
	return n;
}

static void test_ext_nh_session(void)
{
	/* the peer announces 10.5.0.0/16 via 2001:db8::5 in MP_REACH AFI 1 */
	static const uint8_t upd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 63, 2,
		0, 0,
		0, 40,
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0x80, 14, 24, 0, 1, 1, 16,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 16, 10, 5,
	};
	uint8_t nh[16] = { 0 }, b[4096];
	struct sess_info si;
	struct cfg_route r;
	size_t len;
	char err[64];

	CU_ASSERT_EQUAL(establish_x(1, nh), 1);
	CU_ASSERT_EQUAL(nh[0], 0x20);
	CU_ASSERT_EQUAL(nh[15], 9);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 1);
	/* from the API too */
	memset(&r, 0, sizeof(r));
	prefix_parse("10.6.0.0/24", &r.prefix, err, sizeof(err));
	prefix_parse("2001:db8::6", &r.next_hop, err, sizeof(err));
	nref = 0;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  on_ref, NULL), 1);
	/* the neighbor without the nexthop block refuses it, saying how */
	{
		struct prefix other;

		prefix_parse("192.0.2.3", &other, err, sizeof(err));
		CU_ASSERT_EQUAL(sessions_announce(&other, 1, &r, NULL,
						  &r.prefix, 1, on_ref, NULL),
				0);
		CU_ASSERT_EQUAL(nref, 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(ref_why, "nexthop { ipv4 "
						       "unicast ipv6; }"));
	}
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT(b[23 + 4 + 3 + 1] == BGP_ATTR_MP_REACH ||
		  b[23 + 4 + 9 + 1] == BGP_ATTR_MP_REACH);
	/* received: into the Adj-RIB-In with its IPv6 next hop */
	peer_send(upd, sizeof(upd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 1);
	nrib = 0;
	CU_ASSERT_EQUAL(sessions_rib(&peer, 0, NULL, 100, 0, rib_cb, NULL,
				     NULL), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(rib_desc, "via 2001:db8::5 as-path "
						"[65002]"));
	nrib = 0;
	CU_ASSERT_EQUAL(sessions_rib(&peer, 1, NULL, 100, 1, rib_cb, NULL,
				     NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(rib_desc, "\"next_hop\":\"2001:db8::"));
	/* one prefix re-announced with med 1, 2, 3: each UPDATE has its
	 * own MED (attribute ids are recycled: route_get()'s cached copy
	 * must not outlive its id) */
	for (uint32_t med = 1; med <= 3; med++) {
		struct bgp_update u;
		struct bgp_err e;

		r.flags = CFG_RT_MED;
		r.med = med;
		CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix,
						  1, on_ref, NULL), 1);
		sessions_flush();
		CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len),
				      BGP_UPDATE);
		CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_x, &u, &e),
				BGP_ACT_OK);
		CU_ASSERT_EQUAL(u.attrs.med, med);
		CU_ASSERT_EQUAL(u.mp_reach.count, 1);
	}
	CU_ASSERT_EQUAL(sessions_restart(&peer, "test"), 0);
	expect_notification(BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET);

	/* a peer without the capability: not sent (RFC 8950 §4), and what
	 * it sends that way is treat-as-withdraw */
	fake_now += 1000;
	sessions_tick();
	CU_ASSERT_EQUAL(establish_x(0, nh), 0);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 0);
	CU_ASSERT_EQUAL(si.routes_api, 2);
	peer_send(upd, sizeof(upd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 0);
	CU_ASSERT_EQUAL(state(), SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(sessions_restart(&peer, "test"), 0);
	expect_notification(BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET);
}

/* --- ADD-PATH (fourth suite) --------------------------------------------- */

/* Two paths of one prefix, path-information 1 and 2 (RFC 7911). */
static const char conf_ap[] =
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	family { ipv4 unicast; }\n"
	"	capability { add-path send/receive; }\n"
	"	static {\n"
	"		route 10.9.0.0/24 next-hop self path-information 2 "
	"med 7;\n"
	"		route 10.9.0.0/24 next-hop self path-information 1;\n"
	"	}\n"
	"}\n";

static struct config *cfg_ap;

static int suite_ap_init(void)
{
	char err[512];

	if (config_parse_buf(conf_ap, sizeof(conf_ap) - 1, "ap.conf", &cfg_ap,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	sessions_apply(cfg_ap);
	/* API routes of the earlier suites stay with the neighbor's
	 * address: start without them */
	sessions_clear(NULL, 0, 1, 1);
	sessions_apply(cfg_ap);
	return 0;
}

/* What one UPDATE from the engine says, as "A/L#ID+" (announce) or
 * "A/L#ID-" (withdraw) items, MED as "med N". */
static void upd_paths(const uint8_t *b, size_t len,
		      const struct bgp_sess_ctx *ctx, char *out, size_t cap)
{
	struct bgp_update u;
	struct bgp_err e;
	struct bgp_nlri_iter it;
	struct prefix p;
	uint32_t path;
	char a[PREFIX_STRLEN];
	size_t o = strlen(out);

	CU_ASSERT_FATAL(bgp_update_decode(b, len, ctx, &u, &e) ==
			BGP_ACT_OK);
	bgp_nlri_iter_init(&it, &u.withdrawn);
	while (bgp_nlri_next_path(&it, &p, &path) == 1)
		o += snprintf(out + o, cap - o, "%s#%u- ",
			      prefix_fmt(&p, a, sizeof(a)), path);
	bgp_nlri_iter_init(&it, &u.nlri);
	while (bgp_nlri_next_path(&it, &p, &path) == 1)
		o += snprintf(out + o, cap - o, "%s#%u+ ",
			      prefix_fmt(&p, a, sizeof(a)), path);
	if (u.nlri.count && BGP_HAS(&u.attrs, BGP_ATTR_MED))
		o += snprintf(out + o, cap - o, "med %u ", u.attrs.med);
}

/* Up to Established with a peer that says ADD-PATH send/receive for IPv4
 * (or nothing); what the engine sends up to End-of-RIB goes to out. */
static void establish_ap(int peer_ap, const struct bgp_sess_ctx *ctx,
			 char *out, size_t cap)
{
	uint8_t b[4096];
	struct bgp_open o = { .version = 4, .my_as = 65002, .hold = 6,
			      .bgp_id = peer_id };
	struct bgp_err e;
	struct bgp_wbuf w;
	size_t len;
	int t;

	out[0] = 0;
	connect_pair();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	CU_ASSERT_EQUAL(bgp_open_decode(b, len, &o, &e), 0);
	/* our capability: send/receive for the neighbor's family (§4) */
	CU_ASSERT_EQUAL(o.caps.addpath_send, BGP_FAM_IPV4U);
	CU_ASSERT_EQUAL(o.caps.addpath_recv, BGP_FAM_IPV4U);
	memset(&o.caps, 0, sizeof(o.caps));
	o.my_as = 65002;
	o.hold = 6;
	o.bgp_id = peer_id;
	o.caps.families = BGP_FAM_IPV4U;
	o.caps.as4 = 1;
	o.caps.as4_asn = 65002;
	if (peer_ap)
		o.caps.addpath_send = o.caps.addpath_recv = BGP_FAM_IPV4U;
	bgp_wbuf_init(&w, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
	peer_send(b, w.len);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	send_keepalive();
	CU_ASSERT_EQUAL_FATAL(state(), SESS_ESTABLISHED);
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		if (len == BGP_HDR_LEN + 4)
			break; /* End-of-RIB */
		upd_paths(b, len, ctx, out, cap);
	}
}

static void drop_session(void)
{
	static const uint8_t n[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 21, 3, 6, 4,
	};

	peer_send(n, sizeof(n));
	close(sv[1]);
}

/* Both said send/receive: both paths go out with their ids (§3), paths
 * coming in are routes of their own, and the API withdraws one path. */
static void test_addpath_both_ways(void)
{
	static const struct bgp_sess_ctx ap = { .as4 = 1, .ebgp = 1,
						.addpath_rx = BGP_FAM_IPV4U,
						.addpath_tx = BGP_FAM_IPV4U };
	/* 10.2.0.0/24 with path ids 1 and 2, then withdrawn path 1 */
	static const uint8_t upd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 59, 2,
		0, 0, 0, 20,
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0x40, 3, 4, 192, 0, 2, 2,
		0, 0, 0, 1, 24, 10, 2, 0,
		0, 0, 0, 2, 24, 10, 2, 0,
	};
	static const uint8_t wd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 31, 2,
		0, 8, 0, 0, 0, 1, 24, 10, 2, 0,
		0, 0,
	};
	char got[512];
	uint8_t b[4096];
	size_t len;
	struct sess_info si;
	struct prefix p;

	establish_ap(1, &ap, got, sizeof(got));
	/* two UPDATEs (two attribute sets), in attribute set order; path
	 * 2 with its own MED 7 (before the route cache was keyed by the
	 * set's serial, a reused attribute id showed an old set's MED) */
	if (strcmp(got, "10.9.0.0/24#1+ 10.9.0.0/24#2+ med 7 ") &&
	    strcmp(got, "10.9.0.0/24#2+ med 7 10.9.0.0/24#1+ "))
		CU_FAIL(got);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	CU_ASSERT_EQUAL(si.routes_api, 2);
	peer_send(upd, sizeof(upd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 2);
	nrib = 0;
	CU_ASSERT_EQUAL(sessions_rib(&peer, 0, NULL, 100, 0, rib_cb, NULL,
				     NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(rib_desc, "path-information 0.0.0."));
	peer_send(wd, sizeof(wd));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_in, 1);
	/* the API takes path 2 away: a withdrawal of that path only */
	p = cfg_ap->neighbors[0].routes[0].prefix;
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 2, &p, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	got[0] = 0;
	upd_paths(b, len, &ap, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10.9.0.0/24#2- ");
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 1);
	drop_session();
}

/* The peer did not say receive: one path a prefix, the lowest id; when
 * it goes, the next one replaces it (an announcement, no withdrawal). */
static void test_addpath_one_path(void)
{
	static const struct bgp_sess_ctx plain = { .as4 = 1, .ebgp = 1 };
	struct cfg_route r = cfg_ap->neighbors[0].routes[1];
	char got[512];
	uint8_t b[4096];
	size_t len;
	struct sess_info si;

	sessions_apply(cfg_ap); /* the statics again (path 2 was withdrawn) */
	establish_ap(0, &plain, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10.9.0.0/24#0+ ");
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 1);
	CU_ASSERT_EQUAL(si.routes_api, 2);
	/* a change to path 2 (not the one sent) sends nothing */
	r.path_id = 2;
	r.flags = CFG_RT_MED;
	r.med = 8;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  NULL, NULL),
			1);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	/* nor does a higher path coming and going */
	r.path_id = 3;
	CU_ASSERT_EQUAL(sessions_announce(NULL, 0, &r, NULL, &r.prefix, 1,
					  NULL, NULL),
			1);
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 3, &r.prefix, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	r.path_id = 2;
	/* path 1 withdrawn: path 2 takes its place */
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 1, &r.prefix, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	got[0] = 0;
	upd_paths(b, len, &plain, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10.9.0.0/24#0+ med 8 ");
	/* and when it goes too, the prefix is withdrawn */
	CU_ASSERT_EQUAL(sessions_withdraw(NULL, 0, 2, &r.prefix, 1), 1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	got[0] = 0;
	upd_paths(b, len, &plain, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10.9.0.0/24#0- ");
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 0);
	drop_session();
}

/* A reload that changes only the export filter keeps the session and
 * withdraws each path that no longer passes, by its path id. */
static void test_addpath_export_reload(void)
{
	static const struct bgp_sess_ctx ap = { .as4 = 1, .ebgp = 1,
						.addpath_rx = BGP_FAM_IPV4U,
						.addpath_tx = BGP_FAM_IPV4U };
	static const char conf_ap2[] =
		"prefix-list NONE { 192.0.2.0/24; }\n"
		"neighbor 192.0.2.2 {\n"
		"	router-id 192.0.2.1;\n"
		"	local-address 192.0.2.1;\n"
		"	local-as 65001;\n"
		"	peer-as 65002;\n"
		"	hold-time 9;\n"
		"	passive;\n"
		"	family { ipv4 unicast; }\n"
		"	capability { add-path send/receive; }\n"
		"	filter { export { prefix-list NONE; } }\n"
		"	static {\n"
		"		route 10.9.0.0/24 next-hop self path-information 2 "
		"med 7;\n"
		"		route 10.9.0.0/24 next-hop self path-information 1;\n"
		"	}\n"
		"}\n";
	static struct config *c2; /* in use by the sessions until cfg_ap is back */
	char got[512], err[512];
	uint8_t b[4096];
	size_t len;
	struct sess_info si;
	int t;

	sessions_apply(cfg_ap);
	establish_ap(1, &ap, got, sizeof(got));
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.prefixes_out, 2);
	CU_ASSERT_FATAL(config_parse_buf(conf_ap2, sizeof(conf_ap2) - 1,
					 "ap2.conf", &c2, err,
					 sizeof(err)) == 0);
	sessions_apply(c2);
	sessions_flush();
	got[0] = 0;
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE)
		upd_paths(b, len, &ap, got, sizeof(got));
	if (strcmp(got, "10.9.0.0/24#1- 10.9.0.0/24#2- ") &&
	    strcmp(got, "10.9.0.0/24#2- 10.9.0.0/24#1- "))
		CU_FAIL(got);
	sessions_info(0, &si);
	CU_ASSERT_EQUAL(si.state, SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(si.prefixes_out, 0);
	drop_session();
	sessions_apply(cfg_ap);
}

/* --- flowspec (RFC 8955): rules out through the API, in from the peer -- */

static const char conf_fs[] =
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	family { ipv4 unicast; ipv4 flow; }\n"
	"}\n";

static struct config *cfg_fs;
static const struct bgp_sess_ctx ctx_fs = { .as4 = 1, .ebgp = 1 };

static int suite_fs_init(void)
{
	char err[512];

	if (config_parse_buf(conf_fs, sizeof(conf_fs) - 1, "fs.conf", &cfg_fs,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	sessions_apply(cfg_fs);
	sessions_clear(NULL, 0, 1, 1);
	sessions_apply(cfg_fs);
	return 0;
}

static int suite_fs_clean(void)
{
	config_free(cfg_fs);
	return 0;
}

/* Up to Established with the peer offering families; returns the
 * flowspec End-of-RIBs the engine sent (rules before them counted in
 * *rules). */
static int establish_fs(uint32_t families, int *rules)
{
	uint8_t b[4096];
	struct bgp_open o = { .version = 4, .my_as = 65002, .hold = 6,
			      .bgp_id = peer_id };
	struct bgp_wbuf w;
	struct bgp_update u;
	struct bgp_err e;
	size_t len;
	int eor = 0, t;

	*rules = 0;
	connect_pair();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_OPEN);
	CU_ASSERT_EQUAL(bgp_open_decode(b, len, &o, &e), 0);
	/* ours offers <1, 133> (RFC 8955 §4) */
	CU_ASSERT_EQUAL(o.caps.families, BGP_FAM_IPV4U | BGP_FAM_IPV4F);
	memset(&o.caps, 0, sizeof(o.caps));
	o.my_as = 65002;
	o.hold = 6;
	o.bgp_id = peer_id;
	o.caps.families = families;
	o.caps.as4 = 1;
	o.caps.as4_asn = 65002;
	bgp_wbuf_init(&w, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
	peer_send(b, w.len);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_KEEPALIVE);
	send_keepalive();
	CU_ASSERT_EQUAL_FATAL(state(), SESS_ESTABLISHED);
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_UPDATE) {
		CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
				BGP_ACT_OK);
		if (u.eor && u.eor_safi == BGP_SAFI_FLOW)
			eor++;
		*rules += (int)u.flow_reach.count;
		if (u.eor && u.eor_safi == BGP_SAFI_UNICAST &&
		    !(families & BGP_FAM_IPV4F))
			break;
		if (u.eor && u.eor_safi == BGP_SAFI_FLOW)
			break;
	}
	return eor;
}

static void fs_rule_dst(struct fs_rule *r, int family, const char *a,
			int plen)
{
	struct fs_comp *c;

	memset(r, 0, sizeof(*r));
	r->family = (uint8_t)family;
	r->ncomp = 2;
	c = &r->comp[0];
	c->type = FS_DST;
	c->plen = (uint8_t)plen;
	inet_pton(family, a, c->addr);
	c = &r->comp[1];
	c->type = FS_PROTO;
	c->nops = 1;
	c->ops[0].flags = FS_OP_EQ;
	c->ops[0].value = 17;
	r->act.flags = FS_ACT_RATE_BYTES;
	r->act.rate_bytes = 0;	/* discard */
}

static size_t fs_info(int in)
{
	struct sess_info si;

	sessions_info(0, &si);
	return in ? si.flows_in : si.flows_api;
}

static int nwalk;
static void walk_cb(const struct fs_rule *r, const uint8_t *nlri, size_t len,
		    void *arg)
{
	(void)arg, (void)nlri, (void)len;
	nwalk++;
	CU_ASSERT_EQUAL(r->comp[0].type, FS_DST);
	CU_ASSERT_EQUAL(r->act.flags, FS_ACT_RATE_BYTES);
}

/* Rules on 10.1.0.k/32 carry rate k * 10 + phase[k]: the walk finds
 * each one's own actions however the interned set was churned. */
static int act_phase[300], act_bad, act_seen;
static void act_walk_cb(const struct fs_rule *r, const uint8_t *nlri,
			size_t len, void *arg)
{
	const struct fs_comp *c = fs_rule_comp(r, FS_DST);
	unsigned k;

	(void)arg, (void)nlri, (void)len;
	if (!c || c->plen != 32 || c->addr[0] != 10 || c->addr[1] != 1)
		return;
	k = (unsigned)c->addr[2] << 8 | c->addr[3];
	act_seen++;
	if (k >= 300 || act_phase[k] < 0 ||
	    r->act.rate_bytes != (float)(k * 10 + (unsigned)act_phase[k]))
		act_bad++;
}

static void act_rule(struct fs_rule *r, unsigned k)
{
	char a[32];

	snprintf(a, sizeof(a), "10.1.%u.%u", k >> 8, k & 255);
	fs_rule_dst(r, AF_INET, a, 32);
	r->act.rate_bytes = (float)(k * 10 + (unsigned)act_phase[k]);
}

static int fl_add, fl_wd;
static void flow_hook_cb(size_t idx, const struct fs_rule *r, int withdrawn,
			 void *arg)
{
	(void)arg;
	CU_ASSERT_EQUAL(idx, 0);
	CU_ASSERT_EQUAL(r->comp[0].type, FS_DST);
	if (withdrawn)
		fl_wd++;
	else
		fl_add++;
}

static void test_flow_session(void)
{
	/* from the peer: destination 10.9.0.0/24, traffic-rate 0 */
	static const uint8_t upd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 61, 2, 0, 0, 0, 38,
		0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0xc0, 16, 8, 0x80, 0x06, 0, 0, 0, 0, 0, 0,
		0x80, 14, 11, 0, 1, 133, 0, 0, 5, 1, 24, 10, 9, 0,
	};
	/* the same NLRI again with a malformed one after it (types out of
	 * order): treat-as-withdraw takes both */
	static const uint8_t bad[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 68, 2, 0, 0, 0, 45,
		0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0xc0, 16, 8, 0x80, 0x06, 0, 0, 0, 0, 0, 0,
		0x80, 14, 18, 0, 1, 133, 0, 0, 5, 1, 24, 10, 9, 0,
		6, 4, 0x81, 25, 3, 0x81, 6,
	};
	uint8_t b[4096];
	struct bgp_update u;
	struct bgp_err e;
	struct fs_rule r[2];
	struct prefix sel = peer;
	size_t len;
	int rules;

	CU_ASSERT_EQUAL(establish_fs(BGP_FAM_IPV4U | BGP_FAM_IPV4F, &rules),
			1);
	CU_ASSERT_EQUAL(rules, 0);

	/* the API's rule goes out: MP_REACH SAFI 133, rate 0 */
	fs_rule_dst(&r[0], AF_INET, "10.0.0.0", 24);
	fs_rule_dst(&r[1], AF_INET6, "2001:db8::", 32);
	CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, r, 1, on_ref, NULL),
			1);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.count, 1);
	CU_ASSERT_EQUAL(u.attrs.next_comm, 1);
	CU_ASSERT_EQUAL(u.attrs.ext_comm[0], 0x80);
	CU_ASSERT_EQUAL(u.attrs.ext_comm[1], 0x06);
	CU_ASSERT_FALSE(BGP_HAS(&u.attrs, BGP_ATTR_NEXT_HOP));
	CU_ASSERT_EQUAL(fs_info(0), 1);

	/* IPv6 flowspec is not the neighbor's: no neighbor for it, and
	 * naming the neighbor is a refusal that says why */
	nref = 0;
	CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, &r[1], 1, on_ref,
					       NULL), -1);
	CU_ASSERT_EQUAL(sessions_flow_announce(&sel, 1, &r[1], 1, on_ref,
					       NULL), 0);
	CU_ASSERT_EQUAL(nref, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ref_why, "family ipv6 flow is not "
					       "enabled"));

	/* from the peer: into the Adj-RIB-In, the hook told */
	sessions_set_flow_hook(flow_hook_cb, NULL);
	peer_send(upd, sizeof(upd));
	CU_ASSERT_EQUAL(fl_add, 1);
	peer_send(upd, sizeof(upd));	/* the same again: no news */
	CU_ASSERT_EQUAL(fl_add, 1);
	CU_ASSERT_EQUAL(state(), SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(fs_info(1), 1);
	nwalk = 0;
	CU_ASSERT_EQUAL(sessions_flow_walk(0, 1, walk_cb, NULL), 0);
	CU_ASSERT_EQUAL(nwalk, 1);
	peer_send(bad, sizeof(bad));
	CU_ASSERT_EQUAL(state(), SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(fs_info(1), 0);
	CU_ASSERT_EQUAL(fl_wd, 1);
	peer_send(upd, sizeof(upd));
	CU_ASSERT_EQUAL(fs_info(1), 1);
	CU_ASSERT_EQUAL(fl_add, 2);

	/* two rules with the same actions in one call: one UPDATE */
	{
		struct fs_rule two[2];

		fs_rule_dst(&two[0], AF_INET, "10.0.2.0", 24);
		fs_rule_dst(&two[1], AF_INET, "10.0.3.0", 24);
		CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, two, 2,
						       on_ref, NULL), 2);
		sessions_flush();
		CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len),
				      BGP_UPDATE);
		CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
				BGP_ACT_OK);
		CU_ASSERT_EQUAL(u.flow_reach.count, 2);
		CU_ASSERT_EQUAL(fs_info(0), 3);
		CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, two, 2), 2);
		sessions_flush();
		CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len),
				      BGP_UPDATE);
		CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
				BGP_ACT_OK);
		CU_ASSERT_EQUAL(u.flow_unreach.count, 2);
	}

	/* different actions: one UPDATE each (the actions are interned:
	 * equal ones share an id, and only they share an UPDATE); the
	 * first again after them goes in an UPDATE of its own */
	{
		struct fs_rule three[3];

		fs_rule_dst(&three[0], AF_INET, "10.0.4.0", 24);
		fs_rule_dst(&three[1], AF_INET, "10.0.5.0", 24);
		three[1].act.flags = FS_ACT_MARK;
		three[1].act.dscp = 10;
		fs_rule_dst(&three[2], AF_INET, "10.0.6.0", 24);
		CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, three, 3,
						       on_ref, NULL), 3);
		sessions_flush();
		for (int k = 0; k < 3; k++) {
			CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len),
					      BGP_UPDATE);
			CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u,
							  &e), BGP_ACT_OK);
			CU_ASSERT_EQUAL(u.flow_reach.count, 1);
			CU_ASSERT_EQUAL(u.attrs.next_comm,
					(size_t)(k == 1 ? 1 : three[0].act.flags ?
						 1 : 0));
		}
		CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, three, 3), 3);
		sessions_flush();
		CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len),
				      BGP_UPDATE);
		CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
				BGP_ACT_OK);
		CU_ASSERT_EQUAL(u.flow_unreach.count, 3);
	}

	/* withdrawn by the API: MP_UNREACH SAFI 133 */
	CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, r, 1), 1);
	CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, r, 1), 0);
	sessions_flush();
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_unreach.count, 1);
	CU_ASSERT_EQUAL(u.flow_unreach.family, AF_INET);
	CU_ASSERT_EQUAL(fs_info(0), 0);

	/* announced again, kept while the session is down, sent when it
	 * comes back; what the peer sent is gone with the session */
	CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, r, 1, on_ref, NULL),
			1);
	sessions_flush();
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	drop_session();
	CU_ASSERT_NOT_EQUAL(state(), SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(fs_info(1), 0);
	CU_ASSERT_EQUAL(fl_wd, 2);	/* gone with the session */
	sessions_set_flow_hook(NULL, NULL);
	CU_ASSERT_EQUAL(fs_info(0), 1);
	CU_ASSERT_EQUAL(establish_fs(BGP_FAM_IPV4U | BGP_FAM_IPV4F, &rules),
			1);
	CU_ASSERT_EQUAL(rules, 1);
	drop_session();

	/* 300 rules with 300 actions (interned: the index grows, ids are
	 * freed and reused, deletions shift entries back), churned: every
	 * rule still has its own actions, and all go at the end */
	{
		struct fs_rule x;
		size_t before = fs_info(0);

		for (unsigned k = 0; k < 300; k++) {
			act_phase[k] = 0;
			act_rule(&x, k);
			CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, &x, 1,
							       on_ref, NULL),
					1);
		}
		for (unsigned k = 0; k < 300; k += 3) {
			act_rule(&x, k);
			CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, &x, 1),
					1);
			act_phase[k] = -1;
		}
		for (unsigned k = 1; k < 300; k += 3) {
			act_phase[k] = 5;	/* new actions, same rule */
			act_rule(&x, k);
			CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, &x, 1,
							       on_ref, NULL),
					1);
		}
		for (unsigned k = 2; k < 300; k += 3) {
			act_rule(&x, k);	/* the same again */
			CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, &x, 1,
							       on_ref, NULL),
					1);
		}
		act_seen = act_bad = 0;
		CU_ASSERT_EQUAL(sessions_flow_walk(0, 0, act_walk_cb, NULL), 0);
		CU_ASSERT_EQUAL(act_seen, 200);
		CU_ASSERT_EQUAL(act_bad, 0);
		CU_ASSERT_EQUAL(fs_info(0), before + 200);
		for (unsigned k = 0; k < 300; k++) {
			if (act_phase[k] < 0)
				continue;
			act_rule(&x, k);
			CU_ASSERT_EQUAL(sessions_flow_withdraw(NULL, 0, &x, 1),
					1);
		}
		CU_ASSERT_EQUAL(fs_info(0), before);
	}

	/* a peer that does not offer <1, 133>: nothing flowspec goes, and
	 * a new rule is refused with the reason */
	CU_ASSERT_EQUAL(establish_fs(BGP_FAM_IPV4U, &rules), 0);
	CU_ASSERT_EQUAL(rules, 0);
	nref = 0;
	fs_rule_dst(&r[0], AF_INET, "10.0.1.0", 24);
	CU_ASSERT_EQUAL(sessions_flow_announce(NULL, 0, r, 1, on_ref, NULL),
			0);
	CU_ASSERT_EQUAL(nref, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ref_why, "did not negotiate ipv4 flow"));
	drop_session();
}

/* A config like conf_fs whose neighbor has the rule "destination A/24,
 * protocol udp, discard" in its flow block (built here: the flow { }
 * parser is other work). */
static struct config *conf_with_flow(const char *a)
{
	struct config *c = NULL;
	struct cfg_neighbor *n;
	char err[512];

	if (config_parse_buf(conf_fs, sizeof(conf_fs) - 1, "fs.conf", &c, err,
			     sizeof(err)) < 0)
		return NULL;
	n = &c->neighbors[0];
	n->flows = calloc(1, sizeof(*n->flows));
	if (!n->flows)
		return c;
	n->flows[0].name = strdup("r1");
	fs_rule_dst(&n->flows[0].rule, AF_INET, a, 24);
	n->nflows = 1;
	return c;
}

/* The config's rules: sent on Established; a reload withdraws the old
 * rule and announces the new; the same rules again send nothing. */
static void test_flow_config(void)
{
	struct config *c1, *c2, *c3;
	uint8_t b[4096];
	struct bgp_update u;
	struct bgp_err e;
	size_t len;
	int rules;

	sessions_clear(NULL, 0, 1, 1);
	c1 = conf_with_flow("10.5.0.0");
	c2 = conf_with_flow("10.6.0.0");
	c3 = conf_with_flow("10.6.0.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c3);
	sessions_apply(c1);
	CU_ASSERT_EQUAL(fs_info(0), 1);
	CU_ASSERT_EQUAL(establish_fs(BGP_FAM_IPV4U | BGP_FAM_IPV4F, &rules),
			1);
	CU_ASSERT_EQUAL(rules, 1);

	sessions_apply(c2);
	CU_ASSERT_EQUAL(state(), SESS_ESTABLISHED);
	CU_ASSERT_EQUAL(fs_info(0), 1);
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_unreach.count, 1);	/* 10.5.0.0/24 */
	CU_ASSERT_EQUAL(u.flow_unreach.p[4], 5);
	CU_ASSERT_EQUAL_FATAL(peer_recv(b, sizeof(b), &len), BGP_UPDATE);
	CU_ASSERT_EQUAL(bgp_update_decode(b, len, &ctx_fs, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.count, 1);		/* 10.6.0.0/24 */
	CU_ASSERT_EQUAL(u.flow_reach.p[4], 6);

	sessions_apply(c3);
	CU_ASSERT_EQUAL(peer_recv(b, sizeof(b), &len), -1);
	CU_ASSERT_EQUAL(fs_info(0), 1);
	drop_session();
	sessions_apply(cfg_fs);
	CU_ASSERT_EQUAL(fs_info(0), 0);
	config_free(c1);
	config_free(c2);
	config_free(c3);
}

/* max-prefix counts flowspec rules too: three rules over a limit of 2,
 * with no unicast prefix, tear the session down with Cease 1 naming
 * <AFI 1, SAFI 133> and the limit (RFC 4486 §4). */
static const char conf_fs_max[] =
	"neighbor 192.0.2.2 {\n"
	"	router-id 192.0.2.1;\n"
	"	local-address 192.0.2.1;\n"
	"	local-as 65001;\n"
	"	peer-as 65002;\n"
	"	hold-time 9;\n"
	"	passive;\n"
	"	family { ipv4 unicast; ipv4 flow; }\n"
	"	filter { import { max-prefix 2 teardown restart 1; } }\n"
	"}\n";

static void test_flow_max_prefix(void)
{
	/* destination 10.9.{1,2,3}.0/24, traffic-rate 0 */
	static const uint8_t upd[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 73, 2, 0, 0, 0, 50,
		0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea,
		0xc0, 16, 8, 0x80, 0x06, 0, 0, 0, 0, 0, 0,
		0x80, 14, 23, 0, 1, 133, 0, 0,
		5, 1, 24, 10, 9, 1, 5, 1, 24, 10, 9, 2, 5, 1, 24, 10, 9, 3,
	};
	static const uint8_t d[7] = { 0, 1, 133, 0, 0, 0, 2 };
	struct config *c = NULL;
	uint8_t b[4096];
	size_t len;
	char err[512];
	int rules, t;

	sessions_clear(NULL, 0, 1, 1);
	CU_ASSERT_FATAL(config_parse_buf(conf_fs_max, sizeof(conf_fs_max) - 1,
					 "fs.conf", &c, err, sizeof(err)) == 0);
	sessions_apply(c);
	CU_ASSERT_EQUAL(establish_fs(BGP_FAM_IPV4U | BGP_FAM_IPV4F, &rules),
			1);
	peer_send(upd, sizeof(upd));
	while ((t = peer_recv(b, sizeof(b), &len)) == BGP_KEEPALIVE ||
	       t == BGP_UPDATE)
		;
	CU_ASSERT_EQUAL_FATAL(t, BGP_NOTIFICATION);
	CU_ASSERT_EQUAL(b[19], BGP_ERR_CEASE);
	CU_ASSERT_EQUAL(b[20], 1);
	CU_ASSERT_EQUAL_FATAL(len, 21u + 7);
	CU_ASSERT_EQUAL(memcmp(b + 21, d, 7), 0);
	close(sv[1]);
	CU_ASSERT_EQUAL(fs_info(1), 0);
	/* let the hold-down pass so the suite's config finds it usable */
	fake_now += 1100;
	sessions_tick();
	sessions_apply(cfg_fs);
	config_free(c);
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
	CU_add_test(s, "manual-eor: no End-of-RIB until asked",
		    test_manual_eor);
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
	s = CU_add_suite("filters and originated routes", suite_f_init,
			 suite_f_clean);
	CU_add_test(s, "static routes through the export filter",
		    test_static_export_filtered);
	CU_add_test(s, "API announce, refusal, withdraw",
		    test_api_announce_withdraw);
	CU_add_test(s, "group-updates false: one prefix per UPDATE",
		    test_group_updates_off);
	CU_add_test(s, "watchdog NAME withdraw", test_watchdog_withdraw);
	CU_add_test(s, "API routes packed; watchdog down and up",
		    test_api_packed_and_watchdog);
	CU_add_test(s, "import: bogons dropped; max-prefix teardown, "
		       "hold-down, restart",
		    test_import_bogons_and_max_prefix);
	s = CU_add_suite("RFC 8950 extended next hop", suite_x_init,
			 suite_f_clean);
	CU_add_test(s, "IPv4 routes with IPv6 next hops, both ways",
		    test_ext_nh_session);
	s = CU_add_suite("ADD-PATH (RFC 7911)", suite_ap_init, NULL);
	CU_add_test(s, "both ways: paths out with ids, in as routes",
		    test_addpath_both_ways);
	CU_add_test(s, "peer without receive: one path a prefix",
		    test_addpath_one_path);
	CU_add_test(s, "export filter changed: each path withdrawn",
		    test_addpath_export_reload);
	s = CU_add_suite("flowspec (RFC 8955)", suite_fs_init,
			 suite_fs_clean);
	CU_add_test(s, "rules out and in, refusals, session down",
		    test_flow_session);
	CU_add_test(s, "config rules: sent, reloaded by difference",
		    test_flow_config);
	CU_add_test(s, "max-prefix counts flowspec rules: Cease 1, SAFI 133",
		    test_flow_max_prefix);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
