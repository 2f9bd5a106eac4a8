// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ExaBGP 4.x text API parser (see api.h and docs/API.md).  A line is
 * cut into words ('[', ']' and ',' are words of their own even when
 * written against a value), then read left to right by a small recursive
 * descent.  Every refusal names the word that was wrong.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "api.h"

#define API_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct api_ps {
	char **t;    /* the words */
	size_t n, i; /* count, next */
	char *err;
	size_t errlen;
	struct api_cmd *c;
	const char *where; /* "announce route", for messages */
};

static const char *const api_verb_names[] = {
	[API_NONE] = "none",
	[API_ANNOUNCE_ROUTE] = "announce route",
	[API_WITHDRAW_ROUTE] = "withdraw route",
	[API_ANNOUNCE_ATTRS] = "announce attributes",
	[API_WITHDRAW_ATTRS] = "withdraw attributes",
	[API_ANNOUNCE_EOR] = "announce eor",
	[API_ANNOUNCE_REFRESH] = "announce route-refresh",
	[API_ANNOUNCE_WATCHDOG] = "announce watchdog",
	[API_WITHDRAW_WATCHDOG] = "withdraw watchdog",
	[API_SHOW_NEIGHBOR] = "show neighbor",
	[API_SHOW_ADJ_IN] = "show adj-rib in",
	[API_SHOW_ADJ_OUT] = "show adj-rib out",
	[API_FLUSH_ADJ_OUT] = "flush adj-rib out",
	[API_CLEAR_ADJ] = "clear adj-rib",
	[API_SHUTDOWN] = "shutdown",
	[API_RELOAD] = "reload",
	[API_ACK_ENABLE] = "enable-ack",
	[API_ACK_DISABLE] = "disable-ack",
	[API_ACK_SILENCE] = "silence-ack",
	[API_VERSION] = "version",
	[API_ANNOUNCE_FLOW] = "announce flow",
	[API_WITHDRAW_FLOW] = "withdraw flow",
};

const char *api_verb_name(enum api_verb v)
{
	if ((size_t)v >= API_ARRAY_SIZE(api_verb_names) || !api_verb_names[v])
		return "unknown";
	return api_verb_names[v];
}

__attribute__((format(printf, 2, 3))) static int api_err(struct api_ps *p,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *api_peek(struct api_ps *p)
{
	return p->i < p->n ? p->t[p->i] : NULL;
}

static int api_is(struct api_ps *p, const char *w)
{
	const char *s = api_peek(p);

	return s && !strcmp(s, w);
}

static const char *api_take(struct api_ps *p)
{
	return p->i < p->n ? p->t[p->i++] : NULL;
}

/* A value word: not one of the punctuation words. */
static int api_is_value(const char *s)
{
	return s && strcmp(s, "[") && strcmp(s, "]") && strcmp(s, ",");
}

/* The value after keyword kw, or an error naming kw. */
static const char *api_value(struct api_ps *p, const char *kw)
{
	const char *s = api_peek(p);

	if (!api_is_value(s)) {
		api_err(p, "%s needs a value%s%.64s%s", kw,
			s ? ", got '" : " at the end of the line", s ? s : "",
			s ? "'" : "");
		return NULL;
	}
	p->i++;
	return s;
}

/* ---- values ------------------------------------------------------------ */

/* The values themselves are read by user/config/route_attr.c, as the
 * config's are. */

static int api_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CFG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		      ch == '-'))
			return 0;
	}
	return 1;
}

static int api_watchdog_name(struct api_ps *p, const char *kw)
{
	const char *s = api_value(p, kw);

	if (!s)
		return -1;
	if (!api_name_ok(s))
		return api_err(p,
			       "bad watchdog name '%.64s': 1 to %d of "
			       "A-Z a-z 0-9 _ . -",
			       s, CFG_NAME_MAX);
	strcpy(p->c->watchdog, s);
	return 0;
}

static const char *api_fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* ---- lists ------------------------------------------------------------- */

enum api_list { AL_ASPATH, AL_COMM, AL_LARGE, AL_EXT, AL_CLUSTER };

