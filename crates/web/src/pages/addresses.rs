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
