CREATE SCHEMA org;

CREATE TABLE org."Teams" (
  id bigserial PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE memberships (
  team_id bigint NOT NULL REFERENCES org."Teams" (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
