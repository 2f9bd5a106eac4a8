// SPDX-License-Identifier: GPL-2.0-only
/*
 * neighbor ADDRESS { ... } and template { neighbor NAME { ... } }: one
 * body parser for both, and the blocks inside it (family, capability,
 * tcp-ao, api, guard; static and filter are in parse_routes.c).  A
 * template's settings are only recorded here, each with where it was
 * set (struct cfg_meta); resolve.c applies them to the neighbors that
 * inherit them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_parse.h"

/* --- neighbor sub-blocks -------------------------------------------------- */

static int cfg_static(struct cfg_parser *p, struct cfg_neighbor *n,
		      struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "route", 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r;

	while (!(r = cfg_block_kw(p, kws, 1, "static block", open, &k, &at)))
		if (cfg_route(p, n, at))
			return -1;
	return r < 0 ? -1 : 0;
}

/* family { ipv4 unicast; ... } and add-path { ... } (ExaBGP lists the
 * families add-path applies to in the same form): the CFG_FAM_* bits of
 * the families listed go to *out; what is "family" or "add-path". */
static int cfg_family(struct cfg_parser *p, uint32_t *out, const char *what,
		      struct cfg_pos open)
{
	/* What ExaBGP names, so its configs get a precise refusal. */
	static const char *const exa_afi[] = { "ipv4", "ipv6", "l2vpn",
					       "bgp-ls" };
	struct cfg_pos seen[4] = { { 0, 0 } };
	const char *afi;
	struct cfg_pos at = { 0, 0 };
	char b[80];
	size_t i, k;
	int v4, flow_ok = !strcmp(what, "family");
	uint32_t bit;

