// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config's lexer and the readers every block parser is built from:
 * errors (the first one wins), the arrays that grow while parsing, tokens,
 * the statement quoted in messages, keyword dispatch with its "did you
 * mean" hints, single values (numbers, addresses, flags, names, paths,
 * lists) and base64 for keys.  docs/CONFIG.md describes the language.
 *
 * Every token and list has a limit from config.h, so no input makes the
 * parser grow without bound.  A quoted string may be a secret typed in
 * the wrong place: messages never echo one (cfg_tok_desc()), and the
 * statement they quote shows a secret as CFG_SECRET_MASK (cfg_take()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_parse.h"

/* --- errors --------------------------------------------------------------- */

/* Only the first error is kept: everything after it is a consequence. */
int cfg_error(struct cfg_parser *p, unsigned int line, unsigned int col,
	      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed || !p->err || !p->errlen) {
		p->failed = 1;
		return -1;
	}
	p->failed = 1;
	n = snprintf(p->err, p->errlen, "%s:%u:%u: ", p->name, line, col);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

int cfg_oom(struct cfg_parser *p)
{
	return cfg_err_tok(p, "out of memory");
}

/* --- arrays --------------------------------------------------------------- */

/*
 * Arrays built while parsing grow by doubling with the capacity implied by
 * the count (4, 8, 16...), so the data model needs no capacity fields.
 * Arrays built later (template copies) are allocated exactly and never
 * grown again.
 */
static int cfg_full(size_t n)
{
	return n == 0 || (n >= 4 && !(n & (n - 1)));
}

void *cfg_more(void *arr, size_t n, size_t size)
{
	if (!cfg_full(n))
		return arr;
	return reallocarray(arr, n ? n * 2 : 4, size);
}

void *cfg_memdup(const void *src, size_t n, size_t size)
{
	void *d;

	if (!n)
		return NULL;
	d = reallocarray(NULL, n, size);
	if (d)
		memcpy(d, src, n * size);
	return d;
}

/* --- lexer ---------------------------------------------------------------- */

int cfg_word_end(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\f' || ch == '\v' || ch == '{' || ch == '}' ||
	       ch == ';' || ch == '[' || ch == ']' || ch == '"' || ch < 0x20 ||
	       ch == 0x7f;
}

static int cfg_lex_string(struct cfg_parser *p, unsigned char q)
{
	struct cfg_tok *t = &p->tok;
	unsigned char ch;

	t->type = CT_STRING;
	p->off++;
	p->col++;
	for (;;) {
		/* \r too: in a CRLF file it is where the line ends. */
		if (p->off >= p->len || p->buf[p->off] == '\n' ||
		    p->buf[p->off] == '\r')
			return cfg_error(p, t->line, t->col,
					 "unterminated string: no closing %c "
					 "on this line",
					 q);
		ch = p->buf[p->off];
		if (ch == q) {
			p->off++;
			p->col++;
			break;
		}
		/* \" and \\ only: other backslashes stay, so paths and
		 * patterns need no doubling. */
		if (q == '"' && ch == '\\' && p->off + 1 < p->len &&
		    (p->buf[p->off + 1] == '"' || p->buf[p->off + 1] == '\\')) {
			p->off++;
			p->col++;
			ch = p->buf[p->off];
		} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			return cfg_error(p, p->line, p->col,
					 "control character 0x%02x in a string",
					 ch);
		}
		if (t->len == CFG_TOKEN_MAX)
			return cfg_error(p, t->line, t->col,
					 "string longer than %d bytes",
					 CFG_TOKEN_MAX);
		t->text[t->len++] = ch;
		p->off++;
		p->col++;
	}
	t->text[t->len] = 0;
	t->end_col = p->col;
	return 0;
}

