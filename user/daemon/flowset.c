// SPDX-License-Identifier: GPL-2.0-only
/*
 * The enforced flowspec set (flowset.h): rules in precedence order,
 * de-duplicated by match, within the guard's limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "flowset.h"

/* RFC 8955 §4.1: an NLRI is at most 4095 octets with its length field. */
#define KEY_MAX 4200

void flowset_init(struct flowset *s)
{
	memset(s, 0, sizeof(*s));
	fs_lim_init(&s->lim);
}

void flowset_reset(struct flowset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->key[i]);
	s->n = 0;
	if (s->tab)
		memset(s->tab, 0, s->tcap * sizeof(*s->tab));
	fs_lim_free(&s->lim);
	s->digest = 0;
}

void flowset_free(struct flowset *s)
{
	flowset_reset(s);
	free(s->r);
	free(s->key);
	free(s->hash);
	free(s->tab);
	flowset_init(s);
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The family and the NLRI octets (with its length field): the match. */
static int key_of(const struct fs_rule *r, uint8_t *k)
{
	int n = fs_nlri_encode(r, k + 1, KEY_MAX - 1);

	if (n < 0)
		return -1;
	k[0] = r->family;
	return n + 1;
}

static size_t key_len(const uint8_t *k)
{
	return 1 + fs_nlri_len(k + 1, KEY_MAX - 1);
}

/* Index + 1 of the rule with key k, or 0; *slot the empty slot to use. */
static size_t find(const struct flowset *s, const uint8_t *k, size_t kl,
		   uint32_t h, size_t *slot)
{
	if (!s->tcap)
		return 0;
	for (size_t i = h % s->tcap;; i = (i + 1) % s->tcap) {
		uint32_t x = s->tab[i];

		if (!x) {
			if (slot)
				*slot = i;
			return 0;
		}
		if (s->hash[x - 1] == h && key_len(s->key[x - 1]) == kl &&
		    !memcmp(s->key[x - 1], k, kl))
			return x;
	}
}

static int grow(struct flowset *s)
{
	size_t nc = s->cap ? 2 * s->cap : 64, tc = 2 * nc;
	struct imsg_flow_rule *r = realloc(s->r, nc * sizeof(*r));
	uint8_t **k;
	uint32_t *h, *t;

	if (!r)
		return -1;
	s->r = r;
	if (!(k = realloc(s->key, nc * sizeof(*k))))
		return -1;
	s->key = k;
	if (!(h = realloc(s->hash, nc * sizeof(*h))))
		return -1;
	s->hash = h;
	if (!(t = calloc(tc, sizeof(*t))))
		return -1;
	free(s->tab);
	s->tab = t;
	s->tcap = tc;
	s->cap = nc;
	/* rehash */
	for (size_t i = 0; i < s->n; i++) {
		size_t j = s->hash[i] % tc;

		while (t[j])
			j = (j + 1) % tc;
		t[j] = i + 1;
	}
	return 0;
}

int flowset_has(const struct flowset *s, const struct fs_rule *r)
{
	uint8_t k[KEY_MAX];
	int kl = key_of(r, k);

	return kl > 0 && find(s, k, (size_t)kl, fnv(k, (size_t)kl), NULL);
}

int flowset_add(struct flowset *s, int origin, const struct prefix *nb,
		const struct fs_rule *r, int commit, char *why, size_t wl)
{
	uint8_t k[KEY_MAX];
	int kl, rc;
	uint32_t h;
	size_t slot = 0;
	struct imsg_flow_rule *e;

	if (fs_rule_check(r, why, wl))
		return -1;
	if ((kl = key_of(r, k)) < 0) {
		snprintf(why, wl, "the rule has no RFC 8955 encoding");
		return -1;
	}
	h = fnv(k, (size_t)kl);
	if (find(s, k, (size_t)kl, h, &slot))
		return 1;
	if ((rc = fs_lim_add(&s->lim, r, commit, why, wl)) || !commit)
		return rc;
	if ((s->n + 1) * 2 > s->tcap || s->n == s->cap) {
		if (grow(s) < 0)
			return snprintf(why, wl, "out of memory"), -2;
		find(s, k, (size_t)kl, h, &slot);
	}
	if (!(s->key[s->n] = malloc((size_t)kl)))
		return snprintf(why, wl, "out of memory"), -2;
	memcpy(s->key[s->n], k, (size_t)kl);
	s->hash[s->n] = h;
	e = &s->r[s->n];
	memset(e, 0, sizeof(*e));
	e->origin = (uint8_t)origin;
	if (nb) {
		e->nb_family = (uint8_t)nb->family;
		memcpy(e->nb_addr, nb->addr, 16);
	}
	e->rule = *r;
	s->tab[slot] = (uint32_t)++s->n;
	/* what changes the guard: match, actions, order (origin too, for
	 * the log) */
	s->digest = (s->digest ^ h ^ fnv((const uint8_t *)&r->act,
					 sizeof(r->act)) ^ (uint64_t)origin << 32) *
		    1099511628211ULL;
	return 0;
}
