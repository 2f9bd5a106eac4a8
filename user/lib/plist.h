/* SPDX-License-Identifier: GPL-2.0-only */
/* Prefix lists: "P [ge G] [le L]" entries, IPv4 and IPv6, matched with a
 * hash table per family keyed by (prefix, length): a lookup costs one
 * probe per entry length in use (at most 33 or 129), whatever the list
 * size. */
#ifndef BGPS_PLIST_H
#define BGPS_PLIST_H

#include <stddef.h>

#include "addr.h"

struct plist;

struct plist *plist_new(void);
void plist_free(struct plist *l);
/* Add "P [ge G] [le L]"; ge/le are -1 when absent.  Without either the
 * entry matches P's length only; with le only, G = P.plen; with ge only,
 * L = 32 or 128.  P.plen <= G <= L <= max is enforced.  Returns 0, or -1
 * with a one-line reason naming the entry and the rule in err. */
int plist_add(struct plist *l, const struct prefix *p, int ge, int le,
	      char *err, size_t errlen);
/* 1 if some entry matches x (x inside P, G <= x.plen <= L), else 0. */
int plist_match(const struct plist *l, const struct prefix *x);
/* Entries accepted by plist_add (duplicates included). */
size_t plist_count(const struct plist *l);

#endif
