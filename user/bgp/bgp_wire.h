/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BGP-4 wire codec: pure functions from bytes to structs and back, no
 * sockets, no globals, no allocation.  Decoded results point into the
 * message they came from (AS paths, communities, NLRI, unknown attributes,
 * NOTIFICATION data) and are valid as long as that buffer is.
 *
 * RFCs: 4271 (BGP-4), 4760 (multiprotocol), 5492 (capabilities), 6793
 * (4-octet AS), 2918 (route refresh), 8654 (extended messages), 9072
 * (extended optional parameters length), 4724 (graceful restart capability,
 * End-of-RIB), 9003 (shutdown communication), 1997, 4360, 8092
 * (communities), 7606 (revised UPDATE error handling), 7607 (AS 0), 6286
 * (BGP identifier), 2545 (IPv6 next hops), 7313 (ROUTE-REFRESH length),
 * 8950 (IPv4 NLRI with an IPv6 next hop), 7911 (ADD-PATH: the capability
 * and path identifiers on NLRI).
 *
 * Errors come back as (code, subcode, data) ready for a NOTIFICATION
 * (RFC 4271 §4.5, §6); UPDATE decoding returns an RFC 7606 action.
 */
#ifndef BGPS_BGP_WIRE_H
#define BGPS_BGP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_buf.h"

#define BGP_HDR_LEN 19
#define BGP_MAX_LEN 4096	/* RFC 4271 §4.1 */
#define BGP_EXT_MAX_LEN 65535	/* RFC 8654 §3 */
#define BGP_VERSION 4
#define BGP_AS_TRANS 23456	/* RFC 6793 §9 */

enum bgp_msg_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes and subcodes (RFC 4271 §4.5, §6). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_REFRESH = 7,	/* RFC 7313 §5 */
};

enum {
	BGP_ERR_HDR_SYNC = 1,
	BGP_ERR_HDR_LEN = 2,
	BGP_ERR_HDR_TYPE = 3,

	BGP_ERR_OPEN_UNSPEC = 0,
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_PEER_AS = 2,
	BGP_ERR_OPEN_BGPID = 3,
	BGP_ERR_OPEN_OPTPARAM = 4,
	BGP_ERR_OPEN_HOLD = 6,
	BGP_ERR_OPEN_CAPA = 7,	/* RFC 5492 §5 */

	BGP_ERR_UPD_ATTRLIST = 1,
	BGP_ERR_UPD_UNKWN_WK = 2,
	BGP_ERR_UPD_MISSING = 3,
	BGP_ERR_UPD_FLAGS = 4,
	BGP_ERR_UPD_LENGTH = 5,
	BGP_ERR_UPD_ORIGIN = 6,
	BGP_ERR_UPD_NEXTHOP = 8,
	BGP_ERR_UPD_OPTATTR = 9,
	BGP_ERR_UPD_NETWORK = 10,
	BGP_ERR_UPD_ASPATH = 11,

	BGP_CEASE_ADMIN_SHUTDOWN = 2,	/* RFC 4486, 9003 */
	BGP_CEASE_ADMIN_RESET = 4,

	BGP_ERR_REFRESH_LEN = 1,	/* RFC 7313 §5 */
};

/*
 * An error to send as NOTIFICATION.  The data is either a few bytes made up
 * by the decoder (small[]) or a reference into the received message (the
 * erroneous attribute, RFC 4271 §6.3); use bgp_err_data().
 */
struct bgp_err {
	uint8_t code;
	uint8_t subcode;
	uint8_t small[4];
	const uint8_t *ref;
	size_t len;
};

const uint8_t *bgp_err_data(const struct bgp_err *e);

struct bgp_hdr {
	uint16_t len;	/* the whole message, header included */
	uint8_t type;
};

