//! Writing definitions back as files laid out for people: one file per document and round.

use std::fmt::Write;
use std::path::PathBuf;

use time::format_description::well_known::Rfc3339;
use uppfolj_model::assessment::DEFAULT_SCALE;
use uppfolj_model::council_data::{CouncilData, DocumentData, RoundData};
use uppfolj_model::indicator::Reading;
use uppfolj_model::thresholds::StatusThresholds;
use uppfolj_model::{
    AnswerScale, CommentRule, Definitions, Document, Organisation, Round, ScaleKind, Section,
};

/// Renders a configuration as definition files: `scales.toml`, `organisations.toml`,
/// `documents/<key>.toml` (with the document's indicators and assessment settings),
/// `rounds/<key>.toml` (with the round's assessments and goal-area texts). Retired sections
/// and questions are left out. The output depends only on what is given, so exporting twice
/// gives identical files.
pub fn export(definitions: &Definitions, council: &CouncilData) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    if !definitions.scales.is_empty() {
        files.push((
            "scales.toml".into(),
            join(definitions.scales.iter().map(scale)),
        ));
    }
    if !definitions.organisations.is_empty() {
        files.push((
            "organisations.toml".into(),
            join(definitions.organisations.iter().map(organisation)),
        ));
    }
    for d in &definitions.documents {
        let mut text = document(&d.current());
        if let Some(data) = council.documents.iter().find(|c| c.document == d.key) {
            document_data(&mut text, data);
        }
        files.push((
            PathBuf::from("documents").join(format!("{}.toml", d.key)),
            text,
        ));
    }
    for r in &definitions.rounds {
        let mut text = round(r);
        if let Some(data) = council.rounds.iter().find(|c| c.round == r.key) {
            round_data(&mut text, data);
        }
        files.push((
            PathBuf::from("rounds").join(format!("{}.toml", r.key)),
            text,
        ));
    }
    files
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join("\n")
}

/// A TOML string literal, escaped as TOML requires.
fn s(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list<T: AsRef<str>>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(|i| s(i.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

fn scale(scale: &AnswerScale) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "[[scale]]\nkey = {}\nname = {}",
        s(scale.key.as_str()),
        s(&scale.name)
    );
    match &scale.kind {
        ScaleKind::Choice { options } => {
            let _ = writeln!(out, "kind = \"choice\"\noptions = [");
            for option in options {
                let _ = writeln!(
                    out,
                    "  {{ key = {}, label = {}{} }},",
                    s(option.key.as_str()),
                    s(&option.label),
                    if option.neutral {
                        ", neutral = true"
                    } else {
                        ""
                    }
                );
            }
            out.push_str("]\n");
        }
        ScaleKind::Text => out.push_str("kind = \"text\"\n"),
        ScaleKind::Number { unit } => {
            let _ = writeln!(out, "kind = \"number\"\nunit = {}", s(unit));
        }
    }
    out
}

fn organisation(organisation: &Organisation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "[[organisation]]\nkey = {}\nname = {}",
        s(organisation.key.as_str()),
        s(&organisation.name)
    );
    if let Some(short) = &organisation.short_name {
        let _ = writeln!(out, "short_name = {}", s(short));
    }
    let _ = writeln!(out, "kind = {}", s(organisation.kind.as_str()));
    if !organisation.active {
        out.push_str("active = false\n");
    }
    out
}

fn document(document: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "[document]\nkey = {}\ntitle = {}",
        s(document.key.as_str()),
        s(&document.title)
    );
    if let Some(heading) = &document.report_heading {
        let _ = writeln!(out, "report_heading = {}", s(heading));
    }
    let _ = writeln!(out, "kind = {}", s(document.kind.as_str()));
    let _ = writeln!(
        out,
        "period = {{ from = {}, to = {} }}",
        document.period.from, document.period.to
    );
    sections(&mut out, &document.sections, "document.section");
    out
}

fn sections(out: &mut String, sections_: &[Section], table: &str) {
    for section in sections_ {
        let _ = writeln!(out, "\n[[{table}]]\nkey = {}", s(section.key.as_str()));
        if let Some(label) = &section.label {
            let _ = writeln!(out, "label = {}", s(label));
        }
        let _ = writeln!(out, "title = {}", s(&section.title));
        for question in &section.questions {
            let _ = writeln!(
                out,
                "\n[[{table}.question]]\nkey = {}\ntext = {}",
                s(question.key.as_str()),
                s(&question.text)
            );
            if !question.guidance.is_empty() {
                let _ = writeln!(out, "guidance = {}", list(&question.guidance));
            }
            if let Some(audience) = &question.audience {
                let _ = writeln!(out, "audience = {}", s(audience));
            }
            let _ = writeln!(out, "scale = {}", s(question.scale.as_str()));
            match &question.comment {
                CommentRule::Optional => {}
                CommentRule::Required => out.push_str("comment = \"required\"\n"),
                CommentRule::RequiredFor(options) => {
                    let _ = writeln!(out, "comment = {{ required_for = {} }}", list(options));
                }
            }
        }
        self::sections(out, &section.sections, &format!("{table}.section"));
    }
}

