CREATE TABLE IF NOT EXISTS oauth_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    provider STRING NOT NULL,
    access_token BYTES NOT NULL,
    scopes STRING[] NOT NULL,
    expires_at TIMESTAMPTZ,
    INDEX (user_id) STORING (provider)
);

CREATE TABLE IF NOT EXISTS oauth_states (
    state STRING PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
