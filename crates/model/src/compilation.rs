//! The city-wide compilation (*sammanställning*) of a round: how the organisations answered,
//! per question, per section and document, and per organisation; what changed since earlier
//! rounds; and what a coordinator should look at before the executive board does.
//!
//! Everything is computed from the round's definitions and the responses handed in; which
//! responses those are (all, or only a published round's) is the caller's decision.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::text::swedish_key;
use crate::{
    AnswerScale, AnswerValue, Document, Entry, Key, Organisation, QuestionRef, ResponseState,
    Round, ScaleKind, number_round, question_numbers,
};

/// Also reachable here, where the compilation applies them; they are defined in
/// [`crate::thresholds`] so that a [`Round`] can carry them without importing the compilation.
pub use crate::thresholds::StatusThresholds;

/// One organisation's response, as the compilation reads it.
#[derive(Clone, Debug)]
pub struct ResponseData {
    pub organisation: Key,
    pub state: ResponseState,
    pub answers: AnswersByQuestion,
}

/// A response's answers by question. A compilation looks answers up a few hundred thousand
/// times, so the map uses a fast non-cryptographic hash; its keys are the city's own data.
pub type AnswersByQuestion = HashMap<QuestionRef, Given, rustc_hash::FxBuildHasher>;

/// An answer as far as a compilation cares: what was answered and said, not who saved it when.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    pub value: Option<AnswerValue>,
    pub comment: String,
    /// The comment is not for publication.
    pub withheld: bool,
}

impl ResponseData {
    /// What may be published of a response: nothing of a draft (only submitted and accepted
    /// answers are the organisation's word), and no withheld comment's text.
    pub fn published(&self) -> ResponseData {
        let answers = if self.state.is_submitted() {
            self.answers
                .iter()
                .map(|(question, given)| {
                    // A withheld comment leaves only the mark that there was one.
                    let withheld = given.withheld && !given.comment.trim().is_empty();
                    let comment = if withheld {
                        String::new()
                    } else {
                        given.comment.clone()
                    };
                    let given = Given {
                        value: given.value.clone(),
                        comment,
                        withheld,
                    };
                    (question.clone(), given)
                })
                .collect()
        } else {
            AnswersByQuestion::default()
        };
        ResponseData {
            organisation: self.organisation.clone(),
            state: self.state,
            answers,
        }
    }
}

/// Who a compilation is made for. The public (and readers, and respondents) see the published
/// version; coordinators see every answer, every comment and the quality flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Coordinators,
    Public,
}

/// An earlier round, for the trend: its answers per organisation.
#[derive(Clone, Debug)]
pub struct EarlierRound {
    pub name: String,
    pub year: i32,
    pub responses: Vec<ResponseData>,
}

/// A part's status, told in words as well as by colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Green,
    Yellow,
    Red,
    /// Nothing answered yet.
    None,
    /// Answered, but too few organisations have submitted for a colour to mean anything
    /// ([`StatusThresholds::submitted`]).
    Pending,
}

impl Status {
    /// What the status means, for people who do not see the colour.
    pub fn label(self) -> &'static str {
        match self {
            Status::Green => "Grön: i huvudsak uppfyllt",
            Status::Yellow => "Gul: delvis uppfyllt",
            Status::Red => "Röd: i huvudsak inte uppfyllt",
            Status::None => "Inga svar ännu",
            Status::Pending => "Visas när fler har skickat in",
        }
    }
}

/// How often each answer was given.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Assignments counted: an organisation asked a question counts once per question.
    pub assigned: usize,
    pub answered: usize,
    /// Answers per option, in the scale's order (an organisation's: the options it gave, in the
    /// order first given); free-text and number answers count as answered only.
    pub options: Vec<OptionCount>,
    /// Answered with the positive option (a choice scale's first).
    pub positive: usize,
}

impl Tally {
    /// The positive option's share of the choice answers that take a side (neutral ones, such
    /// as *Ej aktuellt*, are left out), if any were given.
    pub fn positive_share(&self) -> Option<f64> {
        let chosen: usize = self
            .options
            .iter()
            .filter(|o| !o.neutral)
            .map(|o| o.count)
            .sum();
        (chosen > 0).then(|| self.positive as f64 / chosen as f64)
    }

    /// Counts one answer with `option`, adding the option where this tally lacks it.
    fn count(&mut self, option: &OptionCount) {
        match self.options.iter_mut().find(|o| o.key == option.key) {
            Some(mine) => mine.count += 1,
            None => self.options.push(OptionCount {
                count: 1,
                ..option.clone()
            }),
        }
    }

