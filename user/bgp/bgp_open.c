// SPDX-License-Identifier: GPL-2.0-only
/*
 * The OPEN message and the capabilities it carries, decoded and encoded
 * (part of the wire codec: bgp_wire.c says what the whole implements).
 *   RFC 4271  OPEN (§4.2) and its errors (§6.2)
 *   RFC 5492  capabilities advertisement (optional parameter 2)
 *   RFC 9072  extended optional parameters length
 *   RFC 4760  §8 multiprotocol capability (IPv4 and IPv6 unicast)
 *   RFC 6793  §3 4-octet AS capability (bgp_open_asn(): the real AS)
 *   RFC 2918  §2 route refresh capability
 *   RFC 8654  §3 extended message capability
 *   RFC 4724  §3 graceful restart capability (parsed and kept)
 *   RFC 8950  §4 extended next hop encoding capability (tuples kept)
 *   RFC 7911  §4 ADD-PATH capability, §5 what it negotiates
 *   RFC 7607  AS 0 refused, RFC 6286 any non-zero BGP Identifier
 */
#include <string.h>

#include "bgp_wire.h"
#include "bgp_wire_int.h"

/* --- OPEN -------------------------------------------------------------- */

uint32_t bgp_open_asn(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_asn : o->my_as;
}

/* RFC 5492 §4: a sequence of <code, length, value>. */
static int open_caps(struct bgp_rbuf *b, struct bgp_caps *c,
		     struct bgp_err *e)
{
	while (bgp_rbuf_left(b)) {
		struct bgp_rbuf v;
		uint8_t code, len, res, safi, fl;
		uint16_t afi, ft;
		uint32_t asn;

		if (bgp_get_u8(b, &code) == -1 || bgp_get_u8(b, &len) == -1 ||
		    bgp_get_sub(b, len, &v) == -1)
			goto bad;
		switch (code) {
		case BGP_CAPA_MP:	/* RFC 4760 §8 */
			if (len != 4 || bgp_get_u16(&v, &afi) == -1 ||
			    bgp_get_u8(&v, &res) == -1 ||
			    bgp_get_u8(&v, &safi) == -1)
				goto bad;
			if (fam_bit(afi, safi))
				c->families |= fam_bit(afi, safi);
			else
				c->other_families++;
			break;
		case BGP_CAPA_REFRESH:	/* RFC 2918 §2 */
			if (len != 0)
				goto bad;
			c->route_refresh = 1;
			break;
		case BGP_CAPA_EXTMSG:	/* RFC 8654 §3 */
			if (len != 0)
				goto bad;
			c->ext_msg = 1;
			break;
		case BGP_CAPA_AS4:	/* RFC 6793 §3 */
			if (len != 4 || bgp_get_u32(&v, &asn) == -1)
				goto bad;
			if (asn == 0) {	/* RFC 7607 §2 */
				err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
				return -1;
			}
			c->as4 = 1;
			c->as4_asn = asn;
			break;
		case BGP_CAPA_GR:	/* RFC 4724 §3 */
			if (len < 2 || (len - 2) % 4 ||
			    bgp_get_u16(&v, &ft) == -1)
				goto bad;
			c->gr = 1;
			c->gr_flags = ft >> 12;
			c->gr_time = ft & 0xfff;
			c->ngr_af = 0;
			while (bgp_rbuf_left(&v)) {
				if (bgp_get_u16(&v, &afi) == -1 ||
				    bgp_get_u8(&v, &safi) == -1 ||
				    bgp_get_u8(&v, &fl) == -1)
					goto bad;
				if (c->ngr_af == BGP_MAX_GR_AF)
					continue;
				c->gr_af[c->ngr_af].afi = afi;
				c->gr_af[c->ngr_af].safi = safi;
				c->gr_af[c->ngr_af].flags = fl;
				c->ngr_af++;
			}
			break;
		case BGP_CAPA_ADDPATH:	/* RFC 7911 §4 */
			/* <AFI, SAFI, Send/Receive> tuples: a length that
			 * is not a multiple of 4 is malformed. */
			if (len == 0 || len % 4)
				goto bad;
			while (bgp_rbuf_left(&v)) {
				int fb;

				if (bgp_get_u16(&v, &afi) == -1 ||
				    bgp_get_u8(&v, &safi) == -1 ||
				    bgp_get_u8(&v, &fl) == -1)
					goto bad;
				fb = fam_bit(afi, safi);
				/* §4: values other than 1..3 are not
				 * defined; a family we lack cannot be
				 * negotiated either: both ignored. */
				if (!fb || fl < 1 || fl > 3)
					continue;
				if (fl & BGP_ADDPATH_SEND)
					c->addpath_send |= fb;
				if (fl & BGP_ADDPATH_RECEIVE)
					c->addpath_recv |= fb;
			}
			break;
		case BGP_CAPA_EXT_NH:
			/* RFC 8950 §4: tuples of NLRI AFI (2 octets), NLRI
			 * SAFI (2) and Nexthop AFI (2).  Tuples for families
			 * we lack are kept for show and the JSON, harmless:
			 * only <1, 1, 2> is ever looked up.  A second
			 * capability 5 adds its tuples (RFC 5492 §4 lets a
			 * capability appear more than once). */
			if (len % 6)
				goto bad;
			c->ext_nh = 1;
			while (bgp_rbuf_left(&v)) {
				struct bgp_nh_tuple t;

				if (bgp_get_u16(&v, &t.afi) == -1 ||
				    bgp_get_u16(&v, &t.safi) == -1 ||
				    bgp_get_u16(&v, &t.nh_afi) == -1)
					goto bad;
				if (c->next_nh < BGP_MAX_EXT_NH)
					c->ext_nh_t[c->next_nh++] = t;
			}
			break;
		default:
			/* RFC 5492 §3: ignore what we do not know. */
			if (c->nunknown < BGP_MAX_UNKNOWN_CAPA)
				c->unknown[c->nunknown++] = code;
			break;
		}
	}
	return 0;
bad:
	/* RFC 5492 names no subcode for a malformed capability; use the
	 * unspecific OPEN error, as other speakers do. */
	err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC);
	return -1;
}