static int api_list_item(struct api_ps *p, enum api_list k, const char *kw,
			 const char *s)
{
	struct cfg_route *r = &p->c->route;
	size_t *cnt = k == AL_ASPATH    ? &r->as_path_len
		      : k == AL_COMM    ? &r->ncommunities
		      : k == AL_LARGE   ? &r->nlarge
		      : k == AL_CLUSTER ? &r->ncluster
					: &r->next;
	uint32_t u;

	if (*cnt >= CFG_MAX_LIST)
		return api_err(p, "too many items in %s (limit %d)", kw,
			       CFG_MAX_LIST);
	switch (k) {
	case AL_ASPATH:
		if (cfg_parse_asn(s, &u))
			return api_err(p,
				       "as-path needs AS numbers "
				       "1-4294967295, got '%.64s'",
				       s);
		if (u == 0)
			return api_err(p, "AS 0 is not allowed in AS_PATH, "
					  "RFC 7607");
		if (!r->as_path &&
		    !(r->as_path = calloc(CFG_MAX_LIST, sizeof(*r->as_path))))
			return api_err(p, "out of memory");
		r->as_path[(*cnt)++] = u;
		return 0;
	case AL_COMM:
		if (cfg_parse_community(s, &u))
			return api_err(p,
				       "community needs ASN:VALUE (each "
				       "0-65535), a 32-bit number or a name "
				       "such as no-export, got '%.64s'",
				       s);
		if (!r->communities &&
		    !(r->communities =
			      calloc(CFG_MAX_LIST, sizeof(*r->communities))))
			return api_err(p, "out of memory");
		r->communities[(*cnt)++] = u;
		return 0;
	case AL_CLUSTER:
		if (!r->cluster &&
		    !(r->cluster = calloc(CFG_MAX_LIST, sizeof(*r->cluster))))
			return api_err(p, "out of memory");
		if (cfg_parse_ipv4(s, &r->cluster[*cnt]))
			return api_err(p,
				       "cluster-list needs cluster ids written "
				       "as IPv4 addresses, got '%.64s'",
				       s);
		(*cnt)++;
		return 0;
	case AL_LARGE:
		if (!r->large &&
		    !(r->large = calloc(CFG_MAX_LIST, sizeof(*r->large))))
			return api_err(p, "out of memory");
		if (cfg_parse_large(s, &r->large[*cnt]))
			return api_err(p,
				       "large-community needs "
				       "GLOBAL:LOCAL1:LOCAL2 (each "
				       "0-4294967295), got '%.64s'",
				       s);
		(*cnt)++;
		return 0;
	default:
		if (!r->ext &&
		    !(r->ext = calloc(CFG_MAX_LIST, sizeof(*r->ext))))
			return api_err(p, "out of memory");
		if (cfg_parse_ext(s, &r->ext[*cnt]))
			return api_err(p,
				       "extended-community needs "
				       "target:ASN:N, origin:IP:N, "
				       "redirect:ASN:N or 0x and 16 hex "
				       "digits, got '%.64s'",
				       s);
		(*cnt)++;
		return 0;
	}
}

/* "kw VALUE" or "kw [ V1 V2 ... ]" (commas between items allowed). */
static int api_list(struct api_ps *p, enum api_list k, const char *kw)
{
	const char *s;

	if (!api_is(p, "[")) {
		s = api_value(p, kw);
		return s ? api_list_item(p, k, kw, s) : -1;
	}
	p->i++;
	for (;;) {
		s = api_take(p);
		if (!s)
			return api_err(p, "%s: '[' without ']'", kw);
		if (!strcmp(s, "]"))
			return 0;
		if (!strcmp(s, ","))
			continue;
		if (!strcmp(s, "["))
			return api_err(p, "%s: '[' inside a list", kw);
		if (api_list_item(p, k, kw, s))
			return -1;
	}
}

/* ---- routes ------------------------------------------------------------ */

enum {
	RA_NEXT_HOP,
	RA_ORIGIN,
	RA_MED,
	RA_LOCAL_PREF,
	RA_AS_PATH,
	RA_COMMUNITY,
	RA_LARGE,
	RA_EXT,
	RA_SPLIT,
	RA_WATCHDOG,
	RA_NAME,
	RA_ATOMIC,
	RA_AGGREGATOR,
	RA_ORIGINATOR,
	RA_CLUSTER,
	RA_ATTRIBUTE,
	RA_NLRI,
	RA_PATH_INFO,
	RA_COUNT,
};

static const char *const api_attr_names[RA_COUNT] = {
	[RA_NEXT_HOP] = "next-hop",
	[RA_ORIGIN] = "origin",
	[RA_MED] = "med",
	[RA_LOCAL_PREF] = "local-preference",
	[RA_AS_PATH] = "as-path",
	[RA_COMMUNITY] = "community",
	[RA_LARGE] = "large-community",
	[RA_EXT] = "extended-community",
	[RA_SPLIT] = "split",
	[RA_WATCHDOG] = "watchdog",
	[RA_NAME] = "name",
	[RA_ATOMIC] = "atomic-aggregate",
	[RA_AGGREGATOR] = "aggregator",
	[RA_ORIGINATOR] = "originator-id",
	[RA_CLUSTER] = "cluster-list",
	[RA_ATTRIBUTE] = "attribute",
	[RA_NLRI] = "nlri",
	[RA_PATH_INFO] = "path-information",
};

/* aggregator ( ASN:A.B.C.D ), the parentheses optional, apart or stuck
 * to the value (ExaBGP reads all three). */
static int api_aggregator(struct api_ps *p, const char *kw)
{
	struct cfg_route *r = &p->c->route;
	int open = api_is(p, "(");
	const char *v;
	char b[64];
	size_t n;

	if (open)
		p->i++;
	if (!(v = api_value(p, kw)))
		return -1;
	snprintf(b, sizeof(b), "%s", v + (!open && *v == '('));
	open |= *v == '(';
	n = strlen(b);
	if (open && n && b[n - 1] == ')')
		b[n - 1] = 0, open = 0;
	if (cfg_parse_aggregator(b, &r->aggr_as, &r->aggr_id))
		return api_err(p,
			       "aggregator needs ( ASN:ADDRESS ), the ASN "
			       "1-4294967295 and the address IPv4, got "
			       "'%.64s'",
			       v);
	if (open) {
		if (!api_is(p, ")"))
			return api_err(p, "aggregator: '(' without ')'");
		p->i++;
	}
	r->flags |= CFG_RT_AGGREGATOR;
	return 0;
}

