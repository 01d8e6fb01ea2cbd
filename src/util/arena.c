/*
 * arena.c - bump allocator over a list of blocks; see arena.h.
 *
 * A block hands out aligned allocations from its bottom and strings
 * (arena_strdup, arena_printf: no alignment needed) from its top, so a
 * short string costs its length, not a multiple of 16 bytes. An
 * allocation bigger than a block gets a block of its own, freed when
 * it is released (a hash map's old slot array).
 */
#include "util/arena.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)
#define ALIGN 16

typedef struct Block {
	struct Block *next;
	size_t size, used;      /* aligned allocations: data[0, used) */
	size_t top;             /* strings: data[top, size) */
	_Alignas(16) unsigned char data[];
} Block;

/*
 * Released chunks (arena_release) wait in bins by size: a chunk in bin k
 * holds at least 2^k bytes, and a request of n bytes takes from the bin
 * of the next power of two, so any chunk there fits.
 */
#define NBINS 48
typedef struct FreeChunk {
	struct FreeChunk *next;
} FreeChunk;

struct Arena {
	Block *head;
	size_t total;
	FreeChunk *bins[NBINS];
};

static int floor_log2(size_t n)
{
	int k = 0;
	while (n >>= 1)
		k++;
	return k;
}

Arena *arena_new(void)
{
	Arena *a = xcalloc(1, sizeof(*a));
	return a;
}

void arena_free(Arena *a)
{
	if (!a)
		return;
	Block *b = a->head;
	while (b) {
		Block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

/* A block with room for n more bytes (a new one when the current has not). */
static Block *room(Arena *a, size_t n)
{
	Block *b = a->head;
	if (b && b->top - b->used >= n)
		return b;
	size_t sz = n > BLOCK_MIN ? n : BLOCK_MIN;
	Block *nb = xmalloc(sizeof(Block) + sz);
	nb->size = nb->top = sz;
	nb->used = 0;
	/* Keep a big one-off block behind the current one so the
	 * current block's free space is not wasted. */
	if (b && sz > BLOCK_MIN) {
		nb->next = b->next;
		b->next = nb;
	} else {
		nb->next = b;
		a->head = nb;
	}
	return nb;
}

void *arena_alloc(Arena *a, size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	int k = floor_log2(n);
	if ((size_t)1 << k != n)
		k++;
	if (k < NBINS && a->bins[k]) {
		FreeChunk *c = a->bins[k];
		a->bins[k] = c->next;
		memset(c, 0, n);
		return c;
	}
	Block *b = room(a, n);
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

/* n bytes without alignment (not zeroed: the caller writes them all). */
static char *alloc_bytes(Arena *a, size_t n)
{
	Block *b = room(a, n);
	b->top -= n;
	a->total += n;
	return (char *)b->data + b->top;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, n);
	char *p = alloc_bytes(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(Arena *a, const char *s)
{
	return s ? arena_strndup(a, s, SIZE_MAX) : NULL;
}

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = alloc_bytes(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_grow(Arena *a, void *old, size_t n, size_t cap, size_t sz)
{
	void *p = arena_alloc(a, cap * sz);
	if (old && n)
		memcpy(p, old, n * sz);
	return p;
}

void arena_release(Arena *a, void *p, size_t n)
{
	n &= ~(size_t)(ALIGN - 1); /* only what arena_alloc surely handed out */
	if (!p || n < ALIGN)
		return;
	if (n > BLOCK_MIN) {
		/* the whole of a block of its own: free it */
		for (Block **pb = &a->head; *pb; pb = &(*pb)->next) {
			Block *b = *pb;
			if ((void *)b->data == p && b->size > BLOCK_MIN) {
				*pb = b->next;
				free(b);
				return;
			}
		}
	}
	int k = floor_log2(n);
	if (k >= NBINS)
		return;
	FreeChunk *c = p;
	c->next = a->bins[k];
	a->bins[k] = c;
}

size_t arena_used(const Arena *a)
{
	return a->total;
}
