-- History is read per response in the order it was written: index it in that order, so that
-- each save's rows go in one place per response rather than one per answer.
DROP INDEX answer_history_by_response;
CREATE INDEX answer_history_by_response ON answer_history (response_id, id);
