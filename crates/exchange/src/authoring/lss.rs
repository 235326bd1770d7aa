//! LimeSurvey survey structure files (.lss), the XML that *Export survey structure* writes, in
//! the 3.x layout (texts inline in `questions`, `groups` and `answers`, one row per language) and
//! the 4.x–6.x layout (texts in `question_l10ns`, `group_l10ns` and `answer_l10ns`). Only the
//! survey's base language (`surveys.language`) is read.
//!
//! What maps:
//! - the survey title (`surveyls_title`) → the document's title and key; the document is a
//!   [`DocumentKind::Program`] without a report heading. Its period runs from the year of the
//!   survey's start date (`startdate`) to the year of its expiry date (`expires`); a survey
//!   with neither is given the current year;
//! - question groups, in `group_order` → top-level sections titled by the group name;
//! - list questions (`L`, `!`, `O`) → a question on a choice scale of their answer options
//!   (key from the code, label from the text; *Ej aktuellt*, *Vet ej* and the like are made
//!   neutral), yes/no (`Y`) → options *Ja* and *Nej*; questions with the same options share one
//!   scale, keyed and named by the labels («ja-nej», «Ja / Nej»);
//! - a free text question (`T`, `U`, `S`) right after a list question in the same group, coded
//!   as its comment (the list's code plus *kommentar*, *comment*, *K* …, a text that begins
//!   *Kommentar*, or a condition on the list's answers) → that question's comment rule:
//!   optional, required when mandatory, or required for the answers its condition names;
//!   `O`'s own comment field is an optional comment;
//! - other free text questions → the scale «fritext», numerical input (`N`) → the scale «tal»
//!   (unit from the question's `suffix` attribute, else *st*);
//! - question codes (`title`) → question keys; help texts → guidance paragraphs; HTML is
//!   reduced to plain text.
//!
//! What does not: group descriptions, the follow-up comment question's own text and help,
//! conditions (relevance) other than a comment's, mandatory flags on other questions, other
//! languages, and every other question type (arrays, multiple choice, ranking, dates, equations,
//! text displays, uploads …), which are reported as problems, as are lists with an *Other*
//! field or with fewer than two options.

use std::collections::{HashMap, HashSet};

use uppfolj_model::{
    AnswerOption, CommentRule, Document, DocumentKind, Key, Period, Question, Section,
};

use super::set::{Problem, QuestionSet, Scales, fallback_key, unique};

/// Reads a LimeSurvey survey structure file (.lss) into a steering document and its scales, or
/// returns every problem found, each placed by the survey's element (question code, qid, type)
/// or, for XML that does not parse, by line and column.
pub fn read(text: &str) -> Result<QuestionSet, Vec<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let xml = roxmltree::Document::parse(text).map_err(|e| vec![xml_problem(text, &e)])?;
    let root = xml.root_element();
    let doc_type = child(root, "LimeSurveyDocType").map(|n| element_text(n).trim().to_owned());
    if root.tag_name().name() != "document" || doc_type.as_deref() != Some("Survey") {
        let message = match doc_type.as_deref() {
            Some("Question") => {
                "filen är en exporterad LimeSurvey-fråga (.lsq), inte en enkät; exportera hela \
                 enkätens struktur (.lss)"
            }
            Some("Group") => {
                "filen är en exporterad LimeSurvey-frågegrupp (.lsg), inte en enkät; exportera \
                 hela enkätens struktur (.lss)"
            }
            _ => "filen är inte en LimeSurvey-enkät (.lss)",
        };
        return Err(vec![Problem::new("", message)]);
    }
    Survey::new(root).build(current_year())
}

fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

// ---------------------------------------------------------------------------------------------
// The tables of the file
// ---------------------------------------------------------------------------------------------

/// One `<row>` of a table: column name → text.
#[derive(Default)]
struct Row(HashMap<String, String>);

impl Row {
    fn get(&self, column: &str) -> Option<&str> {
        self.0.get(column).map(String::as_str)
    }

