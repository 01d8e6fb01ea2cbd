-- The root of every deletion.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    name text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
INSERT INTO users (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