int bgp_caps_ext_nh(const struct bgp_caps *c, uint16_t afi, uint16_t safi,
		    uint16_t nh_afi)
{
	size_t n = c->next_nh > BGP_MAX_EXT_NH ? BGP_MAX_EXT_NH : c->next_nh;

	if (!c->ext_nh)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (c->ext_nh_t[i].afi == afi && c->ext_nh_t[i].safi == safi &&
		    c->ext_nh_t[i].nh_afi == nh_afi)
			return 1;
	return 0;
}

int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o,
		    struct bgp_err *e)
{
	struct bgp_rbuf b, params;
	uint8_t optlen8, ptype;
	uint16_t optlen;

	memset(o, 0, sizeof(*o));
	if (body_init(&b, msg, len) == -1 ||
	    bgp_get_u8(&b, &o->version) == -1 ||
	    bgp_get_u16(&b, &o->my_as) == -1 ||
	    bgp_get_u16(&b, &o->hold) == -1 ||
	    bgp_get_u32(&b, &o->bgp_id) == -1 ||
	    bgp_get_u8(&b, &optlen8) == -1)
		return err_badlen(e, len);
	/* §6.2: the data is the largest version we support. */
	if (o->version != BGP_VERSION) {
		err_set_u16(e, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, BGP_VERSION);
		return -1;
	}
	if (o->my_as == 0) {	/* RFC 7607 §2 */
		err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
		return -1;
	}
	/* §4.2: zero or at least three seconds. */
	if (o->hold == 1 || o->hold == 2) {
		err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD);
		return -1;
	}
	/* §6.2 and RFC 6286 §2.2: any non-zero identifier is valid. */
	if (o->bgp_id == 0) {
		err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID);
		return -1;
	}
	optlen = optlen8;
	/* RFC 9072 §2: length 255 and type 255 announce the extended form
	 * with 2-octet lengths. */
	if (optlen8 == 255 && bgp_rbuf_left(&b) >= 1 &&
	    *bgp_rbuf_ptr(&b) == 255) {
		o->ext_params = 1;
		if (bgp_skip(&b, 1) == -1 || bgp_get_u16(&b, &optlen) == -1)
			goto bad;
	}
	if (bgp_get_sub(&b, optlen, &params) == -1 || bgp_rbuf_left(&b))
		goto bad;
	while (bgp_rbuf_left(&params)) {
		struct bgp_rbuf v;
		uint16_t plen;
		uint8_t plen8;

		if (bgp_get_u8(&params, &ptype) == -1)
			goto bad;
		if (o->ext_params) {
			if (bgp_get_u16(&params, &plen) == -1)
				goto bad;
		} else {
			if (bgp_get_u8(&params, &plen8) == -1)
				goto bad;
			plen = plen8;
		}
		if (bgp_get_sub(&params, plen, &v) == -1)
			goto bad;
		/* §6.2: only capabilities (RFC 5492 §4) are known. */
		if (ptype != 2) {
			err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_OPTPARAM);
			return -1;
		}
		if (open_caps(&v, &o->caps, e) == -1)
			return -1;
	}
	return 0;
bad:
	err_set(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC);
	return -1;
}

static void put_cap_mp(struct bgp_wbuf *w, uint16_t afi, uint8_t safi)
{
	bgp_put_u8(w, BGP_CAPA_MP);
	bgp_put_u8(w, 4);
	bgp_put_u16(w, afi);
	bgp_put_u8(w, 0);
	bgp_put_u8(w, safi);
}

