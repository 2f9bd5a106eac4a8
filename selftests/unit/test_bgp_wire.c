// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the BGP wire codec (user/lib/bgp_buf.c, user/bgp/bgp_msg.c, bgp_open.c, bgp_wire.c):
 * byte vectors hand-checked against RFC 4271 §4 (header, OPEN, UPDATE,
 * NOTIFICATION, KEEPALIVE), RFC 5492/4760/6793/8654/4724/9072
 * capabilities, RFC 2918/7313 ROUTE-REFRESH, RFC 9003 shutdown
 * communication, RFC 1997/4360/8092 communities, RFC 4724 End-of-RIB;
 * every NOTIFICATION code/subcode the decoders produce; a table of
 * malformed UPDATEs with their RFC 7606 action; and every valid message
 * truncated at every length into a buffer of exactly that size, so that
 * AddressSanitizer sees any read past the end.  ADD-PATH (RFC 7911): the
 * capability, its negotiation, path identifiers on NLRI both ways.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include "bgp_wire.h"
#include "config.h"

#define FF16 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
	     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

static uint8_t out[BGP_EXT_MAX_LEN];
static struct bgp_wbuf w;
static struct bgp_err e;

static const struct bgp_sess_ctx ibgp4 = { .as4 = 1, .ebgp = 0 };
static const struct bgp_sess_ctx ebgp4 = { .as4 = 1, .ebgp = 1 };
static const struct bgp_sess_ctx ibgp2 = { .as4 = 0, .ebgp = 0 };
/* RFC 8950 negotiated for IPv4 unicast */
static const struct bgp_sess_ctx ibgp4x = { .as4 = 1, .ebgp = 0,
					    .ext_nh_v4 = 1 };

static void wreset(void)
{
	bgp_wbuf_init(&w, out, sizeof(out));
}

#define CHECK_ERR(c, s) do {					\
	CU_ASSERT_EQUAL(e.code, (c));				\
	CU_ASSERT_EQUAL(e.subcode, (s));			\
} while (0)

/* --- vectors ----------------------------------------------------------- */

static const uint8_t v_keepalive[] = { FF16, 0x00, 0x13, 0x04 };

/* AS 65001, hold 180, id 192.0.2.1; MP v4, MP v6, route refresh,
 * 4-octet AS 65001 in one capabilities parameter. */
static const uint8_t v_open[] = {
	FF16, 0x00, 0x33, 0x01,
	0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01,
	22, 0x02, 20,
	0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
	0x01, 0x04, 0x00, 0x02, 0x00, 0x01,
	0x02, 0x00,
	0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9,
};

/* The same in RFC 9072 form, with an unknown capability 0x80. */
static const uint8_t v_open_ext[] = {
	FF16, 0x00, 0x2b, 0x01,
	0x04, 0xfd, 0xe9, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
	0xff, 0xff, 0x00, 0x0b,
	0x02, 0x00, 0x08,
	0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9,
	0x80, 0x00,
};

/* Cease / administrative shutdown, "maintenance" (RFC 9003). */
static const uint8_t v_notif[] = {
	FF16, 0x00, 0x21, 0x03, 0x06, 0x02,
	11, 'm', 'a', 'i', 'n', 't', 'e', 'n', 'a', 'n', 'c', 'e',
};

static const uint8_t v_refresh[] = {
	FF16, 0x00, 0x17, 0x05, 0x00, 0x02, 0x00, 0x01,
};

/* IPv4 UPDATE between 4-octet iBGP peers: ORIGIN IGP, AS_PATH
 * (65001 65002), NEXT_HOP 192.0.2.1, MED 100, LOCAL_PREF 200,
 * COMMUNITIES 65001:1, LARGE_COMMUNITIES 65001:1:2; 10/8, 192.168.1/24. */
static const uint8_t v_upd4[] = {
	FF16, 0x00, 0x59, 0x02,
	0x00, 0x00, 0x00, 0x3c,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9,
	0x00, 0x00, 0xfd, 0xea,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x64,
	0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0xc8,
	0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x01,
	0xc0, 0x20, 0x0c, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02,
	0x08, 0x0a, 0x18, 0xc0, 0xa8, 0x01,
};

/* IPv6 UPDATE: ORIGIN IGP, empty AS_PATH, MP_REACH (next hops
 * 2001:db8::1 and fe80::1; 2001:db8::/32, 2001:db8:1::/48), then an
 * extended community after it in type order. */
static const uint8_t v_upd6[] = {
	FF16, 0x00, 0x5d, 0x02,
	0x00, 0x00, 0x00, 0x46,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x00,
	0x80, 0x0e, 0x31, 0x00, 0x02, 0x01, 0x20,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x00,
	0x20, 0x20, 0x01, 0x0d, 0xb8,
	0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0xc0, 0x10, 0x08, 0x00, 0x02, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01,
};

/* Withdraw 172.16/12 (IPv4) and 2001:db8::/32 (MP_UNREACH). */
static const uint8_t v_wd4[] = {
	FF16, 0x00, 0x1a, 0x02, 0x00, 0x03, 0x0c, 0xac, 0x10, 0x00, 0x00,
};

static const uint8_t v_wd6[] = {
	FF16, 0x00, 0x22, 0x02, 0x00, 0x00, 0x00, 0x0b,
	0x80, 0x0f, 0x08, 0x00, 0x02, 0x01, 0x20, 0x20, 0x01, 0x0d, 0xb8,
};

static const uint8_t v_eor4[] = { FF16, 0x00, 0x17, 0x02, 0, 0, 0, 0 };
static const uint8_t v_eor6[] = {
	FF16, 0x00, 0x1d, 0x02, 0, 0, 0x00, 0x06,
	0x80, 0x0f, 0x03, 0x00, 0x02, 0x01,
};

static struct prefix pfx(const char *s)
{
	struct prefix p;
	char err[128];

	CU_ASSERT_FATAL(prefix_parse(s, &p, err, sizeof(err)) == 0);
	return p;
}

static int prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->addr, b->addr, (a->plen + 7) / 8);
}

/* --- bounded buffers --------------------------------------------------- */

static void test_rbuf(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct bgp_rbuf b, s;
	uint8_t u8, n[8];
	uint16_t u16;
	uint32_t u32;

	bgp_rbuf_init(&b, d, sizeof(d));
	CU_ASSERT_EQUAL(bgp_get_u8(&b, &u8), 0);
	CU_ASSERT_EQUAL(u8, 1);
	CU_ASSERT_EQUAL(bgp_get_u16(&b, &u16), 0);
	CU_ASSERT_EQUAL(u16, 0x0203);
	CU_ASSERT_EQUAL(bgp_get_u32(&b, &u32), 0);
	CU_ASSERT_EQUAL(u32, 0x04050607);
	CU_ASSERT_EQUAL(bgp_get_u8(&b, &u8), -1);
	CU_ASSERT_EQUAL(bgp_get_u16(&b, &u16), -1);
	CU_ASSERT_EQUAL(bgp_get_u32(&b, &u32), -1);
	CU_ASSERT_EQUAL(bgp_get_n(&b, n, 1), -1);
	CU_ASSERT_EQUAL(bgp_skip(&b, 1), -1);
	CU_ASSERT_EQUAL(bgp_get_sub(&b, 1, &s), -1);
	CU_ASSERT_EQUAL(bgp_get_n(&b, n, 0), 0);

	/* A failed read consumes nothing. */
	bgp_rbuf_init(&b, d, 3);
	CU_ASSERT_EQUAL(bgp_get_u32(&b, &u32), -1);
	CU_ASSERT_EQUAL(bgp_rbuf_left(&b), 3);
	CU_ASSERT_EQUAL(bgp_get_sub(&b, 2, &s), 0);
	CU_ASSERT_EQUAL(bgp_rbuf_left(&b), 1);
	CU_ASSERT_EQUAL(bgp_get_u16(&s, &u16), 0);
	CU_ASSERT_EQUAL(u16, 0x0102);
	CU_ASSERT_EQUAL(bgp_get_u8(&s, &u8), -1);	/* sub is bounded */
	CU_ASSERT_EQUAL(bgp_get_u8(&b, &u8), 0);
	CU_ASSERT_EQUAL(u8, 3);
}

static void test_wbuf(void)
{
	uint8_t buf[5];
	struct bgp_wbuf x;

	bgp_wbuf_init(&x, buf, sizeof(buf));
	CU_ASSERT_EQUAL(bgp_put_u32(&x, 0x01020304), 0);
	CU_ASSERT_EQUAL(bgp_put_u16(&x, 0x0506), -1);
	CU_ASSERT(x.failed);
	CU_ASSERT_EQUAL(x.len, 4);
	CU_ASSERT_EQUAL(bgp_put_u8(&x, 7), -1);	/* stays failed */
	CU_ASSERT_EQUAL(memcmp(buf, "\x01\x02\x03\x04", 4), 0);

	bgp_wbuf_init(&x, buf, sizeof(buf));
	bgp_put_u16(&x, 0);
	CU_ASSERT_EQUAL(bgp_put_u16_at(&x, 0, 0xabcd), 0);
	CU_ASSERT_EQUAL(bgp_put_u16_at(&x, 1, 0xabcd), -1);
	CU_ASSERT_EQUAL(bgp_put_u8_at(&x, 2, 1), -1);
	CU_ASSERT_EQUAL(buf[0], 0xab);
	CU_ASSERT_EQUAL(buf[1], 0xcd);
}

/* --- header ------------------------------------------------------------ */

static int frame_hdr(uint16_t len, uint8_t type, size_t maxlen)
{
	uint8_t m[19] = { FF16, 0, 0, 0 };
	struct bgp_hdr h;

	m[16] = len >> 8;
	m[17] = len & 0xff;
	m[18] = type;
	memset(&e, 0, sizeof(e));
	return bgp_frame(m, sizeof(m), maxlen, &h, &e);
}

