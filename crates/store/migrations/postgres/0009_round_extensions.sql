-- A later last day for one organisation in a round (model::Extension).
CREATE TABLE round_extensions (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    closes_on TEXT NOT NULL,
    PRIMARY KEY (round_id, organisation_id)
);
