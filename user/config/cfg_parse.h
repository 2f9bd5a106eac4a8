/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to user/config/: the parse-time state and the helpers the
 * config's files share (lexer, token and value readers, the block
 * parsers, template resolution).  Nothing outside user/config/ includes
 * it; the rest of the program sees config.h only.
 */
#ifndef BGPS_CFG_PARSE_H
#define BGPS_CFG_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CFG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CFG_STMT_MAX 60 /* bytes of a statement quoted in a message */

/* --- parse-time state ----------------------------------------------------- */

struct cfg_pos {
	unsigned int line, col;
};

/*
 * The neighbor settings a template can supply.  A neighbor takes each from
 * the first template it inherits that sets it, unless it sets it itself;
 * the position kept is the statement's, so a later check points there.
 */
enum cfg_field {
	CF_DESCRIPTION,
	CF_ROUTER_ID,
	CF_LOCAL_ADDRESS,
	CF_LOCAL_AS,
	CF_PEER_AS,
	CF_HOLD_TIME,
	CF_PASSIVE,
	CF_GROUP_UPDATES,
	CF_MANUAL_EOR,
	CF_LISTEN,
	CF_CONNECT,
	CF_MD5_SECRET,
	CF_MD5_BASE64,
	CF_MD5_IP,
	CF_IN_TTL,
	CF_OUT_TTL,
	CF_TCP_AO,
	CF_FAMILY,
	CF_ASN4,
	CF_ROUTE_REFRESH,
	CF_EXT_MESSAGE,
	CF_GR,
	CF_NEXTHOP,	/* the nexthop block (RFC 8950 tuples) */
	CF_NH_CAP,	/* capability { nexthop; } */
	CF_ADD_PATH,	 /* capability { add-path MODE; } */
	CF_ADD_PATH_FAM, /* add-path { FAMILY; ... } */
	CF_SYN_RATE,
	CF_SYN_BURST,
	CF_IFACE_BIND, /* guard { interface ...; } */
	/* guard { mac-binding; peer-mac; }: two keywords, one setting that
	 * a neighbor takes whole from the first template that writes either */
	CF_MAC_BIND,
	CF_PEER_MAC,
	CF_FILTER,	  /* the filter block itself: once per neighbor */
	CF_FILTER_IMPORT, /* a template's import/export apply separately */
	CF_FILTER_EXPORT,
	CF_FLOW_ENFORCE, /* flowspec { enforce; } */
	CF_FLOW_NODST,	 /* flowspec { allow-no-destination; } */
	CF_MAX,
};

struct cfg_meta {
	struct cfg_pos set[CF_MAX]; /* line 0: not set here */
	struct cfg_name *inherit;
	size_t ninherit;
	/* An inline md5-password as written: md5-base64 may come later or
	 * from a template, so it is decoded only once the neighbor is whole
	 * (the base64 text of an 80-byte key does not fit the key buffer). */
	char *md5_own;
	const char *md5_text; /* md5_own or the template's */
	int md5_base64;
};

struct cfg_tmpl {
	char *name;
	struct cfg_pos pos;
	struct cfg_neighbor n;
	struct cfg_meta m;
};

enum cfg_tt {
	CT_EOF,
	CT_WORD,   /* a bare word */
	CT_STRING, /* "quoted" or 'quoted' */
	CT_LBRACE,
	CT_RBRACE,
	CT_SEMI,
	CT_LBRACKET,
	CT_RBRACKET,
};

struct cfg_tok {
	enum cfg_tt type;
	unsigned int line, col;
	unsigned int end_col; /* one past its last byte (tokens are one line) */
	size_t len;
	char text[CFG_TOKEN_MAX + 1];
};

struct cfg_parser {
	const char *buf;
	size_t len, off;
	unsigned int line, col; /* of buf[off] */
	const char *name;
	char *err;
	size_t errlen;
	int failed;

	struct cfg_tok tok;		  /* the look-ahead: not consumed yet */
	unsigned int prev_line, prev_end; /* end of the last consumed token */
	char stmt[CFG_STMT_MAX + 8];	  /* the statement so far, masked */
	size_t stmt_len;

	struct config *c;
	struct cfg_meta *meta; /* one per c->neighbors[] */
	struct cfg_tmpl *tmpl;
	size_t ntmpl;
	size_t units; /* routes and list items read, against the limit */

	struct cfg_pos user_pos, guard_pos, log_pos, rfc8212_pos, control_pos;
	struct cfg_pos metrics_pos;
	int iface_given;
	size_t plist_entries; /* in all prefix-lists, against the limit */
};

