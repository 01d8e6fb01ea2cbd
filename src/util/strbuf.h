/*
 * strbuf.h - growable string, after git's strbuf.
 *
 * A StrBuf is never NULL-buffered once used: sb.buf always points at a
 * NUL-terminated string (the static "" before the first append). The
 * caller owns the heap buffer; release it with sb_release() or take it
 * with sb_detach(), after which the caller frees it with free().
 */
#ifndef PGC_STRBUF_H
#define PGC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct StrBuf {
	char *buf;
	size_t len, alloc;
} StrBuf;

extern char sb_empty[];
#define STRBUF_INIT { sb_empty, 0, 0 }

void sb_init(StrBuf *sb);
void sb_grow(StrBuf *sb, size_t extra);
void sb_add(StrBuf *sb, const void *data, size_t n);
void sb_adds(StrBuf *sb, const char *s);
void sb_addch(StrBuf *sb, char c);
void sb_addf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(StrBuf *sb, const char *fmt, va_list ap);
void sb_setlen(StrBuf *sb, size_t len);
void sb_reset(StrBuf *sb);
/* Returns the malloc'd buffer (the caller frees it) and re-inits sb. */
char *sb_detach(StrBuf *sb, size_t *len);
void sb_release(StrBuf *sb);

#endif