static void test_header(void)
{
	struct bgp_hdr h;
	uint8_t m[19];

	CU_ASSERT_EQUAL(bgp_frame(v_keepalive, 19, BGP_MAX_LEN, &h, &e), 1);
	CU_ASSERT_EQUAL(h.len, 19);
	CU_ASSERT_EQUAL(h.type, BGP_KEEPALIVE);
	CU_ASSERT_EQUAL(bgp_frame(v_open, 40, BGP_MAX_LEN, &h, &e), 0);
	CU_ASSERT_EQUAL(bgp_frame(v_open, 18, BGP_MAX_LEN, &h, &e), 0);

	memcpy(m, v_keepalive, 19);
	m[3] = 0xfe;	/* §6.1 Connection Not Synchronized */
	CU_ASSERT_EQUAL(bgp_frame(m, 19, BGP_MAX_LEN, &h, &e), -1);
	CHECK_ERR(1, 1);

	CU_ASSERT_EQUAL(frame_hdr(18, BGP_KEEPALIVE, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(e.len, 2);
	CU_ASSERT_EQUAL(bgp_err_data(&e)[1], 18);
	CU_ASSERT_EQUAL(frame_hdr(4097, BGP_UPDATE, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(bgp_err_data(&e)[0], 0x10);
	CU_ASSERT_EQUAL(bgp_err_data(&e)[1], 0x01);
	/* RFC 8654: larger UPDATEs once negotiated, but not OPEN. */
	CU_ASSERT_EQUAL(frame_hdr(5000, BGP_UPDATE, BGP_EXT_MAX_LEN), 0);
	CU_ASSERT_EQUAL(frame_hdr(5000, BGP_OPEN, BGP_EXT_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(5000, BGP_KEEPALIVE, BGP_EXT_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(19, 6, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 3);
	CU_ASSERT_EQUAL(e.len, 1);
	CU_ASSERT_EQUAL(bgp_err_data(&e)[0], 6);
	CU_ASSERT_EQUAL(frame_hdr(19, 0, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 3);
	/* §6.1 type-specific minimums */
	CU_ASSERT_EQUAL(frame_hdr(20, BGP_KEEPALIVE, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(28, BGP_OPEN, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(22, BGP_UPDATE, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(20, BGP_NOTIFICATION, BGP_MAX_LEN), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(frame_hdr(29, BGP_OPEN, BGP_MAX_LEN), 0);
}

/* --- OPEN -------------------------------------------------------------- */

static void test_open_vector(void)
{
	struct bgp_open o = { 0 };

	o.my_as = 65001;
	o.hold = 180;
	o.bgp_id = 0xc0000201;
	o.caps.families = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	o.caps.route_refresh = 1;
	o.caps.as4 = 1;
	o.caps.as4_asn = 65001;
	wreset();
	CU_ASSERT_EQUAL(bgp_open_encode(&w, &o), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_open));
	CU_ASSERT_EQUAL(memcmp(out, v_open, sizeof(v_open)), 0);

	memset(&o, 0xaa, sizeof(o));
	CU_ASSERT_EQUAL(bgp_open_decode(v_open, sizeof(v_open), &o, &e), 0);
	CU_ASSERT_EQUAL(o.version, 4);
	CU_ASSERT_EQUAL(o.my_as, 65001);
	CU_ASSERT_EQUAL(o.hold, 180);
	CU_ASSERT_EQUAL(o.bgp_id, 0xc0000201);
	CU_ASSERT_EQUAL(o.caps.families, BGP_FAM_IPV4U | BGP_FAM_IPV6U);
	CU_ASSERT(o.caps.route_refresh);
	CU_ASSERT(o.caps.as4);
	CU_ASSERT_EQUAL(bgp_open_asn(&o), 65001);
	CU_ASSERT(!o.caps.ext_msg);
	CU_ASSERT(!o.caps.gr);
	CU_ASSERT_EQUAL(o.caps.nunknown, 0);
	CU_ASSERT(!o.ext_params);
}

static void test_open_ext_params(void)
{
	struct bgp_open o;

	/* RFC 9072 form, unknown capability kept and ignored (RFC 5492). */
	CU_ASSERT_EQUAL(bgp_open_decode(v_open_ext, sizeof(v_open_ext), &o,
					&e), 0);
	CU_ASSERT(o.ext_params);
	CU_ASSERT_EQUAL(o.hold, 0);
	CU_ASSERT(o.caps.as4);
	CU_ASSERT_EQUAL(o.caps.nunknown, 1);
	CU_ASSERT_EQUAL(o.caps.unknown[0], 0x80);
	CU_ASSERT_EQUAL(o.caps.families, 0);	/* no MP: RFC 4760 legacy */
}

static void test_open_roundtrip(void)
{
	struct bgp_open o = { 0 }, d;
	int ext;

	for (ext = 0; ext < 2; ext++) {
		memset(&o, 0, sizeof(o));
		o.version = BGP_VERSION;
		o.my_as = BGP_AS_TRANS;
		o.hold = 90;
		o.bgp_id = 0x0a000001;
		o.ext_params = ext;
		o.caps.families = BGP_FAM_IPV6U;
		o.caps.ext_msg = 1;
		o.caps.as4 = 1;
		o.caps.as4_asn = 4200000000u;
		o.caps.gr = 1;
		o.caps.gr_flags = 0x8;
		o.caps.gr_time = 120;
		o.caps.ngr_af = 2;
		o.caps.gr_af[0] = (struct bgp_gr_af){ 1, 1, 0x80 };
		o.caps.gr_af[1] = (struct bgp_gr_af){ 2, 1, 0x00 };
		wreset();
		CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
		CU_ASSERT_EQUAL(bgp_open_decode(out, w.len, &d, &e), 0);
		CU_ASSERT_EQUAL(memcmp(&o, &d, sizeof(o)), 0);
		CU_ASSERT_EQUAL(bgp_open_asn(&d), 4200000000u);
	}
}

static int open_mut(size_t off, uint8_t val)
{
	struct bgp_open o;
	uint8_t m[sizeof(v_open)];

	memcpy(m, v_open, sizeof(m));
	m[off] = val;
	memset(&e, 0, sizeof(e));
	return bgp_open_decode(m, sizeof(m), &o, &e);
}

static void test_open_errors(void)
{
	/* offsets: 19 version, 20-21 AS, 22-23 hold, 24-27 id, 28 optlen,
	 * 29 param type, 30 param len, 31.. caps (AS4 value at 47..50) */
	CU_ASSERT_EQUAL(open_mut(19, 3), -1);
	CHECK_ERR(2, 1);
	CU_ASSERT_EQUAL(e.len, 2);
	CU_ASSERT_EQUAL(bgp_err_data(&e)[1], 4);	/* §6.2 */
	{
		uint8_t m[sizeof(v_open)];
		struct bgp_open o;

		memcpy(m, v_open, sizeof(m));
		m[20] = m[21] = 0;	/* AS 0: RFC 7607 */
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), -1);
		CHECK_ERR(2, 2);
		memcpy(m, v_open, sizeof(m));
		m[47] = m[48] = m[49] = m[50] = 0;	/* AS4 cap 0 */
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), -1);
		CHECK_ERR(2, 2);
		memcpy(m, v_open, sizeof(m));
		m[24] = m[25] = m[26] = m[27] = 0;
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), -1);
		CHECK_ERR(2, 3);
		memcpy(m, v_open, sizeof(m));
		m[22] = 0;
		m[23] = 2;
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), -1);
		CHECK_ERR(2, 6);
		m[23] = 1;
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), -1);
		CHECK_ERR(2, 6);
		m[23] = 3;
		CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &o, &e), 0);
	}
	CU_ASSERT_EQUAL(open_mut(29, 1), -1);	/* auth parameter */
	CHECK_ERR(2, 4);
	CU_ASSERT_EQUAL(open_mut(28, 23), -1);	/* optlen past the end */
	CHECK_ERR(2, 0);
	CU_ASSERT_EQUAL(open_mut(28, 21), -1);	/* bytes after params */
	CHECK_ERR(2, 0);
	CU_ASSERT_EQUAL(open_mut(30, 21), -1);	/* param overruns */
	CHECK_ERR(2, 0);
	CU_ASSERT_EQUAL(open_mut(32, 5), -1);	/* MP cap length 5 */
	CHECK_ERR(2, 0);
	CU_ASSERT_EQUAL(open_mut(44, 1), -1);	/* route refresh len 1 */
	CHECK_ERR(2, 0);
	CU_ASSERT_EQUAL(open_mut(46, 3), -1);	/* AS4 cap len 3 */
	CHECK_ERR(2, 0);
}

/* --- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ---------------------------- */

static void test_keepalive(void)
{
	wreset();
	CU_ASSERT_EQUAL(bgp_keepalive_encode(&w), 0);
	CU_ASSERT_EQUAL(w.len, 19);
	CU_ASSERT_EQUAL(memcmp(out, v_keepalive, 19), 0);
	CU_ASSERT_EQUAL(bgp_keepalive_decode(out, 19, &e), 0);
	CU_ASSERT_EQUAL(bgp_keepalive_decode(out, 20, &e), -1);
	CHECK_ERR(1, 2);
}

static void test_notification(void)
{
	struct bgp_notif n;
	uint8_t m[64];
	char big[400];
	size_t i;

	wreset();
	CU_ASSERT_EQUAL(bgp_notif_encode_shutdown(&w, 2, "maintenance"), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_notif));
	CU_ASSERT_EQUAL(memcmp(out, v_notif, sizeof(v_notif)), 0);
	CU_ASSERT_EQUAL(bgp_notif_decode(v_notif, sizeof(v_notif), &n, &e), 0);
	CU_ASSERT_EQUAL(n.code, 6);
	CU_ASSERT_EQUAL(n.subcode, 2);
	CU_ASSERT(n.has_shutdown);
	CU_ASSERT(!n.shutdown_bad);
	CU_ASSERT_STRING_EQUAL(n.shutdown, "maintenance");

	/* Length byte overrunning: the message is fine, the text unusable
	 * (RFC 9003 §4). */
	memcpy(m, v_notif, sizeof(v_notif));
	m[21] = 12;
	CU_ASSERT_EQUAL(bgp_notif_decode(m, sizeof(v_notif), &n, &e), 0);
	CU_ASSERT(n.shutdown_bad);
	memcpy(m, v_notif, sizeof(v_notif));
	m[22] = 0xc0;	/* overlong lead byte */
	CU_ASSERT_EQUAL(bgp_notif_decode(m, sizeof(v_notif), &n, &e), 0);
	CU_ASSERT(n.shutdown_bad);
	/* Other codes carry plain data. */
	memcpy(m, v_notif, sizeof(v_notif));
	m[20] = 3;
	CU_ASSERT_EQUAL(bgp_notif_decode(m, sizeof(v_notif), &n, &e), 0);
	CU_ASSERT(!n.has_shutdown);
	CU_ASSERT_EQUAL(n.len, 12);

	/* Cut at 255 bytes, at a character boundary. */
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);	/* é */
	big[i] = '\0';
	wreset();
	CU_ASSERT_EQUAL(bgp_notif_encode_shutdown(&w, 4, big), 0);
	CU_ASSERT_EQUAL(out[21], 254);
	CU_ASSERT_EQUAL(bgp_notif_decode(out, w.len, &n, &e), 0);
	CU_ASSERT(n.has_shutdown && !n.shutdown_bad);
	CU_ASSERT_EQUAL(strlen(n.shutdown), 254);
	wreset();
	CU_ASSERT_EQUAL(bgp_notif_encode_shutdown(&w, 2, "\xff"), -1);

	/* An error round trip: data by reference. */
	e = (struct bgp_err){ .code = 1, .subcode = 2, .len = 2,
			      .small = { 0x10, 0x01 } };
	wreset();
	CU_ASSERT_EQUAL(bgp_notif_encode_err(&w, &e), 0);
	CU_ASSERT_EQUAL(w.len, 23);
	CU_ASSERT_EQUAL(bgp_notif_decode(out, w.len, &n, &e), 0);
	CU_ASSERT_EQUAL(n.code, 1);
	CU_ASSERT_EQUAL(n.subcode, 2);
	CU_ASSERT_EQUAL(n.len, 2);
	CU_ASSERT_EQUAL(n.data[0], 0x10);
	wreset();
	CU_ASSERT_EQUAL(bgp_notif_encode(&w, 4, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(w.len, 21);
	CU_ASSERT_EQUAL(bgp_notif_decode(out, 20, &n, &e), -1);
	CHECK_ERR(1, 2);
}

static void test_refresh(void)
{
	struct bgp_refresh r = { BGP_AFI_IPV6, 0, BGP_SAFI_UNICAST }, d;
	uint8_t m[24];

	wreset();
	CU_ASSERT_EQUAL(bgp_refresh_encode(&w, &r), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_refresh));
	CU_ASSERT_EQUAL(memcmp(out, v_refresh, sizeof(v_refresh)), 0);
	CU_ASSERT_EQUAL(bgp_refresh_decode(out, w.len, &d, &e), 0);
	CU_ASSERT_EQUAL(d.afi, 2);
	CU_ASSERT_EQUAL(d.safi, 1);
	CU_ASSERT_EQUAL(d.subtype, 0);
	/* RFC 7313 §5: code 7/1 with the whole message as data. */
	memcpy(m, v_refresh, 23);
	m[17] = 24;
	m[23] = 0;
	CU_ASSERT_EQUAL(bgp_refresh_decode(m, 24, &d, &e), -1);
	CHECK_ERR(7, 1);
	CU_ASSERT_EQUAL(e.len, 24);
	CU_ASSERT_PTR_EQUAL(bgp_err_data(&e), m);
}

/* --- UPDATE ------------------------------------------------------------ */

static void test_update4_decode(void)
{
	struct bgp_update u;
	struct bgp_nlri_iter it;
	struct bgp_aspath_iter ai;
	struct prefix p;
	uint32_t asn;
	uint8_t st;

	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4, sizeof(v_upd4), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT(!u.eor);
	CU_ASSERT_EQUAL(u.withdrawn.count, 0);
	CU_ASSERT_EQUAL(u.nlri.count, 2);
	CU_ASSERT_EQUAL(u.attrs.origin, 0);
	CU_ASSERT_EQUAL(memcmp(u.attrs.nexthop, "\xc0\x00\x02\x01", 4), 0);
	CU_ASSERT_EQUAL(u.attrs.med, 100);
	CU_ASSERT_EQUAL(u.attrs.local_pref, 200);
	CU_ASSERT_EQUAL(u.attrs.ncomm, 1);
	CU_ASSERT_EQUAL(u.attrs.nlarge_comm, 1);
	CU_ASSERT_EQUAL(u.attrs.has,
			(1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) |
			(1u << 5) | (1u << 8) | ((uint64_t)1 << 32));
	bgp_aspath_iter_init(&ai, &u.attrs.aspath);
	CU_ASSERT_EQUAL(bgp_aspath_next(&ai, &asn, &st), 1);
	CU_ASSERT_EQUAL(asn, 65001);
	CU_ASSERT_EQUAL(st, BGP_ASSEG_SEQUENCE);
	CU_ASSERT_EQUAL(bgp_aspath_next(&ai, &asn, &st), 1);
	CU_ASSERT_EQUAL(asn, 65002);
	CU_ASSERT_EQUAL(bgp_aspath_next(&ai, &asn, &st), 0);
	bgp_nlri_iter_init(&it, &u.nlri);
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &p), 1);
	CU_ASSERT(prefix_eq(&p, &(struct prefix){ AF_INET, 8, { 10 } }));
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &p), 1);
	CU_ASSERT(prefix_eq(&p, &(struct prefix){ AF_INET, 24,
						  { 192, 168, 1 } }));
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &p), 0);

	/* From an external peer LOCAL_PREF is dropped (RFC 7606 §7.5). */
	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4, sizeof(v_upd4), &ebgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT(!BGP_HAS(&u.attrs, BGP_ATTR_LOCAL_PREF));
	CU_ASSERT(u.discarded & (1u << BGP_ATTR_LOCAL_PREF));
}

/* Attributes for v_upd4, built the way the session will from a static
 * route (struct cfg_route). */
static uint8_t path_buf[64];
static const uint8_t comm1[] = { 0xfd, 0xe9, 0x00, 0x01 };
static const uint8_t large1[] = { 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2 };

static void attrs4(struct bgp_attrs *a)
{
	static const uint32_t path[] = { 65001, 65002 };
	int n = bgp_aspath_build(path_buf, sizeof(path_buf), path, 2);

	CU_ASSERT_EQUAL_FATAL(n, 10);
	memset(a, 0, sizeof(*a));
	a->has = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) |
		 (1u << 8) | ((uint64_t)1 << 32);
	a->origin = 0;
	a->aspath = (struct bgp_aspath){ path_buf, (size_t)n, 4 };
	memcpy(a->nexthop, "\xc0\x00\x02\x01", 4);
	a->med = 100;
	a->local_pref = 200;
	a->comm = comm1;
	a->ncomm = 1;
	a->large_comm = large1;
	a->nlarge_comm = 1;
}

static void test_update4_encode(void)
{
	struct bgp_attrs a;
	struct prefix p[2] = { pfx("10.0.0.0/8"), pfx("192.168.1.0/24") };

	attrs4(&a);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4));
	CU_ASSERT_EQUAL(memcmp(out, v_upd4, sizeof(v_upd4)), 0);

	/* Toward an external peer: no LOCAL_PREF (RFC 4271 §5.1.5). */
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ebgp4, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4) - 7);
}

