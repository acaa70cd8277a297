-- +goose Up
-- The ballot box (internal/ballot), shared by every vote in Civitas: the
-- budget's pools, referendum questions and quick polls. These four tables
-- were the budget's (00007: pb_participations, pb_ballots,
-- pb_paper_batches, pb_paper_entries); their rows move here unchanged, with
-- edition_id as box and pool_id as pool. No foreign key to an owner: the
-- owning module checks its own ids, and nothing that votes is ever deleted.
--
-- box is the vote (a budget edition, a referendum, a poll); pool is what a
-- ballot is for (a budget pool, a question); slot is where a person may take
-- part once (a pool, all the district pools, a question). The UNIQUE
-- constraint on (box, slot, voter_key) is what makes voting twice
-- impossible, whatever the channel.
CREATE TABLE ballot_participations (
    id        TEXT PRIMARY KEY,
    box       TEXT NOT NULL,
    pool      TEXT NOT NULL,
    slot      TEXT NOT NULL,
    voter_key TEXT NOT NULL,
    user_id   TEXT,
    channel   TEXT NOT NULL,                    -- online, paper
    batch_id  TEXT,
    district  INTEGER NOT NULL DEFAULT 0,
    age_band  TEXT NOT NULL DEFAULT '',
    void      BOOLEAN NOT NULL DEFAULT FALSE,
    at        TIMESTAMPTZ NOT NULL,
    UNIQUE (box, slot, voter_key)
);
CREATE INDEX ballot_participations_user ON ballot_participations (user_id);
CREATE INDEX ballot_participations_pool ON ballot_participations (pool);

-- What was chosen, by nobody in particular; link is HMAC(secret key,
-- participation id) as before.
CREATE TABLE ballot_ballots (
    id       TEXT PRIMARY KEY,
    box      TEXT NOT NULL,
    pool     TEXT NOT NULL,
    receipt  TEXT NOT NULL UNIQUE,
    link     TEXT UNIQUE,                       -- NULL for imported ballots
    channel  TEXT NOT NULL,                     -- online, paper, imported
    batch_id TEXT,
    choices  TEXT NOT NULL,
    points   TEXT NOT NULL DEFAULT '',
    void     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ballot_ballots_pool ON ballot_ballots (pool, receipt);

CREATE TABLE ballot_paper_batches (
    id         TEXT PRIMARY KEY,
    box        TEXT NOT NULL,
    pool       TEXT NOT NULL,
    booth      TEXT NOT NULL,
    label      TEXT NOT NULL,
    double_key BOOLEAN NOT NULL,
    status     TEXT NOT NULL,                   -- open, closed
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_at  TIMESTAMPTZ
);
CREATE INDEX ballot_paper_batches_box ON ballot_paper_batches (box);

CREATE TABLE ballot_paper_entries (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES ballot_paper_batches (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    keying      INTEGER NOT NULL,               -- 1 or 2
    officer_id  TEXT NOT NULL,
    voter_key   TEXT NOT NULL,
    choices_mac TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    UNIQUE (batch_id, seq, keying)
);

INSERT INTO ballot_participations (id, box, pool, slot, voter_key, user_id, channel, batch_id, district, age_band, void, at)
    SELECT id, edition_id, pool_id, slot, voter_key, user_id, channel, batch_id, district, age_band, void, at FROM pb_participations;
INSERT INTO ballot_ballots (id, box, pool, receipt, link, channel, batch_id, choices, points, void)
    SELECT id, edition_id, pool_id, receipt, link, channel, batch_id, choices, points, void FROM pb_ballots;
INSERT INTO ballot_paper_batches (id, box, pool, booth, label, double_key, status, created_by, created_at, closed_at)
    SELECT id, edition_id, pool_id, booth, label, double_key, status, created_by, created_at, closed_at FROM pb_paper_batches;
INSERT INTO ballot_paper_entries (id, batch_id, seq, keying, officer_id, voter_key, choices_mac, outcome, at)
    SELECT id, batch_id, seq, keying, officer_id, voter_key, choices_mac, outcome, at FROM pb_paper_entries;

DROP TABLE pb_paper_entries;
DROP TABLE pb_ballots;
DROP TABLE pb_participations;
DROP TABLE pb_paper_batches;

-- +goose Down
CREATE TABLE pb_paper_batches (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    booth      TEXT NOT NULL,
    label      TEXT NOT NULL,
    double_key BOOLEAN NOT NULL,
    status     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_at  TIMESTAMPTZ
);
CREATE TABLE pb_participations (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    slot       TEXT NOT NULL,
    voter_key  TEXT NOT NULL,
    user_id    TEXT,
    channel    TEXT NOT NULL,
    batch_id   TEXT,
    district   INTEGER NOT NULL DEFAULT 0,
    age_band   TEXT NOT NULL DEFAULT '',
    void       BOOLEAN NOT NULL DEFAULT FALSE,
    at         TIMESTAMPTZ NOT NULL,
    UNIQUE (edition_id, slot, voter_key)
);
CREATE INDEX pb_participations_user ON pb_participations (user_id);
CREATE INDEX pb_participations_pool ON pb_participations (pool_id);
CREATE TABLE pb_ballots (
    id         TEXT PRIMARY KEY,
    edition_id TEXT NOT NULL REFERENCES pb_editions (id) ON DELETE CASCADE,
    pool_id    TEXT NOT NULL REFERENCES pb_pools (id),
    receipt    TEXT NOT NULL UNIQUE,
    link       TEXT UNIQUE,
    channel    TEXT NOT NULL,
    batch_id   TEXT,
    choices    TEXT NOT NULL,
    points     TEXT NOT NULL DEFAULT '',
    void       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX pb_ballots_pool ON pb_ballots (pool_id, receipt);
CREATE TABLE pb_paper_entries (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL REFERENCES pb_paper_batches (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    keying      INTEGER NOT NULL,
    officer_id  TEXT NOT NULL,
    voter_key   TEXT NOT NULL,
    choices_mac TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    UNIQUE (batch_id, seq, keying)
);
INSERT INTO pb_paper_batches SELECT id, box, pool, booth, label, double_key, status, created_by, created_at, closed_at
    FROM ballot_paper_batches WHERE box IN (SELECT id FROM pb_editions);
INSERT INTO pb_participations SELECT id, box, pool, slot, voter_key, user_id, channel, batch_id, district, age_band, void, at
    FROM ballot_participations WHERE box IN (SELECT id FROM pb_editions);
INSERT INTO pb_ballots SELECT id, box, pool, receipt, link, channel, batch_id, choices, points, void
    FROM ballot_ballots WHERE box IN (SELECT id FROM pb_editions);
INSERT INTO pb_paper_entries SELECT e.id, e.batch_id, e.seq, e.keying, e.officer_id, e.voter_key, e.choices_mac, e.outcome, e.at
    FROM ballot_paper_entries e JOIN ballot_paper_batches b ON b.id = e.batch_id WHERE b.box IN (SELECT id FROM pb_editions);
DROP TABLE ballot_paper_entries;
DROP TABLE ballot_paper_batches;
DROP TABLE ballot_ballots;
DROP TABLE ballot_participations;
