-- +goose Up
-- A consultation meeting can be cancelled (with the reason residents are
-- told); changes of time or place are written over the row and mailed to
-- those registered.
ALTER TABLE consult_meetings ADD COLUMN cancelled_at TIMESTAMPTZ;
ALTER TABLE consult_meetings ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE consult_meetings DROP COLUMN cancel_reason;
ALTER TABLE consult_meetings DROP COLUMN cancelled_at;
