
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);
