// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rib.h"

/* --- interned attribute sets ------------------------------------------- */

struct attr_set {
	uint64_t hash;
	uint32_t refcnt;
	uint32_t len;
	uint8_t blob[];
};

static struct {
	struct attr_set **by_id; /* index = id; [0] unused */
	size_t nid;		 /* ids handed out so far (high water) */
	uint32_t *free_ids;
	size_t nfree, capfree;
	uint32_t *slot; /* hash -> id, open addressing, 0 empty */
	size_t cap, n;
	size_t bytes;
} A;

static uint64_t hash_bytes(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static int intern_grow(void)
{
	size_t ncap = A.cap ? A.cap * 2 : 1024;
	uint32_t *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < A.cap; i++) {
		uint32_t id = A.slot[i];
		size_t j;

		if (!id)
			continue;
		for (j = A.by_id[id]->hash & (ncap - 1); ns[j];
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = id;
	}
	free(A.slot);
	A.slot = ns;
	A.cap = ncap;
	return 0;
}

static uint32_t new_id(void)
{
	if (A.nfree)
		return A.free_ids[--A.nfree];
	if (A.nid + 1 > RIB_MAX_ATTR_ID)
		return 0;
	if ((A.nid + 1) % 1024 == 0 || !A.by_id) {
		struct attr_set **n =
			realloc(A.by_id, (A.nid + 1025) * sizeof(*n));

		if (!n)
			return 0;
		A.by_id = n;
	}
	return (uint32_t)++A.nid;
}

uint32_t rib_attr_intern(const uint8_t *blob, size_t len)
{
	uint64_t h = hash_bytes(blob, len);
	struct attr_set *s;
	uint32_t id;
	size_t i;

	if ((A.n + 1) * 2 > A.cap && intern_grow() < 0)
		return 0;
	for (i = h & (A.cap - 1); (id = A.slot[i]); i = (i + 1) & (A.cap - 1)) {
		s = A.by_id[id];
		if (s->hash == h && s->len == len &&
		    !memcmp(s->blob, blob, len)) {
			s->refcnt++;
			return id;
		}
	}
	s = malloc(sizeof(*s) + len);
	if (!s)
		return 0;
	id = new_id();
	if (!id) {
		free(s);
		return 0;
	}
	s->hash = h;
	s->refcnt = 1;
	s->len = len;
	memcpy(s->blob, blob, len);
	A.by_id[id] = s;
	A.slot[i] = id;
	A.n++;
	A.bytes += sizeof(*s) + len;
	return id;
}

void rib_attr_ref(uint32_t id)
{
	if (id && id <= A.nid && A.by_id[id])
		A.by_id[id]->refcnt++;
}

void rib_attr_unref(uint32_t id)
{
	struct attr_set *s;
	size_t i, j;

	if (!id || id > A.nid || !(s = A.by_id[id]) || --s->refcnt)
		return;
	/* out of the hash: backward-shift deletion keeps probing whole */
	for (i = s->hash & (A.cap - 1); A.slot[i] != id;
	     i = (i + 1) & (A.cap - 1))
		;
	A.slot[i] = 0;
	for (j = (i + 1) & (A.cap - 1); A.slot[j]; j = (j + 1) & (A.cap - 1)) {
		size_t home = A.by_id[A.slot[j]]->hash & (A.cap - 1);

		/* move j back to i if its home is not in (i, j] */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			A.slot[i] = A.slot[j];
			A.slot[j] = 0;
			i = j;
		}
	}
	A.n--;
	A.bytes -= sizeof(*s) + s->len;
	A.by_id[id] = NULL;
	free(s);
	if (A.nfree == A.capfree) {
		size_t nc = A.capfree ? A.capfree * 2 : 256;
		uint32_t *f = realloc(A.free_ids, nc * sizeof(*f));

		if (!f)
			return; /* the id is lost, nothing else */
		A.free_ids = f;
		A.capfree = nc;
	}
	A.free_ids[A.nfree++] = id;
}

const uint8_t *rib_attr_blob(uint32_t id, size_t *len)
{
	if (!id || id > A.nid || !A.by_id[id])
		return NULL;
	*len = A.by_id[id]->len;
	return A.by_id[id]->blob;
}

size_t rib_attr_count(void)
{
	return A.n;
}

size_t rib_attr_bytes(void)
{
	return A.bytes;
}

/* --- IPv4: one 64-bit word per slot ------------------------------------ */

/* address << 32 | (plen + 1) << 24 | id: never 0, so 0 marks empty */
static uint64_t pack4(const struct prefix *p, uint32_t id)
{
	uint32_t a;

	memcpy(&a, p->addr, 4);
	return (uint64_t)a << 32 | (uint64_t)(p->plen + 1) << 24 | id;
}

