-- From here on, per-user tables cascade.
CREATE TABLE IF NOT EXISTS ai_provider_settings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider STRING NOT NULL,
    api_key_encrypted BYTES,
    UNIQUE INDEX (user_id, provider)
);
