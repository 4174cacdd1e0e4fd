// SPDX-License-Identifier: MIT
#include "hashmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/*
 * Eight bytes at a time, each word folded in with a multiply and a shift
 * (the SplitMix64 constants), then a final avalanche (MurmurHash3's
 * fmix64). Keys are mostly Go symbol names of 30 to 100 bytes, hashed
 * into several maps: FNV-1a's byte-at-a-time multiply chain made hashing
 * a sixth of a big check. Nothing keeps a hash outside the process.
 */
static uint64_t fold(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

uint64_t pgd_hashmap_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = fold(h, w);
	}
	if (len) {
		w = 0;
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = fold(h, w);
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static struct hashmap_entry *probe(const struct hashmap *m, const void *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct hashmap_entry *e = &m->slots[i];

		if (!e->key)
			return e;
		if (e->hash == h && e->key_len == len && !memcmp(e->key, key, len))
			return e;
	}
}

struct hashmap_entry *pgd_hashmap_find(const struct hashmap *m, const void *key, size_t len)
{
	struct hashmap_entry *e;

	if (!m->cap)
		return NULL;
	e = probe(m, key, len, pgd_hashmap_hash(key, len));
	return e->key ? e : NULL;
}

void pgd_hashmap_prefetch(const struct hashmap *m, const void *key, size_t len)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[(size_t)pgd_hashmap_hash(key, len) & (m->cap - 1)]);
}

struct hashmap_entry *pgd_hashmap_find_str(const struct hashmap *m, const char *key)
{
	return pgd_hashmap_find(m, key, strlen(key));
}

static int rehash(struct hashmap *m, size_t ncap)
{
	struct hashmap_entry *old = m->slots;
	size_t ocap = m->cap;

	m->slots = pgd_mem_zalloc(ncap, sizeof(*m->slots)); /* every function's name: see arena.h */
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].key)
			*probe(m, old[i].key, old[i].key_len, old[i].hash) = old[i];
	}
	pgd_mem_zfree(old);
	return 0;
}

static int grow(struct hashmap *m)
{
	return rehash(m, m->cap ? m->cap * 2 : 64);
}

int pgd_hashmap_reserve(struct hashmap *m, size_t n)
{
	size_t ncap = m->cap ? m->cap : 64;

	while ((n + 1) * 4 > ncap * 3) {
		if (ncap > SIZE_MAX / 2 / sizeof(*m->slots))
			return -1;
		ncap *= 2;
	}
	return ncap > m->cap ? rehash(m, ncap) : 0;
}

struct hashmap_entry *pgd_hashmap_upsert(struct hashmap *m, const void *key, size_t len, int *inserted)
{
	uint64_t h = pgd_hashmap_hash(key, len);
	struct hashmap_entry *e;

	if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
		return NULL;
	e = probe(m, key, len, h);
	if (inserted)
		*inserted = !e->key;
	if (!e->key) {
		e->key = key;
		e->key_len = len;
		e->hash = h;
		e->val.u64 = 0;
		m->count++;
	}
	return e;
}

const void *pgd_hashmap_memo(struct hashmap *m, struct arena *a, const char *name,
			     const void *(*find)(void *ctx, const char *name), void *ctx)
{
	struct hashmap_entry *e = pgd_hashmap_find_str(m, name);
	char *copy;
	int ins;

	if (e)
		return e->val.ptr;
	if (!(copy = pgd_arena_strdup(a, name)) || !(e = pgd_hashmap_upsert_str(m, copy, &ins)))
		return find(ctx, name);
	e->val.ptr = (void *)find(ctx, name);
	return e->val.ptr;
}

struct hashmap_entry *pgd_hashmap_upsert_str(struct hashmap *m, const char *key, int *inserted)
{
	return pgd_hashmap_upsert(m, key, strlen(key), inserted);
}

void pgd_hashmap_remove(struct hashmap *m, struct hashmap_entry *e)
{
	size_t mask = m->cap - 1, i = (size_t)(e - m->slots);

	/* backward-shift deletion: no tombstones for linear probing */
	for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = (size_t)m->slots[j].hash & mask;

		/* slot j may move to the hole at i unless its home lies in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	memset(&m->slots[i], 0, sizeof(m->slots[i]));
	m->count--;
}

int pgd_hashmap_next(const struct hashmap *m, size_t *iter, struct hashmap_entry **e)
{
	for (; *iter < m->cap; (*iter)++) {
		if (m->slots[*iter].key) {
			*e = &m->slots[(*iter)++];
			return 1;
		}
	}
	return 0;
}

void pgd_hashmap_free(struct hashmap *m)
{
	pgd_mem_zfree(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}
