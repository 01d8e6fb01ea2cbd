CREATE TABLE decisions (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE TABLE feedback (
  id bigint PRIMARY KEY,
  decision_id bigint REFERENCES decisions(id),
  "comment, with: 100%" text
);
DO $$ BEGIN PERFORM 1; END $$;
