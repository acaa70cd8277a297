-- +goose Up
-- Problem reports and cases (internal/reports) and the keys of the Open311
-- GeoReport v2 API. One dialect for SQLite and PostgreSQL: text ids made in
-- Go, times written from Go in UTC, JSON kept as TEXT and read in Go.

-- Units that handle cases: city departments and municipal companies.
CREATE TABLE report_units (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL DEFAULT 'department',
    email      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- Officers working a unit's queue, by the email of their account, so an
-- admin can add someone before their first sign-in.
CREATE TABLE report_unit_members (
    unit_id  TEXT NOT NULL REFERENCES report_units (id) ON DELETE CASCADE,
    email    TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (unit_id, email)
);
CREATE INDEX report_unit_members_email ON report_unit_members (email);

-- Categories are the Open311 services. Names, descriptions and notices are
-- JSON objects by language; attributes is the Open311 service definition.
CREATE TABLE report_categories (
    code          TEXT PRIMARY KEY,
    group_code    TEXT NOT NULL DEFAULT '',
    names         TEXT NOT NULL,
    descriptions  TEXT NOT NULL DEFAULT '{}',
    notices       TEXT NOT NULL DEFAULT '{}',
    keywords      TEXT NOT NULL DEFAULT '',
    expected_days INTEGER NOT NULL DEFAULT 14,
    unit_id       TEXT REFERENCES report_units (id),
    service_type  TEXT NOT NULL DEFAULT 'realtime',
    attributes    TEXT NOT NULL DEFAULT '[]',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    position      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Routing: category x district -> unit. District 0 is "any district" and
-- overrides the category's own unit; a row for a district overrides both.
CREATE TABLE report_routes (
    category_code TEXT NOT NULL REFERENCES report_categories (code) ON DELETE CASCADE,
    district      INTEGER NOT NULL,
    unit_id       TEXT NOT NULL REFERENCES report_units (id) ON DELETE CASCADE,
    PRIMARY KEY (category_code, district)
);

CREATE TABLE report_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Case numbers come from one counter row: UPDATE ... RETURNING takes its
-- row lock, so numbers are unique and gap-free on both engines.
CREATE TABLE report_counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO report_counters (name, value) VALUES ('case', 0);

-- Partner applications allowed to POST through Open311. Only the SHA-256
-- of a key is stored; the key itself is shown once, when it is issued.
CREATE TABLE open311_keys (
    id         TEXT PRIMARY KEY,
    app_name   TEXT NOT NULL,
    contact    TEXT NOT NULL DEFAULT '',
    key_hash   TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMPTZ
);

CREATE TABLE report_cases (
    id             TEXT PRIMARY KEY,
    number         BIGINT NOT NULL UNIQUE,
    category_code  TEXT NOT NULL REFERENCES report_categories (code),
    unit_id        TEXT REFERENCES report_units (id),
    status         TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    address        TEXT NOT NULL DEFAULT '',
    district       INTEGER NOT NULL DEFAULT 0,
    channel        TEXT NOT NULL,
    lang           TEXT NOT NULL DEFAULT '',
    reporter_id    TEXT,
    reporter_email TEXT NOT NULL DEFAULT '',
    reporter_name  TEXT NOT NULL DEFAULT '',
    reporter_phone TEXT NOT NULL DEFAULT '',
    token          TEXT NOT NULL UNIQUE,
    api_key_id     TEXT REFERENCES open311_keys (id),
    device_id      TEXT NOT NULL DEFAULT '',
    account_id     TEXT NOT NULL DEFAULT '',
    media_url      TEXT NOT NULL DEFAULT '',
    attributes     TEXT NOT NULL DEFAULT '{}',
    status_notes   TEXT NOT NULL DEFAULT '',
    duplicate_of   BIGINT,
    referred_to    TEXT NOT NULL DEFAULT '',
    entered_by     TEXT NOT NULL DEFAULT '',
    supporters     INTEGER NOT NULL DEFAULT 0,
    reopen_count   INTEGER NOT NULL DEFAULT 0,
    photos         INTEGER NOT NULL DEFAULT 0,
    photo_url      TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    expected_at    TIMESTAMPTZ,
    resolved_at    TIMESTAMPTZ,
    closed_at      TIMESTAMPTZ
);
CREATE INDEX report_cases_created ON report_cases (created_at);
CREATE INDEX report_cases_status ON report_cases (status, created_at);
CREATE INDEX report_cases_unit ON report_cases (unit_id, status);
CREATE INDEX report_cases_nearby ON report_cases (category_code, status, lat);
CREATE INDEX report_cases_district ON report_cases (district, created_at);
CREATE INDEX report_cases_reporter ON report_cases (reporter_id);

-- A case's history: status changes, public updates and internal notes.
CREATE TABLE report_updates (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES report_cases (id) ON DELETE CASCADE,
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT NOT NULL,
    status    TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL DEFAULT '',
    internal  BOOLEAN NOT NULL DEFAULT FALSE,
    author_id TEXT NOT NULL DEFAULT '',
    author    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_updates_case ON report_updates (case_id, at);

-- "Me too": residents supporting an open report instead of filing another.
CREATE TABLE report_supports (
    case_id    TEXT NOT NULL REFERENCES report_cases (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- The satisfaction question asked when a case closes (1-5 and a comment).
CREATE TABLE report_feedback (
    case_id     TEXT PRIMARY KEY REFERENCES report_cases (id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE report_feedback;
DROP TABLE report_supports;
DROP TABLE report_updates;
DROP TABLE report_cases;
DROP TABLE open311_keys;
DROP TABLE report_counters;
DROP TABLE report_settings;
DROP TABLE report_routes;
DROP TABLE report_categories;
DROP TABLE report_unit_members;
DROP TABLE report_units;
