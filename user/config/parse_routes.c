// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a neighbor announces and accepts: the static route statement
 * (route PREFIX next-hop ... with its attributes and communities) and the
 * filter { import { } export { } } block.  Prefix-list names in a filter
 * are only recorded here; resolve.c points them at their lists once the
 * whole file is read, so lists may come after their users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_parse.h"

/* --- routes --------------------------------------------------------------- */

const char *const cfg_origin_names[] = { "igp", "egp", "incomplete" };

static int cfg_item_asn(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint32_t v;

	if (cfg_parse_asn(p->tok.text, &v) || !v)
		return cfg_err_tok(p, "'as-path' needs AS numbers "
				      "1..4294967295");
	if (CFG_ROOM(p, r->as_path, r->as_path_len))
		return -1;
	r->as_path[r->as_path_len++] = v;
	return cfg_take(p, 0);
}

static int cfg_item_comm(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint32_t c;

	if (cfg_parse_community(p->tok.text, &c))
		return cfg_err_tok(p,
				   "'community' needs ASN:VALUE (each "
				   "0..65535), a 32-bit number or a name "
				   "such as no-export; got '%.64s'",
				   p->tok.text);
	if (CFG_ROOM(p, r->communities, r->ncommunities))
		return -1;
	r->communities[r->ncommunities++] = c;
	return cfg_take(p, 0);
}

static int cfg_item_large(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	struct cfg_lcomm l;

	if (cfg_parse_large(p->tok.text, &l))
		return cfg_err_tok(p,
				   "'large-community' needs "
				   "GLOBAL:LOCAL1:LOCAL2 (each "
				   "0..4294967295); got '%.64s'",
				   p->tok.text);
	if (CFG_ROOM(p, r->large, r->nlarge))
		return -1;
	r->large[r->nlarge++] = l;
	return cfg_take(p, 0);
}

static int cfg_item_ext(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint64_t x;

	if (cfg_parse_ext(p->tok.text, &x))
		return cfg_err_tok(p,
				   "'extended-community' needs "
				   "target:ASN:N, origin:IP:N, "
				   "redirect:ASN:N or 0x and 16 hex "
				   "digits; got '%.64s'",
				   p->tok.text);
	if (CFG_ROOM(p, r->ext, r->next))
		return -1;
	r->ext[r->next++] = x;
	return cfg_take(p, 0);
}

static int cfg_item_cluster(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint32_t v;

	if (cfg_parse_ipv4(p->tok.text, &v))
		return cfg_err_tok(p,
				   "'cluster-list' needs cluster ids written "
				   "as IPv4 addresses; got '%.64s'",
				   p->tok.text);
	if (CFG_ROOM(p, r->cluster, r->ncluster))
		return -1;
	r->cluster[r->ncluster++] = v;
	return cfg_take(p, 0);
}

enum {
	RA_NEXT_HOP,
	RA_ORIGIN,
	RA_MED,
	RA_LOCAL_PREF,
	RA_AS_PATH,
	RA_COMMUNITY,
	RA_LARGE,
	RA_EXT,
	RA_ATOMIC,
	RA_AGGREGATOR,
	RA_ORIGINATOR,
	RA_CLUSTER,
	RA_ATTRIBUTE,
	RA_NAME,
	RA_SPLIT,
	RA_WATCHDOG,
	RA_WITHDRAW,
	RA_PATH_INFO,
	RA_MAX
};

static const struct cfg_kw cfg_route_kws[] = {
	{ "next-hop", RA_NEXT_HOP },
	{ "origin", RA_ORIGIN },
	{ "med", RA_MED },
	{ "local-preference", RA_LOCAL_PREF },
	{ "as-path", RA_AS_PATH },
	{ "community", RA_COMMUNITY },
	{ "large-community", RA_LARGE },
	{ "extended-community", RA_EXT },
	{ "atomic-aggregate", RA_ATOMIC },
	{ "aggregator", RA_AGGREGATOR },
	{ "originator-id", RA_ORIGINATOR },
	{ "cluster-list", RA_CLUSTER },
	{ "attribute", RA_ATTRIBUTE },
	{ "name", RA_NAME },
	{ "split", RA_SPLIT },
	{ "watchdog", RA_WATCHDOG },
	{ "withdraw", RA_WITHDRAW },
	{ "path-information", RA_PATH_INFO },
};

