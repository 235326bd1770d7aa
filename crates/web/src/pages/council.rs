//! The council report of a steering document in a round. Coordinators get a working page: per
//! goal area the narrative's form, and per strategy (or goal area) the answers behind it — the
//! counts, who answered what, every comment, last round's assessment and a suggestion drafted
//! from the numbers — beside the assessment form; and the report as PDF, Word, HTML or
//! Markdown. Once the round is published the report is public under `/publicerat`.
//!
//! A save made from a stale page is a conflict page that shows both versions, never an
//! overwrite.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use uppfolj_app::council::{
    AssessmentInput, CouncilError, NarrativeInput, report, save_assessment, save_narrative,
};
use uppfolj_app::lookup::{key, require_coordinator};
use uppfolj_model::council::CouncilReport;
use uppfolj_model::{Audience, Key};
use uppfolj_report::{CouncilFormat, council_file, council_html};
use uppfolj_store::StoreError;

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{ConflictPage, ConflictRow, FieldErrors, Form, Keep, check_csrf};
use crate::layout::{Nav, download, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/rapport/{document}", get(show))
        .route(
            "/omgangar/{round}/rapport/{document}/bedomning",
            post(assess),
        )
        .route("/omgangar/{round}/rapport/{document}/text", post(narrate))
        .route("/omgangar/{round}/rapport/{document}/fil/{file}", get(file))
        .route("/publicerat/{round}/rapport/{document}", get(public_page))
        .route(
            "/publicerat/{round}/rapport/{document}/fil/{file}",
            get(public_file),
        )
}

/// The file a download names: `rapport.pdf`, `rapport.docx`, `rapport.html` or `rapport.md`.
fn format_of(file: &str) -> Result<CouncilFormat, WebError> {
    file.strip_prefix("rapport.")
        .and_then(CouncilFormat::parse)
        .ok_or_else(|| WebError::NotFound(format!("filen «{file}»")))
}

fn keys(round: &str, document: &str) -> Result<(Key, Key), WebError> {
    Ok((key(round, "omgången")?, key(document, "dokumentet")?))
}

/// What the coordinators' page shows of one level of the scale.
struct Choice {
    key: String,
    label: String,
    checked: bool,
}

/// One strategy (or goal area) on the coordinators' page.
struct SubjectForm {
    id: String,
    key: String,
    number: String,
    title: String,
    counts: String,
    /// Per answer, who gave it.
    by_option: Vec<(String, String)>,
    /// Organisation, answer and comment, per question.
    comments: Vec<(String, String)>,
    previous: Option<String>,
    suggestion: Option<String>,
    choices: Vec<Choice>,
    motivation: String,
    version: i64,
    stored: Option<String>,
}

/// One goal area on the coordinators' page.
struct AreaForm {
    id: String,
    key: String,
    number: String,
    heading: String,
    since_adoption: String,
    ahead: String,
    version: i64,
    subjects: Vec<SubjectForm>,
}

#[derive(Template)]
#[template(path = "council.html")]
struct WorkPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    title: String,
    round: String,
    base: String,
    public: Option<String>,
    subject_word: &'static str,
    areas: Vec<AreaForm>,
    notice: Option<String>,
    errors: FieldErrors,
}

/// What a refused form held, shown again in its form so that nothing written is lost.
enum Kept {
    Assessment {
        subject: String,
        level: String,
        motivation: String,
    },
    Narrative {
        section: String,
        since_adoption: String,
        ahead: String,
    },
}

impl Kept {
    /// Puts what was written back into its form on the page.
    fn restore(self, areas: &mut [AreaForm]) {
        match self {
            Kept::Assessment {
                subject,
                level,
                motivation,
            } => {
                for s in areas.iter_mut().flat_map(|a| a.subjects.iter_mut()) {
                    if s.key == subject {
                        s.motivation = motivation.clone();
                        for choice in &mut s.choices {
                            choice.checked = choice.key == level;
                        }
                    }
                }
            }
            Kept::Narrative {
                section,
                since_adoption,
                ahead,
            } => {
                for a in areas.iter_mut().filter(|a| a.key == section) {
                    a.since_adoption = since_adoption.clone();
                    a.ahead = ahead.clone();
                }
            }
        }
    }
}

/// What the working page says beyond the report: a notice after a save, or a refusal's
/// messages with what the refused form held.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    errors: FieldErrors,
    kept: Option<Kept>,
}

