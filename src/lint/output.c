/*
 * output.c - lint output formats; see output.h.
 *
 * The text format follows rustc and squawk: a header line, the place,
 * the source line with a caret under the clause, and a help line. JSON
 * and SARIF are built with json-c, so escaping is never done by hand.
 */
#include "lint/output.h"
#include "exitcodes.h"
#include "report/report.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

#include <json-c/json.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

int lint_format_parse(const char *s)
{
	static const char *const names[] = {"text", "gcc", "json", "sarif", "github"};
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/*
 * The path to write for file: relative to base when the file is under
 * it (a malloc'd copy the caller frees), else a copy of file.
 */
static char *based_path(const char *file, const char *base)
{
	char *abs = base ? realpath(file, NULL) : NULL;
	size_t bl = base ? strlen(base) : 0;
	char *ret;
	if (abs && bl && strncmp(abs, base, bl) == 0 && abs[bl] == '/')
		ret = xstrdup(abs + bl + 1);
	else
		ret = xstrdup(file);
	free(abs);
	return ret;
}

/* ---- caret extent ---- */

static bool word_at(const char *t, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	if (i + n > len || strncasecmp(t + i, w, n) != 0)
		return false;
	return i + n == len || !(isalnum((unsigned char)t[i + n]) || t[i + n] == '_');
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.' || c == '"' || (unsigned char)c >= 0x80;
}

/* Skips blanks (not newlines). */
static size_t blanks(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i;
}

/* Skips a parenthesised list on one line; returns i unchanged when there is none. */
static size_t paren_list(const char *t, size_t len, size_t i)
{
	if (i >= len || t[i] != '(')
		return i;
	int depth = 0;
	for (size_t j = i; j < len && t[j] != '\n'; j++) {
		if (t[j] == '(')
			depth++;
		else if (t[j] == ')' && --depth == 0)
			return j + 1;
	}
	return i;
}

int lint_clause_length(const char *text, size_t len, int off)
{
	if (!text || off < 0 || (size_t)off >= len || text[off] == '\n')
		return 1;
	size_t i = (size_t)off, end;
	if (i + 1 < len && ((text[i] == '-' && text[i + 1] == '-') || (text[i] == '/' && text[i + 1] == '*'))) {
		/* a comment: to the end of its (first) line */
		end = i;
		while (end < len && text[end] != '\n')
			end++;
		while (end > i + 1 && isspace((unsigned char)text[end - 1]))
			end--;
		return (int)(end - i);
	}
	if (word_at(text, len, i, "FOREIGN")) {
		i = blanks(text, len, i + 7);
		if (word_at(text, len, i, "KEY"))
			i = blanks(text, len, paren_list(text, len, blanks(text, len, i + 3)));
	}
	if (word_at(text, len, i, "REFERENCES")) {
		i = blanks(text, len, i + 10);
		while (i < len && ident_char(text[i]))
			i++;
		end = paren_list(text, len, blanks(text, len, i));
		if (end == blanks(text, len, i))
			end = i; /* no column list: stop after the table name */
	} else {
		end = (size_t)off;
		while (end < len && (isalnum((unsigned char)text[end]) || text[end] == '_'))
			end++;
	}
	if (end <= (size_t)off)
		return 1;
	/* never past the end of the first line */
	const char *nl = memchr(text + off, '\n', end - (size_t)off);
	if (nl)
		end = (size_t)(nl - text);
	while (end > (size_t)off + 1 && isspace((unsigned char)text[end - 1]))
		end--;
	return (int)(end - (size_t)off);
}

/* ---- text ---- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_BLUE "\033[1;34m"

static const char *sev_color(Severity s)
{
	return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_YELLOW : C_CYAN;
}

static const Source *find_source(const SourceList *src, const char *file)
{
	for (size_t i = 0; src && file && i < src->n; i++)
		if (strcmp(src->items[i].path, file) == 0)
			return &src->items[i];
	return NULL;
}

static void text_finding(StrBuf *sb, const Finding *f, const LintOutputOptions *o)
{
	const char *c0 = o->color ? sev_color(f->severity) : "";
	const char *cb = o->color ? C_BOLD : "", *cl = o->color ? C_BLUE : "", *cr = o->color ? C_RESET : "";
	sb_addf(sb, "%s%s[%s]%s: %s%s%s\n", c0, severity_name(f->severity), f->rule, cr, cb, f->message, cr);
	if (!f->loc.file) {
		if (f->help)
			sb_addf(sb, "  %s=%s %shelp%s: %s\n", cl, cr, cb, cr, f->help);
		sb_addch(sb, '\n');
		return;
	}
	const Source *s = find_source(o->sources, f->loc.file);
	char num[16];
	int w = snprintf(num, sizeof(num), "%d", f->loc.line);
	sb_addf(sb, "%*s%s-->%s %s:%d:%d\n", w, "", cl, cr, f->loc.file, f->loc.line, f->loc.col);
	if (s && f->loc.offset >= 0 && (size_t)f->loc.offset <= s->len) {
		size_t ls = (size_t)f->loc.offset;
		while (ls > 0 && s->text[ls - 1] != '\n')
			ls--;
		size_t le = (size_t)f->loc.offset;
		while (le < s->len && s->text[le] != '\n')
			le++;
		if (le > ls && s->text[le - 1] == '\r')
			le--;
		sb_addf(sb, "%*s %s|%s\n", w, "", cl, cr);
		sb_addf(sb, "%s%s%s %s|%s ", cl, num, cr, cl, cr);
		sb_add(sb, s->text + ls, le - ls);
		sb_addch(sb, '\n');
		sb_addf(sb, "%*s %s|%s ", w, "", cl, cr);
		for (size_t i = ls; i < (size_t)f->loc.offset; i++)
			sb_addch(sb, s->text[i] == '\t' ? '\t' : ' ');
		int n = lint_clause_length(s->text, s->len, f->loc.offset);
		sb_adds(sb, c0);
		for (int i = 0; i < n; i++)
			sb_addch(sb, '^');
		sb_adds(sb, cr);
		sb_addch(sb, '\n');
	}
	if (f->help) {
		sb_addf(sb, "%*s %s|%s\n", w, "", cl, cr);
		sb_addf(sb, "%*s %s=%s %shelp%s: %s\n", w, "", cl, cr, cb, cr, f->help);
	}
	sb_addch(sb, '\n');
}

static void text_summary(StrBuf *sb, const LintResult *r)
{
	words_count(sb, r->nchecked, "file", "files");
	sb_adds(sb, " checked: ");
	if (r->findings.n == 0)
		sb_adds(sb, "no findings");
	else
		words_findings(sb, r->nerrors, r->nwarnings, r->ninfos);
	if (r->nsuppressed)
		sb_addf(sb, " (%d suppressed)", r->nsuppressed);
	sb_addch(sb, '\n');
}

/* ---- gcc, github ---- */

static void gcc_finding(StrBuf *sb, const Finding *f, bool color)
{
	const char *cb = color ? C_BOLD : "", *cr = color ? C_RESET : "";
	if (f->loc.file)
		sb_addf(sb, "%s%s:%d:%d:%s ", cb, f->loc.file, f->loc.line, f->loc.col, cr);
	else
		sb_addf(sb, "%spgcascade:%s ", cb, cr);
	sb_addf(sb, "%s%s:%s %s [%s]\n", color ? sev_color(f->severity) : "", severity_name(f->severity), cr,
	        f->message, f->rule);
}

/* Workflow command escaping: data escapes % CR LF; properties also : and ,. */
static void gh_escape(StrBuf *sb, const char *s, bool property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': sb_adds(sb, "%25"); break;
		case '\r': sb_adds(sb, "%0D"); break;
		case '\n': sb_adds(sb, "%0A"); break;
		case ':': if (property) { sb_adds(sb, "%3A"); break; } sb_addch(sb, *s); break;
		case ',': if (property) { sb_adds(sb, "%2C"); break; } sb_addch(sb, *s); break;
		default: sb_addch(sb, *s);
		}
	}
}

