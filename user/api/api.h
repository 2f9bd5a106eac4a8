/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ExaBGP 4.x text API: one command per line from a helper process (or
 * from bgpshieldctl announce/withdraw), parsed into a struct api_cmd.
 * Pure: no I/O, no globals, so it is fuzzed and unit tested alone.  Every
 * field is validated here (prefixes, next hops, ASN ranges, community
 * syntax); nothing reaches the wire that did not come through api_parse().
 */
#ifndef BGPS_API_H
#define BGPS_API_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"

#define API_LINE_MAX 8192	/* longer lines are refused, not cut */
#define API_ERR_MAX 256
#define API_MAX_NLRI 4096	/* prefixes in one "attributes ... nlri" or
				 * produced by one "split" */
#define API_MAX_NEIGHBORS 64	/* "neighbor A, neighbor B ..." selectors */

enum api_verb {
	API_NONE = 0,
	API_ANNOUNCE_ROUTE,	/* announce route P ...  (split: nlri[]) */
	API_WITHDRAW_ROUTE,	/* withdraw route P ... */
	API_ANNOUNCE_ATTRS,	/* announce attributes ... nlri P1 P2 ... */
	API_WITHDRAW_ATTRS,	/* withdraw attributes ... nlri P1 P2 ... */
	API_ANNOUNCE_EOR,	/* announce eor [AFI SAFI] */
	API_ANNOUNCE_REFRESH,	/* announce route-refresh [AFI SAFI] */
	API_ANNOUNCE_WATCHDOG,	/* announce watchdog NAME */
	API_WITHDRAW_WATCHDOG,	/* withdraw watchdog NAME */
	API_SHOW_NEIGHBOR,	/* show neighbor [summary|extensive] */
	API_SHOW_ADJ_IN,	/* show adj-rib in [extensive] */
	API_SHOW_ADJ_OUT,	/* show adj-rib out [extensive] */
	API_FLUSH_ADJ_OUT,	/* flush adj-rib out */
	API_CLEAR_ADJ,		/* clear adj-rib [in|out] */
	API_SHUTDOWN,		/* shutdown */
	API_RELOAD,		/* reload */
	API_ACK_ENABLE,		/* enable-ack */
	API_ACK_DISABLE,	/* disable-ack: answer this one, then none */
	API_ACK_SILENCE,	/* silence-ack: not even this one */
	API_VERSION,		/* version */
	API_ANNOUNCE_FLOW,	/* announce flow route { match .. then .. } */
	API_WITHDRAW_FLOW,	/* withdraw flow route { match .. } */
};

struct api_cmd {
	enum api_verb verb;
	/* "neighbor A [selectors], neighbor B ..." in front: the targets.
	 * nneighbors 0 and !all: every neighbor.  "neighbor *": all = 1. */
	struct prefix neighbors[API_MAX_NEIGHBORS];
	size_t nneighbors;
	int all;
	/*
	 * The route: prefix (ANNOUNCE/WITHDRAW_ROUTE) and attributes, in
	 * the config's form so one encoder serves both.  Lists are
	 * malloc'd; api_cmd_free() releases them.  route.flags says which
	 * of med/local-pref were given.
	 */
	struct cfg_route route;
	/* The prefixes to act on: "attributes ... nlri P1 P2", or the
	 * route's prefix cut by "split /N" (one entry per piece), or just
	 * route.prefix (nnlri 1).  malloc'd. */
	struct prefix *nlri;
	size_t nnlri;
	char watchdog[CFG_NAME_MAX + 1]; /* "" none */
	int extensive;		/* show ... extensive */
	int summary;		/* show neighbor summary */
	int clear_in, clear_out;
	uint16_t afi;		/* eor/route-refresh: 0 = all families */
	uint8_t safi;
	/* announce/withdraw flow: the rule, whole (cfg_flow_finish():
	 * sorted, family set); read by the config's flow words
	 * (user/config/flow_parse.c). */
	struct fs_rule flow;
};

/*
 * Parse one line (without the newline; len bytes, not NUL-terminated).
 * 0 with c filled (free with api_cmd_free), or -1 with one line in err
 * that says what was wrong and where ("bad next-hop 'x': ...").  A line
 * longer than API_LINE_MAX is refused.
 */
int api_parse(const char *line, size_t len, struct api_cmd *c, char *err,
	      size_t errlen);
void api_cmd_free(struct api_cmd *c);
const char *api_verb_name(enum api_verb v);

/* Attribute values: cfg_parse_community() and friends, config.h. */

#endif
