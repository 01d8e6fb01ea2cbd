#!/usr/bin/python3
"""gen-schema.py - a realistic migration history of N tables (PostgreSQL dialect).

    bench/gen-schema.py [--tables N] [--per-file K] [--seed S] OUTDIR

Writes OUTDIR/<timestamp>_<name>.sql, K tables per file (default 10), for
the audit benchmark (bench/audit.sh). The shape follows the seed issue:
`users` is the root; about half the tables belong to a user (user_id ->
users, mostly NO ACTION, some CASCADE, a few SET NULL / RESTRICT); about a
third hang off an earlier table (second-level chains, several deep);
the rest are lookup tables. FKs are written inline, as table constraints
and as later ALTER TABLE ... ADD CONSTRAINT. Indexes, INSERTs, UPDATEs,
DELETEs and the odd function body sit in between, as in real histories.
Output is deterministic for a given seed.
"""
import argparse
import os
import random

TYPES = ["text", "integer", "bigint", "boolean", "timestamptz", "numeric(12,2)",
         "varchar(255)", "jsonb", "uuid", "date", "text[]"]
WORDS = ["account", "order", "invoice", "payment", "session", "token", "device",
         "address", "profile", "setting", "message", "thread", "comment", "like",
         "follow", "upload", "report", "audit", "event", "subscription", "plan",
         "coupon", "cart", "item", "review", "tag", "note", "task", "project",
         "team", "member", "invite", "webhook", "delivery", "export", "import",
         "flag", "experiment", "variant", "metric"]


