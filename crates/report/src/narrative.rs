//! The coordinators' texts (narratives, motivations) are Markdown; every format prints them
//! from the same blocks: paragraphs and lists of runs of plain, bold or italic text. Anything
//! else Markdown can say — headings, links, raw HTML, images — is kept as its plain text, so
//! that a text never brings markup of its own into a report.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

/// A paragraph or a list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    Paragraph { runs: Vec<Run> },
    List { ordered: bool, items: Vec<Vec<Run>> },
}

/// Text in one style.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Run {
    pub text: String,
    pub strong: bool,
    pub emphasis: bool,
}

/// The blocks of a Markdown text, in order. Nested lists are flattened into their parent.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Run>>)> = None;
    let (mut strong, mut emphasis, mut depth) = (0usize, 0usize, 0usize);
    let push_text =
        |runs: &mut Vec<Run>, text: &str, strong: bool, emphasis: bool| match runs.last_mut() {
            Some(last) if last.strong == strong && last.emphasis == emphasis => {
                last.text.push_str(text)
            }
            _ => runs.push(Run {
                text: text.to_owned(),
                strong,
                emphasis,
            }),
        };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::List(first)) => {
                depth += 1;
                if list.is_none() {
                    list = Some((first.is_some(), Vec::new()));
                }
            }
            Event::End(TagEnd::List(_)) => {
                depth -= 1;
                if depth == 0
                    && let Some((ordered, items)) = list.take()
                {
                    out.push(Block::List { ordered, items });
                }
            }
            Event::Start(Tag::Item) => flush_item(&mut list, &mut runs),
            Event::End(TagEnd::Item) => flush_item(&mut list, &mut runs),
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emphasis += 1,
            Event::End(TagEnd::Emphasis) => emphasis = emphasis.saturating_sub(1),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock,
            ) if list.is_none() && !runs.is_empty() => {
                out.push(Block::Paragraph {
                    runs: std::mem::take(&mut runs),
                });
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock,
            ) if list.is_none() => {}
            Event::End(TagEnd::Paragraph) => push_text(&mut runs, " ", strong > 0, emphasis > 0),
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut runs, &text, strong > 0, emphasis > 0)
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(&mut runs, " ", strong > 0, emphasis > 0)
            }
            _ => {}
        }
    }
    if !runs.is_empty() {
        out.push(Block::Paragraph { runs });
    }
    for block in &mut out {
        match block {
            Block::Paragraph { runs } => trim(runs),
            Block::List { items, .. } => items.iter_mut().for_each(trim),
        }
    }
    out
}

/// Ends the list item being written, if it has text.
fn flush_item(list: &mut Option<(bool, Vec<Vec<Run>>)>, runs: &mut Vec<Run>) {
    if let Some((_, items)) = list
        && !runs.is_empty()
    {
        items.push(std::mem::take(runs));
    }
}

/// Takes away the spaces a paragraph's end left at the end of its last run.
fn trim(runs: &mut Vec<Run>) {
    if let Some(last) = runs.last_mut() {
        let kept = last.text.trim_end().len();
        last.text.truncate(kept);
    }
    runs.retain(|r| !r.text.is_empty());
}

/// The blocks as plain text: paragraphs apart by an empty line, list items as `- ` lines.
pub fn plain(blocks: &[Block]) -> String {
    let text = |runs: &[Run]| runs.iter().map(|r| r.text.as_str()).collect::<String>();
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { runs } => text(runs),
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".into()
                    };
                    format!("{mark} {}", text(item))
                })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Run {
        Run {
            text: text.into(),
            strong: false,
            emphasis: false,
        }
    }

    #[test]
    fn paragraphs_and_lists_keep_their_order_and_styles() {
        let shown = blocks(
            "Första stycket\nfortsätter **viktigt** här.\n\n- ett\n- *två*\n  - inne\n\n1. a\n2. b\n\nSlut.",
        );
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert_eq!(
            shown[0],
            Block::Paragraph {
                runs: vec![
                    run("Första stycket fortsätter "),
                    Run {
                        text: "viktigt".into(),
                        strong: true,
                        emphasis: false
                    },
                    run(" här."),
                ]
            }
        );
        let Block::List { ordered, items } = &shown[1] else {
            panic!("a list: {shown:?}")
        };
        assert!(!ordered);
        assert_eq!(items.len(), 3, "the nested item is flattened: {items:?}");
        assert!(items[1][0].emphasis);
        assert!(matches!(&shown[2], Block::List { ordered: true, items } if items.len() == 2));
        assert_eq!(plain(&shown[3..]), "Slut.");
    }

    #[test]
    fn markup_beyond_paragraphs_and_lists_is_kept_as_plain_text() {
        let shown = blocks("# Rubrik\n\n<script>alert(1)</script>\n\n[länk](https://x.se)");
        assert_eq!(plain(&shown), "Rubrik\n\n<script>alert(1)</script>\n\nlänk");
    }
}
