// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded readers and writers (see bgp_buf.h).  Implements the network
 * byte order rule of RFC 4271 §4; nothing else protocol-specific lives
 * here.
 */
#include <string.h>

#include "bgp_buf.h"

void bgp_rbuf_init(struct bgp_rbuf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = p ? len : 0;
	b->off = 0;
}

size_t bgp_rbuf_left(const struct bgp_rbuf *b)
{
	return b->len - b->off;
}

const uint8_t *bgp_rbuf_ptr(const struct bgp_rbuf *b)
{
	return b->p + b->off;
}

int bgp_get_n(struct bgp_rbuf *b, void *dst, size_t n)
{
	if (n > bgp_rbuf_left(b))
		return -1;
	if (n)
		memcpy(dst, b->p + b->off, n);
	b->off += n;
	return 0;
}

int bgp_get_u8(struct bgp_rbuf *b, uint8_t *v)
{
	return bgp_get_n(b, v, 1);
}

int bgp_get_u16(struct bgp_rbuf *b, uint16_t *v)
{
	uint8_t x[2];

	if (bgp_get_n(b, x, 2) == -1)
		return -1;
	*v = (uint16_t)(x[0] << 8 | x[1]);
	return 0;
}

int bgp_get_u32(struct bgp_rbuf *b, uint32_t *v)
{
	uint8_t x[4];

	if (bgp_get_n(b, x, 4) == -1)
		return -1;
	*v = (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
	     (uint32_t)x[2] << 8 | x[3];
	return 0;
}

int bgp_skip(struct bgp_rbuf *b, size_t n)
{
	if (n > bgp_rbuf_left(b))
		return -1;
	b->off += n;
	return 0;
}

int bgp_get_sub(struct bgp_rbuf *b, size_t n, struct bgp_rbuf *sub)
{
	if (n > bgp_rbuf_left(b))
		return -1;
	sub->p = b->p + b->off;
	sub->len = n;
	sub->off = 0;
	b->off += n;
	return 0;
}

void bgp_wbuf_init(struct bgp_wbuf *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->len = 0;
	w->failed = 0;
}

size_t bgp_wbuf_room(const struct bgp_wbuf *w)
{
	return w->cap - w->len;
}

int bgp_put_n(struct bgp_wbuf *w, const void *src, size_t n)
{
	if (w->failed || n > bgp_wbuf_room(w)) {
		w->failed = 1;
		return -1;
	}
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
	return 0;
}

int bgp_put_u8(struct bgp_wbuf *w, uint8_t v)
{
	return bgp_put_n(w, &v, 1);
}

int bgp_put_u16(struct bgp_wbuf *w, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v & 0xff };

	return bgp_put_n(w, x, 2);
}

int bgp_put_u32(struct bgp_wbuf *w, uint32_t v)
{
	uint8_t x[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
			 v & 0xff };

	return bgp_put_n(w, x, 4);
}

int bgp_put_u8_at(struct bgp_wbuf *w, size_t off, uint8_t v)
{
	if (w->failed || off >= w->len)
		return -1;
	w->p[off] = v;
	return 0;
}

int bgp_put_u16_at(struct bgp_wbuf *w, size_t off, uint16_t v)
{
	if (w->failed || off > w->len || w->len - off < 2)
		return -1;
	w->p[off] = v >> 8;
	w->p[off + 1] = v & 0xff;
	return 0;
}