	for (;;) {
		if (p->tok.type == CT_RBRACE)
			break;
		if (p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close the %s "
					   "block opened at %u:%u",
					   what, open.line, open.col);
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(p,
					   "expected a family such as 'ipv4 "
					   "unicast' or '}', got %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		at = cfg_here(p);
		cfg_stmt_reset(p);
		if (!strcmp(p->tok.text, "all") ||
		    !strcmp(p->tok.text, "minimal"))
			return cfg_err_tok(
				p,
				"'%s' is an ExaBGP family shorthand "
				"bgpshield does not implement; list "
				"'ipv4 unicast;' and 'ipv6 unicast;'",
				p->tok.text);
		for (i = 0; i < CFG_ARRAY_SIZE(exa_afi); i++)
			if (!strcmp(p->tok.text, exa_afi[i]))
				break;
		if (i == CFG_ARRAY_SIZE(exa_afi))
			return cfg_err_tok(p,
					   "unknown family %s; expected 'ipv4 "
					   "unicast' or 'ipv6 unicast'",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		afi = exa_afi[i];
		if (cfg_take(p, 0))
			return -1;
		if (p->tok.type != CT_WORD)
			return cfg_err_tok(
				p, "'%s' needs a sub-family: 'unicast'%s", afi,
				flow_ok ? " or 'flow'" : "");
		v4 = i == 0;
		/* RFC 8955 (IPv4) and RFC 8956 (IPv6) flowspec, SAFI 133;
		 * flow-vpn (SAFI 134) is not implemented, nor add-path for
		 * flowspec (ExaBGP 4.2 does not offer it either) */
		if (i <= 1 && flow_ok && !strcmp(p->tok.text, "flow"))
			bit = v4 ? CFG_FAM_IPV4_FLOW : CFG_FAM_IPV6_FLOW;
		else if (i <= 1 && !strcmp(p->tok.text, "unicast"))
			bit = v4 ? CFG_FAM_IPV4_UNICAST :
				CFG_FAM_IPV6_UNICAST;
		else
			return cfg_err_tok(p,
					   "'%s %.32s' is an ExaBGP family "
					   "bgpshield does not implement; "
					   "expected %s",
					   afi, p->tok.text,
					   flow_ok ? "'ipv4 unicast', 'ipv6 "
					   "unicast', 'ipv4 flow' or 'ipv6 "
					   "flow'" : "'ipv4 unicast' or "
					   "'ipv6 unicast'");
		k = (size_t)__builtin_ctz(bit);
		if (seen[k].line)
			return cfg_err_at(p, at,
					  "'%s %s' is already listed at "
					  "%u:%u",
					  afi, p->tok.text, seen[k].line,
					  seen[k].col);
		seen[k] = at;
		*out |= bit;
		if (cfg_take(p, 0) || cfg_semi(p))
			return -1;
	}
	if (!*out)
		return cfg_err_at(
			p, open,
			"the %s block %s no family; "
			"expected 'ipv4 unicast;' or 'ipv6 unicast;'", what,
			strcmp(what, "family") ? "lists" : "enables");
	return cfg_next(p);
}

/*
 * nexthop { ipv4 unicast ipv6; } - RFC 8950 extended next hops, as ExaBGP
 * 4.2 writes them.  ExaBGP takes four SAFIs per direction; ipv4 unicast
 * ipv6 is the one bgpshield implements.  ipv6 unicast ipv4 is accepted
 * and has no effect, as in ExaBGP 4.2 (which never advertises it: RFC
 * 8950 defines IPv6 next hops for IPv4 NLRI only); the others name what
 * is missing.
 */
static int cfg_nexthop(struct cfg_parser *p, struct cfg_neighbor *n,
		       struct cfg_pos open)
{
	static const char *const safis[] = { "unicast", "multicast",
					     "nlri-mpls", "mpls-vpn" };
	struct cfg_pos seen[2] = { { 0, 0 } }, at;
	const char *afi, *safi;
	char b[80];
	size_t i;
	int v4;

	for (;;) {
		if (p->tok.type == CT_RBRACE)
			break;
		if (p->tok.type == CT_EOF)
			return cfg_err_tok(p,
					   "expected '}' to close the nexthop "
					   "block opened at %u:%u",
					   open.line, open.col);
		at = cfg_here(p);
		if (p->tok.type != CT_WORD || (strcmp(p->tok.text, "ipv4") &&
					       strcmp(p->tok.text, "ipv6")))
			return cfg_err_tok(p,
					   "expected 'ipv4 unicast ipv6;' or "
					   "'}' in the nexthop block, got %s",
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		cfg_stmt_reset(p);
		v4 = p->tok.text[3] == '4';
		afi = v4 ? "ipv4" : "ipv6";
		if (cfg_take(p, 0))
			return -1;
		for (i = 0; p->tok.type == CT_WORD && i < CFG_ARRAY_SIZE(safis);
		     i++)
			if (!strcmp(p->tok.text, safis[i]))
				break;
		if (p->tok.type != CT_WORD || i == CFG_ARRAY_SIZE(safis))
			return cfg_err_tok(p,
					   "'%s' in the nexthop block needs a "
					   "sub-family and a next-hop family: "
					   "'%s unicast %s;'",
					   afi, afi, v4 ? "ipv6" : "ipv4");
		safi = safis[i];
		if (cfg_take(p, 0))
			return -1;
		if (p->tok.type != CT_WORD ||
		    strcmp(p->tok.text, v4 ? "ipv6" : "ipv4"))
			return cfg_err_tok(p,
					   "the next-hop family of '%s %s' can "
					   "only be %s: '%s %s %s;'",
					   afi, safi, v4 ? "ipv6" : "ipv4",
					   afi, safi, v4 ? "ipv6" : "ipv4");
		if (i != 0)
			return cfg_err_at(p, at,
					  "'%s %s %s' is an ExaBGP nexthop "
					  "bgpshield does not implement; "
					  "expected 'ipv4 unicast ipv6'",
					  afi, safi, v4 ? "ipv6" : "ipv4");
		if (seen[!v4].line)
			return cfg_err_at(p, at,
					  "'%s unicast %s' is already listed "
					  "at %u:%u",
					  afi, v4 ? "ipv6" : "ipv4",
					  seen[!v4].line, seen[!v4].col);
		seen[!v4] = at;
		n->nexthop |= v4 ? CFG_NH_IPV4U_IPV6 : CFG_NH_IPV6U_IPV4;
		if (cfg_take(p, 0) || cfg_semi(p))
			return -1;
	}
	return cfg_next(p);
}

/* A neighbor keyword of one value (a struct cfg_opt of struct
 * cfg_neighbor) and the template field it sets. */
struct cfg_nb_opt {
	enum cfg_field field;
	struct cfg_opt opt;
};

#define NB_NUM(f, m, lo, hi) { f, CFG_OPT_NUM(struct cfg_neighbor, m, lo, hi) }
#define NB_BOOL(f, m) { f, CFG_OPT_BOOL(struct cfg_neighbor, m) }
#define NB_HOST(f, m, fam) { f, CFG_OPT_HOST(struct cfg_neighbor, m, fam) }

enum { CK_ASN4, CK_ROUTE_REFRESH, CK_EXT_MESSAGE, CK_GR, CK_NEXTHOP,
       CK_ADD_PATH };

static int cfg_capability(struct cfg_parser *p, struct cfg_neighbor *n,
			  struct cfg_meta *m, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = {
		{ "asn4", CK_ASN4 },
		{ "route-refresh", CK_ROUTE_REFRESH },
		{ "extended-message", CK_EXT_MESSAGE },
		{ "graceful-restart", CK_GR },
		{ "nexthop", CK_NEXTHOP },
		{ "add-path", CK_ADD_PATH },
	};
	/* graceful-restart takes a time or a flag: its kind is 0 */
	static const struct cfg_nb_opt opts[] = {
		[CK_ASN4] = NB_BOOL(CF_ASN4, caps.asn4),
		[CK_ROUTE_REFRESH] =
			NB_BOOL(CF_ROUTE_REFRESH, caps.route_refresh),
		[CK_EXT_MESSAGE] =
			NB_BOOL(CF_EXT_MESSAGE, caps.extended_message),
		[CK_GR] = { CF_GR, { 0, 0, 0, 0, 0, 0 } },
		[CK_NEXTHOP] = { CF_NH_CAP, { 0, 0, 0, 0, 0, 0 } },
		[CK_ADD_PATH] = { CF_ADD_PATH, { 0, 0, 0, 0, 0, 0 } },
	};
	/* ExaBGP's add-path values (its capability.py), one setting for
	 * the families of the add-path block (RFC 7911 §4 Send/Receive) */
	static const struct {
		const char *name;
		int v;
	} ap[] = {
		{ "disable", 0 },
		{ "disabled", 0 },
		{ "receive", CFG_ADDPATH_RECEIVE },
		{ "send", CFG_ADDPATH_SEND },
		{ "send/receive", CFG_ADDPATH_SEND | CFG_ADDPATH_RECEIVE },
	};
	size_t i;
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	uint32_t v;
	int r, b;

	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws),
				  "capability block", open, &k, &at))) {
		if (cfg_mark(p, m, opts[k->id].field, at, k->name))
			return -1;
		switch (k->id) {
		case CK_ADD_PATH:
			for (i = 0; i < CFG_ARRAY_SIZE(ap) &&
				    (!cfg_is_value(&p->tok) ||
				     strcasecmp(p->tok.text, ap[i].name));
			     i++)
				;
			if (i == CFG_ARRAY_SIZE(ap)) {
				r = cfg_err_tok(p,
						"'add-path' needs send, "
						"receive, send/receive or "
						"disable%s",
						cfg_is_value(&p->tok) &&
								!strcasecmp(
									p->tok.text,
									"receive/send")
							? " (the order is "
							  "send/receive)"
							: "");
				break;
			}
			n->caps.add_path = ap[i].v;
			r = cfg_take(p, 0);
			break;
		case CK_GR:
			/* RFC 4724: the restart time is 12 bits. */
			if (cfg_is_value(&p->tok) &&
			    !parse_u32(p->tok.text, 1, 4095, &v)) {
				n->caps.graceful_restart = 1;
				n->caps.gr_time = v;
				r = cfg_take(p, 0);
			} else if (p->tok.type == CT_SEMI ||
				   cfg_bool_word(p->tok.text) >= 0) {
				r = cfg_bool(p, k->name, &b);
				n->caps.graceful_restart = b;
			} else {
				r = cfg_err_tok(p,
						"'graceful-restart' takes a "
						"restart time 1..4095 seconds, "
						"or enable|disable");
			}
			break;
		case CK_NEXTHOP:
			/* ExaBGP: on or off whatever the nexthop block
			 * says; unset, the block's presence decides */
			r = cfg_bool(p, k->name, &b);
			n->caps.nexthop = b ? CFG_NHCAP_ON : CFG_NHCAP_OFF;
			break;
		default:
			r = cfg_opt(p, k->name, &opts[k->id].opt, n);
			break;
		}
		if (r || cfg_semi(p))
			return -1;
	}
	return r < 0 ? -1 : 0;
}

