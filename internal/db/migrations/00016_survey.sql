-- +goose Up
-- Surveys (internal/survey). A questionnaire is kept in versions: a
-- version with responses is locked, and a change makes the next version.
-- Its content (sections, pages, questions, texts in pl/en/uk) is one JSON
-- document that the survey package reads and checks; answers name its
-- questions by key, so waves of different versions compare by key.
CREATE TABLE survey_questionnaires (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,  -- JSON {"pl": ..., "en": ..., "uk": ...}
    definition TEXT NOT NULL,  -- JSON, survey.Definition
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (slug, version)
);

-- A wave: one run of a questionnaire version (2024, 2025, ...). access is
-- who answers online: anyone, signed_in, verified (residents) or panel
-- (invited, by token). Panel invitations are reminded every remind_days
-- days, at most max_reminders times.
CREATE TABLE survey_waves (
    id               TEXT PRIMARY KEY,
    questionnaire_id TEXT NOT NULL REFERENCES survey_questionnaires (id),
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    access           TEXT NOT NULL,
    opens_at         TIMESTAMPTZ NOT NULL,
    closes_at        TIMESTAMPTZ,
    remind_days      INTEGER NOT NULL DEFAULT 0,
    max_reminders    INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX survey_waves_questionnaire ON survey_waves (questionnaire_id);

-- Panel invitations: the token mailed is the row id with a keyed MAC (so a
-- reminder can rebuild the link; the token itself is never stored). The
-- address is kept only while the wave runs (mails sent counts invitations
-- and reminders).
CREATE TABLE survey_tokens (
    id         TEXT PRIMARY KEY,
    wave_id    TEXT NOT NULL REFERENCES survey_waves (id) ON DELETE CASCADE,
    email      TEXT NOT NULL DEFAULT '',
    lang       TEXT NOT NULL,
    mails_sent INTEGER NOT NULL DEFAULT 0,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX survey_tokens_wave ON survey_tokens (wave_id, used_at);

-- A response. respondent is who may answer once: a keyed hash of the
-- account, the token id, or (open link for anyone) a hash of the browser's
-- resume secret. next_page is where answering resumes; completed_at marks
-- it done. channel is online or interviewer (entered_by the officer).
-- district and age_band are the residency's at the start, for weighting.
CREATE TABLE survey_responses (
    id           TEXT PRIMARY KEY,
    wave_id      TEXT NOT NULL REFERENCES survey_waves (id),
    respondent   TEXT NOT NULL,
    channel      TEXT NOT NULL,
    entered_by   TEXT NOT NULL DEFAULT '',
    district     INTEGER NOT NULL DEFAULT 0,
    age_band     TEXT NOT NULL DEFAULT '',
    next_page    INTEGER NOT NULL DEFAULT 0,
    started_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    UNIQUE (wave_id, respondent)
);
CREATE INDEX survey_responses_wave ON survey_responses (wave_id, completed_at);

-- One answer: a question's key and its value (JSON, survey.Answer).
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (response_id, question)
);

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_tokens;
DROP TABLE survey_waves;
DROP TABLE survey_questionnaires;
