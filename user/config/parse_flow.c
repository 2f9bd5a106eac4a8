// SPDX-License-Identifier: GPL-2.0-only
/*
 * A neighbor's (or template's) flow { route NAME { match { } then { } } }
 * as ExaBGP 4.2 writes it, and flowspec { enforce; allow-no-destination; }.
 * The words themselves are read by flow_parse.c, which the API shares;
 * this file walks the blocks and puts each message at its token.  The
 * checks that need the whole neighbor (allow-no-destination, the export
 * filter's prefix-lists) run in resolve.c once templates are applied.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_parse.h"

#define FLOW_ERR 256

/* match { KEYWORD VALUE; KEYWORD [ VALUE ... ]; } after its '{' */
static int cfg_flow_match_block(struct cfg_parser *p, struct fs_rule *r,
				struct cfg_pos open)
{
	char e[FLOW_ERR], b[80];

	for (;;) {
		struct cfg_pos at, lo;
		int idx, n = 0;

		if (p->tok.type == CT_RBRACE)
			return cfg_next(p);
		if (p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close the match "
					   "block opened at %u:%u",
					   open.line, open.col);
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(p,
					   "expected a match keyword or '}', "
					   "got %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		at = cfg_here(p);
		cfg_stmt_reset(p);
		if (!cfg_flow_is_match(p->tok.text))
			return cfg_err_tok(p,
					   "unknown keyword '%s' in the match "
					   "block (source, destination, "
					   "protocol, port, ...: "
					   "docs/CONFIG.md)",
					   p->tok.text);
		if ((idx = cfg_flow_match(r, p->tok.text, e, sizeof(e))) < 0)
			return cfg_err_at(p, at, "%s", e);
		if (cfg_take(p, 0))
			return -1;
		if (p->tok.type == CT_LBRACKET &&
		    (r->comp[idx].type == FS_DST || r->comp[idx].type == FS_SRC))
			return cfg_err_tok(p, "'%s' takes one prefix, not a list",
					   p->stmt);
		if (p->tok.type == CT_LBRACKET) {
			lo = cfg_here(p);
			if (cfg_take(p, 0))
				return -1;
			while (p->tok.type != CT_RBRACKET) {
				if (!cfg_is_value(&p->tok))
					return cfg_err_tok(
						p,
						"expected ']' to close the "
						"list opened at %u:%u, got %s",
						lo.line, lo.col,
						cfg_tok_desc(&p->tok, b,
							     sizeof(b)));
				if (cfg_flow_word(r, idx, p->tok.text, e,
						  sizeof(e)))
					return cfg_err_tok(p, "%s", e);
				if (cfg_take(p, 0))
					return -1;
				n++;
			}
			if (!n)
				return cfg_err_tok(p,
						   "an empty list [ ] matches "
						   "nothing");
			if (cfg_take(p, 0))
				return -1;
		} else {
			/* ExaBGP reads one word without [ ]. */
			if (!cfg_is_value(&p->tok))
				return cfg_err_tok(p,
						   "'%s' needs a value",
						   p->stmt);
			if (cfg_flow_word(r, idx, p->tok.text, e, sizeof(e)))
				return cfg_err_tok(p, "%s", e);
			if (cfg_take(p, 0))
				return -1;
		}
		if (cfg_semi(p))
			return -1;
	}
}

/* then { ACTION [VALUE]; } after its '{' */
static int cfg_flow_then_block(struct cfg_parser *p, struct fs_actions *a,
			       struct cfg_pos open)
{
	char e[FLOW_ERR], b[80], kw[32];

	for (;;) {
		struct cfg_pos at;
		int arity;

		if (p->tok.type == CT_RBRACE)
			return cfg_next(p);
		if (p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close the then "
					   "block opened at %u:%u",
					   open.line, open.col);
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(p,
					   "expected an action or '}', got %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		at = cfg_here(p);
		cfg_stmt_reset(p);
		if ((arity = cfg_flow_then_kw(p->tok.text)) < 0)
			return cfg_err_tok(p,
					   "unknown action '%s' in the then "
					   "block (accept, discard, "
					   "rate-limit, redirect, mark, "
					   "action)",
					   p->tok.text);
		snprintf(kw, sizeof(kw), "%.31s", p->tok.text);
		if (cfg_take(p, 0))
			return -1;
		/* a refused keyword says so whatever its value */
		if (arity == 2) {
			cfg_flow_then(a, kw, "", e, sizeof(e));
			return cfg_err_at(p, at, "%s", e);
		}
		if (arity && !cfg_is_value(&p->tok))
			return cfg_err_tok(p, "'%s' needs a value", kw);
		if (cfg_flow_then(a, kw, arity ? p->tok.text : "", e,
				  sizeof(e)))
			return arity ? cfg_err_tok(p, "%s", e)
				     : cfg_err_at(p, at, "%s", e);
		if (arity && cfg_take(p, 0))
			return -1;
		if (cfg_semi(p))
			return -1;
	}
}

/* route NAME { match { } then { } } after 'route' */
static int cfg_flow_route(struct cfg_parser *p, struct cfg_neighbor *n,
			  struct cfg_pos at)
{
	static const struct cfg_kw kws[] = {
		{ "match", 0 },	      { "then", 1 },
		{ "rd", 2 },	      { "route-distinguisher", 2 },
		{ "next-hop", 3 },    { "scope", 4 },
	};
	struct cfg_pos seen[2] = { { 0, 0 } }, kat = { 0, 0 };
	const struct cfg_kw *k = NULL;
	struct cfg_flow *f;
	char e[FLOW_ERR];
	int r;