/* attribute [ CODE FLAGS VALUE ] */
static int api_attribute(struct api_ps *p, const char *kw)
{
	const char *w[3];
	char e[API_ERR_MAX];

	if (!api_is(p, "["))
		return api_err(p, "%s needs [ CODE FLAGS VALUE ]", kw);
	p->i++;
	for (int i = 0; i < 3; i++)
		if (!(w[i] = api_value(p, kw)))
			return -1;
	if (!api_is(p, "]"))
		return api_err(p, "%s: '[' without ']'", kw);
	p->i++;
	if (cfg_route_attribute(&p->c->route, w[0], w[1], w[2], e, sizeof(e)))
		return api_err(p, "%s", e);
	return 0;
}

static int api_u32(struct api_ps *p, const char *kw, uint32_t *out)
{
	const char *s = api_value(p, kw);

	if (!s)
		return -1;
	if (parse_u32(s, 0, UINT32_MAX, out))
		return api_err(p, "%s needs a number 0-4294967295, got '%.64s'",
			       kw, s);
	return 0;
}

static int api_nlri(struct api_ps *p)
{
	struct api_cmd *c = p->c;
	char e[API_ERR_MAX];
	const char *s;

	if (!(c->nlri = calloc(API_MAX_NLRI, sizeof(*c->nlri))))
		return api_err(p, "out of memory");
	while ((s = api_take(p))) {
		if (!api_is_value(s))
			return api_err(p, "nlri: unexpected '%s'", s);
		if (c->nnlri == API_MAX_NLRI)
			return api_err(p, "too many nlri prefixes (limit %d)",
				       API_MAX_NLRI);
		if (prefix_parse(s, &c->nlri[c->nnlri], e, sizeof(e)))
			return api_err(p, "bad nlri '%.64s': %s", s, e);
		if (c->nlri[c->nnlri].family != c->nlri[0].family)
			return api_err(p,
				       "nlri '%.64s' is %s but the first "
				       "nlri is %s",
				       s,
				       api_fam_name(c->nlri[c->nnlri].family),
				       api_fam_name(c->nlri[0].family));
		c->nnlri++;
	}
	if (!c->nnlri)
		return api_err(p, "nlri needs at least one prefix");
	return 0;
}

/* Attributes up to the end of the line (or through "nlri ..." when
 * attrs is set).  split_n gets the "split /N" length, or -1. */
