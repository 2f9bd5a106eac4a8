// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flowspec rules (RFC 8955, RFC 8956): see flowspec.h.
 *
 * The codec is strict both ways: the encoder refuses a rule the model
 * cannot put on the wire faithfully, and the decoder refuses anything it
 * would have to guess about (RFC 8955 §4.2: "the NLRI ... is malformed")
 * with a reason, so the caller can apply RFC 8955 §10 / RFC 7606 §7
 * treat-as-withdraw and log why.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "flowspec.h"

const struct fs_comp *fs_rule_comp(const struct fs_rule *r, enum fs_type t)
{
	for (size_t i = 0; i < r->ncomp && i < FS_MAX_COMP; i++)
		if (r->comp[i].type == t)
			return &r->comp[i];
	return NULL;
}

/* RFC 8955 §4.2.2.9 and .12: TCP flags and fragment take the bitmask
 * operator (§4.2.1.2); every other operator type the numeric one. */
int fs_type_is_bitmask(int t)
{
	return t == FS_TCP_FLAGS || t == FS_FRAG;
}

/*
 * The widest value each type may carry, in octets.  RFC 8955 §4.2.2:
 * protocol, ICMP type/code, DSCP and fragment are "1-octet" values;
 * ports, TCP flags and packet length "1- or 2-octet"; RFC 8956 §3.7:
 * the 20-bit flow label needs 4.  A wider value cannot be a field of
 * the packet, so the decoder calls it malformed.
 */
static unsigned type_max_len(int t)
{
	switch (t) {
	case FS_PORT:
	case FS_DPORT:
	case FS_SPORT:
	case FS_TCP_FLAGS:
	case FS_PKT_LEN:
		return 2;
	case FS_FLOW_LABEL:
		return 4;
	default:
		return 1;
	}
}

static const char *const type_names[] = {
	[FS_DST] = "destination", [FS_SRC] = "source",
	[FS_PROTO] = "protocol", [FS_PORT] = "port",
	[FS_DPORT] = "destination-port", [FS_SPORT] = "source-port",
	[FS_ICMP_TYPE] = "icmp-type", [FS_ICMP_CODE] = "icmp-code",
	[FS_TCP_FLAGS] = "tcp-flags", [FS_PKT_LEN] = "packet-length",
	[FS_DSCP] = "dscp", [FS_FRAG] = "fragment",
	[FS_FLOW_LABEL] = "flow-label",
};

const char *fs_type_name(int t)
{
	if (t >= FS_DST && t <= FS_TYPE_MAX)
		return type_names[t];
	return "unknown";
}

/* The smallest of 1, 2, 4 octets that holds v (RFC 8955 §4.2.1.1: "len"
 * is the value's length; nothing asks for more than it needs). */
static unsigned value_len(uint32_t v)
{
	return v <= 0xff ? 1 : v <= 0xffff ? 2 : 4;
}

static uint8_t len_bits(unsigned l)
{
	return l == 1 ? 0x00 : l == 2 ? 0x10 : l == 4 ? 0x20 : 0x30;
}

static unsigned prefix_octets(unsigned bits)
{
	return (bits + 7) / 8;
}

