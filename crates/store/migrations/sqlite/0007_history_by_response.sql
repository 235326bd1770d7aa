-- History is read per response in the order it was written. An index by response alone keeps
-- it in that order (SQLite appends the row id) and takes each save's rows in one place per
-- response; the index by question and version put them in as many places as the save had
-- answers, and so made every commit write as many pages.
DROP INDEX answer_history_by_response;
CREATE INDEX answer_history_by_response ON answer_history (response_id);
