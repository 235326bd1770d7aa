//! How a page's form is read and refused, once for every page: the posted body as a typed
//! struct, the CSRF check, refused input shown at its field with a summary at the top of the
//! page, and the conflict page for a change made on a stale form.

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;
use uppfolj_model::{Problem, Step};

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::layout::{Nav, capitalised, page};

/// The largest form read: as axum's limit on other bodies, 2 MB, which a page's form never nears
/// (a comment is at most 10 000 characters).
const MAX_FORM_BYTES: usize = 2 << 20;

/// A form posted from a page (`application/x-www-form-urlencoded`), read into `T`. A field
/// posted more than once (a group of checkboxes) reads into a `Vec`. A body that cannot be read
/// is refused with a page that names the field.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, _: &S) -> Result<Form<T>, WebError> {
        let urlencoded = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(Failure::bad_request(
                "Content-Type",
                "formuläret ska skickas som application/x-www-form-urlencoded",
            )
            .into());
        }
        // Browsers say how long a form is; one over the limit is refused before it is read.
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > MAX_FORM_BYTES) {
            return Err(Failure::too_large().into());
        }
        let body = Limited::new(request.into_body(), MAX_FORM_BYTES);
        match body.collect().await {
            Ok(collected) => read(&collected.to_bytes()).map(Form),
            Err(e) if e.is::<LengthLimitError>() => Err(Failure::too_large().into()),
            Err(e) => Err(Failure::bad_request(
                "body",
                format!("formuläret kunde inte läsas: {e}"),
            )
            .into()),
        }
    }
}

/// Reads a form body, naming the field that could not be read.
fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    let deserializer = serde_html_form::Deserializer::from_bytes(body);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        let problem = uppfolj_model::text::serde_message_in_swedish(&e.inner().to_string());
        let detail = if field == "." {
            format!("formuläret kunde inte läsas: {problem}")
        } else {
            format!("formuläret kunde inte läsas: fältet «{field}»: {problem}")
        };
        Failure::bad_request(&field, detail).into()
    })
}

/// A form that only confirms an action, a button: its CSRF token.
#[derive(serde::Deserialize)]
pub struct Confirmation {
    #[serde(default)]
    pub csrf: String,
}

/// Refuses a form post whose CSRF token is not the session's (or that came without a session).
pub fn check_csrf(caller: &Caller, given: &str) -> Result<(), WebError> {
    if caller.csrf_ok(given) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Formuläret hade gått ut. Ladda om sidan och försök igen.".into(),
        ))
    }
}

