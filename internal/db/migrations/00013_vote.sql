-- +goose Up
-- Referenda and quick polls (internal/vote). Their ballots are in the
-- ballot box (00012): a referendum is a box, each question a pool and a
-- slot; a poll is a box with one pool and slot, its own id.

-- A referendum: city-wide (district 0) or one district's. phase is where it
-- is now (announced, voting, closed, results); with auto_phases the
-- schedule moves it at voting_starts, voting_ends and results_at.
CREATE TABLE vote_referenda (
    id            TEXT PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',  -- Markdown
    district      INTEGER NOT NULL DEFAULT 0,
    min_age       INTEGER NOT NULL DEFAULT 0,
    binding       BOOLEAN NOT NULL DEFAULT FALSE,
    quorum        INTEGER NOT NULL DEFAULT 0, -- per cent of the electorate that must take part
    electorate    INTEGER NOT NULL DEFAULT 0, -- residents entitled to vote, for the quorum
    paper_policy  TEXT NOT NULL,              -- first_wins, void_both
    phase         TEXT NOT NULL,
    auto_phases   BOOLEAN NOT NULL DEFAULT FALSE,
    voting_starts TIMESTAMPTZ,
    voting_ends   TIMESTAMPTZ,
    results_at    TIMESTAMPTZ,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- A question: yes_no, single, multiple (at most max_choices) or ranking
-- (up to max_choices ranked; the first gets max_choices points).
CREATE TABLE vote_questions (
    id            TEXT PRIMARY KEY,
    referendum_id TEXT NOT NULL REFERENCES vote_referenda (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    max_choices   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX vote_questions_referendum ON vote_questions (referendum_id, position);

-- The options of a question or a poll (owner is a question id or a poll id).
CREATE TABLE vote_options (
    id       TEXT PRIMARY KEY,
    owner    TEXT NOT NULL,
    position INTEGER NOT NULL,
    label    TEXT NOT NULL
);
CREATE INDEX vote_options_owner ON vote_options (owner, position);

-- A quick poll ("Twoja opinia"): one question, single, multiple or a 1-5
-- scale; residents_only limits it to verified residents (of district when
-- set); results_after is answer or close.
CREATE TABLE vote_polls (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    question       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    max_choices    INTEGER NOT NULL DEFAULT 1,
    residents_only BOOLEAN NOT NULL DEFAULT FALSE,
    district       INTEGER NOT NULL DEFAULT 0,
    results_after  TEXT NOT NULL,
    opens_at       TIMESTAMPTZ NOT NULL,
    closes_at      TIMESTAMPTZ,
    closed         BOOLEAN NOT NULL DEFAULT FALSE,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE vote_polls;
DROP TABLE vote_options;
DROP TABLE vote_questions;
DROP TABLE vote_referenda;
