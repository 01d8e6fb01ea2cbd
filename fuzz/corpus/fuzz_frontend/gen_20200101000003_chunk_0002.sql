-- note_upload_11
CREATE TABLE note_upload_11 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 integer,
    c1 text,
    c2 boolean NOT NULL,
    c3 jsonb,
    c4 boolean NOT NULL,
    c5 text[] NOT NULL,
    c6 numeric(12,2) NOT NULL,
    c7 integer,
    c8 timestamptz
);
CREATE INDEX note_upload_11_user_id_idx ON note_upload_11 (user_id);
CREATE INDEX note_upload_11_c0_idx ON note_upload_11 (c0) WHERE c0 IS NOT NULL;
UPDATE note_upload_11 SET c4 = true WHERE id IN (SELECT id FROM note_upload_11 WHERE c4 IS NULL LIMIT 100);
-- variant_webhook_12
CREATE TABLE variant_webhook_12 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 boolean NOT NULL,
    c1 varchar(255) NOT NULL,
    c2 uuid,
    c3 text[] NOT NULL,
    c4 varchar(255) NOT NULL,
    c5 text[],
    c6 date,
    CONSTRAINT variant_webhook_12_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX variant_webhook_12_user_id_idx ON variant_webhook_12 (user_id);
INSERT INTO variant_webhook_12 (c0, c1, c2, c3, c4, c5, c6) VALUES
    (false, 'value 567 it''s', '00000000-0000-4000-8000-00622095eef6', ARRAY['a', 'b''c'], 'value 430 it''s', ARRAY['a', 'b''c'], '2022-11-13'),
    (true, 'value 630 it''s', '00000001-0000-4000-8000-009a91b0e1d9', ARRAY['a', 'b''c'], 'value 415 it''s', ARRAY['a', 'b''c'], '2022-09-27'),
    (true, 'value 311 it''s', '00000002-0000-4000-8000-006b49732d6c', ARRAY['a', 'b''c'], 'value 440 it''s', ARRAY['a', 'b''c'], '2022-10-20'),
    (false, 'value 476 it''s', '00000003-0000-4000-8000-00e27118e364', ARRAY['a', 'b''c'], 'value 691 it''s', ARRAY['a', 'b''c'], '2022-04-17');
-- webhook_metric_13
CREATE TABLE webhook_metric_13 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 boolean,
    c1 boolean,
    c2 bigint NOT NULL,
    c3 boolean,
    c4 date,
    c5 integer,
    c6 text[],
    c7 varchar(255),
    c8 boolean NOT NULL
);
UPDATE webhook_metric_13 SET c8 = false WHERE id IN (SELECT id FROM webhook_metric_13 WHERE c8 IS NULL LIMIT 100);
-- team_delivery_14
CREATE TABLE team_delivery_14 (
    id bigserial PRIMARY KEY,
    c0 numeric(12,2),
    c1 jsonb,
    c2 uuid,
    c3 uuid,
    c4 bigint,
    c5 jsonb,
    c6 boolean,
    code text NOT NULL UNIQUE
);
-- coupon_plan_15
CREATE TABLE coupon_plan_15 (
    id bigserial PRIMARY KEY,
    c0 bigint NOT NULL,
    c1 varchar(255),
    c2 boolean NOT NULL,
    code text NOT NULL UNIQUE
);
INSERT INTO coupon_plan_15 (c0, c1, c2) VALUES
    (8161, 'value 211 it''s', false),
    (51049, 'value 926 it''s', true),
    (75456, 'value 389 it''s', false),
    (772, 'value 965 it''s', false);
UPDATE coupon_plan_15 SET c1 = 'value 873 it''s' WHERE id IN (SELECT id FROM coupon_plan_15 WHERE c1 IS NULL LIMIT 100);
-- variant_follow_16
CREATE TABLE variant_follow_16 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 varchar(255),
    c1 varchar(255),
    c2 text[],
    c3 bigint,
    c4 bigint
);
CREATE INDEX variant_follow_16_user_id_idx ON variant_follow_16 (user_id);
INSERT INTO variant_follow_16 (c0, c1, c2, c3, c4) VALUES
    ('value 138 it''s', 'value 887 it''s', ARRAY['a', 'b''c'], 60515, 23819),
    ('value 51 it''s', 'value 266 it''s', ARRAY['a', 'b''c'], 49689, 42906),
    ('value 216 it''s', 'value 465 it''s', ARRAY['a', 'b''c'], 42840, 44236),
    ('value 779 it''s', 'value 900 it''s', ARRAY['a', 'b''c'], 49692, 36471);
