-- mempalace: the alternative memory backend, used only when
-- MEMORY_BACKEND=mempalace. The tables exist in every environment.
CREATE TABLE IF NOT EXISTS mempalace_wings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    name STRING NOT NULL
);

CREATE TABLE IF NOT EXISTS mempalace_rooms (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    wing_id UUID NOT NULL REFERENCES mempalace_wings(id),
    name STRING NOT NULL,
    INDEX (wing_id)
);

CREATE TABLE IF NOT EXISTS mempalace_drawers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id UUID NOT NULL REFERENCES mempalace_rooms(id),
    user_id UUID NOT NULL REFERENCES users(id),
    content STRING NOT NULL,
    embedding FLOAT8[],
    INDEX (room_id)
);
