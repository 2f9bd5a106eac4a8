// SPDX-License-Identifier: GPL-2.0-only
/*
 * The message header, and the messages other than OPEN and UPDATE,
 * decoded and encoded (part of the wire codec: bgp_wire.c says what the
 * whole implements).
 *   RFC 4271  header and framing (§4.1) and their errors (§6.1),
 *             KEEPALIVE (§4.4), NOTIFICATION (§4.5)
 *   RFC 8654  §4 extended messages: the length limit, never OPEN or
 *             KEEPALIVE
 *   RFC 9003  shutdown communication in Cease/2 and Cease/4, checked as
 *             UTF-8 (RFC 3629)
 *   RFC 2918  ROUTE-REFRESH, and its RFC 7313 §5 length error
 */
#include <string.h>

#include "bgp_wire.h"
#include "bgp_wire_int.h"

/* --- errors ------------------------------------------------------------ */

const uint8_t *bgp_err_data(const struct bgp_err *e)
{
	return e->ref ? e->ref : e->small;
}

/* --- header ------------------------------------------------------------ */

int bgp_frame(const uint8_t *p, size_t avail, size_t maxlen,
	      struct bgp_hdr *h, struct bgp_err *e)
{
	struct bgp_rbuf b;
	uint8_t marker[16];
	uint16_t len;
	uint8_t type;
	size_t limit, min;
	int i;

