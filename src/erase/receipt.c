/*
 * receipt.c - the erasure receipt (schema: doc/schema/erase-receipt.schema.json).
 *
 * The receipt is a JSON object; its "sha256" member is the SHA-256 of the
 * canonical content: the same object without "sha256", members in the
 * order written, serialised without whitespace and without escaping "/"
 * (what Python's json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
 * writes for it). The key never appears unless asked for: "key_sha256"
 * is SHA-256(salt || key text), the key text being the value of a
 * one-column key, or "col=value,col=value" in key order.
 * The file is written to a temporary file in the same folder and flushed
 * with fsync before the erasure commits, then renamed over the target
 * after it: a reader sees the old file or the whole new one, and the
 * receipt is in place only when the erasure committed. SHA-256 comes
 * from OpenSSL's libcrypto.
 */
#include "erase/erase.h"
#include "exitcodes.h"
#include "util/xjson.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CANON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

void erase_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) || len != 32) {
		memset(out, '0', 64);
		out[64] = '\0';
		return;
	}
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static const char *key_text(const ErasePlan *p)
{
	if (p->nkey == 1)
		return p->key_vals[0];
	StrBuf sb = STRBUF_INIT;
	for (int k = 0; k < p->nkey; k++)
		sb_addf(&sb, "%s%s=%s", k ? "," : "", p->key_cols[k], p->key_vals[k]);
	const char *s = arena_strdup(p->a, sb.buf);
	sb_release(&sb);
	return s;
}

/*
 * The receipt goes to its file in two steps, so that nothing which can
 * fail is left after the erasure's commit: erase_receipt_stage() writes
 * the whole text to a temporary file beside the target and flushes it
 * (before the commit: a failure there rolls the erasure back), and
 * erase_receipt_publish() renames it over the target (after the commit;
 * it allocates nothing).
 */
static int stage_text(const ErasePlan *p, const char *path, const char *text, const char **tmp_out, Err *err)
{
	char *tmp = arena_printf(p->a, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return err_set(err, PGC_EXIT_USAGE, "%s: cannot write the receipt: %s", path, err_errno(errno));
	size_t n = strlen(text), off = 0;
	int rc = 0;
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot write the receipt: %s", path, err_errno(errno));
		unlink(tmp);
		return -1;
	}
	*tmp_out = tmp;
	return 0;
}

int erase_receipt_publish(const char *tmp, const char *path, Err *err)
{
	if (rename(tmp, path) == 0)
		return 0;
	return err_set(err, PGC_EXIT_USAGE, "%s: cannot rename the receipt into place: %s; it is complete in %s",
	               path, err_errno(errno), tmp);
}

void erase_receipt_discard(const char *tmp)
{
	if (tmp)
		unlink(tmp);
}

