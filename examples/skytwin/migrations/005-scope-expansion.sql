ALTER TABLE oauth_tokens ADD COLUMN IF NOT EXISTS granted_at TIMESTAMPTZ;

-- Backfill: data statements are never parsed, whatever their syntax.
UPDATE oauth_tokens SET granted_at = now() WHERE granted_at IS NULL;