enum { AO_KEYID, AO_ALG, AO_PASSWORD, AO_PASSWORD_FILE, AO_BASE64 };

static const char *const cfg_ao_names[] = {
	[CFG_AO_HMAC_SHA1_96] = "hmac-sha-1-96",
	[CFG_AO_AES128_CMAC_96] = "aes-128-cmac-96",
	[CFG_AO_HMAC_SHA256] = "hmac-sha-256",
};

const char *config_ao_alg_name(enum cfg_ao_alg alg)
{
	if ((unsigned int)alg >= CFG_ARRAY_SIZE(cfg_ao_names))
		return "unknown";
	return cfg_ao_names[alg];
}

/*
 * After a password: ExaBGP takes "md5-password two words;", which here
 * would read as a missing ';'.  Say what to do instead.
 */
static int cfg_secret_end(struct cfg_parser *p)
{
	if (cfg_is_value(&p->tok) && p->tok.line == p->prev_line)
		return cfg_error(p, p->prev_line, p->prev_end,
				 "expected ';' after '%s' (quote a password "
				 "that has spaces)",
				 p->stmt);
	return 0;
}

/* Decode or copy an inline password into s; what names it in messages. */
int cfg_secret_inline(struct cfg_parser *p, struct cfg_secret *s,
		      const char *text, int base64, const char *what,
		      const char *b64kw)
{
	struct cfg_pos at = { s->line, s->col };
	size_t n, len = strlen(text);
	int r;

	if (base64) {
		r = cfg_b64_decode(text, len, s->key, CFG_KEY_MAX, &n);
		if (r == -2)
			return cfg_err_at(p, at,
					  "%s decodes to more than %d bytes",
					  what, CFG_KEY_MAX);
		if (r < 0)
			return cfg_err_at(p, at,
					  "%s is not valid base64 (%s is "
					  "true)",
					  what, b64kw);
	} else {
		if (len > CFG_KEY_MAX)
			return cfg_err_at(p, at,
					  "%s is longer than %d bytes (the "
					  "kernel's key limit)",
					  what, CFG_KEY_MAX);
		memcpy(s->key, text, len);
		n = len;
	}
	s->len = n;
	s->loaded = 1;
	s->base64 = 0;
	return 0;
}

static int cfg_tcp_ao(struct cfg_parser *p, struct cfg_neighbor *n,
		      struct cfg_pos open)
{
	static const struct cfg_kw kws[] = {
		{ "keyid", AO_KEYID },
		{ "algorithm", AO_ALG },
		{ "password", AO_PASSWORD },
		{ "password-file", AO_PASSWORD_FILE },
		{ "base64", AO_BASE64 },
	};
	struct cfg_tcp_ao *ao = &n->tcp_ao;
	struct cfg_pos seen[CFG_ARRAY_SIZE(kws)] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	char *text = NULL;
	uint32_t v;
	int r, alg = 0, b64 = 0;

