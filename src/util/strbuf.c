/* strbuf.c - growable string; see strbuf.h. */
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char sb_empty[1];

void sb_init(StrBuf *sb)
{
	sb->buf = sb_empty;
	sb->len = sb->alloc = 0;
}

void sb_grow(StrBuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	size_t na = sb->alloc ? sb->alloc : 64;
	while (na < need)
		na *= 2;
	char *nb = xrealloc(sb->alloc ? sb->buf : NULL, na);
	if (!sb->alloc)
		nb[0] = '\0';
	sb->buf = nb;
	sb->alloc = na;
}

void sb_add(StrBuf *sb, const void *data, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(StrBuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addch(StrBuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vaddf(StrBuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(StrBuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_setlen(StrBuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void sb_reset(StrBuf *sb)
{
	sb_setlen(sb, 0);
}

char *sb_detach(StrBuf *sb, size_t *len)
{
	char *r = sb->alloc ? sb->buf : xstrdup("");
	if (len)
		*len = sb->len;
	sb_init(sb);
	return r;
}

void sb_release(StrBuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb_init(sb);
}
