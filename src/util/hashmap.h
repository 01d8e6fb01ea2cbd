/*
 * hashmap.h - string-keyed open-addressing hash map.
 *
 * Keys are copied into the map's arena (hm_put_owned keeps the caller's); values are opaque pointers the
 * caller owns. Used for table and constraint look-ups so that replay of
 * 5,000 tables stays linear.
 */
#ifndef PGC_HASHMAP_H
#define PGC_HASHMAP_H

#include "util/arena.h"
#include <stddef.h>

typedef struct HashMap HashMap;

HashMap *hm_new(Arena *a);
void *hm_get(const HashMap *m, const char *key);
void hm_put(HashMap *m, const char *key, void *val);
/* hm_put without the copy: key (not changed afterwards) must live as long
 * as the map, e.g. a string of the map's arena made for it. */
void hm_put_owned(HashMap *m, const char *key, void *val);
/* Removes key; returns its value or NULL. */
void *hm_del(HashMap *m, const char *key);
size_t hm_count(const HashMap *m);

#endif