	memset(ao, 0, sizeof(*ao));
	ao->alg = CFG_AO_HMAC_SHA1_96;
	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws), "tcp-ao block",
				  open, &k, &at))) {
		if (cfg_set_once(p, &seen[k->id], at, k->name)) {
			r = -1;
			goto out;
		}
		if ((k->id == AO_PASSWORD && seen[AO_PASSWORD_FILE].line) ||
		    (k->id == AO_PASSWORD_FILE && seen[AO_PASSWORD].line)) {
			r = cfg_err_at(p, at,
				       "'password' and 'password-file' cannot "
				       "both be set");
			goto out;
		}
		switch (k->id) {
		case AO_KEYID:
			r = cfg_num(p, k->name, 0, 255, &v);
			if (!r)
				ao->keyid = v;
			break;
		case AO_ALG:
			r = cfg_enum(p, k->name, cfg_ao_names,
				     CFG_ARRAY_SIZE(cfg_ao_names),
				     "hmac-sha-1-96, aes-128-cmac-96 or "
				     "hmac-sha-256",
				     &alg);
			if (!r)
				ao->alg = alg;
			break;
		case AO_PASSWORD:
			if (!cfg_is_value(&p->tok) || !p->tok.len) {
				r = cfg_err_tok(p, "'password' needs a "
						   "non-empty quoted password");
				break;
			}
			text = strdup(p->tok.text);
			if (!text) {
				r = cfg_oom(p);
				break;
			}
			p->c->inline_secrets = 1;
			ao->secret.line = at.line;
			ao->secret.col = at.col;
			r = cfg_take(p, 1) || cfg_secret_end(p) ? -1 : 0;
			break;
		case AO_PASSWORD_FILE:
			ao->secret.line = at.line;
			ao->secret.col = at.col;
			r = cfg_path(p, k->name, 0, PATH_MAX - 1,
				     &ao->secret.path);
			break;
		default:
			r = cfg_bool(p, k->name, &b64);
			break;
		}
		if (r || (r = cfg_semi(p)))
			goto out;
	}
	if (r < 0)
		goto out;
	if (!text && !ao->secret.path) {
		r = cfg_err_at(p, open,
			       "'tcp-ao' needs 'password' or 'password-file'");
		goto out;
	}
	if (text)
		r = cfg_secret_inline(p, &ao->secret, text, b64,
				      "the tcp-ao password", "base64");
	else
		ao->secret.base64 = b64;
	ao->enabled = 1;
out:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	return r < 0 ? -1 : 0;
}

enum {
	API_PROCESSES,
	API_NCHANGES,
	API_NEGOTIATED,
	API_FSM,
	API_SIGNAL,
	API_RECEIVE,
	API_SEND
};

const struct cfg_kw cfg_api_msg_kws[] = {
	{ "parsed", CFG_API_PARSED },
	{ "packets", CFG_API_PACKETS },
	{ "consolidate", CFG_API_CONSOLIDATE },
	{ "open", CFG_API_OPEN },
	{ "update", CFG_API_UPDATE },
	{ "notification", CFG_API_NOTIFICATION },
	{ "keepalive", CFG_API_KEEPALIVE },
	{ "refresh", CFG_API_REFRESH },
	{ "operational", CFG_API_OPERATIONAL },
};
const size_t cfg_napi_msg_kws = CFG_ARRAY_SIZE(cfg_api_msg_kws);

static int cfg_api_dir(struct cfg_parser *p, unsigned int *bits,
		       const char *what, struct cfg_pos open)
{
	const struct cfg_kw *k = NULL;
	unsigned int seen = 0;
	struct cfg_pos at = { 0, 0 };
	int r, v;

	while (!(r = cfg_block_kw(p, cfg_api_msg_kws,
				  CFG_ARRAY_SIZE(cfg_api_msg_kws), what, open,
				  &k, &at))) {
		if (seen & k->id)
			return cfg_err_at(p, at, "'%s' is listed twice",
					  k->name);
		seen |= k->id;
		if (cfg_bool(p, k->name, &v) || cfg_semi(p))
			return -1;
		if (v)
			*bits |= k->id;
	}
	return r < 0 ? -1 : 0;
}

static int cfg_item_proc(struct cfg_parser *p, void *arg)
{
	struct cfg_api *a = arg;

	if (!cfg_name_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p, "'processes' needs process names");
	return cfg_name_add(p, &a->processes, &a->nprocesses);
}

static int cfg_api(struct cfg_parser *p, struct cfg_neighbor *n,
		   struct cfg_pos at)
{
	static const struct cfg_kw kws[] = {
		{ "processes", API_PROCESSES },
		{ "neighbor-changes", API_NCHANGES },
		{ "negotiated", API_NEGOTIATED },
		{ "fsm", API_FSM },
		{ "signal", API_SIGNAL },
		{ "receive", API_RECEIVE },
		{ "send", API_SEND },
	};
	static const unsigned int ev[] = {
		[API_NCHANGES] = CFG_API_NEIGHBOR_CHANGES,
		[API_NEGOTIATED] = CFG_API_NEGOTIATED,
		[API_FSM] = CFG_API_FSM,
		[API_SIGNAL] = CFG_API_SIGNAL,
	};
	struct cfg_pos seen[CFG_ARRAY_SIZE(kws)] = { { 0, 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos kat = { 0, 0 };
	struct cfg_api *a;
	int r, v;

