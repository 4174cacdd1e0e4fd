/* SPDX-License-Identifier: MIT */
#ifndef PGD_ARENA_H
#define PGD_ARENA_H

#include <stddef.h>

/*
 * One arena per loaded input (profile, binary, report). Everything decoded
 * from that input lives here and is freed as a whole by pgd_arena_release(), so
 * no code path ever frees a single node and error paths stay short.
 *
 * Invariant: allocations are 16-byte aligned and zeroed.
 */
struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_bytes;      /* sum of requested sizes, for stats */
	size_t reserved_bytes;  /* sum of block sizes, bounded by cap */
	size_t cap_bytes;       /* 0: unlimited */
};

#define ARENA_INIT { 0 }

void pgd_arena_init(struct arena *a, size_t cap_bytes);
/* NULL when out of memory or past the cap. */
void *pgd_arena_alloc(struct arena *a, size_t size);
/* NULL on overflow of n * size as well. */
void *pgd_arena_calloc(struct arena *a, size_t n, size_t size);
char *pgd_arena_strndup(struct arena *a, const char *s, size_t len);
char *pgd_arena_strdup(struct arena *a, const char *s);
char *pgd_arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Grows an arena array: copies the old contents; the old block is simply abandoned. */
void *pgd_arena_realloc_array(struct arena *a, void *old, size_t old_n, size_t new_n, size_t elem);
/*
 * Room to append one element to an arena array that holds n elements and
 * only ever grows through this function: its capacity is implied by n (0,
 * then 4, then doubling at each power of two), so callers keep no capacity
 * field and appends cost O(1) amortised. Returns the array, possibly moved,
 * or NULL when out of memory.
 */
void *pgd_arena_grow_for_append(struct arena *a, void *arr, size_t n, size_t elem);
void pgd_arena_release(struct arena *a);
/* Moves every block of `from` into `into` (what was allocated stays valid); `from` is left empty. */
void pgd_arena_adopt(struct arena *into, struct arena *from);

/*
 * Asks the kernel to back the 2 MiB-aligned interior of a fresh allocation
 * of at least PGD_MEM_HUGE_MIN bytes (malloc'd, not yet touched) with
 * transparent huge pages. Indexing every function of a 150 MB Go binary
 * (binary.c, gomodel.c) touches tens of megabytes once: in 4 KiB pages
 * their first-touch faults were a third of `check`'s time on a VM (Debian
 * sets THP to "madvise", so nothing happens without the advice).
 */
#define PGD_MEM_HUGE_MIN ((size_t)4 << 20)
void pgd_mem_advise_huge(void *p, size_t len);
/*
 * Room for an element at index n of a malloc'd array of *cap elements of
 * elem bytes: the array, grown by doubling (from 16) when n == *cap, or
 * NULL when out of memory or the size would overflow (arr is then left as
 * it was, for the caller to free). The one append-growth rule of the
 * library's malloc'd arrays.
 */
void *pgd_mem_grow(void *arr, size_t n, size_t *cap, size_t elem);
/* calloc(n, size), on huge pages from PGD_MEM_HUGE_MIN bytes; pgd_mem_zfree() it. */
void *pgd_mem_zalloc(size_t n, size_t size);
void pgd_mem_zfree(void *p);

#endif
