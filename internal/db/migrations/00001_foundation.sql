-- +goose Up
-- The platform's own tables: people and roles, sessions, the job queue, the
-- mail outbox and the audit log. One dialect for SQLite and PostgreSQL:
-- text ids made in Go, TIMESTAMPTZ written from Go in UTC, no sequences.

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT UNIQUE,
    display_name       TEXT NOT NULL,
    password_hash      TEXT NOT NULL DEFAULT '',
    email_confirmed_at TIMESTAMPTZ,
    language           TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    disabled_at        TIMESTAMPTZ
);

CREATE TABLE user_roles (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    domain     TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMPTZ NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, role, domain)
);

-- A session row is keyed by the SHA-256 of the cookie token, so the table
-- alone does not let anyone take over a session.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    data         TEXT NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL DEFAULT 'ready',
    dedupe_key   TEXT,
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    last_error   TEXT NOT NULL DEFAULT '',
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs (state, run_at);
-- At most one waiting job per dedupe key: debounced work (recomputing a map
-- after new votes) is enqueued many times but runs once.
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE state = 'ready';

CREATE TABLE mail_outbox (
    id         TEXT PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);

-- Append-only: a later migration adds triggers that refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_label  TEXT NOT NULL DEFAULT '',
    on_behalf_of TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL DEFAULT '',
    target_id    TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}',
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE mail_outbox;
DROP TABLE jobs;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
