-- +goose Up
-- Who got a referendum's notice, so the notice can be sent in small
-- transactions (a district has tens of thousands of residents: one
-- transaction for all of them held the database's one writer for seconds,
-- while ballots waited) and a retried job never mails anyone twice. The
-- recipient is a keyed hash of the address, not the address: nothing here
-- outlives an account.
CREATE TABLE vote_notices_sent (
    referendum_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    PRIMARY KEY (referendum_id, kind, recipient)
);

-- +goose Down
DROP TABLE vote_notices_sent;