	bgp_rbuf_init(&b, p, avail);
	if (bgp_get_n(&b, marker, sizeof(marker)) == -1 ||
	    bgp_get_u16(&b, &len) == -1 || bgp_get_u8(&b, &type) == -1)
		return 0;
	/* §6.1: the marker is all ones, else Connection Not Synchronized. */
	for (i = 0; i < 16; i++) {
		if (marker[i] != 0xff) {
			err_set(e, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
			return -1;
		}
	}
	limit = maxlen > BGP_EXT_MAX_LEN ? BGP_EXT_MAX_LEN : maxlen;
	if (limit < BGP_MAX_LEN)
		limit = BGP_MAX_LEN;
	/* RFC 8654 §4: OPEN and KEEPALIVE never exceed 4096. */
	if (type == BGP_OPEN || type == BGP_KEEPALIVE)
		limit = BGP_MAX_LEN;
	if (len < BGP_HDR_LEN || len > limit)
		return err_badlen(e, len);
	/* §6.1: type-specific minimum lengths (§4.2-§4.5). */
	switch (type) {
	case BGP_OPEN:
		min = 29;
		break;
	case BGP_UPDATE:
		min = 23;
		break;
	case BGP_NOTIFICATION:
		min = 21;
		break;
	case BGP_KEEPALIVE:
	case BGP_ROUTE_REFRESH:	/* its length is RFC 7313's error */
		min = BGP_HDR_LEN;
		break;
	default:
		err_set(e, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
		e->small[0] = type;
		e->len = 1;
		return -1;
	}
	if (len < min || (type == BGP_KEEPALIVE && len != BGP_HDR_LEN))
		return err_badlen(e, len);
	if (avail < len)
		return 0;
	h->len = len;
	h->type = type;
	return 1;
}

/* --- KEEPALIVE --------------------------------------------------------- */

int bgp_keepalive_encode(struct bgp_wbuf *w)
{
	return msg_end(w, msg_begin(w, BGP_KEEPALIVE));
}

int bgp_keepalive_decode(const uint8_t *msg, size_t len, struct bgp_err *e)
{
	(void)msg;
	if (len != BGP_HDR_LEN)	/* §4.4: the header only */
		return err_badlen(e, len);
	return 0;
}

/* --- NOTIFICATION ------------------------------------------------------ */

/* RFC 3629 §4, refusing overlongs, surrogates and > U+10FFFF. */
int bgp_utf8_valid(const uint8_t *p, size_t len)
{
	struct bgp_rbuf b;
	uint8_t c, d;

	bgp_rbuf_init(&b, p, len);
	while (bgp_get_u8(&b, &c) == 0) {
		uint32_t cp, min;
		int n;

		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		while (n--) {
			if (bgp_get_u8(&b, &d) == -1 || (d & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (d & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

int bgp_notif_decode(const uint8_t *msg, size_t len, struct bgp_notif *n,
		     struct bgp_err *e)
{
	struct bgp_rbuf b;
	uint8_t slen;

	memset(n, 0, sizeof(*n));
	if (body_init(&b, msg, len) == -1 || bgp_get_u8(&b, &n->code) == -1 ||
	    bgp_get_u8(&b, &n->subcode) == -1)
		return err_badlen(e, len);
	n->data = bgp_rbuf_ptr(&b);
	n->len = bgp_rbuf_left(&b);
	if (n->code != BGP_ERR_CEASE ||
	    (n->subcode != BGP_CEASE_ADMIN_SHUTDOWN &&
	     n->subcode != BGP_CEASE_ADMIN_RESET) ||
	    bgp_get_u8(&b, &slen) == -1 || slen == 0)
		return 0;
	/* RFC 9003 §2: a length overrunning the message or bytes that are
	 * not UTF-8 make the communication unusable, not the message. */
	n->has_shutdown = 1;
	if (slen > bgp_rbuf_left(&b) ||
	    !bgp_utf8_valid(bgp_rbuf_ptr(&b), slen) ||
	    memchr(bgp_rbuf_ptr(&b), 0, slen)) {
		n->shutdown_bad = 1;
		return 0;
	}
	bgp_get_n(&b, n->shutdown, slen);
	n->shutdown[slen] = '\0';
	return 0;
}

int bgp_notif_encode(struct bgp_wbuf *w, uint8_t code, uint8_t subcode,
		     const void *data, size_t len)
{
	size_t start = msg_begin(w, BGP_NOTIFICATION);

	bgp_put_u8(w, code);
	bgp_put_u8(w, subcode);
	bgp_put_n(w, data, len);
	return msg_end(w, start);
}

int bgp_notif_encode_err(struct bgp_wbuf *w, const struct bgp_err *e)
{
	return bgp_notif_encode(w, e->code, e->subcode, bgp_err_data(e),
				e->len);
}

int bgp_notif_encode_shutdown(struct bgp_wbuf *w, uint8_t subcode,
			      const char *text)
{
	const uint8_t *t = (const uint8_t *)text;
	uint8_t buf[1 + BGP_SHUTDOWN_MAX];
	size_t len = strlen(text);

	if (!bgp_utf8_valid(t, len))
		return -1;
	/* RFC 9003 §2: at most 255 bytes; cut before a continuation byte
	 * so the message stays valid UTF-8. */
	if (len > BGP_SHUTDOWN_MAX) {
		len = BGP_SHUTDOWN_MAX;
		while (len && (t[len] & 0xc0) == 0x80)
			len--;
	}
	buf[0] = (uint8_t)len;
	memcpy(buf + 1, t, len);
	return bgp_notif_encode(w, BGP_ERR_CEASE, subcode, buf, len + 1);
}

/* --- ROUTE-REFRESH ----------------------------------------------------- */

int bgp_refresh_decode(const uint8_t *msg, size_t len, struct bgp_refresh *r,
		       struct bgp_err *e)
{
	struct bgp_rbuf b;

	/* RFC 7313 §5: the body is exactly 4 bytes, and the data is the
	 * whole message. */
	if (len != BGP_HDR_LEN + 4 || body_init(&b, msg, len) == -1 ||
	    bgp_get_u16(&b, &r->afi) == -1 ||
	    bgp_get_u8(&b, &r->subtype) == -1 ||
	    bgp_get_u8(&b, &r->safi) == -1) {
		err_set_ref(e, BGP_ERR_REFRESH, BGP_ERR_REFRESH_LEN, msg, len);
		return -1;
	}
	return 0;
}

int bgp_refresh_encode(struct bgp_wbuf *w, const struct bgp_refresh *r)
{
	size_t start = msg_begin(w, BGP_ROUTE_REFRESH);

	bgp_put_u16(w, r->afi);
	bgp_put_u8(w, r->subtype);
	bgp_put_u8(w, r->safi);
	return msg_end(w, start);
}
