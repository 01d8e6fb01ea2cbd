CREATE TABLE IF NOT EXISTS spend_records (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    decision_id UUID REFERENCES decisions(id),
    amount_cents INT8 NOT NULL CHECK (amount_cents >= 0),
    currency STRING(3) NOT NULL DEFAULT 'USD',
    INDEX (user_id, decision_id)
);
