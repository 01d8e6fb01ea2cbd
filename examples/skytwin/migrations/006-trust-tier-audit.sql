CREATE TABLE IF NOT EXISTS trust_tier_audit (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    old_tier STRING,
    new_tier STRING NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE trust_tier_audit ADD CONSTRAINT IF NOT EXISTS trust_tier_audit_user_fk
    FOREIGN KEY (user_id) REFERENCES users(id);
