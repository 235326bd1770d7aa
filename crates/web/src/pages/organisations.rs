//! The coordinators' organisations: every one listed the Swedish way, a form to add one, and an
//! edit page per organisation (name, short name, kind; the key stays) with deactivation. An
//! edit made on a stale form is shown as a conflict, never stored over someone else's change.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uppfolj_app::lookup::require_coordinator;
use uppfolj_app::organisations::{self, OrganisationChangeError::Refused};
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{Key, Organisation, OrganisationKind};
use uppfolj_store::{OrganisationEdit, OrganisationError, VersionedOrganisation};

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{Confirmation, ConflictPage, ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisationer", get(list).post(create))
        .route("/organisationer/{key}", get(edit).post(save))
        .route("/organisationer/{key}/inaktivera", post(deactivate))
        .route("/organisationer/{key}/aktivera", post(activate))
}

/// The add form as posted; a field left out reads as empty and is refused as such.
#[derive(Default, Deserialize)]
#[serde(default)]
struct OrganisationForm {
    csrf: String,
    namn: String,
    kortnamn: String,
    typ: String,
    nyckel: String,
}

/// The edit form as posted, with the version it was made from.
#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    #[serde(default)]
    namn: String,
    #[serde(default)]
    kortnamn: String,
    #[serde(default)]
    typ: String,
}

/// What the add and edit forms show in their fields.
#[derive(Default)]
struct OrganisationValues {
    name: String,
    short_name: String,
    kind: String,
    key: String,
}

/// The kinds as the forms offer them: value and label.
fn kinds() -> Vec<(&'static str, &'static str)> {
    OrganisationKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    organisations: Vec<Organisation>,
    kinds: Vec<(&'static str, &'static str)>,
    values: OrganisationValues,
    errors: FieldErrors,
    notice: Option<String>,
}

/// Every organisation, by name the Swedish way.
async fn sorted(state: &AppState) -> Result<Vec<Organisation>, WebError> {
    let mut organisations = state.store.definitions().await?.organisations.clone();
    organisations.sort_by(|a, b| swedish_cmp(&a.name, &b.name));
    Ok(organisations)
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    values: OrganisationValues,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    Ok(page(
        ListPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            organisations: sorted(state).await?,
            kinds: kinds(),
            values,
            errors,
            notice,
        },
        status,
    ))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let definitions = state.store.definitions().await?;
    let named = |key: Option<&String>| {
        key.and_then(|k| {
            definitions
                .organisations
                .iter()
                .find(|o| o.key.as_str() == k)
        })
        .map(|o| o.name.clone())
    };
    let notice = named(query.get("ny"))
        .map(|name| format!("{name} är tillagd."))
        .or_else(|| {
            named(query.get("sparad")).map(|name| format!("Ändringarna av {name} är sparade."))
        });
    list_page(
        &state,
        &caller,
        OrganisationValues::default(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// The name, short name and kind as posted, checked; refusals go to `errors`.
fn read_edit(
    name: &str,
    short_name: &str,
    kind: &str,
    errors: &mut FieldErrors,
) -> Option<OrganisationEdit> {
    let (name, short_name) = (name.trim().to_owned(), short_name.trim().to_owned());
    if name.is_empty() {
        errors.add("namn", "Skriv organisationens namn.");
    }
    let kind = OrganisationKind::parse(kind);
    if kind.is_none() {
        errors.add("typ", "Välj vilken typ av organisation det är.");
    }
    Some(OrganisationEdit {
        name,
        short_name: (!short_name.is_empty()).then_some(short_name),
        kind: kind?,
    })
    .filter(|_| errors.is_empty())
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let mut errors = FieldErrors::default();
    let edit = read_edit(&form.namn, &form.kortnamn, &form.typ, &mut errors);
    let values = OrganisationValues {
        name: form.namn,
        short_name: form.kortnamn,
        kind: form.typ,
        key: form.nyckel.trim().to_owned(),
    };
    let key = if values.key.is_empty() {
        let made = Key::slugify(&values.name);
        if made.is_none() && !values.name.trim().is_empty() {
            errors.add(
                "nyckel",
                "Namnet ger ingen nyckel. Skriv en nyckel med a–z, 0–9 och bindestreck.",
            );
        }
        made
    } else {
        Key::parse(&values.key)
            .map_err(|e| errors.refuse("nyckel", e.to_string()))
            .ok()
    };
    if let (Some(edit), Some(key)) = (edit, key) {
        let organisation = Organisation {
            key: key.clone(),
            name: edit.name,
            short_name: edit.short_name,
            kind: edit.kind,
            active: true,
        };
        match organisations::create(&state.app, &caller.actor, &organisation).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/organisationer?ny={key}")).into_response());
            }
            Err(Refused(OrganisationError::KeyTaken(_))) => errors.add(
                "nyckel",
                if values.key.is_empty() {
                    format!("Nyckeln «{key}», som görs av namnet, används redan av en annan organisation. Skriv en egen nyckel.")
                } else {
                    format!("Nyckeln «{key}» används redan av en annan organisation. Skriv en annan nyckel.")
                },
            ),
            Err(Refused(OrganisationError::NameTaken(name))) => errors.add(
                "namn",
                format!("Det finns redan en organisation som heter «{name}»."),
            ),
            Err(other) => return Err(Failure::from(other).into()),
        }
    }
    list_page(
        &state,
        &caller,
        values,
        errors,
        None,
        StatusCode::BAD_REQUEST,
    )
    .await
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct EditPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    organisation: Organisation,
    version: i64,
    kinds: Vec<(&'static str, &'static str)>,
    values: OrganisationValues,
    errors: FieldErrors,
}