/*
 * Frame one message from a receive buffer (RFC 4271 §4.1, §6.1).  maxlen
 * is BGP_MAX_LEN, or BGP_EXT_MAX_LEN once both sides sent the extended
 * message capability (OPEN and KEEPALIVE stay at 4096, RFC 8654 §4).
 * Returns 1 with h filled when a whole message of h->len bytes is at p,
 * 0 when more bytes are needed, -1 with e filled on a header error.
 */
int bgp_frame(const uint8_t *p, size_t avail, size_t maxlen,
	      struct bgp_hdr *h, struct bgp_err *e);

/* Address families this codec knows (RFC 4760 §3, IANA registries). */
#define BGP_AFI_IPV4 1
#define BGP_AFI_IPV6 2
#define BGP_SAFI_UNICAST 1

#define BGP_SAFI_FLOW 133	/* RFC 8955 §4 (IPv4), RFC 8956 §2 (IPv6) */
#define BGP_FAM_IPV4U 0x1
#define BGP_FAM_IPV6U 0x2
/* the unicast families: the ones ADD-PATH and RFC 8950 apply to */
#define BGP_FAM_ALL (BGP_FAM_IPV4U | BGP_FAM_IPV6U)
#define BGP_FAM_IPV4F 0x4	/* flowspec, SAFI 133 */
#define BGP_FAM_IPV6F 0x8
#define BGP_FAM_FLOW (BGP_FAM_IPV4F | BGP_FAM_IPV6F)

/* Capability codes (RFC 5492, IANA). */
enum {
	BGP_CAPA_MP = 1,
	BGP_CAPA_REFRESH = 2,
	BGP_CAPA_EXT_NH = 5,	/* RFC 8950 §4 */
	BGP_CAPA_EXTMSG = 6,
	BGP_CAPA_GR = 64,
	BGP_CAPA_AS4 = 65,
	BGP_CAPA_ADDPATH = 69,	/* RFC 7911 §4 */
};

/* RFC 7911 §4 Send/Receive field */
#define BGP_ADDPATH_RECEIVE 1
#define BGP_ADDPATH_SEND 2

#define BGP_MAX_GR_AF 8
#define BGP_MAX_UNKNOWN_CAPA 16
#define BGP_MAX_EXT_NH 8

/* One <NLRI AFI, NLRI SAFI, Nexthop AFI> of the Extended Next Hop
 * Encoding capability (RFC 8950 §4). */
struct bgp_nh_tuple {
	uint16_t afi;
	uint16_t safi;
	uint16_t nh_afi;
};

struct bgp_gr_af {
	uint16_t afi;
	uint8_t safi;
	uint8_t flags;	/* 0x80: forwarding state preserved */
};

struct bgp_caps {
	uint32_t families;	/* BGP_FAM_*, from multiprotocol caps */
	uint32_t other_families; /* count of MP caps for families we lack */
	int route_refresh;
	int as4;
	uint32_t as4_asn;
	int ext_msg;
	int gr;
	uint8_t gr_flags;	/* restart flags, high 4 bits of the field */
	uint16_t gr_time;	/* 12 bits, seconds */
	struct bgp_gr_af gr_af[BGP_MAX_GR_AF];
	size_t ngr_af;
	/* RFC 8950 §4: the capability was sent (ext_nh), with its tuples
	 * (the first BGP_MAX_EXT_NH; every tuple may be one we lack). */
	int ext_nh;
	struct bgp_nh_tuple ext_nh_t[BGP_MAX_EXT_NH];
	size_t next_nh;
	/* ADD-PATH (RFC 7911 §4): BGP_FAM_* bits of the families the
	 * speaker is able to send, and willing to receive, path ids for.
	 * Tuples for families we lack, or with a Send/Receive value other
	 * than 1..3, are ignored. */
	uint8_t addpath_send;
	uint8_t addpath_recv;
	/* RFC 5492 §3: unknown capabilities are ignored; their codes are
	 * kept for the operator ("neighbor show"). */
	uint8_t unknown[BGP_MAX_UNKNOWN_CAPA];
	size_t nunknown;
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;		/* AS_TRANS when the real ASN needs 4 octets */
	uint16_t hold;
	uint32_t bgp_id;	/* host order */
	struct bgp_caps caps;
	int ext_params;		/* RFC 9072 form was (or must be) used */
};

