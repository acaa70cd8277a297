-- +goose Up
-- The city's information hub (internal/news): articles, road works,
-- investments and events in one table, since they share the workflow, the
-- tags, the feeds and the search; the columns of one kind stay empty for
-- the others. Its search index is migration 00021 (it differs by engine).

-- An item. status is draft, review or published; a published item shows
-- from shown_at (its planned publication, or the moment it was published)
-- until unpublish_at, checked whenever it is read.
CREATE TABLE news_items (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,                -- article, roadwork, investment, event
    status         TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',     -- Markdown
    publish_at     TIMESTAMPTZ,                  -- planned publication (NULL: when approved)
    unpublish_at   TIMESTAMPTZ,
    shown_at       TIMESTAMPTZ,                  -- set when published
    starts_at      TIMESTAMPTZ,                  -- events and road works
    ends_at        TIMESTAMPTZ,
    place          TEXT NOT NULL DEFAULT '',     -- events
    accessibility  TEXT NOT NULL DEFAULT '',
    price          BIGINT NOT NULL DEFAULT 0,    -- grosze; 0 is free
    streets        TEXT NOT NULL DEFAULT '',     -- road works: one street a line
    detour         TEXT NOT NULL DEFAULT '',
    geometry       TEXT NOT NULL DEFAULT '',     -- a GeoJSON Point or LineString
    geometry_text  TEXT NOT NULL DEFAULT '',     -- the same place in words
    budget         BIGINT NOT NULL DEFAULT 0,    -- investments, grosze
    contractor     TEXT NOT NULL DEFAULT '',
    progress       INTEGER NOT NULL DEFAULT 0,   -- per cent
    source_id      TEXT,                         -- an ingested item's source
    source_key     TEXT,                         -- and the source's own id of it
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (source_id, source_key)
);
CREATE INDEX news_items_shown ON news_items (status, shown_at);

-- Districts an item is about (none: the whole city) and its topics.
CREATE TABLE news_item_districts (
    item_id  TEXT NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    district INTEGER NOT NULL,
    PRIMARY KEY (item_id, district)
);
CREATE INDEX news_item_districts_district ON news_item_districts (district);
CREATE TABLE news_item_topics (
    item_id TEXT NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    topic   TEXT NOT NULL,
    PRIMARY KEY (item_id, topic)
);
CREATE INDEX news_item_topics_topic ON news_item_topics (topic);

-- An investment's milestones, in order.
CREATE TABLE news_milestones (
    id       TEXT PRIMARY KEY,
    item_id  TEXT NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    due      TIMESTAMPTZ,
    done     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX news_milestones_item ON news_milestones (item_id, position);

-- Another city site read on a schedule: a feed (RSS/Atom), ical, csv or
-- geojson at url. Items from a trusted source are published as they
-- come; from another they wait in review for an officer.
CREATE TABLE news_sources (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    format       TEXT NOT NULL,
    url          TEXT NOT NULL,
    trusted      BOOLEAN NOT NULL DEFAULT FALSE,
    kind         TEXT NOT NULL,              -- the kind of items without one
    district     INTEGER NOT NULL DEFAULT 0, -- their district (0: the whole city)
    topic        TEXT NOT NULL DEFAULT '',
    every_minutes INTEGER NOT NULL,
    last_run_at  TIMESTAMPTZ,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE news_sources;
DROP TABLE news_milestones;
DROP TABLE news_item_topics;
DROP TABLE news_item_districts;
DROP TABLE news_items;
