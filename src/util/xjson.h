/*
 * xjson.h - json-c, checked. Code that builds JSON includes this instead of
 * <json-c/json.h>. json-c allocates on its own and reports a failed
 * allocation by returning NULL (constructors, serialisation) or -1 (adding
 * to an object or an array); the macros below turn either into the
 * out-of-memory unwinding of util/xalloc.h, as a failed xmalloc does, so a
 * JSON document is never written with a member silently missing. In a test
 * build (PGC_FAULT_INJECTION) with PGCASCADE_FAIL_ALLOC_JSON set, each
 * constructor is also an injection point of PGCASCADE_FAIL_ALLOC. Each macro calls the function of the same name
 * (the parenthesised name is not expanded again).
 */
#ifndef PGC_XJSON_H
#define PGC_XJSON_H

#include "util/xalloc.h"

#include <json-c/json.h>

static inline json_object *xjson_new(json_object *o)
{
	if (o && xalloc_inject()) {
		json_object_put(o);
		o = NULL;
	}
	if (!o)
		xalloc_fail();
	return o;
}

static inline int xjson_add(int rc)
{
	if (rc < 0)
		xalloc_fail();
	return rc;
}

static inline const char *xjson_text(const char *s)
{
	if (!s)
		xalloc_fail();
	return s;
}

#define json_object_new_object() xjson_new((json_object_new_object)())
#define json_object_new_array() xjson_new((json_object_new_array)())
#define json_object_new_string(s) xjson_new((json_object_new_string)(s))
#define json_object_new_int(i) xjson_new((json_object_new_int)(i))
#define json_object_new_int64(i) xjson_new((json_object_new_int64)(i))
#define json_object_new_boolean(b) xjson_new((json_object_new_boolean)(b))
#define json_object_new_double(d) xjson_new((json_object_new_double)(d))
#define json_object_object_add(o, k, v) xjson_add((json_object_object_add)((o), (k), (v)))
#define json_object_array_add(a, v) xjson_add((json_object_array_add)((a), (v)))
#define json_object_to_json_string_ext(o, f) xjson_text((json_object_to_json_string_ext)((o), (f)))

#endif