    /// Adds `other`'s counts, option by option.
    pub(crate) fn add(&mut self, other: &Tally) {
        self.assigned += other.assigned;
        self.answered += other.answered;
        self.positive += other.positive;
        for option in &other.options {
            match self.options.iter_mut().find(|o| o.key == option.key) {
                Some(mine) => mine.count += option.count,
                None => self.options.push(option.clone()),
            }
        }
    }
}

/// One answer option and how many gave it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptionCount {
    pub key: Key,
    pub label: String,
    pub count: usize,
    /// A neutral option (*Ej aktuellt*): not in the positive share's denominator.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub neutral: bool,
}

/// One question across the organisations asked it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionSummary {
    pub question: QuestionRef,
    /// The number of the section it stands under.
    pub section: String,
    /// The question's own number, as every view of the round shows it (`1.2.1 a`).
    pub number: String,
    pub text: String,
    pub tally: Tally,
    /// Per option, the organisations that gave it (names, in Swedish order).
    pub by_option: Vec<(String, Vec<String>)>,
    pub comments: Vec<Comment>,
}

/// A comment with whose it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comment {
    pub organisation: String,
    /// The answer the comment goes with, as people read it; `None` when unanswered.
    pub answer: Option<String>,
    /// Empty in a published compilation when the comment is withheld.
    pub text: String,
    /// Not for publication: coordinators see the text marked so, the public only that a comment
    /// was withheld.
    pub withheld: bool,
}

impl Comment {
    /// The comment as shown: a withheld comment's text marked as not for publication, or, where
    /// its text was left out, a note that there was one.
    pub fn shown(&self) -> String {
        match (self.withheld, self.text.is_empty()) {
            (true, true) => "Kommentaren är undanhållen från publicering.".into(),
            (true, false) => format!("(Ej för publicering) {}", self.text),
            (false, _) => self.text.clone(),
        }
    }
}

/// A document (level 1) or section with the roll-up of every question under it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartSummary {
    pub number: String,
    pub level: usize,
    pub heading: String,
    pub tally: Tally,
    pub status: Status,
    /// The organisations with the most answers other than the positive one, most first (at most
    /// five, only those with at least one).
    pub most_negative: Vec<(String, usize)>,
}

/// One organisation across the round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrganisationSummary {
    pub key: Key,
    pub name: String,
    pub state: ResponseState,
    pub tally: Tally,
}

/// Something a coordinator should look at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    pub organisation: String,
    /// `None` for a flag on the whole response.
    pub question: Option<String>,
    pub kind: FlagKind,
}

/// The kinds of [`Flag`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// An answer other than the positive one, without a comment.
    NegativeWithoutComment,
    /// A comment on a question left unanswered.
    CommentWithoutAnswer,
    /// The same answer and word-for-word the same comment three rounds running.
    UnchangedThreeRounds,
    /// The response was never submitted.
    NeverSubmitted,
}

impl FlagKind {
    /// What the flag says, in Swedish.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::NegativeWithoutComment => "Svar som inte är det positiva, utan kommentar",
            FlagKind::CommentWithoutAnswer => "Kommentar till en obesvarad fråga",
            FlagKind::UnchangedThreeRounds => {
                "Samma svar och ordagrant samma kommentar tre omgångar i rad"
            }
            FlagKind::NeverSubmitted => "Svaret har aldrig skickats in",
        }
    }
}

/// One question across this and earlier rounds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionTrend {
    pub question: QuestionRef,
    pub text: String,
    /// Per round, oldest first: the round's name and year, and each option's share of the
    /// answers given (0–1), in the scale's order.
    pub years: Vec<TrendPoint>,
    /// Organisations whose answer differs from the previous round's.
    pub changes: Vec<AnswerChangeSince>,
}

/// One round of a [`QuestionTrend`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    pub round: String,
    pub year: i32,
    pub answered: usize,
    pub shares: Vec<(String, f64)>,
}

/// An organisation's answer that changed since the previous round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnswerChangeSince {
    pub organisation: String,
    pub before: String,
    pub after: String,
    /// From the positive answer to another: the change to look at first (*Ja → Nej*).
    pub worse: bool,
}

