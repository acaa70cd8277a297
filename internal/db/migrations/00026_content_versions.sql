-- +goose Up
-- What officers write in the city's language (the existing columns) may
-- carry versions in the site's other languages: a JSON object by field and
-- language, {"title": {"en": "...", "uk": "..."}} (i18n.Versions). Pages
-- show the source text, marked as Polish, where a version is missing.
ALTER TABLE pb_editions ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pb_pools ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE consult_consultations ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE consult_phases ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE report_units ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE report_units DROP COLUMN versions;
ALTER TABLE consult_phases DROP COLUMN versions;
ALTER TABLE consult_consultations DROP COLUMN versions;
ALTER TABLE pb_pools DROP COLUMN versions;
ALTER TABLE pb_editions DROP COLUMN versions;
