CREATE TABLE sessions (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  revoked_at timestamptz
);
CREATE INDEX sessions_live ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE TABLE notes (
  id bigint PRIMARY KEY,
  author_id bigint REFERENCES users ON DELETE CASCADE,
  created_at timestamptz
);
CREATE INDEX notes_author ON notes (author_id, created_at);
CREATE TABLE "Likes" (
  "userId" bigint REFERENCES users(id) ON DELETE SET NULL,
  note_id bigint REFERENCES notes(id) ON DELETE CASCADE
);
