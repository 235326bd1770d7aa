-- A counter bumped with every change of definitions or round state, so that each app instance
-- knows when its cached copy is stale.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('definitions', 0);