static void github_finding(StrBuf *sb, const Finding *f, const char *base)
{
	const char *cmd = f->severity == SEV_ERROR ? "error" : f->severity == SEV_WARNING ? "warning" : "notice";
	sb_addf(sb, "::%s ", cmd);
	if (f->loc.file) {
		char *path = based_path(f->loc.file, base);
		sb_adds(sb, "file=");
		gh_escape(sb, path, true);
		free(path);
		sb_addf(sb, ",line=%d,col=%d,", f->loc.line, f->loc.col);
	}
	sb_adds(sb, "title=");
	gh_escape(sb, f->rule, true);
	sb_adds(sb, "::");
	gh_escape(sb, f->message, false);
	if (f->help) {
		sb_adds(sb, "%0Ahelp: ");
		gh_escape(sb, f->help, false);
	}
	sb_addch(sb, '\n');
}

/* ---- json ---- */

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* The audit's finding object (report/json.c): lint and audit print the same objects. */

/*
 * The big array of a JSON or SARIF document (the findings) is streamed:
 * the document is printed around a placeholder that stands for the
 * array, and each element is built, printed with json-c and freed at
 * once, so memory does not grow with the number of findings. The layout
 * is exactly json-c's pretty printer (two spaces per level; an element
 * printed at level 0 is re-indented by its level; raw newlines only
 * come from the printer, those in strings are escaped).
 */
