//! Bringing an earlier year's report into Uppfölj: what must be created (organisation, round,
//! documents, sections, questions) and which answers to store, matched by text to what exists so
//! that the years line up for trends.

use std::collections::{HashMap, HashSet};

use time::{Date, Month};
use uppfolj_model::key::MAX_KEY_LEN;
use uppfolj_model::{
    AnswerInput, AnswerOption, AnswerScale, CommentRule, Definitions, Document, DocumentKind, Key,
    Organisation, OrganisationKind, Period, Question, QuestionRef, Round, RoundState, ScaleKind,
    Section,
};

use super::{ParsedQuestion, ParsedReport, ParsedSection, normal};

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

/// The keys taken in one namespace (organisations, documents, a document's sections or
/// questions, a scale's options), handing out new ones made from texts.
#[derive(Default)]
struct Keys {
    taken: HashSet<String>,
    /// Per stem (a slug cut to leave room for a number of so many digits), the next number to
    /// try: many texts with one slug are numbered in one pass, not by probing from 2 each time.
    next: HashMap<(String, usize), usize>,
}

impl Keys {
    fn new(taken: impl IntoIterator<Item = String>) -> Keys {
        Keys {
            taken: taken.into_iter().collect(),
            next: HashMap::new(),
        }
    }

    /// A key made from `text` that is not taken yet, now taken: its slug, or the slug with the
    /// first free number (`-2`, `-3`, …), cut so that the whole stays a key.
    fn fresh(&mut self, text: &str) -> Key {
        let base = Key::slugify(text).unwrap_or_else(|| Key::parse("x").expect("a valid key"));
        if self.taken.insert(base.to_string()) {
            return base;
        }
        let mut n = 2;
        loop {
            let digits = n.to_string().len();
            let stem = base
                .as_str()
                .chars()
                .take(MAX_KEY_LEN - 1 - digits)
                .collect::<String>()
                .trim_end_matches('-')
                .to_owned();
            let next = self.next.entry((stem.clone(), digits)).or_insert(n);
            n = n.max(*next);
            if n.to_string().len() != digits {
                continue;
            }
            *next = n + 1;
            let candidate = format!("{stem}-{n}");
            n += 1;
            if self.taken.insert(candidate.clone()) {
                return Key::parse(&candidate).expect("slugs with a numeric suffix are keys");
            }
        }
    }
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
            let mut taken = Keys::new(existing.organisations.iter().map(|o| o.key.to_string()));
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
                key: taken.fresh(&name),
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
    let mut document_keys = Keys::new(existing.documents.iter().map(|d| d.key.to_string()));
    let mut new_questions: Vec<QuestionRef> = Vec::new();
    // A document is found by its report heading first, then by its title.
    let mut by_heading: HashMap<String, &Document> = HashMap::new();
    for document in &existing.documents {
        by_heading
            .entry(normal(document.heading()))
            .or_insert(document);
    }
    for document in &existing.documents {
        by_heading
            .entry(normal(&document.title))
            .or_insert(document);
    }
    for parsed in &report.documents {
        let found = by_heading.get(&normal(&parsed.heading)).copied();
        let mut document = match found {
            Some(document) => document.current(),
            None => {
                plan.created
                    .push(format!("dokumentet «{}»", parsed.heading));
                new_document(&parsed.heading, &mut document_keys)
            }
        };
        let before = document.clone();
        let mut section_keys = Keys::default();
        collect_section_keys(&document.sections, &mut section_keys.taken);
        let mut context = Context {
            plan: &mut plan,
            scale: &mut scale,
            section_keys,
            question_keys: Keys::new(document.all_questions().map(|q| q.key.to_string())),
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
            let mut taken = Keys::new(existing.rounds.iter().map(|r| r.key.to_string()));
            Round {
                key: taken.fresh(&year.to_string()),
                name: format!("Uppföljning {year}"),
                year,
                opens: first,
                closes: last,
                documents: vec![],
                targets: vec![],
                state: RoundState::Draft,
                thresholds: Default::default(),
                asked: None,
                extensions: vec![],
            }
        }
    };
    let before = chosen.clone();
    let mut listed: HashSet<Key> = chosen.documents.iter().cloned().collect();
    for key in wanted {
        if listed.insert(key.clone()) {
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
    let mut by_key: HashMap<&Key, &Document> = HashMap::new();
    for document in documents.iter().chain(&existing.documents) {
        by_key.entry(&document.key).or_insert(document);
    }
    let round_questions: Vec<QuestionRef> = chosen
        .documents
        .iter()
        .filter_map(|k| by_key.get(k).copied())
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
    let created: HashSet<&QuestionRef> = new_questions.iter().collect();
    let asked_before: Option<HashSet<&QuestionRef>> =
        before.asked.as_ref().map(|a| a.questions.iter().collect());
    let unasked: Vec<QuestionRef> = round_questions
        .iter()
        .filter(|q| {
            plan.new_round
                || created.contains(q)
                || asked_before.as_ref().is_some_and(|a| !a.contains(q))
        })
        .cloned()
        .collect();
    chosen.ask_nobody(&unasked);
    let mut organisations = existing.organisations.clone();
    organisations.extend(plan.definitions.organisations.iter().cloned());
    let moved = chosen.ask_only(&organisation, &plan.asked, &round_questions, &organisations);
    if moved > 0 && !plan.new_round {
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

fn new_document(heading: &str, taken: &mut Keys) -> Document {
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
        key: taken.fresh(heading),
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
    section_keys: Keys,
    question_keys: Keys,
    /// The question texts the document has, whitespace and case aside.
    known: HashSet<String>,
    document: Key,
    /// The questions this import creates.
    new_questions: &'a mut Vec<QuestionRef>,
}

impl Context<'_> {
    /// Matches parsed sections to existing ones by heading, creating what is missing, and adds
    /// the questions the document lacks. Each level is indexed once, so that the work grows
    /// with the report's length, not its square.
    fn sections(&mut self, existing: &mut Vec<Section>, parsed: &[ParsedSection]) {
        let mut by_heading: HashMap<String, usize> = HashMap::new();
        for (i, section) in existing.iter().enumerate() {
            by_heading
                .entry(normal(&uppfolj_model::numbering::section_heading(section)))
                .or_insert(i);
        }
        for parsed in parsed {
            let heading = normal(&parsed.heading);
            let index = match by_heading.get(&heading) {
                Some(&found) => found,
                None => {
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
                    let section = Section {
                        key: self.section_keys.fresh(&parsed.heading),
                        label,
                        title,
                        questions: vec![],
                        sections: vec![],
                        retired: false,
                    };
                    by_heading.insert(
                        normal(&uppfolj_model::numbering::section_heading(&section)),
                        existing.len(),
                    );
                    existing.push(section);
                    existing.len() - 1
                }
            };
            let questions = std::mem::take(&mut existing[index].questions);
            existing[index].questions = self.merged(questions, &parsed.questions);
            self.sections(&mut existing[index].sections, &parsed.sections);
        }
    }

    /// A section's questions with those of the report's rows it lacks put in: each new one
    /// after the question before it in the report (or before the next), so that every report
    /// shows its questions in its own order.
    fn merged(&mut self, existing: Vec<Question>, parsed: &[ParsedQuestion]) -> Vec<Question> {
        let mut slot_of: HashMap<String, usize> = HashMap::new();
        for (i, question) in existing.iter().enumerate().filter(|(_, q)| !q.retired) {
            slot_of.entry(normal(&question.text)).or_insert(i);
        }
        let texts: Vec<String> = parsed.iter().map(|q| normal(&q.text)).collect();
        // For each row, where the next row the section already has stands.
        let mut next_known = vec![existing.len(); parsed.len()];
        for i in (0..parsed.len().saturating_sub(1)).rev() {
            next_known[i] = slot_of
                .get(&texts[i + 1])
                .copied()
                .unwrap_or(next_known[i + 1]);
        }
        // New questions by the place they go before: `slot` is an index into `existing`.
        let mut inserted: Vec<(usize, Question)> = Vec::new();
        let mut after: Option<usize> = None;
        for (i, question) in parsed.iter().enumerate() {
            if let Some(&at) = slot_of.get(&texts[i]) {
                after = Some(at);
                continue;
            }
            if !self.known.insert(texts[i].clone()) {
                continue;
            }
            let slot = after.map(|a| a + 1).unwrap_or(next_known[i]);
            inserted.push((slot, self.question(question)));
        }
        inserted.sort_by_key(|(slot, _)| *slot);
        let mut inserted = inserted.into_iter().peekable();
        let mut out = Vec::with_capacity(existing.len() + inserted.len());
        for (i, question) in existing.into_iter().enumerate() {
            while let Some((_, new)) = inserted.next_if(|(slot, _)| *slot <= i) {
                out.push(new);
            }
            out.push(question);
        }
        out.extend(inserted.map(|(_, new)| new));
        out
    }

    /// A new question for a report's row, on the import scale (grown by unknown answers).
    fn question(&mut self, question: &ParsedQuestion) -> Question {
        let scale = self.scale.get_or_insert_with(import_scale);
        if let (Some(answer), ScaleKind::Choice { options }) = (&question.answer, &mut scale.kind) {
            let known = options.iter().any(|o| normal(&o.label) == normal(answer));
            if !known {
                let mut taken = Keys::new(options.iter().map(|o| o.key.to_string()));
                options.push(AnswerOption {
                    key: taken.fresh(answer),
                    label: answer.clone(),
                    neutral: false,
                });
            }
        }
        self.plan
            .created
            .push(format!("frågan «{}»", question.text));
        let key = self.question_keys.fresh(&question.text);
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
        neutral: key == "ej-aktuellt",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_keys_stay_within_the_key_length_as_the_numbers_grow() {
        let mut keys = Keys::new(["a".repeat(62) + "-3"]);
        let long = "a".repeat(80);
        let made: Vec<String> = (0..12).map(|_| keys.fresh(&long).to_string()).collect();
        assert_eq!(made[0], "a".repeat(64));
        assert_eq!(made[1], "a".repeat(62) + "-2");
        assert_eq!(
            made[2],
            "a".repeat(62) + "-4",
            "a key already taken is passed over"
        );
        assert_eq!(made[8], "a".repeat(61) + "-10");
        assert!(made.iter().all(|k| k.len() <= MAX_KEY_LEN));
        let distinct: HashSet<&String> = made.iter().collect();
        assert_eq!(distinct.len(), made.len());
    }
}
