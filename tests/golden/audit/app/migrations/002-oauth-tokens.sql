CREATE TABLE oauth_tokens (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  token text NOT NULL
);