#define JFLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)
#define SLOT "pgcascade:streamed-array"

/* The placeholder array: one string element, or empty when n is 0. */
static json_object *stream_slot(size_t n)
{
	json_object *a = json_object_new_array();
	if (n > 0)
		json_object_array_add(a, json_object_new_string(SLOT));
	return a;
}

static void indent(FILE *out, int level)
{
	for (int i = 0; i < level; i++)
		fputs("  ", out);
}

/* Prints v (put here) at nesting level. */
static void emit(FILE *out, json_object *v, int level)
{
	const char *s = json_object_to_json_string_ext(v, JFLAGS);
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		fwrite(s, 1, (size_t)(nl - s) + 1, out);
		indent(out, level);
	}
	fputs(s, out);
	json_object_put(v);
}

/* Prints doc (put here), its slot filled with elem(i) for i < n. */
static void stream_doc(FILE *out, json_object *doc, size_t n,
                       json_object *(*elem)(const Finding *, const char *), const Finding *const *f,
                       const char *base)
{
	const char *s = json_object_to_json_string_ext(doc, JFLAGS);
	/* the last occurrence: only the findings come after user text (rules_url) */
	const char *slot = NULL;
	for (const char *p = s; n > 0 && (p = strstr(p, "\"" SLOT "\"")); p++)
		slot = p;
	if (!slot) {
		fputs(s, out);
		fputc('\n', out);
		json_object_put(doc);
		return;
	}
	int level = 0;
	for (const char *p = slot; p > s && p[-1] == ' '; p--)
		level++;
	level /= 2;
	fwrite(s, 1, (size_t)(slot - s), out);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			fputs(",\n", out);
			indent(out, level);
		}
		emit(out, elem(f[i], base), level);
	}
	fputs(slot + strlen("\"" SLOT "\""), out);
	fputc('\n', out);
	json_object_put(doc);
}

static json_object *finding_elem(const Finding *f, const char *base)
{
	(void)base;
	return report_finding_json(f);
}

static json_object *json_doc(const LintResult *r)
{
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "version", json_object_new_int(1));
	json_object_object_add(doc, "findings", stream_slot(r->findings.n));
	json_object *sum = json_object_new_object();
	json_object_object_add(sum, "files_checked", json_object_new_int(r->nchecked));
	json_object_object_add(sum, "errors", json_object_new_int(r->nerrors));
	json_object_object_add(sum, "warnings", json_object_new_int(r->nwarnings));
	json_object_object_add(sum, "infos", json_object_new_int(r->ninfos));
	json_object_object_add(sum, "suppressed", json_object_new_int(r->nsuppressed));
	json_object_object_add(doc, "summary", sum);
	return doc;
}

/* ---- sarif ---- */

static const char *sarif_level(Severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

/* A relative path as a URI reference: unreserved characters and '/' kept, the rest %XX. */
static char *path_uri(const char *path)
{
	StrBuf sb = STRBUF_INIT;
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/')
		sb_adds(&sb, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p))
			sb_addch(&sb, (char)*p);
		else
			sb_addf(&sb, "%%%02X", *p);
	}
	return sb_detach(&sb, NULL);
}