static int api_attrs(struct api_ps *p, int attrs, int *split_n)
{
	struct cfg_route *r = &p->c->route;
	int seen[RA_COUNT] = {0};
	char e[API_ERR_MAX];
	const char *s, *v;
	uint32_t u;
	int id;

	*split_n = -1;
	while ((s = api_take(p))) {
		for (id = 0; id < RA_COUNT; id++)
			if (!strcmp(s, api_attr_names[id]))
				break;
		if (id == RA_COUNT || (id == RA_NLRI && !attrs) ||
		    (id == RA_SPLIT && attrs))
			return api_err(p, "unknown keyword '%.64s' in %s", s,
				       p->where);
		/* attribute [ ] adds up, one per code */
		if (seen[id] && id != RA_ATTRIBUTE)
			return api_err(p, "%s is given twice", s);
		seen[id] = 1;
		switch (id) {
		case RA_NEXT_HOP:
			if (!(v = api_value(p, s)))
				return -1;
			if (!strcmp(v, "self")) {
				r->nh_self = 1;
				break;
			}
			if (prefix_parse(v, &r->next_hop, e, sizeof(e)))
				return api_err(p, "bad next-hop '%.64s': %s", v,
					       e);
			if (!prefix_is_host(&r->next_hop))
				return api_err(p,
					       "bad next-hop '%.64s': an "
					       "address, not a prefix",
					       v);
			break;
		case RA_ORIGIN:
			if (!(v = api_value(p, s)))
				return -1;
			if (!strcasecmp(v, "igp"))
				r->origin = CFG_ORIGIN_IGP;
			else if (!strcasecmp(v, "egp"))
				r->origin = CFG_ORIGIN_EGP;
			else if (!strcasecmp(v, "incomplete"))
				r->origin = CFG_ORIGIN_INCOMPLETE;
			else
				return api_err(p,
					       "origin needs igp, egp or "
					       "incomplete, got '%.64s'",
					       v);
			break;
		case RA_MED:
			if (api_u32(p, s, &r->med))
				return -1;
			r->flags |= CFG_RT_MED;
			break;
		case RA_LOCAL_PREF:
			if (api_u32(p, s, &r->local_pref))
				return -1;
			r->flags |= CFG_RT_LOCAL_PREF;
			break;
		case RA_AS_PATH:
		case RA_COMMUNITY:
		case RA_LARGE:
		case RA_EXT:
			if (api_list(p,
				     id == RA_AS_PATH	  ? AL_ASPATH
				     : id == RA_COMMUNITY ? AL_COMM
				     : id == RA_LARGE	  ? AL_LARGE
							  : AL_EXT,
				     s))
				return -1;
			break;
		case RA_SPLIT:
			if (!(v = api_value(p, s)))
				return -1;
			if (parse_u32(v + (*v == '/'), 0, 128, &u))
				return api_err(p,
					       "split needs /LENGTH, got "
					       "'%.64s'",
					       v);
			*split_n = (int)u;
			break;
		case RA_WATCHDOG:
			if (api_watchdog_name(p, s))
				return -1;
			break;
		case RA_NAME:
			if (!api_value(p, s))
				return -1;
			break;
		case RA_ATOMIC:
			r->flags |= CFG_RT_ATOMIC_AGGR;
			break;
		case RA_AGGREGATOR:
			if (api_aggregator(p, s))
				return -1;
			break;
		case RA_ORIGINATOR:
			if (!(v = api_value(p, s)))
				return -1;
			if (cfg_parse_ipv4(v, &r->originator_id))
				return api_err(p,
					       "originator-id needs an IPv4 "
					       "address, got '%.64s'",
					       v);
			r->flags |= CFG_RT_ORIGINATOR;
			break;
		case RA_CLUSTER:
			if (api_list(p, AL_CLUSTER, s))
				return -1;
			break;
		case RA_ATTRIBUTE:
			if (api_attribute(p, s))
				return -1;
			break;
		case RA_PATH_INFO:
			/* RFC 7911 §3: which path of the prefix */
			if (!(v = api_value(p, s)))
				return -1;
			if (parse_path_id(v, &r->path_id))
				return api_err(p,
					       "path-information needs A.B.C.D "
					       "or a number 0-4294967295, got "
					       "'%.64s'",
					       v);
			break;
		default: /* RA_NLRI: the rest of the line */
			return api_nlri(p);
		}
	}
	if (attrs)
		return api_err(p, "%s needs 'nlri PREFIX ...' at the end",
			       p->where);
	return 0;
}

/* Cut route.prefix into 2^(n - plen) pieces of length n. */
static int api_split(struct api_ps *p, int n)
{
	struct api_cmd *c = p->c;
	char e[API_ERR_MAX];

	if (cfg_split_prefix(&c->route.prefix, n, API_MAX_NLRI, &c->nlri,
			     &c->nnlri, e, sizeof(e)))
		return api_err(p, "%s", e);
	return 0;
}

/* Drop a withdraw's attributes: they are checked, never sent.  The path
 * id stays: it says which path of the prefix goes (RFC 7911 §3). */
static void api_route_strip(struct cfg_route *r)
{
	struct prefix pfx = r->prefix;
	uint32_t path = r->path_id;

	cfg_route_free(r);
	memset(r, 0, sizeof(*r));
	r->prefix = pfx;
	r->path_id = path;
}

static int api_route(struct api_ps *p, int announce)
{
	struct api_cmd *c = p->c;
	struct cfg_route *r = &c->route;
	char e[API_ERR_MAX], b1[PREFIX_STRLEN], b2[PREFIX_STRLEN];
	const char *s;
	int split_n;

	c->verb = announce ? API_ANNOUNCE_ROUTE : API_WITHDRAW_ROUTE;
	p->where = api_verb_name(c->verb);
	if (!(s = api_value(p, "route")))
		return -1;
	if (prefix_parse(s, &r->prefix, e, sizeof(e)))
		return api_err(p, "bad prefix '%.64s': %s", s, e);
	if (api_attrs(p, 0, &split_n))
		return -1;
	if (announce && !r->nh_self && !r->next_hop.family)
		return api_err(p, "announce route %s needs a next-hop",
			       prefix_fmt(&r->prefix, b1, sizeof(b1)));
	/* IPv4 with an IPv6 next hop (RFC 8950) is the neighbor's to
	 * allow: sessions_announce() refuses it where not configured */
	if (announce && !r->nh_self && r->next_hop.family != r->prefix.family &&
	    r->prefix.family != AF_INET)
		return api_err(p, "next-hop %s is %s but the route %s is %s",
			       prefix_fmt(&r->next_hop, b1, sizeof(b1)),
			       api_fam_name(r->next_hop.family),
			       prefix_fmt(&r->prefix, b2, sizeof(b2)),
			       api_fam_name(r->prefix.family));
	if (split_n >= 0) {
		if (api_split(p, split_n))
			return -1;
	} else {
		if (!(c->nlri = calloc(1, sizeof(*c->nlri))))
			return api_err(p, "out of memory");
		c->nlri[0] = r->prefix;
		c->nnlri = 1;
	}
	if (!announce)
		api_route_strip(r);
	return 0;
}

