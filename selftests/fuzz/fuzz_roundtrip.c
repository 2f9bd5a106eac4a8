// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: what decodes must re-encode to bytes that decode the same.
 * An UPDATE that decodes without error (RFC 7606 "ok") is encoded again
 * from its decoded attributes and IPv4 NLRI (bgp_update_encode, as the
 * session sends routes), the result decoded, and the two decodings
 * compared: prefixes, ORIGIN, AS_PATH as the ASN sequence, NEXT_HOP, MED,
 * LOCAL_PREF, communities, large and extended communities.  A difference
 * is a bug in one of the two directions: abort.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_buf.h"
#include "bgp_wire.h"

#define MAXP 4096

static size_t prefixes(const struct bgp_nlri *n, struct prefix *out)
{
	struct bgp_nlri_iter it;
	size_t k = 0;

	bgp_nlri_iter_init(&it, n);
	while (k < MAXP && bgp_nlri_next(&it, &out[k]) == 1)
		k++;
	return k;
}

static size_t path(const struct bgp_attrs *a, uint32_t *out, size_t cap)
{
	struct bgp_aspath_iter it;
	uint32_t asn;
	uint8_t seg;
	size_t k = 0;

	if (!BGP_HAS(a, BGP_ATTR_AS_PATH))
		return 0;
	bgp_aspath_iter_init(&it, &a->aspath);
	while (bgp_aspath_next(&it, &asn, &seg) == 1 && k < cap)
		out[k++] = asn ^ ((uint32_t)seg << 28);
	return k;
}

static void same(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prefix p1[MAXP], p2[MAXP];
	static uint32_t a1[8192], a2[8192];
	static uint8_t out[BGP_EXT_MAX_LEN];
	struct bgp_sess_ctx ctx = { .as4 = 1, .ebgp = 0 };
	struct bgp_update u1, u2;
	struct bgp_err e;
	struct bgp_hdr h;
	struct bgp_wbuf w;
	size_t n1, n2, l1, l2;
	int k;

	/* 4-octet sessions only: toward a 2-octet peer the encoder adds
	 * AS4_PATH, a different (documented) shape */
	if (bgp_frame(data, size, BGP_MAX_LEN, &h, &e) != 1 ||
	    h.type != BGP_UPDATE)
		return 0;
	if (bgp_update_decode(data, h.len, &ctx, &u1, &e) != BGP_ACT_OK)
		return 0;
	n1 = prefixes(&u1.nlri, p1);
	if (!n1 || !BGP_HAS(&u1.attrs, BGP_ATTR_NEXT_HOP) ||
	    u1.mp_reach.count || u1.withdrawn.count || u1.mp_unreach.count)
		return 0;
	bgp_wbuf_init(&w, out, sizeof(out));
	k = bgp_update_encode(&w, BGP_MAX_LEN, &ctx, &u1.attrs, p1, n1);
	if (k <= 0)
		return 0; /* did not fit in one message: nothing to compare */
	same(bgp_update_decode(out, w.len, &ctx, &u2, &e) == BGP_ACT_OK);
	n2 = prefixes(&u2.nlri, p2);
	same(n2 == (size_t)k);
	same(!memcmp(p1, p2, n2 * sizeof(*p1)));
	same(u1.attrs.origin == u2.attrs.origin);
	l1 = path(&u1.attrs, a1, 8192);
	l2 = path(&u2.attrs, a2, 8192);
	same(l1 == l2 && !memcmp(a1, a2, l1 * 4));
	same(!memcmp(u1.attrs.nexthop, u2.attrs.nexthop, 4));
	same(BGP_HAS(&u1.attrs, BGP_ATTR_MED) ==
	     BGP_HAS(&u2.attrs, BGP_ATTR_MED));
	if (BGP_HAS(&u1.attrs, BGP_ATTR_MED))
		same(u1.attrs.med == u2.attrs.med);
	same(BGP_HAS(&u1.attrs, BGP_ATTR_LOCAL_PREF) ==
	     BGP_HAS(&u2.attrs, BGP_ATTR_LOCAL_PREF));
	if (BGP_HAS(&u1.attrs, BGP_ATTR_LOCAL_PREF))
		same(u1.attrs.local_pref == u2.attrs.local_pref);
	same(u1.attrs.ncomm == u2.attrs.ncomm &&
	     (!u1.attrs.ncomm ||
	      !memcmp(u1.attrs.comm, u2.attrs.comm, 4 * u1.attrs.ncomm)));
	same(u1.attrs.nlarge_comm == u2.attrs.nlarge_comm &&
	     (!u1.attrs.nlarge_comm ||
	      !memcmp(u1.attrs.large_comm, u2.attrs.large_comm,
		      12 * u1.attrs.nlarge_comm)));
	same(u1.attrs.next_comm == u2.attrs.next_comm &&
	     (!u1.attrs.next_comm ||
	      !memcmp(u1.attrs.ext_comm, u2.attrs.ext_comm,
		      8 * u1.attrs.next_comm)));
	return 0;
}
