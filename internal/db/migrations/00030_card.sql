-- +goose Up
-- The city card (Karta Krakowska): who holds which card, the partners'
-- keys, and the checks of rotating codes. Holders are keyed by the keyed
-- hash of their PESEL (as the census); everything a partner sees or sends
-- names a card only by its pseudonymous card_id.
CREATE TABLE card_holders (
    card_id     TEXT PRIMARY KEY,          -- random, pseudonymous: what usage events name
    number      BIGINT NOT NULL UNIQUE,    -- random 9 digits, masked inside every code
    secret      TEXT NOT NULL,             -- hex, the card's own HMAC key for its codes
    pesel_hash  TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- basic, family
    family_size INTEGER NOT NULL DEFAULT 0,-- for a family card: 3 or more
    valid_from  TEXT NOT NULL,             -- YYYY-MM-DD
    valid_to    TEXT NOT NULL,             -- YYYY-MM-DD, inclusive
    import_id   TEXT NOT NULL,             -- the import that last listed the holder
    UNIQUE (pesel_hash, kind)
);

-- Eligibility imports: the same file twice is one import.
CREATE TABLE card_imports (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    holders     INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- Refused import attempts, for the officers.
CREATE TABLE card_import_refusals (
    id           TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    problems     INTEGER NOT NULL,
    first        TEXT NOT NULL,
    attempted_by TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE card_partners (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Partners' API keys: only the SHA-256 of a key is stored; the key is
-- shown once, when it is issued.
CREATE TABLE card_partner_keys (
    id         TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES card_partners (id),
    label      TEXT NOT NULL DEFAULT '',
    key_hash   TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMPTZ
);
CREATE INDEX card_partner_keys_partner ON card_partner_keys (partner_id);

-- Checked codes: one row per card and time step, so a code is accepted
-- once (the insert is the check against replay). Rows older than the
-- accepted window can be deleted.
CREATE TABLE card_checks (
    card_id    TEXT NOT NULL,
    step       BIGINT NOT NULL,
    partner_id TEXT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (card_id, step)
);

-- +goose Down
DROP TABLE card_checks;
DROP TABLE card_partner_keys;
DROP TABLE card_partners;
DROP TABLE card_import_refusals;
DROP TABLE card_imports;
DROP TABLE card_holders;