COMMENT ON TABLE variant_follow_16 IS 'generated for the benchmark';
-- export_payment_17
CREATE TABLE export_payment_17 (
    id bigserial PRIMARY KEY,
    c0 boolean,
    c1 text[] NOT NULL,
    c2 text,
    c3 boolean,
    c4 date NOT NULL,
    code text NOT NULL UNIQUE
);
CREATE INDEX export_payment_17_c0_idx ON export_payment_17 (c0) WHERE c0 IS NOT NULL;
INSERT INTO export_payment_17 (c0, c1, c2, c3, c4) VALUES
    (false, ARRAY['a', 'b''c'], 'value 716 it''s', false, '2022-06-06'),
    (true, ARRAY['a', 'b''c'], 'value 796 it''s', true, '2022-05-04');
-- comment_session_18
CREATE TABLE comment_session_18 (
    id bigserial PRIMARY KEY,
    parent_id bigint NOT NULL,
    c0 text[] NOT NULL,
    c1 timestamptz,
    c2 integer,
    c3 date,
    c4 numeric(12,2),
    c5 text[],
    c6 uuid,
    c7 text,
    c8 jsonb NOT NULL,
    FOREIGN KEY (parent_id) REFERENCES variant_webhook_12 (id)
);
-- task_experiment_19
CREATE TABLE task_experiment_19 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    c0 boolean,
    c1 integer NOT NULL,
    c2 jsonb NOT NULL,
    c3 jsonb,
    c4 text[],
    c5 text,
    c6 numeric(12,2) NOT NULL,
    c7 boolean,
    c8 timestamptz
);
CREATE INDEX task_experiment_19_user_id_idx ON task_experiment_19 (user_id);
INSERT INTO task_experiment_19 (c0, c1, c2, c3, c4, c5, c6, c7, c8) VALUES
    (false, 72768, '{"k": 0, "on": true}'::jsonb, '{"k": 0, "on": true}'::jsonb, ARRAY['a', 'b''c'], 'value 776 it''s', 3937.88, false, '2023-11-23 12:00:00+00'),
    (false, 58743, '{"k": 1, "on": true}'::jsonb, '{"k": 1, "on": true}'::jsonb, ARRAY['a', 'b''c'], 'value 811 it''s', 282.11, false, '2023-04-13 12:00:00+00'),
    (true, 40135, '{"k": 2, "on": true}'::jsonb, '{"k": 2, "on": true}'::jsonb, ARRAY['a', 'b''c'], 'value 679 it''s', 9528.47, false, '2023-09-17 12:00:00+00'),
    (false, 55771, '{"k": 3, "on": true}'::jsonb, '{"k": 3, "on": true}'::jsonb, ARRAY['a', 'b''c'], 'value 763 it''s', 9017.42, false, '2023-12-15 12:00:00+00');
UPDATE task_experiment_19 SET c4 = ARRAY['a', 'b''c'] WHERE id IN (SELECT id FROM task_experiment_19 WHERE c4 IS NULL LIMIT 100);
-- thread_comment_20
CREATE TABLE thread_comment_20 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 timestamptz,
    c1 uuid,
    c2 integer,
    c3 timestamptz NOT NULL DEFAULT now(),
    c4 text,
    c5 bigint NOT NULL,
    CONSTRAINT thread_comment_20_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX thread_comment_20_c0_idx ON thread_comment_20 (c0) WHERE c0 IS NOT NULL;
ALTER TABLE note_upload_11 ADD CONSTRAINT note_upload_11_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE webhook_metric_13 ADD CONSTRAINT webhook_metric_13_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE variant_follow_16 ADD CONSTRAINT variant_follow_16_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
