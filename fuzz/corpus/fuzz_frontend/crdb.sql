CREATE TABLE users (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), email STRING NOT NULL, tags STRING[], data BYTES, n INT8, f FLOAT8, ok BOOL,
  UNIQUE INDEX users_email_key (email), INDEX (n) STORING (email), INVERTED INDEX (tags), FAMILY f1 (id, email));
CREATE TABLE sessions (id UUID PRIMARY KEY, user_id UUID NOT NULL REFERENCES users (id), INDEX sessions_user (user_id) USING HASH);
CREATE INVERTED INDEX ON users (tags);
ALTER TABLE sessions ADD CONSTRAINT IF NOT EXISTS s_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
SELECT * FROM [SHOW INDEXES FROM users];
