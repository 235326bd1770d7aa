-- Versions for the coordinators' edit forms: an organisation or a user changed since the form was
-- opened is a conflict, not an overwrite.
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Bumped by every change of a user's role or activity, which makes such changes queue behind each
-- other, so that two coordinators cannot deactivate each other at once and leave none.
INSERT INTO meta (key, value) VALUES ('accounts', 0);
