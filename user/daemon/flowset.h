/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The set of flowspec rules the guard enforces (docs/ARCHITECTURE.md
 * "Flowspec enforcement"), built by the engine from its sources and
 * merged by the parent with the config's: rules added in order of
 * precedence, one per match (the NLRI, RFC 8955 §4: the first added
 * wins, later ones with the same match are duplicates whatever their
 * actions), each checked against the guard's limits (fs_limits.h) as it
 * comes.  Pure: no BPF, no sessions, so both processes and the unit tests
 * share it.
 */
#ifndef BGPS_FLOWSET_H
#define BGPS_FLOWSET_H

#include <stddef.h>
#include <stdint.h>

#include "fs_limits.h"
#include "imsg.h"

struct prefix;

struct flowset {
	struct imsg_flow_rule *r; /* in the order added */
	size_t n, cap;
	uint8_t **key;		/* each rule's family + NLRI, for dedup */
	uint32_t *hash;
	uint32_t *tab;		/* open addressing: index + 1, 0 empty */
	size_t tcap;
	struct fs_lim lim;
	uint64_t digest;	/* of everything added, in order */
};

void flowset_init(struct flowset *s);
void flowset_free(struct flowset *s);
/* Empty it, keeping the memory. */
void flowset_reset(struct flowset *s);
/*
 * Add r (origin enum imsg_flow_origin, nb the neighbor it goes to or
 * came from).  0: added (with commit; without, it would be); 1: a rule
 * with the same match is in already, nothing changes; -1: refused
 * (malformed, or over a guard limit), why says which; -2: out of memory.
 */
int flowset_add(struct flowset *s, int origin, const struct prefix *nb,
		const struct fs_rule *r, int commit, char *why, size_t wl);
/* Is there a rule with r's match? */
int flowset_has(const struct flowset *s, const struct fs_rule *r);

#endif