fn round(round: &Round) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "[round]\nkey = {}\nname = {}\nyear = {}\nopens = {}\ncloses = {}\ndocuments = {}",
        s(round.key.as_str()),
        s(&round.name),
        round.year,
        round.opens,
        round.closes,
        list(&round.documents),
    );
    if round.thresholds != StatusThresholds::default() {
        let _ = writeln!(
            out,
            "\n[round.status]\ngreen = {:?}\nyellow = {:?}\nsubmitted = {:?}",
            round.thresholds.green, round.thresholds.yellow, round.thresholds.submitted
        );
    }
    for extension in &round.extensions {
        let _ = writeln!(
            out,
            "\n[[round.extension]]\norganisation = {}\ncloses = {}",
            s(extension.organisation.as_str()),
            extension.closes
        );
    }
    for target in &round.targets {
        let _ = writeln!(
            out,
            "\n[[round.target]]\nquestion = {}",
            s(&target.question.to_string())
        );
        // An empty list says in so many words that nobody is asked.
        if !target.organisations.is_empty() || target.kinds.is_empty() {
            let _ = writeln!(out, "organisations = {}", list(&target.organisations));
        }
        if !target.kinds.is_empty() {
            let kinds: Vec<&str> = target.kinds.iter().map(|k| k.as_str()).collect();
            let _ = writeln!(out, "kinds = {}", list(&kinds));
        }
    }
    out
}

/// A number as TOML writes it.
fn number(value: f64) -> String {
    toml::Value::Float(value).to_string()
}

fn reading(r: Reading) -> String {
    format!("{{ year = {}, value = {} }}", r.year, number(r.value))
}

fn document_data(out: &mut String, data: &DocumentData) {
    if let Some(settings) = &data.settings {
        let _ = writeln!(
            out,
            "\n[document.assessment]\nat = {}",
            s(settings.at.as_str())
        );
        if settings.scale.as_str() != DEFAULT_SCALE {
            let _ = writeln!(out, "scale = {}", s(settings.scale.as_str()));
        }
    }
    for indicator in &data.indicators {
        let _ = writeln!(
            out,
            "\n[[document.indicator]]\nkey = {}\nname = {}\nsource = {}\nunit = {}\ndirection = {}",
            s(indicator.key.as_str()),
            s(&indicator.name),
            s(&indicator.source),
            s(&indicator.unit),
            s(indicator.direction.as_str()),
        );
        if let Some(section) = &indicator.section {
            let _ = writeln!(out, "section = {}", s(section.as_str()));
        }
        for (field, value) in [
            ("baseline", indicator.baseline),
            ("target", indicator.target),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "{field} = {}", reading(value));
            }
        }
        if let Some(kolada) = &indicator.kolada {
            let _ = writeln!(
                out,
                "kolada = {{ kpi = {}, municipality = {} }}",
                s(&kolada.kpi),
                s(&kolada.municipality)
            );
        }
        if indicator.example {
            out.push_str("example = true\n");
        }
        if !indicator.values.is_empty() {
            let values: Vec<String> = indicator
                .values
                .iter()
                .map(|r| format!("{} = {}", r.year, number(r.value)))
                .collect();
            let _ = writeln!(out, "values = {{ {} }}", values.join(", "));
        }
    }
}

fn round_data(out: &mut String, data: &RoundData) {
    for a in &data.assessments {
        let _ = writeln!(
            out,
            "\n[[round.assessment]]\ndocument = {}\nsubject = {}\nlevel = {}\nmotivation = {}",
            s(a.document.as_str()),
            s(a.subject.as_str()),
            s(a.level.as_str()),
            s(&a.motivation),
        );
        if let Some(by) = &a.assessed_by {
            let _ = writeln!(out, "assessed_by = {}", s(by));
        }
        if let Some(at) = a.assessed_at.and_then(|at| at.format(&Rfc3339).ok()) {
            let _ = writeln!(out, "assessed_at = {at}");
        }
    }
    for n in &data.narratives {
        let _ = writeln!(
            out,
            "\n[[round.narrative]]\ndocument = {}\nsection = {}\nsince_adoption = {}\nahead = {}",
            s(n.document.as_str()),
            s(n.section.as_str()),
            s(&n.since_adoption),
            s(&n.ahead),
        );
    }
}
