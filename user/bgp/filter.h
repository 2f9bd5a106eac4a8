/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Route filtering: one neighbor direction's cfg_filter (config.h) applied
 * to one route.  Pure: no sockets, no globals but the built-in bogon
 * lists, so the session, the API and the tests call the same code.
 *
 * The session turns an UPDATE's attributes into a filter_route once, then
 * checks each prefix (only .prefix changes), so the cost per prefix is a
 * few trie lookups whatever the size of the prefix lists.
 */
#ifndef BGPS_FILTER_H
#define BGPS_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct cfg_filter;
struct cfg_neighbor;

#define FILTER_WHY_MAX 160

enum filter_dir {
	FILTER_IMPORT = 0,	/* received from the peer */
	FILTER_EXPORT = 1,	/* announced to the peer */
};

/* A route as the filter sees it. */
struct filter_route {
	struct prefix prefix;
	int nh_self;		/* export: next-hop self */
	struct prefix next_hop;	/* a host; family 0: none (IPv6 link-local
				 * only, or next-hop self) */
	const uint32_t *as_path; /* every ASN, sets flattened, in order */
	size_t as_path_len;	/* the RFC 4271 §9.1.2.2 length (a set
				 * counts 1), for max-as-path-length */
	size_t as_path_n;	/* entries in as_path */
	int has_med;
	uint32_t med;
	int has_local_pref;
	uint32_t local_pref;
};

struct filter_ctx {
	const struct prefix *peer;	/* the neighbor's address */
	int ebgp;
	int rfc8212_strict;		/* config's rfc8212 strict; */
};

/*
 * 0: the route passes.  -1: refused; why says which rule in words an
 * operator reads in the audit log: "not in prefix-list OUR-ANYCAST",
 * "bogon (RFC 6890: 10.0.0.0/8 private-use)", "private ASN 64512 in
 * AS_PATH", "AS_PATH length 40 over max-as-path-length 32", "next hop
 * 192.0.2.9 is not the peer", "MED 5000 outside 0-1000", "default
 * route", "RFC 8212: no export policy for eBGP neighbor".
 * f may be NULL-equivalent (present == 0): then only RFC 8212 applies.
 */
int filter_check(const struct cfg_filter *f, enum filter_dir dir,
		 const struct filter_route *r, const struct filter_ctx *ctx,
		 char *why, size_t whylen);

/* The built-in bogon and martian lists (RFC 6890 special-purpose ranges
 * and others never routed on the Internet): 1 and a description if p is
 * inside one (desc may be NULL), else 0. */
int filter_is_bogon(const struct prefix *p, const char **desc);
/* Walk the bogon list, for "bgpshieldctl show bogons". */
struct filter_bogon {
	const char *prefix;	/* "10.0.0.0/8" */
	const char *what;	/* "private-use" */
	const char *rfc;	/* "RFC 1918" */
};
size_t filter_bogons(const struct filter_bogon **out);
/* RFC 6996 (64512-65534, 4200000000-4294967294), RFC 7300 (65535,
 * 4294967295), and AS 0 (RFC 7607) and AS_TRANS (RFC 6793): private or
 * reserved, never in a path on the Internet. */
int filter_asn_private(uint32_t asn);

#endif