/// The stored organisation `key` with its version, or a 404.
async fn stored(state: &AppState, key: &str) -> Result<VersionedOrganisation, WebError> {
    let missing = || Failure::not_found(format!("organisationen «{key}» finns inte"));
    let parsed = Key::parse(key).map_err(|_| missing())?;
    Ok(state
        .store
        .organisation(&parsed)
        .await?
        .ok_or_else(missing)?)
}

fn edit_page(
    caller: &Caller,
    current: VersionedOrganisation,
    values: Option<OrganisationValues>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let organisation = current.organisation;
    let values = values.unwrap_or_else(|| OrganisationValues {
        name: organisation.name.clone(),
        short_name: organisation.short_name.clone().unwrap_or_default(),
        kind: organisation.kind.as_str().to_owned(),
        key: organisation.key.to_string(),
    });
    page(
        EditPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            organisation,
            version: current.version,
            kinds: kinds(),
            values,
            errors,
        },
        status,
    )
}

async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let current = stored(&state, &key).await?;
    Ok(edit_page(
        &caller,
        current,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    ))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let current = stored(&state, &key).await?;
    let organisation = &current.organisation.key;
    let mut errors = FieldErrors::default();
    if let Some(edit) = read_edit(&form.namn, &form.kortnamn, &form.typ, &mut errors) {
        let before = &current.organisation;
        match organisations::update(&state.app, &caller.actor, before, &edit, form.version).await {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/organisationer?sparad={organisation}")).into_response(),
                );
            }
            Err(Refused(OrganisationError::NameTaken(name))) => errors.add(
                "namn",
                format!("Det finns redan en organisation som heter «{name}»."),
            ),
            Err(Refused(OrganisationError::Changed(now))) => {
                return Ok(changed(&caller, &now, &edit));
            }
            Err(other) => return Err(Failure::from(other).into()),
        }
    }
    let values = OrganisationValues {
        name: form.namn,
        short_name: form.kortnamn,
        kind: form.typ,
        key: organisation.to_string(),
    };
    Ok(edit_page(
        &caller,
        current,
        Some(values),
        errors,
        StatusCode::BAD_REQUEST,
    ))
}

async fn deactivate(
    state: State<AppState>,
    caller: Caller,
    key: Path<String>,
    form: Form<Confirmation>,
) -> Result<Response, WebError> {
    set_active(state, caller, key, form, false).await
}

async fn activate(
    state: State<AppState>,
    caller: Caller,
    key: Path<String>,
    form: Form<Confirmation>,
) -> Result<Response, WebError> {
    set_active(state, caller, key, form, true).await
}

/// Deactivates or activates an organisation and shows it again.
async fn set_active(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Form(form): Form<Confirmation>,
    active: bool,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let organisation = stored(&state, &key).await?.organisation.key;
    organisations::set_active(&state.app, &caller.actor, &organisation, active)
        .await
        .map_err(Failure::from)?;
    Ok(Redirect::to(&format!("/organisationer/{organisation}")).into_response())
}

/// The conflict page for an edit made on a stale form: what is stored now beside what the
/// coordinator wrote, and a way back to the current version.
fn changed(caller: &Caller, now: &VersionedOrganisation, yours: &OrganisationEdit) -> Response {
    let stored = &now.organisation;
    let or_dash = |text: Option<&str>| text.unwrap_or("–").to_owned();
    ConflictPage {
        nav: caller.nav(),
        title: "Någon annan har ändrat organisationen under tiden".into(),
        explanation: format!(
            "Dina ändringar av {} är inte sparade, eftersom organisationen har ändrats sedan du öppnade formuläret. Öppna den aktuella versionen och gör om dina ändringar om de fortfarande behövs.",
            stored.name
        ),
        yours: "Din ändring",
        rows: vec![
            ConflictRow {
                label: "Namn",
                stored: stored.name.clone(),
                yours: yours.name.clone(),
                multiline: false,
            },
            ConflictRow {
                label: "Kortnamn",
                stored: or_dash(stored.short_name.as_deref()),
                yours: or_dash(yours.short_name.as_deref()),
                multiline: false,
            },
            ConflictRow {
                label: "Typ",
                stored: stored.kind.label().to_owned(),
                yours: yours.kind.label().to_owned(),
                multiline: false,
            },
        ],
        stored_note: None,
        keep: None,
        back: (
            format!("/organisationer/{}", stored.key),
            "Öppna den aktuella versionen",
        ),
        also: None,
    }
    .response()
}
