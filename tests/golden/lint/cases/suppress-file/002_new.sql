/* pgcascade:ignore-file user-column-no-fk ids of the upstream identity provider */
CREATE TABLE sso_links (
  id bigint PRIMARY KEY,
  user_id text NOT NULL
);
CREATE TABLE sso_events (
  user_id text
);