	if (!cfg_is_value(&p->tok) || !cfg_name_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p,
				   "a flow 'route' needs a name of 1..%d "
				   "letters, digits or - _ . :",
				   CFG_NAME_MAX);
	for (size_t i = 0; i < n->nflows; i++)
		if (!strcmp(n->flows[i].name, p->tok.text))
			return cfg_err_tok(p,
					   "flow route '%s' is already defined "
					   "at %u:%u",
					   p->tok.text, n->flows[i].line,
					   n->flows[i].col);
	if (cfg_unit(p) || CFG_ROOM(p, n->flows, n->nflows))
		return -1;
	f = &n->flows[n->nflows];
	memset(f, 0, sizeof(*f));
	f->line = p->tok.line;
	f->col = p->tok.col;
	n->nflows++; /* counted first: cfg_neighbor_free() frees the name
		      * when cfg_name() fails after its strdup */
	if (cfg_name(p, "route", &f->name))
		return -1;
	if (cfg_open(p))
		return -1;
	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws),
				  "flow route block", at, &k, &kat))) {
		switch (k->id) {
		case 0:
		case 1:
			if (cfg_set_once(p, &seen[k->id], kat, k->name) ||
			    cfg_open(p))
				return -1;
			r = k->id ? cfg_flow_then_block(p, &f->rule.act, kat)
				  : cfg_flow_match_block(p, &f->rule, kat);
			if (r)
				return -1;
			break;
		case 2:
			return cfg_err_at(p, kat,
					  "'%s' makes a flow-vpn rule (RFC "
					  "8955 §8), which bgpshield does not "
					  "implement",
					  k->name);
		case 3:
			return cfg_err_at(p, kat,
					  "'next-hop' on a flow route is not "
					  "implemented: a bgpshield rule "
					  "carries no next hop");
		default:
			return cfg_err_at(p, kat,
					  "'scope' (ExaBGP's interface-set) is "
					  "not implemented");
		}
	}
	if (r < 0)
		return -1;
	if (!seen[0].line)
		return cfg_error(p, f->line, f->col,
				 "flow route '%s' needs a match block",
				 f->name);
	if (cfg_flow_finish(&f->rule, e, sizeof(e)))
		return cfg_error(p, f->line, f->col, "flow route '%s': %s",
				 f->name, e);
	return 0;
}

int cfg_flow(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "route", 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r;

	while (!(r = cfg_block_kw(p, kws, 1, "flow block", open, &k, &at)))
		if (cfg_flow_route(p, n, at))
			return -1;
	return r < 0 ? -1 : 0;
}

/* flowspec { enforce [announced|received|BOOL]; allow-no-destination
 * [BOOL]; }: enforce alone is both directions (docs/CONFIG.md). */
int cfg_flowspec(struct cfg_parser *p, struct cfg_neighbor *n,
		 struct cfg_meta *m, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "enforce", CF_FLOW_ENFORCE },
					     { "allow-no-destination",
					       CF_FLOW_NODST } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r, b;

	while (!(r = cfg_block_kw(p, kws, 2, "flowspec block", open, &k,
				  &at))) {
		if (cfg_mark(p, m, (enum cfg_field)k->id, at, k->name))
			return -1;
		b = 1;
		if (k->id == CF_FLOW_ENFORCE && p->tok.type == CT_WORD &&
		    (!strcmp(p->tok.text, "announced") ||
		     !strcmp(p->tok.text, "received"))) {
			/* only one direction: ours, or the neighbor's */
			n->flow_enforce = p->tok.text[0] == 'a'
						  ? CFG_FLOW_ENF_ANNOUNCED
						  : CFG_FLOW_ENF_RECEIVED;
			if (cfg_take(p, 0))
				return -1;
		} else if (k->id == CF_FLOW_ENFORCE) {
			if (p->tok.type != CT_SEMI &&
			    (p->tok.type != CT_WORD ||
			     cfg_bool_word(p->tok.text) < 0))
				return cfg_err_tok(p, "'enforce' takes "
						   "announced, received, "
						   "true or false");
			if (p->tok.type != CT_SEMI && cfg_bool(p, k->name, &b))
				return -1;
			n->flow_enforce = b ? CFG_FLOW_ENF_BOTH : 0;
		} else {
			if (p->tok.type != CT_SEMI && cfg_bool(p, k->name, &b))
				return -1;
			n->flow_allow_nodst = b;
		}
		if (cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}