/// The whole compilation, in the order a reader takes it in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Compilation {
    pub round: String,
    pub year: i32,
    pub thresholds: StatusThresholds,
    /// The share of the organisations asked that have submitted; below
    /// [`StatusThresholds::submitted`] the parts' statuses are [`Status::Pending`].
    pub submitted_share: f64,
    /// Over every question of the round.
    pub total: Tally,
    pub parts: Vec<PartSummary>,
    pub questions: Vec<QuestionSummary>,
    pub organisations: Vec<OrganisationSummary>,
    pub flags: Vec<Flag>,
    pub trend: Vec<QuestionTrend>,
    /// The central office's assessments of the round's documents, added after compiling (see
    /// [`crate::assessment::summaries`]): they are stored apart from the answers.
    pub assessments: Vec<AssessmentSummary>,
    pub audience: Audience,
}

/// The central office's assessment of a strategy or goal area, as the compilation lists it
/// beside the counts: the level in words as well as by key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssessmentSummary {
    pub document: Key,
    /// The question (strategy) or section (goal area) assessed.
    pub subject: Key,
    pub level: Key,
    pub label: String,
    pub motivation: String,
}

/// What a compilation is made from.
#[derive(Clone, Copy)]
pub struct CompilationInput<'a> {
    pub round: &'a Round,
    /// The round's documents, in its order.
    pub documents: &'a [&'a Document],
    pub scales: &'a [AnswerScale],
    /// Every organisation that the responses or the round's targeting name.
    pub organisations: &'a [Organisation],
    pub responses: &'a [ResponseData],
    /// Earlier rounds, oldest first.
    pub earlier: &'a [EarlierRound],
    pub audience: Audience,
    /// The day it is compiled: a response is flagged as never submitted only once the round's
    /// last day to answer has passed, not while it is still being written.
    pub today: time::Date,
}

/// Compiles a round. An organisation counts for a question when the round assigns it the
/// question (active organisations), or when it answered it anyway (a round imported from a
/// report, or an organisation made inactive since).
///
/// For the public it counts only what may be published ([`ResponseData::published`]), in this
/// round and the earlier ones, and leaves out the quality flags, which are the coordinators'.
pub fn compile(input: &CompilationInput<'_>) -> Compilation {
    match input.audience {
        Audience::Coordinators => compile_visible(input),
        Audience::Public => {
            let responses: Vec<ResponseData> = input
                .responses
                .iter()
                .map(ResponseData::published)
                .collect();
            let earlier: Vec<EarlierRound> = input
                .earlier
                .iter()
                .map(|r| EarlierRound {
                    name: r.name.clone(),
                    year: r.year,
                    responses: r.responses.iter().map(ResponseData::published).collect(),
                })
                .collect();
            let mut compilation = compile_visible(&CompilationInput {
                responses: &responses,
                earlier: &earlier,
                ..*input
            });
            compilation.flags.clear();
            compilation
        }
    }
}