int cfg_lex(struct cfg_parser *p)
{
	struct cfg_tok *t = &p->tok;
	unsigned char ch;

	for (;;) {
		if (p->off >= p->len) {
			t->type = CT_EOF;
			t->len = 0;
			t->text[0] = 0;
			t->line = p->line;
			t->col = t->end_col = p->col;
			return 0;
		}
		ch = p->buf[p->off];
		if (ch == '\n') {
			p->off++;
			p->line++;
			p->col = 1;
		} else if (ch == ' ' || ch == '\t' || ch == '\r' ||
			   ch == '\f' || ch == '\v') {
			p->off++;
			p->col++;
		} else if (ch == '#') {
			while (p->off < p->len && p->buf[p->off] != '\n') {
				p->off++;
				p->col++;
			}
		} else {
			break;
		}
	}
	t->line = p->line;
	t->col = p->col;
	t->len = 0;
	switch (ch) {
	case '{':
		t->type = CT_LBRACE;
		goto one;
	case '}':
		t->type = CT_RBRACE;
		goto one;
	case ';':
		t->type = CT_SEMI;
		goto one;
	case '[':
		t->type = CT_LBRACKET;
		goto one;
	case ']':
		t->type = CT_RBRACKET;
		goto one;
	case '"':
	case '\'':
		return cfg_lex_string(p, ch);
	}
	if (ch == 0)
		return cfg_err_tok(p, "NUL byte in the config (is it a text "
				      "file?)");
	if (ch < 0x20 || ch == 0x7f)
		return cfg_err_tok(p, "control character 0x%02x in the config",
				   ch);
	t->type = CT_WORD;
	while (p->off < p->len) {
		ch = p->buf[p->off];
		if (cfg_word_end(ch))
			break;
		if (t->len == CFG_TOKEN_MAX)
			return cfg_err_tok(p, "word longer than %d bytes",
					   CFG_TOKEN_MAX);
		t->text[t->len++] = ch;
		p->off++;
		p->col++;
	}
	t->text[t->len] = 0;
	t->end_col = p->col;
	return 0;
one:
	t->text[0] = ch;
	t->text[1] = 0;
	t->len = 1;
	p->off++;
	p->col++;
	t->end_col = p->col;
	return 0;
}

/* --- token helpers -------------------------------------------------------- */

int cfg_is_value(const struct cfg_tok *t)
{
	return t->type == CT_WORD || t->type == CT_STRING;
}

int cfg_is(const struct cfg_parser *p, const char *word)
{
	return p->tok.type == CT_WORD && !strcmp(p->tok.text, word);
}

struct cfg_pos cfg_here(const struct cfg_parser *p)
{
	struct cfg_pos at = { p->tok.line, p->tok.col };

	return at;
}

/* How a token reads in a message ("got ..."): never its text when it is a
 * quoted string, which may be a secret typed in the wrong place. */
const char *cfg_tok_desc(const struct cfg_tok *t, char *b, size_t n)
{
	switch (t->type) {
	case CT_EOF:
		return "end of file";
	case CT_STRING:
		return "a quoted string";
	case CT_WORD:
		snprintf(b, n, "'%.64s%s'", t->text, t->len > 64 ? "..." : "");
		return b;
	default: /* one punctuation character */
		snprintf(b, n, "'%c'", t->text[0]);
		return b;
	}
}

/* Whole tokens only, so a cut never reads as a different value. */
static void cfg_stmt_add(struct cfg_parser *p, const char *s)
{
	size_t n = strlen(s);

	if (p->stmt_len >= CFG_STMT_MAX)
		return;
	if (p->stmt_len && p->stmt_len + 1 + n > CFG_STMT_MAX) {
		memcpy(p->stmt + p->stmt_len, " ...", 5);
		p->stmt_len = CFG_STMT_MAX;
		return;
	}
	if (p->stmt_len)
		p->stmt[p->stmt_len++] = ' ';
	if (n > CFG_STMT_MAX) {
		memcpy(p->stmt, s, CFG_STMT_MAX);
		memcpy(p->stmt + CFG_STMT_MAX, "...", 4);
		p->stmt_len = CFG_STMT_MAX;
		return;
	}
	memcpy(p->stmt + p->stmt_len, s, n);
	p->stmt_len += n;
	p->stmt[p->stmt_len] = 0;
}

void cfg_stmt_reset(struct cfg_parser *p)
{
	p->stmt_len = 0;
	p->stmt[0] = 0;
}

int cfg_next(struct cfg_parser *p)
{
	p->prev_line = p->tok.line;
	p->prev_end = p->tok.end_col;
	return cfg_lex(p);
}