/// The coordinators' page from the report.
fn work_page(
    caller: &Caller,
    report: &CouncilReport,
    round: &Key,
    published: bool,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let Shown {
        notice,
        errors,
        kept,
    } = shown;
    let scale = &report.scale;
    let mut areas: Vec<AreaForm> = report
        .goal_areas
        .iter()
        .map(|area| AreaForm {
            id: format!("omrade-{}", area.key),
            key: area.key.to_string(),
            number: area.number.clone(),
            heading: area.heading.clone(),
            since_adoption: area.narrative.since_adoption.clone(),
            ahead: area.narrative.ahead.clone(),
            version: area.narrative.version,
            subjects: area
                .subjects
                .iter()
                .map(|s| {
                    let chosen = s
                        .assessment
                        .as_ref()
                        .map(|a| a.assessment.level.clone())
                        .or_else(|| s.suggestion.as_ref().map(|g| g.level.clone()));
                    SubjectForm {
                        id: format!("bedomning-{}", s.key),
                        key: s.key.to_string(),
                        number: s.number.clone(),
                        title: s.title.clone(),
                        counts: uppfolj_report::counts_line(&s.evidence.tally),
                        by_option: s
                            .questions
                            .iter()
                            .flat_map(|q| q.by_option.iter())
                            .map(|(option, names)| (option.clone(), names.join(", ")))
                            .collect(),
                        comments: s
                            .questions
                            .iter()
                            .flat_map(|q| q.comments.iter())
                            .filter(|c| !c.text.is_empty() || c.withheld)
                            .map(|c| {
                                let answer =
                                    c.answer.clone().unwrap_or_else(|| "Inget svar".into());
                                (format!("{} ({answer})", c.organisation), c.shown())
                            })
                            .collect(),
                        previous: s.previous.as_ref().map(|p| {
                            format!(
                                "{}: {}",
                                report.previous_round.as_deref().unwrap_or("Förra omgången"),
                                p.label
                            )
                        }),
                        suggestion: s.suggestion.as_ref().map(|g| {
                            format!(
                                "{}. {}",
                                scale.label(&g.level).unwrap_or_default(),
                                g.motivation
                            )
                        }),
                        choices: scale
                            .levels
                            .iter()
                            .map(|l| Choice {
                                key: l.key.to_string(),
                                label: l.label.clone(),
                                checked: chosen.as_ref() == Some(&l.key),
                            })
                            .collect(),
                        motivation: s.assessment.as_ref().map_or_else(
                            || {
                                s.suggestion
                                    .as_ref()
                                    .map(|g| g.motivation.clone())
                                    .unwrap_or_default()
                            },
                            |a| a.assessment.motivation.clone(),
                        ),
                        version: s.assessment.as_ref().map_or(0, |a| a.assessment.version),
                        stored: s.assessment.as_ref().map(|a| {
                            format!(
                                "Sparad av {} {}.",
                                a.assessment.assessed_by,
                                uppfolj_model::text::swedish_time(a.assessment.assessed_at)
                            )
                        }),
                    }
                })
                .collect(),
        })
        .collect();
    if let Some(kept) = kept {
        kept.restore(&mut areas);
    }
    page(
        WorkPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            title: report.title.clone(),
            round: report.round.clone(),
            base: format!("/omgangar/{round}/rapport/{}", report.document),
            public: published.then(|| format!("/publicerat/{round}/rapport/{}", report.document)),
            subject_word: uppfolj_report::subject_word(report),
            areas,
            notice,
            errors,
        },
        status,
    )
}

async fn load(
    state: &AppState,
    round: &Key,
    document: &Key,
) -> Result<(CouncilReport, bool), WebError> {
    let report = report(&state.store, round, document, Audience::Coordinators).await?;
    let published = state
        .store
        .definitions()
        .await?
        .rounds
        .iter()
        .any(|r| &r.key == round && r.state == uppfolj_model::RoundState::Published);
    Ok((report, published))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    sparad: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document)): Path<(String, String)>,
    Query(saved): Query<Saved>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (round, document) = keys(&round, &document)?;
    let (report, published) = load(&state, &round, &document).await?;
    let notice = saved.sparad.map(|what| match what.as_str() {
        "text" => "Texten är sparad.".to_owned(),
        _ => "Bedömningen är sparad.".to_owned(),
    });
    Ok(work_page(
        &caller,
        &report,
        &round,
        published,
        Shown {
            notice,
            ..Shown::default()
        },
        StatusCode::OK,
    ))
}

