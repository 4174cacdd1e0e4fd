// SPDX-License-Identifier: MIT
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK_MIN (64 * 1024)
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t off;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

#define HUGE_PAGE ((uintptr_t)2 << 20)

void pgd_mem_advise_huge(void *p, size_t len)
{
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + len) & ~(HUGE_PAGE - 1);

#ifdef MADV_HUGEPAGE
	if (len >= PGD_MEM_HUGE_MIN && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: 4 KiB pages still work */
#else
	(void)lo;
	(void)hi;
#endif
}

void *pgd_mem_grow(void *arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap <= n)
		ncap = n + 1;
	if (ncap < *cap || !elem || ncap > SIZE_MAX / elem || !(p = realloc(arr, ncap * elem)))
		return NULL;
	*cap = ncap;
	return p;
}

/* What pgd_mem_zalloc keeps before the block it hands out. */
struct zalloc_head {
	size_t len;                   /* of the whole allocation, this head included */
	int mapped;                   /* mmap'd (munmap it), else calloc'd */
};

#define ZALLOC_HEAD 64            /* keeps the block 64-byte aligned */

void *pgd_mem_zalloc(size_t n, size_t size)
{
	struct zalloc_head *h;
	size_t bytes;

	if (size && n > (SIZE_MAX - ZALLOC_HEAD) / size)
		return NULL;
	bytes = n * size + ZALLOC_HEAD;
	if (bytes < PGD_MEM_HUGE_MIN) {
		if (!(h = calloc(1, bytes)))
			return NULL;
		h->mapped = 0;
	} else {
		/*
		 * A fresh mapping: the kernel zeroes each page on first touch,
		 * after the advice, so every byte is cleared once and the
		 * interior comes in huge pages. aligned_alloc and memset
		 * cleared every huge page twice (the kernel's, then ours);
		 * calloc may hand back heap memory it clears itself before the
		 * advice can apply.
		 */
		void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		pgd_mem_advise_huge(p, bytes);
		h = p;
		h->mapped = 1;
	}
	h->len = bytes;
	return (char *)h + ZALLOC_HEAD;
}

void pgd_mem_zfree(void *p)
{
	struct zalloc_head *h;

	if (!p)
		return;
	h = (struct zalloc_head *)((char *)p - ZALLOC_HEAD);
	if (h->mapped)
		munmap(h, h->len);
	else
		free(h);
}

void pgd_arena_init(struct arena *a, size_t cap_bytes)
{
	memset(a, 0, sizeof(*a));
	a->cap_bytes = cap_bytes;
}

void *pgd_arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (need < size)
		return NULL;
	if (!b || b->size - b->off < need) {
		size_t bsize = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;

		/* Grow block sizes with the arena so big inputs need few mallocs. */
		if (a->reserved_bytes / 4 > bsize)
			bsize = a->reserved_bytes / 4;
		if (a->cap_bytes && a->reserved_bytes + bsize > a->cap_bytes) {
			if (a->reserved_bytes + need > a->cap_bytes)
				return NULL;
			bsize = need;
		}
		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		pgd_mem_advise_huge(b, sizeof(*b) + bsize);
		b->size = bsize;
		b->off = 0;
		b->next = a->head;
		a->head = b;
		a->reserved_bytes += bsize;
	}
	void *p = b->data + b->off;
	b->off += need;
	a->used_bytes += size;
	memset(p, 0, size);
	return p;
}

void *pgd_arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return pgd_arena_alloc(a, n * size);
}

char *pgd_arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = pgd_arena_alloc(a, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *pgd_arena_strdup(struct arena *a, const char *s)
{
	return pgd_arena_strndup(a, s, strlen(s));
}

char *pgd_arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int len;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	p = pgd_arena_alloc(a, (size_t)len + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *pgd_arena_realloc_array(struct arena *a, void *old, size_t old_n, size_t new_n, size_t elem)
{
	void *p = pgd_arena_calloc(a, new_n, elem);

	if (p && old && old_n)
		memcpy(p, old, (old_n < new_n ? old_n : new_n) * elem);
	return p;
}

void *pgd_arena_grow_for_append(struct arena *a, void *arr, size_t n, size_t elem)
{
	if (n == 0)
		return pgd_arena_calloc(a, 4, elem);
	if (n >= 4 && (n & (n - 1)) == 0)
		return pgd_arena_realloc_array(a, arr, n, 2 * n, elem);
	return arr;
}

void pgd_arena_adopt(struct arena *into, struct arena *from)
{
	struct arena_block *tail = from->head;

	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	/* after into's head: its current block stays the one allocations fill */
	if (into->head) {
		tail->next = into->head->next;
		into->head->next = from->head;
	} else {
		into->head = from->head;
	}
	into->used_bytes += from->used_bytes;
	into->reserved_bytes += from->reserved_bytes;
	from->head = NULL;
	from->used_bytes = 0;
	from->reserved_bytes = 0;
}

void pgd_arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_bytes = 0;
	a->reserved_bytes = 0;
}
