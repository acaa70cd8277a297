-- +goose Up
-- Consultations (internal/consult): processes with phases, documents
-- commented paragraph by paragraph, meetings with registration, a final
-- report, and one Pol.is-style conversation per process (statements, votes
-- and the stored opinion map). User ids are plain text (no foreign key to
-- users: the module reads accounts through their Go API only); when an
-- account is deleted its rows here are unlinked or emptied, and what was
-- counted (votes) stays counted under a pseudonymous participant number.

CREATE TABLE consult_consultations (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    summary             TEXT NOT NULL DEFAULT '',    -- Markdown
    district            INTEGER NOT NULL DEFAULT 0,  -- 0: the whole city; else one district ("small consultation")
    status              TEXT NOT NULL DEFAULT 'draft', -- draft, open, closed
    moderation          TEXT NOT NULL DEFAULT 'post',  -- pre: shown once accepted; post: shown at once
    verified_only       BOOLEAN NOT NULL DEFAULT FALSE, -- only verified residents of the scope take part
    report              TEXT NOT NULL DEFAULT '',    -- the final report, Markdown
    report_published_at TIMESTAMPTZ,
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX consult_consultations_status ON consult_consultations (status, created_at);

CREATE TABLE consult_phases (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consult_consultations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX consult_phases_consultation ON consult_phases (consultation_id, starts_at);

-- A document's body is Markdown; its paragraphs (blocks separated by blank
-- lines) are numbered from 1 and comments point at them, so the body cannot
-- change once it has comments.
CREATE TABLE consult_documents (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consult_consultations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX consult_documents_consultation ON consult_documents (consultation_id, created_at);

CREATE TABLE consult_comments (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES consult_documents (id) ON DELETE CASCADE,
    paragraph    INTEGER NOT NULL,
    parent_id    TEXT REFERENCES consult_comments (id) ON DELETE CASCADE, -- a reply in a thread
    author_id    TEXT,                     -- NULL once the account is deleted
    author_name  TEXT NOT NULL DEFAULT '', -- as shown when written
    recorded_by  TEXT NOT NULL DEFAULT '', -- the officer who typed it in for the author
    stance       TEXT NOT NULL,            -- for, against, neutral
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,            -- pending, published, rejected, erased
    flags        INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    moderated_at TIMESTAMPTZ,
    moderated_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consult_comments_document ON consult_comments (document_id, paragraph, created_at);
CREATE INDEX consult_comments_queue ON consult_comments (status, flags);
CREATE INDEX consult_comments_author ON consult_comments (author_id);

CREATE TABLE consult_comment_flags (
    comment_id TEXT NOT NULL REFERENCES consult_comments (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);
CREATE INDEX consult_comment_flags_user ON consult_comment_flags (user_id);

CREATE TABLE consult_meetings (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consult_consultations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    capacity        INTEGER NOT NULL DEFAULT 0 -- 0: no limit
);
CREATE INDEX consult_meetings_consultation ON consult_meetings (consultation_id, starts_at);

CREATE TABLE consult_registrations (
    meeting_id  TEXT NOT NULL REFERENCES consult_meetings (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX consult_registrations_user ON consult_registrations (user_id);

CREATE TABLE consult_conversations (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL UNIQUE REFERENCES consult_consultations (id) ON DELETE CASCADE,
    topic           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT '', -- language of the statements when not the page's
    source          TEXT NOT NULL DEFAULT '', -- attribution of imported statements and votes
    open            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL
);

-- Participants are numbered per conversation (0, 1, 2, ... in order of
-- arrival) as Pol.is numbers them; exports and the map use only these
-- numbers. user_id is NULL for imported participants and once an account
-- is deleted.
CREATE TABLE consult_participants (
    conversation_id TEXT NOT NULL REFERENCES consult_conversations (id) ON DELETE CASCADE,
    pid             INTEGER NOT NULL,
    user_id         TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, pid),
    UNIQUE (conversation_id, user_id)
);
CREATE INDEX consult_participants_user ON consult_participants (user_id);

-- Statements ("comments" in Pol.is), numbered per conversation from 0.
-- moderated: -1 rejected, 0 not yet reviewed, 1 accepted (Pol.is's values).
CREATE TABLE consult_statements (
    conversation_id TEXT NOT NULL REFERENCES consult_conversations (id) ON DELETE CASCADE,
    tid             INTEGER NOT NULL,
    pid             INTEGER,                 -- the author's participant number; NULL for the organiser's seed
    body            TEXT NOT NULL,
    moderated       INTEGER NOT NULL DEFAULT 0,
    is_meta         BOOLEAN NOT NULL DEFAULT FALSE,
    is_seed         BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by     TEXT NOT NULL DEFAULT '', -- the officer who typed it in (assisted) or seeded it
    n_votes         INTEGER NOT NULL DEFAULT 0, -- participants who voted on it
    created_at      TIMESTAMPTZ NOT NULL,
    moderated_at    TIMESTAMPTZ,
    moderated_by    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (conversation_id, tid)
);
CREATE INDEX consult_statements_queue ON consult_statements (moderated, created_at);

-- The latest vote per (participant, statement): what the map counts.
-- value: +1 agree, -1 disagree, 0 pass (Pol.is's export sign).
CREATE TABLE consult_votes (
    conversation_id TEXT NOT NULL REFERENCES consult_conversations (id) ON DELETE CASCADE,
    pid             INTEGER NOT NULL,
    tid             INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    voted_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, pid, tid)
);

-- Every vote event, changed votes included (Pol.is's votes.csv).
CREATE TABLE consult_vote_events (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES consult_conversations (id) ON DELETE CASCADE,
    pid             INTEGER NOT NULL,
    tid             INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    voted_at        TIMESTAMPTZ NOT NULL,
    recorded_by     TEXT NOT NULL DEFAULT '' -- the officer, for votes collected at a consultation point
);
CREATE INDEX consult_vote_events_conversation ON consult_vote_events (conversation_id, voted_at);

-- The opinion map of a conversation (opinion.Result as JSON), with the
-- number of vote events and the moderated-out list it was computed at.
CREATE TABLE consult_maps (
    conversation_id TEXT PRIMARY KEY REFERENCES consult_conversations (id) ON DELETE CASCADE,
    result          TEXT NOT NULL,
    vote_events     INTEGER NOT NULL,
    mod_out         TEXT NOT NULL DEFAULT '',
    tick            INTEGER NOT NULL,
    computed_at     TIMESTAMPTZ NOT NULL,
    duration_ms     INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE consult_maps;
DROP TABLE consult_vote_events;
DROP TABLE consult_votes;
DROP TABLE consult_statements;
DROP TABLE consult_participants;
DROP TABLE consult_conversations;
DROP TABLE consult_registrations;
DROP TABLE consult_meetings;
DROP TABLE consult_comment_flags;
DROP TABLE consult_comments;
DROP TABLE consult_documents;
DROP TABLE consult_phases;
DROP TABLE consult_consultations;
