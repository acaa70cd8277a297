-- +goose Up
-- A referendum's paper ballots may be keyed twice (by two officers; the
-- ballot counts when both keyings agree), as the budget's may.
ALTER TABLE vote_referenda ADD COLUMN paper_double_key BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE vote_referenda DROP COLUMN paper_double_key;