static void test_update6(void)
{
	static const uint8_t ext1[] = { 0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 1 };
	struct prefix p[2] = { pfx("2001:db8::/32"), pfx("2001:db8:1::/48") };
	struct bgp_attrs a = { 0 };
	struct bgp_update u;
	struct bgp_nlri_iter it;
	struct prefix q;

	a.has = (1u << 1) | (1u << 2) | (1u << 16);
	a.aspath = (struct bgp_aspath){ NULL, 0, 4 };
	a.mp_nh_len = 32;
	memcpy(a.mp_nh, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
			"\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 32);
	a.ext_comm = ext1;
	a.next_comm = 1;
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd6));
	CU_ASSERT_EQUAL(memcmp(out, v_upd6, sizeof(v_upd6)), 0);

	CU_ASSERT_EQUAL(bgp_update_decode(v_upd6, sizeof(v_upd6), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.nlri.count, 0);
	CU_ASSERT_EQUAL(u.mp_reach.count, 2);
	CU_ASSERT_EQUAL(u.mp_reach.family, AF_INET6);
	CU_ASSERT_EQUAL(u.attrs.mp_afi, 2);
	CU_ASSERT_EQUAL(u.attrs.mp_nh_len, 32);
	CU_ASSERT_EQUAL(memcmp(u.attrs.mp_nh, a.mp_nh, 32), 0);
	CU_ASSERT_EQUAL(u.attrs.next_comm, 1);
	bgp_nlri_iter_init(&it, &u.mp_reach);
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 1);
	CU_ASSERT(prefix_eq(&q, &p[0]));
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 1);
	CU_ASSERT(prefix_eq(&q, &p[1]));

	/* Global next hop only. */
	a.mp_nh_len = 16;
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.attrs.mp_nh_len, 16);
	a.mp_nh_len = 0;
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			-1);
}

static void test_withdraw_eor(void)
{
	struct prefix p4 = pfx("172.16.0.0/12"), p6 = pfx("2001:db8::/32");
	struct bgp_update u;
	struct bgp_nlri_iter it;
	struct prefix q;

	wreset();
	CU_ASSERT_EQUAL(bgp_withdraw_encode(&w, BGP_MAX_LEN, &p4, 1), 1);
	CU_ASSERT_EQUAL(w.len, sizeof(v_wd4));
	CU_ASSERT_EQUAL(memcmp(out, v_wd4, sizeof(v_wd4)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_wd4, sizeof(v_wd4), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.withdrawn.count, 1);
	CU_ASSERT(!u.eor);
	bgp_nlri_iter_init(&it, &u.withdrawn);
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 1);
	CU_ASSERT(prefix_eq(&q, &p4));

	wreset();
	CU_ASSERT_EQUAL(bgp_withdraw_encode(&w, BGP_MAX_LEN, &p6, 1), 1);
	CU_ASSERT_EQUAL(w.len, sizeof(v_wd6));
	CU_ASSERT_EQUAL(memcmp(out, v_wd6, sizeof(v_wd6)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_wd6, sizeof(v_wd6), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.mp_unreach.count, 1);
	CU_ASSERT(!u.eor);	/* has a prefix: not End-of-RIB */

	/* RFC 4724 §2 */
	wreset();
	CU_ASSERT_EQUAL(bgp_eor_encode(&w, 1, 1), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_eor4));
	CU_ASSERT_EQUAL(memcmp(out, v_eor4, sizeof(v_eor4)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_eor4, sizeof(v_eor4), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT(u.eor);
	CU_ASSERT_EQUAL(u.eor_afi, 1);
	wreset();
	CU_ASSERT_EQUAL(bgp_eor_encode(&w, 2, 1), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_eor6));
	CU_ASSERT_EQUAL(memcmp(out, v_eor6, sizeof(v_eor6)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_eor6, sizeof(v_eor6), &ibgp4, &u,
					  &e), BGP_ACT_OK);
	CU_ASSERT(u.eor);
	CU_ASSERT_EQUAL(u.eor_afi, 2);
	CU_ASSERT_EQUAL(u.eor_safi, 1);
}

/* Many prefixes with one attribute set: packed up to the maximum. */
static void pack(int family, size_t maxlen, size_t n, int withdraw)
{
	struct prefix *p = calloc(n, sizeof(*p));
	struct bgp_attrs a;
	struct bgp_update u;
	size_t i, done = 0, msgs = 0, seen = 0;

	CU_ASSERT_FATAL(p != NULL);
	attrs4(&a);
	a.mp_nh_len = 16;
	for (i = 0; i < n; i++) {
		p[i].family = family;
		p[i].plen = family == AF_INET ? 24 : 48;
		p[i].addr[0] = family == AF_INET ? 10 : 0x20;
		p[i].addr[1] = (uint8_t)(i >> 8);
		p[i].addr[2] = (uint8_t)i;
	}
	while (done < n) {
		int k;

		wreset();
		k = withdraw ? bgp_withdraw_encode(&w, maxlen, p + done,
						   n - done)
			     : bgp_update_encode(&w, maxlen, &ibgp4, &a,
						 p + done, n - done);
		CU_ASSERT_FATAL(k > 0);
		CU_ASSERT(w.len <= maxlen);
		CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
				BGP_ACT_OK);
		seen += u.nlri.count + u.mp_reach.count + u.withdrawn.count +
			u.mp_unreach.count;
		done += (size_t)k;
		msgs++;
		/* every message but the last is full to within a prefix */
		if (done < n)
			CU_ASSERT(w.len + 8 > maxlen);
	}
	CU_ASSERT_EQUAL(seen, n);
	CU_ASSERT(msgs > 1);
	free(p);
}

static void test_update_packing(void)
{
	pack(AF_INET, BGP_MAX_LEN, 3000, 0);
	pack(AF_INET, BGP_EXT_MAX_LEN, 30000, 0);
	pack(AF_INET6, BGP_MAX_LEN, 3000, 0);
	pack(AF_INET6, BGP_EXT_MAX_LEN, 30000, 0);
	pack(AF_INET, BGP_MAX_LEN, 3000, 1);
	pack(AF_INET6, BGP_MAX_LEN, 3000, 1);
}

static void test_update_roundtrip(void)
{
	static uint8_t many[400];
	struct bgp_attrs a;
	struct bgp_update u;
	struct prefix p = pfx("198.51.100.0/24");
	size_t i;

	attrs4(&a);
	for (i = 0; i < sizeof(many); i++)
		many[i] = (uint8_t)i;
	a.comm = many;
	a.ncomm = 100;	/* 400 bytes: extended length (RFC 4271 §4.3) */
	a.has |= 1u << BGP_ATTR_ATOMIC_AGGR | 1u << BGP_ATTR_AGGREGATOR;
	a.aggr_as = 65010;
	memcpy(a.aggr_id, "\x0a\0\0\x01", 4);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, &p, 1),
			1);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.attrs.has, a.has);
	CU_ASSERT_EQUAL(u.attrs.ncomm, 100);
	CU_ASSERT_EQUAL(memcmp(u.attrs.comm, many, 400), 0);
	CU_ASSERT_EQUAL(u.attrs.aggr_as, 65010);
	CU_ASSERT_EQUAL(u.attrs.aspath.len, a.aspath.len);
	CU_ASSERT_EQUAL(memcmp(u.attrs.aspath.p, a.aspath.p, a.aspath.len), 0);
	CU_ASSERT_EQUAL(u.attrs.med, a.med);
	CU_ASSERT_EQUAL(u.attrs.local_pref, a.local_pref);
	/* the community attribute carries the extended length flag */
	{
		const uint8_t *c = memmem(out, w.len, "\xd0\x08\x01\x90", 4);

		CU_ASSERT_PTR_NOT_NULL(c);
	}
	/* decode(encode(decode(x))) == x */
	{
		struct bgp_update u2;
		uint8_t again[BGP_MAX_LEN];
		struct bgp_wbuf w2;
		struct prefix q;
		struct bgp_nlri_iter it;

		bgp_wbuf_init(&w2, again, sizeof(again));
		bgp_nlri_iter_init(&it, &u.nlri);
		CU_ASSERT_FATAL(bgp_nlri_next(&it, &q) == 1);
		CU_ASSERT_EQUAL(bgp_update_encode(&w2, BGP_MAX_LEN, &ibgp4,
						  &u.attrs, &q, 1), 1);
		CU_ASSERT_EQUAL(w2.len, w.len);
		CU_ASSERT_EQUAL(memcmp(again, out, w.len), 0);
		CU_ASSERT_EQUAL(bgp_update_decode(again, w2.len, &ibgp4, &u2,
						  &e), BGP_ACT_OK);
	}
}

/* RFC 6793 §4.2.2: toward a 2-octet peer. */
static void test_as4_to_old_peer(void)
{
	static const uint32_t path[] = { 65001, 4200000000u };
	uint8_t buf[32];
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_aspath_iter it;
	struct prefix p = pfx("10.0.0.0/8");
	uint32_t asn;
	uint8_t st;

	attrs4(&a);
	a.aspath.len = (size_t)bgp_aspath_build(buf, sizeof(buf), path, 2);
	a.aspath.p = buf;
	a.has |= 1u << BGP_ATTR_AGGREGATOR;
	a.aggr_as = 4200000001u;
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp2, &a, &p, 1),
			1);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp2, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.attrs.aspath.as_size, 2);
	bgp_aspath_iter_init(&it, &u.attrs.aspath);
	CU_ASSERT(bgp_aspath_next(&it, &asn, &st) && asn == 65001);
	CU_ASSERT(bgp_aspath_next(&it, &asn, &st) && asn == BGP_AS_TRANS);
	CU_ASSERT(BGP_HAS(&u.attrs, BGP_ATTR_AS4_PATH));
	bgp_aspath_iter_init(&it, &u.attrs.as4_path);
	CU_ASSERT(bgp_aspath_next(&it, &asn, &st) && asn == 65001);
	CU_ASSERT(bgp_aspath_next(&it, &asn, &st) && asn == 4200000000u);
	CU_ASSERT_EQUAL(u.attrs.aggr_as, BGP_AS_TRANS);
	CU_ASSERT(BGP_HAS(&u.attrs, BGP_ATTR_AS4_AGGREGATOR));
	CU_ASSERT_EQUAL(u.attrs.as4_aggr_as, 4200000001u);
	/* ... and put back together by the receiver (RFC 6793 §4.2.3). */
	{
		uint8_t merged[64];

		CU_ASSERT_EQUAL(bgp_attrs_as4_merge(&u.attrs, merged,
						    sizeof(merged)), 0);
		CU_ASSERT_EQUAL(u.attrs.aspath.as_size, 4);
		CU_ASSERT_EQUAL(u.attrs.aspath.len, a.aspath.len);
		CU_ASSERT_EQUAL(memcmp(u.attrs.aspath.p, a.aspath.p,
				       a.aspath.len), 0);
		CU_ASSERT_EQUAL(u.attrs.aggr_as, 4200000001u);
		CU_ASSERT(!BGP_HAS(&u.attrs, BGP_ATTR_AS4_PATH));
		CU_ASSERT_EQUAL(bgp_attrs_as4_merge(&u.attrs, merged, 4), 0);
	}
	/* Between 4-octet speakers AS4_PATH is ignored. */
	{
		uint8_t m[BGP_MAX_LEN];
		struct bgp_wbuf w2;

		bgp_wbuf_init(&w2, m, sizeof(m));
		CU_ASSERT_EQUAL(bgp_update_encode(&w2, BGP_MAX_LEN, &ibgp4, &a,
						  &p, 1), 1);
		CU_ASSERT_PTR_NULL(memmem(m, w2.len, "\xc0\x11", 2));
	}
}

/* RFC 6793 §4.2.3 cases by hand. */
static void merge_case(const uint8_t *p2, size_t l2, const uint8_t *p4,
		       size_t l4, uint32_t aggr, const uint32_t *want,
		       size_t nwant)
{
	struct bgp_attrs a = { 0 };
	struct bgp_aspath_iter it;
	uint8_t buf[64], st;
	uint32_t asn;
	size_t i = 0;

	a.has = 1u << BGP_ATTR_AS_PATH | 1u << BGP_ATTR_AS4_PATH;
	a.aspath = (struct bgp_aspath){ p2, l2, 2 };
	a.as4_path = (struct bgp_aspath){ p4, l4, 4 };
	if (aggr) {
		a.has |= 1u << BGP_ATTR_AGGREGATOR |
			 1u << BGP_ATTR_AS4_AGGREGATOR;
		a.aggr_as = aggr;
		a.as4_aggr_as = 4200000009u;
	}
	CU_ASSERT_EQUAL_FATAL(bgp_attrs_as4_merge(&a, buf, sizeof(buf)), 0);
	bgp_aspath_iter_init(&it, &a.aspath);
	while (bgp_aspath_next(&it, &asn, &st)) {
		CU_ASSERT(i < nwant && want[i] == asn);
		i++;
	}
	CU_ASSERT_EQUAL(i, nwant);
	CU_ASSERT_EQUAL(a.has & (1u << BGP_ATTR_AS4_PATH |
				 1u << BGP_ATTR_AS4_AGGREGATOR), 0);
	if (aggr == BGP_AS_TRANS)
		CU_ASSERT_EQUAL(a.aggr_as, 4200000009u);
	if (aggr && aggr != BGP_AS_TRANS)
		CU_ASSERT_EQUAL(a.aggr_as, aggr);
}

