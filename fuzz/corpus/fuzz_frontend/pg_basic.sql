CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id));
CREATE TABLE items (id int PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE);
CREATE TABLE sessions (id int, user_id bigint, FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL);
ALTER TABLE sessions ADD CONSTRAINT s_fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID;
ALTER TABLE sessions VALIDATE CONSTRAINT s_fk;
CREATE INDEX ON orders (user_id);
INSERT INTO users (email) VALUES ('a');
