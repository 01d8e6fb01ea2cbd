CREATE TABLE decisions (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX ON decisions (user_id);
