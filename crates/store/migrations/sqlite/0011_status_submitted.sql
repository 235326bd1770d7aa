-- The share of organisations that must have submitted before the compilation shows statuses.
ALTER TABLE rounds ADD COLUMN status_submitted REAL NOT NULL DEFAULT 0.5;
