// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the BGP message decoder as a peer reaches it.  The first
 * input byte picks the session's capabilities (4-octet AS, eBGP, extended
 * messages, ADD-PATH receive for IPv4 and IPv6: RFC 6793, RFC 8654, RFC
 * 7911), the rest is a stream of messages framed
 * as the session frames them (bgp_frame), each decoded by its type, and
 * every UPDATE and NOTIFICATION also goes through the API's JSON and text
 * encoders, which an API process reads.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api_json.h"
#include "bgp_wire.h"

static void one(const uint8_t *m, size_t len, const struct bgp_hdr *h,
		const struct bgp_sess_ctx *ctx, size_t maxlen)
{
	static struct jbuf jb;
	struct bgp_err e;
	struct apij_env env = { .host = "fuzz", .direction = "receive" };

	switch (h->type) {
	case BGP_OPEN: {
		struct bgp_open o;

		if (bgp_open_decode(m, len, &o, &e) == 0)
			(void)bgp_open_asn(&o);
		break;
	}
	case BGP_UPDATE: {
		struct bgp_update u;

		if (bgp_update_decode(m, len, ctx, &u, &e) != BGP_ACT_RESET) {
			const struct bgp_nlri *l[4] = { &u.nlri, &u.mp_reach,
							&u.withdrawn,
							&u.mp_unreach };
			struct bgp_nlri_iter it;
			struct prefix p;
			uint32_t path;

			for (int i = 0; i < 4; i++) {
				bgp_nlri_iter_init(&it, l[i]);
				while (bgp_nlri_next_path(&it, &p, &path) == 1)
					;
			}
		} else {
			(void)bgp_err_data(&e);
		}
		break;
	}
	case BGP_NOTIFICATION: {
		struct bgp_notif n;

		bgp_notif_decode(m, len, &n, &e);
		break;
	}
	case BGP_KEEPALIVE:
		bgp_keepalive_decode(m, len, &e);
		break;
	case BGP_ROUTE_REFRESH: {
		struct bgp_refresh r;

		bgp_refresh_decode(m, len, &r, &e);
		break;
	}
	}
	jbuf_reset(&jb);
	apij_message(&jb, &env, m, len, ctx, maxlen, &e);
	jbuf_reset(&jb);
	apit_message(&jb, &env, m, len, ctx, maxlen, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_sess_ctx ctx = { 0 };
	size_t maxlen, off = 1;

	if (size < 1)
		return 0;
	ctx.addpath_rx = (data[0] >> 4) & BGP_FAM_ALL; /* RFC 7911 */
	ctx.as4 = data[0] & 1;
	ctx.ebgp = (data[0] >> 1) & 1;
	maxlen = (data[0] & 4) ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	ctx.ext_nh_v4 = (data[0] >> 3) & 1;	/* RFC 8950 negotiated */
	while (off < size) {
		struct bgp_hdr h;
		struct bgp_err e;
		int r = bgp_frame(data + off, size - off, maxlen, &h, &e);

		if (r <= 0)
			break;
		one(data + off, h.len, &h, &ctx, maxlen);
		off += h.len;
	}
	return 0;
}