/* aggregator ( ASN:A.B.C.D ), the parentheses optional and either apart
 * or stuck to the value, as ExaBGP reads it. */
static int cfg_aggregator(struct cfg_parser *p, struct cfg_route *r)
{
	char v[CFG_TOKEN_MAX + 1];
	struct cfg_pos at;
	int open = 0, close = 0;
	size_t n;

	if (cfg_is(p, "(")) {
		open = 1;
		if (cfg_take(p, 0))
			return -1;
	}
	at = cfg_here(p);
	if (p->tok.type != CT_WORD)
		return cfg_err_tok(p, "'aggregator' needs ( ASN:ADDRESS )");
	snprintf(v, sizeof(v), "%s", p->tok.text);
	if (!open && v[0] == '(') {
		open = 1;
		memmove(v, v + 1, strlen(v));
	}
	n = strlen(v);
	if (open && n && v[n - 1] == ')') {
		close = 1;
		v[n - 1] = 0;
	}
	if (cfg_parse_aggregator(v, &r->aggr_as, &r->aggr_id))
		return cfg_err_at(p, at,
				  "'aggregator' needs ( ASN:ADDRESS ), the "
				  "ASN 1..4294967295 and the address IPv4; "
				  "got '%.64s'",
				  v);
	if (cfg_take(p, 0))
		return -1;
	if (open && !close) {
		if (!cfg_is(p, ")"))
			return cfg_err_tok(p, "'aggregator (' needs its ')'");
		if (cfg_take(p, 0))
			return -1;
	}
	r->flags |= CFG_RT_AGGREGATOR;
	return 0;
}

/* attribute [ CODE FLAGS VALUE ] */
static int cfg_attribute(struct cfg_parser *p, struct cfg_route *r)
{
	char w[3][CFG_TOKEN_MAX + 1], e[256];
	struct cfg_pos at = cfg_here(p);

	if (p->tok.type != CT_LBRACKET)
		return cfg_err_tok(p, "'attribute' needs [ CODE FLAGS VALUE ], "
				      "e.g. [ 0x99 0xc0 0x00000064 ]");
	if (cfg_take(p, 0))
		return -1;
	for (int i = 0; i < 3; i++) {
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(p,
					   "'attribute' needs [ CODE FLAGS "
					   "VALUE ], each 0x and hex digits");
		snprintf(w[i], sizeof(w[i]), "%s", p->tok.text);
		if (cfg_take(p, 0))
			return -1;
	}
	if (p->tok.type != CT_RBRACKET)
		return cfg_err_tok(p, "'attribute [ CODE FLAGS VALUE' needs "
				      "its ']'");
	if (cfg_route_attribute(r, w[0], w[1], w[2], e, sizeof(e)))
		return cfg_err_at(p, at, "%s", e);
	return cfg_take(p, 0);
}

/* One attribute's value (its keyword consumed).  *split gets split's
 * length. */