    /// A column's value, trimmed; empty when missing.
    fn id(&self, column: &str) -> &str {
        self.get(column).map_or("", str::trim)
    }
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// All text inside an element, CDATA included.
fn element_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The rows of `<name><rows><row>…</row></rows></name>`; none when the table is missing.
fn table(root: roxmltree::Node<'_, '_>, name: &str) -> Vec<Row> {
    let Some(rows) = child(root, name).and_then(|t| child(t, "rows")) else {
        return Vec::new();
    };
    rows.children()
        .filter(|n| n.is_element() && n.tag_name().name() == "row")
        .map(|row| {
            Row(row
                .children()
                .filter(|c| c.is_element())
                .map(|c| (c.tag_name().name().to_owned(), element_text(c)))
                .collect())
        })
        .collect()
}

/// One row per id, in first appearance: the row in `language` when there is one, else the
/// first. Rows without a language column (4.x base tables) are in every language.
fn one_per<'r>(rows: &'r [Row], id: impl Fn(&Row) -> String, language: &str) -> Vec<&'r Row> {
    let mut kept: Vec<&Row> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let in_language = row.get("language").is_none_or(|l| l.trim() == language);
        match at.get(&id(row)) {
            None => {
                at.insert(id(row), kept.len());
                kept.push(row);
            }
            Some(&i) => {
                let kept_in_language = kept[i].get("language").is_none_or(|l| l.trim() == language);
                if in_language && !kept_in_language {
                    kept[i] = row;
                }
            }
        }
    }
    kept
}

/// Texts of a 4.x `*_l10ns` table by the id they translate, in `language` where there is one.
fn l10ns<'r>(rows: &'r [Row], id: &str, language: &str) -> HashMap<String, &'r Row> {
    one_per(rows, |r| r.id(id).to_owned(), language)
        .into_iter()
        .map(|r| (r.id(id).to_owned(), r))
        .collect()
}

fn order(row: &Row, column: &str) -> (i64, i64) {
    (
        row.id(column).parse().unwrap_or(0),
        row.id("qid")
            .parse()
            .or_else(|_| row.id("gid").parse())
            .unwrap_or(0),
    )
}

// ---------------------------------------------------------------------------------------------
// The survey as read
// ---------------------------------------------------------------------------------------------

/// A question group. Its description (`description`) is read nowhere: a section has no place
/// for an introduction.
struct LsGroup {
    gid: String,
    name: String,
}

struct LsQuestion {
    qid: String,
    gid: String,
    kind: String,
    title: String,
    text: String,
    help: String,
    mandatory: bool,
    other: bool,
    relevance: String,
}

impl LsQuestion {
    fn place(&self) -> String {
        format!(
            "frågan «{}» (qid {}, typ {})",
            self.title, self.qid, self.kind
        )
    }

    fn is_free_text(&self) -> bool {
        matches!(self.kind.as_str(), "T" | "U" | "S")
    }
}

struct LsAnswer {
    code: String,
    text: String,
}

struct Survey {
    title: String,
    period: (Option<i32>, Option<i32>),
    groups: Vec<LsGroup>,
    /// Questions in group and question order.
    questions: Vec<LsQuestion>,
    /// Answer options (scale 0) by qid, in sort order.
    answers: HashMap<String, Vec<LsAnswer>>,
    /// The `suffix` attribute by qid.
    suffixes: HashMap<String, String>,
}

impl Survey {
    fn new(root: roxmltree::Node<'_, '_>) -> Survey {
        let surveys = table(root, "surveys");
        let survey = surveys.first();
        let language = survey
            .map(|s| s.id("language").to_owned())
            .filter(|l| !l.is_empty())
            .or_else(|| {
                child(root, "languages")
                    .and_then(|l| child(l, "language"))
                    .map(|l| element_text(l).trim().to_owned())
            })
            .unwrap_or_default();
        let year = |column: &str| {
            let date = survey?.id(column);
            date.get(..4)
                .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|y| y.parse().ok())
        };
        let period = (year("startdate"), year("expires"));

        let settings = table(root, "surveys_languagesettings");
        let title = settings
            .iter()
            .find(|r| r.id("surveyls_language") == language)
            .or(settings.first())
            .map(|r| plain(r.get("surveyls_title").unwrap_or("")))
            .unwrap_or_default();