static int bit_at(const uint8_t *a, unsigned i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/*
 * One component, type octet included, into b (cap octets); returns its
 * length or -1.  For IPv6 prefixes RFC 8956 §3.1: <type, length, offset,
 * pattern> where the pattern is bits [offset, length) of the address,
 * left-aligned and padded to octets.
 */
static int comp_encode(const struct fs_comp *c, int family, uint8_t *b,
		       size_t cap)
{
	size_t o = 0;

	if (cap < 1)
		return -1;
	b[o++] = c->type;
	if (c->type == FS_DST || c->type == FS_SRC) {
		unsigned maxbits = family == AF_INET6 ? 128 : 32;

		if (c->plen > maxbits)
			return -1;
		if (family == AF_INET6) {
			unsigned n = c->plen >= c->offset ?
				c->plen - c->offset : 0;

			if (c->offset > c->plen || cap < o + 2 +
			    prefix_octets(n))
				return -1;
			b[o++] = c->plen;
			b[o++] = c->offset;
			memset(b + o, 0, prefix_octets(n));
			for (unsigned i = 0; i < n; i++)
				if (bit_at(c->addr, c->offset + i))
					b[o + i / 8] |= 0x80 >> (i % 8);
			o += prefix_octets(n);
		} else {
			unsigned n = prefix_octets(c->plen);

			if (c->offset || cap < o + 1 + n)
				return -1;
			b[o++] = c->plen;
			memcpy(b + o, c->addr, n);
			/* host bits zero, as the decoder demands */
			if (c->plen % 8)
				b[o + n - 1] &= (uint8_t)(0xff00 >>
							  (c->plen % 8));
			o += n;
		}
		return (int)o;
	}
	if (c->nops == 0 || c->nops > FS_MAX_OPS)
		return -1;
	for (unsigned i = 0; i < c->nops; i++) {
		const struct fs_op *op = &c->ops[i];
		unsigned l = value_len(op->value);
		/* RFC 8955 §4.2.1: the reserved bits "MUST be set to 0" */
		uint8_t keep = fs_type_is_bitmask(c->type) ?
			FS_OP_AND | FS_OP_NOT | FS_OP_MATCH :
			FS_OP_AND | FS_OP_LT | FS_OP_GT | FS_OP_EQ;

		if (l > type_max_len(c->type) || cap < o + 1 + l)
			return -1;
		b[o++] = (uint8_t)((op->flags & keep) | len_bits(l) |
				   (i + 1 == c->nops ? FS_OP_END : 0));
		for (unsigned k = l; k-- > 0;)
			b[o++] = (uint8_t)(op->value >> (8 * k));
	}
	return (int)o;
}

/* The model's own rules (flowspec.h): one of each type, ascending; the
 * flow label only on IPv6 (RFC 8956 §3.7). */
static int rule_valid(const struct fs_rule *r)
{
	if (r->family != AF_INET && r->family != AF_INET6)
		return 0;
	if (r->ncomp == 0 || r->ncomp > FS_MAX_COMP)
		return 0;
	for (unsigned i = 0; i < r->ncomp; i++) {
		unsigned t = r->comp[i].type;

		if (t < FS_DST || t > FS_TYPE_MAX)
			return 0;
		if (i && t <= r->comp[i - 1].type)
			return 0;
		if (t == FS_FLOW_LABEL && r->family != AF_INET6)
			return 0;
	}
	return 1;
}

int fs_nlri_encode(const struct fs_rule *r, uint8_t *buf, size_t cap)
{
	uint8_t body[4096];
	size_t n = 0, hl;

	if (!rule_valid(r))
		return -1;
	for (unsigned i = 0; i < r->ncomp; i++) {
		int l = comp_encode(&r->comp[i], r->family, body + n,
				    sizeof(body) - n);

		if (l < 0)
			return -1;
		n += (size_t)l;
	}
	/* RFC 8955 §4.1: below 240 one octet; up to 4095 two, the first
	 * with its high nibble 0xf */
	if (n > 4095)
		return -1;
	hl = n < 240 ? 1 : 2;
	if (cap < hl + n)
		return -1;
	if (hl == 1) {
		buf[0] = (uint8_t)n;
	} else {
		buf[0] = (uint8_t)(0xf0 | (n >> 8));
		buf[1] = (uint8_t)n;
	}
	memcpy(buf + hl, body, n);
	return (int)(hl + n);
}

#define FAIL(...) do { snprintf(err, el, __VA_ARGS__); return -1; } while (0)

/* One component at p[0..len) (type octet already read as t); *used its
 * octets after the type. */
/*
 * One component's value after its type octet: into *c, or with c NULL
 * only checked (fs_nlri_check: the UPDATE decoder's verdict without
 * materialising the rule).  One walk for both, so the two cannot differ.
 */
static int comp_walk(const uint8_t *p, size_t len, int family, int t,
		     struct fs_comp *c, size_t *used, char *err, size_t el)
{
	size_t o = 0;
	unsigned nops = 0;

	if (c) {
		memset(c, 0, sizeof(*c));
		c->type = (uint8_t)t;
	}
	if (t == FS_DST || t == FS_SRC) {
		unsigned maxbits = family == AF_INET6 ? 128 : 32;
		unsigned plen, off = 0, n, pad;

		if (len < 1)
			FAIL("%s: truncated", fs_type_name(t));
		plen = p[o++];
		if (plen > maxbits)
			FAIL("%s: prefix length %u longer than %u",
			     fs_type_name(t), plen, maxbits);
		if (family == AF_INET6) {
			if (len < 2)
				FAIL("%s: truncated", fs_type_name(t));
			off = p[o++];
			/* RFC 8956 §3.1: the pattern is bits
			 * [offset, length); an offset past the length
			 * leaves none */
			if (off > plen)
				FAIL("%s: offset %u beyond prefix length %u",
				     fs_type_name(t), off, plen);
		}
		n = plen - off;
		if (len - o < prefix_octets(n))
			FAIL("%s: truncated prefix", fs_type_name(t));
		/* padding bits after the pattern: 0, or the same rule would
		 * have two encodings (and two Adj-RIB-In keys) */
		pad = 8 * prefix_octets(n) - n;
		if (pad && (p[o + prefix_octets(n) - 1] & ((1u << pad) - 1)))
			FAIL("%s: bits set past the prefix length",
			     fs_type_name(t));
		if (c) {
			c->plen = (uint8_t)plen;
			c->offset = (uint8_t)off;
			for (unsigned i = 0; i < n; i++)
				if (bit_at(p + o, i))
					c->addr[(off + i) / 8] |= (uint8_t)(
						0x80 >> ((off + i) % 8));
		}
		o += prefix_octets(n);
		*used = o;
		return 0;
	}
	for (;;) {
		uint8_t f;
		unsigned l;
		uint32_t v = 0;

		if (o >= len)
			FAIL("%s: operator list without end bit",
			     fs_type_name(t));
		f = p[o++];
		l = 1u << ((f & FS_OP_LEN_MASK) >> 4);
		if (l > type_max_len(t))
			FAIL("%s: %u-octet value, at most %u allowed",
			     fs_type_name(t), l, type_max_len(t));
		if (len - o < l)
			FAIL("%s: truncated value", fs_type_name(t));
		if (nops == FS_MAX_OPS)
			FAIL("%s: more than %d operators", fs_type_name(t),
			     FS_MAX_OPS);
		for (unsigned k = 0; k < l; k++)
			v = v << 8 | p[o++];
		/* RFC 8955 §4.2.1: reserved bits "MUST be ignored" */
		f &= (uint8_t)(FS_OP_END | FS_OP_AND | FS_OP_LEN_MASK |
			       (fs_type_is_bitmask(t) ?
				FS_OP_NOT | FS_OP_MATCH :
				FS_OP_LT | FS_OP_GT | FS_OP_EQ));
		if (c) {
			c->ops[nops].flags = f;
			c->ops[nops].value = v;
			c->nops = (uint8_t)(nops + 1);
		}
		nops++;
		if (f & FS_OP_END)
			break;
	}
	*used = o;
	return 0;
}

size_t fs_nlri_len(const uint8_t *p, size_t len)
{
	size_t n;

	if (len < 1)
		return 0;
	if ((p[0] & 0xf0) == 0xf0) {
		if (len < 2)
			return 0;
		n = 2 + ((size_t)(p[0] & 0x0f) << 8 | p[1]);
	} else {
		n = 1 + (size_t)p[0];
	}
	return n > len ? 0 : n;
}

int fs_nlri_next(const uint8_t *p, size_t len, int family, size_t *off,
		 struct fs_rule *out)
{
	while (*off < len) {
		size_t used;
		char why[8];
		int rc = fs_nlri_decode(p + *off, len - *off, family, out, &used,
					why, sizeof(why));

		if (!used)
			return 0;
		*off += used;
		if (rc == 0)
			return 1;
	}
	return 0;
}

/* fs_nlri_decode() into out, or with out NULL fs_nlri_check(). */
static int nlri_walk(const uint8_t *p, size_t len, int family,
		     struct fs_rule *out, size_t *used, char *err, size_t el)
{
	size_t hl, n, o;
	int last = 0;

	*used = 0;
	if (out)
		memset(out, 0, sizeof(*out));
	if (family != AF_INET && family != AF_INET6)
		FAIL("not an IPv4 or IPv6 flowspec family");
	if (len < 1)
		FAIL("NLRI length missing");
	if ((p[0] & 0xf0) == 0xf0) {
		if (len < 2)
			FAIL("NLRI length truncated");
		hl = 2;
		n = (size_t)(p[0] & 0x0f) << 8 | p[1];
	} else {
		hl = 1;
		n = p[0];
	}
	if (len - hl < n)
		FAIL("NLRI length %zu past the attribute's end (%zu left)",
		     n, len - hl);
	/* From here on the framing holds: the caller can skip this NLRI
	 * and still find the next (treat-as-withdraw, not reset). */
	*used = hl + n;
	p += hl;
	if (out)
		out->family = (uint8_t)family;
	if (n == 0)
		FAIL("NLRI without components");
	for (o = 0; o < n;) {
		int t = p[o++];
		size_t u;

		if (t < FS_DST || t > FS_TYPE_MAX ||
		    (t == FS_FLOW_LABEL && family != AF_INET6))
			FAIL("component type %d unknown for %s", t,
			     family == AF_INET6 ? "IPv6" : "IPv4");
		/* RFC 8955 §4.2: "in strictly increasing order" */
		if (t <= last)
			FAIL("component type %d after type %d: not in "
			     "increasing order", t, last);
		if (comp_walk(p + o, n - o, family, t,
			      out ? &out->comp[out->ncomp] : NULL, &u, err,
			      el))
			return -1;
		o += u;
		if (out)
			out->ncomp++;
		last = t;
	}
	return 0;
}

int fs_nlri_decode(const uint8_t *p, size_t len, int family,
		   struct fs_rule *out, size_t *used, char *err, size_t el)
{
	return nlri_walk(p, len, family, out, used, err, el);
}

int fs_nlri_check(const uint8_t *p, size_t len, int family, size_t *used,
		  char *err, size_t el)
{
	return nlri_walk(p, len, family, NULL, used, err, el);
}

/* Compare bit ranges [from, to) of two addresses, big-endian. */
static int bits_cmp(const uint8_t *a, const uint8_t *b, unsigned from,
		    unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		int x = bit_at(a, i), y = bit_at(b, i);

		if (x != y)
			return x - y;
	}
	return 0;
}