static int cfg_route_attr(struct cfg_parser *p, struct cfg_route *r, int id,
			  int *split)
{
	char fb[PREFIX_STRLEN], nb[PREFIX_STRLEN];
	struct cfg_pos at = cfg_here(p);
	uint32_t u;
	int v;

	switch (id) {
	case RA_NEXT_HOP:
		if (cfg_is(p, "self")) {
			r->nh_self = 1;
			return cfg_take(p, 0);
		}
		r->nh_line = at.line;
		r->nh_col = at.col;
		if (cfg_addr(p, "next-hop", 1, 0, &r->next_hop))
			return -1;
		/* IPv4 with an IPv6 next hop (RFC 8950) depends on the
		 * neighbor's nexthop block: resolve.c checks it */
		if (r->next_hop.family != r->prefix.family &&
		    r->prefix.family != AF_INET)
			return cfg_err_at(
				p, at,
				"next-hop %s is %s but the route %s "
				"is %s",
				prefix_fmt(&r->next_hop, nb, sizeof(nb)),
				r->next_hop.family == AF_INET ? "IPv4" : "IPv6",
				prefix_fmt(&r->prefix, fb, sizeof(fb)),
				r->prefix.family == AF_INET ? "IPv4" : "IPv6");
		return 0;
	case RA_ORIGIN:
		/* ExaBGP lowercases it: IGP works there, so here too. */
		if (p->tok.type == CT_WORD)
			for (v = 0; v < 3; v++)
				if (!strcasecmp(p->tok.text,
						cfg_origin_names[v])) {
					r->origin = v;
					return cfg_take(p, 0);
				}
		return cfg_err_tok(p, "'origin' needs igp, egp or incomplete");
	case RA_MED:
		if (r->flags & CFG_RT_MED)
			return cfg_err_tok(p, "'med' is also set by an "
					      "attribute [ 0x04 ... ]");
		r->flags |= CFG_RT_MED;
		return cfg_num(p, "med", 0, UINT32_MAX, &r->med);
	case RA_LOCAL_PREF:
		if (r->flags & CFG_RT_LOCAL_PREF)
			return cfg_err_tok(p, "'local-preference' is also set "
					      "by an attribute [ 0x05 ... ]");
		r->flags |= CFG_RT_LOCAL_PREF;
		return cfg_num(p, "local-preference", 0, UINT32_MAX,
			       &r->local_pref);
	case RA_AS_PATH:
		return cfg_list(p, "as-path", cfg_item_asn, r);
	case RA_COMMUNITY:
		return cfg_list(p, "community", cfg_item_comm, r);
	case RA_LARGE:
		return cfg_list(p, "large-community", cfg_item_large, r);
	case RA_EXT:
		return cfg_list(p, "extended-community", cfg_item_ext, r);
	case RA_ATOMIC:
		r->flags |= CFG_RT_ATOMIC_AGGR;
		return 0;
	case RA_AGGREGATOR:
		if (r->flags & CFG_RT_AGGREGATOR)
			return cfg_err_tok(p, "'aggregator' is also set by an "
					      "attribute [ 0x07 ... ]");
		return cfg_aggregator(p, r);
	case RA_ORIGINATOR:
		if (r->flags & CFG_RT_ORIGINATOR)
			return cfg_err_tok(p, "'originator-id' is also set by "
					      "an attribute [ 0x09 ... ]");
		if (p->tok.type != CT_WORD ||
		    cfg_parse_ipv4(p->tok.text, &r->originator_id))
			return cfg_err_tok(p, "'originator-id' needs an IPv4 "
					      "address (RFC 4456 section 8)");
		r->flags |= CFG_RT_ORIGINATOR;
		return cfg_take(p, 0);
	case RA_CLUSTER:
		return cfg_list(p, "cluster-list", cfg_item_cluster, r);
	case RA_ATTRIBUTE:
		return cfg_attribute(p, r);
	case RA_NAME:
		/* ExaBGP's label for its own logs: read and not kept. */
		if (!cfg_is_value(&p->tok))
			return cfg_err_tok(p, "'name' needs a word");
		return cfg_take(p, 0);
	case RA_SPLIT:
		if (p->tok.type != CT_WORD || p->tok.text[0] != '/' ||
		    parse_u32(p->tok.text + 1, 0, 128, &u))
			return cfg_err_tok(p, "'split' needs /LENGTH, e.g. "
					      "split /24");
		*split = (int)u;
		return cfg_take(p, 0);
	case RA_WATCHDOG:
		if (!cfg_is_value(&p->tok) ||
		    !cfg_name_ok(p->tok.text, p->tok.len))
			return cfg_err_tok(p,
					   "'watchdog' needs a name of 1..%d "
					   "letters, digits or - _ . :",
					   CFG_NAME_MAX);
		return cfg_name(p, "watchdog", &r->watchdog);
	case RA_PATH_INFO:
		/* RFC 7911 §3 path identifier: routes of one prefix with
		 * different ids are different paths (ExaBGP's spelling) */
		if (!cfg_is_value(&p->tok) ||
		    parse_path_id(p->tok.text, &r->path_id))
			return cfg_err_tok(p, "'path-information' needs "
					      "A.B.C.D or a number "
					      "0..4294967295");
		return cfg_take(p, 0);
	default: /* RA_WITHDRAW */
		r->flags |= CFG_RT_WITHDRAW;
		return 0;
	}
}