static void test_as4_merge(void)
{
	/* 65005 prepended by a 2-octet speaker after the AS4_PATH */
	static const uint8_t p2[] = { 2, 3, 0xfd, 0xed, 0xfd, 0xe9,
				      0x5b, 0xa0 };
	static const uint8_t p4[] = { 2, 2, 0, 0, 0xfd, 0xe9,
				      0xfa, 0x56, 0xea, 0x00 };
	static const uint8_t p4long[] = { 2, 4, 0, 0, 0, 1, 0, 0, 0, 2,
					  0, 0, 0, 3, 0, 0, 0, 4 };
	/* an AS_SET counts as one */
	static const uint8_t p2set[] = { 1, 2, 0, 7, 0, 8, 2, 1, 0x5b, 0xa0 };
	static const uint8_t p4one[] = { 2, 1, 0xfa, 0x56, 0xea, 0x00 };
	static const uint32_t w1[] = { 65005, 65001, 4200000000u };
	static const uint32_t w2[] = { 65005, 65001, BGP_AS_TRANS };
	static const uint32_t w3[] = { 7, 8, 4200000000u };

	merge_case(p2, sizeof(p2), p4, sizeof(p4), 0, w1, 3);
	/* AS4_PATH longer than AS_PATH: ignored */
	merge_case(p2, sizeof(p2), p4long, sizeof(p4long), 0, w2, 3);
	/* AGGREGATOR without AS_TRANS: the AS4 attributes are stale */
	merge_case(p2, sizeof(p2), p4, sizeof(p4), 65010, w2, 3);
	merge_case(p2, sizeof(p2), p4, sizeof(p4), BGP_AS_TRANS, w1, 3);
	merge_case(p2set, sizeof(p2set), p4one, sizeof(p4one), 0, w3, 3);
}

/* Static routes (config.h) to attributes, then to the v_upd4 bytes. */
static void test_route_attrs(void)
{
	uint32_t path[] = { 65001, 65002 }, comm[] = { 0xfde90001 };
	struct cfg_lcomm large = { 65001, 1, 2 };
	struct cfg_route r = { 0 };
	struct prefix p[2] = { pfx("10.0.0.0/8"), pfx("192.168.1.0/24") };
	struct prefix self6 = pfx("2001:db8::1"), ll = pfx("fe80::1");
	struct bgp_attrs a;
	struct bgp_update u;
	uint8_t buf[128];

	r.prefix = p[0];
	r.next_hop = pfx("192.0.2.1");
	r.origin = CFG_ORIGIN_IGP;
	r.flags = CFG_RT_MED | CFG_RT_LOCAL_PREF;
	r.med = 100;
	r.local_pref = 200;
	r.as_path = path;
	r.as_path_len = 2;
	r.communities = comm;
	r.ncommunities = 1;
	r.large = &large;
	r.nlarge = 1;
	CU_ASSERT_EQUAL_FATAL(bgp_route_attrs(&r, NULL, NULL, buf,
					      sizeof(buf), &a), 0);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4));
	CU_ASSERT_EQUAL(memcmp(out, v_upd4, sizeof(v_upd4)), 0);
	CU_ASSERT_EQUAL(bgp_route_attrs(&r, NULL, NULL, buf, 20, &a), -1);

	/* IPv6, next-hop self: global and link-local (RFC 2545) */
	r.prefix = pfx("2001:db8:5::/48");
	r.nh_self = 1;
	CU_ASSERT_EQUAL(bgp_route_attrs(&r, &p[0], NULL, buf, sizeof(buf),
					&a), -1);	/* wrong family */
	CU_ASSERT_EQUAL_FATAL(bgp_route_attrs(&r, &self6, &ll, buf,
					      sizeof(buf), &a), 0);
	CU_ASSERT_EQUAL(a.mp_nh_len, 32);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ebgp4, &a,
					  &r.prefix, 1), 1);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ebgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.mp_reach.count, 1);
	CU_ASSERT_EQUAL(memcmp(u.attrs.mp_nh, self6.addr, 16), 0);
	CU_ASSERT_EQUAL(memcmp(u.attrs.mp_nh + 16, ll.addr, 16), 0);
	CU_ASSERT_EQUAL(u.attrs.med, 100);
	CU_ASSERT(!BGP_HAS(&u.attrs, BGP_ATTR_LOCAL_PREF));
	CU_ASSERT(!BGP_HAS(&u.attrs, BGP_ATTR_NEXT_HOP));
	CU_ASSERT_EQUAL(u.attrs.nlarge_comm, 1);
}

/* ExaBGP's other route attributes: ATOMIC_AGGREGATE, AGGREGATOR (a
 * 4-octet AS toward a 2-octet session: AS_TRANS and AS4_AGGREGATOR, RFC
 * 6793 §4.2.2), ORIGINATOR_ID and CLUSTER_LIST (RFC 4456 §8) and an
 * attribute [ ] of a code we do not model, sent with its own flags. */
static void test_route_attrs_more(void)
{
	static const struct bgp_sess_ctx as2 = { .as4 = 0 };
	uint32_t cluster[] = { 0x0a000002, 0x0a000003 };
	uint8_t raw[] = { 0xc0, 0x99, 0x00, 0x02, 0xab, 0xcd };
	struct cfg_route r = { 0 };
	struct prefix p = pfx("10.0.0.0/8");
	struct bgp_attrs a;
	struct bgp_update u;
	uint8_t buf[256];
	int seen = 0;

	r.prefix = p;
	r.next_hop = pfx("192.0.2.1");
	r.flags = CFG_RT_ATOMIC_AGGR | CFG_RT_AGGREGATOR | CFG_RT_ORIGINATOR;
	r.aggr_as = 4200000000u;
	r.aggr_id = 0xc0000209;
	r.originator_id = 0x0a000001;
	r.cluster = cluster;
	r.ncluster = 2;
	r.raw = raw;
	r.raw_len = sizeof(raw);
	CU_ASSERT_EQUAL_FATAL(bgp_route_attrs(&r, NULL, NULL, buf,
					      sizeof(buf), &a), 0);
	wreset();
	CU_ASSERT_EQUAL_FATAL(bgp_update_encode(&w, BGP_MAX_LEN, &as2, &a, &p,
						1), 1);
	CU_ASSERT_EQUAL_FATAL(bgp_update_decode(out, w.len, &as2, &u, &e),
			      BGP_ACT_OK);
	CU_ASSERT(BGP_HAS(&u.attrs, BGP_ATTR_ATOMIC_AGGR));
	CU_ASSERT(BGP_HAS(&u.attrs, BGP_ATTR_AGGREGATOR));
	CU_ASSERT_EQUAL(u.attrs.aggr_as, BGP_AS_TRANS);
	CU_ASSERT_EQUAL(u.attrs.as4_aggr_as, 4200000000u);
	CU_ASSERT_EQUAL(memcmp(u.attrs.aggr_id, "\xc0\x00\x02\x09", 4), 0);
	/* RFC 4456's two are optional non-transitive: a receiver that does
	 * not know them (our decoder) drops them, so look at the bytes */
	CU_ASSERT_PTR_NOT_NULL(memmem(out, w.len,
				      "\x80\x09\x04\x0a\x00\x00\x01", 7));
	CU_ASSERT_PTR_NOT_NULL(memmem(out, w.len,
				      "\x80\x0a\x08\x0a\x00\x00\x02"
				      "\x0a\x00\x00\x03",
				      11));
	/* as written: no Partial bit added */
	for (size_t i = 0; i < u.attrs.nunknown; i++) {
		const struct bgp_raw_attr *x = &u.attrs.unknown[i];

		if (x->type == 0x99 && x->flags == 0xc0 && x->len == 2 &&
		    !memcmp(x->p, "\xab\xcd", 2))
			seen = 1;
	}
	CU_ASSERT_EQUAL(seen, 1);
}

/* Every encoder into every too-small buffer (malloc'd to the exact size,
 * for ASan): -1, or fewer prefixes, never a write past the end. */
static int enc_one(int which, struct bgp_wbuf *x)
{
	static const struct bgp_refresh r = { 1, 0, 1 };
	struct prefix p[2] = { pfx("10.0.0.0/8"), pfx("192.168.1.0/24") };
	struct prefix p6[2] = { pfx("2001:db8::/32"),
				pfx("2001:db8:1::/48") };
	struct bgp_open o = { 0 };
	struct bgp_attrs a;

	switch (which) {
	case 0:
		o.my_as = 65001;
		o.bgp_id = 1;
		o.caps.families = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
		o.caps.as4 = 1;
		o.caps.gr = 1;
		return bgp_open_encode(x, &o) == 0 ? 2 : -1;
	case 1:
		return bgp_keepalive_encode(x) == 0 ? 2 : -1;
	case 2:
		return bgp_notif_encode_shutdown(x, 2, "bye") == 0 ? 2 : -1;
	case 3:
		return bgp_refresh_encode(x, &r) == 0 ? 2 : -1;
	case 4:
		attrs4(&a);
		return bgp_update_encode(x, BGP_MAX_LEN, &ibgp4, &a, p, 2);
	case 5:
		attrs4(&a);
		a.mp_nh_len = 32;
		return bgp_update_encode(x, BGP_MAX_LEN, &ibgp2, &a, p6, 2);
	case 6:
		return bgp_withdraw_encode(x, BGP_MAX_LEN, p, 2);
	case 7:
		return bgp_withdraw_encode(x, BGP_MAX_LEN, p6, 2);
	case 8:
		return bgp_eor_encode(x, 2, 1) == 0 ? 2 : -1;
	}
	return -1;
}

static void test_encode_small(void)
{
	int which;

	for (which = 0; which <= 8; which++) {
		struct bgp_wbuf x;
		size_t full, cap;

		wreset();
		CU_ASSERT_FATAL(enc_one(which, &w) == 2);
		full = w.len;
		for (cap = 0; cap < full; cap++) {
			uint8_t *b = malloc(cap ? cap : 1);
			struct bgp_hdr h;
			int rc;

			CU_ASSERT_FATAL(b != NULL);
			bgp_wbuf_init(&x, b, cap);
			rc = enc_one(which, &x);
			CU_ASSERT(rc == -1 || rc == 1);
			CU_ASSERT(x.len <= cap);
			/* one prefix fitted: a whole, valid message */
			if (rc == 1) {
				CU_ASSERT_EQUAL(bgp_frame(b, x.len, BGP_MAX_LEN,
							  &h, &e), 1);
				CU_ASSERT_EQUAL(h.len, x.len);
			}
			free(b);
		}
	}
}

static void test_short_bodies(void)
{
	struct bgp_open o;
	struct bgp_update u;

	/* Decoders called on less than their minimum (§6.1 data: the
	 * length). */
	CU_ASSERT_EQUAL(bgp_open_decode(v_open, 28, &o, &e), -1);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4, 20, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(1, 2);
	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4, 22, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(3, 1);
}

static void test_unknown_attrs(void)
{
	/* ORIGIN, AS_PATH, NEXT_HOP, optional transitive 99, optional
	 * non-transitive 98; NLRI 10/8. */
	static const uint8_t m[] = {
		FF16, 0x00, 0x32, 0x02, 0x00, 0x00, 0x00, 0x19,
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x00,
		0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,
		0xc0, 0x63, 0x03, 0xaa, 0xbb, 0xcc,
		0x80, 0x62, 0x02, 0x11, 0x22,
		0x08, 0x0a,
	};
	struct bgp_update u;
	struct prefix p = pfx("10.0.0.0/8");
	const uint8_t *x;

	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(m), &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.attrs.nunknown, 1);
	CU_ASSERT_EQUAL(u.attrs.unknown[0].type, 99);
	CU_ASSERT_EQUAL(u.attrs.unknown[0].len, 3);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &u.attrs,
					  &p, 1), 1);
	/* passed on with the Partial bit (RFC 4271 §5), 98 dropped */
	x = memmem(out, w.len, "\xe0\x63\x03\xaa\xbb\xcc", 6);
	CU_ASSERT_PTR_NOT_NULL(x);
	CU_ASSERT_PTR_NULL(memmem(out, w.len, "\x62\x02\x11\x22", 4));
	CU_ASSERT_EQUAL(w.len, sizeof(m) - 5);
}

/* --- RFC 7606: a table of malformed UPDATEs and what each must do ------ */

#define S(x) x, sizeof(x) - 1
#define A_ORIGIN "\x40\x01\x01\x00"
#define A_PATH "\x40\x02\x00"
#define A_NH "\x40\x03\x04\x0a\x00\x00\x01"
#define BASE A_ORIGIN A_PATH A_NH
#define NH6 "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
#define A_MP6 "\x80\x0e\x1a\x00\x02\x01\x10" NH6 "\x00\x20\x20\x01\x0d\xb8"
#define NLRI_10 "\x08\x0a"

static const struct bgp_sess_ctx ebgp2 = { .as4 = 0, .ebgp = 1 };

