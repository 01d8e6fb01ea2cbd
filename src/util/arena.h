/*
 * arena.h - region allocator for the data of one run.
 *
 * Everything the model, the front end and the analysis allocate for one
 * command lives in one Arena and is released by a single arena_free().
 * Allocation failure is fatal through xmalloc() (see xalloc.h): the tool
 * has nothing sensible to do without memory, and one exit path keeps
 * every caller simple.
 */
#ifndef PGC_ARENA_H
#define PGC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Arena Arena;

/* Returns a new arena; the caller frees it with arena_free(). */
Arena *arena_new(void);
/* Frees every block the arena handed out. NULL is allowed. */
void arena_free(Arena *a);

/* Zeroed memory owned by the arena, aligned for any type. */
void *arena_alloc(Arena *a, size_t n);
/* Copies owned by the arena. NULL in gives NULL out. */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
/* Grows an arena array: returns a copy of old (n elements of size sz) with room for cap. */
void *arena_grow(Arena *a, void *old, size_t n, size_t cap, size_t sz);
/*
 * Gives back n bytes at p (handed out by this arena and no longer used by
 * anyone) for later allocations of at most that size; the memory stays
 * the arena's. For arrays replaced by bigger ones.
 */
void arena_release(Arena *a, void *p, size_t n);
/* Bytes handed out so far (for the memory benchmark). */
size_t arena_used(const Arena *a);

/*
 * Growable array stored in an arena. Declare with PGC_VEC(Type) name;
 * push with VEC_PUSH(arena, vec, value).
 */
#define PGC_VEC(T) struct { T *items; size_t n, cap; }
#define VEC_PUSH(arena, v, val) do { \
		if ((v).n == (v).cap) { \
			size_t nc_ = (v).cap ? (v).cap * 2 : 8; \
			(v).items = arena_grow((arena), (v).items, (v).n, nc_, sizeof(*(v).items)); \
			(v).cap = nc_; \
		} \
		(v).items[(v).n++] = (val); \
	} while (0)

#endif