/* The attribute keyword at the look-ahead, consumed: its RA_* id, or -1
 * (error set). */
static int cfg_route_kw(struct cfg_parser *p, struct cfg_pos *seen)
{
	char b[80], list[512];
	size_t i, off = 0;

	for (i = 0; i < CFG_ARRAY_SIZE(cfg_route_kws); i++)
		if (!strcmp(p->tok.text, cfg_route_kws[i].name))
			break;
	if (i < CFG_ARRAY_SIZE(cfg_route_kws)) {
		int id = cfg_route_kws[i].id;

		/* attribute [ ] adds up, one per code */
		if (seen[id].line && id != RA_ATTRIBUTE)
			return cfg_err_tok(p,
					   "'%s' is given twice in this route "
					   "(first at %u:%u)",
					   cfg_route_kws[i].name,
					   seen[id].line, seen[id].col);
		seen[id] = cfg_here(p);
		return cfg_take(p, 0) ? -1 : id;
	}
	if (cfg_exabgp_kw(p))
		return -1;
	for (size_t k = 0; k < CFG_ARRAY_SIZE(cfg_route_kws); k++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				k ? ", " : "", cfg_route_kws[k].name);
	return cfg_err_tok(p, "unknown route attribute %s; expected one of: %s",
			   cfg_tok_desc(&p->tok, b, sizeof(b)), list);
}

/* split /N: the route at n->routes[idx] becomes its pieces. */
static int cfg_route_split(struct cfg_parser *p, struct cfg_neighbor *n,
			   size_t idx, int len, struct cfg_pos at)
{
	struct prefix *pieces;
	size_t count;
	char e[256];

	if (cfg_split_prefix(&n->routes[idx].prefix, len, CFG_MAX_SPLIT,
			     &pieces, &count, e, sizeof(e)))
		return cfg_err_at(p, at, "%s", e);
	for (size_t k = 1; k < count; k++) {
		if (cfg_unit(p) || CFG_ROOM(p, n->routes, n->nroutes) ||
		    cfg_route_copy(&n->routes[n->nroutes],
				   &n->routes[idx])) {
			free(pieces);
			return p->failed ? -1 : cfg_oom(p);
		}
		n->routes[n->nroutes++].prefix = pieces[k];
	}
	n->routes[idx].prefix = pieces[0];
	free(pieces);
	return 0;
}

/*
 * route PREFIX ATTRIBUTES... ;  or  route PREFIX { ATTRIBUTE; ... }
 * (the keyword consumed; ExaBGP's two forms, same attributes).  In the
 * announce block the same comes as 'unicast PREFIX ...'.
 */