	if (n->napis >= CFG_MAX_APIS)
		return cfg_err_at(p, at,
				  "more than %d api blocks in one "
				  "neighbor",
				  CFG_MAX_APIS);
	if (CFG_ROOM(p, n->apis, n->napis))
		return -1;
	a = &n->apis[n->napis++];
	memset(a, 0, sizeof(*a));
	if (p->tok.type != CT_LBRACE && cfg_name(p, "api", &a->name))
		return -1;
	if (cfg_open(p))
		return -1;
	while (!(r = cfg_block_kw(p, kws, CFG_ARRAY_SIZE(kws), "api block", at,
				  &k, &kat))) {
		if (cfg_set_once(p, &seen[k->id], kat, k->name))
			return -1;
		switch (k->id) {
		case API_PROCESSES:
			if (cfg_list(p, k->name, cfg_item_proc, a) ||
			    cfg_semi(p))
				return -1;
			break;
		case API_RECEIVE:
		case API_SEND:
			if (cfg_open(p) ||
			    cfg_api_dir(p,
					k->id == API_SEND ? &a->send
							  : &a->receive,
					k->id == API_SEND ? "send block"
							  : "receive block",
					kat))
				return -1;
			break;
		default:
			if (cfg_bool(p, k->name, &v) || cfg_semi(p))
				return -1;
			if (v)
				a->events |= ev[k->id];
			break;
		}
	}
	if (r < 0)
		return -1;
	if (!a->nprocesses)
		return cfg_err_at(p, at,
				  "the api block needs 'processes [ "
				  "NAME ... ]'");
	return 0;
}

/* guard { } keywords (GK_*) of the global guard block; a neighbor's
 * takes some of them and its own (cfg_nb_guard_kws[]). */
const struct cfg_kw cfg_guard_kws[] = {
	{ "syn-rate", GK_SYN_RATE },   { "syn-burst", GK_SYN_BURST },
	{ "interface", GK_INTERFACE }, { "mode", GK_MODE },
	{ "policy", GK_POLICY },       { "event-rate", GK_EVENT_RATE },
	{ "allow", GK_ALLOW },	       { "port", GK_PORT },
	{ "pin-dir", GK_PIN_DIR },     { "on-exit", GK_ON_EXIT },
};
const size_t cfg_nguard_kws = CFG_ARRAY_SIZE(cfg_guard_kws);

enum { NG_SYN_RATE, NG_SYN_BURST, NG_INTERFACE, NG_MAC_BINDING, NG_PEER_MAC };

/* 'interface' is in both blocks: here the interfaces this neighbor's
 * packets may arrive on, there the ones the guard is attached to. */
static const struct cfg_kw cfg_nb_guard_kws[] = {
	{ "syn-rate", NG_SYN_RATE },
	{ "syn-burst", NG_SYN_BURST },
	{ "interface", NG_INTERFACE },
	{ "mac-binding", NG_MAC_BINDING },
	{ "peer-mac", NG_PEER_MAC },
};

static const char *const cfg_mac_bind_names[] = {
	[CFG_MACB_LEARN] = "learn",
	[CFG_MACB_STATIC] = "static",
	[CFG_MACB_OFF] = "off",
};

/* A global guard keyword written in a neighbor's guard block. */
static int cfg_guard_global_only(struct cfg_parser *p)
{
	if (p->tok.type != CT_WORD)
		return 0;
	for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_nb_guard_kws); i++)
		if (!strcmp(p->tok.text, cfg_nb_guard_kws[i].name))
			return 0;
	for (size_t i = 0; i < cfg_nguard_kws; i++)
		if (!strcmp(p->tok.text, cfg_guard_kws[i].name))
			return cfg_err_tok(p,
					   "'%s' belongs in the global guard "
					   "block, not in a neighbor's",
					   p->tok.text);
	return 0;
}

/* mac-binding learn|static|off; peer-mac MAC;  peer-mac alone means
 * static, so only learn and off contradict it. */
static int cfg_mac_binding(struct cfg_parser *p, struct cfg_neighbor *n,
			   struct cfg_meta *m, struct cfg_pos at, int peer_mac)
{
	const struct cfg_pos *other = &m->set[peer_mac ? CF_MAC_BIND
						       : CF_PEER_MAC];
	char err[128];
	int v;

	if (!peer_mac) {
		if (cfg_enum(p, "mac-binding", cfg_mac_bind_names,
			     CFG_ARRAY_SIZE(cfg_mac_bind_names),
			     "learn, static or off", &v))
			return -1;
		if (v != CFG_MACB_STATIC && other->line)
			return cfg_err_at(p, at,
					  "mac-binding %s and peer-mac cannot "
					  "both be set (the other at %u:%u)",
					  cfg_mac_bind_names[v], other->line,
					  other->col);
		n->bind.mac = v;
		return 0;
	}
	if (other->line && n->bind.mac != CFG_MACB_STATIC)
		return cfg_err_at(p, at,
				  "peer-mac and mac-binding %s cannot both be "
				  "set (the other at %u:%u)",
				  cfg_mac_bind_names[n->bind.mac], other->line,
				  other->col);
	if (!cfg_is_value(&p->tok))
		return cfg_err_tok(p, "'peer-mac' needs a MAC address "
				      "(aa:bb:cc:dd:ee:ff)");
	/* mac_parse() quotes what it refuses: keep a long token short. */
	if (p->tok.len != MAC_STRLEN - 1)
		return cfg_err_tok(p,
				   "'%.64s%s' is not a MAC address "
				   "(aa:bb:cc:dd:ee:ff)",
				   p->tok.text, p->tok.len > 64 ? "..." : "");
	if (mac_parse(p->tok.text, n->bind.peer_mac, err, sizeof(err)))
		return cfg_err_tok(p, "%s", err);
	n->bind.mac = CFG_MACB_STATIC;
	return cfg_take(p, 0);
}

static int cfg_neighbor_guard(struct cfg_parser *p, struct cfg_neighbor *n,
			      struct cfg_meta *m, struct cfg_pos open)
{
	static const struct cfg_nb_opt opts[] = {
		[NG_SYN_RATE] = NB_NUM(CF_SYN_RATE, syn_rate, 1, UINT32_MAX),
		[NG_SYN_BURST] = NB_NUM(CF_SYN_BURST, syn_burst, 1, UINT32_MAX),
	};
	static const enum cfg_field fields[] = {
		[NG_SYN_RATE] = CF_SYN_RATE,
		[NG_SYN_BURST] = CF_SYN_BURST,
		[NG_INTERFACE] = CF_IFACE_BIND,
		[NG_MAC_BINDING] = CF_MAC_BIND,
		[NG_PEER_MAC] = CF_PEER_MAC,
	};
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	int r;

