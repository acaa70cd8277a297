-- +goose Up
-- Verified residency (internal/accounts/census and internal/accounts/identity).
-- The district an unverified resident chose is users.district (00005).
-- A PESEL is never stored: every pesel_hash is HMAC-SHA256 under the
-- configured secret key (census.Hash), in hex.

-- The city's residents register, replaced as a whole by each
-- "civitas census import". Only what verification needs: the keyed hash,
-- the birth date and the district number. Addresses are not kept.
CREATE TABLE census_entries (
    pesel_hash  TEXT PRIMARY KEY,
    birth_date  TEXT NOT NULL,    -- YYYY-MM-DD
    district    INTEGER NOT NULL,
    import_id   TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- One row per account whose residency is verified. A PESEL verifies one
-- account only, whatever the method (UNIQUE pesel_hash); a claim survives a
-- new import because it is keyed by the hash. The district here is the one
-- known at verification; the register's, when the PESEL is in it, wins.
CREATE TABLE residency (
    user_id     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    pesel_hash  TEXT NOT NULL UNIQUE,
    method      TEXT NOT NULL,           -- census, oidc, in_person
    district    INTEGER NOT NULL,
    verified_at TIMESTAMPTZ NOT NULL,
    verified_by TEXT NOT NULL DEFAULT '' -- the officer, for in_person
);

-- Claims refused because the PESEL already verifies another account (or a
-- managed profile needs its claim code): shown to officers.
CREATE TABLE residency_refused (
    id         TEXT PRIMARY KEY,
    pesel_hash TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    holder_id  TEXT NOT NULL,
    method     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX residency_refused_at ON residency_refused (at);

-- Failed verification attempts, for the per-account limit.
CREATE TABLE residency_failures (
    id      TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX residency_failures_user ON residency_failures (user_id, at);

-- Profiles an officer made for a resident without internet: a users row
-- with no email and no password, verified in person. The resident claims
-- it online with the code handed over at the desk (only its hash is kept).
CREATE TABLE managed_profiles (
    user_id         TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    claim_code_hash TEXT NOT NULL,
    claimed_at      TIMESTAMPTZ
);

-- OpenID Connect sign-ins in progress: state (hashed), nonce and PKCE
-- verifier, bound to the account and to the browser (id_hash is the
-- SHA-256 of a cookie value).
CREATE TABLE oidc_flows (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state_hash TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next       TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_flows_expires ON oidc_flows (expires_at);

-- +goose Down
DROP TABLE oidc_flows;
DROP TABLE managed_profiles;
DROP TABLE residency_failures;
DROP TABLE residency_refused;
DROP TABLE residency;
DROP TABLE census_entries;
