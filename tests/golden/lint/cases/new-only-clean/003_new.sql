CREATE TABLE devices (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX CONCURRENTLY ON devices (user_id);
