CREATE TABLE old_stuff (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id));
