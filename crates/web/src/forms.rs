//! What the coordinators' and the account's forms share: a form's fields as posted, and refused
//! input shown at its field with a summary at the top of the page that links to each field.

/// A form's fields as posted, in order; repeated names (checkboxes) stay apart.
pub(super) type Fields = Vec<(String, String)>;

/// The value of field `name`, or empty when it was not posted.
pub(super) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value posted under `name` (a group of checkboxes).
pub(super) fn all(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// One refused input: the id of its field and a sentence saying what to change.
pub(super) struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// The refusals of one form post; empty when it was accepted.
#[derive(Default)]
pub(super) struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds a refusal of `field`; only the first one per field is kept.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if !self.invalid(field) {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// Every refusal as (field id, message), for the summary at the top of the page.
    pub fn list(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .map(|e| (e.field, e.message.as_str()))
            .collect()
    }

    /// Whether `field` was refused, to mark it `aria-invalid`.
    pub fn invalid(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// Why `field` was refused, shown beside it.
    pub fn message(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.message.as_str())
    }
}

/// The 409 page for an edit made on a stale form: what is stored now beside what the form held,
/// and a link to the current version. Nothing was stored.
#[derive(askama::Template)]
#[template(path = "changed.html")]
pub(super) struct ChangedPage<'a> {
    pub nav: Option<super::Nav>,
    pub title: &'a str,
    pub explanation: String,
    /// Label, the value stored now, the value the form held.
    pub rows: Vec<(&'static str, String, String)>,
    pub back: String,
}

impl ChangedPage<'_> {
    /// Renders the page with 409 Conflict.
    pub fn response(self) -> axum::response::Response {
        super::page(self, axum::http::StatusCode::CONFLICT)
    }
}
