//! The addresses of the pages that link to one another, and the ids of their parts.

use uppfolj_model::{InputField, QuestionRef};

/// The address of an organisation's response in a round, from which its pages hang.
pub fn response_path(round: &str, organisation: &str) -> String {
    format!("/omgangar/{round}/svar/{organisation}")
}

/// The id of a question on the form, unique because keys have no `_`; its section is `fraga-…`.
pub fn question_id(question: &QuestionRef) -> String {
    format!("{}_{}", question.document, question.question)
}

/// The form field a part of an answer is entered in (`svar`, `kommentar`), which with
/// [`question_id`] makes the field's id, so that a link can land on the field to mend.
pub fn field_id(field: InputField) -> &'static str {
    match field {
        InputField::Comment => "kommentar",
        InputField::Answer | InputField::Version => "svar",
    }
}

/// Whether `path` is a question's save address, `{response_path}/fragor/{document}/{question}`,
/// every part a key: the only address a form carried through a login may be sent on to.
pub fn is_answer_save_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(
        parts.as_slice(),
        ["", "omgangar", round, "svar", organisation, "fragor", document, question]
            if [round, organisation, document, question]
                .iter()
                .all(|part| uppfolj_model::Key::parse(part).is_ok())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_questions_save_address_is_one() {
        assert!(is_answer_save_path(
            "/omgangar/2025/svar/intraservice/fragor/trygghetsprogram/strategi-1-1"
        ));
        for other in [
            "/omgangar/2025/svar/intraservice",
            "//evil.example/omgangar/2025/svar/x/fragor/d/q",
            "/omgangar/2025/svar/intraservice/fragor/trygghetsprogram/strategi-1-1/ta-over",
            "/omgangar/2025/svar/../fragor/d/q",
            "/omgangar/2025/svar/a\\b/fragor/d/q",
            "https://evil.example/",
        ] {
            assert!(!is_answer_save_path(other), "{other}");
        }
    }
}
