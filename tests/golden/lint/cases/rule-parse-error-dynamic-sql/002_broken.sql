CREATE TABLE notes (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES users(id) ON DELETE CASCADE,
);
DO $$ BEGIN EXECUTE 'ALTER TABLE teams ADD COLUMN x int'; END $$;