/* Consume the look-ahead into the statement quoted by messages. */
int cfg_take(struct cfg_parser *p, int secret)
{
	char q[CFG_STMT_MAX + 4];

	if (secret)
		cfg_stmt_add(p, "\"" CFG_SECRET_MASK "\"");
	else if (p->tok.type == CT_STRING) {
		snprintf(q, sizeof(q), "\"%.*s\"", CFG_STMT_MAX, p->tok.text);
		cfg_stmt_add(p, q);
	} else {
		snprintf(q, sizeof(q), "%.*s", CFG_STMT_MAX, p->tok.text);
		cfg_stmt_add(p, q);
	}
	return cfg_next(p);
}

/* The ';' ending a statement, reported just after the statement's last
 * token: that is the line to fix, not the next statement's. */
int cfg_semi(struct cfg_parser *p)
{
	if (p->tok.type != CT_SEMI)
		return cfg_error(p, p->prev_line, p->prev_end,
				 "expected ';' after '%s'", p->stmt);
	return cfg_next(p);
}

int cfg_open(struct cfg_parser *p)
{
	if (p->tok.type != CT_LBRACE)
		return cfg_error(p, p->prev_line, p->prev_end,
				 "expected '{' after '%s'", p->stmt);
	return cfg_next(p);
}

/* --- keywords ------------------------------------------------------------- */

/*
 * Keywords ExaBGP 4.x/5.x accepts that bgpshield does not implement.  An
 * ExaBGP config using one must fail loudly rather than run without it.
 */
static const char *const cfg_exabgp_only[] = {
	"aigp",
	"attributes", /* static { attributes ... nlri ...; } */
	"bgp-prefix-sid",
	"domain-name",
	"group",
	"host-name",
	"l2vpn",
	"label",
	"link-local-nexthop",
	"multi-session",
	"operational",
	"peer-address",
	"processes-match",
	"rate-limit",
	"rd",
	"route-distinguisher",
	"software-version",
	"source-interface",
};

/* Where a keyword that is known, but not here, goes. */
static const struct {
	const char *name, *block;
} cfg_homes[] = {
	{ "asn4", "capability" },
	{ "route-refresh", "capability" },
	{ "extended-message", "capability" },
	{ "graceful-restart", "capability" },
	{ "route", "static" },
	{ "unicast", "announce ipv4/ipv6" },
	{ "announce", "neighbor" },
	{ "manual-eor", "neighbor" },
	{ "auto-flush", "neighbor" },
	{ "adj-rib-in", "neighbor" },
	{ "adj-rib-out", "neighbor" },
	{ "next-hop", "route" },
	{ "atomic-aggregate", "route" },
	{ "aggregator", "route" },
	{ "originator-id", "route" },
	{ "cluster-list", "route" },
	{ "attribute", "route" },
	{ "extended-community", "route" },
	{ "large-community", "route" },
	{ "split", "route" },
	{ "watchdog", "route" },
	{ "withdraw", "route" },
	{ "path-information", "route" },
	{ "processes", "api" },
	{ "neighbor-changes", "api" },
	{ "receive", "api" },
	{ "send", "api" },
	{ "parsed", "api receive/send" },
	{ "packets", "api receive/send" },
	{ "update", "api receive/send" },
	{ "ipv4", "family" },
	{ "ipv6", "family" },
	{ "router-id", "neighbor" },
	{ "local-address", "neighbor" },
	{ "local-as", "neighbor" },
	{ "peer-as", "neighbor" },
	{ "hold-time", "neighbor" },
	{ "passive", "neighbor" },
	{ "group-updates", "neighbor" },
	{ "md5-password", "neighbor" },
	{ "md5-password-file", "neighbor" },
	{ "ttl-security", "neighbor" },
	{ "incoming-ttl", "neighbor" },
	{ "outgoing-ttl", "neighbor" },
	{ "inherit", "neighbor" },
	{ "family", "neighbor" },
	{ "capability", "neighbor" },
	{ "static", "neighbor" },
	{ "tcp-ao", "neighbor" },
	{ "nexthop", "neighbor" },
	{ "interface", "guard" },
	{ "mode", "guard" },
	{ "policy", "guard" },
	{ "allow", "guard" },
	{ "pin-dir", "guard" },
	{ "on-exit", "guard" },
	{ "syn-rate", "guard" },
	{ "syn-burst", "guard" },
	{ "event-rate", "guard" },
	{ "mac-binding", "neighbor's guard" },
	{ "peer-mac", "neighbor's guard" },
	{ "run", "process" },
	{ "encoder", "process" },
	{ "respawn", "process" },
	{ "keyid", "tcp-ao" },
	{ "algorithm", "tcp-ao" },
	{ "audit", "log" },
	{ "group", "control" },
	{ "change-group", "control" },
	{ "import", "filter" },
	{ "export", "filter" },
	{ "reject-bogons", "filter import/export" },
	{ "reject-default", "filter import/export" },
	{ "reject-private-asn", "filter import/export" },
	{ "max-as-path-length", "filter import/export" },
	{ "max-prefix", "filter import" },
	{ "local-pref", "filter import/export" },
	{ "limits", "process" },
	{ "listen", "metrics" },
	{ "rfc8212", NULL },
	{ "template", NULL },
	{ "process", NULL },
	{ "user", NULL },
};

