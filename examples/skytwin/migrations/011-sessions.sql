-- Sessions are per-user state and must go with the user.
CREATE TABLE IF NOT EXISTS sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    token_hash BYTES NOT NULL,
    metadata JSONB,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE INVERTED INDEX IF NOT EXISTS sessions_metadata_idx ON sessions (metadata);
