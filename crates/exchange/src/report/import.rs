//! Bringing an earlier year's report into Uppfölj: what must be created (organisation, round,
//! documents, sections, questions) and which answers to store, matched by text to what exists so
//! that the years line up for trends.

use std::collections::HashSet;

use time::{Date, Month};
use uppfolj_model::{
    AnswerInput, AnswerOption, AnswerScale, CommentRule, Definitions, Document, DocumentKind, Key,
    Organisation, OrganisationKind, Period, Question, QuestionRef, Round, RoundState, ScaleKind,
    Section,
};

use super::{ParsedQuestion, ParsedReport, ParsedSection};

/// The scale given to questions an import creates: the answers reports print.
pub const IMPORT_SCALE: &str = "ja-delvis-nej-ej-aktuellt";

/// What an import will do.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    /// Objects to store first: new or grown documents, a new organisation, round or scale.
    pub definitions: Definitions,
    pub organisation: Key,
    pub round: Key,
    /// Whether the round is created by this import (it is then closed once filled).
    pub new_round: bool,
    pub answers: Vec<(QuestionRef, AnswerInput)>,
    /// Every question the report held, answered or not, in report order: what the round asked
    /// the organisation.
    pub asked: Vec<QuestionRef>,
    /// One line per thing created, in Swedish, for the person importing.
    pub created: Vec<String>,
    /// One line per thing changed, in Swedish.
    pub changed: Vec<String>,
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A key made from `text` that `taken` does not hold yet; it is added to `taken`.
fn fresh_key(text: &str, taken: &mut HashSet<String>) -> Key {
    let base = Key::slugify(text).unwrap_or_else(|| Key::parse("x").expect("a valid key"));
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        let suffix = format!("-{n}");
        let room = 64 - suffix.len();
        candidate = format!(
            "{}{suffix}",
            base.as_str()
                .chars()
                .take(room)
                .collect::<String>()
                .trim_end_matches('-')
        );
        n += 1;
    }
    taken.insert(candidate.clone());
    Key::parse(&candidate).expect("slugs with a numeric suffix are keys")
}

