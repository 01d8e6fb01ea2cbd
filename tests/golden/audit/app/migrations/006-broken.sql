CREATE TABLE notes (id bigserial PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);

CREATE TABEL broken (id int);

CREATE TABLE note_links (
  note_id bigint NOT NULL REFERENCES notes (id) ON DELETE RESTRICT,
  decision_id bigint REFERENCES decisions (id) ON DELETE CASCADE
);