static const struct malformed {
	const char *name;
	const char *attrs;
	size_t alen;
	const char *nlri;
	size_t nlen;
	const struct bgp_sess_ctx *ctx;
	enum bgp_action act;
	uint8_t code, subcode;
	uint8_t discarded;	/* attribute code expected in discarded */
} malformed[] = {
	{ "valid", S(BASE), S(NLRI_10), &ibgp4, BGP_ACT_OK, 0, 0, 0 },
	{ "origin value 3 (7.1)", S("\x40\x01\x01\x03" A_PATH A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "origin length 2 (7.1)", S("\x40\x01\x02\x00\x00" A_PATH A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "as-path empty segment (7.2)",
	  S(A_ORIGIN "\x40\x02\x02\x02\x00" A_NH), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "as-path segment type 5 (7.2)",
	  S(A_ORIGIN "\x40\x02\x06\x05\x01\x00\x00\xfd\xe9" A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "as-path segment overrun (7.2)",
	  S(A_ORIGIN "\x40\x02\x06\x02\x02\x00\x00\xfd\xe9" A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "as-path odd length, 2-octet (7.2)",
	  S(A_ORIGIN "\x40\x02\x03\x02\x01\xfd" A_NH), S(NLRI_10), &ibgp2,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "as-path AS 0 (RFC 7607 2)",
	  S(A_ORIGIN "\x40\x02\x06\x02\x01\x00\x00\x00\x00" A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "aggregator AS 0 (RFC 7607 2)",
	  S(BASE "\xc0\x07\x08\x00\x00\x00\x00\x0a\x00\x00\x01"),
	  S(NLRI_10), &ibgp4, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AGGREGATOR },
	{ "as4-path AS 0 (RFC 7607 2)",
	  S(BASE "\xc0\x11\x06\x02\x01\x00\x00\x00\x00"), S(NLRI_10),
	  &ibgp2, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AS4_PATH },
	{ "next-hop length 5 (7.3)",
	  S(A_ORIGIN A_PATH "\x40\x03\x05\x0a\x00\x00\x01\x00"), S(NLRI_10),
	  &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "med length 3 (7.4)", S(BASE "\x80\x04\x03\x00\x00\x01"),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "local-pref length 2 (7.5)", S(BASE "\x40\x05\x02\x00\x01"),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "local-pref from ebgp (7.5)", S(BASE "\x40\x05\x04\x00\x00\x00\x64"),
	  S(NLRI_10), &ebgp4, BGP_ACT_OK, 0, 0, BGP_ATTR_LOCAL_PREF },
	{ "atomic-aggregate length 1 (7.6)", S(BASE "\x40\x06\x01\x00"),
	  S(NLRI_10), &ibgp4, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_ATOMIC_AGGR },
	{ "aggregator length 7 (7.7)",
	  S(BASE "\xc0\x07\x07\x00\x00\xfd\xe9\x0a\x00\x00"), S(NLRI_10),
	  &ibgp4, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AGGREGATOR },
	{ "aggregator length 8, 2-octet (7.7)",
	  S(BASE "\xc0\x07\x08\x00\x00\xfd\xe9\x0a\x00\x00\x01"), S(NLRI_10),
	  &ibgp2, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AGGREGATOR },
	{ "communities length 5 (7.8)",
	  S(BASE "\xc0\x08\x05\x00\x00\x00\x00\x00"), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "communities length 0 (7.8)", S(BASE "\xc0\x08\x00"), S(NLRI_10),
	  &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "extended communities length 7 (7.14)",
	  S(BASE "\xc0\x10\x07\x00\x00\x00\x00\x00\x00\x00"), S(NLRI_10),
	  &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "large communities length 13 (RFC 8092 6)",
	  S(BASE "\xc0\x20\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00"), S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "origin flagged optional (3c)", S("\xc0\x01\x01\x00" A_PATH A_NH),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "med flagged transitive (3c)",
	  S(BASE "\xc0\x04\x04\x00\x00\x00\x01"), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "atomic-aggregate flagged optional (3c, 7.6)", S(BASE "\xc0\x06\x00"),
	  S(NLRI_10), &ibgp4, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_ATOMIC_AGGR },
	{ "mp-reach flagged transitive (3c)",
	  S(A_ORIGIN A_PATH "\xc0\x0e\x1a\x00\x02\x01\x10" NH6
	    "\x00\x20\x20\x01\x0d\xb8"), "", 0, &ibgp4, BGP_ACT_RESET, 3, 4,
	  0 },
	{ "mp-reach twice (3g)", S(A_ORIGIN A_PATH A_MP6 A_MP6), "", 0,
	  &ibgp4, BGP_ACT_RESET, 3, 1, 0 },
	{ "mp-unreach twice (3g)",
	  S(A_ORIGIN A_PATH "\x80\x0f\x03\x00\x02\x01\x80\x0f\x03\x00\x02\x01"),
	  "", 0, &ibgp4, BGP_ACT_RESET, 3, 1, 0 },
	{ "mp-reach next hop length 5 (7.11)",
	  S(A_ORIGIN A_PATH "\x80\x0e\x0a\x00\x02\x01\x05\x20\x01\x0d\xb8\x00"
	    "\x00"), "", 0, &ibgp4, BGP_ACT_RESET, 3, 9, 0 },
	{ "mp-reach ipv4 next hop length 16 without RFC 8950 (7606 2)",
	  S(A_ORIGIN A_PATH "\x80\x0e\x15\x00\x01\x01\x10" NH6 "\x00"), "",
	  0, &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "mp-reach ipv4 next hop length 16 with RFC 8950",
	  S(A_ORIGIN A_PATH "\x80\x0e\x15\x00\x01\x01\x10" NH6 "\x00"), "",
	  0, &ibgp4x, BGP_ACT_OK, 0, 0, 0 },
	{ "mp-reach ipv4 next hop length 8 with RFC 8950 (7.11)",
	  S(A_ORIGIN A_PATH "\x80\x0e\x0d\x00\x01\x01\x08"
	    "\x20\x01\x0d\xb8\0\0\0\x01\x00"), "",
	  0, &ibgp4x, BGP_ACT_RESET, 3, 9, 0 },
	{ "mp-reach prefix length 129 (5.3)",
	  S(A_ORIGIN A_PATH "\x80\x0e\x16\x00\x02\x01\x10" NH6 "\x00\x81"),
	  "", 0, &ibgp4, BGP_ACT_RESET, 3, 9, 0 },
	{ "mp-unreach prefix overrun (5.3)",
	  S(A_ORIGIN A_PATH "\x80\x0f\x05\x00\x02\x01\x30\x20"), "", 0,
	  &ibgp4, BGP_ACT_RESET, 3, 9, 0 },
	{ "mp-reach unknown family ignored",
	  S(A_ORIGIN A_PATH "\x80\x0e\x05\x00\x03\x01\x00\x00"), "", 0,
	  &ibgp4, BGP_ACT_OK, 0, 0, BGP_ATTR_MP_REACH },
	{ "missing next-hop (3d)", S(A_ORIGIN A_PATH), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "missing origin (3d)", S(A_PATH A_NH), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "missing origin without NLRI", S(A_PATH A_NH), "", 0, &ibgp4,
	  BGP_ACT_OK, 0, 0, 0 },
	{ "mp-reach without as-path (3d)", S(A_ORIGIN A_MP6), "", 0, &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "mp-reach with next-hop-less NLRI ok", S(A_ORIGIN A_PATH A_MP6),
	  "", 0, &ibgp4, BGP_ACT_OK, 0, 0, 0 },
	{ "med twice (3g)",
	  S(BASE "\x80\x04\x04\x00\x00\x00\x01\x80\x04\x04\x00\x00\x00\x02"),
	  S(NLRI_10), &ibgp4, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_MED },
	{ "unknown transitive twice (3g)",
	  S(BASE "\xc0\x63\x01\x00\xc0\x63\x01\x01"), S(NLRI_10), &ibgp4,
	  BGP_ACT_DISCARD, 0, 0, 0 },
	{ "attribute overruns total length (4)",
	  S(BASE "\xc0\x08\x08\x00\x00\x00\x01"), S(NLRI_10), &ibgp4,
	  BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "attribute header cut short (4)", S(BASE "\xc0\x08"), S(NLRI_10),
	  &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "extended length cut short (4)", S(BASE "\xd0\x08\x01"),
	  S(NLRI_10), &ibgp4, BGP_ACT_WITHDRAW, 0, 0, 0 },
	{ "mp-reach overruns total length (4, 7.11)",
	  S(A_ORIGIN A_PATH "\x80\x0e\x30\x00\x02"), "", 0, &ibgp4,
	  BGP_ACT_RESET, 3, 5, 0 },
	{ "unknown well-known (RFC 4271 6.3)", S(BASE "\x40\x63\x01\x00"),
	  S(NLRI_10), &ibgp4, BGP_ACT_RESET, 3, 2, 0 },
	{ "unknown optional non-transitive ignored", S(BASE "\x80\x62\x00"),
	  S(NLRI_10), &ibgp4, BGP_ACT_OK, 0, 0, 0 },
	{ "nlri prefix length 33 (5.3)", S(BASE), S("\x21\x0a\x00\x00\x00\x00"),
	  &ibgp4, BGP_ACT_RESET, 3, 10, 0 },
	{ "nlri prefix overrun (5.3)", S(BASE), S("\x18\x0a"), &ibgp4,
	  BGP_ACT_RESET, 3, 10, 0 },
	{ "as4-path malformed (RFC 6793 6)", S(BASE "\xc0\x11\x02\x02\x00"),
	  S(NLRI_10), &ibgp2, BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AS4_PATH },
	{ "as4-path confed segment (RFC 6793 6)",
	  S(BASE "\xc0\x11\x06\x03\x01\x00\x00\xfd\xe9"), S(NLRI_10), &ibgp2,
	  BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AS4_PATH },
	{ "as4-path between 4-octet speakers ignored",
	  S(BASE "\xc0\x11\x06\x02\x01\x00\x00\xfd\xe9"), S(NLRI_10), &ibgp4,
	  BGP_ACT_OK, 0, 0, BGP_ATTR_AS4_PATH },
	{ "as4-aggregator length 6 (RFC 6793 6)",
	  S(BASE "\xc0\x12\x06\x00\x00\xfd\xe9\x0a\x00"), S(NLRI_10), &ebgp2,
	  BGP_ACT_DISCARD, 0, 0, BGP_ATTR_AS4_AGGREGATOR },
	{ "worst wins: withdraw over discard",
	  S("\x40\x01\x01\x07" A_PATH A_NH "\x40\x06\x01\x00"), S(NLRI_10),
	  &ibgp4, BGP_ACT_WITHDRAW, 0, 0, BGP_ATTR_ATOMIC_AGGR },
	{ "worst wins: reset over withdraw",
	  S("\x40\x01\x01\x07" A_PATH A_MP6 A_MP6), "", 0, &ibgp4,
	  BGP_ACT_RESET, 3, 1, 0 },
};

static size_t build_update(uint8_t *m, const void *wd, size_t wlen,
			   const void *attrs, size_t alen, const void *nlri,
			   size_t nlen)
{
	struct bgp_wbuf b;
	static const uint8_t marker[16] = { FF16 };

	bgp_wbuf_init(&b, m, BGP_MAX_LEN);
	bgp_put_n(&b, marker, 16);
	bgp_put_u16(&b, (uint16_t)(23 + wlen + alen + nlen));
	bgp_put_u8(&b, BGP_UPDATE);
	bgp_put_u16(&b, (uint16_t)wlen);
	bgp_put_n(&b, wd, wlen);
	bgp_put_u16(&b, (uint16_t)alen);
	bgp_put_n(&b, attrs, alen);
	bgp_put_n(&b, nlri, nlen);
	CU_ASSERT_FATAL(!b.failed);
	return b.len;
}

static void test_rfc7606_table(void)
{
	uint8_t m[BGP_MAX_LEN];
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		const struct malformed *t = &malformed[i];
		struct bgp_update u;
		struct bgp_hdr h;
		enum bgp_action act;
		size_t len = build_update(m, NULL, 0, t->attrs, t->alen,
					  t->nlri, t->nlen);
		uint8_t *exact = malloc(len);

		CU_ASSERT_FATAL(exact != NULL);
		memcpy(exact, m, len);
		CU_ASSERT_EQUAL(bgp_frame(exact, len, BGP_MAX_LEN, &h, &e), 1);
		memset(&e, 0, sizeof(e));
		act = bgp_update_decode(exact, len, t->ctx, &u, &e);
		if (act != t->act || (act == BGP_ACT_RESET &&
				       (e.code != t->code ||
					e.subcode != t->subcode)) ||
		    (t->discarded && !(u.discarded >> t->discarded & 1)))
			printf("\n    FAIL %s: action %d (want %d) %u/%u "
			       "(want %u/%u) discarded %#llx\n", t->name, act,
			       t->act, e.code, e.subcode, t->code, t->subcode,
			       (unsigned long long)u.discarded);
		CU_ASSERT_EQUAL(act, t->act);
		if (t->act == BGP_ACT_RESET) {
			CHECK_ERR(t->code, t->subcode);
		}
		if (t->discarded)
			CU_ASSERT(u.discarded >> t->discarded & 1);
		/* treat-as-withdraw still finds the NLRI (§4, §5) */
		if (act == BGP_ACT_WITHDRAW && t->nlen)
			CU_ASSERT_EQUAL(u.nlri.count, 1);
		free(exact);
	}
}

static void test_update_lengths(void)
{
	uint8_t m[BGP_MAX_LEN];
	struct bgp_update u;
	size_t len;

	/* RFC 4271 §6.3: Withdrawn Routes Length past the message. */
	len = build_update(m, "\x08\x0a", 2, NULL, 0, NULL, 0);
	m[20] = 5;
	CU_ASSERT_EQUAL(bgp_update_decode(m, len, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(3, 1);
	/* Total Attribute Length past the message. */
	len = build_update(m, NULL, 0, BASE, sizeof(BASE) - 1, NULL, 0);
	m[22]++;
	CU_ASSERT_EQUAL(bgp_update_decode(m, len, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(3, 1);
	/* A withdrawn prefix longer than 32 (RFC 7606 §5.3). */
	len = build_update(m, "\x28\x0a\x00\x00\x00\x00", 6, NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(bgp_update_decode(m, len, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(3, 10);
	/* The data of an attribute error is the attribute (§6.3). */
	len = build_update(m, NULL, 0, S(BASE "\x40\x63\x02\xaa\xbb"), NLRI_10,
			   2);
	CU_ASSERT_EQUAL(bgp_update_decode(m, len, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CU_ASSERT_EQUAL(e.len, 5);
	CU_ASSERT_EQUAL(memcmp(bgp_err_data(&e), "\x40\x63\x02\xaa\xbb", 5), 0);
	{
		struct bgp_notif n;

		wreset();
		CU_ASSERT_EQUAL(bgp_notif_encode_err(&w, &e), 0);
		CU_ASSERT_EQUAL(bgp_notif_decode(out, w.len, &n, &e), 0);
		CU_ASSERT_EQUAL(n.code, 3);
		CU_ASSERT_EQUAL(n.subcode, 2);
		CU_ASSERT_EQUAL(n.len, 5);
	}
	CU_ASSERT_STRING_EQUAL(bgp_attr_name(BGP_ATTR_MP_REACH),
			       "mp-reach-nlri");
	CU_ASSERT_STRING_EQUAL(bgp_attr_name(99), "unknown");
}

/* --- truncation -------------------------------------------------------- */

static size_t announced(const struct bgp_update *u)
{
	return u->nlri.count + u->mp_reach.count + u->withdrawn.count +
	       u->mp_unreach.count;
}

/* Decode a framed message by type: 0 if the decoder accepted it. */
/* ibgp4x: IPv4 with IPv6 next hops (RFC 8950) too; the ADD-PATH tests
 * set ap4 while they truncate */
static const struct bgp_sess_ctx *trunc_ctx = &ibgp4x;

static int decode_any(const uint8_t *m, size_t len, uint8_t type,
		      size_t *count)
{
	struct bgp_open o;
	struct bgp_notif n;
	struct bgp_refresh r;
	struct bgp_update u;

	*count = 0;
	switch (type) {
	case BGP_OPEN:
		return bgp_open_decode(m, len, &o, &e);
	case BGP_KEEPALIVE:
		return bgp_keepalive_decode(m, len, &e);
	case BGP_NOTIFICATION:
		return bgp_notif_decode(m, len, &n, &e);
	case BGP_ROUTE_REFRESH:
		return bgp_refresh_decode(m, len, &r, &e);
	case BGP_UPDATE:
		/* ibgp4x: IPv4 with IPv6 next hops (RFC 8950) too */
		if (bgp_update_decode(m, len, trunc_ctx, &u, &e) != BGP_ACT_OK)
			return -1;
		*count = announced(&u) + (size_t)u.eor;
		return 0;
	}
	return -1;
}

static void truncate_all(const uint8_t *full, size_t flen)
{
	size_t L, full_count;
	struct bgp_hdr h;

	CU_ASSERT_FATAL(bgp_frame(full, flen, BGP_MAX_LEN, &h, &e) == 1);
	CU_ASSERT_FATAL(decode_any(full, flen, h.type, &full_count) == 0);
	for (L = 0; L < flen; L++) {
		uint8_t *m = malloc(L ? L : 1);
		int rc;

		CU_ASSERT_FATAL(m != NULL);
		if (L)
			memcpy(m, full, L);
		/* A stream cut short: never a whole message. */
		CU_ASSERT(bgp_frame(m, L, BGP_EXT_MAX_LEN, &h, &e) != 1);
		/* The same bytes claiming to be complete. */
		if (L >= BGP_HDR_LEN) {
			m[16] = (uint8_t)(L >> 8);
			m[17] = (uint8_t)L;
			rc = bgp_frame(m, L, BGP_EXT_MAX_LEN, &h, &e);
			CU_ASSERT(rc != 0);
			if (rc == 1) {
				size_t count;

				rc = decode_any(m, L, h.type, &count);
				/* A NOTIFICATION's data may be cut anywhere;
				 * an UPDATE cut at a prefix boundary is a
				 * valid smaller UPDATE. */
				if (rc == 0 && h.type == BGP_UPDATE) {
					CU_ASSERT(count < full_count);
				} else if (h.type != BGP_NOTIFICATION) {
					CU_ASSERT_EQUAL(rc, -1);
				}
			}
		}
		free(m);
	}
}

static void test_truncation(void)
{
	uint8_t gr[BGP_MAX_LEN];
	struct bgp_open o = { 0 };
	struct bgp_wbuf g;
	size_t i;

	truncate_all(v_keepalive, sizeof(v_keepalive));
	truncate_all(v_open, sizeof(v_open));
	truncate_all(v_open_ext, sizeof(v_open_ext));
	truncate_all(v_notif, sizeof(v_notif));
	truncate_all(v_refresh, sizeof(v_refresh));
	truncate_all(v_upd4, sizeof(v_upd4));
	truncate_all(v_upd6, sizeof(v_upd6));
	truncate_all(v_wd4, sizeof(v_wd4));
	truncate_all(v_wd6, sizeof(v_wd6));
	truncate_all(v_eor6, sizeof(v_eor6));
	/* an OPEN with graceful restart and extended messages */
	o.my_as = 65001;
	o.bgp_id = 1;
	o.caps.gr = 1;
	o.caps.ngr_af = 1;
	o.caps.gr_af[0] = (struct bgp_gr_af){ 1, 1, 0 };
	o.caps.ext_msg = 1;
	bgp_wbuf_init(&g, gr, sizeof(gr));
	CU_ASSERT_FATAL(bgp_open_encode(&g, &o) == 0);
	truncate_all(gr, g.len);
	/* every row of the RFC 7606 table that decodes OK */
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		uint8_t m[BGP_MAX_LEN];
		size_t len;
		struct bgp_update u;

		if (malformed[i].act != BGP_ACT_OK ||
		    malformed[i].ctx != &ibgp4)
			continue;
		len = build_update(m, NULL, 0, malformed[i].attrs,
				   malformed[i].alen, malformed[i].nlri,
				   malformed[i].nlen);
		if (bgp_update_decode(m, len, &ibgp4, &u, &e) == BGP_ACT_OK &&
		    announced(&u))
			truncate_all(m, len);
	}
}

/* --- RFC 8950: IPv4 unicast with IPv6 next hops -------------------------- */

/* OPEN: AS 65001, hold 180, id 192.0.2.1; MP v4, MP v6, then the
 * Extended Next Hop Encoding capability (code 5, length 6) with the
 * tuple <NLRI AFI 1, NLRI SAFI 1, Nexthop AFI 2> (RFC 8950 §4). */
static const uint8_t v_open_enh[] = {
	FF16, 0x00, 0x33, 0x01,
	0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01,
	22, 0x02, 20,
	0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
	0x01, 0x04, 0x00, 0x02, 0x00, 0x01,
	0x05, 0x06, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02,
};

/* UPDATE: ORIGIN IGP, empty AS_PATH, MP_REACH_NLRI AFI 1 SAFI 1 with a
 * 32-byte next hop (2001:db8::1, fe80::1) and 10.0.0.0/24,
 * 192.0.2.0/24 (RFC 8950 §3, RFC 4760 §3); no NEXT_HOP, no NLRI field. */
static const uint8_t v_upd4nh6[] = {
	FF16, 0x00, 0x4e, 0x02,
	0x00, 0x00, 0x00, 0x37,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x00,
	0x80, 0x0e, 0x2d, 0x00, 0x01, 0x01, 0x20,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x00,
	0x18, 0x0a, 0x00, 0x00,
	0x18, 0xc0, 0x00, 0x02,
};

static void test_ext_nh_open(void)
{
	struct bgp_open o = { 0 }, d;
	uint8_t m[sizeof(v_open_enh)];

	o.my_as = 65001;
	o.hold = 180;
	o.bgp_id = 0xc0000201;
	o.caps.families = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	o.caps.ext_nh = 1;
	o.caps.ext_nh_t[0] = (struct bgp_nh_tuple){ 1, 1, 2 };
	o.caps.next_nh = 1;
	wreset();
	CU_ASSERT_EQUAL(bgp_open_encode(&w, &o), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_open_enh));
	CU_ASSERT_EQUAL(memcmp(out, v_open_enh, sizeof(v_open_enh)), 0);

	CU_ASSERT_EQUAL(bgp_open_decode(v_open_enh, sizeof(v_open_enh), &d,
					&e), 0);
	CU_ASSERT_EQUAL(d.caps.ext_nh, 1);
	CU_ASSERT_EQUAL(d.caps.next_nh, 1);
	CU_ASSERT(bgp_caps_ext_nh(&d.caps, 1, 1, 2));
	CU_ASSERT(!bgp_caps_ext_nh(&d.caps, 2, 1, 1));
	CU_ASSERT(!bgp_caps_ext_nh(&d.caps, 1, 2, 2));
	CU_ASSERT_EQUAL(d.caps.nunknown, 0);

	/* a tuple for a family we lack is kept, not looked up */
	memcpy(m, v_open_enh, sizeof(m));
	m[sizeof(m) - 3] = 0x80;	/* NLRI SAFI 128 */
	CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m), &d, &e), 0);
	CU_ASSERT_EQUAL(d.caps.ext_nh, 1);
	CU_ASSERT_EQUAL(d.caps.ext_nh_t[0].safi, 128);
	CU_ASSERT(!bgp_caps_ext_nh(&d.caps, 1, 1, 2));

	/* length not a multiple of 6: malformed capability (RFC 5492) */
	memcpy(m, v_open_enh, sizeof(m));
	m[sizeof(m) - 7] = 0x05;
	m[16] = 0x00, m[17] = 0x32;
	m[28] = 21, m[30] = 19;
	CU_ASSERT_EQUAL(bgp_open_decode(m, sizeof(m) - 1, &d, &e), -1);
	CHECK_ERR(BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC);

	/* not sent without a tuple */
	o.caps.next_nh = 0;
	wreset();
	CU_ASSERT_EQUAL(bgp_open_encode(&w, &o), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_open_enh) - 8);
}

static void test_ext_nh_update(void)
{
	struct prefix p[2] = { pfx("10.0.0.0/24"), pfx("192.0.2.0/24") };
	struct bgp_attrs a = { 0 };
	struct bgp_update u;
	struct bgp_nlri_iter it;
	struct prefix q;

	a.has = (1u << 1) | (1u << 2);
	a.aspath = (struct bgp_aspath){ NULL, 0, 4 };
	a.mp_nh_len = 32;
	memcpy(a.mp_nh, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
			"\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 32);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4x, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4nh6));
	CU_ASSERT_EQUAL(memcmp(out, v_upd4nh6, sizeof(v_upd4nh6)), 0);
	/* RFC 8950 §4: never to a peer that did not negotiate it */
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4, &a, p, 2),
			-1);

	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4nh6, sizeof(v_upd4nh6),
					  &ibgp4x, &u, &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.nlri.count, 0);
	CU_ASSERT_EQUAL(u.mp_reach.count, 2);
	CU_ASSERT_EQUAL(u.mp_reach.family, AF_INET);
	CU_ASSERT_EQUAL(u.attrs.mp_afi, 1);
	CU_ASSERT_EQUAL(u.attrs.mp_safi, 1);
	CU_ASSERT_EQUAL(u.attrs.mp_nh_len, 32);
	CU_ASSERT_EQUAL(memcmp(u.attrs.mp_nh, a.mp_nh, 32), 0);
	CU_ASSERT(!BGP_HAS(&u.attrs, BGP_ATTR_NEXT_HOP));
	bgp_nlri_iter_init(&it, &u.mp_reach);
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 1);
	CU_ASSERT(prefix_eq(&q, &p[0]));
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 1);
	CU_ASSERT(prefix_eq(&q, &p[1]));
	CU_ASSERT_EQUAL(bgp_nlri_next(&it, &q), 0);

	/* not negotiated: the prefixes are found, and withdrawn */
	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4nh6, sizeof(v_upd4nh6),
					  &ibgp4, &u, &e), BGP_ACT_WITHDRAW);
	CU_ASSERT_EQUAL(u.mp_reach.count, 2);
	CU_ASSERT_EQUAL(u.ext_nh_unneg, 1);

	/* global only: 16 bytes */
	a.mp_nh_len = 16;
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode(&w, BGP_MAX_LEN, &ibgp4x, &a, p, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4nh6) - 16);
	CU_ASSERT_EQUAL(out[31], BGP_ATTR_MP_REACH);
	CU_ASSERT_EQUAL(out[34], 0x01);	/* AFI 1 */
	CU_ASSERT_EQUAL(out[36], 16);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4x, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.attrs.mp_nh_len, 16);
	CU_ASSERT_EQUAL(u.mp_reach.count, 2);
	truncate_all(v_upd4nh6, sizeof(v_upd4nh6));
	truncate_all(v_open_enh, sizeof(v_open_enh));
}