	for (;;) {
		if (cfg_guard_global_only(p))
			return -1;
		r = cfg_block_kw(p, cfg_nb_guard_kws,
				 CFG_ARRAY_SIZE(cfg_nb_guard_kws),
				 "neighbor guard block", open, &k, &at);
		if (r)
			return r < 0 ? -1 : 0;
		if (cfg_mark(p, m, fields[k->id], at, k->name))
			return -1;
		switch (k->id) {
		case NG_INTERFACE:
			r = cfg_bind_ifaces(p, &n->bind, 1);
			break;
		case NG_MAC_BINDING:
		case NG_PEER_MAC:
			r = cfg_mac_binding(p, n, m, at, k->id == NG_PEER_MAC);
			break;
		default:
			r = cfg_opt(p, k->name, &opts[k->id].opt, n);
			break;
		}
		if (r || cfg_semi(p))
			return -1;
	}
}

/* --- neighbor and template blocks ----------------------------------------- */

enum {
	NK_DESCRIPTION,
	NK_ROUTER_ID,
	NK_LOCAL_ADDRESS,
	NK_LOCAL_AS,
	NK_PEER_AS,
	NK_HOLD_TIME,
	NK_PASSIVE,
	NK_GROUP_UPDATES,
	NK_MANUAL_EOR,
	NK_AUTO_FLUSH,
	NK_ADJ_RIB_OUT,
	NK_ADJ_RIB_IN,
	NK_LISTEN,
	NK_CONNECT,
	NK_MD5_PASSWORD,
	NK_MD5_PASSWORD_FILE,
	NK_MD5_BASE64,
	NK_MD5_IP,
	NK_TTL_SECURITY,
	NK_INCOMING_TTL,
	NK_OUTGOING_TTL,
	NK_TCP_AO,
	NK_FAMILY,
	NK_CAPABILITY,
	NK_NEXTHOP,
	NK_ADD_PATH,
	NK_STATIC,
	NK_ANNOUNCE,
	NK_API,
	NK_GUARD,
	NK_FILTER,
	NK_INHERIT,
	NK_FLOW,
	NK_FLOWSPEC,
	NK_MAX
};

static const struct cfg_kw cfg_neighbor_kws[] = {
	{ "description", NK_DESCRIPTION },
	{ "router-id", NK_ROUTER_ID },
	{ "local-address", NK_LOCAL_ADDRESS },
	{ "local-as", NK_LOCAL_AS },
	{ "peer-as", NK_PEER_AS },
	{ "hold-time", NK_HOLD_TIME },
	{ "passive", NK_PASSIVE },
	{ "group-updates", NK_GROUP_UPDATES },
	{ "manual-eor", NK_MANUAL_EOR },
	{ "auto-flush", NK_AUTO_FLUSH },
	{ "adj-rib-out", NK_ADJ_RIB_OUT },
	{ "adj-rib-in", NK_ADJ_RIB_IN },
	{ "listen", NK_LISTEN },
	{ "connect", NK_CONNECT },
	{ "md5-password", NK_MD5_PASSWORD },
	{ "md5-password-file", NK_MD5_PASSWORD_FILE },
	{ "md5-base64", NK_MD5_BASE64 },
	{ "md5-ip", NK_MD5_IP },
	{ "ttl-security", NK_TTL_SECURITY },
	{ "incoming-ttl", NK_INCOMING_TTL },
	{ "outgoing-ttl", NK_OUTGOING_TTL },
	{ "tcp-ao", NK_TCP_AO },
	{ "family", NK_FAMILY },
	{ "capability", NK_CAPABILITY },
	{ "nexthop", NK_NEXTHOP },
	{ "add-path", NK_ADD_PATH },
	{ "static", NK_STATIC },
	{ "announce", NK_ANNOUNCE },
	{ "api", NK_API },
	{ "guard", NK_GUARD },
	{ "filter", NK_FILTER },
	{ "inherit", NK_INHERIT },
	{ "flow", NK_FLOW },
	{ "flowspec", NK_FLOWSPEC },
};

/* The neighbor keywords of one value, by NK_*: the member each reads into
 * and its range.  The others (no row) have a case in cfg_neighbor_body(). */
static const struct cfg_nb_opt cfg_neighbor_opts[NK_MAX] = {
	[NK_ROUTER_ID] = NB_HOST(CF_ROUTER_ID, router_id, AF_INET),
	[NK_LOCAL_ADDRESS] = NB_HOST(CF_LOCAL_ADDRESS, local_address, 0),
	[NK_LOCAL_AS] = NB_NUM(CF_LOCAL_AS, local_as, 1, UINT32_MAX),
	[NK_PEER_AS] = NB_NUM(CF_PEER_AS, peer_as, 1, UINT32_MAX),
	[NK_PASSIVE] = NB_BOOL(CF_PASSIVE, passive),
	[NK_GROUP_UPDATES] = NB_BOOL(CF_GROUP_UPDATES, group_updates),
	[NK_MANUAL_EOR] = NB_BOOL(CF_MANUAL_EOR, manual_eor),
	[NK_LISTEN] = NB_NUM(CF_LISTEN, listen_port, 1, 65535),
	[NK_CONNECT] = NB_NUM(CF_CONNECT, connect_port, 1, 65535),
	[NK_MD5_IP] = NB_HOST(CF_MD5_IP, md5.ip, 0),
	[NK_INCOMING_TTL] = NB_NUM(CF_IN_TTL, gtsm.min_ttl_in, 0, 255),
	[NK_OUTGOING_TTL] = NB_NUM(CF_OUT_TTL, gtsm.ttl_out, 0, 255),
};

static int cfg_item_inherit(struct cfg_parser *p, void *arg)
{
	struct cfg_meta *m = arg;

	if (!cfg_name_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p, "'inherit' needs template names");
	if (m->ninherit >= CFG_MAX_INHERIT)
		return cfg_err_tok(p, "more than %d inherited templates",
				   CFG_MAX_INHERIT);
	return cfg_name_add(p, &m->inherit, &m->ninherit);
}

