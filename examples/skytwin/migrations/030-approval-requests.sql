CREATE TABLE IF NOT EXISTS approval_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    decision_id UUID NOT NULL REFERENCES decisions(id),
    status STRING NOT NULL DEFAULT 'pending',
    INDEX (user_id),
    INDEX (decision_id)
);

-- Analytics keep a user id but no reference: these rows outlive the user.
CREATE TABLE IF NOT EXISTS usage_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID,
    event STRING NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
