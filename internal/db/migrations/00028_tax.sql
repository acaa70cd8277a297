-- +goose Up
-- Local taxes and fees as the city's finance system states them. Civitas
-- computes no tax: each import is a dated snapshot of the finance system's
-- export that replaces the previous one as a whole (tax_imports keeps the
-- runs). People are keyed by the keyed hash of their PESEL (as the census),
-- firms by NIP.
CREATE TABLE tax_imports (
    id           TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,   -- of the file: the same file twice is one import
    file_name    TEXT NOT NULL,
    as_of        TEXT NOT NULL,          -- YYYY-MM-DD: the finance system's date of the data
    liabilities  INTEGER NOT NULL,
    instalments  INTEGER NOT NULL,
    payments     INTEGER NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL
);

-- Refused import attempts, for the officers' list of runs.
CREATE TABLE tax_import_refusals (
    id          TEXT PRIMARY KEY,
    file_name   TEXT NOT NULL,
    problems    INTEGER NOT NULL,
    first       TEXT NOT NULL,           -- the first problem, "line N: field: reason"
    attempted_by TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE tax_liabilities (
    id          TEXT PRIMARY KEY,         -- the finance system's liability id
    payer_hash  TEXT NOT NULL DEFAULT '', -- a person: keyed PESEL hash
    payer_nip   TEXT NOT NULL DEFAULT '', -- a firm
    kind        TEXT NOT NULL,            -- property, waste, transport, dog, agricultural, forest
    year        INTEGER NOT NULL,
    decision    TEXT NOT NULL,
    account     TEXT NOT NULL,            -- the payer's individual account (NRB, 26 digits)
    amount      BIGINT NOT NULL,          -- grosze, as stated
    arrears     BIGINT NOT NULL DEFAULT 0,
    interest    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tax_liabilities_payer ON tax_liabilities (payer_hash, year);
CREATE INDEX tax_liabilities_nip ON tax_liabilities (payer_nip, year);

CREATE TABLE tax_instalments (
    liability_id TEXT NOT NULL,
    n            INTEGER NOT NULL,
    due          TEXT NOT NULL,           -- YYYY-MM-DD
    amount       BIGINT NOT NULL,
    PRIMARY KEY (liability_id, n)
);

CREATE TABLE tax_payments (
    liability_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,        -- order in the file, per liability
    paid_on      TEXT NOT NULL,           -- YYYY-MM-DD
    amount       BIGINT NOT NULL,
    instalment   INTEGER NOT NULL DEFAULT 0, -- 0: not tied to one instalment (arrears, interest)
    PRIMARY KEY (liability_id, seq)
);

-- Who paid the city's share of income tax in a year (the finance system's
-- flag), which the city card's eligibility may use.
CREATE TABLE tax_city_income (
    payer_hash TEXT NOT NULL,
    year       INTEGER NOT NULL,
    PRIMARY KEY (payer_hash, year)
);

-- Residents who asked for reminders, and what was sent (once each).
CREATE TABLE tax_reminder_prefs (
    user_id    TEXT PRIMARY KEY,
    days       INTEGER NOT NULL,          -- how many days before a due date
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE tax_reminders_sent (
    user_id      TEXT NOT NULL,
    liability_id TEXT NOT NULL,
    n            INTEGER NOT NULL,
    kind         TEXT NOT NULL,           -- before, overdue
    sent_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, liability_id, n, kind)
);

-- +goose Down
DROP TABLE tax_reminders_sent;
DROP TABLE tax_reminder_prefs;
DROP TABLE tax_city_income;
DROP TABLE tax_payments;
DROP TABLE tax_instalments;
DROP TABLE tax_liabilities;
DROP TABLE tax_import_refusals;
DROP TABLE tax_imports;