static int cfg_md5_secret(struct cfg_parser *p, struct cfg_neighbor *n,
			  struct cfg_meta *m, struct cfg_pos at, int file)
{
	struct cfg_secret *s = &n->md5.secret;

	if (m->set[CF_MD5_SECRET].line && (s->path != NULL) != file)
		return cfg_err_at(p, at,
				  "md5-password and md5-password-file cannot "
				  "both be set (the other at %u:%u)",
				  m->set[CF_MD5_SECRET].line,
				  m->set[CF_MD5_SECRET].col);
	if (cfg_mark(p, m, CF_MD5_SECRET, at,
		     file ? "md5-password-file" : "md5-password"))
		return -1;
	s->line = at.line;
	s->col = at.col;
	n->md5.enabled = 1;
	if (file)
		return cfg_path(p, "md5-password-file", 0, PATH_MAX - 1,
				&s->path);
	if (!cfg_is_value(&p->tok) || !p->tok.len)
		return cfg_err_tok(p, "'md5-password' needs a non-empty quoted "
				      "password");
	m->md5_own = strdup(p->tok.text);
	if (!m->md5_own)
		return cfg_oom(p);
	m->md5_text = m->md5_own;
	p->c->inline_secrets = 1;
	return cfg_take(p, 1) || cfg_secret_end(p) ? -1 : 0;
}

/*
 * ExaBGP settings whose 'true' is what bgpshield always does: accepted
 * as true, refused as false with why (nothing would change silently).
 */
static int cfg_fixed_true(struct cfg_parser *p, int id, const char *kw)
{
	struct cfg_pos at = cfg_here(p);
	const char *why;
	int b;

	if (cfg_bool(p, kw, &b))
		return -1;
	if (b)
		return 0;
	why = id == NK_AUTO_FLUSH
		      ? "each API command's routes are sent when the "
			"command is done (ExaBGP's auto-flush true); "
			"there is no 'flush route' to wait for"
	      : id == NK_ADJ_RIB_OUT
		      ? "the Adj-RIB-Out is always kept: route refresh "
			"and reconnects resend from it"
		      : "the Adj-RIB-In is always kept: filters, "
			"'show adj-rib in' and max-prefix count it";
	return cfg_err_at(p, at, "'%s false' is not implemented: %s", kw,
			  why);
}

static int cfg_neighbor_body(struct cfg_parser *p, struct cfg_neighbor *n,
			     struct cfg_meta *m, int tmpl, struct cfg_pos open)
{
	const char *what = tmpl ? "template neighbor block" : "neighbor block";
	const struct cfg_nb_opt *o;
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 };
	uint32_t v;
	int r, b;

	while (!(r = cfg_block_kw(p, cfg_neighbor_kws,
				  CFG_ARRAY_SIZE(cfg_neighbor_kws), what, open,
				  &k, &at))) {
		switch (k->id) {
		case NK_DESCRIPTION:
			if (cfg_mark(p, m, CF_DESCRIPTION, at, k->name))
				return -1;
			if (!cfg_is_value(&p->tok))
				return cfg_err_tok(p, "'description' needs a "
						      "quoted text");
			n->description = strdup(p->tok.text);
			if (!n->description)
				return cfg_oom(p);
			r = cfg_take(p, 0);
			break;
		case NK_HOLD_TIME:
			if (cfg_mark(p, m, CF_HOLD_TIME, at, k->name))
				return -1;
			/* RFC 4271 4.2: zero or at least three seconds. */
			if (!cfg_is_value(&p->tok) ||
			    parse_u32(p->tok.text, 0, 65535, &v) ||
			    (v > 0 && v < 3))
				return cfg_err_tok(p,
						   "'hold-time' needs 0 or a "
						   "number 3..65535");
			n->hold_time = v;
			r = cfg_take(p, 0);
			break;
		case NK_MD5_PASSWORD:
		case NK_MD5_PASSWORD_FILE:
			r = cfg_md5_secret(p, n, m, at,
					   k->id == NK_MD5_PASSWORD_FILE);
			break;
		case NK_MD5_BASE64:
			r = cfg_mark(p, m, CF_MD5_BASE64, at, k->name) ||
			    cfg_bool(p, k->name, &m->md5_base64);
			break;
		case NK_TTL_SECURITY:
			/* RFC 5082: send 255, accept only 255. */
			r = cfg_mark(p, m, CF_IN_TTL, at, k->name) ||
			    cfg_mark(p, m, CF_OUT_TTL, at, k->name) ||
			    cfg_bool(p, k->name, &b);
			if (!r)
				n->gtsm.min_ttl_in = n->gtsm.ttl_out =
					b ? 255 : 0;
			break;
		case NK_TCP_AO:
			if (cfg_mark(p, m, CF_TCP_AO, at, k->name) ||
			    cfg_open(p) || cfg_tcp_ao(p, n, at))
				return -1;
			continue;
		case NK_FAMILY:
			if (cfg_mark(p, m, CF_FAMILY, at, k->name) ||
			    cfg_open(p) ||
			    cfg_family(p, &n->families, "family", at))
				return -1;
			continue;
		case NK_ADD_PATH:
			if (cfg_mark(p, m, CF_ADD_PATH_FAM, at, k->name) ||
			    cfg_open(p) ||
			    cfg_family(p, &n->add_path_families, "add-path",
				       at))
				return -1;
			continue;
		case NK_CAPABILITY:
			if (cfg_open(p) || cfg_capability(p, n, m, at))
				return -1;
			continue;
		case NK_NEXTHOP:
			if (cfg_mark(p, m, CF_NEXTHOP, at, k->name) ||
			    cfg_open(p) || cfg_nexthop(p, n, at))
				return -1;
			continue;
		case NK_STATIC:
			if (cfg_open(p) || cfg_static(p, n, at))
				return -1;
			continue;
		case NK_ANNOUNCE:
			if (cfg_open(p) || cfg_announce(p, n, at))
				return -1;
			continue;
		case NK_AUTO_FLUSH:
		case NK_ADJ_RIB_OUT:
		case NK_ADJ_RIB_IN:
			r = cfg_fixed_true(p, k->id, k->name);
			break;
		case NK_API:
			if (cfg_api(p, n, at))
				return -1;
			continue;
		case NK_GUARD:
			if (cfg_open(p) || cfg_neighbor_guard(p, n, m, at))
				return -1;
			continue;
		case NK_FLOW:
			if (cfg_open(p) || cfg_flow(p, n, at))
				return -1;
			continue;
		case NK_FLOWSPEC:
			if (cfg_open(p) || cfg_flowspec(p, n, m, at))
				return -1;
			continue;
		case NK_FILTER:
			if (cfg_mark(p, m, CF_FILTER, at, k->name) ||
			    cfg_open(p) || cfg_filter(p, n, m, at))
				return -1;
			continue;
		case NK_INHERIT:
			if (tmpl)
				return cfg_err_at(p, at,
						  "'inherit' cannot be used "
						  "inside a template");
			r = cfg_list(p, k->name, cfg_item_inherit, m);
			break;
		default:
			o = &cfg_neighbor_opts[k->id];
			r = cfg_mark(p, m, o->field, at, k->name) ||
			    cfg_opt(p, k->name, &o->opt, n);
			break;
		}
		if (r || cfg_semi(p))
			return -1;
	}
	if (r < 0)
		return -1;
	/* Here, not at the keyword: the guard blocks of one neighbor add
	 * up, so peer-mac may come in a later one. */
	if (m->set[CF_MAC_BIND].line && n->bind.mac == CFG_MACB_STATIC &&
	    !m->set[CF_PEER_MAC].line)
		return cfg_err_at(p, m->set[CF_MAC_BIND],
				  "'mac-binding static' needs 'peer-mac MAC' "
				  "in the same %s",
				  tmpl ? "template" : "neighbor");
	return 0;
}