int cfg_route(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_pos at)
{
	struct cfg_pos seen[RA_MAX] = { { 0, 0 } };
	struct cfg_pos open = { 0, 0 };
	struct cfg_route *r;
	struct prefix pfx;
	size_t idx;
	int block = 0, split = -1, id;

	if (cfg_addr(p, "route", 0, 0, &pfx))
		return -1;
	if (cfg_unit(p) || CFG_ROOM(p, n->routes, n->nroutes))
		return -1;
	idx = n->nroutes++;
	r = &n->routes[idx];
	memset(r, 0, sizeof(*r));
	r->prefix = pfx;
	r->line = at.line;
	r->col = at.col;
	if (p->tok.type == CT_LBRACE) {
		block = 1;
		open = cfg_here(p);
		if (cfg_next(p))
			return -1;
	}
	for (;;) {
		if (block && p->tok.type == CT_RBRACE)
			break;
		if (!block && p->tok.type == CT_SEMI)
			break;
		if (block && p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close the route "
					   "block opened at %u:%u",
					   open.line, open.col);
		/* A word on a new line is the next statement: the ';'
		 * is missing, which is what to say. */
		if (p->tok.type != CT_WORD ||
		    (!block && p->tok.line != p->prev_line))
			return cfg_semi(p);
		if ((id = cfg_route_kw(p, seen)) < 0 ||
		    cfg_route_attr(p, r, id, &split))
			return -1;
		if (block && cfg_semi(p))
			return -1;
	}
	if (!seen[RA_NEXT_HOP].line) {
		char pb[PREFIX_STRLEN];

		return cfg_err_at(p, at,
				  "route %s needs 'next-hop self' or "
				  "'next-hop ADDRESS'",
				  prefix_fmt(&r->prefix, pb, sizeof(pb)));
	}
	if (r->flags & CFG_RT_WITHDRAW && !r->watchdog)
		return cfg_err_at(p, seen[RA_WITHDRAW],
				  "'withdraw' holds the route back until its "
				  "watchdog is announced: it needs "
				  "'watchdog NAME'");
	if (split >= 0 && cfg_route_split(p, n, idx, split, seen[RA_SPLIT]))
		return -1;
	return cfg_next(p);
}

/* ExaBGP's other sub-families in an announce block: refused by name. */
static int cfg_announce_safi(struct cfg_parser *p, const char *afi)
{
	static const char *const exa[] = { "multicast", "nlri-mpls", "mpls-vpn",
					   "flow", "flow-vpn" };

	if (p->tok.type != CT_WORD)
		return 0;
	for (size_t i = 0; i < CFG_ARRAY_SIZE(exa); i++)
		if (!strcmp(p->tok.text, exa[i]))
			return cfg_err_tok(p,
					   "'%s %s' is an ExaBGP family "
					   "bgpshield does not implement; "
					   "expected 'unicast'",
					   afi, exa[i]);
	return 0;
}

/* announce { ipv4 { unicast PREFIX ...; } ipv6 { ... } }: ExaBGP 4.2's
 * newer form of the static block (after the '{'). */
int cfg_announce(struct cfg_parser *p, struct cfg_neighbor *n,
		 struct cfg_pos open)
{
	static const struct cfg_kw afis[] = { { "ipv4", AF_INET },
					      { "ipv6", AF_INET6 } };
	static const struct cfg_kw safis[] = { { "unicast", 0 } };
	const struct cfg_kw *k = NULL, *s = NULL;
	struct cfg_pos at = { 0, 0 }, sat = { 0, 0 };
	char pb[PREFIX_STRLEN];
	int r, q;

