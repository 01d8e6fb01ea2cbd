/* quote.c - identifier and literal quoting; see quote.h. */
#include "util/quote.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdbool.h>
#include <string.h>

/* True when the scanner reads name as a keyword that must be quoted. */
static bool needs_keyword_quote(const char *name)
{
	PgQueryScanResult r = pg_query_scan(name);
	bool quote = false;
	if (r.error) {
		quote = true;
	} else {
		PgQuery__ScanResult *sr = pg_query__scan_result__unpack(
			NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
		if (!sr) {
			quote = true;
		} else {
			if (sr->n_tokens != 1)
				quote = true;
			else if (sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
			         sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD)
				quote = true;
			pg_query__scan_result__free_unpacked(sr, NULL);
		}
	}
	pg_query_free_scan_result(r);
	return quote;
}

static bool needs_quote(const char *name)
{
	if (!name[0])
		return true;
	if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return true;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return true;
	return needs_keyword_quote(name);
}

void sb_add_ident(StrBuf *sb, const char *name)
{
	if (!name)
		name = "";
	if (!needs_quote(name)) {
		sb_adds(sb, name);
		return;
	}
	sb_addch(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			sb_addch(sb, '"');
		sb_addch(sb, *p);
	}
	sb_addch(sb, '"');
}

void sb_add_qualified(StrBuf *sb, const char *schema, const char *name)
{
	if (schema && schema[0]) {
		sb_add_ident(sb, schema);
		sb_addch(sb, '.');
	}
	sb_add_ident(sb, name);
}

void sb_add_literal(StrBuf *sb, const char *s)
{
	sb_addch(sb, '\'');
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\'')
			sb_addch(sb, '\'');
		sb_addch(sb, *p);
	}
	sb_addch(sb, '\'');
}

const char *quote_ident(Arena *a, const char *name)
{
	StrBuf sb = STRBUF_INIT;
	sb_add_ident(&sb, name);
	const char *r = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return r;
}
