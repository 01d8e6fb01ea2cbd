CREATE TABLE analytics_events (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL,
  kind text
);