/*
 * RFC 8955 §5.1: walk the components in type order.  The rule with a
 * component the other lacks comes first; for prefixes (types 1, 2) a
 * lower address over the common length comes first, then the longer
 * prefix (RFC 8956 §4.1 for IPv6: the lower offset first, then the same
 * on the pattern); for the others the lower memcmp of the encoded
 * component, then the longer.  <0: a comes first.
 */
int fs_rule_cmp(const struct fs_rule *a, const struct fs_rule *b)
{
	unsigned i = 0, j = 0;

	while (i < a->ncomp && j < b->ncomp &&
	       i < FS_MAX_COMP && j < FS_MAX_COMP) {
		const struct fs_comp *x = &a->comp[i], *y = &b->comp[j];
		uint8_t bx[64], by[64];
		int lx, ly, c;

		if (x->type != y->type)
			return x->type < y->type ? -1 : 1;
		if (x->type == FS_DST || x->type == FS_SRC) {
			unsigned common = x->plen < y->plen ? x->plen :
				y->plen;

			if (x->offset != y->offset)
				return x->offset < y->offset ? -1 : 1;
			c = bits_cmp(x->addr, y->addr, x->offset, common);
			if (c)
				return c;
			if (x->plen != y->plen)
				return x->plen > y->plen ? -1 : 1;
		} else {
			size_t m;

			lx = comp_encode(x, a->family, bx, sizeof(bx));
			ly = comp_encode(y, b->family, by, sizeof(by));
			if (lx < 0 || ly < 0)
				return (lx < 0) - (ly < 0);
			m = (size_t)(lx < ly ? lx : ly);
			c = memcmp(bx + 1, by + 1, m - 1);
			if (c)
				return c < 0 ? -1 : 1;
			if (lx != ly)
				return lx > ly ? -1 : 1;
		}
		i++, j++;
	}
	/* one ran out: the one that still has components comes first */
	if (i < a->ncomp)
		return -1;
	if (j < b->ncomp)
		return 1;
	return 0;
}

