# pgserver.sh - start and stop the test suite's throwaway PostgreSQL.
# Sourced by scripts/test.sh. The cluster lives in a private mkdtemp
# directory under /tmp, owned by the postgres system user when we are
# root (PostgreSQL refuses to run as root), listens on a Unix socket
# only, and is removed on exit.

pg_bindir() {
	if [ -n "${PGCASCADE_PG_BINDIR:-}" ]; then echo "$PGCASCADE_PG_BINDIR"; return; fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ -n "$d" ]; then echo "$d"; return; fi
	dirname "$(command -v initdb)"
}

pg_as() { # run a command as the cluster owner
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pgserver_start() {
	local bindir
	bindir=$(pg_bindir) || return 1
	[ -x "$bindir/initdb" ] || { echo "initdb not found (looked in $bindir)" >&2; return 1; }
	PGSERVER_DIR=$(mktemp -d /tmp/pgcascade-test.XXXXXX) || return 1
	chmod 755 "$PGSERVER_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || { echo "running as root needs a 'postgres' system user (apt-get install postgresql creates it)" >&2; return 1; }
		chown postgres: "$PGSERVER_DIR"
	fi
	pg_as "$bindir/initdb" -D "$PGSERVER_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGSERVER_DIR/initdb.log" 2>&1 \
		|| { cat "$PGSERVER_DIR/initdb.log" >&2; return 1; }
	pg_as "$bindir/pg_ctl" -D "$PGSERVER_DIR/data" -l "$PGSERVER_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PGSERVER_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -p 5432" start >/dev/null \
		|| { cat "$PGSERVER_DIR/server.log" >&2; return 1; }
	export PGHOST="$PGSERVER_DIR" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	export PGSERVER_DIR PGSERVER_BINDIR="$bindir"
	unset PGPASSWORD DATABASE_URL
}

pgserver_stop() {
	[ -n "${PGSERVER_DIR:-}" ] || return 0
	pg_as "$PGSERVER_BINDIR/pg_ctl" -D "$PGSERVER_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$PGSERVER_DIR"
	PGSERVER_DIR=""
}