/* 1 when c carries the tuple <afi, safi, nh_afi> (RFC 8950 §4). */
int bgp_caps_ext_nh(const struct bgp_caps *c, uint16_t afi, uint16_t safi,
		    uint16_t nh_afi);

/* The peer's ASN: the 4-octet capability's when present (RFC 6793 §4.1). */
uint32_t bgp_open_asn(const struct bgp_open *o);
/*
 * Checks what the message alone can tell (§6.2: version, AS 0, hold time
 * 1-2, identifier 0, optional parameters, capability syntax).  The session
 * checks the rest: the peer AS against the config (Bad Peer AS), the
 * identifier collision (§6.8), capabilities it requires (RFC 5492 §5).
 * No multiprotocol capability at all (families and other_families both 0)
 * means IPv4 unicast only (RFC 4760 §8).
 */
int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o,
		    struct bgp_err *e);
/* my_as goes out as given: AS_TRANS when our ASN needs 4 octets, the
 * ASN itself in caps.as4_asn (RFC 6793 §4.1).  Capabilities go in one
 * optional parameter, in the RFC 9072 form if ext_params or if they
 * exceed 255 bytes. */
int bgp_open_encode(struct bgp_wbuf *w, const struct bgp_open *o);
/*
 * RFC 7911 §5: path ids go out for a family when we said send and the
 * peer said receive, and come in when we said receive and the peer said
 * send.  ours/peer are the two OPENs' capabilities; tx/rx get BGP_FAM_*
 * bits (for struct bgp_sess_ctx).
 */
void bgp_addpath_negotiate(const struct bgp_caps *ours,
			   const struct bgp_caps *peer, uint8_t *tx,
			   uint8_t *rx);

int bgp_keepalive_encode(struct bgp_wbuf *w);
int bgp_keepalive_decode(const uint8_t *msg, size_t len, struct bgp_err *e);

#define BGP_SHUTDOWN_MAX 255	/* RFC 9003 §2 */

struct bgp_notif {
	uint8_t code;
	uint8_t subcode;
	const uint8_t *data;	/* into the message */
	size_t len;
	/* RFC 9003: Cease/2 and Cease/4 may carry a UTF-8 message. */
	int has_shutdown;
	int shutdown_bad;	/* length overruns or not UTF-8: not shown */
	char shutdown[BGP_SHUTDOWN_MAX + 1];
};

int bgp_notif_decode(const uint8_t *msg, size_t len, struct bgp_notif *n,
		     struct bgp_err *e);
int bgp_notif_encode(struct bgp_wbuf *w, uint8_t code, uint8_t subcode,
		     const void *data, size_t len);
int bgp_notif_encode_err(struct bgp_wbuf *w, const struct bgp_err *e);
/* Cease with a shutdown communication; text longer than 255 bytes is cut
 * at a character boundary, invalid UTF-8 is refused (-1). */
int bgp_notif_encode_shutdown(struct bgp_wbuf *w, uint8_t subcode,
			      const char *text);
int bgp_utf8_valid(const uint8_t *p, size_t len);

struct bgp_refresh {
	uint16_t afi;
	uint8_t subtype;	/* RFC 7313: 0 request, 1 BoRR, 2 EoRR */
	uint8_t safi;
};

int bgp_refresh_decode(const uint8_t *msg, size_t len, struct bgp_refresh *r,
		       struct bgp_err *e);
int bgp_refresh_encode(struct bgp_wbuf *w, const struct bgp_refresh *r);

/* Path attribute type codes (RFC 4271 §5, IANA). */
enum {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGR = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
	BGP_ATTR_KNOWN_MAX = 33,
};

