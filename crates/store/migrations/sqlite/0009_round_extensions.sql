-- A later last day for one organisation in a round (model::Extension).
CREATE TABLE round_extensions (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    closes_on TEXT NOT NULL,
    PRIMARY KEY (round_id, organisation_id)
);
