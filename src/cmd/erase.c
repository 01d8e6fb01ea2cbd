/*
 * erase.c - `pgcascade erase`: options, the stages of src/erase/, the
 * exit code. See doc/erase.md.
 *
 * Nothing changes unless asked in so many words: --dry-run only reads;
 * otherwise --yes, or a "yes" typed on a terminal after the plan's totals.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "erase/erase.h"
#include "exitcodes.h"
#include "loader/live.h"
#include "report/words.h"
#include "version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool confirm(const ErasePlan *p)
{
	long del = 0, tables = 0, other = 0;
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *n = p->nodes.items[i];
		if (!n->retain && !n->anonymize && n->rows) {
			del += n->rows;
			tables++;
		}
		other += n->other_removed;
	}
	fprintf(stderr, "erase will delete %ld %s in %ld %s (%ld of other owners). Type \"yes\" to erase: ",
	        del, words_noun(del, "row", "rows"), tables, words_noun(tables, "table", "tables"), other);
	fflush(stderr);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

static int write_file(const char *path, const char *text, Err *err)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = 0;
	if (!f || fputs(text, f) < 0 || fflush(f) != 0 || fsync(fileno(f)) < 0)
		rc = -1;
	if (f && fclose(f) != 0)
		rc = -1;
	else if (!f && fd >= 0)
		close(fd);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot write: %s", path, err_errno(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int emit_sql(ErasePlan *p, const char *path, bool check, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	erase_script(p, &sb);
	int ret = PGC_EXIT_OK;
	if (check) {
		FILE *f = fopen(path, "rb");
		StrBuf old = STRBUF_INIT;
		if (f) {
			char buf[8192];
			size_t n;
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				sb_add(&old, buf, n);
			fclose(f);
		}
		if (!f || old.len != sb.len || memcmp(old.buf, sb.buf, sb.len) != 0) {
			log_error("%s is %s: run `pgcascade erase --emit-sql %s` again", path,
			          f ? "stale (the schema or the policy changed)" : "missing", path);
			ret = PGC_EXIT_FINDINGS;
		}
		sb_release(&old);
	} else if (write_file(path, sb.buf, err) < 0) {
		ret = -1;
	}
	sb_release(&sb);
	return ret;
}

int cmd_erase(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	PGconn *conn = NULL;
	bool in_txn = false;
	CommonOptions o;
	Settings s;
	int parsed = common_parse(a, "erase", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	const char *key = opt_str(&s, O_KEY, NULL), *receipt = opt_str(&s, O_RECEIPT, NULL);
	const char *salt = opt_str(&s, O_RECEIPT_SALT, NULL), *check_receipt = opt_str(&s, O_CHECK_RECEIPT, NULL);
	const char *emit = opt_str(&s, O_EMIT_SQL, NULL);
	bool dry_run = opt_given(&s, O_DRY_RUN), yes = opt_given(&s, O_YES);
	bool include_key = opt_given(&s, O_RECEIPT_INCLUDE_KEY), check = opt_given(&s, O_CHECK);
	EraseRun run = {0};
	run.order_deletes = opt_given(&s, O_ORDER_DELETES);
	run.lock_timeout = opt_str(&s, O_LOCK_TIMEOUT, NULL);
	run.statement_timeout = opt_str(&s, O_STATEMENT_TIMEOUT, NULL);
	const char *batch = opt_str(&s, O_BATCH_ROWS, NULL);
	if (batch) {
		char *end;
		errno = 0;
		long n = strtol(batch, &end, 10);
		if (errno || *end || end == batch || n < 1 || n > 100000000) {
			err_set(&err, PGC_EXIT_USAGE, "invalid --batch-rows \"%s\": expected a number from 1 to 100000000",
			        batch);
			ret = die_with(&err);
			goto out;
		}
		run.batch_rows = n;
	}
	if (check_receipt) {
		if (erase_check_receipt(check_receipt, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		printf("%s: valid receipt, hash checks\n", check_receipt);
		ret = PGC_EXIT_OK;
		goto out;
	}
	bool json = false;
	if (o.format && strcmp(o.format, "json") == 0)
		json = true;
	else if (o.format && strcmp(o.format, "text") != 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --format \"%s\": expected text or json", o.format);
		ret = die_with(&err);
		goto out;
	}
	if (check && !emit) {
		err_set(&err, PGC_EXIT_USAGE, "--check goes with --emit-sql FILE");
		ret = die_with(&err);
		goto out;
	}
	if (!emit && !key) {
		err_set(&err, PGC_EXIT_USAGE, "erase needs --key VALUE (the key of the root row to erase)");
		ret = die_with(&err);
		goto out;
	}
	if (!emit && !o.use_db) {
		err_set(&err, PGC_EXIT_USAGE, "erase needs --db URL (the database to erase from)");
		ret = die_with(&err);
		goto out;
	}
	if (receipt && !salt)
		salt = getenv("PGCASCADE_RECEIPT_SALT");
	if (receipt && (!salt || !*salt) && !dry_run) {
		err_set(&err, PGC_EXIT_USAGE,
		        "--receipt needs a salt for the key's hash: --receipt-salt S or PGCASCADE_RECEIPT_SALT");
		ret = die_with(&err);
		goto out;
	}
	if (!emit && !dry_run && !yes && !(isatty(STDIN_FILENO) && isatty(STDERR_FILENO))) {
		err_set(&err, PGC_EXIT_USAGE,
		        "refusing to change data without --yes (stdin is not a terminal); nothing was changed. "
		        "Use --dry-run to see the plan");
		ret = die_with(&err);
		goto out;
	}

	LintConfig *cfg = &s.cfg; /* roots, owner columns, dialect: common_settings() took them */
	Model *m = load_model(a, &o, &err);
	if (!m) {
		ret = die_with(&err);
		goto out;
	}
	AnalysisOptions ao;
	common_analysis_options(&o, &ao);
	Analysis an;
	if (analyze(m, &ao, &an, &err) < 0 || policy_check(&cfg->erase, m, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	Dialect dialect = m->server_is_crdb ? DIALECT_COCKROACH
	                  : (o.dialect != DIALECT_AUTO ? o.dialect
	                     : (m->dialect == DIALECT_COCKROACH ? DIALECT_COCKROACH : DIALECT_POSTGRES));
	const char **vals = NULL;
	if (key && an.roots.n == 1 && erase_parse_key(a, an.roots.items[0], key, &vals, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	ErasePlan plan;
	if (erase_plan_build(m, &an, &cfg->erase, dialect, vals, &plan, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (emit) {
		int r = emit_sql(&plan, emit, check, &err);
		ret = r < 0 ? die_with(&err) : r;
		goto out;
	}
	conn = db_connect(o.db && o.db[0] ? o.db : NULL, &err);
	if (!conn) {
		ret = die_with(&err);
		goto out;
	}
	bool one_txn = !dry_run && run.batch_rows == 0;
	plan.skip_blockers = !dry_run && run.batch_rows > 0;
	if (erase_begin(conn, !one_txn, &run, &err) < 0)
		goto fail;
	in_txn = true;
	/* Batches with --yes and no receipt show no plan: their rows are
	 * counted as the batches delete them, not read once more before. */
	bool count = dry_run || !yes || receipt || run.batch_rows == 0;
	if (erase_find_root(&plan, conn, &err) < 0 || (count && erase_count(&plan, conn, &err) < 0))
		goto fail;
	if (dry_run || !yes) {
		if (json ? erase_print_json(stdout, &plan, &err) < 0 : (erase_print_text(stdout, &plan), false))
			goto fail;
		fflush(stdout);
	}
	if (dry_run) {
		erase_exec(conn, "COMMIT", &err);
		in_txn = false;
		ret = PGC_EXIT_OK;
		goto out;
	}
	if (!yes && !confirm(&plan)) {
		log_error("not confirmed; nothing was changed");
		ret = PGC_EXIT_USAGE;
		goto out;
	}
	if (!one_txn) {
		if (erase_exec(conn, "COMMIT", &err) < 0)
			goto fail;
		in_txn = false;
	}
	if (erase_execute(&plan, conn, &run, &err) < 0)
		goto fail;
	in_txn = true; /* the last transaction, verified, waits for its commit */
	if (!run.verified) {
		erase_exec(conn, "ROLLBACK", &err);
		in_txn = false;
		for (size_t i = 0; i < run.verify_failures.n; i++)
			log_detail("%s", run.verify_failures.items[i]);
		log_error("verification failed: rows still reference the key; %s",
		          one_txn ? "the transaction was rolled back, nothing was changed"
		                  : "the batches already committed stay; fix the schema and run again");
		ret = PGC_EXIT_FINDINGS;
		goto out;
	}
	/* Everything the end needs is made before the commit (the summary,
	 * the receipt in its temporary file): after it nothing allocates, so
	 * nothing can fail but renaming the receipt into place, and exit 0
	 * means exactly that the erasure committed (doc/erase.md, "Exit
	 * codes"). A failure before the commit rolls the last transaction
	 * back. */
	long del = 0, anon = 0;
	for (size_t i = 0; i < plan.nodes.n; i++) {
		const EraseNode *n = plan.nodes.items[i];
		if (n->anonymize)
			anon += n->done;
		else if (!n->retain)
			del += n->done;
	}
	const char *summary =
		arena_printf(a, "pgcascade: erased %s (%s): %ld %s deleted, %ld anonymized, in %ld %s; verification passed\n",
		             erase_table_name(&plan, plan.root->t), run.mode, del, words_noun(del, "row", "rows"), anon,
		             run.transactions, words_noun(run.transactions, "transaction", "transactions"));
	const char *staged = NULL;
	if (receipt) {
		ReceiptInfo ri = {PGC_VERSION, PQdb(conn), PQparameterStatus(conn, "server_version"), salt, include_key, &run};
		if (erase_receipt_stage(&plan, &ri, receipt, &staged, &err) < 0) {
			PQclear(PQexec(conn, "ROLLBACK"));
			in_txn = false;
			log_error("%s; %s", err.msg,
			          one_txn ? "the erasure was rolled back, nothing was changed"
			                  : "the root row was not deleted (the batches already committed stay): run again");
			ret = err.code;
			goto out;
		}
	}
	if (erase_exec(conn, "COMMIT", &err) < 0) {
		erase_receipt_discard(staged);
		goto fail;
	}
	in_txn = false;
	/* committed: from here on, no allocation */
	if (!o.quiet)
		fputs(summary, stderr);
	if (staged && erase_receipt_publish(staged, receipt, &err) < 0) {
		log_error("the erasure is committed and verified, but %s", err.msg);
		ret = err.code;
		goto out;
	}
	ret = PGC_EXIT_OK;
	goto out;
fail:
	ret = die_with(&err);
	if (in_txn && conn)
		PQclear(PQexec(conn, "ROLLBACK"));
out:
	if (conn)
		PQfinish(conn);
	arena_free(a);
	return ret;
}