int erase_receipt_stage(const ErasePlan *p, const ReceiptInfo *ri, const char *path, const char **tmp, Err *err)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "receipt_version", json_object_new_int(1));
	json_object_object_add(o, "tool", json_object_new_string("pgcascade"));
	json_object_object_add(o, "tool_version", jstr(ri->tool_version));
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "created_at", json_object_new_string(when));
	json_object *db = json_object_new_object();
	json_object_object_add(db, "name", jstr(ri->database ? ri->database : ""));
	json_object_object_add(db, "server_version", jstr(ri->server_version ? ri->server_version : ""));
	json_object_object_add(o, "database", db);
	json_object_object_add(o, "schema_fingerprint", jstr(p->fingerprint));
	json_object *root = json_object_new_object();
	json_object_object_add(root, "schema", jstr(p->root->t->schema));
	json_object_object_add(root, "table", jstr(p->root->t->name));
	json_object *kc = json_object_new_array();
	for (int k = 0; k < p->nkey; k++)
		json_object_array_add(kc, jstr(p->key_cols[k]));
	json_object_object_add(root, "key_columns", kc);
	json_object_object_add(o, "root", root);
	const char *kt = key_text(p);
	StrBuf salted = STRBUF_INIT;
	sb_adds(&salted, ri->salt ? ri->salt : "");
	sb_adds(&salted, kt);
	char hex[65];
	erase_sha256_hex(salted.buf, salted.len, hex);
	sb_release(&salted);
	json_object_object_add(o, "key_sha256", json_object_new_string(hex));
	if (ri->include_key)
		json_object_object_add(o, "key", jstr(kt));
	json_object_object_add(o, "mode", jstr(ri->run->mode ? ri->run->mode : "cascade"));
	json_object_object_add(o, "transactions", json_object_new_int64(ri->run->transactions));
	json_object *tables = json_object_new_array();
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *n = p->nodes.items[i];
		json_object *t = json_object_new_object();
		json_object_object_add(t, "schema", jstr(n->t->schema));
		json_object_object_add(t, "table", jstr(n->t->name));
		json_object_object_add(t, "deleted", json_object_new_int64(n->retain || n->anonymize ? 0 : n->done));
		json_object_object_add(t, "anonymized", json_object_new_int64(n->anonymize ? n->done : 0));
		json_object_object_add(t, "retained", json_object_new_int64(n->retain ? n->rows : 0));
		json_object_object_add(t, "other_removed", json_object_new_int64(n->other_removed));
		json_object_object_add(t, "other_nulled", json_object_new_int64(n->other_nulled));
		json_object_array_add(tables, t);
	}
	json_object_object_add(o, "tables", tables);
	json_object *nulls = json_object_new_array();
	for (size_t i = 0; i < p->nulls.n; i++) {
		const NullEdge *ne = p->nulls.items[i];
		json_object *t = json_object_new_object();
		json_object_object_add(t, "constraint", jstr(ne->fk->name));
		json_object_object_add(t, "schema", jstr(ne->child->schema));
		json_object_object_add(t, "table", jstr(ne->child->name));
		json_object_object_add(t, "rows", json_object_new_int64(ne->rows));
		json_object_array_add(nulls, t);
	}
	json_object_object_add(o, "set_null", nulls);
	json_object *ver = json_object_new_object();
	json_object_object_add(ver, "ok", json_object_new_boolean(ri->run->verified));
	json_object *fails = json_object_new_array();
	for (size_t i = 0; i < ri->run->verify_failures.n; i++)
		json_object_array_add(fails, jstr(ri->run->verify_failures.items[i]));
	json_object_object_add(ver, "failures", fails);
	json_object_object_add(o, "verification", ver);
	const char *canon = json_object_to_json_string_ext(o, CANON_FLAGS);
	erase_sha256_hex(canon, strlen(canon), hex);
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
	StrBuf out = STRBUF_INIT;
	sb_adds(&out, text);
	sb_addch(&out, '\n');
	int rc = stage_text(p, path, out.buf, tmp, err);
	sb_release(&out);
	json_object_put(o);
	return rc;
}

static bool has(json_object *o, const char *k, json_type t)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, t);
}

/* The members doc/schema/erase-receipt.schema.json requires, with their
 * types; integers are counts (>= 0). */
typedef struct Member {
	const char *k;
	json_type t;
} Member;
#define NMEMBERS(a) (sizeof(a) / sizeof((a)[0]))
static const Member TOP[] = {
	{"receipt_version", json_type_int}, {"tool", json_type_string}, {"tool_version", json_type_string},
	{"created_at", json_type_string}, {"database", json_type_object}, {"schema_fingerprint", json_type_string},
	{"root", json_type_object}, {"key_sha256", json_type_string}, {"mode", json_type_string},
	{"transactions", json_type_int}, {"tables", json_type_array}, {"set_null", json_type_array},
	{"verification", json_type_object}, {"sha256", json_type_string},
};
static const Member DATABASE[] = {{"name", json_type_string}, {"server_version", json_type_string}};
static const Member ROOT[] = {{"schema", json_type_string}, {"table", json_type_string}, {"key_columns", json_type_array}};
static const Member TABLE[] = {
	{"schema", json_type_string}, {"table", json_type_string}, {"deleted", json_type_int},
	{"anonymized", json_type_int}, {"retained", json_type_int}, {"other_removed", json_type_int},
	{"other_nulled", json_type_int},
};
static const Member SET_NULL[] = {
	{"constraint", json_type_string}, {"schema", json_type_string}, {"table", json_type_string}, {"rows", json_type_int},
};
static const Member VERIFICATION[] = {{"ok", json_type_boolean}, {"failures", json_type_array}};

static int check_members(json_object *o, const Member *m, size_t n, const char *where, long idx, const char *path,
                         Err *err)
{
	char at[64] = "";
	if (where)
		snprintf(at, sizeof(at), idx >= 0 ? "%s[%ld]." : "%s.", where, idx);
	if (!json_object_is_type(o, json_type_object))
		return err_set(err, PGC_EXIT_FINDINGS, "%s: member \"%.*s\" is not an object", path,
		               (int)(strlen(at) ? strlen(at) - 1 : 0), at);
	for (size_t i = 0; i < n; i++) {
		json_object *v;
		if (!has(o, m[i].k, m[i].t) ||
		    (m[i].t == json_type_int && json_object_object_get_ex(o, m[i].k, &v) && json_object_get_int64(v) < 0))
			return err_set(err, PGC_EXIT_FINDINGS, "%s: member \"%s%s\" is missing or of the wrong type", path, at,
			               m[i].k);
	}
	return 0;
}