static int api_attributes(struct api_ps *p, int announce)
{
	struct api_cmd *c = p->c;
	struct cfg_route *r = &c->route;
	char b1[PREFIX_STRLEN], b2[PREFIX_STRLEN];
	int split_n;

	c->verb = announce ? API_ANNOUNCE_ATTRS : API_WITHDRAW_ATTRS;
	p->where = api_verb_name(c->verb);
	if (api_attrs(p, 1, &split_n))
		return -1;
	r->prefix = c->nlri[0];
	if (!announce) {
		api_route_strip(r);
		return 0;
	}
	if (!r->nh_self && !r->next_hop.family)
		return api_err(p, "announce attributes needs a next-hop");
	if (!r->nh_self && r->next_hop.family != r->prefix.family &&
	    r->prefix.family != AF_INET) /* RFC 8950: as in api_route() */
		return api_err(p, "next-hop %s is %s but nlri %s is %s",
			       prefix_fmt(&r->next_hop, b1, sizeof(b1)),
			       api_fam_name(r->next_hop.family),
			       prefix_fmt(&r->prefix, b2, sizeof(b2)),
			       api_fam_name(r->prefix.family));
	return 0;
}

/* [ipv4 unicast | ipv6 unicast] (RFC 4760: AFI 1/2, SAFI 1) */
static int api_family(struct api_ps *p)
{
	const char *afi = api_take(p), *safi;

	if (!afi)
		return 0;
	safi = api_take(p);
	if (!safi || strcmp(safi, "unicast") ||
	    (strcmp(afi, "ipv4") && strcmp(afi, "ipv6")))
		return api_err(p,
			       "family not supported: '%.32s%s%.32s' "
			       "(ipv4 unicast or ipv6 unicast)",
			       afi, safi ? " " : "", safi ? safi : "");
	p->c->afi = !strcmp(afi, "ipv4") ? 1 : 2;
	p->c->safi = 1;
	return 0;
}

/* ---- flow routes ------------------------------------------------------- */

/*
 * "announce flow route ..." as ExaBGP 4.2 takes it (reactor/api: the rest
 * of the line goes to its config's flow section): either the block form
 *   route { match { source 10.0.0.0/24; port [ =80 ]; } then { discard; } }
 * or the one-line form, match and then keywords in one run
 *   route source 10.0.0.0/24 destination-port =80 discard
 * where bgpshield also takes the words 'match' and 'then' between them.
 * The words are the config's (cfg_flow_*, user/config/flow_parse.c).
 * '{', '}' and ';' may be written against a word: they are cut off here,
 * not in api_words(), so other commands read as before.
 */
struct api_fl {
	char **t;
	size_t n, i;
};

static const char *fl_peek(struct api_fl *f)
{
	return f->i < f->n ? f->t[f->i] : NULL;
}

/* One of { } ; [ ] , alone. */
static int fl_punct(const char *s)
{
	return s && s[0] && s[1] == 0 && strchr("{};[],", s[0]);
}

/* One statement: a match keyword and its value or [ list ], or an action
 * and its value.  section: 1 in match { }, 2 in then { }, 0 the one-line
 * form (either). */
static int api_flow_stmt(struct api_ps *p, struct api_fl *f, int section)
{
	struct fs_rule *r = &p->c->flow;
	const char *kw = f->t[f->i++], *v;
	char e[API_ERR_MAX];
	int idx, arity, n = 0;

	if (section != 2 && cfg_flow_is_match(kw)) {
		if ((idx = cfg_flow_match(r, kw, e, sizeof(e))) < 0)
			return api_err(p, "%s", e);
		v = fl_peek(f);
		if (v && !strcmp(v, "[") &&
		    (r->comp[idx].type == FS_DST || r->comp[idx].type == FS_SRC))
			return api_err(p, "'%s' takes one prefix, not a list",
				       kw);
		if (v && !strcmp(v, "[")) {
			for (f->i++; (v = fl_peek(f)) && strcmp(v, "]");
			     f->i++) {
				if (!strcmp(v, ","))
					continue;
				if (fl_punct(v))
					return api_err(p,
						       "'%s' needs ']' to close "
						       "its list, got '%s'",
						       kw, v);
				if (cfg_flow_word(r, idx, v, e, sizeof(e)))
					return api_err(p, "%s", e);
				n++;
			}
			if (!v)
				return api_err(p, "'%s' needs ']' to close its "
						  "list", kw);
			if (!n)
				return api_err(p, "an empty list [ ] matches "
						  "nothing");
			f->i++;
			return 0;
		}
		if (!v || fl_punct(v))
			return api_err(p, "'%s' needs a value", kw);
		f->i++;
		if (cfg_flow_word(r, idx, v, e, sizeof(e)))
			return api_err(p, "%s", e);
		return 0;
	}
	if (section != 1 && (arity = cfg_flow_then_kw(kw)) >= 0) {
		v = "";
		/* a refused keyword says so whatever its value */
		if (arity == 2 && cfg_flow_then(&r->act, kw, "", e, sizeof(e)))
			return api_err(p, "%s", e);
		if (arity) {
			v = fl_peek(f);
			if (!v || fl_punct(v))
				return api_err(p, "'%s' needs a value", kw);
			f->i++;
		}
		if (cfg_flow_then(&r->act, kw, v, e, sizeof(e)))
			return api_err(p, "%s", e);
		return 0;
	}
	return api_err(p, "unknown flow keyword '%.64s'%s", kw,
		       section == 1   ? " in match"
		       : section == 2 ? " in then"
				      : "");
}

