-- +goose Up
-- A hash of what makes two reports the same one sent again (category,
-- text, place, reporter, API key), so finding a twin of a new Open311 post
-- reads one index entry instead of every report of the last ten minutes.
ALTER TABLE report_cases ADD COLUMN twin_key TEXT NOT NULL DEFAULT '';
CREATE INDEX report_cases_twin ON report_cases (twin_key, created_at);

-- +goose Down
DROP INDEX report_cases_twin;
ALTER TABLE report_cases DROP COLUMN twin_key;
