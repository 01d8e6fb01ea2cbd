CREATE TABLE IF NOT EXISTS domain_autonomy (
    user_id UUID NOT NULL REFERENCES users(id),
    domain STRING NOT NULL,
    level INT8 NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, domain)
);

CREATE TABLE IF NOT EXISTS domain_autonomy_audit (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    domain STRING NOT NULL,
    old_level INT8,
    new_level INT8 NOT NULL,
    FOREIGN KEY (user_id, domain) REFERENCES domain_autonomy (user_id, domain)
);
