// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a neighbor announces and accepts: the static route statement
 * (route PREFIX next-hop ... with its attributes and communities) and the
 * filter { import { } export { } } block.  Prefix-list names in a filter
 * are only recorded here; resolve.c points them at their lists once the
 * whole file is read, so lists may come after their users.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_parse.h"

/* --- routes --------------------------------------------------------------- */

const char *const cfg_origin_names[] = { "igp", "egp", "incomplete" };

/* Well-known communities by the names ExaBGP accepts (RFC 1997, 3765,
 * 7999, 8326, 7611, 9494). */
const struct cfg_wk_comm cfg_wk_comms[] = {
	{ "no-export", 0xFFFFFF01 },
	{ "no-advertise", 0xFFFFFF02 },
	{ "no-export-subconfed", 0xFFFFFF03 },
	{ "nopeer", 0xFFFFFF04 },
	{ "blackhole", 0xFFFF029A },
	{ "graceful-shutdown", 0xFFFF0000 },
	{ "accept-own", 0xFFFF0001 },
	{ "llgr-stale", 0xFFFF0006 },
	{ "no-llgr", 0xFFFF0007 },
};
const size_t cfg_nwk_comms = CFG_ARRAY_SIZE(cfg_wk_comms);

static int cfg_item_asn(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint32_t v;

	if (parse_u32(p->tok.text, 1, UINT32_MAX, &v))
		return cfg_err_tok(p, "'as-path' needs AS numbers "
				      "1..4294967295");
	if (CFG_ROOM(p, r->as_path, r->as_path_len))
		return -1;
	r->as_path[r->as_path_len++] = v;
	return cfg_take(p, 0);
}

/* "A:B" of two numbers (three for large), each at most max. */
static int cfg_split_nums(const char *s, uint32_t max, uint32_t *v, int n)
{
	char b[40];
	char *tok, *save = NULL;
	int i = 0;

	if (strlen(s) >= sizeof(b) || !*s || s[strlen(s) - 1] == ':')
		return -1;
	snprintf(b, sizeof(b), "%s", s);
	for (tok = strtok_r(b, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (i == n || parse_u32(tok, 0, max, &v[i]))
			return -1;
		i++;
	}
	/* strtok_r folds "1::2"; count the colons to refuse it. */
	for (const char *c = s, *q = s; (c = strchr(q, ':')); q = c + 1)
		if (c[1] == ':' || c == s)
			return -1;
	return i == n ? 0 : -1;
}

static int cfg_item_comm(struct cfg_parser *p, void *arg)
{
	struct cfg_route *r = arg;
	uint32_t v[2], c = 0;
	size_t i;

	for (i = 0; i < CFG_ARRAY_SIZE(cfg_wk_comms); i++)
		if (!strcmp(p->tok.text, cfg_wk_comms[i].name))
			break;
	if (i < CFG_ARRAY_SIZE(cfg_wk_comms))
		c = cfg_wk_comms[i].value;
	else if (!cfg_split_nums(p->tok.text, 65535, v, 2))
		c = v[0] << 16 | v[1];
	else if (parse_u32(p->tok.text, 0, UINT32_MAX, &c))
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
	uint32_t v[3];

	if (cfg_split_nums(p->tok.text, UINT32_MAX, v, 3))
		return cfg_err_tok(p,
				   "'large-community' needs "
				   "GLOBAL:LOCAL1:LOCAL2 (each "
				   "0..4294967295); got '%.64s'",
				   p->tok.text);
	if (CFG_ROOM(p, r->large, r->nlarge))
		return -1;
	r->large[r->nlarge].global = v[0];
	r->large[r->nlarge].local1 = v[1];
	r->large[r->nlarge].local2 = v[2];
	r->nlarge++;
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
};

static const struct cfg_kw cfg_route_kws[] = {
	{ "next-hop", RA_NEXT_HOP },
	{ "origin", RA_ORIGIN },
	{ "med", RA_MED },
	{ "local-preference", RA_LOCAL_PREF },
	{ "as-path", RA_AS_PATH },
	{ "community", RA_COMMUNITY },
	{ "large-community", RA_LARGE },
};

static int cfg_route_attr(struct cfg_parser *p, struct cfg_route *r, int id)
{
	char fb[PREFIX_STRLEN], nb[PREFIX_STRLEN];
	struct cfg_pos at = cfg_here(p);
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
		r->flags |= CFG_RT_MED;
		return cfg_num(p, "med", 0, UINT32_MAX, &r->med);
	case RA_LOCAL_PREF:
		r->flags |= CFG_RT_LOCAL_PREF;
		return cfg_num(p, "local-preference", 0, UINT32_MAX,
			       &r->local_pref);
	case RA_AS_PATH:
		return cfg_list(p, "as-path", cfg_item_asn, r);
	case RA_COMMUNITY:
		return cfg_list(p, "community", cfg_item_comm, r);
	default:
		return cfg_list(p, "large-community", cfg_item_large, r);
	}
}

/* route PREFIX next-hop ... ; (the keyword is consumed) */
int cfg_route(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_pos at)
{
	struct cfg_pos seen[CFG_ARRAY_SIZE(cfg_route_kws)] = { { 0, 0 } };
	struct cfg_route *r;
	struct prefix pfx;
	char b[80];
	size_t i;

	if (cfg_addr(p, "route", 0, 0, &pfx))
		return -1;
	if (p->tok.type == CT_LBRACE)
		return cfg_err_tok(p, "'route PREFIX { ... }' blocks are not "
				      "implemented; write the route on one "
				      "line: route PREFIX next-hop ...;");
	if (cfg_unit(p) || CFG_ROOM(p, n->routes, n->nroutes))
		return -1;
	r = &n->routes[n->nroutes++];
	memset(r, 0, sizeof(*r));
	r->prefix = pfx;
	r->line = at.line;
	r->col = at.col;
	while (p->tok.type != CT_SEMI) {
		/* A word on a new line is the next statement: the ';'
		 * is missing, which is what to say. */
		if (p->tok.type != CT_WORD || p->tok.line != p->prev_line)
			return cfg_semi(p);
		for (i = 0; i < CFG_ARRAY_SIZE(cfg_route_kws); i++)
			if (!strcmp(p->tok.text, cfg_route_kws[i].name))
				break;
		if (i == CFG_ARRAY_SIZE(cfg_route_kws)) {
			char list[256];
			size_t off = 0;

			if (cfg_exabgp_kw(p))
				return -1;
			for (size_t k = 0; k < CFG_ARRAY_SIZE(cfg_route_kws);
			     k++)
				off += snprintf(list + off, sizeof(list) - off,
						"%s%s", k ? ", " : "",
						cfg_route_kws[k].name);
			return cfg_err_tok(p,
					   "unknown route attribute %s; "
					   "expected one of: %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)),
					   list);
		}
		if (seen[i].line)
			return cfg_err_tok(p,
					   "'%s' is given twice in this route "
					   "(first at %u:%u)",
					   cfg_route_kws[i].name, seen[i].line,
					   seen[i].col);
		seen[i] = cfg_here(p);
		if (cfg_take(p, 0) || cfg_route_attr(p, r, cfg_route_kws[i].id))
			return -1;
	}
	if (!seen[RA_NEXT_HOP].line) {
		char pb[PREFIX_STRLEN];

		return cfg_err_at(p, at,
				  "route %s needs 'next-hop self' or "
				  "'next-hop ADDRESS'",
				  prefix_fmt(&r->prefix, pb, sizeof(pb)));
	}
	return cfg_next(p);
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
