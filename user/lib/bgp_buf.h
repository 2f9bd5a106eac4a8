/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded readers and writers for the BGP wire codec, after OpenBGPD's
 * ibuf_get_*(): every decoder reads through a cursor, and every getter
 * returns -1 instead of reading past the end, so a decoder never indexes
 * untrusted bytes directly.  All multi-byte values are network order
 * (RFC 4271 §4: "all fields are in network byte order").
 *
 * A writer has a fixed capacity; a put that does not fit returns -1, writes
 * nothing and leaves the writer marked failed, so an encoder can do many
 * puts and check once.
 */
#ifndef BGPS_BGP_BUF_H
#define BGPS_BGP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct bgp_rbuf {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void bgp_rbuf_init(struct bgp_rbuf *b, const void *p, size_t len);
size_t bgp_rbuf_left(const struct bgp_rbuf *b);
/* Where the next read starts (valid for bgp_rbuf_left() bytes). */
const uint8_t *bgp_rbuf_ptr(const struct bgp_rbuf *b);
int bgp_get_u8(struct bgp_rbuf *b, uint8_t *v);
int bgp_get_u16(struct bgp_rbuf *b, uint16_t *v);
int bgp_get_u32(struct bgp_rbuf *b, uint32_t *v);
int bgp_get_n(struct bgp_rbuf *b, void *dst, size_t n);
int bgp_skip(struct bgp_rbuf *b, size_t n);
/* The next n bytes as a reader of their own; b moves past them. */
int bgp_get_sub(struct bgp_rbuf *b, size_t n, struct bgp_rbuf *sub);

struct bgp_wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int failed;	/* a put did not fit */
};

void bgp_wbuf_init(struct bgp_wbuf *w, void *p, size_t cap);
size_t bgp_wbuf_room(const struct bgp_wbuf *w);
int bgp_put_u8(struct bgp_wbuf *w, uint8_t v);
int bgp_put_u16(struct bgp_wbuf *w, uint16_t v);
int bgp_put_u32(struct bgp_wbuf *w, uint32_t v);
int bgp_put_n(struct bgp_wbuf *w, const void *src, size_t n);
/* Overwrite bytes already written (length fields filled in afterwards). */
int bgp_put_u8_at(struct bgp_wbuf *w, size_t off, uint8_t v);
int bgp_put_u16_at(struct bgp_wbuf *w, size_t off, uint16_t v);

#endif
