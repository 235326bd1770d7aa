-- The follow-up core: definitions, rounds, responses, answers and their history.
-- Integers are 64-bit; booleans are 0/1; dates are YYYY-MM-DD; times are RFC 3339 in UTC.

CREATE TABLE scales (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE organisations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    short_name TEXT,
    kind TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    position BIGINT NOT NULL
);

CREATE TABLE documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    report_heading TEXT,
    kind TEXT NOT NULL,
    period_from BIGINT NOT NULL,
    period_to BIGINT NOT NULL
);

CREATE TABLE sections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    parent_id BIGINT REFERENCES sections (id),
    key TEXT NOT NULL,
    label TEXT,
    title TEXT NOT NULL,
    position BIGINT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    UNIQUE (document_id, key)
);

CREATE TABLE questions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    section_id BIGINT NOT NULL REFERENCES sections (id),
    key TEXT NOT NULL,
    text TEXT NOT NULL,
    guidance TEXT NOT NULL,
    audience TEXT,
    scale_id BIGINT NOT NULL REFERENCES scales (id),
    comment_rule TEXT NOT NULL,
    position BIGINT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    UNIQUE (document_id, key)
);

CREATE TABLE rounds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft'
);

CREATE TABLE round_documents (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    document_id BIGINT NOT NULL REFERENCES documents (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (round_id, document_id)
);

CREATE TABLE round_targets (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    question_id BIGINT NOT NULL REFERENCES questions (id),
    position BIGINT NOT NULL,
    kinds TEXT NOT NULL,
    PRIMARY KEY (round_id, question_id)
);

CREATE TABLE round_target_organisations (
    round_id BIGINT NOT NULL,
    question_id BIGINT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (round_id, question_id, organisation_id),
    FOREIGN KEY (round_id, question_id) REFERENCES round_targets (round_id, question_id)
);

CREATE TABLE responses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, organisation_id)
);

CREATE TABLE answers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    question_id BIGINT NOT NULL REFERENCES questions (id),
    value TEXT,
    comment TEXT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (response_id, question_id)
);

CREATE TABLE answer_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id),
    question_id BIGINT NOT NULL REFERENCES questions (id),
    version BIGINT NOT NULL,
    old_value TEXT,
    old_comment TEXT NOT NULL,
    new_value TEXT,
    new_comment TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE INDEX answer_history_by_response ON answer_history (response_id, question_id, version);