static void test_ext_nh_route_attrs(void)
{
	struct cfg_route r = { 0 };
	struct bgp_attrs a;
	uint8_t buf[256];

	r.prefix = pfx("10.0.0.0/24");
	r.next_hop = pfx("2001:db8::1");
	CU_ASSERT_EQUAL(bgp_route_attrs(&r, NULL, NULL, buf, sizeof(buf), &a),
			0);
	CU_ASSERT(!BGP_HAS(&a, BGP_ATTR_NEXT_HOP));
	CU_ASSERT_EQUAL(a.mp_nh_len, 16);
	CU_ASSERT_EQUAL(memcmp(a.mp_nh, r.next_hop.addr, 16), 0);
	/* the reverse is no RFC's */
	r.prefix = pfx("2001:db8::/32");
	r.next_hop = pfx("192.0.2.1");
	CU_ASSERT_EQUAL(bgp_route_attrs(&r, NULL, NULL, buf, sizeof(buf), &a),
			-1);
}

/* --- ADD-PATH (RFC 7911) ---------------------------------------------- */

static const struct bgp_sess_ctx ap4 = { .as4 = 1, .addpath_rx = BGP_FAM_ALL,
					 .addpath_tx = BGP_FAM_ALL };

/* AS 65001, hold 180, id 192.0.2.1: MP IPv4, 4-octet AS, and ADD-PATH
 * (§4: code 69, <AFI 2, SAFI 1, Send/Receive 1> per family) with IPv4
 * send/receive (3) and IPv6 receive (1). */
