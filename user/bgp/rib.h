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
	uint8_t plen; /* 0xff: empty */
	uint8_t pad[3];
	uint32_t id;
};

struct rib {
	uint64_t *v4;
	size_t cap4, n4;
	struct rib6_slot *v6;
	size_t cap6, n6;
};

/* Add or replace p with attribute set id (takes over one reference). */
int rib_add(struct rib *r, const struct prefix *p, uint32_t id);
/* 1 removed, 0 was not there. */
int rib_del(struct rib *r, const struct prefix *p);
/* The attribute id of p, 0 if absent. */
uint32_t rib_get(const struct rib *r, const struct prefix *p);
void rib_clear(struct rib *r);
size_t rib_count(const struct rib *r);
size_t rib_bytes(const struct rib *r);
typedef int (*rib_cb)(const struct prefix *p, uint32_t id, void *arg);
int rib_foreach(const struct rib *r, rib_cb cb, void *arg);

#endif
