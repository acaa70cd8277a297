-- +goose Up
-- The city card's catalogue: partners' locations and their offers.
CREATE TABLE card_locations (
    id         TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES card_partners (id),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    district   INTEGER NOT NULL
);
CREATE INDEX card_locations_partner ON card_locations (partner_id);

CREATE TABLE card_offers (
    id         TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES card_partners (id),
    title      TEXT NOT NULL,
    discount   TEXT NOT NULL,          -- as the partner states it: "-20%", "bilet 10 zł"
    conditions TEXT NOT NULL DEFAULT '',
    basic      BOOLEAN NOT NULL,       -- for holders of the basic card
    family     BOOLEAN NOT NULL,       -- for holders of the family card
    valid_from TEXT NOT NULL,          -- YYYY-MM-DD
    valid_to   TEXT NOT NULL,          -- YYYY-MM-DD, inclusive
    search     TEXT NOT NULL,          -- title, discount and partner's name, lower-cased in Go (SQLite's lower() is ASCII only)
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX card_offers_partner ON card_offers (partner_id);

-- The districts an offer is for; none: the whole city.
CREATE TABLE card_offer_districts (
    offer_id TEXT NOT NULL REFERENCES card_offers (id),
    district INTEGER NOT NULL,
    PRIMARY KEY (offer_id, district)
);

-- +goose Down
DROP TABLE card_offer_districts;
DROP TABLE card_offers;
DROP TABLE card_locations;