/// Plans the import of `report` as `organisation`'s response in round `round` (a key, a name or a
/// year) against what is stored.
pub fn plan_import(
    report: &ParsedReport,
    existing: &Definitions,
    organisation: &str,
    round: &str,
) -> Result<ImportPlan, String> {
    let questions = report.questions();
    if !questions
        .iter()
        .any(|(_, q)| q.answer.is_some() || !q.comment.is_empty())
    {
        return Err(format!(
            "rapporten har inga svar ({} under {}); bara ifyllda rapporter läses in",
            counted(questions.len(), "fråga", "frågor"),
            counted(report.headings(), "rubrik", "rubriker")
        ));
    }
    let mut plan = ImportPlan {
        definitions: Definitions::default(),
        organisation: Key::parse("x").expect("a valid key"),
        round: Key::parse("x").expect("a valid key"),
        new_round: false,
        answers: Vec::new(),
        asked: Vec::new(),
        created: Vec::new(),
        changed: Vec::new(),
    };

    let found_organisation = existing
        .organisations
        .iter()
        .find(|o| o.key.as_str() == organisation.trim() || normal(&o.name) == normal(organisation))
        .cloned();
    let organisation: Organisation = match found_organisation {
        Some(found) => found,
        None => {
            let mut taken = existing
                .organisations
                .iter()
                .map(|o| o.key.to_string())
                .collect();
            let name = organisation.trim().to_owned();
            if name.is_empty() {
                return Err("ange organisationens namn".into());
            }
            let lower = name.to_lowercase();
            let kind = if lower.ends_with(" ab") {
                OrganisationKind::Bolag
            } else if lower.contains("styrelse") {
                OrganisationKind::Styrelse
            } else if lower.contains("förvaltning") {
                OrganisationKind::Forvaltning
            } else {
                OrganisationKind::Namnd
            };
            let created = Organisation {
                key: fresh_key(&name, &mut taken),
                name: name.clone(),
                short_name: None,
                kind,
                active: true,
            };
            plan.created
                .push(format!("organisationen «{name}» ({kind})"));
            plan.definitions.organisations.push(created.clone());
            created
        }
    };
    plan.organisation = organisation.key.clone();

    let mut scale = existing
        .scales
        .iter()
        .find(|s| s.key.as_str() == IMPORT_SCALE)
        .cloned();
    let mut documents: Vec<Document> = Vec::new();
    let mut document_keys: HashSet<String> = existing
        .documents
        .iter()
        .map(|d| d.key.to_string())
        .collect();
    let mut new_questions: Vec<QuestionRef> = Vec::new();
    for parsed in &report.documents {
        let found = existing.documents.iter().find(|d| {
            normal(d.heading()) == normal(&parsed.heading)
                || normal(&d.title) == normal(&parsed.heading)
        });
        let mut document = match found {
            Some(document) => document.current(),
            None => {
                plan.created
                    .push(format!("dokumentet «{}»", parsed.heading));
                new_document(&parsed.heading, &mut document_keys)
            }
        };
        let before = document.clone();
        let mut section_keys: HashSet<String> = HashSet::new();
        collect_section_keys(&document.sections, &mut section_keys);
        let mut context = Context {
            plan: &mut plan,
            scale: &mut scale,
            section_keys,
            question_keys: document
                .all_questions()
                .map(|q| q.key.to_string())
                .collect(),
            known: document.all_questions().map(|q| normal(&q.text)).collect(),
            document: document.key.clone(),
            new_questions: &mut new_questions,
        };
        if let Some(stray) = parsed.questions.first() {
            return Err(format!(
                "frågan «{}» står direkt under «{}», utan avsnitt",
                stray.text, parsed.heading
            ));
        }
        context.sections(&mut document.sections, &parsed.sections);
        if document != before {
            plan.definitions.documents.push(document.clone());
        }
        documents.push(document);
    }
    if let Some(scale) = scale.filter(|s| existing.scales.iter().all(|e| e != s)) {
        plan.definitions.scales.insert(0, scale);
    }

    let wanted: Vec<Key> = documents.iter().map(|d| d.key.clone()).collect();
    let found = existing
        .rounds
        .iter()
        .find(|r| r.key.as_str() == round.trim() || normal(&r.name) == normal(round));
    let by_year: Vec<&Round> = round
        .trim()
        .parse::<i32>()
        .map(|y| existing.rounds.iter().filter(|r| r.year == y).collect())
        .unwrap_or_default();
    let mut chosen = match (found, by_year.as_slice()) {
        (Some(r), _) => r.clone(),
        (None, [r]) => (*r).clone(),
        (None, [_, _, ..]) => {
            return Err(format!(
                "flera omgångar gäller år {round}; ange omgångens nyckel eller namn"
            ));
        }
        (None, []) => {
            let year: i32 = round.trim().parse().map_err(|_| {
                format!("omgången «{round}» finns inte; ange ett år för att skapa den")
            })?;
            let first =
                Date::from_calendar_date(year + 1, Month::January, 1).map_err(|e| e.to_string())?;
            let last =
                Date::from_calendar_date(year + 1, Month::March, 31).map_err(|e| e.to_string())?;
            plan.new_round = true;
            plan.created.push(format!("omgången «Uppföljning {year}»"));
            let mut taken = existing.rounds.iter().map(|r| r.key.to_string()).collect();
            Round {
                key: fresh_key(&year.to_string(), &mut taken),
                name: format!("Uppföljning {year}"),
                year,
                opens: first,
                closes: last,
                documents: vec![],
                targets: vec![],
                state: RoundState::Draft,
                thresholds: Default::default(),
                asked: None,
            }
        }
    };
    let before = chosen.clone();
    for key in wanted {
        if !chosen.documents.contains(&key) {
            chosen.documents.push(key);
        }
    }
    plan.round = chosen.key.clone();

    let refs: Vec<&Document> = documents.iter().collect();
    plan.answers = super::answers_for(report, &refs)?;
    plan.asked = super::matched(report, &refs)?
        .into_iter()
        .map(|(reference, _)| reference)
        .collect();

    // The round asks the organisation what its report held, and nothing else.
    let round_questions: Vec<QuestionRef> = chosen
        .documents
        .iter()
        .filter_map(|k| {
            documents
                .iter()
                .chain(&existing.documents)
                .find(|d| &d.key == k)
        })
        .flat_map(|d| {
            d.all_questions()
                .filter(|q| !q.retired)
                .map(|q| QuestionRef {
                    document: d.key.clone(),
                    question: q.key.clone(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    // Nobody else was asked what the round did not ask before: every question of a new round,
    // a question this import creates, and one an opened round did not ask.
    let unasked: Vec<QuestionRef> = round_questions
        .iter()
        .filter(|q| {
            plan.new_round
                || new_questions.contains(q)
                || before
                    .asked
                    .as_ref()
                    .is_some_and(|a| !a.questions.contains(q))
        })
        .cloned()
        .collect();
    chosen.ask_nobody(&unasked);
    let mut organisations = existing.organisations.clone();
    organisations.extend(plan.definitions.organisations.iter().cloned());
    let was = chosen.clone();
    if chosen.ask_only(&organisation, &plan.asked, &round_questions, &organisations)
        && !plan.new_round
    {
        let moved = round_questions
            .iter()
            .filter(|q| was.is_assigned(q, &organisation) != chosen.is_assigned(q, &organisation))
            .count();
        plan.changed.push(format!(
            "målgruppen för {moved} {} i omgången «{}», så att {} får de frågor rapporten tar upp",
            if moved == 1 { "fråga" } else { "frågor" },
            chosen.name,
            organisation.name
        ));
    }
    if chosen != before || plan.new_round {
        plan.definitions.rounds.push(chosen);
    }
    Ok(plan)
}

fn collect_section_keys(sections: &[Section], out: &mut HashSet<String>) {
    for section in sections {
        out.insert(section.key.to_string());
        collect_section_keys(&section.sections, out);
    }
}

fn new_document(heading: &str, taken: &mut HashSet<String>) -> Document {
    let lower = heading.to_lowercase();
    let kind = DocumentKind::ALL
        .into_iter()
        .find(|k| lower.contains(k.as_str()))
        .unwrap_or(DocumentKind::Plan);
    let years: Vec<i32> = heading
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .filter(|y| (1900..=2200).contains(y))
        .collect();
    let period = match years.as_slice() {
        [.., from, to] if from <= to => Period {
            from: *from,
            to: *to,
        },
        [.., year] => Period {
            from: *year,
            to: *year,
        },
        [] => Period {
            from: 2000,
            to: 2100,
        },
    };
    Document {
        key: fresh_key(heading, taken),
        title: heading.to_owned(),
        report_heading: None,
        kind,
        period,
        sections: vec![],
    }
}

struct Context<'a> {
    plan: &'a mut ImportPlan,
    scale: &'a mut Option<AnswerScale>,
    section_keys: HashSet<String>,
    question_keys: HashSet<String>,
    /// The question texts the document has, whitespace and case aside.
    known: HashSet<String>,
    document: Key,
    /// The questions this import creates.
    new_questions: &'a mut Vec<QuestionRef>,
}

impl Context<'_> {
    /// Matches parsed sections to existing ones by heading, creating what is missing, and adds
    /// the questions the document lacks.
    fn sections(&mut self, existing: &mut Vec<Section>, parsed: &[ParsedSection]) {
        for parsed in parsed {
            let heading = normal(&parsed.heading);
            let found = existing
                .iter()
                .position(|s| normal(&uppfolj_model::numbering::section_heading(s)) == heading);
            let index = found.unwrap_or_else(|| {
                let (label, title) = match parsed.heading.split_once(": ") {
                    Some((label, title))
                        if label.split_whitespace().count() <= 3
                            && label.chars().any(|c| c.is_ascii_digit()) =>
                    {
                        (Some(label.to_owned()), title.to_owned())
                    }
                    _ => (None, parsed.heading.clone()),
                };
                self.plan
                    .created
                    .push(format!("avsnittet «{}»", parsed.heading));
                existing.push(Section {
                    key: fresh_key(&parsed.heading, &mut self.section_keys),
                    label,
                    title,
                    questions: vec![],
                    sections: vec![],
                    retired: false,
                });
                existing.len() - 1
            });
            // A new question goes after the one before it in the report (or before the next),
            // so that every report shows its questions in its own order.
            let mut after: Option<usize> = None;
            for (i, question) in parsed.questions.iter().enumerate() {
                let wanted = normal(&question.text);
                let place = |texts: &[Question], text: &str| {
                    texts
                        .iter()
                        .position(|q| !q.retired && normal(&q.text) == text)
                };
                if let Some(at) = place(&existing[index].questions, &wanted) {
                    after = Some(at);
                    continue;
                }
                if !self.known.insert(wanted) {
                    continue;
                }
                let created = self.question(question);
                let at = after.map(|a| a + 1).unwrap_or_else(|| {
                    parsed.questions[i + 1..]
                        .iter()
                        .find_map(|next| place(&existing[index].questions, &normal(&next.text)))
                        .unwrap_or(existing[index].questions.len())
                });
                existing[index].questions.insert(at, created);
                after = Some(at);
            }
            self.sections(&mut existing[index].sections, &parsed.sections);
        }
    }

    /// A new question for a report's row, on the import scale (grown by unknown answers).
    fn question(&mut self, question: &ParsedQuestion) -> Question {
        let scale = self.scale.get_or_insert_with(import_scale);
        if let (Some(answer), ScaleKind::Choice { options }) = (&question.answer, &mut scale.kind) {
            let known = options.iter().any(|o| normal(&o.label) == normal(answer));
            if !known {
                let mut taken: HashSet<String> =
                    options.iter().map(|o| o.key.to_string()).collect();
                options.push(AnswerOption {
                    key: fresh_key(answer, &mut taken),
                    label: answer.clone(),
                });
            }
        }
        self.plan
            .created
            .push(format!("frågan «{}»", question.text));
        let key = fresh_key(&question.text, &mut self.question_keys);
        self.new_questions.push(QuestionRef {
            document: self.document.clone(),
            question: key.clone(),
        });
        Question {
            key,
            text: question.text.clone(),
            guidance: question.guidance.clone(),
            audience: question.audience.clone(),
            scale: scale.key.clone(),
            comment: CommentRule::Optional,
            retired: false,
        }
    }
}

fn import_scale() -> AnswerScale {
    let option = |key: &str, label: &str| AnswerOption {
        key: Key::parse(key).expect("a valid key"),
        label: label.into(),
    };
    AnswerScale {
        key: Key::parse(IMPORT_SCALE).expect("a valid key"),
        name: "Ja / Delvis / Nej / Ej aktuellt".into(),
        kind: ScaleKind::Choice {
            options: vec![
                option("ja", "Ja"),
                option("delvis", "Delvis"),
                option("nej", "Nej"),
                option("ej-aktuellt", "Ej aktuellt"),
            ],
        },
    }
}
