CREATE TABLE notes (id bigserial PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE);

CREATE TABLE broken (id int,, note text);

CREATE TABLE note_links (
  note_id bigint NOT NULL REFERENCES notes (id) ON DELETE RESTRICT,
  decision_id bigint REFERENCES decisions (id) ON DELETE CASCADE
);