#define BGP_ATTRF_OPTIONAL 0x80
#define BGP_ATTRF_TRANSITIVE 0x40
#define BGP_ATTRF_PARTIAL 0x20
#define BGP_ATTRF_EXTLEN 0x10

#define BGP_ASSEG_SET 1
#define BGP_ASSEG_SEQUENCE 2
#define BGP_ASSEG_CONFED_SEQUENCE 3
#define BGP_ASSEG_CONFED_SET 4

/* Raw AS path segments (RFC 4271 §4.3) with 2- or 4-octet ASNs. */
struct bgp_aspath {
	const uint8_t *p;
	size_t len;
	uint8_t as_size;	/* 2 or 4 */
};

/* Walk an AS path already validated by the decoder: returns 1 per ASN
 * with its segment type, 0 at the end. */
struct bgp_aspath_iter {
	struct bgp_rbuf b;
	uint8_t as_size;
	uint8_t seg_type;
	uint8_t seg_left;
};
void bgp_aspath_iter_init(struct bgp_aspath_iter *it,
			  const struct bgp_aspath *a);
int bgp_aspath_next(struct bgp_aspath_iter *it, uint32_t *asn,
		    uint8_t *seg_type);
/* An AS_SEQUENCE (split at 255 ASNs per segment) in 4-octet form, for
 * static routes.  Returns the bytes written, or -1 if cap is too small. */
int bgp_aspath_build(uint8_t *buf, size_t cap, const uint32_t *asns,
		     size_t n);

/* A list of prefixes in NLRI encoding (RFC 4271 §4.3, RFC 4760 §5),
 * each after a 4-octet path identifier when addpath (RFC 7911 §3). */
struct bgp_nlri {
	int family;	/* AF_INET, AF_INET6 */
	int addpath;
	const uint8_t *p;
	size_t len;
	size_t count;
};
struct bgp_nlri_iter {
	struct bgp_rbuf b;
	int family;
	int addpath;
};
void bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri *n);
int bgp_nlri_next(struct bgp_nlri_iter *it, struct prefix *out);
/* The same, with the path identifier (0 when the list has none). */
int bgp_nlri_next_path(struct bgp_nlri_iter *it, struct prefix *out,
		       uint32_t *path_id);

struct bgp_raw_attr {
	uint8_t flags;
	uint8_t type;
	uint8_t own;	/* we originate it: sent with its flags as given */
	const uint8_t *p;
	size_t len;
};

#define BGP_MAX_UNKNOWN_ATTR 16

/* Path attributes: decoded, or to encode.  has is a bit per type code. */
struct bgp_attrs {
	uint64_t has;
	uint8_t origin;
	struct bgp_aspath aspath;
	uint8_t nexthop[4];
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggr_as;
	uint8_t aggr_id[4];
	const uint8_t *comm;	/* 4 bytes each */
	size_t ncomm;
	const uint8_t *ext_comm;	/* 8 bytes each */
	size_t next_comm;
	const uint8_t *large_comm;	/* 12 bytes each */
	size_t nlarge_comm;
	struct bgp_aspath as4_path;
	uint32_t as4_aggr_as;
	uint8_t as4_aggr_id[4];
	/* MP_REACH_NLRI (RFC 4760 §3): next hop global [+ link-local]. */
	uint16_t mp_afi;
	uint8_t mp_safi;
	uint8_t mp_nh_len;	/* 4, 16 or 32 */
	uint8_t mp_nh[32];
	struct bgp_raw_attr unknown[BGP_MAX_UNKNOWN_ATTR];
	size_t nunknown;
};

#define BGP_HAS(a, code) (((a)->has >> (code)) & 1)

