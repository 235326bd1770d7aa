-- Publication: comments withheld from the published compilation, and each round's thresholds for
-- the compilation's status per section (shares of the positive answer).
ALTER TABLE answers ADD COLUMN withheld BIGINT NOT NULL DEFAULT 0;
ALTER TABLE answer_history ADD COLUMN withheld BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN status_green DOUBLE PRECISION NOT NULL DEFAULT 0.75;
ALTER TABLE rounds ADD COLUMN status_yellow DOUBLE PRECISION NOT NULL DEFAULT 0.5;