int cfg_neighbor(struct cfg_parser *p, struct cfg_pos at)
{
	struct config *c = p->c;
	struct cfg_neighbor *n;
	struct cfg_pos apos = cfg_here(p);
	struct prefix a;

	if (!cfg_is_value(&p->tok))
		return cfg_err_tok(p, "'neighbor' needs an address");
	if (cfg_addr(p, "neighbor", 0, 0, &a))
		return -1;
	/* ExaBGP's neighbor ranges accept any peer in a prefix: the
	 * guard needs each peer's address. */
	if (!prefix_is_host(&a))
		return cfg_err_at(p, apos,
				  "a neighbor is one address; neighbor "
				  "ranges are not implemented");
	if (c->nneighbors >= CFG_MAX_NEIGHBORS)
		return cfg_err_at(p, apos, "more than %d neighbors",
				  CFG_MAX_NEIGHBORS);
	if (CFG_ROOM(p, c->neighbors, c->nneighbors) ||
	    CFG_ROOM(p, p->meta, c->nneighbors))
		return -1;
	n = &c->neighbors[c->nneighbors];
	memset(n, 0, sizeof(*n));
	memset(&p->meta[c->nneighbors], 0, sizeof(p->meta[0]));
	c->nneighbors++;
	n->address = a;
	n->line = apos.line;
	n->col = apos.col;
	if (cfg_open(p))
		return -1;
	return cfg_neighbor_body(p, n, &p->meta[c->nneighbors - 1], 0, at);
}

int cfg_template(struct cfg_parser *p, struct cfg_pos open)
{
	static const struct cfg_kw kws[] = { { "neighbor", 0 } };
	const struct cfg_kw *k = NULL;
	struct cfg_pos at = { 0, 0 }, npos;
	struct cfg_tmpl *t;
	int r;

	while (!(
		r = cfg_block_kw(p, kws, 1, "template block", open, &k, &at))) {
		if (p->ntmpl >= CFG_MAX_TEMPLATES)
			return cfg_err_at(p, at, "more than %d templates",
					  CFG_MAX_TEMPLATES);
		if (CFG_ROOM(p, p->tmpl, p->ntmpl))
			return -1;
		t = &p->tmpl[p->ntmpl];
		memset(t, 0, sizeof(*t));
		p->ntmpl++;
		npos = cfg_here(p);
		if (!cfg_is_value(&p->tok) ||
		    !cfg_name_ok(p->tok.text, p->tok.len))
			return cfg_err_tok(p,
					   "a template 'neighbor' needs a name "
					   "of 1..%d letters, digits or - _ . "
					   ":",
					   CFG_NAME_MAX);
		/* A few thousand at most: a linear look is cheap enough. */
		for (size_t i = 0; i + 1 < p->ntmpl; i++)
			if (!strcmp(p->tmpl[i].name, p->tok.text))
				return cfg_err_at(p, npos,
						  "template '%s' is already "
						  "defined at %u:%u",
						  p->tok.text,
						  p->tmpl[i].pos.line,
						  p->tmpl[i].pos.col);
		if (cfg_name(p, "neighbor", &t->name))
			return -1;
		t->pos = npos;
		if (cfg_open(p) || cfg_neighbor_body(p, &t->n, &t->m, 1, at))
			return -1;
	}
	return r < 0 ? -1 : 0;
}