/* match { ... } or then { ... } after the word (section 1 or 2). */
static int api_flow_block(struct api_ps *p, struct api_fl *f, int section)
{
	const char *s = fl_peek(f);

	if (!s || strcmp(s, "{"))
		return api_err(p, "'%s' needs '{'",
			       section == 1 ? "match" : "then");
	for (f->i++; (s = fl_peek(f)) && strcmp(s, "}");) {
		if (!strcmp(s, ";")) {
			f->i++;
			continue;
		}
		if (fl_punct(s))
			return api_err(p, "unexpected '%s' in %s", s,
				       section == 1 ? "match" : "then");
		if (api_flow_stmt(p, f, section))
			return -1;
	}
	if (!s)
		return api_err(p, "'%s {' needs its '}'",
			       section == 1 ? "match" : "then");
	f->i++;
	return 0;
}

static int api_flow_words(struct api_ps *p, struct api_fl *f)
{
	const char *s = fl_peek(f);
	int seen[3] = { 0 };

	if (s && !strcmp(s, "{")) {
		for (f->i++; (s = fl_peek(f)) && strcmp(s, "}");) {
			int sec = !strcmp(s, "match") ? 1
				  : !strcmp(s, "then") ? 2
						       : 0;

			if (!strcmp(s, ";")) {
				f->i++;
				continue;
			}
			if (!sec)
				return api_err(p,
					       "expected 'match {' or 'then {' "
					       "in the flow route, got '%.64s'",
					       s);
			if (seen[sec]++)
				return api_err(p, "'%s' is given twice", s);
			f->i++;
			if (api_flow_block(p, f, sec))
				return -1;
		}
		if (!s)
			return api_err(p, "'route {' needs its '}'");
		for (f->i++; (s = fl_peek(f)) && !strcmp(s, ";"); f->i++)
			;
		if (s)
			return api_err(p, "unexpected '%.64s' after the flow "
					  "route's '}'",
				       s);
		return 0;
	}
	/* one line: keywords in a run; 'match' and 'then' may mark them */
	while ((s = fl_peek(f))) {
		if (!strcmp(s, ";")) {
			f->i++;
			continue;
		}
		if (!strcmp(s, "match") || !strcmp(s, "then")) {
			f->i++;
			continue;
		}
		if (fl_punct(s))
			return api_err(p, "unexpected '%s' in the flow route",
				       s);
		if (api_flow_stmt(p, f, 0))
			return -1;
	}
	return 0;
}

/* The rule from its words f (api_flow() cut them). */
static int api_flow_rest(struct api_ps *p, struct api_fl *f, int announce)
{
	struct api_cmd *c = p->c;
	char e[API_ERR_MAX];
	int rc = api_flow_words(p, f);

	if (!rc && cfg_flow_finish(&c->flow, e, sizeof(e)))
		rc = api_err(p, "%s", e);
	/* A withdraw names the NLRI (RFC 8955 §4); ExaBGP reads a then
	 * there and does nothing with it, nor does bgpshield. */
	if (!rc && !announce)
		memset(&c->flow.act, 0, sizeof(c->flow.act));
	return rc;
}

static int api_flow(struct api_ps *p, int announce)
{
	struct api_cmd *c = p->c;
	struct api_fl f = { 0 };
	size_t len = 0, k = 0;
	char *buf, *o;
	int rc;

	c->verb = announce ? API_ANNOUNCE_FLOW : API_WITHDRAW_FLOW;
	if (!api_is(p, "route"))
		return api_err(p, "%s flow needs 'route'",
			       announce ? "announce" : "withdraw");
	p->i++;
	if (p->i >= p->n)
		return api_err(p, "%s flow route needs a match",
			       announce ? "announce" : "withdraw");
	/* Cut '{' '}' ';' off the words: each char a word at most.  The
	 * one-line form usually has none: its words serve as they are. */
	while (k < p->n - p->i && !strpbrk(p->t[p->i + k], "{};"))
		k++;
	if (k == p->n - p->i) {
		f.t = p->t + p->i;
		f.n = k;
		p->i = p->n;
		return api_flow_rest(p, &f, announce);
	}
	k = 0;
	for (size_t i = p->i; i < p->n; i++)
		len += 3 * strlen(p->t[i]) + 1;
	buf = malloc(len);
	f.t = malloc(len * sizeof(*f.t));
	if (!buf || !f.t) {
		free(buf);
		free(f.t);
		return api_err(p, "out of memory");
	}
	o = buf;
	for (size_t i = p->i; i < p->n; i++) {
		int in = 0;

		for (const char *s = p->t[i]; *s; s++) {
			if (*s == '{' || *s == '}' || *s == ';') {
				if (in)
					*o++ = 0;
				in = 0;
				f.t[k++] = o;
				*o++ = *s;
				*o++ = 0;
				continue;
			}
			if (!in)
				f.t[k++] = o;
			in = 1;
			*o++ = *s;
		}
		if (in)
			*o++ = 0;
	}
	f.n = k;
	p->i = p->n;
	rc = api_flow_rest(p, &f, announce);
	free(buf);
	free(f.t);
	return rc;
}

