//! A steering document's indicators, for coordinators: every indicator with its status, a form
//! to add one and an edit page per indicator, with its values per year written one per line.
//! An edit made on a stale form is refused with what is stored now.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uppfolj_app::council::{
    CouncilError, assessment_settings, indicators, save_indicator, set_assessment_settings,
};
use uppfolj_exchange::indicator_values::parse_number;
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_model::numbering::section_heading;
use uppfolj_model::scale::format_number;
use uppfolj_model::{Document, Key, Section};
use uppfolj_store::StoreError;

use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/styrdokument/{document}/indikatorer",
            get(list).post(create),
        )
        .route(
            "/styrdokument/{document}/indikatorer/{indicator}",
            get(edit).post(save),
        )
        .route(
            "/styrdokument/{document}/bedomning",
            axum::routing::post(settle),
        )
}

/// The assessment settings form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
struct SettingsForm {
    csrf: String,
    niva: String,
    skala: String,
}

/// Stores how the document is assessed in its council report.
async fn settle(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    match set_assessment_settings(
        &state.app,
        &caller.actor,
        &document,
        &form.niva,
        &form.skala,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/styrdokument/{document}/indikatorer?bedomning=sparad#bedomning"
        ))
        .into_response()),
        Err(CouncilError::Invalid { field, message }) => {
            let mut errors = FieldErrors::default();
            errors.refuse(if field == "scale" { "skala" } else { "niva" }, message);
            list_page(
                &state,
                &caller,
                &document,
                IndicatorForm::blank(),
                errors,
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The indicator form as posted and as shown again: every field as text.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
struct IndicatorForm {
    csrf: String,
    version: Option<i64>,
    nyckel: String,
    namn: String,
    kalla: String,
    enhet: String,
    riktning: String,
    omrade: String,
    utgangsar: String,
    utgangsvarde: String,
    malar: String,
    malvarde: String,
    kolada_kpi: String,
    kolada_kommun: String,
    exempel: Option<String>,
    varden: String,
}

impl IndicatorForm {
    /// The form filled from a stored indicator.
    /// The add form before anything is written: higher is better until chosen otherwise.
    fn blank() -> IndicatorForm {
        IndicatorForm {
            riktning: Direction::Higher.as_str().into(),
            ..IndicatorForm::default()
        }
    }

    fn of(indicator: &Indicator, version: i64) -> IndicatorForm {
        let year = |r: Option<Reading>| r.map(|r| r.year.to_string()).unwrap_or_default();
        let value = |r: Option<Reading>| r.map(|r| format_number(r.value)).unwrap_or_default();
        IndicatorForm {
            csrf: String::new(),
            version: Some(version),
            nyckel: indicator.key.to_string(),
            namn: indicator.name.clone(),
            kalla: indicator.source.clone(),
            enhet: indicator.unit.clone(),
            riktning: indicator.direction.as_str().into(),
            omrade: indicator
                .section
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            utgangsar: year(indicator.baseline),
            utgangsvarde: value(indicator.baseline),
            malar: year(indicator.target),
            malvarde: value(indicator.target),
            kolada_kpi: indicator
                .kolada
                .as_ref()
                .map(|k| k.kpi.clone())
                .unwrap_or_default(),
            kolada_kommun: indicator
                .kolada
                .as_ref()
                .map(|k| k.municipality.clone())
                .unwrap_or_default(),
            exempel: indicator.example.then(|| "ja".into()),
            varden: indicator
                .values
                .iter()
                .map(|r| format!("{}: {}", r.year, format_number(r.value)))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The indicator the form describes; each refused field is added to `errors`.
    fn read(&self, key: Option<Key>, errors: &mut FieldErrors) -> Option<Indicator> {
        let key = key.or_else(|| {
            let given = self.nyckel.trim();
            let made = if given.is_empty() {
                Key::slugify(&self.namn)
            } else {
                Key::parse(given).ok()
            };
            if made.is_none() {
                errors.add("nyckel", "Skriv en nyckel med a–z, 0–9 och bindestreck.");
            }
            made
        });
        if self.namn.trim().is_empty() {
            errors.add("namn", "Skriv indikatorns namn.");
        }
        let direction = Direction::parse(&self.riktning);
        if direction.is_none() {
            errors.add("riktning", "Välj om högre eller lägre värden är bättre.");
        }
        let reading =
            |year: &str, value: &str, year_id: &str, value_id: &str, errors: &mut FieldErrors| {
                match (year.trim(), value.trim()) {
                    ("", "") => None,
                    (y, v) => {
                        let year = y.parse::<i32>().ok();
                        if year.is_none() {
                            errors.add(year_id, format!("«{y}» är inte ett årtal."));
                        }
                        let value = parse_number(v);
                        if value.is_none() {
                            errors.add(value_id, format!("«{v}» är inte ett tal."));
                        }
                        Some(Reading {
                            year: year?,
                            value: value?,
                        })
                    }
                }
            };
        let baseline = reading(
            &self.utgangsar,
            &self.utgangsvarde,
            "utgangsar",
            "utgangsvarde",
            errors,
        );
        let target = reading(&self.malar, &self.malvarde, "malar", "malvarde", errors);
        let mut values = Vec::new();
        for (n, line) in self.varden.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let parsed = line.split_once([':', ';', '\t', '=']).and_then(|(y, v)| {
                Some(Reading {
                    year: y.trim().parse().ok()?,
                    value: parse_number(v)?,
                })
            });
            match parsed {
                Some(r) => values.push(r),
                None => errors.add(
                    "varden",
                    format!(
                        "Rad {} («{line}») är inte på formen «år: värde», t.ex. «2024: 12,5».",
                        n + 1
                    ),
                ),
            }
        }
        let kolada = match (self.kolada_kpi.trim(), self.kolada_kommun.trim()) {
            ("", "") => None,
            (kpi, municipality) => Some(KoladaRef {
                kpi: kpi.into(),
                municipality: municipality.into(),
            }),
        };
        let section = match self.omrade.trim() {
            "" => None,
            given => Key::parse(given).ok(),
        };
        if !errors.is_empty() {
            return None;
        }
        let mut indicator = Indicator {
            key: key?,
            name: self.namn.trim().into(),
            source: self.kalla.trim().into(),
            unit: self.enhet.trim().into(),
            direction: direction?,
            section,
            baseline,
            target,
            kolada,
            example: self.exempel.is_some(),
            values: Vec::new(),
        };
        for r in values {
            if indicator.value_in(r.year).is_some() {
                errors.add("varden", format!("Året {} har två värden.", r.year));
                return None;
            }
            indicator.set_value(r);
        }
        Some(indicator)
    }
}

/// An indicator in the list: name, status and latest value.
struct Listed {
    key: String,
    name: String,
    status: &'static str,
    latest: String,
    example: bool,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct ListPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: Document,
    indicators: Vec<Listed>,
    sections: Vec<(String, String)>,
    form: IndicatorForm,
    errors: FieldErrors,
    notice: Option<String>,
    /// Whether the document is assessed per goal area rather than per strategy.
    by_section: bool,
    /// The scales it may be assessed on (key, name), and the one it is.
    scales: Vec<(String, String)>,
    scale: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct EditPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: Document,
    key: String,
    sections: Vec<(String, String)>,
    form: IndicatorForm,
    errors: FieldErrors,
    notice: Option<String>,
}

/// Every section of the document that an indicator may belong to: key and heading.
fn sections(document: &Document) -> Vec<(String, String)> {
    fn walk(sections: &[Section], out: &mut Vec<(String, String)>) {
        for s in sections.iter().filter(|s| !s.retired) {
            out.push((s.key.to_string(), section_heading(s)));
            walk(&s.sections, out);
        }
    }
    let mut out = Vec::new();
    walk(&document.sections, &mut out);
    out
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    document: &str,
    form: IndicatorForm,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (settings, scales) = assessment_settings(&state.app, &caller.actor, document).await?;
    let (document, stored) = indicators(&state.app, &caller.actor, document).await?;
    Ok(page(
        ListPage {
            by_section: settings.at == uppfolj_model::assessment::AssessAt::Section,
            scales: scales
                .into_iter()
                .map(|(key, name)| (key.to_string(), name))
                .collect(),
            scale: settings.scale.to_string(),
            nav: caller.nav(),
            csrf: caller.csrf(),
            sections: sections(&document),
            indicators: stored
                .iter()
                .map(|v| Listed {
                    key: v.indicator.key.to_string(),
                    name: v.indicator.name.clone(),
                    status: v.indicator.status().label(),
                    latest: uppfolj_report::reading_text(v.indicator.latest(), &v.indicator.unit),
                    example: v.indicator.example,
                })
                .collect(),
            document,
            form,
            errors,
            notice,
        },
        status,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Notice {
    sparad: Option<String>,
    bedomning: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let notice = notice
        .sparad
        .map(|k| format!("Indikatorn «{k}» är sparad."));
    list_page(
        &state,
        &caller,
        &document,
        IndicatorForm::blank(),
        FieldErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// Turns a refused save into the form's errors; anything else is the request's error.
fn refused(error: CouncilError, errors: &mut FieldErrors) -> Result<(), WebError> {
    match error {
        CouncilError::Invalid { field, message } => {
            let id = match field {
                "name" => "namn",
                "source" => "kalla",
                "unit" => "enhet",
                "baseline" => "utgangsvarde",
                "target" => "malvarde",
                "kolada" => "kolada_kpi",
                "section" => "omrade",
                _ => "varden",
            };
            errors.refuse(id, message);
            Ok(())
        }
        CouncilError::Store(StoreError::Rule(message)) => {
            errors.refuse("nyckel", message);
            Ok(())
        }
        CouncilError::Store(StoreError::Stale(_)) => {
            errors.add(
                "namn",
                "Någon annan har ändrat indikatorn sedan du öppnade sidan. Formuläret visar nu det som är sparat; gör om din ändring.",
            );
            Ok(())
        }
        other => Err(other.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(form): Form<IndicatorForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let mut errors = FieldErrors::default();
    if let Some(indicator) = form.read(None, &mut errors) {
        match save_indicator(&state.app, &caller.actor, &document, &indicator, None).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/styrdokument/{document}/indikatorer?sparad={}",
                    indicator.key
                ))
                .into_response());
            }
            Err(error) => refused(error, &mut errors)?,
        }
    }
    list_page(
        &state,
        &caller,
        &document,
        form,
        errors,
        None,
        StatusCode::BAD_REQUEST,
    )
    .await
}

async fn edit_page(
    state: &AppState,
    caller: &Caller,
    document: &str,
    indicator: &str,
    form: Option<IndicatorForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (document, stored) = indicators(&state.app, &caller.actor, document).await?;
    let current = stored
        .iter()
        .find(|v| v.indicator.key.as_str() == indicator)
        .ok_or_else(|| WebError::NotFound(format!("indikatorn «{indicator}»")))?;
    let stale = errors.invalid("namn") && status == StatusCode::CONFLICT;
    let form = match form {
        Some(form) if !stale => form,
        _ => IndicatorForm::of(&current.indicator, current.version),
    };
    Ok(page(
        EditPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            sections: sections(&document),
            key: current.indicator.key.to_string(),
            document,
            form,
            errors,
            notice: None,
        },
        status,
    ))
}

async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, indicator)): Path<(String, String)>,
) -> Result<Response, WebError> {
    edit_page(
        &state,
        &caller,
        &document,
        &indicator,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, indicator)): Path<(String, String)>,
    Form(form): Form<IndicatorForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let key = Key::parse(&indicator)
        .map_err(|_| WebError::NotFound(format!("indikatorn «{indicator}»")))?;
    let mut errors = FieldErrors::default();
    let mut status = StatusCode::BAD_REQUEST;
    if let Some(read) = form.read(Some(key.clone()), &mut errors) {
        match save_indicator(&state.app, &caller.actor, &document, &read, form.version).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/styrdokument/{document}/indikatorer?sparad={key}"
                ))
                .into_response());
            }
            Err(CouncilError::Store(StoreError::Stale(what))) => {
                status = StatusCode::CONFLICT;
                refused(CouncilError::Store(StoreError::Stale(what)), &mut errors)?;
            }
            Err(error) => refused(error, &mut errors)?,
        }
    }
    edit_page(
        &state,
        &caller,
        &document,
        &indicator,
        Some(form),
        errors,
        status,
    )
    .await
}