/// The working page again with a refused field's message at the field `id` and what was
/// written kept in its form; 400.
async fn refused(
    state: &AppState,
    caller: &Caller,
    (round, document): (&Key, &Key),
    (id, message): (String, &str),
    kept: Kept,
) -> Result<Response, WebError> {
    let (report, published) = load(state, round, document).await?;
    let mut errors = FieldErrors::default();
    errors.refuse(id, message);
    Ok(work_page(
        caller,
        &report,
        round,
        published,
        Shown {
            notice: None,
            errors,
            kept: Some(kept),
        },
        StatusCode::BAD_REQUEST,
    ))
}

/// The assessment form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AssessForm {
    csrf: String,
    amne: String,
    niva: String,
    motivering: String,
    version: i64,
}

async fn assess(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document)): Path<(String, String)>,
    Form(form): Form<AssessForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let (round_key, document_key) = keys(&round, &document)?;
    let input = AssessmentInput {
        subject: form.amne.clone(),
        level: form.niva.clone(),
        motivation: form.motivering.clone(),
        version: form.version,
    };
    let base = format!("/omgangar/{round_key}/rapport/{document_key}");
    match save_assessment(&state.app, &caller.actor, &round, &document, input).await {
        Ok(saved) => Ok(Redirect::to(&format!(
            "{base}?sparad=bedomning#bedomning-{}",
            saved.subject
        ))
        .into_response()),
        Err(CouncilError::Store(StoreError::Stale(_))) => {
            let (report, _) = load(&state, &round_key, &document_key).await?;
            let subject = Key::parse(&form.amne).ok();
            let current = subject
                .as_ref()
                .and_then(|s| report.subject(s))
                .and_then(|s| s.assessment.as_ref());
            let label = |level: &str| {
                Key::parse(level)
                    .ok()
                    .and_then(|l| report.scale.label(&l).map(str::to_owned))
                    .unwrap_or_else(|| level.to_owned())
            };
            Ok(ConflictPage {
                nav: caller.nav(),
                title: "Någon annan har sparat en bedömning under tiden".into(),
                explanation: "Din bedömning sparades inte, eftersom någon annan sparade en bedömning av samma strategi efter att du öppnade sidan. Jämför och välj vilken som ska gälla.".into(),
                yours: "Din bedömning",
                rows: vec![
                    ConflictRow {
                        label: "Bedömning",
                        stored: current.map(|a| a.label.clone()).unwrap_or_default(),
                        yours: label(&form.niva),
                        multiline: false,
                    },
                    ConflictRow {
                        label: "Motivering",
                        stored: current.map(|a| a.assessment.motivation.clone()).unwrap_or_default(),
                        yours: form.motivering.clone(),
                        multiline: true,
                    },
                ],
                stored_note: current.map(|a| {
                    format!(
                        "Sparad av {} {}.",
                        a.assessment.assessed_by,
                        uppfolj_model::text::swedish_time(a.assessment.assessed_at)
                    )
                }),
                keep: Some(Keep {
                    action: format!("{base}/bedomning"),
                    csrf: caller.csrf().to_owned(),
                    fields: vec![
                        ("amne", form.amne.clone()),
                        ("niva", form.niva.clone()),
                        ("motivering", form.motivering.clone()),
                        (
                            "version",
                            current.map_or(0, |a| a.assessment.version).to_string(),
                        ),
                    ],
                    label: "Spara min bedömning i stället",
                }),
                back: (format!("{base}#bedomning-{}", form.amne), "Behåll den sparade"),
                also: None,
            }
            .response())
        }
        Err(CouncilError::Invalid { field, message }) => {
            let id = match field {
                "level" => format!("niva-{}", form.amne),
                _ => format!("motivering-{}", form.amne),
            };
            let kept = Kept::Assessment {
                subject: form.amne,
                level: form.niva,
                motivation: form.motivering,
            };
            let keys = (&round_key, &document_key);
            refused(&state, &caller, keys, (id, &message), kept).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The narrative form as posted.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NarrativeForm {
    csrf: String,
    omrade: String,
    sedan: String,
    framat: String,
    version: i64,
}

async fn narrate(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document)): Path<(String, String)>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let (round_key, document_key) = keys(&round, &document)?;
    let base = format!("/omgangar/{round_key}/rapport/{document_key}");
    let input = NarrativeInput {
        section: form.omrade.clone(),
        since_adoption: form.sedan.clone(),
        ahead: form.framat.clone(),
        version: form.version,
    };
    match save_narrative(&state.app, &caller.actor, &round, &document, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("{base}?sparad=text#omrade-{}", form.omrade)).into_response())
        }
        Err(CouncilError::Store(StoreError::Stale(_))) => {
            let (report, _) = load(&state, &round_key, &document_key).await?;
            let current = report
                .goal_areas
                .iter()
                .find(|a| a.key.as_str() == form.omrade)
                .map(|a| a.narrative.clone());
            let (since, ahead, version) = current
                .map(|n| (n.since_adoption, n.ahead, n.version))
                .unwrap_or_default();
            Ok(ConflictPage {
                nav: caller.nav(),
                title: "Någon annan har sparat texten under tiden".into(),
                explanation: "Dina texter sparades inte, eftersom någon annan sparade texterna för samma målområde efter att du öppnade sidan. Jämför och välj vilka som ska gälla.".into(),
                yours: "Dina texter",
                rows: vec![
                    ConflictRow {
                        label: "Utveckling sedan antagandet",
                        stored: since,
                        yours: form.sedan.clone(),
                        multiline: true,
                    },
                    ConflictRow {
                        label: "Frågor och utveckling framåt",
                        stored: ahead,
                        yours: form.framat.clone(),
                        multiline: true,
                    },
                ],
                stored_note: None,
                keep: Some(Keep {
                    action: format!("{base}/text"),
                    csrf: caller.csrf().to_owned(),
                    fields: vec![
                        ("omrade", form.omrade.clone()),
                        ("sedan", form.sedan.clone()),
                        ("framat", form.framat.clone()),
                        ("version", version.to_string()),
                    ],
                    label: "Spara mina texter i stället",
                }),
                back: (format!("{base}#omrade-{}", form.omrade), "Behåll de sparade"),
                also: None,
            }
            .response())
        }
        Err(CouncilError::Invalid { field, message }) => {
            let name = if field == "ahead" { "framat" } else { "sedan" };
            let id = format!("{name}-{}", form.omrade);
            let kept = Kept::Narrative {
                section: form.omrade,
                since_adoption: form.sedan,
                ahead: form.framat,
            };
            let keys = (&round_key, &document_key);
            refused(&state, &caller, keys, (id, &message), kept).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The report as a file, typeset off the threads that serve requests.
async fn render(
    report: CouncilReport,
    format: CouncilFormat,
    round: &Key,
) -> Result<Response, WebError> {
    let today = time::OffsetDateTime::now_utc().date();
    let name = format!(
        "uppfoljningsrapport-{}-{round}.{}",
        report.document,
        format.extension()
    );
    let bytes = tokio::task::spawn_blocking(move || council_file(&report, format, today))
        .await
        .map_err(|e| WebError::Render(e.to_string()))?
        .map_err(|e| WebError::Render(e.to_string()))?;
    Ok(download(bytes, format.media_type(), &name))
}

async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let format = format_of(&file)?;
    let (round, document) = keys(&round, &document)?;
    let report = report(&state.store, &round, &document, Audience::Coordinators).await?;
    render(report, format, &round).await
}