/// The refusals of one form post, each at the id of its field; empty when it was accepted.
#[derive(Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// Refuses `field` with a sentence saying what to change. The same refusal twice is shown
    /// once.
    pub fn add(&mut self, field: impl Into<String>, sentence: impl Into<String>) {
        let refusal = (field.into(), sentence.into());
        if !self.0.contains(&refusal) {
            self.0.push(refusal);
        }
    }

    /// Refuses `field` with a message written to follow a colon (the model's and the use
    /// cases'), as a sentence.
    pub fn refuse(&mut self, field: impl Into<String>, message: impl AsRef<str>) {
        self.add(field, capitalised(message.as_ref()));
    }

    /// Places the model's problems at their form fields: the last named step of a problem's
    /// path, looked up in `fields` (model name → field id); anything else goes to `otherwise`.
    pub fn problems(&mut self, problems: &[Problem], fields: &[(&str, &str)], otherwise: &str) {
        for problem in problems {
            let named = problem.path.0.iter().rev().find_map(|step| match step {
                Step::Field(name) => Some(*name),
                Step::Index(_) => None,
            });
            let id = named
                .and_then(|name| fields.iter().find(|(model, _)| *model == name))
                .map_or(otherwise, |(_, id)| id);
            self.refuse(id, &problem.message);
        }
    }

    /// Puts the refusals in the order the fields have on the form, for the summary.
    pub fn order(&mut self, ids: &[&str]) {
        self.0
            .sort_by_key(|(id, _)| ids.iter().position(|i| i == id).unwrap_or(ids.len()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// Every refusal as (field id, message), for the summary at the top of the page.
    pub fn list(&self) -> &[(String, String)] {
        &self.0
    }

    /// Whether `field` was refused, to mark it `aria-invalid`.
    pub fn invalid(&self, field: &str) -> bool {
        self.at(field).is_some()
    }

    /// Why `field` was refused, shown beside it.
    pub fn at(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Why `field` was refused, or nothing.
    pub fn message(&self, field: &str) -> &str {
        self.at(field).unwrap_or_default()
    }
}

/// One line of a conflict: what it is, what is stored now and what the form held.
pub struct ConflictRow {
    pub label: &'static str,
    pub stored: String,
    pub yours: String,
    /// Whether the values are running text, shown with their line breaks.
    pub multiline: bool,
}

/// A form that posts what the person wrote again, over what is stored now.
pub struct Keep {
    pub action: String,
    pub csrf: String,
    /// The hidden fields: the version stored now and what was written.
    pub fields: Vec<(&'static str, String)>,
    pub label: &'static str,
}

/// The 409 page for a change made on a stale form: nothing was stored; it shows what the form
/// held beside what is stored now and links to what is stored now. Where the person may simply
/// keep theirs (an answer), the two stand side by side, each with its way on; otherwise they are
/// compared line by line in a table.
#[derive(Template)]
#[template(path = "conflict.html")]
pub struct ConflictPage {
    pub nav: Option<Nav>,
    /// «Någon annan har ändrat organisationen under tiden».
    pub title: String,
    pub explanation: String,
    /// The heading over what the form held: «Din ändring», «Ditt svar».
    pub yours: &'static str,
    pub rows: Vec<ConflictRow>,
    /// Who saved what is stored, and when.
    pub stored_note: Option<String>,
    pub keep: Option<Keep>,
    /// Where to start again from what is stored now, and the link's text.
    pub back: (String, &'static str),
    /// A further way on: the link and its text.
    pub also: Option<(String, &'static str)>,
}

impl ConflictPage {
    /// Renders the page with 409 Conflict.
    pub fn response(self) -> Response {
        page(self, StatusCode::CONFLICT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Example {
        #[serde(default)]
        name: String,
        version: i64,
        #[serde(default)]
        chosen: Vec<String>,
    }

    #[test]
    fn repeated_fields_are_read_as_a_list() {
        let read: Example = read(b"name=Anna+%C3%85&version=3&chosen=a&chosen=b").unwrap();
        assert_eq!(
            read,
            Example {
                name: "Anna Å".into(),
                version: 3,
                chosen: vec!["a".into(), "b".into()],
            }
        );
    }

    #[test]
    fn a_field_that_cannot_be_read_is_named() {
        let refusal = |body: &[u8]| match read::<Example>(body) {
            Err(WebError::Refused(failure)) => (failure.extra["field"].clone(), failure.detail),
            _ => panic!("{body:?} was read"),
        };
        let (field, detail) = refusal(b"name=x&version=tre");
        assert_eq!(field, "version");
        assert!(detail.contains("«version»"), "{detail}");
        let (_, detail) = refusal(b"name=x");
        assert!(detail.contains("«version» saknas"), "{detail}");
    }

    #[test]
    fn the_same_refusal_is_listed_once_and_in_form_order() {
        let mut errors = FieldErrors::default();
        errors.add("b", "Skriv ett namn.");
        errors.refuse("a", "välj en roll");
        errors.add("b", "Skriv ett namn.");
        errors.order(&["a", "b"]);
        assert_eq!(
            errors.list(),
            [
                ("a".to_owned(), "Välj en roll.".to_owned()),
                ("b".to_owned(), "Skriv ett namn.".to_owned())
            ]
        );
        assert!(errors.invalid("a") && !errors.invalid("c"));
    }
}
