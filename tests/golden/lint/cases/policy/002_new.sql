CREATE TABLE memberships (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  team_id bigint REFERENCES teams(id) ON DELETE CASCADE
);
CREATE TABLE team_notes (
  team_id bigint REFERENCES teams(id) ON DELETE SET NULL,
  created_by bigint
);
CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE TABLE invoice_lines (
  invoice_id bigint NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT
);
CREATE TABLE team_invites (
  team_id bigint REFERENCES teams(id)
);
