CREATE TABLE members (
  id bigint PRIMARY KEY,
  team_id bigint NOT NULL REFERENCES teams(id) ON DELETE SET NULL
);
