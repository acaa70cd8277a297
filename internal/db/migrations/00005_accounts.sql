-- +goose Up
-- Accounts: the district a resident chose, notification preferences,
-- single-use tokens sent by mail, sign-in attempts for rate limiting, and
-- personal access tokens for API clients. Tokens are stored as SHA-256
-- hashes; identifiers used for rate limits as HMACs.

ALTER TABLE users ADD COLUMN district INTEGER;
ALTER TABLE users ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMPTZ;

CREATE TABLE user_news_districts (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    district INTEGER NOT NULL,
    PRIMARY KEY (user_id, district)
);

CREATE TABLE account_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    new_email  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

CREATE TABLE signin_attempts (
    id    TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_attempts_scope ON signin_attempts (scope, at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE signin_attempts;
DROP TABLE account_tokens;
DROP TABLE user_news_districts;
ALTER TABLE users DROP COLUMN deleted_at;
ALTER TABLE users DROP COLUMN notify_email;
ALTER TABLE users DROP COLUMN district;
