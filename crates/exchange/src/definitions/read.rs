//! The file shapes as serde reads them, and their conversion into model values.
//!
//! Keys and references are read as plain text and parsed here, so that every bad key of a file is
//! reported at once and at its place, instead of stopping at the first.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};
use toml::value::Datetime;
use uppfolj_model::assessment::{AssessAt, AssessmentSettings, DEFAULT_SCALE};
use uppfolj_model::council_data::{
    DocumentData, FiledAssessment, FiledNarrative, RoundData, tidy_text,
};
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_model::thresholds::StatusThresholds;
use uppfolj_model::{
    AnswerOption, AnswerScale, CommentRule, Document, DocumentKind, Extension, Key, Organisation,
    OrganisationKind, Path, Period, Question, QuestionRef, Round, RoundState, ScaleKind, Section,
    Target,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    scale: Vec<RawScale>,
    #[serde(default)]
    organisation: Vec<RawOrganisation>,
    document: Option<RawDocument>,
    round: Option<RawRound>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    key: String,
    name: String,
    kind: RawScaleKind,
    #[serde(default)]
    options: Vec<RawOption>,
    unit: Option<String>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum RawScaleKind {
    Choice,
    Text,
    Number,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    key: String,
    label: String,
    #[serde(default)]
    neutral: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    key: String,
    name: String,
    short_name: Option<String>,
    kind: OrganisationKind,
    active: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    key: String,
    title: String,
    report_heading: Option<String>,
    kind: DocumentKind,
    period: RawPeriod,
    #[serde(default)]
    section: Vec<RawSection>,
    /// How the council report assesses the document.
    assessment: Option<RawAssessmentSettings>,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessmentSettings {
    at: AssessAt,
    scale: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    name: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    unit: String,
    direction: Direction,
    section: Option<String>,
    baseline: Option<Reading>,
    target: Option<Reading>,
    kolada: Option<KoladaRef>,
    #[serde(default)]
    example: bool,
    /// Values by year: `{ 2022 = 55.0, 2023 = 70 }`.
    #[serde(default)]
    values: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    document: String,
    subject: String,
    level: String,
    #[serde(default)]
    motivation: String,
    assessed_by: Option<String>,
    assessed_at: Option<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNarrative {
    document: String,
    section: String,
    #[serde(default)]
    since_adoption: String,
    #[serde(default)]
    ahead: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    from: i32,
    to: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: String,
    label: Option<String>,
    title: String,
    #[serde(default)]
    question: Vec<RawQuestion>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: String,
    text: String,
    #[serde(default)]
    guidance: Vec<String>,
    audience: Option<String>,
    scale: String,
    comment: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRound {
    key: String,
    name: String,
    year: i32,
    opens: Datetime,
    closes: Datetime,
    documents: Vec<String>,
    #[serde(default)]
    target: Vec<RawTarget>,
    /// The compilation's status thresholds, shares of the positive answer.
    status: Option<RawStatus>,
    /// Later last days for some organisations.
    #[serde(default)]
    extension: Vec<RawExtension>,
    /// The central office's assessments for the council report.
    #[serde(default)]
    assessment: Vec<RawAssessment>,
    /// The goal areas' texts for the council report.
    #[serde(default)]
    narrative: Vec<RawNarrative>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtension {
    organisation: String,
    closes: Datetime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    green: f64,
    yellow: f64,
    /// The share of organisations submitted before statuses show; half when left out.
    submitted: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    question: String,
    #[serde(default)]
    organisations: Vec<String>,
    #[serde(default)]
    kinds: Vec<OrganisationKind>,
}

/// What one file defines, each object with its path in the file, and the problems met on the way.
#[derive(Default)]
pub(super) struct Contents {
    pub scales: Vec<(Path, AnswerScale)>,
    pub organisations: Vec<(Path, Organisation)>,
    pub documents: Vec<(Path, Document)>,
    pub rounds: Vec<(Path, Round)>,
    pub council_documents: Vec<(Path, DocumentData)>,
    pub council_rounds: Vec<(Path, RoundData)>,
    pub problems: Vec<(Path, String)>,
}

/// Reads one file. A TOML or shape error stops the file; key problems are collected.
pub(super) fn file(text: &str) -> Result<Contents, toml::de::Error> {
    let raw: RawFile = toml::from_str(text)?;
    let mut contents = Contents::default();
    let mut problems = Problems(Vec::new());
    for (i, scale) in raw.scale.into_iter().enumerate() {
        let at = Path::root().item("scale", i);
        if let Some(scale) = problems.scale(scale, &at) {
            contents.scales.push((at, scale));
        }
    }
    for (i, organisation) in raw.organisation.into_iter().enumerate() {
        let at = Path::root().item("organisation", i);
        if let Some(key) = problems.key(&organisation.key, at.field("key")) {
            let organisation = Organisation {
                key,
                name: organisation.name,
                short_name: organisation.short_name,
                kind: organisation.kind,
                active: organisation.active.unwrap_or(true),
            };
            contents.organisations.push((at, organisation));
        }
    }
    if let Some(mut document) = raw.document {
        let at = Path::root().field("document");
        let settings = document.assessment.take();
        let indicators = std::mem::take(&mut document.indicator);
        if let Some(document) = problems.document(document, &at) {
            let data = problems.document_data(&document.key, settings, indicators, &at);
            if data.settings.is_some() || !data.indicators.is_empty() {
                contents.council_documents.push((at.clone(), data));
            }
            contents.documents.push((at, document));
        }
    }
    if let Some(mut round) = raw.round {
        let at = Path::root().field("round");
        let assessments = std::mem::take(&mut round.assessment);
        let narratives = std::mem::take(&mut round.narrative);
        if let Some(round) = problems.round(round, &at) {
            let data = problems.round_data(&round.key, assessments, narratives, &at);
            if !data.assessments.is_empty() || !data.narratives.is_empty() {
                contents.council_rounds.push((at.clone(), data));
            }
            contents.rounds.push((at, round));
        }
    }
    contents.problems = problems.0;
    Ok(contents)
}

struct Problems(Vec<(Path, String)>);

impl Problems {
    fn key(&mut self, text: &str, at: Path) -> Option<Key> {
        Key::parse(text)
            .map_err(|e| self.0.push((at, e.to_string())))
            .ok()
    }

    fn keys(&mut self, texts: &[String], at: &Path) -> Vec<Key> {
        texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| self.key(t, at.index(i)))
            .collect()
    }

    fn scale(&mut self, raw: RawScale, at: &Path) -> Option<AnswerScale> {
        let key = self.key(&raw.key, at.field("key"));
        if raw.kind != RawScaleKind::Choice && !raw.options.is_empty() {
            self.0.push((
                at.field("options"),
                "bara en flervalsskala (kind = \"choice\") har svarsalternativ".into(),
            ));
        }
        if raw.kind != RawScaleKind::Number && raw.unit.is_some() {
            self.0.push((
                at.field("unit"),
                "bara en talskala (kind = \"number\") har enhet".into(),
            ));
        }
        let kind = match raw.kind {
            RawScaleKind::Choice => {
                let mut options = Vec::new();
                for (i, option) in raw.options.into_iter().enumerate() {
                    if let Some(key) = self.key(&option.key, at.item("options", i).field("key")) {
                        options.push(AnswerOption {
                            key,
                            label: option.label,
                            neutral: option.neutral,
                        });
                    }
                }
                ScaleKind::Choice { options }
            }
            RawScaleKind::Text => ScaleKind::Text,
            RawScaleKind::Number => ScaleKind::Number {
                unit: raw.unit.unwrap_or_default(),
            },
        };
        Some(AnswerScale {
            key: key?,
            name: raw.name,
            kind,
        })
    }

    fn document(&mut self, raw: RawDocument, at: &Path) -> Option<Document> {
        let key = self.key(&raw.key, at.field("key"));
        let sections = self.sections(raw.section, at);
        Some(Document {
            key: key?,
            title: raw.title,
            report_heading: raw.report_heading,
            kind: raw.kind,
            period: Period {
                from: raw.period.from,
                to: raw.period.to,
            },
            sections,
        })
    }

    fn sections(&mut self, raw: Vec<RawSection>, at: &Path) -> Vec<Section> {
        let mut sections = Vec::new();
        for (i, section) in raw.into_iter().enumerate() {
            let here = at.item("section", i);
            let key = self.key(&section.key, here.field("key"));
            let mut questions = Vec::new();
            for (j, question) in section.question.into_iter().enumerate() {
                if let Some(question) = self.question(question, &here.item("question", j)) {
                    questions.push(question);
                }
            }
            let children = self.sections(section.section, &here);
            if let Some(key) = key {
                sections.push(Section {
                    key,
                    label: section.label,
                    title: section.title,
                    questions,
                    sections: children,
                    retired: false,
                });
            }
        }
        sections
    }

    fn question(&mut self, raw: RawQuestion, at: &Path) -> Option<Question> {
        let key = self.key(&raw.key, at.field("key"));
        let scale = self.key(&raw.scale, at.field("scale"));
        let comment = self.comment_rule(raw.comment, &at.field("comment"));
        Some(Question {
            key: key?,
            text: raw.text,
            guidance: raw.guidance,
            audience: raw.audience,
            scale: scale?,
            comment: comment?,
            retired: false,
        })
    }

    fn comment_rule(&mut self, raw: Option<toml::Value>, at: &Path) -> Option<CommentRule> {
        const EXPECTED: &str = "comment ska vara \"optional\", \"required\" eller { required_for = [svarsalternativ] }";
        match raw {
            None => Some(CommentRule::Optional),
            Some(toml::Value::String(word)) => match word.as_str() {
                "optional" => Some(CommentRule::Optional),
                "required" => Some(CommentRule::Required),
                _ => {
                    self.0
                        .push((at.clone(), format!("okänt värde «{word}»; {EXPECTED}")));
                    None
                }
            },
            Some(toml::Value::Table(table)) => {
                let options = table.get("required_for").and_then(toml::Value::as_array);
                let words: Option<Vec<String>> = options
                    .map(|o| o.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or(None);
                match words {
                    Some(words) if table.len() == 1 => Some(CommentRule::RequiredFor(
                        self.keys(&words, &at.field("required_for")),
                    )),
                    _ => {
                        self.0.push((at.clone(), EXPECTED.into()));
                        None
                    }
                }
            }
            Some(_) => {
                self.0.push((at.clone(), EXPECTED.into()));
                None
            }
        }
    }

    fn round(&mut self, raw: RawRound, at: &Path) -> Option<Round> {
        let key = self.key(&raw.key, at.field("key"));
        let opens = self.date(&raw.opens, at.field("opens"));
        let closes = self.date(&raw.closes, at.field("closes"));
        let documents = self.keys(&raw.documents, &at.field("documents"));
        let mut targets = Vec::new();
        for (i, target) in raw.target.into_iter().enumerate() {
            let here = at.item("target", i);
            let organisations = self.keys(&target.organisations, &here.field("organisations"));
            match QuestionRef::parse(&target.question) {
                Some(question) => targets.push(Target { question, organisations, kinds: target.kinds }),
                None => self.0.push((
                    here.field("question"),
                    format!("«{}» ska skrivas dokumentnyckel/frågenyckel, t.ex. \"handlingsplan/insats-3-2\"", target.question),
                )),
            }
        }
        let mut extensions = Vec::new();
        for (i, extension) in raw.extension.iter().enumerate() {
            let here = at.item("extension", i);
            let organisation = self.key(&extension.organisation, here.field("organisation"));
            let closes = self.date(&extension.closes, here.field("closes"));
            if let (Some(organisation), Some(closes)) = (organisation, closes) {
                extensions.push(Extension {
                    organisation,
                    closes,
                });
            }
        }
        let thresholds = match raw.status {
            None => Some(StatusThresholds::default()),
            Some(status) => match StatusThresholds::new(
                status.green,
                status.yellow,
                status
                    .submitted
                    .unwrap_or(StatusThresholds::default().submitted),
            ) {
                Ok(thresholds) => Some(thresholds),
                Err(message) => {
                    self.0.push((at.field("status"), message));
                    None
                }
            },
        };
        Some(Round {
            key: key?,
            name: raw.name,
            year: raw.year,
            opens: opens?,
            closes: closes?,
            documents,
            targets,
            state: RoundState::Draft,
            thresholds: thresholds?,
            asked: None,
            extensions,
        })
    }

    fn document_data(
        &mut self,
        document: &Key,
        settings: Option<RawAssessmentSettings>,
        raw: Vec<RawIndicator>,
        at: &Path,
    ) -> DocumentData {
        let settings = settings.and_then(|s| {
            let scale = match s.scale {
                Some(scale) => self.key(&scale, at.field("assessment").field("scale"))?,
                None => Key::parse(DEFAULT_SCALE).expect("a valid key"),
            };
            Some(AssessmentSettings { at: s.at, scale })
        });
        let mut indicators = Vec::new();
        for (i, raw) in raw.into_iter().enumerate() {
            let here = at.item("indicator", i);
            let key = self.key(&raw.key, here.field("key"));
            let section = match raw.section.as_deref() {
                None => Some(None),
                Some(s) => self.key(s, here.field("section")).map(Some),
            };
            let mut values = Vec::new();
            for (year, value) in raw.values {
                match year.parse::<i32>() {
                    Ok(year) => values.push(Reading { year, value }),
                    Err(_) => self.0.push((
                        here.field("values"),
                        format!(
                            "«{year}» är inte ett årtal; skriv t.ex. values = {{ 2024 = 12.5 }}"
                        ),
                    )),
                }
            }
            values.sort_by_key(|r| r.year);
            if let (Some(key), Some(section)) = (key, section) {
                indicators.push(Indicator {
                    key,
                    name: raw.name,
                    source: raw.source,
                    unit: raw.unit,
                    direction: raw.direction,
                    section,
                    baseline: raw.baseline,
                    target: raw.target,
                    kolada: raw.kolada,
                    example: raw.example,
                    values,
                });
            }
        }
        DocumentData {
            document: document.clone(),
            settings,
            indicators,
        }
    }

    fn round_data(
        &mut self,
        round: &Key,
        assessments: Vec<RawAssessment>,
        narratives: Vec<RawNarrative>,
        at: &Path,
    ) -> RoundData {
        let mut data = RoundData {
            round: round.clone(),
            assessments: Vec::new(),
            narratives: Vec::new(),
        };
        for (i, raw) in assessments.into_iter().enumerate() {
            let here = at.item("assessment", i);
            let document = self.key(&raw.document, here.field("document"));
            let subject = self.key(&raw.subject, here.field("subject"));
            let level = self.key(&raw.level, here.field("level"));
            let assessed_at = match &raw.assessed_at {
                None => Some(None),
                Some(t) => self.moment(t, here.field("assessed_at")).map(Some),
            };
            if let (Some(document), Some(subject), Some(level), Some(assessed_at)) =
                (document, subject, level, assessed_at)
            {
                data.assessments.push(FiledAssessment {
                    document,
                    subject,
                    level,
                    motivation: tidy_text(&raw.motivation),
                    assessed_by: raw.assessed_by,
                    assessed_at,
                });
            }
        }
        for (i, raw) in narratives.into_iter().enumerate() {
            let here = at.item("narrative", i);
            let document = self.key(&raw.document, here.field("document"));
            let section = self.key(&raw.section, here.field("section"));
            if let (Some(document), Some(section)) = (document, section) {
                data.narratives.push(FiledNarrative {
                    document,
                    section,
                    since_adoption: tidy_text(&raw.since_adoption),
                    ahead: tidy_text(&raw.ahead),
                });
            }
        }
        data
    }

    /// A moment with its offset, such as `2026-11-30T14:05:00Z`.
    fn moment(&mut self, raw: &Datetime, at: Path) -> Option<OffsetDateTime> {
        let moment = match (raw.offset, raw.time) {
            (Some(_), Some(_)) => OffsetDateTime::parse(&raw.to_string(), &Rfc3339).ok(),
            _ => None,
        };
        if moment.is_none() {
            self.0.push((
                at,
                format!("«{raw}» ska vara en tidpunkt med tidszon, t.ex. 2026-11-30T14:05:00Z"),
            ));
        }
        moment
    }

    fn date(&mut self, raw: &Datetime, at: Path) -> Option<Date> {
        let date = match (raw.date, raw.time, raw.offset) {
            (Some(d), None, None) => Month::try_from(d.month)
                .ok()
                .and_then(|month| Date::from_calendar_date(i32::from(d.year), month, d.day).ok()),
            _ => None,
        };
        if date.is_none() {
            self.0.push((
                at,
                format!("«{raw}» ska vara ett datum utan klockslag, t.ex. 2026-01-15"),
            ));
        }
        date
    }
}
