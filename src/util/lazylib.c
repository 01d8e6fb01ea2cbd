/*
 * lazylib.c - libpq and libcrypto, loaded when first called.
 *
 * Most runs (audit, lint, fix, graph, --version) never talk to a
 * database, yet linking libpq maps it with its whole tree at start:
 * libssl, libcrypto, GnuTLS, Kerberos, LDAP, SASL, p11-kit (about 5 MiB
 * of resident memory, most of `pgcascade --version`'s 8 MiB). So the
 * binary does not link them: this file defines the libpq functions
 * pgcascade calls (and the two libcrypto ones erase's receipt uses),
 * each of which loads the real library with dlopen() on first use
 * (libpq.so.5 and libcrypto.so.3, the sonames of Debian 12's libpq5 and
 * libssl3, which the package depends on) and calls through.
 *
 * When a library cannot be loaded the reason is logged once and the
 * calls fail the way libpq fails without a connection: no connection
 * (NULL), CONNECTION_BAD, PQPING_NO_ATTEMPT, a NULL result, an error
 * message naming the missing library; EVP_Digest returns 0.
 */
#include "util/err.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* X(return type, name, (parameters), (arguments), value when not loaded) */
#define PQ_FUNCS(X) \
	X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL) \
	X(PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname), \
	  (keywords, values, expand_dbname), NULL) \
	X(PGPing, PQping, (const char *conninfo), (conninfo), PQPING_NO_ATTEMPT) \
	X(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD) \
	X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn), (conn), PQTRANS_UNKNOWN) \
	X(const char *, PQparameterStatus, (const PGconn *conn, const char *paramName), (conn, paramName), NULL) \
	X(int, PQserverVersion, (const PGconn *conn), (conn), 0) \
	X(int, PQbackendPID, (const PGconn *conn), (conn), 0) \
	X(char *, PQdb, (const PGconn *conn), (conn), NULL) \
	X(char *, PQpass, (const PGconn *conn), (conn), NULL) \
	X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), \
	  (conn, proc, arg), NULL) \
	X(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query), NULL) \
	X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
	  const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat), \
	  (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat), NULL) \
	X(PGresult *, PQgetResult, (PGconn *conn), (conn), NULL) \
	X(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes), -1) \
	X(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg), -1) \
	X(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR) \
	X(char *, PQresultErrorMessage, (const PGresult *res), (res), (char *)"") \
	X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode), NULL) \
	X(int, PQntuples, (const PGresult *res), (res), 0) \
	X(int, PQnfields, (const PGresult *res), (res), 0) \
	X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num), NULL) \
	X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num), 1) \
	X(char *, PQcmdTuples, (PGresult *res), (res), (char *)"")

/* Functions without a result, and those whose failure needs more. */
#define PQ_VOID_FUNCS(X) \
	X(PQfinish, (PGconn *conn), (conn)) \
	X(PQclear, (PGresult *res), (res)) \
	X(PQconninfoFree, (PQconninfoOption *connOptions), (connOptions))

typedef struct Lib {
	const char *soname;
	pthread_once_t once;
	bool ok;
	char why[256];  /* why it could not be loaded */
} Lib;

static struct {
#define FIELD(ret, name, params, args, fail) ret(*name) params;
	PQ_FUNCS(FIELD)
#undef FIELD
#define VFIELD(name, params, args) void(*name) params;
	PQ_VOID_FUNCS(VFIELD)
#undef VFIELD
	char *(*PQerrorMessage)(const PGconn *conn);
	PQconninfoOption *(*PQconninfoParse)(const char *conninfo, char **errmsg);
	void (*PQfreemem)(void *ptr);
} pq;

static struct {
	int (*EVP_Digest)(const void *data, size_t count, unsigned char *md, unsigned int *size,
	                  const EVP_MD *type, ENGINE *impl);
	const EVP_MD *(*EVP_sha256)(void);
} crypto;

static Lib pqlib = {"libpq.so.5", PTHREAD_ONCE_INIT, false, ""};
static Lib cryptolib = {"libcrypto.so.3", PTHREAD_ONCE_INIT, false, ""};

/* Opens lib and fills n function pointers at fp from names (NULL-separated). */
static void load(Lib *lib, void **fp, const char *const *names, size_t n)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(lib->why, sizeof(lib->why), "%s", e ? e : "not found");
		log_error("cannot load %s (%s)", lib->soname, lib->why);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fp[i] = dlsym(h, names[i]);
		if (!fp[i]) {
			snprintf(lib->why, sizeof(lib->why), "%s has no %s", lib->soname, names[i]);
			log_error("cannot load %s (%s)", lib->soname, lib->why);
			return; /* the handle stays open: a library is loaded once */
		}
	}
	lib->ok = true;
}

static const char *const pq_names[] = {
#define NAME(ret, name, params, args, fail) #name,
	PQ_FUNCS(NAME)
#undef NAME
#define VNAME(name, params, args) #name,
	PQ_VOID_FUNCS(VNAME)
#undef VNAME
	"PQerrorMessage", "PQconninfoParse", "PQfreemem",
};

static void load_pq(void)
{
	_Static_assert(sizeof(pq) == sizeof(pq_names) / sizeof(pq_names[0]) * sizeof(void *),
	               "one name per libpq function pointer");
	load(&pqlib, (void **)&pq, pq_names, sizeof(pq_names) / sizeof(pq_names[0]));
}

static bool have_pq(void)
{
	pthread_once(&pqlib.once, load_pq);
	return pqlib.ok;
}

#define DEFINE(ret, name, params, args, fail) \
	ret name params \
	{ \
		return have_pq() ? pq.name args : (fail); \
	}
PQ_FUNCS(DEFINE)
#undef DEFINE

#define VDEFINE(name, params, args) \
	void name params \
	{ \
		if (have_pq()) \
			pq.name args; \
	}
PQ_VOID_FUNCS(VDEFINE)
#undef VDEFINE

/* The message of a failed load, in the form libpq's messages have. */
static char *pq_missing(void)
{
	static char msg[300];
	snprintf(msg, sizeof(msg), "cannot load %s: %s\n", pqlib.soname, pqlib.why);
	return msg;
}

char *PQerrorMessage(const PGconn *conn)
{
	return have_pq() ? pq.PQerrorMessage(conn) : pq_missing();
}

PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg)
{
	if (have_pq())
		return pq.PQconninfoParse(conninfo, errmsg);
	if (errmsg) {
		char *m = strdup(pq_missing());
		if (!m)
			log_error("out of memory");
		*errmsg = m; /* NULL too: libpq's out-of-memory answer */
	}
	return NULL;
}

void PQfreemem(void *ptr)
{
	if (have_pq())
		pq.PQfreemem(ptr);
	else
		free(ptr); /* only pq_missing()'s strdup can come here */
}

static void load_crypto(void)
{
	static const char *const names[] = {"EVP_Digest", "EVP_sha256"};
	_Static_assert(sizeof(crypto) == sizeof(names) / sizeof(names[0]) * sizeof(void *),
	               "one name per libcrypto function pointer");
	load(&cryptolib, (void **)&crypto, names, sizeof(names) / sizeof(names[0]));
}

static bool have_crypto(void)
{
	pthread_once(&cryptolib.once, load_crypto);
	return cryptolib.ok;
}

int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
               const EVP_MD *type, ENGINE *impl)
{
	return have_crypto() && type ? crypto.EVP_Digest(data, count, md, size, type, impl) : 0;
}

const EVP_MD *EVP_sha256(void)
{
	return have_crypto() ? crypto.EVP_sha256() : NULL;
}