/* -1 (error set) when the look-ahead is one of cfg_exabgp_only[], else 0. */
int cfg_exabgp_kw(struct cfg_parser *p)
{
	for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_exabgp_only); i++)
		if (!strcmp(p->tok.text, cfg_exabgp_only[i]))
			return cfg_err_tok(
				p,
				"'%s' is an ExaBGP keyword bgpshield "
				"does not implement",
				p->tok.text);
	return 0;
}

int cfg_unknown(struct cfg_parser *p, const struct cfg_kw *kw, size_t nkw,
		const char *where)
{
	char list[1024];
	size_t off = 0;

	if (cfg_exabgp_kw(p))
		return -1;
	for (size_t i = 0; i < CFG_ARRAY_SIZE(cfg_homes); i++)
		if (!strcmp(p->tok.text, cfg_homes[i].name))
			return cfg_err_tok(
				p,
				"'%s' does not belong %s; it goes "
				"%s%s%s",
				p->tok.text, where,
				cfg_homes[i].block ? "in a " : "at top level",
				cfg_homes[i].block ? cfg_homes[i].block : "",
				cfg_homes[i].block ? " block" : "");
	list[0] = 0;
	for (size_t i = 0; i < nkw && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				i ? ", " : "", kw[i].name);
	return cfg_err_tok(
		p, "unknown keyword '%.64s%s' %s; expected one of: %s",
		p->tok.text, p->tok.len > 64 ? "..." : "", where, list);
}

/*
 * The next statement of a block: 1 when its '}' was consumed, 0 with the
 * keyword consumed (its entry in *k, its position in *at, the statement
 * restarted), -1 on error.  what names the block ("neighbor block").
 */
int cfg_block_kw(struct cfg_parser *p, const struct cfg_kw *kw, size_t nkw,
		 const char *what, struct cfg_pos open, const struct cfg_kw **k,
		 struct cfg_pos *at)
{
	char where[64], b[80];

	if (p->tok.type == CT_RBRACE)
		return cfg_next(p) ? -1 : 1;
	if (p->tok.type == CT_EOF)
		return cfg_err_tok(p,
				   "expected '}' to close the %s opened at "
				   "%u:%u",
				   what, open.line, open.col);
	if (p->tok.type != CT_WORD)
		return cfg_err_tok(
			p, "expected a keyword or '}' in the %s, got %s", what,
			cfg_tok_desc(&p->tok, b, sizeof(b)));
	for (size_t i = 0; i < nkw; i++) {
		if (strcmp(p->tok.text, kw[i].name))
			continue;
		*k = &kw[i];
		*at = cfg_here(p);
		cfg_stmt_reset(p);
		return cfg_take(p, 0);
	}
	snprintf(where, sizeof(where), "in %s", what);
	return cfg_unknown(p, kw, nkw, where);
}

/* --- values --------------------------------------------------------------- */

int cfg_num(struct cfg_parser *p, const char *kw, uint32_t min, uint32_t max,
	    uint32_t *out)
{
	if (cfg_is_value(&p->tok) && !parse_u32(p->tok.text, min, max, out))
		return cfg_take(p, 0);
	return cfg_err_tok(p, "'%s' needs a number %u..%u", kw, min, max);
}

/* An address (host) or a prefix; family 0 takes either. */
int cfg_addr(struct cfg_parser *p, const char *kw, int host, int family,
	     struct prefix *out)
{
	char e[256];