/* ---- commands ---------------------------------------------------------- */

static int api_end(struct api_ps *p)
{
	const char *s = api_peek(p);

	if (s)
		return api_err(p, "unexpected '%.64s' after %s", s,
			       api_verb_name(p->c->verb));
	return 0;
}

static int api_announce(struct api_ps *p, int announce)
{
	const char *what = announce ? "announce" : "withdraw";
	const char *s = api_take(p);

	if (!s)
		return api_err(p, "%s needs route, flow, attributes%s or "
				  "watchdog",
			       what, announce ? ", eor, route-refresh" : "");
	if (!strcmp(s, "route"))
		return api_route(p, announce);
	if (!strcmp(s, "flow"))
		return api_flow(p, announce);
	if (!strcmp(s, "attributes") || !strcmp(s, "attribute"))
		return api_attributes(p, announce);
	if (!strcmp(s, "watchdog")) {
		p->c->verb = announce ? API_ANNOUNCE_WATCHDOG
				      : API_WITHDRAW_WATCHDOG;
		return api_watchdog_name(p, "watchdog") ?: api_end(p);
	}
	if (announce && !strcmp(s, "eor")) {
		p->c->verb = API_ANNOUNCE_EOR;
		return api_family(p) ?: api_end(p);
	}
	if (announce && !strcmp(s, "route-refresh")) {
		p->c->verb = API_ANNOUNCE_REFRESH;
		return api_family(p) ?: api_end(p);
	}
	return api_err(p, "unknown keyword '%.64s' after %s", s, what);
}

static int api_show(struct api_ps *p)
{
	struct api_cmd *c = p->c;
	const char *s = api_take(p);

	if (s && !strcmp(s, "neighbor")) {
		c->verb = API_SHOW_NEIGHBOR;
		if (api_is(p, "summary"))
			c->summary = 1;
		else if (api_is(p, "extensive"))
			c->extensive = 1;
		else if (!api_is(p, "configuration"))
			return api_end(p);
		p->i++;
		return api_end(p);
	}
	if (s && !strcmp(s, "adj-rib")) {
		s = api_take(p);
		if (!s || (strcmp(s, "in") && strcmp(s, "out")))
			return api_err(p, "show adj-rib needs in or out");
		c->verb = !strcmp(s, "in") ? API_SHOW_ADJ_IN : API_SHOW_ADJ_OUT;
		if (api_is(p, "extensive")) {
			c->extensive = 1;
			p->i++;
		}
		return api_end(p);
	}
	return api_err(p, "show needs neighbor or adj-rib%s%.64s%s",
		       s ? ", got '" : "", s ? s : "", s ? "'" : "");
}

static int api_command(struct api_ps *p)
{
	struct api_cmd *c = p->c;
	static const struct {
		const char *name;
		enum api_verb verb;
	} bare[] = {
		{"shutdown", API_SHUTDOWN},
		{"reload", API_RELOAD},
		{"enable-ack", API_ACK_ENABLE},
		{"disable-ack", API_ACK_DISABLE},
		{"silence-ack", API_ACK_SILENCE},
		{"version", API_VERSION},
	};
	const char *s = api_take(p);

	if (!s)
		return api_err(p, "neighbor selectors without a command");
	if (!strcmp(s, "announce"))
		return api_announce(p, 1);
	if (!strcmp(s, "withdraw"))
		return api_announce(p, 0);
	if (!strcmp(s, "show"))
		return api_show(p);
	if (!strcmp(s, "flush")) {
		if (!api_is(p, "adj-rib") || (p->i++, !api_is(p, "out")))
			return api_err(p, "flush needs 'adj-rib out'");
		p->i++;
		c->verb = API_FLUSH_ADJ_OUT;
		return api_end(p);
	}
	if (!strcmp(s, "clear")) {
		if (!api_is(p, "adj-rib"))
			return api_err(p, "clear needs 'adj-rib [in|out]'");
		p->i++;
		c->verb = API_CLEAR_ADJ;
		if (api_is(p, "in")) {
			c->clear_in = 1;
			p->i++;
		} else if (api_is(p, "out")) {
			c->clear_out = 1;
			p->i++;
		} else {
			c->clear_in = c->clear_out = 1;
		}
		return api_end(p);
	}
	for (size_t i = 0; i < API_ARRAY_SIZE(bare); i++)
		if (!strcmp(s, bare[i].name)) {
			c->verb = bare[i].verb;
			return api_end(p);
		}
	return api_err(p, "unknown command '%.64s'", s);
}

/* neighbor A [local-ip X] [local-as N] [peer-as N] [router-id X]
 * [family-allowed F], neighbor B ... : only the address is kept. */
