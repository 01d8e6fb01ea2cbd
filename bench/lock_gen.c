/*
 * lock_gen.c - writes the generated up and validate migrations for the
 * lock benchmark's schema (users <- child.child_user_id_fkey, NO ACTION),
 * calling fix_build() on a model built by hand. bench/lock.sh uses it
 * only when `pgcascade fix` cannot read the schema itself yet (the
 * static front end lands on another branch).
 * usage: lock_gen UPFILE VALIDATEFILE
 */
#include "analysis/analysis.h"
#include "fix/fix.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	Arena *a = arena_new();
	Model *m = model_new(a);
	m->dialect = DIALECT_POSTGRES;
	SrcLoc loc = {0};
	Table *users = model_add_table(m, "public", "users", loc);
	model_add_column(m, users, "id", "bigint")->not_null = true;
	Table *child = model_add_table(m, "public", "child", loc);
	model_add_column(m, child, "id", "bigint")->not_null = true;
	model_add_column(m, child, "user_id", "bigint")->not_null = true;
	ForeignKey *fk = model_add_fk(m, child, "child_user_id_fkey");
	static const char *cols[] = {"user_id"}, *refcols[] = {"id"}, *path[] = {"child_user_id_fkey"};
	fk->cols = cols;
	fk->ncols = 1;
	fk->ref = users;
	fk->ref_cols = refcols;
	fk->nref_cols = 1;
	Analysis an;
	memset(&an, 0, sizeof(an));
	Finding f = {.rule = "fk-blocks-delete", .severity = SEV_ERROR, .schema = "public",
	             .table = "child", .constraint = "child_user_id_fkey", .depth = 1,
	             .blocks = "always", .path = path, .npath = 1, .fk = fk,
	             .root_schema = "public", .root_table = "users", .message = "bench"};
	VEC_PUSH(a, an.findings, &f);
	FixOptions o = {.command_line = "bench/lock_gen", .lock_timeout = "5s"};
	FixOutput out;
	Err err = {0};
	if (fix_build(m, &an, &o, &out, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	FILE *u = fopen(argv[1], "w"), *v = fopen(argv[2], "w");
	if (!u || !v)
		return 1;
	fputs(out.up, u);
	fputs(out.validate, v);
	fclose(u);
	fclose(v);
	arena_free(a);
	return 0;
}
