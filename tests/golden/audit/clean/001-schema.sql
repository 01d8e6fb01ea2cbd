CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (
  id bigserial PRIMARY KEY,
  post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
  user_id bigint REFERENCES users ON DELETE SET NULL
);
