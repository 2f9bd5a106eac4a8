/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow specification rules (RFC 8955 for IPv4, RFC 8956 for IPv6): the one
 * model every side shares.  The config and the text API parse into it, the
 * codec turns it into NLRI and back, the engine keeps it in its RIBs and
 * prints it as ExaBGP does, and the parent compiles accepted rules into
 * the guard's flowspec maps.  Plain data, no pointers: a rule is copied,
 * compared and sent between processes as it is.
 */
#ifndef BGPS_FLOWSPEC_H
#define BGPS_FLOWSPEC_H

#include <stddef.h>
#include <stdint.h>

/* Component types, RFC 8955 §4.2.2 (and RFC 8956 §3 for IPv6: type 1/2
 * carry an offset, 3 is next header, 13 is the flow label). */
enum fs_type {
	FS_DST = 1,
	FS_SRC = 2,
	FS_PROTO = 3,	/* IPv4 protocol / IPv6 next header */
	FS_PORT = 4,
	FS_DPORT = 5,
	FS_SPORT = 6,
	FS_ICMP_TYPE = 7,
	FS_ICMP_CODE = 8,
	FS_TCP_FLAGS = 9,
	FS_PKT_LEN = 10,
	FS_DSCP = 11,
	FS_FRAG = 12,
	FS_FLOW_LABEL = 13, /* IPv6 only */
	FS_TYPE_MAX = 13,
};

/*
 * One operator byte and its value (RFC 8955 §4.2.1).  flags is the
 * operator byte as on the wire, minus the length bits, which the encoder
 * picks from the value (the smallest of 1, 2, 4 that holds it; the
 * decoder keeps what came and fs_nlri_encode() re-derives it):
 *   numeric (types 3-8, 10, 11, 13): FS_OP_END, FS_OP_AND, FS_OP_LT,
 *     FS_OP_GT, FS_OP_EQ (§4.2.1.1);
 *   bitmask (types 9, 12): FS_OP_END, FS_OP_AND, FS_OP_NOT, FS_OP_MATCH
 *     (§4.2.1.2).
 * FS_OP_END is the encoder's to set (on the last op); the decoder keeps
 * it as read.
 */
#define FS_OP_END 0x80
#define FS_OP_AND 0x40
#define FS_OP_LEN_MASK 0x30
#define FS_OP_LT 0x04
#define FS_OP_GT 0x02
#define FS_OP_EQ 0x01
#define FS_OP_NOT 0x02
#define FS_OP_MATCH 0x01

struct fs_op {
	uint8_t flags;
	uint8_t pad[3];
	uint32_t value;
};

/* Limits: a rule has each component type at most once (§4.2: types in
 * ascending order, each once) and at most FS_MAX_OPS operators in one. */
#define FS_MAX_COMP FS_TYPE_MAX
#define FS_MAX_OPS 8

struct fs_comp {
	uint8_t type;	/* enum fs_type */
	uint8_t nops;	/* types 3..13 */
	uint8_t plen;	/* types 1, 2: prefix length */
	uint8_t offset;	/* types 1, 2 on IPv6: RFC 8956 §3.1 offset */
	uint8_t addr[16];	/* types 1, 2: the prefix, host bits zero */
	struct fs_op ops[FS_MAX_OPS];
};

/* Actions: extended communities (RFC 8955 §7).  A rule without one is
 * "accept" (no action). */
#define FS_ACT_RATE_BYTES 0x01	/* traffic-rate-bytes, type 0x8006 */
#define FS_ACT_RATE_PKTS 0x02	/* traffic-rate-packets, 0x800c (§7.1) */
#define FS_ACT_ACTION 0x04	/* traffic-action 0x8007: sample, terminal */
#define FS_ACT_REDIRECT 0x08	/* redirect 0x8008/0x8108/0x8208 */
#define FS_ACT_MARK 0x10	/* traffic-marking 0x8009: DSCP */

#define FS_TA_TERMINAL 0x01	/* traffic-action bit T (§7.3) */
#define FS_TA_SAMPLE 0x02	/* bit S */

struct fs_actions {
	uint32_t flags;		/* FS_ACT_* */
	float rate_bytes;	/* bytes a second; 0: drop everything */
	float rate_pkts;	/* packets a second; 0: drop everything */
	uint16_t rate_asn;	/* the 2-octet "informational" AS of a rate */
	uint8_t action;		/* FS_TA_* */
	uint8_t dscp;		/* 0..63 */
	uint64_t redirect;	/* the whole 8-octet extended community */
};

struct fs_rule {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t ncomp;		/* comp[] in ascending type order */
	uint8_t v4_names;	/* the config/API parser's only, 0 once
				 * cfg_flow_finish() returns: the type of
				 * the first component whose value was an
				 * ICMP or protocol name (IPv4's numbers) */
	uint8_t pad;
	struct fs_comp comp[FS_MAX_COMP];
	struct fs_actions act;
};

/* 1 for the types with bitmask operators (TCP flags, fragment: RFC 8955
 * §4.2.1.2), 0 for the numeric ones. */
int fs_type_is_bitmask(int t);

/* ExaBGP's name of a component type ("destination-port", ...). */
const char *fs_type_name(int t);

/* The component of a type, or NULL. */
const struct fs_comp *fs_rule_comp(const struct fs_rule *r, enum fs_type t);

/*
 * RFC 8955 §4.1: the NLRI with its 1- or 2-octet length.  Returns the
 * octets written, or -1 (too small a buffer, or a rule that breaks the
 * model: types out of order or repeated, an IPv6-only type on IPv4).
 */
int fs_nlri_encode(const struct fs_rule *r, uint8_t *buf, size_t cap);

/*
 * One NLRI from p[0..len): *used gets its octets (length field
 * included).  0, or -1 with a reason in err (RFC 8955 §10 / RFC 7606
 * §7: the caller treats the UPDATE as withdraw, or resets when the
 * length itself is wrong and the rest cannot be found: *used is 0 then).
 */
int fs_nlri_decode(const uint8_t *p, size_t len, int family,
		   struct fs_rule *out, size_t *used, char *err, size_t el);

/*
 * The verdict of fs_nlri_decode() without the rule: the same walk and
 * checks (same return, *used and reason), nothing materialised.  For the
 * UPDATE decoder, which only has to choose between treat-as-withdraw and
 * reset (RFC 8955 §10, RFC 7606 §5.3), and for the RIBs, which keep the
 * NLRI octets and decode on demand.
 */
int fs_nlri_check(const uint8_t *p, size_t len, int family, size_t *used,
		  char *err, size_t el);

/* The octets of the NLRI at p[0..len), its length field included, or 0
 * when that length runs past len (RFC 8955 §4.1). */
size_t fs_nlri_len(const uint8_t *p, size_t len);

/*
 * Walk an NLRI list p[0..len) from *off: 1 with the next rule that
 * decodes in *out (*off past it), stepping over those that do not (RFC
 * 7606 §5.3 has them withdrawn); 0 at the end or where the framing
 * breaks.
 */
int fs_nlri_next(const uint8_t *p, size_t len, int family, size_t *off,
		 struct fs_rule *out);

/* RFC 8955 §5.1 order of two rules of one family: <0, 0, >0. */
int fs_rule_cmp(const struct fs_rule *a, const struct fs_rule *b);

/* Actions from / to extended communities (8 octets each, big-endian
 * numbers as in struct cfg_route's ext[]). */
int fs_actions_from_ext(struct fs_actions *a, const uint64_t *ext, size_t n);
size_t fs_actions_to_ext(const struct fs_actions *a, uint64_t *ext,
			 size_t cap);

#endif