/* RFC 7606 outcomes, in rising severity. */
enum bgp_action {
	BGP_ACT_OK = 0,
	BGP_ACT_DISCARD,	/* §2 attribute discard: the rest is good */
	BGP_ACT_WITHDRAW,	/* §2 treat-as-withdraw: every NLRI withdrawn */
	BGP_ACT_RESET,		/* §2 session reset: send err, close */
};

struct bgp_sess_ctx {
	int as4;	/* both sides sent the 4-octet AS capability */
	int ebgp;	/* LOCAL_PREF from an external peer is discarded */
	/* RFC 8950: both sides sent <1, 1, 2> in the Extended Next Hop
	 * Encoding capability, so IPv4 unicast NLRI may come (and go) in
	 * MP_REACH_NLRI with a 16- or 32-byte IPv6 next hop. */
	int ext_nh_v4;
	/* ADD-PATH negotiated (RFC 7911 §5), BGP_FAM_* bits: NLRI of
	 * these families carry path identifiers coming in (rx) and going
	 * out (tx). */
	uint8_t addpath_rx;
	uint8_t addpath_tx;
};

struct bgp_update {
	struct bgp_nlri withdrawn;	/* IPv4 */
	struct bgp_nlri nlri;		/* IPv4 */
	struct bgp_nlri mp_reach;	/* family from attrs.mp_afi */
	struct bgp_nlri mp_unreach;
	uint16_t mp_unreach_afi;
	uint8_t mp_unreach_safi;
	struct bgp_attrs attrs;
	uint64_t discarded;	/* a bit per attribute code dropped */
	/* IPv4 unicast in MP_REACH_NLRI with an IPv6 next hop from a peer
	 * that did not negotiate RFC 8950: treat-as-withdraw (dec_mp_reach
	 * says why). */
	int ext_nh_unneg;
	/* Flowspec NLRI (SAFI 133) from MP_(UN)REACH_NLRI: family AF_INET
	 * or AF_INET6, p/len the NLRI as sent, count how many; walk them
	 * with fs_nlri_decode() (each was checked with fs_nlri_check()).
	 * flow_bad: one of them is malformed but the framing held (RFC
	 * 8955 §10, RFC 7606 §5.3 with its own length: treat-as-withdraw),
	 * flow_why says which and why. */
	struct bgp_nlri flow_reach;
	struct bgp_nlri flow_unreach;
	int flow_bad;
	char flow_why[96];
	int eor;		/* End-of-RIB (RFC 4724 §2) */
	uint16_t eor_afi;
	uint8_t eor_safi;
};

/*
 * Decode one framed UPDATE.  Returns the RFC 7606 action; with
 * BGP_ACT_RESET, e holds the NOTIFICATION to send.  With
 * BGP_ACT_WITHDRAW, u's NLRI lists are valid and all of them (and
 * u->withdrawn, mp_unreach) are to be withdrawn.
 */
enum bgp_action bgp_update_decode(const uint8_t *msg, size_t len,
				  const struct bgp_sess_ctx *ctx,
				  struct bgp_update *u, struct bgp_err *e);
const char *bgp_attr_name(uint8_t type);

/*
 * Encode one UPDATE announcing as many of pfx[0..n) as fit in maxlen, all
 * of one family: IPv4 in the NLRI field with a (has) NEXT_HOP, IPv6 in
 * MP_REACH_NLRI with attrs->mp_nh.  IPv4 with an IPv6 next hop (no
 * NEXT_HOP, mp_nh_len 16 or 32) goes in MP_REACH_NLRI AFI 1 SAFI 1
 * (RFC 8950 §3), only when ctx->ext_nh_v4 (else -1).  Returns the prefixes packed (>= 1) or
 * -1.  Toward a 2-octet peer (!ctx->as4) AS_PATH is 2-octet with AS_TRANS
 * and AS4_PATH carries the real path (RFC 6793 §4.2.2); attributes that
 * came from a 2-octet peer must go through bgp_attrs_as4_merge() first.
 * LOCAL_PREF is left out toward an external peer (RFC 4271 §5.1.5).
 * Unknown optional transitive attributes go out with Partial set.
 * When ctx->addpath_tx has the family, each prefix goes after its path
 * identifier (RFC 7911 §3): paths[i], or 0 when paths is NULL.
 */
