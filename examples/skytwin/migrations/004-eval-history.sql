CREATE TABLE IF NOT EXISTS eval_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    passed BOOL NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS eval_decisions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    eval_run_id UUID NOT NULL REFERENCES eval_runs(id),
    decision_id UUID REFERENCES decisions(id) ON DELETE SET NULL,
    verdict STRING NOT NULL
);
