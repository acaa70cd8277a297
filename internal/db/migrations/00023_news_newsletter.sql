-- +goose Up
-- District newsletters (internal/news/newsletter): subscribers with double
-- opt-in, what they follow, digests and campaigns, and one delivery row
-- per message so that each is sent once whatever node sends it.

-- A subscriber: pending until the address is confirmed; active; or
-- stopped (unsubscribed, or bounced: the server refused the address).
CREATE TABLE newsletter_subscribers (
    id           TEXT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,      -- lower case
    lang         TEXT NOT NULL,
    user_id      TEXT,                      -- the account, when one subscribed
    status       TEXT NOT NULL,             -- pending, active, unsubscribed, bounced
    created_at   TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX newsletter_subscribers_user ON newsletter_subscribers (user_id);

-- What a subscriber follows: districts (0: news for the whole city) and
-- topics ('' in topic: every topic).
CREATE TABLE newsletter_follows (
    subscriber_id TEXT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    district      INTEGER NOT NULL,
    topic         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subscriber_id, district, topic)
);
CREATE INDEX newsletter_follows_district ON newsletter_follows (district, subscriber_id);

-- A digest (composed from what was published) or a one-off campaign.
-- items is the digest's items as JSON, fixed when composed.
CREATE TABLE newsletter_campaigns (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,              -- digest, campaign
    district    INTEGER NOT NULL,           -- 0: every subscriber
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',   -- a campaign's text (Markdown)
    items       TEXT NOT NULL DEFAULT '[]',
    period_from TIMESTAMPTZ,
    period_to   TIMESTAMPTZ,
    status      TEXT NOT NULL,              -- draft, sending, sent
    recipients  INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);

-- One message of a campaign: queued, sending (claimed by a node until
-- claimed_until), sent, failed (after retries) or bounced.
CREATE TABLE newsletter_deliveries (
    campaign_id   TEXT NOT NULL REFERENCES newsletter_campaigns (id) ON DELETE CASCADE,
    subscriber_id TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    error         TEXT NOT NULL DEFAULT '',
    sent_at       TIMESTAMPTZ,
    PRIMARY KEY (campaign_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (campaign_id, status, next_at);

-- +goose Down
DROP TABLE newsletter_deliveries;
DROP TABLE newsletter_campaigns;
DROP TABLE newsletter_follows;
DROP TABLE newsletter_subscribers;
