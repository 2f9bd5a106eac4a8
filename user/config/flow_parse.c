// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a flow route (RFC 8955, RFC 8956 for IPv6) as ExaBGP 4.2
 * writes them: the match keywords with their prefix or operator lists,
 * the then actions, the checks a whole rule must pass, and the printer
 * that writes a rule back in the same words.  The config's flow block
 * (parse_flow.c) and the text API's announce/withdraw flow (user/api/
 * api.c) both call these, so a rule means the same in a file and on a
 * helper's line.  Messages carry no position: the caller adds it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "config.h"
#include "plist.h"

__attribute__((format(printf, 3, 4))) static int fl_err(char *err, size_t el,
							 const char *fmt, ...)
{
	va_list ap;

	if (err && el) {
		va_start(ap, fmt);
		vsnprintf(err, el, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* --- names ---------------------------------------------------------------- */

struct fl_name {
	const char *name;
	uint32_t value;
};

/* ExaBGP's protocol names (exabgp/protocol/__init__.py), IANA numbers. */
static const struct fl_name fl_protos[] = {
	{ "icmp", 1 },	 { "igmp", 2 },	 { "tcp", 6 },	  { "egp", 8 },
	{ "udp", 17 },	 { "rsvp", 46 }, { "gre", 47 },	  { "esp", 50 },
	{ "ah", 51 },	 { "ospf", 89 }, { "ipip", 94 },  { "pim", 103 },
	{ "sctp", 132 },
};

/* ICMP types and codes by ExaBGP's names (exabgp/protocol/ip/icmp.py). */
static const struct fl_name fl_icmp_types[] = {
	{ "echo-reply", 0 },
	{ "unreachable", 3 },
	{ "source-quench", 4 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicit", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp", 13 },
	{ "timestamp-reply", 14 },
	{ "info-request", 15 },
	{ "info-reply", 16 },
	{ "mask-request", 17 },
	{ "mask-reply", 18 },
	{ "traceroute", 30 },
	{ "experimental-mobility", 41 },
	{ "extended-echo-request", 42 },
	{ "extended-echo-reply", 43 },
	{ "experimental-one", 253 },
	{ "experimental-two", 254 },
};

static const struct fl_name fl_icmp_codes[] = {
	{ "network-unreachable", 0 },
	{ "host-unreachable", 1 },
	{ "protocol-unreachable", 2 },
	{ "port-unreachable", 3 },
	{ "fragmentation-needed", 4 },
	{ "source-route-failed", 5 },
	{ "destination-network-unknown", 6 },
	{ "destination-host-unknown", 7 },
	{ "source-host-isolated", 8 },
	{ "destination-network-prohibited", 9 },
	{ "destination-host-prohibited", 10 },
	{ "network-unreachable-for-tos", 11 },
	{ "host-unreachable-for-tos", 12 },
	{ "communication-prohibited-by-filtering", 13 },
	{ "host-precedence-violation", 14 },
	{ "precedence-cutoff-in-effect", 15 },
	{ "redirect-for-network", 0 },
	{ "redirect-for-host", 1 },
	{ "redirect-for-tos-and-net", 2 },
	{ "redirect-for-tos-and-host", 3 },
	{ "ttl-eq-zero-during-transit", 0 },
	{ "ttl-eq-zero-during-reassembly", 1 },
	{ "required-option-missing", 1 },
	{ "ip-header-bad", 2 },
};

/* TCP flag bits (RFC 8955 §4.2.2.9: the TCP header's flags octets;
 * ExaBGP's names, exabgp/protocol/ip/tcp/flag.py, 'urgent' its old
 * spelling of urg). */
static const struct fl_name fl_tcp_flags[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 },
	{ "push", 0x08 }, { "ack", 0x10 }, { "urg", 0x20 },
	{ "ece", 0x40 }, { "cwr", 0x80 }, { "ns", 0x100 },
	{ "urgent", 0x20 },
};

/* Fragment bits (RFC 8955 §4.2.2.12: DF, IsF, FF, LF; ExaBGP's names). */
static const struct fl_name fl_frags[] = {
	{ "not-a-fragment", 0x00 }, { "dont-fragment", 0x01 },
	{ "is-fragment", 0x02 },    { "first-fragment", 0x04 },
	{ "last-fragment", 0x08 },
};

#define FL_N(a) (sizeof(a) / sizeof((a)[0]))

/* ExaBGP lowercases a name and reads '_' as '-'. */
static int fl_name_find(const struct fl_name *t, size_t n, const char *s,
			size_t len, uint32_t *out)
{
	char b[48];

	if (!len || len >= sizeof(b))
		return -1;
	for (size_t i = 0; i < len; i++)
		b[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	b[len] = 0;
	for (size_t i = 0; i < n; i++)
		if (b[0] == t[i].name[0] && !strcmp(b, t[i].name)) {
			*out = t[i].value;
			return 0;
		}
	return -1;
}

static const char *fl_name_of(const struct fl_name *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

/* --- the match keywords --------------------------------------------------- */

struct fl_kw {
	const char *name;
	uint8_t type;	/* enum fs_type */
	uint8_t family; /* 0: either; else the family the keyword implies */
	uint32_t max;	/* numeric and bitmask types: the largest value */
	const struct fl_name *names;
	size_t nnames;
};

/* ExaBGP 4.2's match keywords (configuration/flow/match.py).  The
 * maximum of each value is its field's: RFC 8955 §4.2.2, RFC 8956 §3.7
 * for the 20-bit flow label. */
static const struct fl_kw fl_match_kws[] = {
	{ "destination", FS_DST, 0, 0, NULL, 0 },
	{ "destination-ipv4", FS_DST, AF_INET, 0, NULL, 0 },
	{ "destination-ipv6", FS_DST, AF_INET6, 0, NULL, 0 },
	{ "source", FS_SRC, 0, 0, NULL, 0 },
	{ "source-ipv4", FS_SRC, AF_INET, 0, NULL, 0 },
	{ "source-ipv6", FS_SRC, AF_INET6, 0, NULL, 0 },
	{ "protocol", FS_PROTO, 0, 255, fl_protos, FL_N(fl_protos) },
	{ "next-header", FS_PROTO, AF_INET6, 255, fl_protos, FL_N(fl_protos) },
	{ "port", FS_PORT, 0, 65535, NULL, 0 },
	{ "destination-port", FS_DPORT, 0, 65535, NULL, 0 },
	{ "source-port", FS_SPORT, 0, 65535, NULL, 0 },
	{ "icmp-type", FS_ICMP_TYPE, 0, 255, fl_icmp_types,
	  FL_N(fl_icmp_types) },
	{ "icmp-code", FS_ICMP_CODE, 0, 255, fl_icmp_codes,
	  FL_N(fl_icmp_codes) },
	{ "tcp-flags", FS_TCP_FLAGS, 0, 0xffff, fl_tcp_flags,
	  FL_N(fl_tcp_flags) },
	{ "packet-length", FS_PKT_LEN, 0, 65535, NULL, 0 },
	{ "dscp", FS_DSCP, 0, 63, NULL, 0 },
	/* ExaBGP's IPv6 name of type 11; RFC 8956 §3.6 keeps the 6-bit
	 * DSCP there, so the value is 0..63 (ExaBGP takes 16 bits) */
	{ "traffic-class", FS_DSCP, AF_INET6, 63, NULL, 0 },
	{ "fragment", FS_FRAG, 0, 0x0f, fl_frags, FL_N(fl_frags) },
	{ "flow-label", FS_FLOW_LABEL, AF_INET6, 0xfffff, NULL, 0 },
};

/* (The first octet first: the API parses a rule a line, and most
 * keywords differ there.) */
static const struct fl_kw *fl_match_find(const char *kw)
{
	for (size_t i = 0; i < FL_N(fl_match_kws); i++)
		if (kw[0] == fl_match_kws[i].name[0] &&
		    !strcmp(kw, fl_match_kws[i].name))
			return &fl_match_kws[i];
	return NULL;
}

/* The keyword a type prints as: the first row of that type, except in
 * an IPv6 rule next-header and traffic-class. */
static const struct fl_kw *fl_kw_of(uint8_t type, int family)
{
	/* next-header and traffic-class: a rule with no IPv6 prefix stays
	 * IPv6 when printed and read again */
	if (type == FS_PROTO && family == AF_INET6)
		return fl_match_find("next-header");
	if (type == FS_DSCP && family == AF_INET6)
		return fl_match_find("traffic-class");
	for (size_t i = 0; i < FL_N(fl_match_kws); i++)
		if (fl_match_kws[i].type == type)
			return &fl_match_kws[i];
	return NULL;
}

static int fl_bitmask(uint8_t type)
{
	return type == FS_TCP_FLAGS || type == FS_FRAG;
}

static const char *fl_fam(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* One family per rule: AFI 1 or 2 (RFC 8955 §4, RFC 8956 §2). */
static int fl_family(struct fs_rule *r, int family, const char *kw,
		     const char *why, char *err, size_t el)
{
	if (r->family && r->family != family)
		return fl_err(err, el,
			      "'%s' makes the rule %s%s, but it is %s already "
			      "(one family per rule; write an IPv4 and an "
			      "IPv6 rule)",
			      kw, fl_fam(family), why, fl_fam(r->family));
	r->family = (uint8_t)family;
	return 0;
}

int cfg_flow_is_match(const char *kw)
{
	return fl_match_find(kw) != NULL;
}

int cfg_flow_match(struct fs_rule *r, const char *kw, char *err, size_t el)
{
	const struct fl_kw *k = fl_match_find(kw);
	struct fs_comp *c;

	if (!k)
		return fl_err(err, el, "'%s' is not a flow match keyword", kw);
	for (size_t i = 0; i < r->ncomp; i++) {
		const char *was;

		if (r->comp[i].type != k->type)
			continue;
		was = fl_kw_of(k->type, r->family)->name;
		/* protocol and next-header are one type (RFC 8956 §3.3) */
		if (strcmp(was, kw))
			return fl_err(err, el,
				      "'%s' repeats '%s': one component "
				      "type once (RFC 8955 §4.2)",
				      kw, was);
		return fl_err(err, el,
			      "'%s' is given twice in one rule: each "
			      "component once (RFC 8955 §4.2); list the "
			      "values in one [ ]",
			      kw);
	}
	if (k->family &&
	    fl_family(r, k->family, kw,
		      k->family == AF_INET6 ? " (RFC 8956)" : "", err, el))
		return -1;
	if (r->ncomp >= FS_MAX_COMP)
		return fl_err(err, el, "too many components");
	c = &r->comp[r->ncomp];
	memset(c, 0, sizeof(*c));
	c->type = k->type;
	return r->ncomp++;
}

/* source/destination: A.B.C.D/N, or IPv6 ADDR/N[/OFFSET] (RFC 8956 §3.1:
 * the offset is where in the address the pattern starts). */
static int fl_prefix(struct fs_rule *r, struct fs_comp *c, const char *kw,
		     const char *w, char *err, size_t el)
{
	char b[INET6_ADDRSTRLEN + 16], e[128];
	struct prefix p;
	uint32_t off = 0;
	char *s;

	if (strlen(w) >= sizeof(b))
		return fl_err(err, el, "bad prefix '%.64s' after '%s'", w, kw);
	strcpy(b, w);
	if (!strchr(b, '/'))
		return fl_err(err, el,
			      "'%s' needs a prefix ADDRESS/LENGTH, got "
			      "'%.64s'",
			      kw, w);
	s = strchr(strchr(b, '/') + 1, '/');
	if (s) {
		*s++ = 0;
		if (parse_u32(s, 0, 127, &off))
			return fl_err(err, el,
				      "bad offset '%.16s' in '%.64s': a number "
				      "0..127 (RFC 8956 §3.1)",
				      s, w);
	}
	if (prefix_parse(b, &p, e, sizeof(e)))
		return fl_err(err, el, "bad prefix '%.64s' after '%s': %s", w,
			      kw, e);
	if (s && p.family != AF_INET6)
		return fl_err(err, el,
			      "'%.64s': an offset is IPv6 only (RFC 8956 "
			      "§3.1)",
			      w);
	/* RFC 8956 §3.1: the offset is within the pattern. */
	if (off && (int)off >= p.plen)
		return fl_err(err, el,
			      "'%.64s': the offset %u must be below the "
			      "length %d (RFC 8956 §3.1)",
			      w, off, p.plen);
	if (fl_family(r, p.family, kw, "", err, el))
		return -1;
	c->plen = (uint8_t)p.plen;
	c->offset = (uint8_t)off;
	memcpy(c->addr, p.addr, sizeof(c->addr));
	return 0;
}

/* A value of type k: a decimal (bitmasks: also 0x and hex) or a name;
 * bitmask names join with '+' as ExaBGP's do ("syn+ack"). */
static int fl_value(const struct fl_kw *k, const char *s, size_t len,
		    uint32_t *out, char *err, size_t el)
{
	char b[64], t2[64];
	uint32_t v = 0, x;

	if (!len || len >= sizeof(b))
		return fl_err(err, el, "'%s' needs a value after its operator",
			      k->name);
	memcpy(b, s, len);
	b[len] = 0;
	if (fl_bitmask(k->type)) {
		char *save = NULL;

		if (b[0] == '+' || b[len - 1] == '+' || strstr(b, "++"))
			goto bad;
		memcpy(t2, b, len + 1); /* b stays whole for the message */
		for (char *t = strtok_r(t2, "+", &save); t;
		     t = strtok_r(NULL, "+", &save)) {
			if (!fl_name_find(k->names, k->nnames, t, strlen(t),
					  &x))
				;
			else if (!strncasecmp(t, "0x", 2) && t[2] &&
				 strspn(t + 2, "0123456789abcdefABCDEF") ==
					 strlen(t + 2) &&
				 strlen(t + 2) <= 8)
				x = (uint32_t)strtoul(t + 2, NULL, 16);
			else if (parse_u32(t, 0, UINT32_MAX, &x))
				goto bad;
			if (x > k->max)
				goto range;
			v |= x;
		}
		*out = v;
		return 0;
	}
	if (!parse_u32(b, 0, UINT32_MAX, &v)) {
		if (v > k->max)
			goto range;
		*out = v;
		return 0;
	}
	if (k->names && !fl_name_find(k->names, k->nnames, b, len, out))
		return 0;
bad:
	return fl_err(err, el, "bad %s value '%.48s'%s", k->name, b,
		      k->names ? " (a number or a name)" : " (a number)");
range:
	return fl_err(err, el, "%s value '%.48s' is above %u", k->name, b,
		      k->max);
}

/*
 * ExaBGP's ICMP type and code names, and the protocol name "icmp", are
 * IPv4's numbers (RFC 792).  In an IPv6 rule the component is ICMPv6's
 * (RFC 8956 §3.5, RFC 4443: echo request is 128, not 8; next header 58,
 * not 1), so such a name would silently match other packets than the
 * operator meant: refused, the number asked for (ExaBGP sends IPv4's).
 */
static int fl_v4_name(const struct fl_kw *k, char *err, size_t el)
{
	if (k->type == FS_PROTO)
		return fl_err(err, el,
			      "'icmp' is IPv4's ICMP (protocol 1) and this is "
			      "an IPv6 rule: write '%s 58' for ICMPv6 (RFC "
			      "4443)",
			      k->name);
	return fl_err(err, el,
		      "'%s' names are IPv4's ICMP values (RFC 792) and this "
		      "is an IPv6 rule: write the ICMPv6 number (RFC 4443)",
		      k->name);
}

/* Numeric operators (RFC 8955 §4.2.1.1) as ExaBGP spells them:
 * = > < >= <= != true false, nothing meaning =. */
static size_t fl_num_op(const char *s, uint8_t *op)
{
	if (!strncasecmp(s, "true", 4))
		return *op = FS_OP_LT | FS_OP_GT | FS_OP_EQ, 4;
	if (!strncasecmp(s, "false", 5))
		return *op = 0, 5;
	if (s[0] == '!' && s[1] == '=')
		return *op = FS_OP_LT | FS_OP_GT, 2;
	if (s[0] == '=')
		return *op = FS_OP_EQ, 1;
	if (s[0] == '>' || s[0] == '<') {
		*op = s[0] == '>' ? FS_OP_GT : FS_OP_LT;
		if (s[1] == '=')
			return *op |= FS_OP_EQ, 2;
		return 1;
	}
	*op = FS_OP_EQ;
	return 0;
}

/* Bitmask operators (§4.2.1.2): '=' match, '!' not, '!=' both, nothing
 * "any of these bits". */
static size_t fl_bit_op(const char *s, uint8_t *op)
{
	if (s[0] == '!' && s[1] == '=')
		return *op = FS_OP_NOT | FS_OP_MATCH, 2;
	if (s[0] == '!')
		return *op = FS_OP_NOT, 1;
	if (s[0] == '=')
		return *op = FS_OP_MATCH, 1;
	*op = 0;
	return 0;
}

int cfg_flow_word(struct fs_rule *r, int idx, const char *w, char *err,
		  size_t el)
{
	struct fs_comp *c = &r->comp[idx];
	const struct fl_kw *k = fl_kw_of(c->type, r->family);
	int and = 0;

	if (c->type == FS_DST || c->type == FS_SRC) {
		if (c->plen || c->offset || c->nops)
			return fl_err(err, el,
				      "'%s' takes one prefix", k->name);
		c->nops = 0;
		return fl_prefix(r, c, k->name, w, err, el);
	}
	/* "=80", ">=1024&<=2048": '&' joins with AND (§4.2.1.1's a-bit);
	 * a new word is an OR. */
	while (*w) {
		uint8_t op;
		size_t n = fl_bitmask(c->type) ? fl_bit_op(w, &op)
					       : fl_num_op(w, &op);
		size_t len;
		uint32_t v = 0;
		int is_tf = !fl_bitmask(c->type) &&
			    (op == (FS_OP_LT | FS_OP_GT | FS_OP_EQ) ||
			     (op == 0 && n == 5));

		w += n;
		len = strcspn(w, "&");
		/* true and false need no value (ExaBGP takes a number
		 * after them; it means nothing to the match). */
		if (!(is_tf && !len) && fl_value(k, w, len, &v, err, el))
			return -1;
		if (len && !isdigit((unsigned char)*w) &&
		    (c->type == FS_ICMP_TYPE || c->type == FS_ICMP_CODE ||
		     (c->type == FS_PROTO && v == 1))) {
			if (!r->v4_names)
				r->v4_names = c->type;
			if (r->family == AF_INET6)
				return fl_v4_name(k, err, el);
		}
		if (c->nops >= FS_MAX_OPS)
			return fl_err(err, el,
				      "'%s' has more than %d values (the "
				      "limit of one component)",
				      k->name, FS_MAX_OPS);
		c->ops[c->nops].flags = (uint8_t)(op | (and ? FS_OP_AND : 0));
		c->ops[c->nops].value = v;
		c->nops++;
		w += len;
		if (*w == '&') {
			w++;
			if (!*w)
				return fl_err(err, el,
					      "'%s': a value cannot end with "
					      "'&'",
					      k->name);
			and = 1;
		}
	}
	return 0;
}

/* --- then ----------------------------------------------------------------- */

enum {
	FT_ACCEPT,
	FT_DISCARD,
	FT_RATE,
	FT_REDIRECT,
	FT_MARK,
	FT_ACTION,
	FT_NEXTHOP,	/* refused: need a next hop a rule does not carry */
	FT_COMMUNITY,	/* refused: a rule carries its actions only */
};

static const struct {
	const char *name;
	int id, value;
} fl_then_kws[] = {
	{ "accept", FT_ACCEPT, 0 },
	{ "discard", FT_DISCARD, 0 },
	{ "rate-limit", FT_RATE, 1 },
	{ "redirect", FT_REDIRECT, 1 },
	{ "mark", FT_MARK, 1 },
	{ "action", FT_ACTION, 1 },
	{ "redirect-to-nexthop", FT_NEXTHOP, 0 },
	{ "redirect-to-nexthop-ietf", FT_NEXTHOP, 2 },
	{ "copy", FT_NEXTHOP, 2 },
	{ "community", FT_COMMUNITY, 2 },
	{ "large-community", FT_COMMUNITY, 2 },
	{ "extended-community", FT_COMMUNITY, 2 },
	{ "interface-set", FT_COMMUNITY, 2 },
};

int cfg_flow_then_kw(const char *kw)
{
	for (size_t i = 0; i < FL_N(fl_then_kws); i++)
		if (kw[0] == fl_then_kws[i].name[0] &&
		    !strcmp(kw, fl_then_kws[i].name))
			return fl_then_kws[i].value;
	return -1;
}

#define FL_RATE_MAX 1000000000000.0 /* ExaBGP's ceiling, bytes/s */

/* Redirect (RFC 8955 §7.4, RFC 7674): "ASN:N" is the 2-octet-AS form
 * (type 0x8008, N 32 bits) or, for a 4-octet AS, 0x8208 with N 16 bits,
 * as ExaBGP picks; "A.B.C.D:N" the IPv4 form 0x8108 (ExaBGP 4.2 calls
 * that form deprecated and refuses it; RFC 8955 keeps it). */
static int fl_redirect(struct fs_actions *a, const char *v, char *err,
		       size_t el)
{
	const char *colon = strrchr(v, ':');
	char ip[INET_ADDRSTRLEN + 1];
	uint32_t asn, n, addr;

	if (!colon || strchr(v, '[') || strchr(v, ':') != colon) {
		if (!colon || strchr(v, '['))
			return fl_err(err, el,
				      "'redirect %.64s' (to a next hop, "
				      "draft-ietf-idr-flowspec-redirect-ip) "
				      "is not implemented: a rule carries no "
				      "next hop; use 'redirect ASN:VALUE'",
				      v);
		return fl_err(err, el,
			      "bad redirect '%.64s': ASN:VALUE or "
			      "A.B.C.D:VALUE",
			      v);
	}
	if ((size_t)(colon - v) < sizeof(ip) && memchr(v, '.', colon - v)) {
		memcpy(ip, v, colon - v);
		ip[colon - v] = 0;
		if (inet_pton(AF_INET, ip, &addr) != 1 ||
		    parse_u32(colon + 1, 0, 65535, &n))
			return fl_err(err, el,
				      "bad redirect '%.64s': A.B.C.D:VALUE "
				      "with VALUE 0..65535 (RFC 8955 §7.4)",
				      v);
		a->redirect = (0x8108ULL << 48) |
			      ((uint64_t)ntohl(addr) << 16) | n;
	} else {
		char as[16];

		if ((size_t)(colon - v) >= sizeof(as))
			goto bad;
		memcpy(as, v, colon - v);
		as[colon - v] = 0;
		if (cfg_parse_asn(as, &asn) ||
		    parse_u32(colon + 1, 0, UINT32_MAX, &n))
			goto bad;
		if (asn > 65535) {
			if (n > 65535)
				return fl_err(err, el,
					      "bad redirect '%.64s': with a "
					      "4-octet AS the value is "
					      "0..65535 (RFC 7674)",
					      v);
			a->redirect = (0x8208ULL << 48) |
				      ((uint64_t)asn << 16) | n;
		} else {
			a->redirect = (0x8008ULL << 48) |
				      ((uint64_t)asn << 32) | n;
		}
	}
	a->flags |= FS_ACT_REDIRECT;
	return 0;
bad:
	return fl_err(err, el, "bad redirect '%.64s': ASN:VALUE or "
			       "A.B.C.D:VALUE",
		      v);
}

int cfg_flow_then(struct fs_actions *a, const char *kw, const char *v,
		  char *err, size_t el)
{
	int id = -1;
	uint32_t x;

	for (size_t i = 0; i < FL_N(fl_then_kws); i++)
		if (kw[0] == fl_then_kws[i].name[0] &&
		    !strcmp(kw, fl_then_kws[i].name))
			id = fl_then_kws[i].id;
	switch (id) {
	case FT_ACCEPT:
		return 0;
	case FT_DISCARD:
	case FT_RATE:
		/* RFC 8955 §7.1: one traffic rate; ExaBGP writes discard as
		 * rate 0 with AS 0, as Juniper and Arbor did. */
		if (a->flags & FS_ACT_RATE_BYTES)
			return fl_err(err, el,
				      "'%s': the rule has a traffic rate "
				      "already (discard or rate-limit: one "
				      "per rule)",
				      kw);
		if (id == FT_RATE) {
			char *end;
			double d;

			errno = 0;
			d = strtod(v, &end);
			/* digits only, as ExaBGP's int() reads it */
			if (!v[0] || strspn(v, "0123456789") != strlen(v) ||
			    *end || errno || d > FL_RATE_MAX)
				return fl_err(err, el,
					      "'rate-limit' needs bytes a "
					      "second, 0..%.0f, got '%.32s'",
					      FL_RATE_MAX, v);
			a->rate_bytes = (float)d;
		} else {
			a->rate_bytes = 0;
		}
		a->rate_asn = 0;
		a->flags |= FS_ACT_RATE_BYTES;
		return 0;
	case FT_REDIRECT:
		if (a->flags & FS_ACT_REDIRECT)
			return fl_err(err, el, "'redirect' is given twice");
		return fl_redirect(a, v, err, el);
	case FT_MARK:
		/* RFC 8955 §7.5: the 6-bit DSCP. */
		if (a->flags & FS_ACT_MARK)
			return fl_err(err, el, "'mark' is given twice");
		if (parse_u32(v, 0, 63, &x))
			return fl_err(err, el,
				      "'mark' needs a DSCP 0..63, got '%.32s'",
				      v);
		a->dscp = (uint8_t)x;
		a->flags |= FS_ACT_MARK;
		return 0;
	case FT_ACTION:
		/* RFC 8955 §7.3: the S and T bits. */
		if (a->flags & FS_ACT_ACTION)
			return fl_err(err, el, "'action' is given twice");
		if (!strcmp(v, "sample"))
			a->action = FS_TA_SAMPLE;
		else if (!strcmp(v, "terminal"))
			a->action = FS_TA_TERMINAL;
		else if (!strcmp(v, "sample-terminal"))
			a->action = FS_TA_SAMPLE | FS_TA_TERMINAL;
		else
			return fl_err(err, el,
				      "'action' needs sample, terminal or "
				      "sample-terminal, got '%.32s'",
				      v);
		a->flags |= FS_ACT_ACTION;
		return 0;
	case FT_NEXTHOP:
		return fl_err(err, el,
			      "'%s' is not implemented: it redirects or "
			      "copies to a next hop "
			      "(draft-ietf-idr-flowspec-redirect-ip), and a "
			      "bgpshield rule carries no next hop",
			      kw);
	case FT_COMMUNITY:
		return fl_err(err, el,
			      "'%s' on a flow route is not implemented: a "
			      "bgpshield rule carries its actions only "
			      "(RFC 8955 §7)",
			      kw);
	}
	return fl_err(err, el, "'%s' is not a flow action", kw);
}

/* --- the whole rule ------------------------------------------------------- */

int cfg_flow_finish(struct fs_rule *r, char *err, size_t el)
{
	if (!r->ncomp)
		return fl_err(err, el, "a flow rule needs a match");
	if (!r->family)
		r->family = AF_INET;
	if (r->v4_names && r->family == AF_INET6)
		return fl_v4_name(fl_kw_of(r->v4_names, r->family), err, el);
	r->v4_names = 0;
	for (size_t i = 0; i < r->ncomp; i++) {
		const struct fs_comp *c = &r->comp[i];

		if (c->type != FS_DST && c->type != FS_SRC && !c->nops)
			return fl_err(err, el, "'%s' needs a value",
				      fl_kw_of(c->type, r->family)->name);
		/* RFC 8955 §4.2.2: the flow label is IPv6's (RFC 8956 §3.7) */
		if (c->type == FS_FLOW_LABEL && r->family != AF_INET6)
			return fl_err(err, el,
				      "'flow-label' is IPv6 only (RFC 8956 "
				      "§3.7)");
	}
	/* RFC 8955 §4.2: components in ascending type order.  At most 13:
	 * an insertion sort. */
	for (size_t i = 1; i < r->ncomp; i++) {
		struct fs_comp t = r->comp[i];
		size_t j = i;

		for (; j > 0 && r->comp[j - 1].type > t.type; j--)
			r->comp[j] = r->comp[j - 1];
		r->comp[j] = t;
	}
	return 0;
}

static const struct fs_comp *fl_dst(const struct fs_rule *r)
{
	for (size_t i = 0; i < r->ncomp; i++)
		if (r->comp[i].type == FS_DST)
			return &r->comp[i];
	return NULL;
}

/*
 * The bounds of both directions: a destination unless allow-no-destination,
 * and, when filter f names prefix-lists, a destination (without an RFC
 * 8956 offset) inside one of them.  dir names the filter in messages.
 */
static int flow_bounded(const struct cfg_neighbor *n, const struct fs_rule *r,
			const struct cfg_filter *f, const char *dir, char *why,
			size_t wl);

int cfg_flow_allowed(const struct cfg_neighbor *n, const struct fs_rule *r,
		     char *why, size_t wl)
{
	return flow_bounded(n, r, &n->export, "export", why, wl);
}

/* A received rule is enforced only within the bounds we put on our own
 * (docs/CONFIG.md "flow"): the same test against the import filter. */
int cfg_flow_enforceable_in(const struct cfg_neighbor *n,
			    const struct fs_rule *r, char *why, size_t wl)
{
	return flow_bounded(n, r, &n->import, "import", why, wl);
}

static int flow_bounded(const struct cfg_neighbor *n, const struct fs_rule *r,
			const struct cfg_filter *f, const char *dir, char *why,
			size_t wl)
{
	const struct fs_comp *d = fl_dst(r);
	char b[PREFIX_STRLEN];
	struct prefix p;

	/* A rule without a destination matches traffic to every address:
	 * refused unless the neighbor allows it (docs/CONFIG.md). */
	if (!d && !n->flow_allow_nodst)
		return fl_err(why, wl,
			      "a flow rule without a destination prefix "
			      "matches every address; 'flowspec { "
			      "allow-no-destination; }' allows it");
	if (!f->nplists || !f->plist_ref)
		return 0;
	if (!d)
		return fl_err(why, wl,
			      "a flow rule without a destination is not "
			      "covered by the %s prefix-lists", dir);
	memset(&p, 0, sizeof(p));
	p.family = r->family;
	p.plen = d->plen;
	memcpy(p.addr, d->addr, sizeof(p.addr));
	/* The offset form (RFC 8956 §3.1) matches bits past the start of
	 * the address: no prefix-list can say what it covers. */
	if (d->offset)
		return fl_err(why, wl,
			      "a destination with an offset is not covered "
			      "by the %s prefix-lists", dir);
	for (size_t i = 0; i < f->nplists; i++)
		if (f->plist_ref[i] && f->plist_ref[i]->trie &&
		    plist_match(f->plist_ref[i]->trie, &p))
			return 0;
	return fl_err(why, wl,
		      "destination %s is not in the %s prefix-list%s",
		      prefix_fmt(&p, b, sizeof(b)), dir,
		      f->nplists > 1 ? "s" : "");
}

/* --- printing ------------------------------------------------------------- */

static void fl_print_value(FILE *f, const struct fl_kw *k, uint32_t v)
{
	const char *nm = NULL;

	/* not 'icmp' in an IPv6 rule: it would not read back (fl_v4_name) */
	if (k->type == FS_PROTO && !(v == 1 && !strcmp(k->name, "next-header")))
		nm = fl_name_of(fl_protos, FL_N(fl_protos), v);
	if (nm) {
		fputs(nm, f);
		return;
	}
	if (k->type == FS_TCP_FLAGS || k->type == FS_FRAG) {
		const struct fl_name *t = k->names;
		size_t n = k->type == FS_TCP_FLAGS ? 9 : FL_N(fl_frags);
		int first = 1;
		uint32_t left = v;

		if (k->type == FS_FRAG && !v) {
			fputs("not-a-fragment", f);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			if (!t[i].value || (left & t[i].value) != t[i].value)
				continue;
			fprintf(f, "%s%s", first ? "" : "+", t[i].name);
			left &= ~t[i].value;
			first = 0;
		}
		if (left)
			fprintf(f, "%s0x%x", first ? "" : "+", left);
		return;
	}
	fprintf(f, "%u", v);
}

static void fl_print_op(FILE *f, const struct fl_kw *k, const struct fs_op *o)
{
	uint8_t op = o->flags & (uint8_t)~(FS_OP_END | FS_OP_AND |
					   FS_OP_LEN_MASK);

	if (o->flags & FS_OP_AND)
		fputc('&', f);
	if (fl_bitmask(k->type)) {
		fputs(op == (FS_OP_NOT | FS_OP_MATCH) ? "!="
		      : op == FS_OP_NOT		      ? "!"
		      : op == FS_OP_MATCH	      ? "="
						      : "",
		      f);
	} else {
		op &= FS_OP_LT | FS_OP_GT | FS_OP_EQ;
		if (op == (FS_OP_LT | FS_OP_GT | FS_OP_EQ) || !op) {
			fputs(op ? "true" : "false", f);
			if (o->value)
				fprintf(f, "%u", o->value);
			return;
		}
		fputs(op == FS_OP_EQ		      ? "="
		      : op == FS_OP_GT		      ? ">"
		      : op == (FS_OP_GT | FS_OP_EQ)   ? ">="
		      : op == FS_OP_LT		      ? "<"
		      : op == (FS_OP_LT | FS_OP_EQ)   ? "<="
						      : "!=",
		      f);
	}
	fl_print_value(f, k, o->value);
}

void cfg_flow_print_match(FILE *f, const struct fs_rule *r, const char *pre,
			  const char *sep)
{
	char b[PREFIX_STRLEN];

	for (size_t i = 0; i < r->ncomp; i++) {
		const struct fs_comp *c = &r->comp[i];
		const struct fl_kw *k = fl_kw_of(c->type, r->family);
		size_t words = 0;

		if (!k)
			continue;
		fprintf(f, "%s%s ", pre, k->name);
		if (c->type == FS_DST || c->type == FS_SRC) {
			struct prefix p;

			memset(&p, 0, sizeof(p));
			p.family = r->family;
			p.plen = c->plen;
			memcpy(p.addr, c->addr, sizeof(p.addr));
			/* always ADDRESS/LENGTH: a flow prefix needs its
			 * length, even a host's */
			fputs(prefix_fmt(&p, b, sizeof(b)), f);
			if (!strchr(b, '/'))
				fprintf(f, "/%u", c->plen);
			if (c->offset)
				fprintf(f, "/%u", c->offset);
			fputs(sep, f);
			continue;
		}
		for (size_t j = 0; j < c->nops; j++)
			words += j == 0 || !(c->ops[j].flags & FS_OP_AND);
		if (words > 1)
			fputs("[ ", f);
		for (size_t j = 0; j < c->nops; j++) {
			if (j && !(c->ops[j].flags & FS_OP_AND))
				fputc(' ', f);
			fl_print_op(f, k, &c->ops[j]);
		}
		fputs(words > 1 ? " ]" : "", f);
		fputs(sep, f);
	}
}

void cfg_flow_print_then(FILE *f, const struct fs_actions *a, const char *pre,
			 const char *sep)
{
	static const char *const act[] = { "", "terminal", "sample",
					   "sample-terminal" };

	if (!(a->flags & (FS_ACT_RATE_BYTES | FS_ACT_REDIRECT | FS_ACT_MARK |
			  FS_ACT_ACTION)))
		fprintf(f, "%saccept%s", pre, sep);
	if (a->flags & FS_ACT_RATE_BYTES) {
		if (a->rate_bytes == 0)
			fprintf(f, "%sdiscard%s", pre, sep);
		else
			fprintf(f, "%srate-limit %.0f%s", pre,
				(double)a->rate_bytes, sep);
	}
	if (a->flags & FS_ACT_REDIRECT) {
		uint16_t type = (uint16_t)(a->redirect >> 48);

		if (type == 0x8108) {
			uint32_t ip = (uint32_t)(a->redirect >> 16);

			fprintf(f, "%sredirect %u.%u.%u.%u:%u%s", pre,
				ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
				ip & 0xff, (unsigned)(a->redirect & 0xffff),
				sep);
		} else if (type == 0x8208) {
			fprintf(f, "%sredirect %u:%u%s", pre,
				(unsigned)((a->redirect >> 16) & 0xffffffff),
				(unsigned)(a->redirect & 0xffff), sep);
		} else {
			fprintf(f, "%sredirect %u:%u%s", pre,
				(unsigned)((a->redirect >> 32) & 0xffff),
				(unsigned)(a->redirect & 0xffffffff), sep);
		}
	}
	if (a->flags & FS_ACT_MARK)
		fprintf(f, "%smark %u%s", pre, a->dscp, sep);
	if (a->flags & FS_ACT_ACTION)
		fprintf(f, "%saction %s%s", pre, act[a->action & 3], sep);
}
