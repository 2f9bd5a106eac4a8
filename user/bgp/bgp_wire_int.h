/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to user/bgp/: the helpers every file of the wire codec uses,
 * for errors, for the message header and for AFI/SAFI.  They are small
 * and static inline, so the codec adds no global name to libbgp.a beyond
 * its API in bgp_wire.h.
 */
#ifndef BGPS_BGP_WIRE_INT_H
#define BGPS_BGP_WIRE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bgp_buf.h"
#include "bgp_wire.h"

/* --- errors ------------------------------------------------------------ */

static inline void err_set(struct bgp_err *e, uint8_t code, uint8_t sub)
{
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->subcode = sub;
}

static inline void err_set_u16(struct bgp_err *e, uint8_t code,
			       uint8_t sub, uint16_t v)
{
	err_set(e, code, sub);
	e->small[0] = v >> 8;
	e->small[1] = v & 0xff;
	e->len = 2;
}

static inline void err_set_ref(struct bgp_err *e, uint8_t code,
			       uint8_t sub, const uint8_t *p, size_t len)
{
	err_set(e, code, sub);
	e->ref = p;
	e->len = len;
}

/* RFC 4271 §6.1: a message too short for its own fields is a Bad Message
 * Length, and the data is the length field. */
static inline int err_badlen(struct bgp_err *e, size_t len)
{
	err_set_u16(e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, (uint16_t)len);
	return -1;
}

/* --- header ------------------------------------------------------------ */

/* Open a message body reader past the (already framed) header. */
static inline int body_init(struct bgp_rbuf *b, const uint8_t *msg,
			    size_t len)
{
	bgp_rbuf_init(b, msg, len);
	return bgp_skip(b, BGP_HDR_LEN);
}

/* A message is written header first, its length left 0 until msg_end()
 * knows it; msg_begin() returns where the message starts. */
static inline size_t msg_begin(struct bgp_wbuf *w, uint8_t type)
{
	static const uint8_t marker[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	size_t start = w->len;

	bgp_put_n(w, marker, sizeof(marker));
	bgp_put_u16(w, 0);
	bgp_put_u8(w, type);
	return start;
}

static inline int msg_end(struct bgp_wbuf *w, size_t start)
{
	size_t len = w->len - start;

	if (w->failed || len > BGP_EXT_MAX_LEN)
		return -1;
	return bgp_put_u16_at(w, start + 16, (uint16_t)len);
}

/* --- families --------------------------------------------------------- */

/* The family bit of an AFI/SAFI we can negotiate (RFC 4760: IPv4 and
 * IPv6 unicast), 0 for any other. */
static inline int fam_bit(uint16_t afi, uint8_t safi)
{
	if (safi == BGP_SAFI_FLOW)
		return afi == BGP_AFI_IPV4 ? BGP_FAM_IPV4F :
		       afi == BGP_AFI_IPV6 ? BGP_FAM_IPV6F : 0;
	if (safi != BGP_SAFI_UNICAST)
		return 0;
	if (afi == BGP_AFI_IPV4)
		return BGP_FAM_IPV4U;
	if (afi == BGP_AFI_IPV6)
		return BGP_FAM_IPV6U;
	return 0;
}

#endif