/// The published report as a page.
#[derive(Template)]
#[template(path = "council_public.html")]
struct PublicPage {
    nav: Option<Nav>,
    title: String,
    base: String,
    body: String,
}

/// A published round's report for anyone; every other round is a 404, so that the public
/// cannot tell an unpublished round from one that does not exist.
async fn published(
    state: &AppState,
    round: &str,
    document: &str,
) -> Result<(Key, CouncilReport), WebError> {
    let not_found =
        || WebError::NotFound(format!("den publicerade rapporten «{round}/{document}»"));
    let (round, document) = keys(round, document).map_err(|_| not_found())?;
    match report(&state.store, &round, &document, Audience::Public).await {
        Ok(report) => Ok((round, report)),
        Err(CouncilError::Lookup(_)) => Err(not_found()),
        Err(other) => Err(Failure::from(other).into()),
    }
}

async fn public_page(
    State(state): State<AppState>,
    Path((round, document)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (round, report) = published(&state, &round, &document).await?;
    let body = council_html(&report).map_err(|e| WebError::Render(e.to_string()))?;
    Ok(page(
        PublicPage {
            nav: None,
            title: format!("{} – {}", report.title, report.round),
            base: format!("/publicerat/{round}/rapport/{}", report.document),
            body,
        },
        StatusCode::OK,
    ))
}

async fn public_file(
    State(state): State<AppState>,
    Path((round, document, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let format = format_of(&file)?;
    let (round, report) = published(&state, &round, &document).await?;
    render(report, format, &round).await
}
