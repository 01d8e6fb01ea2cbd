CREATE TABLE decisions (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  body text
);

CREATE TABLE decision_feedback (
  id bigserial PRIMARY KEY,
  decision_id bigint NOT NULL,
  rating int
);

ALTER TABLE decision_feedback
  ADD CONSTRAINT decision_feedback_decision_id_fkey
  FOREIGN KEY (decision_id) REFERENCES decisions (id);