static bool hex64(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v))
		return false;
	const char *s = json_object_get_string(v);
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The receipt's structure, as its schema requires it. */
static int check_structure(json_object *o, const char *path, Err *err)
{
	if (!json_object_is_type(o, json_type_object))
		return err_set(err, PGC_EXIT_FINDINGS, "%s: a receipt is a JSON object", path);
	if (check_members(o, TOP, NMEMBERS(TOP), NULL, -1, path, err) < 0)
		return -1;
	static const char *const hashes[] = {"schema_fingerprint", "key_sha256", "sha256"};
	for (size_t i = 0; i < NMEMBERS(hashes); i++)
		if (!hex64(o, hashes[i]))
			return err_set(err, PGC_EXIT_FINDINGS, "%s: member \"%s\" is not 64 lower-case hex digits", path,
			               hashes[i]);
	json_object *v;
	json_object_object_get_ex(o, "mode", &v);
	const char *mode = json_object_get_string(v);
	if (strcmp(mode, "cascade") != 0 && strcmp(mode, "ordered") != 0 && strcmp(mode, "batches") != 0)
		return err_set(err, PGC_EXIT_FINDINGS, "%s: member \"mode\" is \"%s\", not cascade, ordered or batches",
		               path, mode);
	json_object_object_get_ex(o, "database", &v);
	if (check_members(v, DATABASE, NMEMBERS(DATABASE), "database", -1, path, err) < 0)
		return -1;
	json_object_object_get_ex(o, "root", &v);
	if (check_members(v, ROOT, NMEMBERS(ROOT), "root", -1, path, err) < 0)
		return -1;
	json_object_object_get_ex(o, "verification", &v);
	if (check_members(v, VERIFICATION, NMEMBERS(VERIFICATION), "verification", -1, path, err) < 0)
		return -1;
	static const struct { const char *k; const Member *m; size_t n; } lists[] = {
		{"tables", TABLE, NMEMBERS(TABLE)}, {"set_null", SET_NULL, NMEMBERS(SET_NULL)},
	};
	for (size_t l = 0; l < NMEMBERS(lists); l++) {
		json_object_object_get_ex(o, lists[l].k, &v);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (check_members(json_object_array_get_idx(v, i), lists[l].m, lists[l].n, lists[l].k, (long)i, path,
			                  err) < 0)
				return -1;
	}
	return 0;
}

int erase_check_receipt(const char *path, Err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))) {
		int e = fd < 0 ? errno : EISDIR;
		if (fd >= 0)
			close(fd);
		return err_set(err, PGC_EXIT_USAGE, "%s: cannot read the receipt: %s", path, err_errno(e));
	}
	json_object *o = json_object_from_fd(fd);
	close(fd);
	if (!o) { /* json-c's message ends with a newline */
		const char *je = json_util_get_last_err();
		int n = je ? (int)strcspn(je, "\n") : 0;
		return err_set(err, PGC_EXIT_USAGE, "%s: not a readable JSON file: %.*s", path, n, je ? je : "");
	}
	int rc = 0;
	if (check_structure(o, path, err) < 0) {
		rc = -1;
		goto out;
	}
	json_object *v;
	json_object_object_get_ex(o, "sha256", &v);
	char want[65];
	snprintf(want, sizeof(want), "%s", json_object_get_string(v));
	json_object_object_del(o, "sha256");
	const char *canon = json_object_to_json_string_ext(o, CANON_FLAGS);
	char got[65];
	erase_sha256_hex(canon, strlen(canon), got);
	if (strcmp(got, want) != 0) {
		rc = err_set(err, PGC_EXIT_FINDINGS,
		             "%s: the receipt was altered: its content hashes to %s, the receipt says %s", path, got, want);
		goto out;
	}
	json_object *ver, *ok;
	json_object_object_get_ex(o, "verification", &ver);
	if (!json_object_object_get_ex(ver, "ok", &ok) || !json_object_get_boolean(ok))
		rc = err_set(err, PGC_EXIT_FINDINGS, "%s: the hash checks, but the receipt records a failed verification",
		             path);
out:
	json_object_put(o);
	return rc;
}