static int api_neighbors(struct api_ps *p)
{
	struct api_cmd *c = p->c;
	char e[API_ERR_MAX];
	struct prefix a;
	const char *s;
	uint32_t u;

	while (api_is(p, "neighbor")) {
		p->i++;
		if (!(s = api_value(p, "neighbor")))
			return -1;
		if (!strcmp(s, "*")) {
			c->all = 1;
		} else {
			if (prefix_parse(s, &a, e, sizeof(e)))
				return api_err(p, "bad neighbor '%.64s': %s", s,
					       e);
			if (!prefix_is_host(&a))
				return api_err(p,
					       "bad neighbor '%.64s': an "
					       "address, not a prefix",
					       s);
			if (c->nneighbors == API_MAX_NEIGHBORS)
				return api_err(p,
					       "too many neighbor selectors "
					       "(limit %d)",
					       API_MAX_NEIGHBORS);
			c->neighbors[c->nneighbors++] = a;
		}
		for (;;) {
			const char *kw = api_peek(p);

			if (api_is(p, "local-ip") || api_is(p, "router-id")) {
				p->i++;
				if (!(s = api_value(p, kw)))
					return -1;
				if (prefix_parse(s, &a, e, sizeof(e)) ||
				    !prefix_is_host(&a) ||
				    (!strcmp(kw, "router-id") &&
				     a.family != AF_INET))
					return api_err(p,
						       "bad %s '%.64s': "
						       "needs an %saddress",
						       kw, s,
						       kw[0] == 'r' ? "IPv4 "
								    : "");
			} else if (api_is(p, "local-as") ||
				   api_is(p, "peer-as")) {
				p->i++;
				if (!(s = api_value(p, kw)))
					return -1;
				if (cfg_parse_asn(s, &u))
					return api_err(p,
						       "%s needs an AS "
						       "number, got '%.64s'",
						       kw, s);
			} else if (api_is(p, "family-allowed")) {
				p->i++;
				if (!api_value(p, kw))
					return -1;
			} else {
				break;
			}
		}
		if (api_is(p, ",")) {
			p->i++;
			if (!api_is(p, "neighbor"))
				return api_err(p, "',' must be followed by "
						  "another neighbor");
		}
	}
	return 0;
}

/* Cut the line into words in buf; '[' ']' ',' stand alone. */
static size_t api_words(const char *s, size_t len, char *buf, char **t)
{
	size_t n = 0, o = 0;
	int in = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == ' ' || ch == '\t' || ch == '[' || ch == ']' ||
		    ch == ',') {
			if (in) {
				buf[o++] = 0;
				in = 0;
			}
			if (ch == ' ' || ch == '\t')
				continue;
			t[n++] = buf + o;
			buf[o++] = ch;
			buf[o++] = 0;
			continue;
		}
		if (!in) {
			t[n++] = buf + o;
			in = 1;
		}
		buf[o++] = ch;
	}
	if (in)
		buf[o++] = 0;
	return n;
}

int api_parse(const char *line, size_t len, struct api_cmd *c, char *err,
	      size_t errlen)
{
	char ebuf[API_ERR_MAX];
	struct api_ps p = {0};
	char *buf = NULL;
	char **t = NULL;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (!err || !errlen) {
		err = ebuf;
		errlen = sizeof(ebuf);
	}
	err[0] = 0;
	p.err = err;
	p.errlen = errlen;
	p.c = c;
	if (len > API_LINE_MAX) {
		api_err(&p, "line too long (%zu bytes, limit %d)", len,
			API_LINE_MAX);
		goto out;
	}
	if (!line && len) {
		api_err(&p, "empty command");
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = line[i];

		if (ch == 0) {
			api_err(&p, "NUL byte at offset %zu", i);
			goto out;
		}
		/* Trailing "\r" of a CRLF line is cut below; any other
		 * control byte is a mistake (and would reach the logs). */
		if ((ch < 0x20 && ch != '\t' &&
		     !(ch == '\r' && i == len - 1)) ||
		    ch == 0x7f) {
			api_err(&p, "control character 0x%02x at offset %zu",
				ch, i);
			goto out;
		}
	}
	if (len && line[len - 1] == '\r')
		len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (len && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	if (!len) {
		api_err(&p, "empty command");
		goto out;
	}
	buf = malloc(2 * len + 1);
	t = malloc((len + 1) * sizeof(*t));
	if (!buf || !t) {
		api_err(&p, "out of memory");
		goto out;
	}
	p.t = t;
	p.n = api_words(line, len, buf, t);
	p.where = "command";
	if (api_neighbors(&p) || api_command(&p))
		goto out;
	rc = 0;
out:
	free(buf);
	free(t);
	if (rc) {
		if (!err[0])
			snprintf(err, errlen, "bad command");
		api_cmd_free(c);
	}
	return rc;
}

void api_cmd_free(struct api_cmd *c)
{
	if (!c)
		return;
	cfg_route_free(&c->route);
	free(c->nlri);
	memset(c, 0, sizeof(*c));
}
