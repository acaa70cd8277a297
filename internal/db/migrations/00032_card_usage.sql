-- +goose Up
-- The city card's usage: events from partners' systems, and the rollups
-- the analytics read (never the raw events).
--
-- What a holder's usage is counted by: the district the eligibility list
-- gives (0: not given) and the birth year (from the PESEL at import).
ALTER TABLE card_holders ADD COLUMN district INTEGER NOT NULL DEFAULT 0;
ALTER TABLE card_holders ADD COLUMN birth_year INTEGER NOT NULL DEFAULT 0;

-- A card as one partner knows it: the check API answers a partner with a
-- reference of its own for the card (an HMAC of partner and card), which
-- its usage events then name. Two partners cannot match their customers
-- by it, and it says nothing of the holder.
CREATE TABLE card_partner_refs (
    partner_id TEXT NOT NULL,
    ref        TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    PRIMARY KEY (partner_id, ref)
);

-- Raw events, idempotent by (partner, event id): a partner's retry of a
-- batch changes nothing.
CREATE TABLE card_events (
    partner_id  TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    offer_id    TEXT NOT NULL,
    card_id     TEXT NOT NULL,           -- pseudonymous (the card's id, not the partner's reference)
    at          TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, event_id)
);

-- Uses by day and hour (in the city's zone) × offer × partner × the
-- holder's district and age band; updated in the transaction that stores
-- the events.
CREATE TABLE card_usage (
    day      TEXT NOT NULL,               -- YYYY-MM-DD
    hour     INTEGER NOT NULL,            -- 0..23
    offer_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    district INTEGER NOT NULL,
    age_band TEXT NOT NULL,
    uses     BIGINT NOT NULL,
    PRIMARY KEY (day, hour, offer_id, partner_id, district, age_band)
);

-- The same uses by day and one dimension at a time (offer, partner,
-- district, age, hour): a few hundred rows a day whatever the traffic, so
-- the analytics page reads a year in milliseconds; card_usage keeps the
-- full cross-tabulation.
CREATE TABLE card_usage_dims (
    day  TEXT NOT NULL,
    dim  TEXT NOT NULL,                   -- offer, partner, district, age, hour
    key  TEXT NOT NULL,
    uses BIGINT NOT NULL,
    PRIMARY KEY (day, dim, key)
);

-- Unique holders: the set of cards used each day (exact), and its size
-- by district and age band. Unique holders over a period are counted
-- from the per-day sets (COUNT DISTINCT over the period's days).
CREATE TABLE card_day_holders (
    day      TEXT NOT NULL,
    card_id  TEXT NOT NULL,
    PRIMARY KEY (day, card_id)
);
CREATE TABLE card_daily_uniques (
    day      TEXT NOT NULL,
    district INTEGER NOT NULL,
    age_band TEXT NOT NULL,
    holders  BIGINT NOT NULL,
    PRIMARY KEY (day, district, age_band)
);

-- +goose Down
DROP TABLE card_daily_uniques;
DROP TABLE card_day_holders;
DROP TABLE card_usage_dims;
DROP TABLE card_usage;
DROP TABLE card_events;
DROP TABLE card_partner_refs;
ALTER TABLE card_holders DROP COLUMN birth_year;
ALTER TABLE card_holders DROP COLUMN district;