/// Compiles every answer in `input`.
fn compile_visible(input: &CompilationInput<'_>) -> Compilation {
    let scales: HashMap<&Key, &AnswerScale> = input.scales.iter().map(|s| (&s.key, s)).collect();
    let mut organisations: Vec<&Organisation> = input.organisations.iter().collect();
    organisations.sort_by_cached_key(|o| swedish_key(&o.name));
    let responses: HashMap<&Key, &ResponseData> = input
        .responses
        .iter()
        .map(|r| (&r.organisation, r))
        .collect();
    // Per organisation, in the sorted order: its response, and its tally once asked anything.
    let their_responses: Vec<Option<&ResponseData>> = organisations
        .iter()
        .map(|o| responses.get(&o.key).copied())
        .collect();
    let mut per_organisation: Vec<Option<Tally>> = vec![None; organisations.len()];

    let mut parts: Vec<PartSummary> = Vec::new();
    let mut negatives: Vec<BTreeMap<String, usize>> = Vec::new();
    let mut questions = Vec::new();
    let mut flags = Vec::new();
    let mut numbers = question_numbers(input.documents);
    for entry in number_round(input.documents, |_| true) {
        match entry {
            Entry::Heading(heading) => {
                parts.push(PartSummary {
                    number: heading.number,
                    level: heading.level,
                    heading: heading.text,
                    tally: Tally::default(),
                    status: Status::None,
                    most_negative: vec![],
                });
                negatives.push(BTreeMap::new());
            }
            Entry::Question {
                reference,
                question,
            } => {
                let scale = scales.get(&question.scale).copied();
                let section = parts.last().map(|p| p.number.clone()).unwrap_or_default();
                let above: Vec<usize> = parts
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| reference_under(&section, &p.number))
                    .map(|(i, _)| i)
                    .collect();
                let mut summary = QuestionSummary {
                    number: numbers.remove(&reference).unwrap_or_default(),
                    question: reference.clone(),
                    section,
                    text: question.text.clone(),
                    tally: empty_tally(scale),
                    by_option: vec![],
                    comments: vec![],
                };
                let mut givers: Vec<Vec<String>> = vec![vec![]; summary.tally.options.len()];
                for (o, organisation) in organisations.iter().enumerate() {
                    let answer = their_responses[o].and_then(|r| r.answers.get(&reference));
                    let asked = answer.is_some()
                        || (organisation.active
                            && input.round.is_assigned(&reference, organisation));
                    if !asked {
                        continue;
                    }
                    let theirs = per_organisation[o].get_or_insert_with(Tally::default);
                    summary.tally.assigned += 1;
                    theirs.assigned += 1;
                    let value = answer.and_then(|a| a.value.as_ref());
                    let comment = answer.map_or("", |a| a.comment.trim());
                    let withheld = answer.is_some_and(|a| a.withheld);
                    if let Some(value) = value {
                        summary.tally.answered += 1;
                        theirs.answered += 1;
                        if let AnswerValue::Choice(key) = value
                            && let Some(i) =
                                summary.tally.options.iter().position(|o| &o.key == key)
                        {
                            let option = &mut summary.tally.options[i];
                            option.count += 1;
                            theirs.count(option);
                            givers[i].push(organisation.name.clone());
                            if i == 0 {
                                summary.tally.positive += 1;
                                theirs.positive += 1;
                            } else if !option.neutral {
                                for &i in &above {
                                    *negatives[i].entry(organisation.name.clone()).or_default() +=
                                        1;
                                }
                                if comment.is_empty() {
                                    flags.push(Flag {
                                        organisation: organisation.name.clone(),
                                        question: Some(question.text.clone()),
                                        kind: FlagKind::NegativeWithoutComment,
                                    });
                                }
                            }
                        }
                    } else if !comment.is_empty() {
                        flags.push(Flag {
                            organisation: organisation.name.clone(),
                            question: Some(question.text.clone()),
                            kind: FlagKind::CommentWithoutAnswer,
                        });
                    }
                    if !comment.is_empty() || withheld {
                        summary.comments.push(Comment {
                            organisation: organisation.name.clone(),
                            answer: value.map(|v| display(scale, v)),
                            text: comment.to_owned(),
                            withheld,
                        });
                    }
                }
                for &i in &above {
                    parts[i].tally.add(&summary.tally);
                }
                summary.by_option = summary
                    .tally
                    .options
                    .iter()
                    .map(|o| o.label.clone())
                    .zip(givers)
                    .collect();
                // A question the round asked of nobody is not part of its compilation.
                if summary.tally.assigned > 0 {
                    questions.push(summary);
                }
            }
        }
    }
    for (part, counts) in parts.iter_mut().zip(negatives) {
        part.status = status(&part.tally, input.round.thresholds);
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by_cached_key(|(name, n)| (std::cmp::Reverse(*n), swedish_key(name)));
        ranked.truncate(5);
        part.most_negative = ranked;
    }
    let mut total = Tally::default();
    for part in parts.iter().filter(|p| p.level == 1) {
        total.add(&part.tally);
    }

    let organisations: Vec<OrganisationSummary> = organisations
        .iter()
        .zip(per_organisation)
        .filter_map(|(o, tally)| {
            let tally = tally?;
            let state = responses
                .get(&o.key)
                .map_or(ResponseState::NotStarted, |r| r.state);
            Some(OrganisationSummary {
                key: o.key.clone(),
                name: o.name.clone(),
                state,
                tally,
            })
        })
        .collect();
    for organisation in &organisations {
        if input.today > input.round.closes_for(&organisation.key)
            && matches!(
                organisation.state,
                ResponseState::NotStarted | ResponseState::Draft
            )
        {
            flags.push(Flag {
                organisation: organisation.name.clone(),
                question: None,
                kind: FlagKind::NeverSubmitted,
            });
        }
    }
    let submitted_share = if organisations.is_empty() {
        0.0
    } else {
        organisations
            .iter()
            .filter(|o| o.state.is_submitted())
            .count() as f64
            / organisations.len() as f64
    };
    if submitted_share < input.round.thresholds.submitted {
        for part in parts.iter_mut().filter(|p| p.status != Status::None) {
            part.status = Status::Pending;
        }
    }
    let trend = trend(input, &questions, &scales, &mut flags);
    Compilation {
        round: input.round.name.clone(),
        year: input.round.year,
        thresholds: input.round.thresholds,
        submitted_share,
        total,
        parts,
        questions,
        organisations,
        flags,
        trend,
        assessments: Vec::new(),
        audience: input.audience,
    }
}

