CREATE TABLE feedback (
  id bigint PRIMARY KEY,
  body text
);
ALTER TABLE feedback ADD COLUMN decision_id bigint;
ALTER TABLE feedback ADD CONSTRAINT feedback_decision_fk FOREIGN KEY (decision_id) REFERENCES decisions (id);
CREATE INDEX ON feedback (decision_id);
