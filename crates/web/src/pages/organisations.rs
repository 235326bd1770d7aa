//! The coordinators' organisations: every one listed the Swedish way, a form to add one, and an
//! edit page per organisation (name, short name, kind; the key stays) with deactivation. An
//! edit made on a stale form is shown as a conflict, never stored over someone else's change.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{Key, Organisation, OrganisationKind};
use uppfolj_store::{OrganisationEdit, OrganisationError, VersionedOrganisation};

use super::forms::{ChangedPage, FieldErrors, Fields, field};
use super::{Nav, check_csrf, csrf, page};
use crate::auth::Caller;
use crate::error::{Failure, capitalised};
use crate::{AppState, WebError};
use uppfolj_app::lookup::require_coordinator;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisationer", get(list).post(create))
        .route("/organisationer/{key}", get(edit).post(change))
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
            nav: Nav::of(caller),
            csrf: csrf(caller),
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
fn read_edit(fields: &Fields, errors: &mut FieldErrors) -> Option<OrganisationEdit> {
    let name = field(fields, "namn").trim().to_owned();
    let short_name = field(fields, "kortnamn").trim().to_owned();
    if name.is_empty() {
        errors.add("namn", "Skriv organisationens namn.");
    }
    let kind = OrganisationKind::parse(field(fields, "typ"));
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

fn values_of(fields: &Fields) -> OrganisationValues {
    OrganisationValues {
        name: field(fields, "namn").to_owned(),
        short_name: field(fields, "kortnamn").to_owned(),
        kind: field(fields, "typ").to_owned(),
        key: field(fields, "nyckel").trim().to_owned(),
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&caller, field(&fields, "csrf"))?;
    require_coordinator(&caller.actor)?;
    let values = values_of(&fields);
    let mut errors = FieldErrors::default();
    let edit = read_edit(&fields, &mut errors);
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
            .map_err(|e| errors.add("nyckel", capitalised(&e.to_string())))
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
        match state.store.create_organisation(&organisation).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/organisationer?ny={key}")).into_response());
            }
            Err(OrganisationError::KeyTaken(_)) => errors.add(
                "nyckel",
                if values.key.is_empty() {
                    format!("Nyckeln «{key}», som görs av namnet, används redan av en annan organisation. Skriv en egen nyckel.")
                } else {
                    format!("Nyckeln «{key}» används redan av en annan organisation. Skriv en annan nyckel.")
                },
            ),
            Err(OrganisationError::NameTaken(name)) => errors.add(
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
            nav: Nav::of(caller),
            csrf: csrf(caller),
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

async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&caller, field(&fields, "csrf"))?;
    require_coordinator(&caller.actor)?;
    let current = stored(&state, &key).await?;
    let organisation = &current.organisation.key;
    match field(&fields, "atgard") {
        "inaktivera" | "aktivera" => {
            let active = field(&fields, "atgard") == "aktivera";
            state
                .store
                .set_organisation_active(organisation, active)
                .await?;
            Ok(Redirect::to(&format!("/organisationer/{organisation}")).into_response())
        }
        "spara" => {
            let mut errors = FieldErrors::default();
            let version = field(&fields, "version").parse::<i64>().unwrap_or(0);
            let values = OrganisationValues {
                key: organisation.to_string(),
                ..values_of(&fields)
            };
            if let Some(edit) = read_edit(&fields, &mut errors) {
                match state
                    .store
                    .update_organisation(organisation, &edit, version)
                    .await
                {
                    Ok(_) => {
                        return Ok(
                            Redirect::to(&format!("/organisationer?sparad={organisation}"))
                                .into_response(),
                        );
                    }
                    Err(OrganisationError::NameTaken(name)) => errors.add(
                        "namn",
                        format!("Det finns redan en organisation som heter «{name}»."),
                    ),
                    Err(OrganisationError::Changed(now)) => {
                        return Ok(changed(&caller, &now, &edit));
                    }
                    Err(other) => return Err(Failure::from(other).into()),
                }
            }
            Ok(edit_page(
                &caller,
                current,
                Some(values),
                errors,
                StatusCode::BAD_REQUEST,
            ))
        }
        other => Err(Failure::bad_request("atgard", format!("okänd åtgärd «{other}»")).into()),
    }
}

/// The conflict page for an edit made on a stale form: what is stored now beside what the
/// coordinator wrote, and a way back to the current version.
fn changed(caller: &Caller, now: &VersionedOrganisation, yours: &OrganisationEdit) -> Response {
    let stored = &now.organisation;
    let or_dash = |text: Option<&str>| text.unwrap_or("–").to_owned();
    ChangedPage {
            nav: Nav::of(caller),
            title: "Någon annan har ändrat organisationen under tiden",
            explanation: format!(
                "Dina ändringar av {} är inte sparade, eftersom organisationen har ändrats sedan du öppnade formuläret. Öppna den aktuella versionen och gör om dina ändringar om de fortfarande behövs.",
                stored.name
            ),
            rows: vec![
                ("Namn", stored.name.clone(), yours.name.clone()),
                (
                    "Kortnamn",
                    or_dash(stored.short_name.as_deref()),
                    or_dash(yours.short_name.as_deref()),
                ),
                (
                    "Typ",
                    stored.kind.label().to_owned(),
                    yours.kind.label().to_owned(),
                ),
            ],
            back: format!("/organisationer/{}", stored.key),
        }
        .response()
}