static const uint8_t v_open_ap[] = {
	FF16, 0x00, 0x35, 0x01,
	0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01,
	24, 0x02, 22,
	0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
	0x41, 0x04, 0x00, 0x00, 0xfd, 0xe9,
	0x45, 0x08, 0x00, 0x01, 0x01, 0x03, 0x00, 0x02, 0x01, 0x01,
};

/* IPv4 UPDATE with path ids (§3): ORIGIN IGP, AS_PATH (65001), NEXT_HOP
 * 192.0.2.1; 10.0.0.0/24 twice, path ids 1 and 2. */
static const uint8_t v_upd4_ap[] = {
	FF16, 0x00, 0x3b, 0x02,
	0x00, 0x00, 0x00, 0x14,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x18, 0x0a, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x18, 0x0a, 0x00, 0x00,
};

/* The withdrawal of 10.0.0.0/24 path 5 in the Withdrawn Routes field. */
static const uint8_t v_wd4_ap[] = {
	FF16, 0x00, 0x1f, 0x02,
	0x00, 0x08, 0x00, 0x00, 0x00, 0x05, 0x18, 0x0a, 0x00, 0x00,
	0x00, 0x00,
};

/* MP_UNREACH_NLRI: 2001:db8::/32 path 7. */
static const uint8_t v_wd6_ap[] = {
	FF16, 0x00, 0x26, 0x02,
	0x00, 0x00, 0x00, 0x0f,
	0x80, 0x0f, 0x0c, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x07, 0x20, 0x20, 0x01, 0x0d, 0xb8,
};

static void test_addpath_open(void)
{
	struct bgp_open o = { 0 }, peer = { 0 };
	uint8_t tx, rx;
	/* capability length 3: not a whole tuple */
	static const uint8_t bad_len[] = {
		FF16, 0x00, 0x24, 0x01,
		0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01,
		7, 0x02, 5, 0x45, 0x03, 0x00, 0x01, 0x01,
	};
	/* Send/Receive 4 (undefined) and SAFI 128 (not ours) ignored;
	 * IPv6 send kept */
	static const uint8_t odd[] = {
		FF16, 0x00, 0x2d, 0x01,
		0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01,
		16, 0x02, 14, 0x45, 0x0c,
		0x00, 0x01, 0x01, 0x04, 0x00, 0x01, 0x80, 0x03,
		0x00, 0x02, 0x01, 0x02,
	};

	o.my_as = 65001;
	o.hold = 180;
	o.bgp_id = 0xc0000201;
	o.caps.families = BGP_FAM_IPV4U;
	o.caps.as4 = 1;
	o.caps.as4_asn = 65001;
	o.caps.addpath_send = BGP_FAM_IPV4U;
	o.caps.addpath_recv = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	wreset();
	CU_ASSERT_EQUAL(bgp_open_encode(&w, &o), 0);
	CU_ASSERT_EQUAL(w.len, sizeof(v_open_ap));
	CU_ASSERT_EQUAL(memcmp(out, v_open_ap, sizeof(v_open_ap)), 0);
	memset(&o, 0, sizeof(o));
	CU_ASSERT_EQUAL(bgp_open_decode(v_open_ap, sizeof(v_open_ap), &o, &e),
			0);
	CU_ASSERT_EQUAL(o.caps.addpath_send, BGP_FAM_IPV4U);
	CU_ASSERT_EQUAL(o.caps.addpath_recv, BGP_FAM_IPV4U | BGP_FAM_IPV6U);
	CU_ASSERT_EQUAL(o.caps.nunknown, 0);

	CU_ASSERT_EQUAL(bgp_open_decode(bad_len, sizeof(bad_len), &peer, &e),
			-1);
	CHECK_ERR(BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC);
	CU_ASSERT_EQUAL(bgp_open_decode(odd, sizeof(odd), &peer, &e), 0);
	CU_ASSERT_EQUAL(peer.caps.addpath_send, BGP_FAM_IPV6U);
	CU_ASSERT_EQUAL(peer.caps.addpath_recv, 0);

	/* §5: we send where we said send and the peer receive, receive
	 * where we said receive and the peer send. */
	bgp_addpath_negotiate(&o.caps, &peer.caps, &tx, &rx);
	CU_ASSERT_EQUAL(tx, 0);
	CU_ASSERT_EQUAL(rx, BGP_FAM_IPV6U);
	peer.caps.addpath_send = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	peer.caps.addpath_recv = BGP_FAM_IPV4U | BGP_FAM_IPV6U;
	bgp_addpath_negotiate(&o.caps, &peer.caps, &tx, &rx);
	CU_ASSERT_EQUAL(tx, BGP_FAM_IPV4U);
	CU_ASSERT_EQUAL(rx, BGP_FAM_IPV4U | BGP_FAM_IPV6U);
	/* a peer without the capability: nothing either way */
	memset(&peer, 0, sizeof(peer));
	bgp_addpath_negotiate(&o.caps, &peer.caps, &tx, &rx);
	CU_ASSERT_EQUAL(tx | rx, 0);
	/* the peer's receive alone does not make us send */
	peer.caps.addpath_recv = BGP_FAM_ALL;
	o.caps.addpath_send = 0;
	bgp_addpath_negotiate(&o.caps, &peer.caps, &tx, &rx);
	CU_ASSERT_EQUAL(tx, 0);
	truncate_all(v_open_ap, sizeof(v_open_ap));
}

static void test_addpath_update(void)
{
	struct prefix p[2] = { pfx("10.0.0.0/24"), pfx("10.0.0.0/24") };
	struct prefix p6 = pfx("2001:db8::/32"), q;
	uint32_t paths[2] = { 1, 2 }, path = 99, seven = 7, five = 5;
	struct bgp_attrs a = { 0 };
	struct bgp_update u;
	struct bgp_nlri_iter it;
	struct bgp_sess_ctx rx6 = { .as4 = 1, .addpath_rx = BGP_FAM_IPV6U };

	a.has = (1u << BGP_ATTR_ORIGIN) | (1u << BGP_ATTR_AS_PATH) |
		(1u << BGP_ATTR_NEXT_HOP);
	a.aspath = (struct bgp_aspath){ (const uint8_t *)"\x02\x01\0\0\xfd\xe9",
					6, 4 };
	memcpy(a.nexthop, "\xc0\x00\x02\x01", 4);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode_paths(&w, BGP_MAX_LEN, &ap4, &a, p,
						paths, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4_ap));
	CU_ASSERT_EQUAL(memcmp(out, v_upd4_ap, sizeof(v_upd4_ap)), 0);
	/* without ADD-PATH sent for the family, no path ids */
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode_paths(&w, BGP_MAX_LEN, &rx6, &a, p,
						paths, 2),
			2);
	CU_ASSERT_EQUAL(w.len, sizeof(v_upd4_ap) - 8);

	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4_ap, sizeof(v_upd4_ap), &ap4,
					  &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.nlri.count, 2);
	CU_ASSERT(u.nlri.addpath);
	bgp_nlri_iter_init(&it, &u.nlri);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
	CU_ASSERT(prefix_eq(&q, &p[0]));
	CU_ASSERT_EQUAL(path, 1);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
	CU_ASSERT_EQUAL(path, 2);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 0);
	/* receive negotiated for IPv6 only: the IPv4 field has no ids, so
	 * the same bytes read as other prefixes */
	CU_ASSERT_EQUAL(bgp_update_decode(v_upd4_ap, sizeof(v_upd4_ap), &rx6,
					  &u, &e),
			BGP_ACT_OK);
	CU_ASSERT(!u.nlri.addpath);
	CU_ASSERT(u.nlri.count != 2);

	wreset();
	CU_ASSERT_EQUAL(bgp_withdraw_encode_paths(&w, BGP_MAX_LEN, 1, p, &five,
						  1),
			1);
	CU_ASSERT_EQUAL(w.len, sizeof(v_wd4_ap));
	CU_ASSERT_EQUAL(memcmp(out, v_wd4_ap, sizeof(v_wd4_ap)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_wd4_ap, sizeof(v_wd4_ap), &ap4, &u,
					  &e),
			BGP_ACT_OK);
	bgp_nlri_iter_init(&it, &u.withdrawn);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
	CU_ASSERT_EQUAL(path, 5);

	wreset();
	CU_ASSERT_EQUAL(bgp_withdraw_encode_paths(&w, BGP_MAX_LEN, 1, &p6,
						  &seven, 1),
			1);
	CU_ASSERT_EQUAL(w.len, sizeof(v_wd6_ap));
	CU_ASSERT_EQUAL(memcmp(out, v_wd6_ap, sizeof(v_wd6_ap)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(v_wd6_ap, sizeof(v_wd6_ap), &rx6, &u,
					  &e),
			BGP_ACT_OK);
	CU_ASSERT(u.mp_unreach.addpath);
	bgp_nlri_iter_init(&it, &u.mp_unreach);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
	CU_ASSERT(prefix_eq(&q, &p6));
	CU_ASSERT_EQUAL(path, 7);

	/* MP_REACH_NLRI round trip with ids */
	a.has &= ~(1u << BGP_ATTR_NEXT_HOP);
	a.mp_nh_len = 16;
	memcpy(a.mp_nh, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	wreset();
	CU_ASSERT_EQUAL(bgp_update_encode_paths(&w, BGP_MAX_LEN, &ap4, &a, &p6,
						&seven, 1),
			1);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ap4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT(u.mp_reach.addpath);
	bgp_nlri_iter_init(&it, &u.mp_reach);
	CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
	CU_ASSERT(prefix_eq(&q, &p6));
	CU_ASSERT_EQUAL(path, 7);

	/* IPv4 with an IPv6 next hop (RFC 8950) in MP_REACH_NLRI AFI 1:
	 * the IPv4 family's path ids there too */
	{
		struct bgp_sess_ctx x = ap4;
		struct prefix p4 = pfx("10.0.0.0/24");

		x.ext_nh_v4 = 1;
		wreset();
		CU_ASSERT_EQUAL(bgp_update_encode_paths(&w, BGP_MAX_LEN, &x,
							&a, &p4, &seven, 1),
				1);
		CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &x, &u, &e),
				BGP_ACT_OK);
		CU_ASSERT_EQUAL(u.attrs.mp_afi, BGP_AFI_IPV4);
		CU_ASSERT(u.mp_reach.addpath);
		bgp_nlri_iter_init(&it, &u.mp_reach);
		CU_ASSERT_EQUAL(bgp_nlri_next_path(&it, &q, &path), 1);
		CU_ASSERT(prefix_eq(&q, &p4));
		CU_ASSERT_EQUAL(path, 7);
		/* 4 + 1 + 3 bytes of NLRI at the end */
		CU_ASSERT_EQUAL(memcmp(out + w.len - 8,
				       "\0\0\0\x07\x18\x0a\0\0", 8), 0);
	}

	trunc_ctx = &ap4;
	truncate_all(v_upd4_ap, sizeof(v_upd4_ap));
	truncate_all(v_wd4_ap, sizeof(v_wd4_ap));
	truncate_all(v_wd6_ap, sizeof(v_wd6_ap));
	trunc_ctx = &ibgp4x;
}

/* RFC 7911 leaves errors to RFC 4271 and 7606: NLRI that end inside a
 * path identifier, or a prefix length too long after one, are NLRI we
 * cannot parse, a session reset (RFC 7606 §5.3, §7.11). */
static void test_addpath_malformed(void)
{
	uint8_t m[128];
	struct bgp_update u;

	/* the second path id cut after 2 bytes */
	memcpy(m, v_upd4_ap, sizeof(v_upd4_ap) - 6);
	m[17] = sizeof(v_upd4_ap) - 6;
	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(v_upd4_ap) - 6, &ap4, &u,
					  &e),
			BGP_ACT_RESET);
	CHECK_ERR(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
	/* a path id with no prefix after it */
	memcpy(m, v_upd4_ap, sizeof(v_upd4_ap) - 4);
	m[17] = sizeof(v_upd4_ap) - 4;
	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(v_upd4_ap) - 4, &ap4, &u,
					  &e),
			BGP_ACT_RESET);
	CHECK_ERR(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
	/* withdrawn: length 33 after the path id */
	memcpy(m, v_wd4_ap, sizeof(v_wd4_ap));
	m[25] = 33;
	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(v_wd4_ap), &ap4, &u, &e),
			BGP_ACT_RESET);
	CHECK_ERR(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
	/* MP_UNREACH_NLRI whose path id is cut: attribute 5 bytes long */
	memcpy(m, v_wd6_ap, sizeof(v_wd6_ap));
	m[17] = sizeof(v_wd6_ap) - 7;
	m[22] = 0x0f - 7;
	m[25] = 0x0c - 7;
	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(v_wd6_ap) - 7, &ap4, &u,
					  &e),
			BGP_ACT_RESET);
	CU_ASSERT_EQUAL(e.code, BGP_ERR_UPDATE);
	/* the same bytes without ADD-PATH are a good withdrawal (/0, /0):
	 * it is the path id that makes them malformed */
	CU_ASSERT_EQUAL(bgp_update_decode(m, sizeof(v_wd6_ap) - 7, &ibgp4, &u,
					  &e),
			BGP_ACT_OK);
}