def value_for(t, rnd, i):
    if t in ("integer", "bigint"):
        return str(rnd.randint(0, 100000))
    if t == "boolean":
        return rnd.choice(["true", "false"])
    if t == "timestamptz":
        return "'2023-%02d-%02d 12:00:00+00'" % (rnd.randint(1, 12), rnd.randint(1, 28))
    if t == "date":
        return "'2022-%02d-%02d'" % (rnd.randint(1, 12), rnd.randint(1, 28))
    if t == "numeric(12,2)":
        return "%d.%02d" % (rnd.randint(0, 9999), rnd.randint(0, 99))
    if t == "jsonb":
        return "'{\"k\": %d, \"on\": true}'::jsonb" % i
    if t == "uuid":
        return "'%08x-0000-4000-8000-%012x'" % (i, rnd.randint(0, 2 ** 40))
    if t == "text[]":
        return "ARRAY['a', 'b''c']"
    return "'value %d it''s'" % rnd.randint(0, 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=5000)
    ap.add_argument("--per-file", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("outdir")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)

    ts = 20200101000000
    files = []

    def emit(name, text):
        nonlocal ts
        ts += 1
        files.append(("%d_%s.sql" % (ts, name), text))

    emit("create_users", """-- The root of every deletion.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    name text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
INSERT INTO users (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
""")

    tables = []          # (name, has_id)
    pending_alters = []  # FKs added in a later file
    n = args.tables - 1
    made = 0
    chunk = 0
    while made < n:
        chunk += 1
        out = []
        k = min(args.per_file, n - made)
        for _ in range(k):
            made += 1
            name = "%s_%s_%d" % (rnd.choice(WORDS), rnd.choice(WORDS), made)
            kind = rnd.random()
            cols = ["    id bigserial PRIMARY KEY"]
            tcons = []
            ncols = rnd.randint(3, 9)
            coltypes = []
            for c in range(ncols):
                t = rnd.choice(TYPES)
                nn = " NOT NULL" if rnd.random() < 0.3 else ""
                dflt = " DEFAULT now()" if t == "timestamptz" and rnd.random() < 0.5 else ""
                cols.append("    c%d %s%s%s" % (c, t, nn, dflt))
                coltypes.append(("c%d" % c, t))
            fkcols = []
            if kind < 0.5 or not tables:
                # A table owned by a user.
                r = rnd.random()
                if r < 0.20:
                    act, nullable = " ON DELETE CASCADE", False
                elif r < 0.25:
                    act, nullable = " ON DELETE SET NULL", True
                elif r < 0.30:
                    act, nullable = " ON DELETE RESTRICT", False
                else:
                    act, nullable = "", False
                nn = "" if nullable else " NOT NULL"
                how = rnd.random()
                if how < 0.5:
                    cols.insert(1, "    user_id bigint%s REFERENCES users (id)%s" % (nn, act))
                else:
                    cols.insert(1, "    user_id bigint%s" % nn)
                    if how < 0.75:
                        tcons.append("    CONSTRAINT %s_user_fk FOREIGN KEY (user_id) REFERENCES users (id)%s"
                                     % (name[:50], act))
                    else:
                        pending_alters.append("ALTER TABLE %s ADD CONSTRAINT %s_user_fk FOREIGN KEY (user_id) REFERENCES users (id)%s;"
                                              % (name, name[:50], act))
                fkcols.append(("user_id", "bigint"))
            elif kind < 0.85:
                # Second level: hangs off an earlier table (chains form).
                parent = rnd.choice(tables[-200:])
                act = " ON DELETE CASCADE" if rnd.random() < 0.35 else ""
                cols.insert(1, "    parent_id bigint NOT NULL")
                tcons.append("    FOREIGN KEY (parent_id) REFERENCES %s (id)%s" % (parent, act))
                fkcols.append(("parent_id", "bigint"))
                if rnd.random() < 0.3:
                    cols.insert(2, "    user_id bigint REFERENCES users")
                    fkcols.append(("user_id", "bigint"))
            else:
                cols.append("    code text NOT NULL UNIQUE")
            out.append("-- %s\nCREATE TABLE %s (\n%s\n);\n" % (name, name, ",\n".join(cols + tcons)))
            for fc, _ in fkcols:
                if rnd.random() < 0.6:
                    out.append("CREATE INDEX %s_%s_idx ON %s (%s);\n" % (name[:40], fc, name, fc))
            if rnd.random() < 0.2:
                out.append("CREATE INDEX %s_c0_idx ON %s (c0) WHERE c0 IS NOT NULL;\n" % (name[:40], name))
            # Data in between: seed rows, backfills, clean-ups.
            if rnd.random() < 0.7:
                rows = []
                for i in range(rnd.randint(1, 4)):
                    rows.append("(" + ", ".join(value_for(t, rnd, i) for _, t in coltypes) + ")")
                out.append("INSERT INTO %s (%s) VALUES\n    %s;\n"
                           % (name, ", ".join(c for c, _ in coltypes), ",\n    ".join(rows)))
            if rnd.random() < 0.3:
                c, t = rnd.choice(coltypes)
                out.append("UPDATE %s SET %s = %s WHERE id IN (SELECT id FROM %s WHERE %s IS NULL LIMIT 100);\n"
                           % (name, c, value_for(t, rnd, 0), name, c))
            if rnd.random() < 0.05:
                out.append("DELETE FROM %s WHERE id < 0;\n" % name)
            if rnd.random() < 0.03:
                out.append("CREATE OR REPLACE FUNCTION %s_touch() RETURNS trigger AS $$\n"
                           "BEGIN\n  NEW.c0 := NEW.c0;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n" % name[:50])
            if rnd.random() < 0.05:
                out.append("ALTER TABLE %s ADD COLUMN extra_%d text;\n" % (name, made))
            if rnd.random() < 0.02:
                out.append("COMMENT ON TABLE %s IS 'generated for the benchmark';\n" % name)
            tables.append(name)
        # FKs added "later": in the next file, as teams do.
        if pending_alters and rnd.random() < 0.8:
            out.extend(a + "\n" for a in pending_alters)
            pending_alters = []
        emit("chunk_%04d" % chunk, "".join(out))
    if pending_alters:
        emit("late_fks", "".join(a + "\n" for a in pending_alters))

    for fn, text in files:
        with open(os.path.join(args.outdir, fn), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