static uint32_t key4(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static size_t home4(uint64_t v, size_t cap)
{
	/* address and length: the same address with two lengths differs */
	uint64_t k = (v >> 24) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(k >> 20) & (cap - 1);
}

static int same4(uint64_t a, uint64_t b)
{
	return (a >> 24) == (b >> 24);
}

static int grow4(struct rib *r)
{
	size_t ncap = r->cap4 ? r->cap4 * 2 : 256;
	uint64_t *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -1;
	for (size_t i = 0; i < r->cap4; i++) {
		size_t j;

		if (!r->v4[i])
			continue;
		for (j = home4(r->v4[i], ncap); n[j]; j = (j + 1) & (ncap - 1))
			;
		n[j] = r->v4[i];
	}
	free(r->v4);
	r->v4 = n;
	r->cap4 = ncap;
	return 0;
}

static long find4(const struct rib *r, uint64_t k)
{
	if (!r->cap4)
		return -1;
	for (size_t i = home4(k, r->cap4); r->v4[i];
	     i = (i + 1) & (r->cap4 - 1))
		if (same4(r->v4[i], k))
			return (long)i;
	return -1;
}

static void shift_del4(struct rib *r, size_t i)
{
	size_t j;

	r->v4[i] = 0;
	for (j = (i + 1) & (r->cap4 - 1); r->v4[j];
	     j = (j + 1) & (r->cap4 - 1)) {
		size_t h = home4(r->v4[j], r->cap4);

		if ((j > i && (h <= i || h > j)) ||
		    (j < i && (h <= i && h > j))) {
			r->v4[i] = r->v4[j];
			r->v4[j] = 0;
			i = j;
		}
	}
}

/* --- IPv4 with path ids other than 0: 12-byte slots ------------------- */

/* The home of a prefix whatever its path id: its paths probe together. */
static size_t home4p(uint32_t addr, uint32_t meta, size_t cap)
{
	uint64_t k = ((uint64_t)addr << 8 | meta >> 24) * 0x9E3779B97F4A7C15ULL;

	return (size_t)(k >> 20) & (cap - 1);
}

static uint32_t meta4p(const struct prefix *p, uint32_t id)
{
	return (uint32_t)(p->plen + 1) << 24 | id;
}

static int grow4p(struct rib *r)
{
	size_t ncap = r->cap4p ? r->cap4p * 2 : 64;
	struct rib4p_slot *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -1;
	for (size_t i = 0; i < r->cap4p; i++) {
		size_t j;

		if (!r->v4p[i].meta)
			continue;
		for (j = home4p(r->v4p[i].addr, r->v4p[i].meta, ncap);
		     n[j].meta; j = (j + 1) & (ncap - 1))
			;
		n[j] = r->v4p[i];
	}
	free(r->v4p);
	r->v4p = n;
	r->cap4p = ncap;
	return 0;
}

static long find4p(const struct rib *r, uint32_t addr, uint32_t meta,
		   uint32_t path)
{
	if (!r->cap4p)
		return -1;
	for (size_t i = home4p(addr, meta, r->cap4p); r->v4p[i].meta;
	     i = (i + 1) & (r->cap4p - 1))
		if (r->v4p[i].addr == addr && r->v4p[i].path == path &&
		    (r->v4p[i].meta >> 24) == (meta >> 24))
			return (long)i;
	return -1;
}

static void shift_del4p(struct rib *r, size_t i)
{
	size_t j;

	r->v4p[i].meta = 0;
	for (j = (i + 1) & (r->cap4p - 1); r->v4p[j].meta;
	     j = (j + 1) & (r->cap4p - 1)) {
		size_t h = home4p(r->v4p[j].addr, r->v4p[j].meta, r->cap4p);

		if ((j > i && (h <= i || h > j)) ||
		    (j < i && (h <= i && h > j))) {
			r->v4p[i] = r->v4p[j];
			r->v4p[j].meta = 0;
			i = j;
		}
	}
}

/* --- IPv6 ------------------------------------------------------------------ */

static size_t home6(const uint8_t *a, uint8_t plen, size_t cap)
{
	uint64_t h = hash_bytes(a, 16) ^ (plen * 0x9E3779B97F4A7C15ULL);

	return (size_t)h & (cap - 1);
}

static int grow6(struct rib *r)
{
	size_t ncap = r->cap6 ? r->cap6 * 2 : 64;
	struct rib6_slot *n = malloc(ncap * sizeof(*n));

	if (!n)
		return -1;
	for (size_t i = 0; i < ncap; i++)
		n[i].plen = 0xff;
	for (size_t i = 0; i < r->cap6; i++) {
		size_t j;

		if (r->v6[i].plen == 0xff)
			continue;
		for (j = home6(r->v6[i].addr, r->v6[i].plen, ncap);
		     n[j].plen != 0xff; j = (j + 1) & (ncap - 1))
			;
		n[j] = r->v6[i];
	}
	free(r->v6);
	r->v6 = n;
	r->cap6 = ncap;
	return 0;
}

static long find6(const struct rib *r, const struct prefix *p, uint32_t path)
{
	if (!r->cap6)
		return -1;
	for (size_t i = home6(p->addr, p->plen, r->cap6);
	     r->v6[i].plen != 0xff; i = (i + 1) & (r->cap6 - 1))
		if (r->v6[i].plen == p->plen && r->v6[i].path == path &&
		    !memcmp(r->v6[i].addr, p->addr, 16))
			return (long)i;
	return -1;
}

static void shift_del6(struct rib *r, size_t i)
{
	size_t j;

	r->v6[i].plen = 0xff;
	for (j = (i + 1) & (r->cap6 - 1); r->v6[j].plen != 0xff;
	     j = (j + 1) & (r->cap6 - 1)) {
		size_t h = home6(r->v6[j].addr, r->v6[j].plen, r->cap6);

		if ((j > i && (h <= i || h > j)) ||
		    (j < i && (h <= i && h > j))) {
			r->v6[i] = r->v6[j];
			r->v6[j].plen = 0xff;
			i = j;
		}
	}
}

/* --- the table --------------------------------------------------------------- */

int rib_add(struct rib *r, const struct prefix *p, uint32_t path,
	    uint32_t id)
{
	long i;

	if (p->family == AF_INET && !path) {
		uint64_t v = pack4(p, id);

		if ((i = find4(r, v)) >= 0) {
			rib_attr_unref((uint32_t)(r->v4[i] & 0xffffff));
			r->v4[i] = v;
			return 0;
		}
		if ((r->n4 + 1) * 2 > r->cap4 && grow4(r) < 0)
			return -1;
		for (i = home4(v, r->cap4); r->v4[i];
		     i = (i + 1) & (r->cap4 - 1))
			;
		r->v4[i] = v;
		r->n4++;
		return 0;
	}
	if (p->family == AF_INET) {
		uint32_t a, m = meta4p(p, id);

		memcpy(&a, p->addr, 4);
		if ((i = find4p(r, a, m, path)) >= 0) {
			rib_attr_unref(r->v4p[i].meta & 0xffffff);
			r->v4p[i].meta = m;
			return 0;
		}
		if ((r->n4p + 1) * 2 > r->cap4p && grow4p(r) < 0)
			return -1;
		for (i = home4p(a, m, r->cap4p); r->v4p[i].meta;
		     i = (i + 1) & (r->cap4p - 1))
			;
		r->v4p[i] = (struct rib4p_slot){ a, path, m };
		r->n4p++;
		return 0;
	}
	if ((i = find6(r, p, path)) >= 0) {
		rib_attr_unref(r->v6[i].id);
		r->v6[i].id = id;
		return 0;
	}
	if ((r->n6 + 1) * 2 > r->cap6 && grow6(r) < 0)
		return -1;
	for (i = home6(p->addr, p->plen, r->cap6); r->v6[i].plen != 0xff;
	     i = (i + 1) & (r->cap6 - 1))
		;
	memcpy(r->v6[i].addr, p->addr, 16);
	r->v6[i].plen = p->plen;
	r->v6[i].path = path;
	r->v6[i].id = id;
	r->n6++;
	return 0;
}

int rib_del(struct rib *r, const struct prefix *p, uint32_t path)
{
	long i;

	if (p->family == AF_INET && !path) {
		if ((i = find4(r, pack4(p, 0))) < 0)
			return 0;
		rib_attr_unref((uint32_t)(r->v4[i] & 0xffffff));
		shift_del4(r, i);
		r->n4--;
		return 1;
	}
	if (p->family == AF_INET) {
		uint32_t a;

		memcpy(&a, p->addr, 4);
		if ((i = find4p(r, a, meta4p(p, 0), path)) < 0)
			return 0;
		rib_attr_unref(r->v4p[i].meta & 0xffffff);
		shift_del4p(r, i);
		r->n4p--;
		return 1;
	}
	if ((i = find6(r, p, path)) < 0)
		return 0;
	rib_attr_unref(r->v6[i].id);
	shift_del6(r, i);
	r->n6--;
	return 1;
}

uint32_t rib_get(const struct rib *r, const struct prefix *p, uint32_t path)
{
	long i;

	if (p->family == AF_INET && !path)
		return (i = find4(r, pack4(p, 0))) >= 0
			       ? (uint32_t)(r->v4[i] & 0xffffff)
			       : 0;
	if (p->family == AF_INET) {
		uint32_t a;

		memcpy(&a, p->addr, 4);
		return (i = find4p(r, a, meta4p(p, 0), path)) >= 0
			       ? r->v4p[i].meta & 0xffffff
			       : 0;
	}
	return (i = find6(r, p, path)) >= 0 ? r->v6[i].id : 0;
}

uint32_t rib_first_path(const struct rib *r, const struct prefix *p,
			uint32_t *path)
{
	uint32_t id = 0, best = 0;

	*path = 0;
	if (p->family == AF_INET) {
		uint32_t a, m = meta4p(p, 0);

		if ((id = rib_get(r, p, 0)))
			return id;
		if (!r->cap4p)
			return 0;
		memcpy(&a, p->addr, 4);
		/* every path of p is in the run from its home */
		for (size_t i = home4p(a, m, r->cap4p); r->v4p[i].meta;
		     i = (i + 1) & (r->cap4p - 1))
			if (r->v4p[i].addr == a &&
			    (r->v4p[i].meta >> 24) == (m >> 24) &&
			    (!id || r->v4p[i].path < best)) {
				best = r->v4p[i].path;
				id = r->v4p[i].meta & 0xffffff;
			}
		*path = best;
		return id;
	}
	if (!r->cap6)
		return 0;
	for (size_t i = home6(p->addr, p->plen, r->cap6);
	     r->v6[i].plen != 0xff; i = (i + 1) & (r->cap6 - 1))
		if (r->v6[i].plen == p->plen &&
		    !memcmp(r->v6[i].addr, p->addr, 16) &&
		    (!id || r->v6[i].path < best)) {
			best = r->v6[i].path;
			id = r->v6[i].id;
		}
	*path = best;
	return id;
}

void rib_clear(struct rib *r)
{
	for (size_t i = 0; i < r->cap4; i++)
		if (r->v4[i])
			rib_attr_unref((uint32_t)(r->v4[i] & 0xffffff));
	for (size_t i = 0; i < r->cap4p; i++)
		if (r->v4p[i].meta)
			rib_attr_unref(r->v4p[i].meta & 0xffffff);
	for (size_t i = 0; i < r->cap6; i++)
		if (r->v6[i].plen != 0xff)
			rib_attr_unref(r->v6[i].id);
	free(r->v4);
	free(r->v4p);
	free(r->v6);
	memset(r, 0, sizeof(*r));
}

size_t rib_count(const struct rib *r)
{
	return r->n4 + r->n4p + r->n6;
}

size_t rib_bytes(const struct rib *r)
{
	return r->cap4 * sizeof(*r->v4) + r->cap4p * sizeof(*r->v4p) +
	       r->cap6 * sizeof(*r->v6);
}

int rib_foreach(const struct rib *r, rib_cb cb, void *arg)
{
	struct prefix p;
	int ret;

	for (size_t i = 0; i < r->cap4; i++) {
		uint32_t a;

		if (!r->v4[i])
			continue;
		memset(&p, 0, sizeof(p));
		p.family = AF_INET;
		a = key4(r->v4[i]);
		memcpy(p.addr, &a, 4);
		p.plen = (int)((r->v4[i] >> 24) & 0xff) - 1;
		if ((ret = cb(&p, 0, (uint32_t)(r->v4[i] & 0xffffff), arg)))
			return ret;
	}
	for (size_t i = 0; i < r->cap4p; i++) {
		if (!r->v4p[i].meta)
			continue;
		memset(&p, 0, sizeof(p));
		p.family = AF_INET;
		memcpy(p.addr, &r->v4p[i].addr, 4);
		p.plen = (int)(r->v4p[i].meta >> 24) - 1;
		if ((ret = cb(&p, r->v4p[i].path, r->v4p[i].meta & 0xffffff,
			      arg)))
			return ret;
	}
	for (size_t i = 0; i < r->cap6; i++) {
		if (r->v6[i].plen == 0xff)
			continue;
		memset(&p, 0, sizeof(p));
		p.family = AF_INET6;
		memcpy(p.addr, r->v6[i].addr, 16);
		p.plen = r->v6[i].plen;
		if ((ret = cb(&p, r->v6[i].path, r->v6[i].id, arg)))
			return ret;
	}
	return 0;
}
