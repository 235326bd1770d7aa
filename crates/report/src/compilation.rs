//! The city-wide compilation as Markdown and JSON.

use std::fmt::Write;

use uppfolj_model::compilation::Tally;
use uppfolj_model::{Audience, Compilation};

use crate::ReportError;

/// What a published compilation says about what it leaves out.
pub const PUBLISHED_NOTE: &str = "Publicerad version: bara inskickade svar räknas, och kommentarer som inte är avsedda för publicering är utelämnade.";

/// A share as people read it: `67 %`.
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn share(count: usize, of: usize) -> String {
    if of == 0 {
        "–".into()
    } else {
        percent(count as f64 / of as f64)
    }
}

fn positive_share(tally: &Tally) -> String {
    tally.positive_share().map_or_else(|| "–".into(), percent)
}

/// Pipes and line breaks would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The compilation as Markdown: summary, parts, questions with their comments, organisations,
/// flags and trend.
pub fn compilation_markdown(c: &Compilation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Sammanställning – {}\n", c.round);
    let _ = writeln!(
        out,
        "{} av {} tilldelade frågor besvarade ({}). Andel positiva svar: {}.\n",
        c.total.answered,
        c.total.assigned,
        share(c.total.answered, c.total.assigned),
        positive_share(&c.total)
    );
    let _ = writeln!(
        out,
        "Status per avsnitt efter andelen positiva svar bland svaren som tar ställning (Ej aktuellt räknas inte): grön från {}, gul från {}, annars röd.\n",
        percent(c.thresholds.green),
        percent(c.thresholds.yellow)
    );
    if c.submitted_share < c.thresholds.submitted {
        let _ = writeln!(
            out,
            "Statusen visas när minst {} av organisationerna har skickat in; nu har {} gjort det.\n",
            percent(c.thresholds.submitted),
            percent(c.submitted_share)
        );
    }
    if c.audience == Audience::Public {
        out.push_str(PUBLISHED_NOTE);
        out.push_str("\n\n");
    }

    out.push_str("## Läget per dokument och avsnitt\n\n");
    out.push_str("| Nr | Rubrik | Besvarade | Andel positiva | Status | Flest andra svar |\n");
    out.push_str("|---|---|---:|---:|---|---|\n");
    for part in &c.parts {
        let most: Vec<String> = part
            .most_negative
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} av {} | {} | {} | {} |",
            part.number,
            cell(&part.heading),
            part.tally.answered,
            part.tally.assigned,
            positive_share(&part.tally),
            part.status.label(),
            cell(&most.join(", "))
        );
    }

    out.push_str("\n## Frågorna\n\n");
    for q in &c.questions {
        let _ = writeln!(out, "### {} {}\n", q.number, q.text);
        let _ = writeln!(
            out,
            "Ställd till {} organisationer, besvarad av {}.\n",
            q.tally.assigned, q.tally.answered
        );
        if !q.tally.options.is_empty() {
            out.push_str("| Svar | Antal | Andel | Organisationer |\n|---|---:|---:|---|\n");
            for (option, (_, names)) in q.tally.options.iter().zip(&q.by_option) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&option.label),
                    option.count,
                    share(option.count, q.tally.answered),
                    cell(&names.join(", "))
                );
            }
            out.push('\n');
        }
        for comment in &q.comments {
            let answer = comment
                .answer
                .as_deref()
                .map_or_else(|| "ej besvarad".to_owned(), str::to_owned);
            let _ = writeln!(
                out,
                "- **{}** ({answer}): {}",
                comment.organisation,
                comment.shown().replace("\n\n", " ¶ ")
            );
        }
        if !q.comments.is_empty() {
            out.push('\n');
        }
    }

    out.push_str("## Organisationerna\n\n| Organisation | Status | Besvarade | Andel positiva |\n|---|---|---:|---:|\n");
    for o in &c.organisations {
        let _ = writeln!(
            out,
            "| {} | {} | {} av {} | {} |",
            cell(&o.name),
            o.state.label(),
            o.tally.answered,
            o.tally.assigned,
            positive_share(&o.tally)
        );
    }

    if c.audience == Audience::Coordinators {
        flags_markdown(c, &mut out);
    }

    out.push_str("\n## Utvecklingen över tid\n\n");
    if c.trend.is_empty() {
        out.push_str("Ingen av omgångens frågor ställdes i en tidigare omgång.\n");
    }
    for t in &c.trend {
        let _ = writeln!(out, "### {}\n", t.text);
        let labels: Vec<&str> = t.years[0].shares.iter().map(|(l, _)| l.as_str()).collect();
        let _ = writeln!(out, "| Omgång | Besvarade | {} |", labels.join(" | "));
        let _ = writeln!(out, "|---|---:|{}", "---:|".repeat(labels.len()));
        for year in &t.years {
            let shares: Vec<String> = year.shares.iter().map(|(_, s)| percent(*s)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                year.round,
                year.answered,
                shares.join(" | ")
            );
        }
        out.push('\n');
        for change in &t.changes {
            let _ = writeln!(
                out,
                "- {}: {} → {}{}",
                change.organisation,
                change.before,
                change.after,
                if change.worse { " (försämring)" } else { "" }
            );
        }
        if !t.changes.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// The quality flags, which only coordinators see.
fn flags_markdown(c: &Compilation, out: &mut String) {
    out.push_str("\n## Att titta närmare på\n\n");
    if c.flags.is_empty() {
        out.push_str("Inget att anmärka.\n");
    }
    for flag in &c.flags {
        match &flag.question {
            Some(question) => {
                let _ = writeln!(
                    out,
                    "- {}: {} – «{question}»",
                    flag.organisation,
                    flag.kind.label()
                );
            }
            None => {
                let _ = writeln!(out, "- {}: {}", flag.organisation, flag.kind.label());
            }
        }
    }
}

/// The compilation's numbers as JSON, for other tools, with the Swedish labels of states,
/// statuses and flags beside their codes.
pub fn compilation_json(c: &Compilation) -> Vec<u8> {
    serde_json::to_vec_pretty(&labelled(c)).expect("a JSON value serialises")
}

fn labelled(c: &Compilation) -> serde_json::Value {
    let mut value = serde_json::to_value(c).expect("a compilation serialises");
    for (part, json) in c
        .parts
        .iter()
        .zip(value["parts"].as_array_mut().into_iter().flatten())
    {
        json["status_label"] = part.status.label().into();
    }
    for (o, json) in c
        .organisations
        .iter()
        .zip(value["organisations"].as_array_mut().into_iter().flatten())
    {
        json["state_label"] = o.state.label().into();
    }
    for (flag, json) in c
        .flags
        .iter()
        .zip(value["flags"].as_array_mut().into_iter().flatten())
    {
        json["label"] = flag.kind.label().into();
    }
    for (q, json) in c
        .questions
        .iter()
        .zip(value["questions"].as_array_mut().into_iter().flatten())
    {
        for (comment, json) in q
            .comments
            .iter()
            .zip(json["comments"].as_array_mut().into_iter().flatten())
        {
            json["shown"] = comment.shown().into();
        }
    }
    value["note"] = match c.audience {
        Audience::Public => PUBLISHED_NOTE.into(),
        Audience::Coordinators => serde_json::Value::Null,
    };
    value
}

/// The compilation as a tagged, accessible PDF (PDF/UA-1) for the executive board: numbered
/// headings, bar charts with text alternatives, tables, and every comment in an appendix.
pub fn compilation_pdf(c: &Compilation, printed: time::Date) -> Result<Vec<u8>, ReportError> {
    Ok(uppfolj_pdf::render(
        COMPILATION_TYPST,
        &[("compilation.json", crate::printable_json(labelled(c)))],
        printed,
    )?)
}

/// The compilation's house style as typst markup; it reads `compilation.json`.
const COMPILATION_TYPST: &str = include_str!("../templates/compilation.typ");
