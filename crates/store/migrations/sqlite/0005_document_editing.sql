-- Editing steering documents in the browser: a version per document, section and question for
-- optimistic concurrency, and what each round asked when it opened, so that later edits never
-- change a round that has opened.
ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sections ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE questions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The sections and questions a round showed when it opened, at the places they had then.
CREATE TABLE round_sections (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    section_id INTEGER NOT NULL REFERENCES sections (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (round_id, section_id)
);

CREATE TABLE round_questions (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    question_id INTEGER NOT NULL REFERENCES questions (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (round_id, question_id)
);

CREATE INDEX round_questions_by_question ON round_questions (question_id);

-- Rounds that have already opened asked what their documents held then: the sections and
-- questions not retired, in sections none of whose ancestors is retired.
INSERT INTO round_sections (round_id, section_id, position)
WITH RECURSIVE live (id) AS (
    SELECT id FROM sections WHERE parent_id IS NULL AND retired = 0
    UNION ALL
    SELECT s.id FROM sections s JOIN live l ON s.parent_id = l.id WHERE s.retired = 0
)
SELECT r.id, s.id, s.position FROM rounds r
JOIN round_documents rd ON rd.round_id = r.id
JOIN sections s ON s.document_id = rd.document_id
JOIN live ON live.id = s.id
WHERE r.state <> 'draft';

INSERT INTO round_questions (round_id, question_id, position)
SELECT rs.round_id, q.id, q.position FROM round_sections rs
JOIN questions q ON q.section_id = rs.section_id
WHERE q.retired = 0;
