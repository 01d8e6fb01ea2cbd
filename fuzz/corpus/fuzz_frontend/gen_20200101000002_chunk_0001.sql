-- address_order_1
CREATE TABLE address_order_1 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    c0 boolean NOT NULL,
    c1 integer,
    c2 uuid NOT NULL,
    c3 varchar(255) NOT NULL
);
-- message_task_2
CREATE TABLE message_task_2 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 boolean,
    c1 numeric(12,2) NOT NULL,
    c2 varchar(255) NOT NULL,
    c3 numeric(12,2),
    CONSTRAINT message_task_2_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX message_task_2_user_id_idx ON message_task_2 (user_id);
INSERT INTO message_task_2 (c0, c1, c2, c3) VALUES
    (false, 9459.24, 'value 721 it''s', 1139.05),
    (true, 4741.10, 'value 875 it''s', 3814.12),
    (false, 4554.58, 'value 650 it''s', 5977.20);
-- variant_message_3
CREATE TABLE variant_message_3 (
    id bigserial PRIMARY KEY,
    parent_id bigint NOT NULL,
    user_id bigint REFERENCES users,
    c0 bigint,
    c1 timestamptz,
    c2 uuid NOT NULL,
    c3 numeric(12,2),
    FOREIGN KEY (parent_id) REFERENCES address_order_1 (id) ON DELETE CASCADE
);
CREATE INDEX variant_message_3_parent_id_idx ON variant_message_3 (parent_id);
CREATE INDEX variant_message_3_user_id_idx ON variant_message_3 (user_id);
-- team_setting_4
CREATE TABLE team_setting_4 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    c0 uuid,
    c1 date,
    c2 date,
    c3 boolean
);
INSERT INTO team_setting_4 (c0, c1, c2, c3) VALUES
    ('00000000-0000-4000-8000-00c510435a10', '2022-07-20', '2022-08-17', false),
    ('00000001-0000-4000-8000-003ab88139b9', '2022-11-18', '2022-05-25', false);
UPDATE team_setting_4 SET c3 = true WHERE id IN (SELECT id FROM team_setting_4 WHERE c3 IS NULL LIMIT 100);
-- webhook_thread_5
CREATE TABLE webhook_thread_5 (
    id bigserial PRIMARY KEY,
    parent_id bigint NOT NULL,
    c0 text[] NOT NULL,
    c1 text[],
    c2 boolean NOT NULL,
    FOREIGN KEY (parent_id) REFERENCES message_task_2 (id)
);
CREATE INDEX webhook_thread_5_parent_id_idx ON webhook_thread_5 (parent_id);
CREATE INDEX webhook_thread_5_c0_idx ON webhook_thread_5 (c0) WHERE c0 IS NOT NULL;
INSERT INTO webhook_thread_5 (c0, c1, c2) VALUES
    (ARRAY['a', 'b''c'], ARRAY['a', 'b''c'], true);
-- flag_token_6
CREATE TABLE flag_token_6 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 integer,
    c1 uuid,
    c2 bigint,
    c3 uuid NOT NULL,
    c4 uuid,
    c5 varchar(255)
);
INSERT INTO flag_token_6 (c0, c1, c2, c3, c4, c5) VALUES
    (57422, '00000000-0000-4000-8000-003d7394988f', 32493, '00000000-0000-4000-8000-00203985c3cf', '00000000-0000-4000-8000-000a568cc69b', 'value 602 it''s'),
    (72603, '00000001-0000-4000-8000-000338602ab6', 9305, '00000001-0000-4000-8000-00750f1259e0', '00000001-0000-4000-8000-00245496f63c', 'value 526 it''s'),
    (31195, '00000002-0000-4000-8000-006d7c441fe7', 70678, '00000002-0000-4000-8000-007c7900f7f9', '00000002-0000-4000-8000-00f2c8dcd19f', 'value 826 it''s');
-- payment_device_7
CREATE TABLE payment_device_7 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    c0 numeric(12,2),
    c1 integer NOT NULL,
    c2 boolean,
    c3 bigint,
    c4 timestamptz,
    c5 integer,
    c6 uuid NOT NULL,
    c7 text[]
);
INSERT INTO payment_device_7 (c0, c1, c2, c3, c4, c5, c6, c7) VALUES
    (7886.27, 52565, true, 21579, '2023-07-01 12:00:00+00', 51173, '00000000-0000-4000-8000-0092747b6dba', ARRAY['a', 'b''c']),
    (6930.89, 95748, false, 20289, '2023-04-10 12:00:00+00', 28534, '00000001-0000-4000-8000-001df7fd5646', ARRAY['a', 'b''c']),
    (9489.94, 71066, true, 98038, '2023-06-02 12:00:00+00', 6572, '00000002-0000-4000-8000-00f4958ca9ba', ARRAY['a', 'b''c']),
    (8238.67, 20635, true, 66562, '2023-02-28 12:00:00+00', 24356, '00000003-0000-4000-8000-0078dca02eec', ARRAY['a', 'b''c']);
-- token_note_8
CREATE TABLE token_note_8 (
    id bigserial PRIMARY KEY,
    parent_id bigint NOT NULL,
    user_id bigint REFERENCES users,
    c0 uuid,
    c1 timestamptz NOT NULL,
    c2 boolean NOT NULL,
    c3 bigint,
    c4 timestamptz,
    c5 integer NOT NULL,
    c6 date,
    FOREIGN KEY (parent_id) REFERENCES address_order_1 (id) ON DELETE CASCADE
);
CREATE INDEX token_note_8_parent_id_idx ON token_note_8 (parent_id);
-- delivery_account_9
CREATE TABLE delivery_account_9 (
    id bigserial PRIMARY KEY,
    parent_id bigint NOT NULL,
    c0 timestamptz DEFAULT now(),
    c1 bigint NOT NULL,
    c2 integer,
    c3 bigint NOT NULL,
    c4 date NOT NULL,
    c5 numeric(12,2) NOT NULL,
    c6 text[],
    FOREIGN KEY (parent_id) REFERENCES token_note_8 (id) ON DELETE CASCADE
);
CREATE INDEX delivery_account_9_parent_id_idx ON delivery_account_9 (parent_id);
UPDATE delivery_account_9 SET c2 = 17146 WHERE id IN (SELECT id FROM delivery_account_9 WHERE c2 IS NULL LIMIT 100);
-- task_import_10
CREATE TABLE task_import_10 (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    c0 bigint,
    c1 numeric(12,2),
    c2 bigint
);
INSERT INTO task_import_10 (c0, c1, c2) VALUES
    (27535, 4088.85, 13473),
    (46357, 9173.52, 81351),
    (98235, 2532.30, 21299);
ALTER TABLE task_import_10 ADD COLUMN extra_10 text;
ALTER TABLE flag_token_6 ADD CONSTRAINT flag_token_6_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE payment_device_7 ADD CONSTRAINT payment_device_7_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
