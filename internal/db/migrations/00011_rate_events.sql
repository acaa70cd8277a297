-- +goose Up
-- One table for every rate limit (sign-in failures, mail per recipient,
-- Open311 posts per key …): internal/ratelimit. Scopes are HMACs, never an
-- email or address in clear. It replaces signin_attempts.
CREATE TABLE rate_events (
    id    TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_events_scope ON rate_events (scope, at);
CREATE INDEX rate_events_at ON rate_events (at);
DROP TABLE signin_attempts;

-- +goose Down
CREATE TABLE signin_attempts (
    id    TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_attempts_scope ON signin_attempts (scope, at);
DROP TABLE rate_events;