/* A block's keywords: each block parser switches on the id. */
struct cfg_kw {
	const char *name;
	int id;
};

/* --- lex.c: errors and arrays --------------------------------------------- */

/* The first error wins; always -1, so "return cfg_error(...)" reads well. */
int cfg_error(struct cfg_parser *p, unsigned int line, unsigned int col,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define cfg_err_tok(p, ...)                                                    \
	cfg_error(p, (p)->tok.line, (p)->tok.col, __VA_ARGS__)
#define cfg_err_at(p, pos, ...) cfg_error(p, (pos).line, (pos).col, __VA_ARGS__)
int cfg_oom(struct cfg_parser *p);

void *cfg_more(void *arr, size_t n, size_t size);
/* Room for (arr)[n]; -1 (error set) when memory runs out. */
#define CFG_ROOM(p, arr, n)                                                    \
	({                                                                     \
		void *na_ = cfg_more((arr), (n), sizeof(*(arr)));              \
		int r_ = 0;                                                    \
		if (!na_)                                                      \
			r_ = cfg_oom(p);                                       \
		else                                                           \
			(arr) = na_;                                           \
		r_;                                                            \
	})

void *cfg_memdup(const void *src, size_t n, size_t size);

/* --- lex.c: tokens -------------------------------------------------------- */

int cfg_word_end(unsigned char ch);
int cfg_lex(struct cfg_parser *p);
int cfg_is_value(const struct cfg_tok *t);
int cfg_is(const struct cfg_parser *p, const char *word);
struct cfg_pos cfg_here(const struct cfg_parser *p);
const char *cfg_tok_desc(const struct cfg_tok *t, char *b, size_t n);
void cfg_stmt_reset(struct cfg_parser *p);
int cfg_next(struct cfg_parser *p);
int cfg_take(struct cfg_parser *p, int secret);
int cfg_semi(struct cfg_parser *p);
int cfg_open(struct cfg_parser *p);

/* --- lex.c: keywords and values ------------------------------------------- */

int cfg_exabgp_kw(struct cfg_parser *p);
int cfg_unknown(struct cfg_parser *p, const struct cfg_kw *kw, size_t nkw,
		const char *where);
int cfg_block_kw(struct cfg_parser *p, const struct cfg_kw *kw, size_t nkw,
		 const char *what, struct cfg_pos open, const struct cfg_kw **k,
		 struct cfg_pos *at);
int cfg_num(struct cfg_parser *p, const char *kw, uint32_t min, uint32_t max,
	    uint32_t *out);
int cfg_addr(struct cfg_parser *p, const char *kw, int host, int family,
	     struct prefix *out);
int cfg_bool_word(const char *s);
int cfg_bool(struct cfg_parser *p, const char *kw, int *out);
int cfg_enum(struct cfg_parser *p, const char *kw, const char *const *names,
	     size_t n, const char *expect, int *out);
int cfg_name_ok(const char *s, size_t len);
int cfg_name(struct cfg_parser *p, const char *kw, char **out);
int cfg_name_add(struct cfg_parser *p, struct cfg_name **names, size_t *n);
int cfg_path(struct cfg_parser *p, const char *kw, int absolute, size_t max,
	     char **out);
int cfg_set_once(struct cfg_parser *p, struct cfg_pos *seen, struct cfg_pos at,
		 const char *kw);
/* cfg_set_once() for a neighbor or template field, in its cfg_meta */
int cfg_mark(struct cfg_parser *p, struct cfg_meta *m, enum cfg_field f,
	     struct cfg_pos at, const char *kw);
int cfg_unit(struct cfg_parser *p);

/* resolve.c: a route's lists are its own (cfg_route_free: config.h) */
int cfg_route_copy(struct cfg_route *d, const struct cfg_route *s);
int cfg_list(struct cfg_parser *p, const char *kw,
	     int (*item)(struct cfg_parser *, void *), void *arg);
int cfg_b64_decode(const char *in, size_t inlen, uint8_t *out, size_t max,
		   size_t *outlen);

/* --- lex.c: keywords of one value, as table rows -------------------------- */

/*
 * Most of a block's keywords are one value stored in one struct member: a
 * row of the block's table says which member and what range, where a case
 * each repeated the same lines with other names and numbers.
 */
enum cfg_opt_kind {
	CO_NUM = 1, /* cfg_num() in min..max; a uint8_t, uint16_t or uint32_t */
	CO_BOOL,    /* cfg_bool(); an int */
	CO_HOST,    /* cfg_addr() of one address of family (0: either) */
};

struct cfg_opt {
	enum cfg_opt_kind kind;
	size_t off, size; /* of the member */
	uint32_t min, max;
	int family;
};

#define CFG_MEMBER_SIZE(type, m) sizeof(((type *)0)->m)
#define CFG_OPT_NUM(type, m, lo, hi)                                           \
	{ CO_NUM, offsetof(type, m), CFG_MEMBER_SIZE(type, m), lo, hi, 0 }
#define CFG_OPT_BOOL(type, m)                                                  \
	{ CO_BOOL, offsetof(type, m), CFG_MEMBER_SIZE(type, m), 0, 0, 0 }
#define CFG_OPT_HOST(type, m, fam)                                             \
	{ CO_HOST, offsetof(type, m), CFG_MEMBER_SIZE(type, m), 0, 0, fam }

/* Read the value o describes into its member of the struct at base. */
int cfg_opt(struct cfg_parser *p, const char *kw, const struct cfg_opt *o,
	    void *base);

/* --- tables the parser and the printer share ------------------------------ */

/* Each defined beside its parser, with its count (cfg_n...) for the files
 * that do not see the definition. */
extern const char *const cfg_origin_names[]; /* by enum cfg_origin */

/* cfg_wk_comms[]: in config.h (the API reads them too) */

/* api receive/send message kinds, in the order they are printed */
extern const struct cfg_kw cfg_api_msg_kws[];
extern const size_t cfg_napi_msg_kws;

/* process limits { }: each a uint32_t of struct cfg_process */
struct cfg_limit {
	const char *name;
	uint32_t def;
	size_t off;
};

extern const struct cfg_limit cfg_limits[];
extern const size_t cfg_nlimits;
#define CFG_LIMIT(pr, i) ((uint32_t *)((char *)(pr) + cfg_limits[i].off))

/* --- the block parsers ---------------------------------------------------- */

/* parse_neighbor.c: neighbor ADDRESS { } after its keyword, template's
 * body after its '{' */
int cfg_neighbor(struct cfg_parser *p, struct cfg_pos at);
int cfg_template(struct cfg_parser *p, struct cfg_pos open);
int cfg_secret_inline(struct cfg_parser *p, struct cfg_secret *s,
		      const char *text, int base64, const char *what,
		      const char *b64kw);

/* guard { } keywords, in the order of cfg_guard_kws[] */
enum {
	GK_SYN_RATE,
	GK_SYN_BURST,
	GK_INTERFACE,
	GK_MODE,
	GK_POLICY,
	GK_EVENT_RATE,
	GK_ALLOW,
	GK_PORT,
	GK_PIN_DIR,
	GK_ON_EXIT,
	GK_MAX
};

extern const struct cfg_kw cfg_guard_kws[];
extern const size_t cfg_nguard_kws;

/* parse.c: a Linux interface name (the kernel's dev_valid_name()) */
int cfg_ifname_ok(const char *s, size_t len);
/*
 * The names after 'interface' in a binding (a neighbor's guard block, an
 * allow entry), up to the statement's end: 1..BGPS_POLICY_IFACES names
 * make b CFG_IFB_STATIC.  With words, 'auto' or 'off' alone is taken as
 * well (a neighbor's); an allow entry only names interfaces.
 */
int cfg_bind_ifaces(struct cfg_parser *p, struct cfg_bind *b, int words);

/* parse_routes.c: route PREFIX ...; after its keyword, filter's body
 * after its '{' */
int cfg_route(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_pos at);
int cfg_announce(struct cfg_parser *p, struct cfg_neighbor *n,
		 struct cfg_pos open);
int cfg_filter(struct cfg_parser *p, struct cfg_neighbor *n, struct cfg_meta *m,
	       struct cfg_pos open);

/* parse_flow.c: flow { } and flowspec { } after their '{' */
int cfg_flow(struct cfg_parser *p, struct cfg_neighbor *n,
	     struct cfg_pos open);
int cfg_flowspec(struct cfg_parser *p, struct cfg_neighbor *n,
		 struct cfg_meta *m, struct cfg_pos open);

/* --- resolve.c: templates and checks -------------------------------------- */

/* The steps after the last token: templates, names, defaults, checks. */
int cfg_resolve(struct cfg_parser *p);
void cfg_neighbor_free(struct cfg_neighbor *n);
void cfg_meta_free(struct cfg_meta *m);

#endif
