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
	CF_SYN_RATE,
	CF_SYN_BURST,
	CF_FILTER,	  /* the filter block itself: once per neighbor */
	CF_FILTER_IMPORT, /* a template's import/export apply separately */
	CF_FILTER_EXPORT,
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

#endif
