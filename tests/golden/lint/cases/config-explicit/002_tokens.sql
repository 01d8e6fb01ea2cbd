CREATE TABLE oauth_tokens (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id)
);
CREATE INDEX ON oauth_tokens (user_id);
