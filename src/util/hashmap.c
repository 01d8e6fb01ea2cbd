/*
 * hashmap.c - linear-probing map with tombstones; see hashmap.h.
 *
 * A slot is two pointers (16 bytes): the hash is not kept, a probe
 * compares keys (they differ in their first bytes), a rehash hashes each
 * key again. A replaced slot array goes back to the arena
 * (arena_release: a big one is freed).
 */
#include "util/hashmap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct Slot {
	const char *key; /* NULL: empty; TOMB: deleted */
	void *val;
} Slot;

struct HashMap {
	Arena *arena;
	Slot *slots;
	size_t cap, count, used;
};

static const char tomb_[1];
#define TOMB (tomb_)

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

HashMap *hm_new(Arena *a)
{
	HashMap *m = arena_alloc(a, sizeof(*m));
	m->arena = a;
	m->cap = 64;
	m->slots = arena_alloc(a, m->cap * sizeof(Slot));
	return m;
}

static Slot *find(const HashMap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		Slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != TOMB && strcmp(s->key, key) == 0)
			return s;
	}
}

static void insert(HashMap *m, const char *key, void *val, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		Slot *s = &m->slots[i];
		if (!s->key) {
			s->key = key;
			s->val = val;
			m->used++;
			m->count++;
			return;
		}
	}
}

static void rehash(HashMap *m)
{
	Slot *old = m->slots;
	size_t oc = m->cap;
	if (m->count * 2 >= m->cap)
		m->cap *= 2;
	m->slots = arena_alloc(m->arena, m->cap * sizeof(Slot));
	m->count = m->used = 0;
	for (size_t i = 0; i < oc; i++)
		if (old[i].key && old[i].key != TOMB)
			insert(m, old[i].key, old[i].val, hash(old[i].key));
	arena_release(m->arena, old, oc * sizeof(Slot));
}

void *hm_get(const HashMap *m, const char *key)
{
	Slot *s = find(m, key, hash(key));
	return s ? s->val : NULL;
}

static void put(HashMap *m, const char *key, void *val, bool copy)
{
	uint64_t h = hash(key);
	Slot *s = find(m, key, h);
	if (s) {
		s->val = val;
		return;
	}
	if ((m->used + 1) * 4 >= m->cap * 3)
		rehash(m);
	insert(m, copy ? arena_strdup(m->arena, key) : key, val, h);
}

void hm_put(HashMap *m, const char *key, void *val)
{
	put(m, key, val, true);
}

void hm_put_owned(HashMap *m, const char *key, void *val)
{
	put(m, key, val, false);
}

void *hm_del(HashMap *m, const char *key)
{
	Slot *s = find(m, key, hash(key));
	if (!s)
		return NULL;
	void *v = s->val;
	s->key = TOMB;
	s->val = NULL;
	m->count--;
	return v;
}

size_t hm_count(const HashMap *m)
{
	return m->count;
}
