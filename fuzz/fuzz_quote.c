/*
 * fuzz_quote.c - libFuzzer target for the one quoting function.
 *
 * The input (cut at the first NUL) is a name. sb_add_ident() quotes it;
 * libpg_query parses `CREATE TABLE <q> ()`, `SELECT 1 AS <q>` and
 * `CREATE TABLE <q>.<q> ()` (sb_add_qualified) back, and each must give
 * the same name: byte for byte up to 63 bytes, and PostgreSQL's
 * truncation (a prefix of at most 63 bytes, cut on a character
 * boundary) beyond. sb_add_literal() must round-trip through
 * `SELECT <literal>` exactly. Any mismatch aborts (a crash for libFuzzer).
 */
#include "util/quote.h"
#include "util/strbuf.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMEMAX 63

static void fail(const char *what, const char *name, const char *sql, const char *got)
{
	fprintf(stderr, "fuzz_quote: %s\n  name: \"%s\"\n  sql:  %s\n  got:  \"%s\"\n",
	        what, name, sql, got ? got : "(null)");
	abort();
}

/* The name PostgreSQL keeps: name itself, or a prefix of at most 63 bytes. */
static int same_name(const char *want, const char *got)
{
	size_t wl = strlen(want), gl = strlen(got);
	if (wl <= NAMEMAX)
		return wl == gl && memcmp(want, got, wl) == 0;
	/* truncate_identifier clips with pg_mbcliplen: at most 63 bytes, at
	 * least 63 - 3 (a UTF-8 character has at most 4 bytes). */
	return gl <= NAMEMAX && gl + 3 >= NAMEMAX && memcmp(want, got, gl) == 0;
}

static PgQuery__ParseResult *parse(const char *sql, PgQueryProtobufParseResult *raw)
{
	*raw = pg_query_parse_protobuf(sql);
	if (raw->error)
		return NULL;
	return pg_query__parse_result__unpack(NULL, raw->parse_tree.len, (const uint8_t *)raw->parse_tree.data);
}

static const PgQuery__Node *only_stmt(const PgQuery__ParseResult *pr)
{
	if (!pr || pr->n_stmts != 1 || !pr->stmts[0] || !pr->stmts[0]->stmt)
		return NULL;
	return pr->stmts[0]->stmt;
}

static void check_create_table(const char *name, const char *schema)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "CREATE TABLE ");
	if (schema)
		sb_add_qualified(&sb, schema, name);
	else
		sb_add_ident(&sb, name);
	sb_adds(&sb, " ()");
	PgQueryProtobufParseResult raw;
	PgQuery__ParseResult *pr = parse(sb.buf, &raw);
	if (raw.error)
		fail(raw.error->message, name, sb.buf, NULL);
	const PgQuery__Node *n = only_stmt(pr);
	if (!n || n->node_case != PG_QUERY__NODE__NODE_CREATE_STMT || !n->create_stmt->relation)
		fail("not one CREATE TABLE", name, sb.buf, NULL);
	const PgQuery__RangeVar *rv = n->create_stmt->relation;
	if (!same_name(name, rv->relname))
		fail("table name differs", name, sb.buf, rv->relname);
	if (schema && !same_name(schema, rv->schemaname))
		fail("schema name differs", schema, sb.buf, rv->schemaname);
	if (!schema && rv->schemaname && rv->schemaname[0])
		fail("a schema appeared", name, sb.buf, rv->schemaname);
	pg_query__parse_result__free_unpacked(pr, NULL);
	pg_query_free_protobuf_parse_result(raw);
	sb_release(&sb);
}

static void check_alias(const char *name)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "SELECT 1 AS ");
	sb_add_ident(&sb, name);
	PgQueryProtobufParseResult raw;
	PgQuery__ParseResult *pr = parse(sb.buf, &raw);
	if (raw.error)
		fail(raw.error->message, name, sb.buf, NULL);
	const PgQuery__Node *n = only_stmt(pr);
	if (!n || n->node_case != PG_QUERY__NODE__NODE_SELECT_STMT || n->select_stmt->n_target_list != 1)
		fail("not one SELECT target", name, sb.buf, NULL);
	const PgQuery__Node *t = n->select_stmt->target_list[0];
	if (!t || t->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !same_name(name, t->res_target->name))
		fail("alias differs", name, sb.buf, t && t->node_case == PG_QUERY__NODE__NODE_RES_TARGET ? t->res_target->name : NULL);
	pg_query__parse_result__free_unpacked(pr, NULL);
	pg_query_free_protobuf_parse_result(raw);
	sb_release(&sb);
}

static void check_literal(const char *s)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "SELECT ");
	sb_add_literal(&sb, s);
	PgQueryProtobufParseResult raw;
	PgQuery__ParseResult *pr = parse(sb.buf, &raw);
	if (raw.error)
		fail(raw.error->message, s, sb.buf, NULL);
	const PgQuery__Node *n = only_stmt(pr);
	const PgQuery__Node *t = NULL, *v = NULL;
	if (n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && n->select_stmt->n_target_list == 1)
		t = n->select_stmt->target_list[0];
	if (t && t->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
		v = t->res_target->val;
	if (!v || v->node_case != PG_QUERY__NODE__NODE_A_CONST ||
	    v->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL || !v->a_const->sval)
		fail("not one string constant", s, sb.buf, NULL);
	const char *got = v->a_const->sval->sval ? v->a_const->sval->sval : "";
	if (strcmp(got, s) != 0)
		fail("literal differs", s, sb.buf, got);
	pg_query__parse_result__free_unpacked(pr, NULL);
	pg_query_free_protobuf_parse_result(raw);
	sb_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *name = malloc(len + 1);
	if (!name)
		return 0;
	memcpy(name, data, len);
	name[len] = '\0';
	check_literal(name);
	/* PostgreSQL has no empty identifier: "" is a syntax error by design. */
	if (len > 0) {
		check_create_table(name, NULL);
		check_alias(name);
		check_create_table(name, name);
	}
	free(name);
	return 0;
}