/* RFC 8955 §7: the flowspec extended communities (transitive, type 0x80,
 * 0x81, 0x82 by the form of the global administrator). */
#define EXT_RATE_BYTES 0x8006
#define EXT_ACTION 0x8007
#define EXT_REDIRECT_AS2 0x8008
#define EXT_REDIRECT_IP4 0x8108
#define EXT_REDIRECT_AS4 0x8208
#define EXT_MARK 0x8009
#define EXT_RATE_PKTS 0x800c

static float bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/*
 * Several of one kind on a route (RFC 8955 §7.7 leaves "interference"
 * to the implementation): the lower rate wins (the safer), traffic-action
 * bits add up, the first redirect and marking stay.  Returns how many
 * communities were flowspec actions; other communities are not ours.
 */
int fs_actions_from_ext(struct fs_actions *a, const uint64_t *ext, size_t n)
{
	int found = 0;

	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		uint64_t e = ext[i];
		uint16_t t = (uint16_t)(e >> 48);
		float r;

		switch (t) {
		case EXT_RATE_BYTES:
		case EXT_RATE_PKTS:
			r = bits_float((uint32_t)e);
			/* a NaN or negative rate limits nothing sane: read
			 * as 0, drop (the conservative reading) */
			if (!(r >= 0))
				r = 0;
			if (t == EXT_RATE_BYTES) {
				if (!(a->flags & FS_ACT_RATE_BYTES) ||
				    r < a->rate_bytes)
					a->rate_bytes = r;
				a->flags |= FS_ACT_RATE_BYTES;
			} else {
				if (!(a->flags & FS_ACT_RATE_PKTS) ||
				    r < a->rate_pkts)
					a->rate_pkts = r;
				a->flags |= FS_ACT_RATE_PKTS;
			}
			a->rate_asn = (uint16_t)(e >> 32);
			break;
		case EXT_ACTION:
			a->action |= (uint8_t)(e & (FS_TA_TERMINAL |
						    FS_TA_SAMPLE));
			a->flags |= FS_ACT_ACTION;
			break;
		case EXT_REDIRECT_AS2:
		case EXT_REDIRECT_IP4:
		case EXT_REDIRECT_AS4:
			if (!(a->flags & FS_ACT_REDIRECT))
				a->redirect = e;
			a->flags |= FS_ACT_REDIRECT;
			break;
		case EXT_MARK:
			if (!(a->flags & FS_ACT_MARK))
				a->dscp = (uint8_t)(e & 0x3f);
			a->flags |= FS_ACT_MARK;
			break;
		default:
			continue;
		}
		found++;
	}
	return found;
}

/* Returns how many communities the actions need (more than cap: only
 * cap were written). */
size_t fs_actions_to_ext(const struct fs_actions *a, uint64_t *ext,
			 size_t cap)
{
	uint64_t v[5];
	size_t n = 0;

	if (a->flags & FS_ACT_RATE_BYTES)
		v[n++] = (uint64_t)EXT_RATE_BYTES << 48 |
			(uint64_t)a->rate_asn << 32 | float_bits(a->rate_bytes);
	if (a->flags & FS_ACT_RATE_PKTS)
		v[n++] = (uint64_t)EXT_RATE_PKTS << 48 |
			(uint64_t)a->rate_asn << 32 | float_bits(a->rate_pkts);
	if (a->flags & FS_ACT_ACTION)
		v[n++] = (uint64_t)EXT_ACTION << 48 |
			(a->action & (FS_TA_TERMINAL | FS_TA_SAMPLE));
	if (a->flags & FS_ACT_REDIRECT)
		v[n++] = a->redirect;
	if (a->flags & FS_ACT_MARK)
		v[n++] = (uint64_t)EXT_MARK << 48 | (a->dscp & 0x3f);
	for (size_t i = 0; i < n && i < cap; i++)
		ext[i] = v[i];
	return n;
}
