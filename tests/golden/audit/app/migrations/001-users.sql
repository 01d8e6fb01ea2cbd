-- The root table.
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  invited_by bigint REFERENCES users (id) ON DELETE SET NULL
);
