-- +goose Up
-- Waste collection (internal/news/waste): collection areas by street and
-- house-number ranges, the schedule of each area (area × waste kind ×
-- day), and residents' evening-before reminders.

-- A range of house numbers of a street in an area: from_number to
-- to_number (0: no upper end), all numbers or only odd or even ones.
-- street_key is the street's matching key (addresses.StreetKey).
CREATE TABLE waste_area_streets (
    area        TEXT NOT NULL,
    area_name   TEXT NOT NULL,
    street      TEXT NOT NULL,
    street_key  TEXT NOT NULL,
    from_number INTEGER NOT NULL,
    to_number   INTEGER NOT NULL,
    parity      TEXT NOT NULL,   -- all, odd, even
    PRIMARY KEY (street_key, from_number, parity, area)
);
CREATE INDEX waste_area_streets_area ON waste_area_streets (area);

-- One collection: an area's waste kind on a day (the city's date).
CREATE TABLE waste_collections (
    area TEXT NOT NULL,
    kind TEXT NOT NULL,
    day  TEXT NOT NULL,          -- YYYY-MM-DD
    PRIMARY KEY (area, day, kind)
);
CREATE INDEX waste_collections_day ON waste_collections (day);

-- A resident's reminder: mail the evening before each collection of the
-- area of their address.
CREATE TABLE waste_reminders (
    user_id    TEXT PRIMARY KEY,
    address    TEXT NOT NULL,
    area       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX waste_reminders_area ON waste_reminders (area);

-- The days whose reminders were queued: a day is sent once, whichever
-- node runs its job and however often.
CREATE TABLE waste_reminder_days (
    day     TEXT PRIMARY KEY,
    sent_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE waste_reminder_days;
DROP TABLE waste_reminders;
DROP TABLE waste_collections;
DROP TABLE waste_area_streets;
