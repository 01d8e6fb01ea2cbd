-- pgcascade:ignore fk-blocks-delete invoices are kept 10 years (legal)
CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id)
);
CREATE INDEX ON invoices (user_id);
CREATE TABLE audit_log (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES users(id) -- pgcascade:ignore fk-blocks-delete,fk-unindexed
);
-- pgcascade:ignore fk-blocks-delete this statement blocks nothing
CREATE TABLE notes (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES users(id) ON DELETE CASCADE -- pgcascade:ignore fk-unindexed small
);
-- pgcascade:ignore fk-blocks-deleted typo in the rule
CREATE TABLE lonely (id int);
-- pgcascade:ignore fk-unindexed a blank line follows

CREATE TABLE far (id int);
-- pgcascade:ignore
CREATE TABLE bare (id int);
