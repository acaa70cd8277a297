-- +goose Up
-- The city's address gazetteer: the national register's address points
-- (internal/addresses), replaced as a whole by `civitas addresses import`.
-- street_key and number_key are the folded matching keys (no street type,
-- no diacritics, lower case); street and number are as the register
-- writes them, for display.
CREATE TABLE address_points (
    street_key  TEXT NOT NULL,
    number_key  TEXT NOT NULL,
    street      TEXT NOT NULL,
    number      TEXT NOT NULL,
    postal_code TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (street_key, number_key)
);
CREATE INDEX address_points_number ON address_points (number_key);

-- +goose Down
DROP TABLE address_points;
