-- +goose Up
-- Finding jobs whose node died (an expired lease) without scanning the
-- queue, and sweeping finished jobs by age.
CREATE INDEX jobs_lease ON jobs (state, locked_until);
CREATE INDEX jobs_finished ON jobs (state, finished_at);

-- +goose Down
DROP INDEX jobs_finished;
DROP INDEX jobs_lease;