	if (!cfg_is_value(&p->tok)) {
		if (family == AF_INET)
			return cfg_err_tok(p, "'%s' needs an IPv4 address", kw);
		return cfg_err_tok(p, "'%s' needs %s", kw,
				   host ? "an address" : "a prefix");
	}
	if (prefix_parse(p->tok.text, out, e, sizeof(e)) < 0)
		return cfg_err_tok(p, "%s", e);
	if (host && !prefix_is_host(out))
		return cfg_err_tok(p,
				   "'%s' needs a single address, not the "
				   "range %.64s",
				   kw, p->tok.text);
	if (family && out->family != family)
		return cfg_err_tok(p, "'%s' needs an IPv4 address", kw);
	return cfg_take(p, 0);
}

/* ExaBGP's spellings: 1 true, 0 false, -1 neither. */
int cfg_bool_word(const char *s)
{
	static const char *const yes[] = { "true", "enable", "enabled" };
	static const char *const no[] = { "false", "disable", "disabled" };

	for (size_t i = 0; i < CFG_ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* The keyword alone means true, as in ExaBGP. */
int cfg_bool(struct cfg_parser *p, const char *kw, int *out)
{
	int v;

	if (p->tok.type == CT_SEMI) {
		*out = 1;
		return 0;
	}
	if (p->tok.type == CT_WORD && (v = cfg_bool_word(p->tok.text)) >= 0) {
		*out = v;
		return cfg_take(p, 0);
	}
	return cfg_err_tok(p, "'%s' takes true|false or enable|disable", kw);
}

int cfg_opt(struct cfg_parser *p, const char *kw, const struct cfg_opt *o,
	    void *base)
{
	char *dst = (char *)base + o->off;
	uint32_t v;

	switch (o->kind) {
	case CO_BOOL:
		return cfg_bool(p, kw, (int *)dst);
	case CO_HOST:
		return cfg_addr(p, kw, 1, o->family, (struct prefix *)dst);
	case CO_NUM:
		break;
	}
	if (cfg_num(p, kw, o->min, o->max, &v))
		return -1;
	/* min..max fits the member: the table says both */
	if (o->size == sizeof(uint8_t))
		*(uint8_t *)dst = v;
	else if (o->size == sizeof(uint16_t))
		*(uint16_t *)dst = v;
	else
		*(uint32_t *)dst = v;
	return 0;
}

/* One of the words in names[], its index in *out. */
int cfg_enum(struct cfg_parser *p, const char *kw, const char *const *names,
	     size_t n, const char *expect, int *out)
{
	if (p->tok.type == CT_WORD)
		for (size_t i = 0; i < n; i++)
			if (names[i] && !strcmp(p->tok.text, names[i])) {
				*out = (int)i;
				return cfg_take(p, 0);
			}
	return cfg_err_tok(p, "'%s' needs %s", kw, expect);
}

/* Process, template and api names: what shows in logs and JSON. */
int cfg_name_ok(const char *s, size_t len)
{
	if (!len || len > CFG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.' || ch == ':'))
			return 0;
	}
	return 1;
}

int cfg_name(struct cfg_parser *p, const char *kw, char **out)
{
	if (!cfg_is_value(&p->tok) || !cfg_name_ok(p->tok.text, p->tok.len))
		return cfg_err_tok(p,
				   "'%s' needs a name of 1..%d letters, digits "
				   "or - _ . :",
				   kw, CFG_NAME_MAX);
	*out = strdup(p->tok.text);
	if (!*out)
		return cfg_oom(p);
	return cfg_take(p, 0);
}

/* Append the look-ahead, already checked, to names[] with its position,
 * and consume it. */
int cfg_name_add(struct cfg_parser *p, struct cfg_name **names, size_t *n)
{
	struct cfg_name *nm;

	if (CFG_ROOM(p, *names, *n))
		return -1;
	nm = &(*names)[*n];
	nm->line = p->tok.line;
	nm->col = p->tok.col;
	nm->name = strdup(p->tok.text);
	if (!nm->name)
		return cfg_oom(p);
	(*n)++;
	return cfg_take(p, 0);
}

/* A file name; absolute: relative ones are not allowed here. */
int cfg_path(struct cfg_parser *p, const char *kw, int absolute, size_t max,
	     char **out)
{
	if (!cfg_is_value(&p->tok) || !p->tok.len ||
	    (absolute && p->tok.text[0] != '/') || p->tok.len > max)
		return cfg_err_tok(p, "'%s' needs %s path of at most %zu bytes",
				   kw, absolute ? "an absolute" : "a", max);
	*out = strdup(p->tok.text);
	if (!*out)
		return cfg_oom(p);
	return cfg_take(p, 0);
}

/* A keyword a block takes once: where it stands goes to *seen, so a
 * second one can say where the first is. */
int cfg_set_once(struct cfg_parser *p, struct cfg_pos *seen, struct cfg_pos at,
		 const char *kw)
{
	if (seen->line)
		return cfg_err_at(p, at,
				  "'%s' is already set in this block at %u:%u",
				  kw, seen->line, seen->col);
	*seen = at;
	return 0;
}

int cfg_mark(struct cfg_parser *p, struct cfg_meta *m, enum cfg_field f,
	     struct cfg_pos at, const char *kw)
{
	return cfg_set_once(p, &m->set[f], at, kw);
}

int cfg_unit(struct cfg_parser *p)
{
	if (++p->units > CFG_MAX_ROUTE_UNITS)
		return cfg_err_tok(p,
				   "more than %u routes and list items in "
				   "the config",
				   CFG_MAX_ROUTE_UNITS);
	return 0;
}

/*
 * "[ a b c ]" or a single item: item() is called with the look-ahead on
 * each and must consume it.
 */
int cfg_list(struct cfg_parser *p, const char *kw,
	     int (*item)(struct cfg_parser *, void *), void *arg)
{
	struct cfg_pos open;
	size_t count = 0;
	char b[80];

	if (p->tok.type != CT_LBRACKET) {
		if (!cfg_is_value(&p->tok))
			return cfg_err_tok(p,
					   "'%s' needs a value or a list "
					   "[ ... ]",
					   kw);
		return cfg_unit(p) ? -1 : item(p, arg);
	}
	open = cfg_here(p);
	if (cfg_take(p, 0))
		return -1;
	while (p->tok.type != CT_RBRACKET) {
		/* ExaBGP separates items with commas too: [ a, b ] */
		if (p->tok.type == CT_WORD && !strcmp(p->tok.text, ",")) {
			if (cfg_take(p, 0))
				return -1;
			continue;
		}
		if (p->tok.type == CT_WORD && p->tok.len > 1 &&
		    p->tok.text[p->tok.len - 1] == ',') {
			p->tok.text[--p->tok.len] = 0;
			p->tok.end_col--;
		}
		if (!cfg_is_value(&p->tok))
			return cfg_err_tok(p,
					   "expected ']' to close the list "
					   "opened at %u:%u, got %s",
					   open.line, open.col,
					   cfg_tok_desc(&p->tok, b, sizeof(b)));
		if (++count > CFG_MAX_LIST)
			return cfg_err_tok(p, "more than %d items in one list",
					   CFG_MAX_LIST);
		if (cfg_unit(p) || item(p, arg))
			return -1;
	}
	if (!count)
		return cfg_err_tok(p,
				   "'%s' needs at least one value between "
				   "[ and ]",
				   kw);
	return cfg_take(p, 0);
}

/* --- base64 --------------------------------------------------------------- */

static int cfg_b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/*
 * Standard base64 (RFC 4648 4), padding optional, whitespace skipped (a
 * key file may wrap).  0; -1 not base64; -2 more than max bytes.
 */
int cfg_b64_decode(const char *in, size_t inlen, uint8_t *out, size_t max,
		   size_t *outlen)
{
	uint32_t acc = 0;
	size_t n = 0, pad = 0;
	int bits = 0;

	for (size_t i = 0; i < inlen; i++) {
		unsigned char ch = in[i];
		int v;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1;
		v = cfg_b64_val(ch);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -2;
			out[n++] = (acc >> bits) & 0xff;
		}
	}
	/* 6 leftover bits cannot come from whole bytes; >2 '=' is junk. */
	if (bits >= 6 || pad > 2 || (acc & ((1u << bits) - 1)))
		return -1;
	*outlen = n;
	return n ? 0 : -1;
}