        let group_rows = table(root, "groups");
        let group_texts = table(root, "group_l10ns");
        let group_texts = l10ns(&group_texts, "gid", &language);
        let mut groups = one_per(&group_rows, |r| r.id("gid").to_owned(), &language);
        groups.sort_by_key(|r| order(r, "group_order"));
        let group_rank: HashMap<&str, usize> = groups
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id("gid"), i))
            .collect();

        let question_rows = table(root, "questions");
        let question_texts = table(root, "question_l10ns");
        let question_texts = l10ns(&question_texts, "qid", &language);
        let mut questions: Vec<&Row> =
            one_per(&question_rows, |r| r.id("qid").to_owned(), &language)
                .into_iter()
                .filter(|r| matches!(r.id("parent_qid"), "" | "0"))
                .collect();
        questions.sort_by_key(|r| {
            (
                group_rank.get(r.id("gid")).copied().unwrap_or(usize::MAX),
                order(r, "question_order"),
            )
        });
        let questions = questions
            .into_iter()
            .map(|r| {
                let texts = question_texts.get(r.id("qid")).copied().unwrap_or(r);
                LsQuestion {
                    qid: r.id("qid").to_owned(),
                    gid: r.id("gid").to_owned(),
                    kind: r.id("type").to_owned(),
                    title: r.id("title").to_owned(),
                    text: plain(texts.get("question").unwrap_or("")),
                    help: texts.get("help").unwrap_or("").to_owned(),
                    mandatory: r.id("mandatory").eq_ignore_ascii_case("Y"),
                    other: r.id("other").eq_ignore_ascii_case("Y"),
                    relevance: r.id("relevance").to_owned(),
                }
            })
            .collect();

        let groups = groups
            .into_iter()
            .map(|r| {
                let texts = group_texts.get(r.id("gid")).copied().unwrap_or(r);
                LsGroup {
                    gid: r.id("gid").to_owned(),
                    name: plain(texts.get("group_name").unwrap_or("")),
                }
            })
            .collect();

        let answer_rows = table(root, "answers");
        let answer_texts = table(root, "answer_l10ns");
        let answer_texts = l10ns(&answer_texts, "aid", &language);
        let mut answer_rows: Vec<&Row> = one_per(
            &answer_rows,
            |r| {
                format!(
                    "{}\u{0}{}\u{0}{}",
                    r.id("qid"),
                    r.id("code"),
                    r.id("scale_id")
                )
            },
            &language,
        )
        .into_iter()
        .filter(|r| matches!(r.id("scale_id"), "" | "0"))
        .collect();
        answer_rows.sort_by_key(|r| r.id("sortorder").parse::<i64>().unwrap_or(0));
        let mut answers: HashMap<String, Vec<LsAnswer>> = HashMap::new();
        for row in answer_rows {
            let texts = answer_texts.get(row.id("aid")).copied().unwrap_or(row);
            answers
                .entry(row.id("qid").to_owned())
                .or_default()
                .push(LsAnswer {
                    code: row.id("code").to_owned(),
                    text: plain(texts.get("answer").unwrap_or("")),
                });
        }

        let attributes = table(root, "question_attributes");
        let suffixes = one_per(
            &attributes,
            |r| format!("{}\u{0}{}", r.id("qid"), r.id("attribute")),
            &language,
        )
        .into_iter()
        .filter(|r| r.id("attribute") == "suffix")
        .map(|r| (r.id("qid").to_owned(), plain(r.get("value").unwrap_or(""))))
        .filter(|(_, suffix)| !suffix.is_empty())
        .collect();

        Survey {
            title,
            period,
            groups,
            questions,
            answers,
            suffixes,
        }
    }

    fn build(self, this_year: i32) -> Result<QuestionSet, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.title.is_empty() {
            problems.push(Problem::new(
                "elementet <surveys_languagesettings>",
                "enkäten saknar titel (surveyls_title); ge den en titel i LimeSurvey",
            ));
        }
        let (start, end) = self.period;
        let from = start.or(end).unwrap_or(this_year);
        let period = Period {
            from,
            to: end.unwrap_or(from).max(from),
        };

        let mut by_group: HashMap<&str, Vec<&LsQuestion>> = self
            .groups
            .iter()
            .map(|g| (g.gid.as_str(), Vec::new()))
            .collect();
        for q in &self.questions {
            if let Some(in_group) = by_group.get_mut(q.gid.as_str()) {
                in_group.push(q);
            } else {
                problems.push(Problem::new(
                    q.place(),
                    format!(
                        "frågan hör till grupp {}, som inte finns i filen",
                        if q.gid.is_empty() { "(ingen)" } else { &q.gid }
                    ),
                ));
            }
        }

        let mut scales = Scales::default();
        let mut section_keys = HashSet::new();
        let mut question_keys = HashSet::new();
        let mut supported = 0usize;
        let mut sections = Vec::new();
        for group in &self.groups {
            if group.name.is_empty() {
                problems.push(Problem::new(
                    format!("gruppen med gid {}", group.gid),
                    "gruppen saknar namn; ge den ett namn i LimeSurvey",
                ));
            }
            let base = Key::slugify(&group.name)
                .or_else(|| Key::slugify(&format!("grupp-{}", group.gid)))
                .unwrap_or_else(|| fallback_key("grupp"));
            let in_group = by_group.remove(group.gid.as_str()).unwrap_or_default();
            let mut questions = Vec::new();
            let mut i = 0;
            while let Some(&q) = in_group.get(i) {
                i += 1;
                let shape = match q.kind.as_str() {
                    "L" | "!" | "O" | "Y" => {
                        supported += 1;
                        let Some(options) = self.options(q, &mut problems) else {
                            continue;
                        };
                        let follow_up = in_group
                            .get(i)
                            .copied()
                            .filter(|next| is_comment_for(q, next));
                        let comment = match follow_up {
                            Some(next) => {
                                i += 1;
                                comment_rule(q, next, &options, &mut problems)
                            }
                            None => CommentRule::Optional,
                        };
                        let options = options.into_iter().map(|(_, option)| option).collect();
                        Some((scales.choice(options), comment))
                    }
                    "T" | "U" | "S" => {
                        supported += 1;
                        Some((scales.text(), CommentRule::Optional))
                    }
                    "N" => {
                        supported += 1;
                        let unit = self.suffixes.get(&q.qid).map_or("st", String::as_str);
                        Some((scales.number(unit), CommentRule::Optional))
                    }
                    other => {
                        problems.push(unsupported(q, other));
                        None
                    }
                };
                let Some((scale, comment)) = shape else {
                    continue;
                };
                if q.text.is_empty() {
                    problems.push(Problem::new(
                        q.place(),
                        "frågan saknar text; skriv frågan i LimeSurvey",
                    ));
                }
                let base = Key::slugify(&q.title)
                    .or_else(|| Key::slugify(&q.text))
                    .or_else(|| Key::slugify(&format!("fraga-{}", q.qid)))
                    .unwrap_or_else(|| fallback_key("fraga"));
                questions.push(Question {
                    key: unique(&base, &mut question_keys),
                    text: q.text.clone(),
                    guidance: paragraphs(&q.help),
                    audience: None,
                    scale,
                    comment,
                    retired: false,
                });
            }
            sections.push(Section {
                key: unique(&base, &mut section_keys),
                label: None,
                title: group.name.clone(),
                questions,
                sections: Vec::new(),
                retired: false,
            });
        }
        if supported == 0 {
            problems.push(Problem::new(
                "",
                "enkäten har inga frågor som Uppfölj kan läsa: listor med ett val, ja/nej, \
                 fritext eller tal",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let key = Key::slugify(&self.title).unwrap_or_else(|| fallback_key("limesurvey"));
        Ok(QuestionSet {
            document: Document {
                key,
                title: self.title,
                report_heading: None,
                kind: DocumentKind::Program,
                period,
                sections,
            },
            scales: scales.into_scales(),
        })
    }

    /// The options of a list or yes/no question with their LimeSurvey codes, or `None` after
    /// reporting why they cannot make a scale.
    fn options(
        &self,
        q: &LsQuestion,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<(String, AnswerOption)>> {
        let option = |key: &str, label: &str| AnswerOption {
            key: Key::slugify(key).unwrap_or_else(|| fallback_key("alternativ")),
            label: label.to_owned(),
            neutral: false,
        };
        if q.kind == "Y" {
            return Some(vec![
                ("Y".to_owned(), option("ja", "Ja")),
                ("N".to_owned(), option("nej", "Nej")),
            ]);
        }
        let before = problems.len();
        if q.other {
            problems.push(Problem::new(
                q.place(),
                "listan har alternativet «Övrigt» med eget textfält, som Uppfölj saknar; stäng \
                 av «Övrigt» eller lägg till det som ett vanligt svarsalternativ",
            ));
        }
        let answers = self.answers.get(&q.qid).map_or(&[][..], Vec::as_slice);
        match answers.len() {
            0 => problems.push(Problem::new(
                q.place(),
                "listan saknar svarsalternativ; lägg till minst två i LimeSurvey",
            )),
            1 => problems.push(Problem::new(
                q.place(),
                "listan har bara ett svarsalternativ; Uppfölj behöver minst två",
            )),
            _ => {}
        }
        let mut options = Vec::new();
        let mut keys = HashSet::new();
        let mut labels = HashSet::new();
        for answer in answers {
            let place = format!("svarsalternativet «{}» i {}", answer.code, q.place());
            let Some(key) = Key::slugify(&answer.code) else {
                problems.push(Problem::new(
                    place,
                    "koden kan inte bli en nyckel; använd bokstäver och siffror",
                ));
                continue;
            };
            if !keys.insert(key.clone()) {
                problems.push(Problem::new(
                    place.clone(),
                    format!("koden blir nyckeln «{key}», som ett annat alternativ redan har"),
                ));
            }
            if answer.text.is_empty() {
                problems.push(Problem::new(place, "svarsalternativet saknar text"));
            } else if !labels.insert(answer.text.to_lowercase()) {
                problems.push(Problem::new(
                    place,
                    format!(
                        "texten «{}» används redan av ett annat alternativ",
                        answer.text
                    ),
                ));
            }
            let neutral = is_neutral(&answer.text);
            options.push((
                answer.code.clone(),
                AnswerOption {
                    key,
                    label: answer.text.clone(),
                    neutral,
                },
            ));
        }
        (problems.len() == before).then_some(options)
    }
}

/// Labels of options that take no side.
fn is_neutral(label: &str) -> bool {
    Key::slugify(label).is_some_and(|k| {
        matches!(
            k.as_str(),
            "ej-aktuellt"
                | "inte-aktuellt"
                | "ej-tillampligt"
                | "inte-tillampligt"
                | "vet-ej"
                | "vet-inte"
        )
    })
}

fn unsupported(q: &LsQuestion, kind: &str) -> Problem {
    let name = match kind {
        "1" => "matris med två skalor",
        "5" => "femgradig skala",
        "A" => "matris med fem steg",
        "B" => "matris med tio steg",
        "C" => "matris ja/osäker/nej",
        "D" => "datum",
        "E" => "matris öka/samma/minska",
        "F" => "matris",
        "G" => "kön",
        "H" => "matris med kolumner",
        "I" => "språkval",
        "K" => "flera tal",
        "M" => "flera val",
        "P" => "flera val med kommentarer",
        "Q" => "flera korta texter",
        "R" => "rangordning",
        "X" => "textvisning",
        "*" => "ekvation",
        "|" => "filuppladdning",
        ":" => "matris med tal",
        ";" => "matris med texter",
        "" => "ingen typ angiven",
        _ => "okänd typ",
    };
    let advice = match kind {
        "X" => "flytta texten till en frågas hjälptext eller ta bort den",
        "*" => "ta bort den",
        _ => "gör om den till en lista med ett val eller ta bort den",
    };
    Problem::new(
        q.place(),
        format!("frågetypen «{kind}» ({name}) har ingen motsvarighet i Uppfölj; {advice}"),
    )
}

// ---------------------------------------------------------------------------------------------
// Comment follow-ups
// ---------------------------------------------------------------------------------------------

/// Whether free text question `next`, right after list question `list`, is its comment.
fn is_comment_for(list: &LsQuestion, next: &LsQuestion) -> bool {
    if !next.is_free_text() {
        return false;
    }
    let title = list.title.to_ascii_lowercase();
    let next_title = next.title.to_ascii_lowercase();
    let suffix_named = !title.is_empty()
        && next_title.strip_prefix(&title).is_some_and(|rest| {
            let rest = rest.trim_matches(|c: char| c == '_' || c == '-' || c.is_whitespace());
            matches!(
                rest,
                "k" | "kom"
                    | "komm"
                    | "kommentar"
                    | "kommentera"
                    | "c"
                    | "com"
                    | "comment"
                    | "motivering"
            )
        });
    let text = next.text.to_lowercase();
    let text_named = text.starts_with("komment") || text.starts_with("comment");
    let conditioned = !relevance_values(&next.relevance, &list.title).is_empty();
    suffix_named || text_named || conditioned
}

/// The comment rule that follow-up `next` gives list question `list`: optional unless
/// mandatory; when mandatory, required for the answers its condition names, else always.
fn comment_rule(
    list: &LsQuestion,
    next: &LsQuestion,
    options: &[(String, AnswerOption)],
    problems: &mut Vec<Problem>,
) -> CommentRule {
    if !next.mandatory {
        return CommentRule::Optional;
    }
    let mut equal = Vec::new();
    let mut unequal = Vec::new();
    for (negated, value) in relevance_values(&next.relevance, &list.title) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let slug = Key::slugify(value);
        let found = options.iter().find(|(code, option)| {
            code.eq_ignore_ascii_case(value)
                || slug.as_ref() == Some(&option.key)
                || option.label.to_lowercase() == value.to_lowercase()
        });
        match found {
            Some((_, option)) if negated => unequal.push(option.key.clone()),
            Some((_, option)) => equal.push(option.key.clone()),
            None => problems.push(Problem::new(
                next.place(),
                format!(
                    "villkoret «{}» nämner svaret «{value}», som «{}» inte har",
                    next.relevance, list.title
                ),
            )),
        }
    }
    let keys: Vec<Key> = match (equal.is_empty(), unequal.is_empty()) {
        (false, true) => options
            .iter()
            .map(|(_, o)| o.key.clone())
            .filter(|k| equal.contains(k))
            .collect(),
        (true, false) => options
            .iter()
            .map(|(_, o)| o.key.clone())
            .filter(|k| !unequal.contains(k))
            .collect(),
        _ => Vec::new(),
    };
    if keys.is_empty() {
        CommentRule::Required
    } else {
        CommentRule::RequiredFor(keys)
    }
}

/// The values that `relevance` compares question `variable` with, as in `Q1.NAOK == "N"`,
/// `{Q1} eq 'nej'` or `Q1 != "Y"`: (whether the comparison is «not equal», value).
fn relevance_values(relevance: &str, variable: &str) -> Vec<(bool, String)> {
    let mut found = Vec::new();
    if variable.is_empty() || !variable.is_ascii() {
        return found;
    }
    let lower = relevance.to_ascii_lowercase();
    let name = variable.to_ascii_lowercase();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find(&name)) {
        let start = from + at;
        let mut i = start + name.len();
        from = i;
        let bytes = lower.as_bytes();
        let before = start.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        if before.is_some_and(|b| word(b) || b == b'.') || bytes.get(i).copied().is_some_and(word) {
            continue;
        }
        let rest = &lower[i..];
        for attribute in [".naok", ".code", ".value"] {
            if rest.starts_with(attribute)
                && !rest
                    .as_bytes()
                    .get(attribute.len())
                    .copied()
                    .is_some_and(word)
            {
                i += attribute.len();
                break;
            }
        }
        if lower.as_bytes().get(i) == Some(&b'}') {
            i += 1;
        }
        let skip_spaces = |mut i: usize| {
            while lower.as_bytes().get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            i
        };
        i = skip_spaces(i);
        let rest = &lower[i..];
        let (negated, length) = if rest.starts_with("==") {
            (false, 2)
        } else if rest.starts_with("!=") {
            (true, 2)
        } else if rest.starts_with("eq") && !rest.as_bytes().get(2).copied().is_some_and(word) {
            (false, 2)
        } else if rest.starts_with("ne") && !rest.as_bytes().get(2).copied().is_some_and(word) {
            (true, 2)
        } else {
            continue;
        };
        i = skip_spaces(i + length);
        let Some(quote) = relevance.get(i..).and_then(|r| r.chars().next()) else {
            continue;
        };
        let value = if quote == '"' || quote == '\'' {
            let body = &relevance[i + 1..];
            match body.find(quote) {
                Some(end) => body[..end].to_owned(),
                None => continue,
            }
        } else {
            relevance[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        if !value.is_empty() || quote == '"' || quote == '\'' {
            found.push((negated, value));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Scales and keys
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// HTML to plain text
// ---------------------------------------------------------------------------------------------

/// Tags after which a new paragraph begins.
const BLOCK_TAGS: [&str; 16] = [
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "hr",
];

/// Plain paragraphs of an HTML fragment: tags dropped, entities decoded, whitespace collapsed;
/// a new paragraph at blank lines, `<br>` and block elements.
fn paragraphs(html: &str) -> Vec<String> {
    let text = strip_html(html);
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(collapse(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// An HTML fragment as one line of plain text.
fn plain(html: &str) -> String {
    paragraphs(html).join(" ")
}

fn collapse(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tags removed (blocks become blank lines), comments, scripts and styles dropped, entities
/// decoded.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            let starts_tag = rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!');
            if let (true, Some(end)) = (starts_tag, rest.find('>')) {
                let tag = &rest[1..end];
                let closing = tag.starts_with('/');
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                rest = &rest[end + 1..];
                if !closing && (name == "script" || name == "style") {
                    rest = match closing_tag(rest, &name) {
                        Some(at) => {
                            let after = &rest[at..];
                            after.find('>').map_or("", |gt| &after[gt + 1..])
                        }
                        None => "",
                    };
                    continue;
                }
                if BLOCK_TAGS.contains(&name.as_str()) {
                    out.push_str("\n\n");
                }
                continue;
            }
        }
        if c == '&'
            && let Some((decoded, used)) = entity(rest)
        {
            out.push(decoded);
            rest = &rest[used..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Where the closing tag `</name` begins in `html`, in any case.
fn closing_tag(html: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = html.get(from..).and_then(|rest| rest.find("</")) {
        let start = from + at;
        let tag = html.as_bytes().get(start + 2..start + 2 + name.len());
        if tag.is_some_and(|tag| tag.eq_ignore_ascii_case(name.as_bytes())) {
            return Some(start);
        }
        from = start + 2;
    }
    None
}

/// The character an entity at the start of `text` stands for, and its length in bytes.
fn entity(text: &str) -> Option<(char, usize)> {
    let (end, _) = text.char_indices().take(12).find(|(_, c)| *c == ';')?;
    let name = &text[1..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "aring" => 'å',
            "auml" => 'ä',
            "ouml" => 'ö',
            "Aring" => 'Å',
            "Auml" => 'Ä',
            "Ouml" => 'Ö',
            "eacute" => 'é',
            "Eacute" => 'É',
            "uuml" => 'ü',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            "laquo" => '«',
            "raquo" => '»',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "bull" => '•',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

// ---------------------------------------------------------------------------------------------
// XML errors
// ---------------------------------------------------------------------------------------------

/// A parse error, placed by line and column, in Swedish.
fn xml_problem(text: &str, error: &roxmltree::Error) -> Problem {
    use roxmltree::Error as E;
    let end = || {
        let line = text.lines().count().max(1);
        let column = text.lines().last().map_or(0, |l| l.chars().count()) + 1;
        format!("rad {line}, kolumn {column}")
    };
    let at = || {
        let pos = error.pos();
        format!("rad {}, kolumn {}", pos.row, pos.col)
    };
    let (place, message) = match error {
        E::UnexpectedCloseTag(expected, actual, _) => (
            at(),
            format!(
                "sluttaggen </{actual}> passar inte här; elementet <{expected}> är inte stängt"
            ),
        ),
        E::UnknownEntityReference(name, _) => (
            at(),
            format!("okänd entitet «&{name};»; skriv tecknet & som &amp;"),
        ),
        E::MalformedEntityReference(_) => (
            at(),
            "ett &-tecken som inte inleder en entitet; skriv det som &amp;".to_owned(),
        ),
        E::UnclosedRootNode | E::UnexpectedEndOfStream => (
            end(),
            "filen tar slut innan XML-koden är avslutad; den är troligen avkortad".to_owned(),
        ),
        E::NoRootNode => (
            at(),
            "filen innehåller inget XML-element; är det rätt fil?".to_owned(),
        ),
        E::DtdDetected => (
            at(),
            "filen har en DTD (<!DOCTYPE …>), som en LimeSurvey-export aldrig har".to_owned(),
        ),
        E::NonXmlChar(c, _) => (
            at(),
            format!("tecknet U+{:04X} är inte tillåtet i XML", u32::from(*c)),
        ),
        E::DuplicatedAttribute(name, _) => (
            at(),
            format!("attributet «{name}» finns två gånger i samma element"),
        ),
        E::InvalidAttributeValue(_) => (at(), "ett attributvärde innehåller tecknet <".to_owned()),
        E::InvalidComment(_) => (at(), "en XML-kommentar får inte innehålla «--»".to_owned()),
        E::InvalidCharacterData(_) => (at(), "ett CDATA-avsnitt innehåller «]]>»".to_owned()),
        E::UnknownNamespace(prefix, _) => (at(), format!("okänt namnrymdsprefix «{prefix}»")),
        _ => (
            at(),
            "filen är inte giltig XML här; kontrollera taggarna".to_owned(),
        ),
    };
    Problem::new(place, format!("felaktig XML: {message}"))
}