/* One SARIF result (the caller puts it). */
static json_object *sarif_result(const Finding *f, const char *base)
{
	json_object *res = json_object_new_object();
	json_object_object_add(res, "ruleId", jstr(f->rule));
	const LintRule *lr = lint_rule_find(f->rule);
	if (lr)
		json_object_object_add(res, "ruleIndex", json_object_new_int((int)(lr - lint_rules)));
	json_object_object_add(res, "level", jstr(sarif_level(f->severity)));
	json_object *msg = json_object_new_object();
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, f->message);
	if (f->help)
		sb_addf(&sb, "\nhelp: %s", f->help);
	json_object_object_add(msg, "text", jstr(sb.buf));
	sb_release(&sb);
	json_object_object_add(res, "message", msg);
	if (f->loc.file) {
		json_object *locs = json_object_new_array(), *loc = json_object_new_object();
		json_object *phys = json_object_new_object(), *art = json_object_new_object();
		json_object *reg = json_object_new_object();
		char *path = based_path(f->loc.file, base);
		char *uri = path_uri(path);
		json_object_object_add(art, "uri", jstr(uri));
		if (path[0] != '/')
			json_object_object_add(art, "uriBaseId", jstr("%SRCROOT%"));
		free(uri);
		free(path);
		json_object_object_add(reg, "startLine", json_object_new_int(f->loc.line > 0 ? f->loc.line : 1));
		json_object_object_add(reg, "startColumn", json_object_new_int(f->loc.col > 0 ? f->loc.col : 1));
		json_object_object_add(phys, "artifactLocation", art);
		json_object_object_add(phys, "region", reg);
		json_object_object_add(loc, "physicalLocation", phys);
		json_object_array_add(locs, loc);
		json_object_object_add(res, "locations", locs);
	}
	if (f->schema || f->constraint) {
		json_object *props = json_object_new_object();
		if (f->schema)
			json_object_object_add(props, "schema", jstr(f->schema));
		if (f->table)
			json_object_object_add(props, "table", jstr(f->table));
		if (f->constraint)
			json_object_object_add(props, "constraint", jstr(f->constraint));
		if (f->blocks)
			json_object_object_add(props, "blocks", jstr(f->blocks));
		json_object_object_add(res, "properties", props);
	}
	return res;
}

static json_object *sarif_doc(const LintResult *r, const char *rules_url, const char *base)
{
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "$schema", jstr("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_object_add(doc, "version", jstr("2.1.0"));
	json_object *runs = json_object_new_array();
	json_object *run = json_object_new_object();
	json_object *tool = json_object_new_object(), *driver = json_object_new_object();
	json_object_object_add(driver, "name", jstr("pgcascade"));
	json_object_object_add(driver, "version", jstr(PGC_VERSION));
	json_object_object_add(driver, "semanticVersion", jstr(PGC_VERSION));
	json_object_object_add(driver, "informationUri", jstr(rules_url));
	json_object *rules = json_object_new_array();
	for (int i = 0; i < lint_nrules; i++) {
		const LintRule *lr = &lint_rules[i];
		json_object *ro = json_object_new_object();
		json_object_object_add(ro, "id", jstr(lr->id));
		json_object_object_add(ro, "name", jstr(lr->id));
		json_object *sd = json_object_new_object();
		json_object_object_add(sd, "text", jstr(lr->short_desc));
		json_object_object_add(ro, "shortDescription", sd);
		char *uri = NULL;
		StrBuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s%s.md", rules_url, lr->id);
		uri = sb_detach(&sb, NULL);
		json_object_object_add(ro, "helpUri", jstr(uri));
		free(uri);
		json_object *dc = json_object_new_object();
		json_object_object_add(dc, "level", jstr(sarif_level(lr->severity)));
		json_object_object_add(ro, "defaultConfiguration", dc);
		json_object_array_add(rules, ro);
	}
	json_object_object_add(driver, "rules", rules);
	json_object_object_add(tool, "driver", driver);
	json_object_object_add(run, "tool", tool);
	json_object_object_add(run, "results", stream_slot(r->findings.n));
	json_object_object_add(run, "columnKind", jstr("unicodeCodePoints"));
	json_object_array_add(runs, run);
	json_object_object_add(doc, "runs", runs);
	return doc;
}

int lint_output(FILE *out, const LintResult *r, const LintOutputOptions *o, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	const char *rules_url = o->rules_url ? o->rules_url : LINT_RULES_URL;
	const Finding *const *f = (const Finding *const *)r->findings.items;
	size_t n = r->findings.n;
	/* one finding at a time: built, written, forgotten */
	for (size_t i = 0; i < n && o->format != LINT_JSON && o->format != LINT_SARIF; i++) {
		sb_reset(&sb);
		if (o->format == LINT_TEXT)
			text_finding(&sb, f[i], o);
		else if (o->format == LINT_GCC)
			gcc_finding(&sb, f[i], o->color);
		else
			github_finding(&sb, f[i], o->path_base);
		fwrite(sb.buf, 1, sb.len, out);
	}
	switch (o->format) {
	case LINT_TEXT:
		sb_reset(&sb);
		text_summary(&sb, r);
		fwrite(sb.buf, 1, sb.len, out);
		break;
	case LINT_JSON:
		stream_doc(out, json_doc(r), n, finding_elem, f, NULL);
		break;
	case LINT_SARIF:
		stream_doc(out, sarif_doc(r, rules_url, o->path_base), n, sarif_result, f, o->path_base);
		break;
	default:
		break;
	}
	sb_release(&sb);
	if (fflush(out) != 0 || ferror(out))
		return err_set(err, PGC_EXIT_INTERNAL, "could not write the lint report");
	return 0;
}