	while (!(r = cfg_block_kw(p, afis, 2, "announce block", open, &k,
				  &at))) {
		if (cfg_open(p))
			return -1;
		while (!(q = cfg_announce_safi(p, k->name)) &&
		       !(q = cfg_block_kw(p, safis, 1,
					  k->id == AF_INET ? "announce ipv4 "
							     "block"
							   : "announce ipv6 "
							     "block",
					  at, &s, &sat))) {
			size_t before = n->nroutes;

			if (cfg_route(p, n, sat))
				return -1;
			if (n->routes[before].prefix.family != k->id)
				return cfg_err_at(
					p, sat,
					"%s is not %s: it belongs in the "
					"announce %s block",
					prefix_fmt(&n->routes[before].prefix,
						   pb, sizeof(pb)),
					k->name,
					k->id == AF_INET ? "ipv6" : "ipv4");
		}
		if (q < 0)
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/* --- filter blocks -------------------------------------------------------- */

enum {
	FK_PLIST,
	FK_BOGONS,
	FK_DEFAULT,
	FK_PRIVATE_ASN,
	FK_MAX_PATH,
	FK_MAX_PREFIX,
	FK_NEXT_HOP,
	FK_MED,
	FK_LOCAL_PREF,
	FK_MAX
};

static const struct cfg_kw cfg_filter_kws[] = {
	{ "prefix-list", FK_PLIST },
	{ "reject-bogons", FK_BOGONS },
	{ "reject-default", FK_DEFAULT },
	{ "reject-private-asn", FK_PRIVATE_ASN },
	{ "max-as-path-length", FK_MAX_PATH },
	{ "max-prefix", FK_MAX_PREFIX },
	{ "next-hop", FK_NEXT_HOP },
	{ "med", FK_MED },
	{ "local-pref", FK_LOCAL_PREF },
};

#define FILTER_BOOL(m) CFG_OPT_BOOL(struct cfg_filter, m)
#define FILTER_NUM(m, lo, hi) CFG_OPT_NUM(struct cfg_filter, m, lo, hi)

/* The flags and the number, by FK_*; the other keywords have a case in
 * cfg_filter_dir(). */
static const struct cfg_opt cfg_filter_opts[FK_MAX] = {
	[FK_BOGONS] = FILTER_BOOL(reject_bogons),
	[FK_DEFAULT] = FILTER_BOOL(reject_default),
	[FK_PRIVATE_ASN] = FILTER_BOOL(reject_private_asn),
	[FK_MAX_PATH] = FILTER_NUM(max_as_path_len, 1, 1000),
};

/* prefix-list NAME; the name is resolved once the whole file is read
 * (cfg_resolve_filter), so lists may be defined after their users. */
static int cfg_filter_plist(struct cfg_parser *p, struct cfg_filter *f)
{
	if (!cfg_is_value(&p->tok) || !cfg_name_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p,
				   "'prefix-list' needs a name of 1..%d "
				   "letters, digits or - _ . :",
				   CFG_NAME_MAX);
	for (size_t i = 0; i < f->nplists; i++)
		if (!strcmp(f->plists[i].name, p->tok.text))
			return cfg_err_tok(p,
					   "prefix-list '%s' is already listed "
					   "in this block at %u:%u",
					   p->tok.text, f->plists[i].line,
					   f->plists[i].col);
	if (f->nplists >= CFG_MAX_PLISTS)
		return cfg_err_tok(p, "more than %d prefix-lists in one block",
				   CFG_MAX_PLISTS);
	return cfg_name_add(p, &f->plists, &f->nplists);
}

/* max-prefix N [warning|teardown [restart SECONDS]] */
static int cfg_filter_maxpfx(struct cfg_parser *p, struct cfg_filter *f)
{
	if (cfg_num(p, "max-prefix", 1, UINT32_MAX, &f->max_prefix))
		return -1;
	f->max_prefix_action = CFG_MAXPFX_WARNING;
	if (p->tok.type != CT_WORD || p->tok.line != p->prev_line)
		return 0;
	if (cfg_is(p, "warning"))
		return cfg_take(p, 0);
	if (!cfg_is(p, "teardown"))
		return cfg_err_tok(p,
				   "'max-prefix N' is followed by warning or "
				   "teardown [restart SECONDS]");
	f->max_prefix_action = CFG_MAXPFX_TEARDOWN;
	if (cfg_take(p, 0))
		return -1;
	if (!cfg_is(p, "restart") || p->tok.line != p->prev_line)
		return 0;
	if (cfg_take(p, 0))
		return -1;
	/* 0: stays down until restarted by hand, as without restart. */
	return cfg_num(p, "restart", 0, UINT32_MAX, &f->max_prefix_restart);
}

/* next-hop peer|self [PREFIX ...] */
static int cfg_filter_nh(struct cfg_parser *p, struct cfg_filter *f, int import)
{
	const char *want = import ? "peer" : "self";

	if (cfg_is(p, import ? "self" : "peer"))
		return cfg_err_tok(p,
				   "'next-hop %s' is for %s filters; an %s "
				   "filter takes 'next-hop %s [PREFIX ...]'",
				   p->tok.text, import ? "export" : "import",
				   import ? "import" : "export", want);
	if (!cfg_is(p, want))
		return cfg_err_tok(p,
				   "'next-hop' needs '%s [PREFIX ...]' in "
				   "an %s filter",
				   want, import ? "import" : "export");
	f->nh_check = 1;
	if (cfg_take(p, 0))
		return -1;
	while (cfg_is_value(&p->tok) && p->tok.line == p->prev_line) {
		if (f->nnh_allow >= CFG_MAX_FILTER_NH)
			return cfg_err_tok(p,
					   "more than %d prefixes in "
					   "'next-hop'",
					   CFG_MAX_FILTER_NH);
		if (CFG_ROOM(p, f->nh_allow, f->nnh_allow) ||
		    cfg_addr(p, "next-hop", 0, 0, &f->nh_allow[f->nnh_allow]))
			return -1;
		f->nnh_allow++;
	}
	return 0;
}

/* med MIN MAX; local-pref MIN MAX; */
static int cfg_filter_range(struct cfg_parser *p, const char *kw, uint32_t *min,
			    uint32_t *max)
{
	struct cfg_pos at;

	if (cfg_num(p, kw, 0, UINT32_MAX, min))
		return -1;
	at = cfg_here(p);
	if (cfg_num(p, kw, 0, UINT32_MAX, max))
		return -1;
	if (*min > *max)
		return cfg_err_at(p, at, "'%s %u %u': MIN is greater than MAX",
				  kw, *min, *max);
	return 0;
}

static int cfg_filter_dir(struct cfg_parser *p, struct cfg_filter *f,
			  int import, struct cfg_pos open)
{
	const char *what =
		import ? "filter import block" : "filter export block";
	struct cfg_pos seen[FK_MAX] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r;

	f->present = 1;
	f->line = open.line;
	f->col = open.col;
	while (!(r = cfg_block_kw(p, cfg_filter_kws,
				  CFG_ARRAY_SIZE(cfg_filter_kws), what, open,
				  &k, &at))) {
		/* prefix-list adds up; the rest is set once. */
		if (k->id != FK_PLIST &&
		    cfg_set_once(p, &seen[k->id], at, k->name))
			return -1;
		switch (k->id) {
		case FK_PLIST:
			r = cfg_filter_plist(p, f);
			break;
		case FK_MAX_PREFIX:
			/* Counting what is sent would limit ourselves. */
			if (!import)
				return cfg_err_at(p, at,
						  "'max-prefix' applies to "
						  "import only (the routes "
						  "the peer sends)");
			r = cfg_filter_maxpfx(p, f);
			break;
		case FK_NEXT_HOP:
			r = cfg_filter_nh(p, f, import);
			break;
		case FK_MED:
			f->med_range = 1;
			r = cfg_filter_range(p, k->name, &f->med_min,
					     &f->med_max);
			break;
		case FK_LOCAL_PREF:
			f->local_pref_range = 1;
			r = cfg_filter_range(p, k->name, &f->lp_min,
					     &f->lp_max);
			break;
		default:
			r = cfg_opt(p, k->name, &cfg_filter_opts[k->id], f);
			break;
		}
		if (r || cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/* filter { import { ... } export { ... } } (after the '{') */
int cfg_filter(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_meta *m,
	       struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "import", 1 }, { "export", 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r;

	while (!(r = cfg_block_kw(p, kws, 2, "filter block", open, &k, &at)))
		if (cfg_mark(p, m, k->id ? CF_FILTER_IMPORT : CF_FILTER_EXPORT,
			     at, k->name) ||
		    cfg_open(p) ||
		    cfg_filter_dir(p, k->id ? &n->import : &n->export, k->id,
				   at))
			return -1;
	return r < 0 ? -1 : 0;
}