int bgp_update_encode(struct bgp_wbuf *w, size_t maxlen,
		      const struct bgp_sess_ctx *ctx,
		      const struct bgp_attrs *attrs, const struct prefix *pfx,
		      size_t n);
int bgp_update_encode_paths(struct bgp_wbuf *w, size_t maxlen,
			    const struct bgp_sess_ctx *ctx,
			    const struct bgp_attrs *attrs,
			    const struct prefix *pfx, const uint32_t *paths,
			    size_t n);
int bgp_withdraw_encode(struct bgp_wbuf *w, size_t maxlen,
			const struct prefix *pfx, size_t n);
/* Withdrawals, each after its path identifier when addpath is non-zero
 * (ADD-PATH send negotiated for the prefixes' family, RFC 7911 §3):
 * paths[i], or 0 when paths is NULL. */
int bgp_withdraw_encode_paths(struct bgp_wbuf *w, size_t maxlen,
			      int addpath, const struct prefix *pfx,
			      const uint32_t *paths, size_t n);
/*
 * Flowspec (RFC 8955 §4, RFC 8956): one UPDATE announcing as many of the
 * NLRI in nlri[0..len) (each with its length octets, as fs_nlri_encode()
 * writes them, all of one family) as fit in maxlen, in MP_REACH_NLRI AFI
 * 1 or 2, SAFI 133, next hop length 0, with attrs (ORIGIN, AS_PATH, the
 * action extended communities; NEXT_HOP is never sent).  Returns the
 * octets of nlri consumed (whole NLRI, > 0) or -1.
 */
int bgp_flow_update_encode(struct bgp_wbuf *w, size_t maxlen,
			   const struct bgp_sess_ctx *ctx,
			   const struct bgp_attrs *attrs, int family,
			   const uint8_t *nlri, size_t len);
/* The same for a withdrawal: MP_UNREACH_NLRI alone (RFC 4760 §4). */
int bgp_flow_withdraw_encode(struct bgp_wbuf *w, size_t maxlen, int family,
			     const uint8_t *nlri, size_t len);

/* End-of-RIB marker (RFC 4724 §2). */
int bgp_eor_encode(struct bgp_wbuf *w, uint16_t afi, uint8_t safi);

/*
 * From a 2-octet peer (AS_PATH with as_size 2): rebuild the real path
 * from AS_PATH and AS4_PATH, and the aggregator from AS4_AGGREGATOR
 * (RFC 6793 §4.2.3), into buf.  Afterwards a->aspath is 4-octet and the
 * AS4_* attributes are gone.  Returns 0, or -1 if cap is too small.
 */
int bgp_attrs_as4_merge(struct bgp_attrs *a, uint8_t *buf, size_t cap);

struct cfg_route;
/*
 * The attributes of a static route (config.h struct cfg_route): ORIGIN,
 * AS_PATH (as configured; the session prepends its own AS), MED,
 * LOCAL_PREF, COMMUNITIES, LARGE_COMMUNITIES, and the next hop: the
 * route's, or for next-hop self the session's local address self (and
 * for IPv6 its link-local self_ll, may be NULL).  An IPv4 route with an
 * IPv6 next hop gets it in mp_nh and no NEXT_HOP (RFC 8950; whether the
 * session may send it is the caller's question).  Lists are written into
 * buf, which a must not outlive.  Returns 0, or -1 (buf too small, or an
 * IPv6 route with an IPv4 next hop).
 */
int bgp_route_attrs(const struct cfg_route *r, const struct prefix *self,
		    const struct prefix *self_ll, uint8_t *buf, size_t cap,
		    struct bgp_attrs *a);

#endif
