-- migrate:up
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE t (u int REFERENCES users);
-- migrate:down
DROP TABLE t;
DROP TABLE users;
