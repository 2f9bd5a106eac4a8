/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Adj-RIB-In per neighbor, with attribute sets interned: every prefix that
 * arrived with the same path attributes points at one shared copy of them
 * (a full table has ~1M prefixes but only thousands of attribute sets).
 *
 * IPv4 prefixes live in an open-addressing table of 8-byte slots (address,
 * length and attribute id packed in one word), IPv6 ones in 24-byte slots;
 * both with linear probing and backward-shift deletion (no tombstones), so
 * a table that churns never degrades.
 *
 * Routes are keyed by (prefix, path identifier) (RFC 7911 §3: with
 * ADD-PATH a prefix may come with several paths).  Path id 0, the only
 * one a session without ADD-PATH has, keeps the 8-byte IPv4 slot; other
 * IPv4 path ids go to a second table of 12-byte slots, so a table without
 * ADD-PATH costs what it did.  IPv6 slots had room for the id.  Both
 * hash the prefix alone, so the paths of a prefix sit in one probe run
 * (rib_first_path() walks it).
 */
#ifndef BGPS_RIB_H
#define BGPS_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define RIB_MAX_ATTR_ID 0xffffffu /* ids are 24 bits in an IPv4 slot */

/* Intern an attribute blob; returns an id (>= 1) holding one reference,
 * or 0 when out of memory or ids. */
uint32_t rib_attr_intern(const uint8_t *blob, size_t len);
void rib_attr_ref(uint32_t id);
void rib_attr_unref(uint32_t id);
const uint8_t *rib_attr_blob(uint32_t id, size_t *len);
/* Attribute sets alive, and the bytes they hold (for status). */
size_t rib_attr_count(void);
size_t rib_attr_bytes(void);

struct rib6_slot {
	uint8_t addr[16];
	uint32_t path;	/* RFC 7911 path identifier */
	uint32_t id : 24;
	uint32_t plen : 8; /* 0xff: empty */
};

/* IPv4 with a path id other than 0; meta 0: empty. */
struct rib4p_slot {
	uint32_t addr;
	uint32_t path;
	uint32_t meta; /* (plen + 1) << 24 | attribute id */
};

struct rib {
	uint64_t *v4;
	size_t cap4, n4;
	struct rib4p_slot *v4p;
	size_t cap4p, n4p;
	struct rib6_slot *v6;
	size_t cap6, n6;
};

/* Add or replace (p, path) with attribute set id (takes over one
 * reference). */
int rib_add(struct rib *r, const struct prefix *p, uint32_t path,
	    uint32_t id);
/* 1 removed, 0 was not there. */
int rib_del(struct rib *r, const struct prefix *p, uint32_t path);
/* The attribute id of (p, path), 0 if absent. */
uint32_t rib_get(const struct rib *r, const struct prefix *p, uint32_t path);
/* The attribute id of p's lowest path id (in *path), 0 if p has none. */
uint32_t rib_first_path(const struct rib *r, const struct prefix *p,
			uint32_t *path);
void rib_clear(struct rib *r);
size_t rib_count(const struct rib *r);
size_t rib_bytes(const struct rib *r);
typedef int (*rib_cb)(const struct prefix *p, uint32_t path, uint32_t id,
		      void *arg);
int rib_foreach(const struct rib *r, rib_cb cb, void *arg);

#endif
