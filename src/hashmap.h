/* SPDX-License-Identifier: MIT */
#ifndef PGD_HASHMAP_H
#define PGD_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * One small open-addressing hash map reused everywhere (libbpf's hashmap.h
 * plays the same role there). Keys are byte strings the caller keeps alive
 * (usually in an arena); values are one pointer-sized word. The map itself
 * is malloc'd so it can grow without wasting arena space; pgd_hashmap_free()
 * releases only the table.
 */
struct hashmap_entry {
	const void *key;
	size_t key_len;
	uint64_t hash;
	union {
		void *ptr;
		uint64_t u64;
		int64_t i64;
	} val;
};

struct hashmap {
	struct hashmap_entry *slots;
	size_t cap;     /* power of two, 0 when empty */
	size_t count;
};

#define HASHMAP_INIT { 0 }

uint64_t pgd_hashmap_hash(const void *key, size_t len);
/* The entry for key, or NULL. */
struct hashmap_entry *pgd_hashmap_find(const struct hashmap *m, const void *key, size_t len);
struct hashmap_entry *pgd_hashmap_find_str(const struct hashmap *m, const char *key);
/*
 * The entry for key, inserted (value zeroed) when absent; *inserted tells
 * which. NULL on out of memory.
 */
struct hashmap_entry *pgd_hashmap_upsert(struct hashmap *m, const void *key, size_t len, int *inserted);
/*
 * A hint that key will be looked up or upserted soon: its home slot is
 * fetched into the cache. A loop indexing every function of a big binary
 * into a table of megabytes waits on one cache miss per name; hinting a
 * few names ahead overlaps the misses (the lookup hashes again).
 */
void pgd_hashmap_prefetch(const struct hashmap *m, const void *key, size_t len);
/* How many names ahead such a loop hints. */
#define PGD_HASHMAP_AHEAD 8
struct hashmap_entry *pgd_hashmap_upsert_str(struct hashmap *m, const char *key, int *inserted);
/*
 * name's value as find(ctx, name) gives it, kept in m with the name copied
 * into a: find runs once per name (the binary's alias lookups scan every
 * symbol). Out of memory, find's answer is returned unkept.
 */
struct arena;
const void *pgd_hashmap_memo(struct hashmap *m, struct arena *a, const char *name,
			     const void *(*find)(void *ctx, const char *name), void *ctx);
/* Room for n entries without growing (big maps of a known size rehash once). 0, or -1 out of memory. */
int pgd_hashmap_reserve(struct hashmap *m, size_t n);
/* Removes an entry found or upserted in m (the other entries may move). */
void pgd_hashmap_remove(struct hashmap *m, struct hashmap_entry *e);
void pgd_hashmap_free(struct hashmap *m);

/* Iterates over used slots: for (i = 0; pgd_hashmap_next(m, &i, &e);) */
int pgd_hashmap_next(const struct hashmap *m, size_t *iter, struct hashmap_entry **e);

#endif