/* Path ids take room: a 4096-byte UPDATE holds half as many /24s. */
static void test_addpath_packing(void)
{
	static struct prefix p[2000];
	static uint32_t paths[2000];
	struct bgp_attrs a = { 0 };
	int k;

	for (int i = 0; i < 2000; i++) {
		p[i] = pfx("10.0.0.0/24");
		p[i].addr[1] = (uint8_t)(i >> 8);
		p[i].addr[2] = (uint8_t)i;
		paths[i] = (uint32_t)i + 1;
	}
	a.has = (1u << BGP_ATTR_ORIGIN) | (1u << BGP_ATTR_AS_PATH) |
		(1u << BGP_ATTR_NEXT_HOP);
	a.aspath = (struct bgp_aspath){ (const uint8_t *)"\x02\x01\0\0\xfd\xe9",
					6, 4 };
	wreset();
	/* 19 + 4 + 20 bytes of attributes, then 8 bytes a prefix */
	k = bgp_update_encode_paths(&w, BGP_MAX_LEN, &ap4, &a, p, paths, 2000);
	CU_ASSERT_EQUAL(k, (4096 - 43) / 8);
	wreset();
	k = bgp_update_encode_paths(&w, BGP_MAX_LEN, &ibgp4, &a, p, paths,
				    2000);
	CU_ASSERT_EQUAL(k, (4096 - 43) / 4);
	wreset();
	k = bgp_withdraw_encode_paths(&w, BGP_MAX_LEN, 1, p, paths, 2000);
	CU_ASSERT_EQUAL(k, (4096 - 23) / 8);
}

/* --- flowspec (RFC 8955, RFC 8956): SAFI 133 in MP_(UN)REACH ---------- */

/* An UPDATE around attributes given in hex: marker, length, type 2, no
 * withdrawn routes, the attributes; returns its length in fm[]. */
static uint8_t fm[512];
static size_t flow_msg(const char *attrs_hex)
{
	size_t n = 23, alen = 0;
	unsigned v;

	memset(fm, 0xff, 16);
	while (*attrs_hex) {
		if (*attrs_hex == ' ') {
			attrs_hex++;
			continue;
		}
		sscanf(attrs_hex, "%2x", &v);
		fm[n++] = (uint8_t)v;
		attrs_hex += 2;
		alen++;
	}
	fm[16] = (uint8_t)(n >> 8);
	fm[17] = (uint8_t)n;
	fm[18] = BGP_UPDATE;
	fm[19] = fm[20] = 0;
	fm[21] = (uint8_t)(alen >> 8);
	fm[22] = (uint8_t)alen;
	return n;
}

/* ORIGIN IGP, empty AS_PATH, traffic-rate 0 (discard) */
#define FLOW_ATTRS "40 01 01 00 40 02 00 c0 10 08 80 06 00 00 00 00 00 00 "

static void test_flow_update(void)
{
	struct bgp_update u;
	size_t n;

	/* MP_REACH: AFI 1, SAFI 133 (0x85), next hop length 0, reserved,
	 * NLRI "destination 10.0.0.0/24" = 05 01 18 0a 00 00 */
	n = flow_msg(FLOW_ATTRS "80 0e 0b 00 01 85 00 00 05 01 18 0a 00 00");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.family, AF_INET);
	CU_ASSERT_EQUAL(u.flow_reach.count, 1);
	CU_ASSERT_EQUAL(u.flow_reach.len, 6);
	CU_ASSERT_EQUAL(u.mp_reach.count, 0);
	CU_ASSERT_EQUAL(u.attrs.next_comm, 1);
	CU_ASSERT_EQUAL(u.attrs.mp_safi, BGP_SAFI_FLOW);
	CU_ASSERT_FALSE(u.flow_bad);

	/* RFC 8955 §4: a next hop (here 4 octets) may be ignored */
	n = flow_msg(FLOW_ATTRS "80 0e 0f 00 01 85 04 c0 00 02 01 00 "
		     "05 01 18 0a 00 00");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.count, 1);
	CU_ASSERT_EQUAL(u.flow_reach.p[0], 0x05);

	/* IPv6: AFI 2, two NLRI */
	n = flow_msg(FLOW_ATTRS "80 0e 11 00 02 85 00 00 "
		     "07 01 20 00 20 01 0d b8 03 03 81 3a");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.family, AF_INET6);
	CU_ASSERT_EQUAL(u.flow_reach.count, 2);

	/* malformed inside its own length (types out of order): the next
	 * is still found; RFC 8955 §10 / RFC 7606 §5.3 treat-as-withdraw */
	n = flow_msg(FLOW_ATTRS "80 0e 10 00 01 85 00 00 "
		     "06 04 81 19 03 81 06 03 03 81 06");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e),
			BGP_ACT_WITHDRAW);
	CU_ASSERT(u.flow_bad);
	CU_ASSERT_EQUAL(u.flow_reach.count, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(u.flow_why, "announced flowspec NLRI 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(u.flow_why, "not in increasing order"));
	/* flow label (type 13) on IPv4: unknown there */
	n = flow_msg(FLOW_ATTRS "80 0e 08 00 01 85 00 00 02 0d 81 01");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e),
			BGP_ACT_WITHDRAW);
	CU_ASSERT_PTR_NOT_NULL(strstr(u.flow_why, "type 13 unknown"));

	/* an NLRI length past the attribute hides the rest: RFC 7606
	 * §7.11 reset */
	n = flow_msg(FLOW_ATTRS "80 0e 09 00 01 85 00 00 09 01 18 0a");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e),
			BGP_ACT_RESET);
	CU_ASSERT_EQUAL(e.code, BGP_ERR_UPDATE);

	/* MP_UNREACH AFI 1 SAFI 133 with one NLRI; malformed: withdraw
	 * all the same (it is one already) */
	n = flow_msg("80 0f 09 00 01 85 05 01 18 0a 00 00");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e), BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_unreach.count, 1);
	CU_ASSERT_FALSE(u.eor);

	/* End-of-RIB for IPv4 flowspec (RFC 4724 §2) */
	n = flow_msg("80 0f 03 00 01 85");
	CU_ASSERT_EQUAL(bgp_update_decode(fm, n, &ibgp4, &u, &e), BGP_ACT_OK);
	CU_ASSERT(u.eor);
	CU_ASSERT_EQUAL(u.eor_afi, BGP_AFI_IPV4);
	CU_ASSERT_EQUAL(u.eor_safi, BGP_SAFI_FLOW);
	wreset();
	CU_ASSERT_EQUAL(bgp_eor_encode(&w, BGP_AFI_IPV6, BGP_SAFI_FLOW), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT(u.eor);
	CU_ASSERT_EQUAL(u.eor_afi, BGP_AFI_IPV6);
}

static void test_flow_encode(void)
{
	static const uint8_t nlri[] = { 0x05, 0x01, 0x18, 0x0a, 0x00, 0x00,
					0x03, 0x03, 0x81, 0x06 };
	static const uint8_t ext[] = { 0x80, 0x06, 0, 0, 0, 0, 0, 0 };
	static const uint8_t want[] = {
		/* ORIGIN IGP, AS_PATH empty, no NEXT_HOP */
		0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x00,
		/* MP_REACH: 1, 133, nh 0, reserved, the NLRI */
		0x80, 0x0e, 0x0f, 0x00, 0x01, 0x85, 0x00, 0x00,
		0x05, 0x01, 0x18, 0x0a, 0x00, 0x00, 0x03, 0x03, 0x81, 0x06,
		/* EXTENDED COMMUNITIES after it, by type code */
		0xc0, 0x10, 0x08, 0x80, 0x06, 0, 0, 0, 0, 0, 0,
	};
	struct bgp_attrs a = { 0 };
	struct bgp_update u;

	a.has = (1ull << BGP_ATTR_ORIGIN) | (1ull << BGP_ATTR_AS_PATH) |
		(1ull << BGP_ATTR_NEXT_HOP) | (1ull << BGP_ATTR_EXT_COMMUNITIES);
	a.aspath.as_size = 4;
	a.ext_comm = ext;
	a.next_comm = 1;
	wreset();
	CU_ASSERT_EQUAL_FATAL(bgp_flow_update_encode(&w, BGP_MAX_LEN, &ibgp4,
						     &a, AF_INET, nlri,
						     sizeof(nlri)),
			      (int)sizeof(nlri));
	CU_ASSERT_EQUAL_FATAL(w.len, 23 + sizeof(want));
	CU_ASSERT_EQUAL(memcmp(out + 23, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_reach.count, 2);

	/* room for the first NLRI only: one goes, the caller sends the
	 * rest in the next UPDATE */
	wreset();
	CU_ASSERT_EQUAL(bgp_flow_update_encode(&w, 23 + sizeof(want) - 4,
					       &ibgp4, &a, AF_INET, nlri,
					       sizeof(nlri)), 6);
	wreset();
	CU_ASSERT_EQUAL(bgp_flow_update_encode(&w, 30, &ibgp4, &a, AF_INET,
					       nlri, sizeof(nlri)), -1);

	wreset();
	CU_ASSERT_EQUAL(bgp_flow_withdraw_encode(&w, BGP_MAX_LEN, AF_INET6,
						 nlri + 6, 4), 4);
	CU_ASSERT_EQUAL(bgp_update_decode(out, w.len, &ibgp4, &u, &e),
			BGP_ACT_OK);
	CU_ASSERT_EQUAL(u.flow_unreach.family, AF_INET6);
	CU_ASSERT_EQUAL(u.flow_unreach.count, 1);
	CU_ASSERT_EQUAL(u.flow_unreach.len, 4);
	CU_ASSERT_FALSE(u.eor);
}

static void test_flow_open(void)
{
	struct bgp_open o = { 0 }, d;

	o.version = BGP_VERSION;
	o.my_as = 65000;
	o.hold = 90;
	o.bgp_id = 0x0a000001;
	o.caps.families = BGP_FAM_IPV4U | BGP_FAM_IPV4F | BGP_FAM_IPV6F;
	wreset();
	CU_ASSERT_EQUAL_FATAL(bgp_open_encode(&w, &o), 0);
	/* optional parameters: one capabilities parameter, three MP
	 * capabilities <1,1>, <1,133>, <2,133> */
	{
		static const uint8_t caps[] = {
			20, 2, 18,
			1, 4, 0, 1, 0, 1,
			1, 4, 0, 1, 0, 133,
			1, 4, 0, 2, 0, 133,
		};
		CU_ASSERT_EQUAL(w.len, 29 + sizeof(caps) - 1);
		CU_ASSERT_EQUAL(memcmp(out + 28, caps, sizeof(caps)), 0);
	}
	CU_ASSERT_EQUAL(bgp_open_decode(out, w.len, &d, &e), 0);
	CU_ASSERT_EQUAL(d.caps.families, o.caps.families);
	CU_ASSERT_EQUAL(d.caps.other_families, 0);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("bgp_wire", NULL, NULL);
	CU_add_test(s, "bounded reader", test_rbuf);
	CU_add_test(s, "bounded writer", test_wbuf);
	CU_add_test(s, "header errors (4271 6.1, 8654)", test_header);
	CU_add_test(s, "OPEN vector both ways", test_open_vector);
	CU_add_test(s, "OPEN RFC 9072 and unknown capability",
		    test_open_ext_params);
	CU_add_test(s, "OPEN round trip (GR, ext msg, AS4)",
		    test_open_roundtrip);
	CU_add_test(s, "OPEN errors (4271 6.2, 5492, 7607)", test_open_errors);
	CU_add_test(s, "KEEPALIVE", test_keepalive);
	CU_add_test(s, "NOTIFICATION and RFC 9003", test_notification);
	CU_add_test(s, "ROUTE-REFRESH (2918, 7313)", test_refresh);
	CU_add_test(s, "UPDATE IPv4 decode vector", test_update4_decode);
	CU_add_test(s, "UPDATE IPv4 encode vector", test_update4_encode);
	CU_add_test(s, "UPDATE IPv6 MP_REACH both ways", test_update6);
	CU_add_test(s, "withdraw and End-of-RIB (4724)", test_withdraw_eor);
	CU_add_test(s, "UPDATE packing to max size", test_update_packing);
	CU_add_test(s, "UPDATE round trip, extended length",
		    test_update_roundtrip);
	CU_add_test(s, "AS4 toward a 2-octet peer (6793)",
		    test_as4_to_old_peer);
	CU_add_test(s, "AS4_PATH reconstruction (6793 4.2.3)",
		    test_as4_merge);
	CU_add_test(s, "static route attributes", test_route_attrs);
	CU_add_test(s, "static route attributes: ExaBGP's others",
		    test_route_attrs_more);
	CU_add_test(s, "unknown attributes", test_unknown_attrs);
	CU_add_test(s, "encoders into small buffers", test_encode_small);
	CU_add_test(s, "decoders on short bodies", test_short_bodies);
	CU_add_test(s, "RFC 7606 table", test_rfc7606_table);
	CU_add_test(s, "UPDATE length errors (4271 6.3)", test_update_lengths);
	CU_add_test(s, "truncation at every length", test_truncation);
	CU_add_test(s, "ADD-PATH capability and negotiation (7911 4, 5)",
		    test_addpath_open);
	CU_add_test(s, "ADD-PATH path ids on NLRI (7911 3)",
		    test_addpath_update);
	CU_add_test(s, "ADD-PATH malformed NLRI (7606)",
		    test_addpath_malformed);
	CU_add_test(s, "ADD-PATH packing", test_addpath_packing);
	CU_add_test(s, "RFC 8950 capability bytes", test_ext_nh_open);
	CU_add_test(s, "RFC 8950 MP_REACH IPv4 with IPv6 next hop",
		    test_ext_nh_update);
	CU_add_test(s, "RFC 8950 static route attributes",
		    test_ext_nh_route_attrs);
	CU_add_test(s, "flowspec UPDATE decode (8955 4, 10)",
		    test_flow_update);
	CU_add_test(s, "flowspec UPDATE encode", test_flow_encode);
	CU_add_test(s, "flowspec MP capabilities", test_flow_open);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
