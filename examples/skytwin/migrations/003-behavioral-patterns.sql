CREATE TABLE IF NOT EXISTS behavioral_patterns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    pattern_type STRING NOT NULL,
    strength FLOAT8 NOT NULL DEFAULT 0.5,
    INDEX (user_id)
);

CREATE TABLE IF NOT EXISTS pattern_observations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pattern_id UUID NOT NULL REFERENCES behavioral_patterns(id),
    observed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    weight INT8 NOT NULL DEFAULT 1 CHECK (weight > 0)
);
