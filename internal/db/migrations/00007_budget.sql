-- +goose Up
-- The participatory budget (internal/budget): editions and their pools,
-- projects with their review, appeals and realization, the vote (who took
-- part apart from what they chose), paper ballots and the results.
-- Money is BIGINT grosze. No PESEL is stored: a person is the keyed hash of
-- their PESEL (census.Hash), here called voter_key.

-- An edition: "Budżet Obywatelski Krakowa 2027", a school's budget, or the
-- local initiatives. phase is where it is now; starts_* are the planned
-- starts of each phase, applied by the schedule when auto_phases is set.
CREATE TABLE pb_editions (
    id                 TEXT PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL,          -- city, school, local
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    school             TEXT NOT NULL DEFAULT '',
    phase              TEXT NOT NULL,
    auto_phases        BOOLEAN NOT NULL DEFAULT FALSE,
    starts_submission  TIMESTAMPTZ,
    starts_review      TIMESTAMPTZ,
    starts_appeals     TIMESTAMPTZ,
    starts_voting      TIMESTAMPTZ,
    starts_results     TIMESTAMPTZ,
    starts_realization TIMESTAMPTZ,
    min_age            INTEGER NOT NULL DEFAULT 0,
    pool_policy        TEXT NOT NULL,          -- city_and_home, city_and_one_district, any
    allow_change       BOOLEAN NOT NULL DEFAULT FALSE,
    paper_policy       TEXT NOT NULL,          -- first_wins, void_both
    double_key         BOOLEAN NOT NULL DEFAULT FALSE,
    signatures         INTEGER NOT NULL DEFAULT 0,
    max_cost           BIGINT NOT NULL DEFAULT 0,
    categories         TEXT NOT NULL DEFAULT '', -- one per line
    source             TEXT NOT NULL DEFAULT '', -- the file an imported edition came from
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- Officers who coordinate one edition (a school's coordinator). When an
-- edition lists any, only they and admins manage it.
CREATE TABLE pb_coordinators (
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    PRIMARY KEY (edition_id, user_id)
);

-- Who may vote in a school edition: the pupils the coordinator lists.
CREATE TABLE pb_roster (
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (edition_id, user_id)
);

-- A pool: the city-wide pool or a district's (district > 0), with its
-- amount, its ballot rules and its counting rule.
CREATE TABLE pb_pools (
    id              TEXT PRIMARY KEY,
    edition_id      TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    district        INTEGER NOT NULL DEFAULT 0,
    amount          BIGINT NOT NULL,
    ballot          TEXT NOT NULL,             -- approval, ranking, cumulative
    min_choices     INTEGER NOT NULL,
    max_choices     INTEGER NOT NULL,
    points          TEXT NOT NULL DEFAULT '',  -- ranking: points by rank, "3,2,1"
    max_points      INTEGER NOT NULL DEFAULT 0, -- cumulative: points to spread
    max_per_project INTEGER NOT NULL DEFAULT 0, -- cumulative: most on one project (0: no limit)
    rule            TEXT NOT NULL,             -- a counting rule of internal/budget/rules
    threshold       TEXT NOT NULL DEFAULT '',  -- greedy-threshold: the least score
    position        INTEGER NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE pb_projects (
    id           TEXT PRIMARY KEY,
    edition_id   TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id      TEXT NOT NULL REFERENCES pb_pools (id),
    code         TEXT,                          -- public number; NULL while a draft
    author_id    TEXT,                          -- NULL when imported or erased
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',      -- Markdown
    category     TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    lat          DOUBLE PRECISION,
    lon          DOUBLE PRECISION,
    cost         BIGINT NOT NULL,               -- the author's estimate
    cost_final   BIGINT,                        -- as corrected in review
    status       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (edition_id, code)
);
CREATE INDEX pb_projects_pool ON pb_projects (pool_id, status);
CREATE INDEX pb_projects_author ON pb_projects (author_id);

-- The cost breakdown of a project's estimate.
CREATE TABLE pb_cost_items (
    project_id TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    PRIMARY KEY (project_id, position)
);

-- Review outcomes, one row per decision: formal, legal, technical (or the
-- decision on a local initiative).
CREATE TABLE pb_reviews (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    outcome     TEXT NOT NULL,                  -- positive, negative
    reasons     TEXT NOT NULL DEFAULT '',
    cost_before BIGINT NOT NULL,
    cost_after  BIGINT,
    officer_id  TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX pb_reviews_project ON pb_reviews (project_id, at);

CREATE TABLE pb_appeals (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    author_id  TEXT,
    body       TEXT NOT NULL,
    filed_at   TIMESTAMPTZ NOT NULL,
    outcome    TEXT NOT NULL DEFAULT '',        -- '' pending, upheld, dismissed
    reasons    TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMPTZ
);
CREATE INDEX pb_appeals_project ON pb_appeals (project_id);

-- Supporting signatures: one per person and project.
CREATE TABLE pb_signatures (
    project_id TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    voter_key  TEXT NOT NULL,
    user_id    TEXT,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, voter_key)
);
CREATE INDEX pb_signatures_user ON pb_signatures (user_id);

-- Paper ballots come in batches (a booth's box, a pile of sheets); with
-- double-key entry two officers key every sheet of the batch.
CREATE TABLE pb_paper_batches (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    booth      TEXT NOT NULL,
    label      TEXT NOT NULL,
    double_key BOOLEAN NOT NULL,
    status     TEXT NOT NULL,                   -- open, closed
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_at  TIMESTAMPTZ
);

-- Who took part, and how: one row per person and slot (a pool, or all the
-- district pools when a resident may vote in any one of them). The UNIQUE
-- constraint is what makes voting twice impossible, whatever the channel.
-- Nothing here says what the person chose.
CREATE TABLE pb_participations (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    slot       TEXT NOT NULL,
    voter_key  TEXT NOT NULL,
    user_id    TEXT,
    channel    TEXT NOT NULL,                   -- online, paper
    batch_id   TEXT,
    district   INTEGER NOT NULL DEFAULT 0,
    age_band   TEXT NOT NULL DEFAULT '',
    void       BOOLEAN NOT NULL DEFAULT FALSE,
    at         TIMESTAMPTZ NOT NULL,
    UNIQUE (edition_id, slot, voter_key)
);
CREATE INDEX pb_participations_user ON pb_participations (user_id);
CREATE INDEX pb_participations_pool ON pb_participations (pool_id);

-- What was chosen, and by nobody in particular: no person, no time. link is
-- HMAC(secret key, participation id), so only the server can go from a
-- participation to its ballot (to change it, or to show the resident their
-- receipt); the published list shows receipt and choices only. choices are
-- project ids in ballot order; points align with them (ranking, cumulative).
CREATE TABLE pb_ballots (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    receipt    TEXT NOT NULL UNIQUE,
    link       TEXT UNIQUE,                     -- NULL for imported ballots
    channel    TEXT NOT NULL,                   -- online, paper, imported
    batch_id   TEXT,
    choices    TEXT NOT NULL,
    points     TEXT NOT NULL DEFAULT '',
    void       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX pb_ballots_pool ON pb_ballots (pool_id, receipt);

-- Every keyed paper sheet. No PESEL and no choices in clear: voter_key is
-- the census hash, choices_mac an HMAC of the choices that double-key entry
-- compares.
CREATE TABLE pb_paper_entries (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES pb_paper_batches (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    keying      INTEGER NOT NULL,               -- 1 or 2
    officer_id  TEXT NOT NULL,
    voter_key   TEXT NOT NULL,
    choices_mac TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    UNIQUE (batch_id, seq, keying)
);

-- The count of a pool: the rule, the selected project ids in order and the
-- engine's explanation (JSON steps).
CREATE TABLE pb_results (
    pool_id     TEXT PRIMARY KEY REFERENCES pb_pools (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    voters      INTEGER NOT NULL,
    void        INTEGER NOT NULL,
    total_cost  BIGINT NOT NULL,
    selected    TEXT NOT NULL,
    explanation TEXT NOT NULL,
    add1_k      INTEGER NOT NULL,
    counted_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE pb_project_results (
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    votes      INTEGER NOT NULL,
    score      TEXT NOT NULL,
    selected   BOOLEAN NOT NULL,
    sel_order  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, project_id)
);

-- Turnout of a pool by the voters' district and age band, made when it is
-- counted (or from an imported file's columns).
CREATE TABLE pb_turnout (
    pool_id   TEXT NOT NULL REFERENCES pb_pools (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,                    -- district, age
    band      TEXT NOT NULL,
    voters    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, dimension, band)
);

-- Realization of a winning project (or an approved local initiative).
CREATE TABLE pb_realization (
    project_id TEXT PRIMARY KEY REFERENCES pb_projects (id) ON DELETE CASCADE,
    status     TEXT NOT NULL,
    progress   INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE pb_milestones (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES pb_projects (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    due        TEXT NOT NULL DEFAULT '',        -- YYYY-MM-DD
    done_at    TIMESTAMPTZ,
    position   INTEGER NOT NULL
);
CREATE INDEX pb_milestones_project ON pb_milestones (project_id, position);

-- +goose Down
DROP TABLE pb_milestones;
DROP TABLE pb_realization;
DROP TABLE pb_turnout;
DROP TABLE pb_project_results;
DROP TABLE pb_results;
DROP TABLE pb_paper_entries;
DROP TABLE pb_ballots;
DROP TABLE pb_participations;
DROP TABLE pb_paper_batches;
DROP TABLE pb_signatures;
DROP TABLE pb_appeals;
DROP TABLE pb_reviews;
DROP TABLE pb_cost_items;
DROP TABLE pb_projects;
DROP TABLE pb_pools;
DROP TABLE pb_roster;
DROP TABLE pb_coordinators;
DROP TABLE pb_editions;