/// Whether a question under section `section` counts for part `part`: the part itself or one of
/// its ancestors.
fn reference_under(section: &str, part: &str) -> bool {
    section == part || section.starts_with(&format!("{part}."))
}

fn empty_tally(scale: Option<&AnswerScale>) -> Tally {
    let options = match scale.map(|s| &s.kind) {
        Some(ScaleKind::Choice { options }) => options
            .iter()
            .map(|o| OptionCount {
                key: o.key.clone(),
                label: o.label.clone(),
                count: 0,
                neutral: o.neutral,
            })
            .collect(),
        _ => vec![],
    };
    Tally {
        options,
        ..Tally::default()
    }
}

fn display(scale: Option<&AnswerScale>, value: &AnswerValue) -> String {
    scale.map_or_else(|| value.to_string(), |s| s.display(value))
}

fn status(tally: &Tally, thresholds: StatusThresholds) -> Status {
    match tally.positive_share() {
        None => Status::None,
        Some(share) if share >= thresholds.green => Status::Green,
        Some(share) if share >= thresholds.yellow => Status::Yellow,
        Some(_) => Status::Red,
    }
}

/// The trend of every question of this round that earlier rounds asked too (the same question
/// reference), and the answers unchanged three rounds running.
fn trend(
    input: &CompilationInput<'_>,
    questions: &[QuestionSummary],
    scales: &HashMap<&Key, &AnswerScale>,
    flags: &mut Vec<Flag>,
) -> Vec<QuestionTrend> {
    if input.earlier.is_empty() {
        return vec![];
    }
    let names: HashMap<&Key, &str> = input
        .organisations
        .iter()
        .map(|o| (&o.key, o.name.as_str()))
        .collect();
    let name = |key: &Key| names.get(key).map_or(key.as_str(), |n| n).to_owned();
    let rounds: Vec<(&str, i32, &[ResponseData])> = input
        .earlier
        .iter()
        .map(|r| (r.name.as_str(), r.year, r.responses.as_slice()))
        .chain([(input.round.name.as_str(), input.round.year, input.responses)])
        .collect();
    let by_organisation: Vec<HashMap<&Key, &ResponseData>> = rounds
        .iter()
        .map(|(_, _, responses)| responses.iter().map(|r| (&r.organisation, r)).collect())
        .collect();
    let mut out = Vec::new();
    for summary in questions {
        let scale = input
            .documents
            .iter()
            .find(|d| d.key == summary.question.document)
            .and_then(|d| d.question(&summary.question.question))
            .and_then(|q| scales.get(&q.scale).copied());
        let given_in = |round: usize, organisation: &Key| {
            by_organisation[round]
                .get(organisation)
                .and_then(|r| r.answers.get(&summary.question))
        };
        let asked_before = rounds[..rounds.len() - 1].iter().any(|(_, _, responses)| {
            responses
                .iter()
                .any(|r| r.answers.contains_key(&summary.question))
        });
        if !asked_before {
            continue;
        }
        let options = &summary.tally.options;
        let positive = options.first().map(|o| AnswerValue::Choice(o.key.clone()));
        let years = rounds
            .iter()
            .map(|(round, year, responses)| {
                let mut counts = vec![0usize; options.len()];
                let mut answered = 0;
                for response in responses.iter() {
                    let Some(value) = response
                        .answers
                        .get(&summary.question)
                        .and_then(|g| g.value.as_ref())
                    else {
                        continue;
                    };
                    answered += 1;
                    if let AnswerValue::Choice(key) = value
                        && let Some(i) = options.iter().position(|o| &o.key == key)
                    {
                        counts[i] += 1;
                    }
                }
                let shares = options
                    .iter()
                    .zip(counts)
                    .map(|(option, count)| {
                        let share = if answered == 0 {
                            0.0
                        } else {
                            count as f64 / answered as f64
                        };
                        (option.label.clone(), share)
                    })
                    .collect();
                TrendPoint {
                    round: (*round).to_owned(),
                    year: *year,
                    answered,
                    shares,
                }
            })
            .collect();
        let current = rounds.len() - 1;
        let mut changes = Vec::new();
        for response in input.responses {
            let organisation = &response.organisation;
            let now = given_in(current, organisation).and_then(|g| g.value.as_ref());
            let was = given_in(current - 1, organisation).and_then(|g| g.value.as_ref());
            if let (Some(was), Some(now)) = (was, now)
                && was != now
            {
                changes.push(AnswerChangeSince {
                    organisation: name(organisation),
                    before: display(scale, was),
                    after: display(scale, now),
                    worse: positive.as_ref() == Some(was),
                });
            }
        }
        changes.sort_by_cached_key(|c| (!c.worse, swedish_key(&c.organisation)));
        let same =
            |a: &Given, b: &Given| a.value == b.value && a.comment.trim() == b.comment.trim();
        for response in input.responses.iter().filter(|_| current >= 2) {
            let organisation = &response.organisation;
            let Some(now) = given_in(current, organisation) else {
                continue;
            };
            let unchanged = (1..=2).all(|back| {
                given_in(current - back, organisation).is_some_and(|before| same(before, now))
            });
            if now.value.is_some() && !now.comment.trim().is_empty() && unchanged {
                flags.push(Flag {
                    organisation: name(organisation),
                    question: Some(summary.text.clone()),
                    kind: FlagKind::UnchangedThreeRounds,
                });
            }
        }
        out.push(QuestionTrend {
            question: summary.question.clone(),
            text: summary.text.clone(),
            years,
            changes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganisationKind;
    use crate::document::tests::{document, key, question, section};
    use crate::round::tests::{org, round};
    use crate::scale::tests::choice;

    fn answer(q: &str, value: Option<&str>, comment: &str) -> (QuestionRef, Given) {
        let reference = QuestionRef {
            document: key("d"),
            question: key(q),
        };
        let given = Given {
            value: value.map(|v| AnswerValue::Choice(key(v))),
            comment: comment.into(),
            withheld: false,
        };
        (reference, given)
    }

    fn response(
        organisation: &str,
        state: ResponseState,
        answers: &[(&str, Option<&str>, &str)],
    ) -> ResponseData {
        ResponseData {
            organisation: key(organisation),
            state,
            answers: answers.iter().map(|(q, v, c)| answer(q, *v, c)).collect(),
        }
    }

    /// Document d: section s1 with questions a and b, section s2 with c and s3 without questions.
    fn setting() -> (Document, Vec<AnswerScale>, Vec<Organisation>) {
        let doc = document(
            "d",
            vec![
                section("s1", None, vec![question("a"), question("b")], vec![]),
                section("s2", None, vec![question("c")], vec![]),
                section("s3", None, vec![], vec![]),
            ],
        );
        let scales = vec![choice("ja-nej", &[("ja", "Ja"), ("nej", "Nej")])];
        let organisations = vec![
            org("x", OrganisationKind::Namnd),
            org("y", OrganisationKind::Namnd),
            org("z", OrganisationKind::Bolag),
        ];
        (doc, scales, organisations)
    }

    #[test]
    fn a_neutral_answer_is_shown_but_neither_lowers_the_share_nor_is_flagged() {
        let (doc, _, organisations) = setting();
        let scales = vec![choice(
            "ja-nej",
            &[("ja", "Ja"), ("nej", "Nej"), ("ej-aktuellt", "Ej aktuellt")],
        )];
        let responses = vec![
            response(
                "x",
                ResponseState::Submitted,
                &[("a", Some("ja"), ""), ("b", Some("ej-aktuellt"), "")],
            ),
            response(
                "y",
                ResponseState::Submitted,
                &[("a", Some("ja"), ""), ("b", Some("ja"), "")],
            ),
            response(
                "z",
                ResponseState::Submitted,
                &[("a", Some("ej-aktuellt"), "")],
            ),
        ];
        let round = round(vec![]);
        let c = compile(&CompilationInput {
            round: &round,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &[],
            audience: Audience::Coordinators,
            today: round.opens,
        });
        let a = &c.questions[0].tally;
        assert_eq!((a.answered, a.positive), (3, 2));
        assert_eq!(a.options[2].count, 1, "the neutral answer is shown");
        assert_eq!(
            a.positive_share(),
            Some(1.0),
            "two Ja of two that take a side"
        );
        assert!(c.flags.is_empty(), "{:?}", c.flags);
    }

    #[test]
    fn questions_parts_and_organisations_are_tallied_with_status_and_flags() {
        let (doc, scales, organisations) = setting();
        let responses = vec![
            response(
                "x",
                ResponseState::Submitted,
                &[
                    ("a", Some("ja"), ""),
                    ("b", Some("nej"), "Ingen budget."),
                    ("c", Some("ja"), ""),
                ],
            ),
            response(
                "y",
                ResponseState::Draft,
                &[("a", Some("nej"), ""), ("c", None, "Vet inte.")],
            ),
        ];
        let mut round = round(vec![]);
        // Statuses shown whoever has submitted; hiding them is pinned down on its own below.
        round.thresholds.submitted = 0.0;
        let c = compile(&CompilationInput {
            round: &round,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &[],
            audience: Audience::Coordinators,
            today: time::macros::date!(2026 - 12 - 05),
        });
        let a = &c.questions[0];
        assert_eq!((a.tally.assigned, a.tally.answered), (3, 2));
        assert_eq!(
            a.by_option,
            [
                ("Ja".to_owned(), vec!["X".to_owned()]),
                ("Nej".to_owned(), vec!["Y".to_owned()])
            ]
        );
        let parts: Vec<(&str, usize, usize, Status)> = c
            .parts
            .iter()
            .map(|p| {
                (
                    p.number.as_str(),
                    p.tally.answered,
                    p.tally.positive,
                    p.status,
                )
            })
            .collect();
        assert_eq!(
            parts,
            [
                ("1", 4, 2, Status::Yellow),
                ("1.1", 3, 1, Status::Red),
                ("1.2", 1, 1, Status::Green),
                ("1.3", 0, 0, Status::None),
            ]
        );
        assert_eq!(c.parts[1].most_negative, [("X".into(), 1), ("Y".into(), 1)]);
        assert_eq!((c.total.assigned, c.total.answered), (9, 4));
        let states: Vec<(&str, ResponseState, usize)> = c
            .organisations
            .iter()
            .map(|o| (o.name.as_str(), o.state, o.tally.answered))
            .collect();
        assert_eq!(
            states,
            [
                ("X", ResponseState::Submitted, 3),
                ("Y", ResponseState::Draft, 1),
                ("Z", ResponseState::NotStarted, 0)
            ]
        );
        let flags: Vec<(&str, FlagKind)> = c
            .flags
            .iter()
            .map(|f| (f.organisation.as_str(), f.kind))
            .collect();
        assert_eq!(
            flags,
            [
                ("Y", FlagKind::NegativeWithoutComment),
                ("Y", FlagKind::CommentWithoutAnswer),
                ("Y", FlagKind::NeverSubmitted),
                ("Z", FlagKind::NeverSubmitted),
            ]
        );
        assert!(c.trend.is_empty());
        let on_the_last_day = compile(&CompilationInput {
            round: &round,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &[],
            audience: Audience::Coordinators,
            today: round.closes,
        });
        assert!(
            on_the_last_day
                .flags
                .iter()
                .all(|f| f.kind != FlagKind::NeverSubmitted),
            "a response still being written is not flagged before the deadline has passed"
        );
        let mut extended = round.clone();
        extended.extensions = vec![crate::Extension {
            organisation: Key::parse("z").unwrap(),
            closes: round.closes + time::Duration::days(14),
        }];
        let a_week_late = compile(&CompilationInput {
            round: &extended,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &[],
            audience: Audience::Coordinators,
            today: round.closes + time::Duration::days(7),
        });
        let never: Vec<&str> = a_week_late
            .flags
            .iter()
            .filter(|f| f.kind == FlagKind::NeverSubmitted)
            .map(|f| f.organisation.as_str())
            .collect();
        assert_eq!(never, ["Y"], "Z's extended last day has not passed");
    }

    #[test]
    fn the_trend_shows_shares_per_year_flags_worse_answers_and_three_unchanged_rounds() {
        let (doc, scales, organisations) = setting();
        let earlier = |year: i32, answers: &[(&str, Option<&str>, &str)]| EarlierRound {
            name: format!("Uppföljning {year}"),
            year,
            responses: vec![response("x", ResponseState::Accepted, answers)],
        };
        let rounds = [
            earlier(
                2023,
                &[("a", Some("ja"), "Som förut."), ("b", Some("ja"), "")],
            ),
            earlier(
                2024,
                &[("a", Some("ja"), "Som förut."), ("b", Some("ja"), "")],
            ),
        ];
        let responses = vec![response(
            "x",
            ResponseState::Submitted,
            &[
                ("a", Some("ja"), "Som förut."),
                ("b", Some("nej"), "Pengarna tog slut."),
            ],
        )];
        let round = round(vec![]);
        let c = compile(&CompilationInput {
            round: &round,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &rounds,
            audience: Audience::Coordinators,
            today: time::macros::date!(2026 - 12 - 05),
        });
        assert_eq!(c.trend.len(), 2, "c was never asked before");
        let b = &c.trend[1];
        let years: Vec<(i32, Vec<f64>)> = b
            .years
            .iter()
            .map(|y| (y.year, y.shares.iter().map(|s| s.1).collect()))
            .collect();
        assert_eq!(
            years,
            [
                (2023, vec![1.0, 0.0]),
                (2024, vec![1.0, 0.0]),
                (2025, vec![0.0, 1.0])
            ]
        );
        assert_eq!(
            b.changes,
            [AnswerChangeSince {
                organisation: "X".into(),
                before: "Ja".into(),
                after: "Nej".into(),
                worse: true
            }]
        );
        assert!(c.flags.contains(&Flag {
            organisation: "X".into(),
            question: Some("Fråga a?".into()),
            kind: FlagKind::UnchangedThreeRounds,
        }));
    }

    #[test]
    fn the_public_sees_submitted_answers_only_without_withheld_comments_or_flags() {
        let (doc, scales, organisations) = setting();
        let mut x = response(
            "x",
            ResponseState::Submitted,
            &[
                ("a", Some("ja"), ""),
                ("b", Some("nej"), "Rör en säkerhetsfråga."),
                ("c", Some("ja"), "Klart i år."),
            ],
        );
        let b = QuestionRef {
            document: key("d"),
            question: key("b"),
        };
        x.answers.get_mut(&b).unwrap().withheld = true;
        let y = response(
            "y",
            ResponseState::Draft,
            &[("a", Some("nej"), ""), ("c", None, "Vet inte.")],
        );
        let responses = vec![x, y];
        let round = round(vec![]);
        let input = CompilationInput {
            round: &round,
            documents: &[&doc],
            scales: &scales,
            organisations: &organisations,
            responses: &responses,
            earlier: &[],
            audience: Audience::Public,
            today: time::macros::date!(2026 - 12 - 05),
        };
        let public = compile(&input);
        let a = &public.questions[0];
        assert_eq!(
            (a.tally.assigned, a.tally.answered),
            (3, 1),
            "Y's draft is left out"
        );
        let comments = |c: &Compilation, i: usize| -> Vec<(String, String, bool)> {
            c.questions[i]
                .comments
                .iter()
                .map(|c| (c.organisation.clone(), c.text.clone(), c.withheld))
                .collect()
        };
        assert_eq!(comments(&public, 1), [("X".into(), String::new(), true)]);
        assert_eq!(
            comments(&public, 2),
            [("X".into(), "Klart i år.".into(), false)]
        );
        assert!(
            public.flags.is_empty(),
            "quality flags are the coordinators'"
        );
        assert_eq!(public.audience, Audience::Public);

        let internal = compile(&CompilationInput {
            audience: Audience::Coordinators,
            today: time::macros::date!(2026 - 12 - 05),
            ..input
        });
        assert_eq!(
            comments(&internal, 1),
            [("X".into(), "Rör en säkerhetsfråga.".into(), true)]
        );
        assert_eq!(internal.questions[0].tally.answered, 2);
        assert!(!internal.flags.is_empty());
    }

    #[test]
    fn each_round_sets_its_own_status_thresholds() {
        let (doc, scales, organisations) = setting();
        let responses = vec![response(
            "x",
            ResponseState::Submitted,
            &[("a", Some("ja"), ""), ("b", Some("nej"), "Nej.")],
        )];
        let mut round = round(vec![]);
        let status_of_1_1 = |round: &Round| {
            compile(&CompilationInput {
                round,
                documents: &[&doc],
                scales: &scales,
                organisations: &organisations,
                responses: &responses,
                earlier: &[],
                audience: Audience::Coordinators,
                today: time::macros::date!(2026 - 12 - 05),
            })
            .parts[1]
                .status
        };
        assert_eq!(
            status_of_1_1(&round),
            Status::Pending,
            "one of three organisations submitted, below the default half"
        );
        round.thresholds = StatusThresholds::new(0.75, 0.5, 1.0 / 3.0).unwrap();
        assert_eq!(
            status_of_1_1(&round),
            Status::Yellow,
            "half Ja, 75 % / 50 %, shown once a third has submitted"
        );
        round.thresholds = StatusThresholds::new(0.5, 0.25, 0.0).unwrap();
        assert_eq!(status_of_1_1(&round), Status::Green);
        round.thresholds = StatusThresholds::new(0.9, 0.6, 0.0).unwrap();
        assert_eq!(status_of_1_1(&round), Status::Red);
        assert!(
            StatusThresholds::new(0.5, 0.6, 0.5)
                .unwrap_err()
                .contains("gul")
        );
        assert!(StatusThresholds::new(1.5, 0.6, 0.5).is_err());
        assert!(
            StatusThresholds::new(0.75, 0.5, 1.5)
                .unwrap_err()
                .contains("inskickade")
        );
    }
}
