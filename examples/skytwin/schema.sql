-- Core schema of the SkyTwin example (CockroachDB dialect).
-- Written before the project adopted ON DELETE CASCADE for per-user tables.

CREATE TABLE IF NOT EXISTS users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email STRING NOT NULL,
    display_name STRING,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE INDEX users_email_key (email)
);

CREATE TABLE IF NOT EXISTS twin_profiles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    version INT8 NOT NULL DEFAULT 1,
    traits JSONB NOT NULL DEFAULT '{}',
    INDEX (user_id)
);

CREATE TABLE IF NOT EXISTS decisions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    situation_type STRING NOT NULL,
    domain STRING NOT NULL,
    raw_event JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    INDEX idx_decisions_user (user_id, created_at DESC)
);

CREATE TABLE IF NOT EXISTS candidate_actions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    decision_id UUID NOT NULL REFERENCES decisions(id),
    action_type STRING NOT NULL,
    confidence FLOAT8 NOT NULL DEFAULT 0,
    INDEX (decision_id)
);

CREATE TABLE IF NOT EXISTS decision_outcomes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    decision_id UUID NOT NULL REFERENCES decisions(id),
    user_id UUID NOT NULL REFERENCES users(id),
    outcome STRING NOT NULL CHECK (outcome IN ('approved', 'rejected', 'expired')),
    FAMILY f1 (id, decision_id, user_id, outcome)
);

CREATE TABLE IF NOT EXISTS preferences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    domain STRING NOT NULL,
    key STRING NOT NULL,
    value JSONB NOT NULL,
    UNIQUE INDEX preferences_user_domain_key (user_id, domain, key)
);

CREATE TABLE IF NOT EXISTS explanation_records (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    decision_id UUID NOT NULL REFERENCES decisions(id),
    profile_id UUID REFERENCES twin_profiles(id),
    summary STRING NOT NULL
);
