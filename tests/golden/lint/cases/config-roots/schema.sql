CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE teams (id bigint PRIMARY KEY);
CREATE TABLE members (
  user_id bigint REFERENCES users(id),
  team_id bigint REFERENCES teams(id)
);
CREATE INDEX ON members (team_id);
CREATE TABLE team_budgets (team_id bigint NOT NULL, amount numeric);
