-- When each organisation was last reminded in a round, and by whom: the coverage board shows it.
CREATE TABLE reminders (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    sent_at TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    PRIMARY KEY (round_id, organisation_id)
);
