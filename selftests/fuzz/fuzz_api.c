// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the ExaBGP text API parser, one line per input (as a process
 * or bgpshieldctl sends it).  What parses must be internally consistent:
 * prefixes within their family's length, next hop of the prefix's family
 * (or IPv6 for IPv4, RFC 8950),
 * the nlri list within its limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_cmd c;
	char err[API_ERR_MAX];

	if (api_parse((const char *)data, size, &c, err, sizeof(err)) < 0) {
		if (!err[0])
			abort(); /* every refusal says why */
		return 0;
	}
	if (c.nnlri > API_MAX_NLRI || c.nneighbors > API_MAX_NEIGHBORS)
		abort();
	for (size_t i = 0; i < c.nnlri; i++) {
		const struct prefix *p = &c.nlri[i];

		if (p->plen < 0 || p->plen > (p->family == AF_INET ? 32 : 128))
			abort();
		/* the prefix's family, or (RFC 8950) IPv6 for an IPv4
		 * prefix: whether the session allows it is the engine's */
		if ((c.verb == API_ANNOUNCE_ROUTE ||
		     c.verb == API_ANNOUNCE_ATTRS) &&
		    !c.route.nh_self && c.route.next_hop.family != p->family &&
		    !(p->family == AF_INET &&
		      c.route.next_hop.family == AF_INET6))
			abort();
	}
	api_cmd_free(&c);
	return 0;
}