int bgp_open_encode(struct bgp_wbuf *w, const struct bgp_open *o)
{
	const struct bgp_caps *c = &o->caps;
	uint8_t cbuf[256];
	struct bgp_wbuf cw;
	size_t start, i, n;

	bgp_wbuf_init(&cw, cbuf, sizeof(cbuf));
	if (c->families & BGP_FAM_IPV4U)
		put_cap_mp(&cw, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	if (c->families & BGP_FAM_IPV6U)
		put_cap_mp(&cw, BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	/* RFC 8955 §4 / RFC 8956 §2: flowspec is <AFI, 133> */
	if (c->families & BGP_FAM_IPV4F)
		put_cap_mp(&cw, BGP_AFI_IPV4, BGP_SAFI_FLOW);
	if (c->families & BGP_FAM_IPV6F)
		put_cap_mp(&cw, BGP_AFI_IPV6, BGP_SAFI_FLOW);
	if (c->route_refresh) {
		bgp_put_u8(&cw, BGP_CAPA_REFRESH);
		bgp_put_u8(&cw, 0);
	}
	if (c->ext_msg) {
		bgp_put_u8(&cw, BGP_CAPA_EXTMSG);
		bgp_put_u8(&cw, 0);
	}
	if (c->ext_nh && c->next_nh) {	/* RFC 8950 §4 */
		n = c->next_nh > BGP_MAX_EXT_NH ? BGP_MAX_EXT_NH : c->next_nh;
		bgp_put_u8(&cw, BGP_CAPA_EXT_NH);
		bgp_put_u8(&cw, (uint8_t)(6 * n));
		for (i = 0; i < n; i++) {
			bgp_put_u16(&cw, c->ext_nh_t[i].afi);
			bgp_put_u16(&cw, c->ext_nh_t[i].safi);
			bgp_put_u16(&cw, c->ext_nh_t[i].nh_afi);
		}
	}
	if (c->gr) {
		n = c->ngr_af > BGP_MAX_GR_AF ? BGP_MAX_GR_AF : c->ngr_af;
		bgp_put_u8(&cw, BGP_CAPA_GR);
		bgp_put_u8(&cw, (uint8_t)(2 + 4 * n));
		bgp_put_u16(&cw, (uint16_t)((c->gr_flags & 0xf) << 12 |
					    (c->gr_time & 0xfff)));
		for (i = 0; i < n; i++) {
			bgp_put_u16(&cw, c->gr_af[i].afi);
			bgp_put_u8(&cw, c->gr_af[i].safi);
			bgp_put_u8(&cw, c->gr_af[i].flags);
		}
	}
	if (c->as4) {
		bgp_put_u8(&cw, BGP_CAPA_AS4);
		bgp_put_u8(&cw, 4);
		bgp_put_u32(&cw, c->as4_asn);
	}
	if ((c->addpath_send | c->addpath_recv) & BGP_FAM_ALL) {
		/* RFC 7911 §4: one capability, a tuple per family. */
		static const struct {
			uint16_t afi;
			uint8_t bit;
		} f[] = { { BGP_AFI_IPV4, BGP_FAM_IPV4U },
			  { BGP_AFI_IPV6, BGP_FAM_IPV6U } };

		n = 0;
		for (i = 0; i < 2; i++)
			if ((c->addpath_send | c->addpath_recv) & f[i].bit)
				n++;
		bgp_put_u8(&cw, BGP_CAPA_ADDPATH);
		bgp_put_u8(&cw, (uint8_t)(4 * n));
		for (i = 0; i < 2; i++) {
			uint8_t sr = (c->addpath_send & f[i].bit
					      ? BGP_ADDPATH_SEND
					      : 0) |
				     (c->addpath_recv & f[i].bit
					      ? BGP_ADDPATH_RECEIVE
					      : 0);

			if (!sr)
				continue;
			bgp_put_u16(&cw, f[i].afi);
			bgp_put_u8(&cw, BGP_SAFI_UNICAST);
			bgp_put_u8(&cw, sr);
		}
	}
	if (cw.failed)
		return -1;

	start = msg_begin(w, BGP_OPEN);
	bgp_put_u8(w, BGP_VERSION);
	bgp_put_u16(w, o->my_as);
	bgp_put_u16(w, o->hold);
	bgp_put_u32(w, o->bgp_id);
	if (cw.len == 0) {
		bgp_put_u8(w, 0);
	} else if (!o->ext_params && cw.len + 2 <= 255) {
		/* One capabilities parameter holding all (RFC 5492 §4). */
		bgp_put_u8(w, (uint8_t)(cw.len + 2));
		bgp_put_u8(w, 2);
		bgp_put_u8(w, (uint8_t)cw.len);
		bgp_put_n(w, cbuf, cw.len);
	} else {
		/* RFC 9072 §2 */
		bgp_put_u8(w, 255);
		bgp_put_u8(w, 255);
		bgp_put_u16(w, (uint16_t)(cw.len + 3));
		bgp_put_u8(w, 2);
		bgp_put_u16(w, (uint16_t)cw.len);
		bgp_put_n(w, cbuf, cw.len);
	}
	return msg_end(w, start);
}

void bgp_addpath_negotiate(const struct bgp_caps *ours,
			   const struct bgp_caps *peer, uint8_t *tx,
			   uint8_t *rx)
{
	*tx = ours->addpath_send & peer->addpath_recv & BGP_FAM_ALL;
	*rx = ours->addpath_recv & peer->addpath_send & BGP_FAM_ALL;
}
