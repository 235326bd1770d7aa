-- The council report: how each document is assessed, its indicators with a value per year, and
-- per round the central office's assessments and each goal area's narrative. Assessments and
-- narratives carry a version, so that a save made from a stale page is refused.
CREATE TABLE assessment_settings (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    assess_at TEXT NOT NULL,
    scale TEXT NOT NULL
);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    section_key TEXT,
    baseline_year INTEGER,
    baseline_value REAL,
    target_year INTEGER,
    target_value REAL,
    kolada_kpi TEXT,
    kolada_municipality TEXT,
    example INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (document_id, key)
);

CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators (id),
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

CREATE TABLE assessments (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    subject TEXT NOT NULL,
    level TEXT NOT NULL,
    motivation TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (round_id, document_id, subject)
);

CREATE TABLE narratives (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    section_key TEXT NOT NULL,
    since_adoption TEXT NOT NULL,
    ahead TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (round_id, document_id, section_key)
);
