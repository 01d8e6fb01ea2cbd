-- Sessions were added without a foreign key.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id bigint NOT NULL,
  expires_at timestamptz
);

INSERT INTO sessions VALUES ('00000000-0000-0000-0000-000000000000', 0, now());

DO $$ BEGIN EXECUTE 'CREATE INDEX sessions_user_id_idx ON sessions (user_id)'; END $$;
