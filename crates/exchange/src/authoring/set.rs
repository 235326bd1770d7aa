//! What the readers and writers of every authoring format share: the question set a file holds,
//! a located problem, and the keys and scales a file's names and option lists make.

use std::collections::HashSet;
use std::fmt;

use uppfolj_model::key::MAX_KEY_LEN;
use uppfolj_model::{AnswerOption, AnswerScale, Definitions, Document, Key, ScaleKind};

/// What one authoring file holds: a steering document and the scales its questions use.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionSet {
    pub document: Document,
    pub scales: Vec<AnswerScale>,
}

impl QuestionSet {
    /// A stored document as it stands now (retired parts left out), with the scales its
    /// questions use, in the configuration's order.
    pub fn of(definitions: &Definitions, document: &Key) -> Option<QuestionSet> {
        let document = definitions
            .documents
            .iter()
            .find(|d| &d.key == document)?
            .current();
        let used: HashSet<&Key> = document.all_questions().map(|q| &q.scale).collect();
        let scales = definitions
            .scales
            .iter()
            .filter(|s| used.contains(&s.key))
            .cloned()
            .collect();
        Some(QuestionSet { document, scales })
    }

    /// The set with its scales fitted to those already stored: a scale with the same options as a
    /// stored one is that one (whatever the file called it), and a scale whose key is taken by
    /// a stored scale with other options gets a free key, so that an import never changes the
    /// options other documents' answers were given on.
    pub fn fitted(mut self, stored: &[AnswerScale]) -> QuestionSet {
        let mut renamed: Vec<(Key, Key)> = Vec::new();
        let mut taken: HashSet<Key> = stored.iter().map(|s| s.key.clone()).collect();
        let mut kept = Vec::new();
        for mut scale in std::mem::take(&mut self.scales) {
            if let Some(same) = stored.iter().find(|s| s.kind == scale.kind) {
                renamed.push((scale.key.clone(), same.key.clone()));
                continue;
            }
            let free = unique(&scale.key, &mut taken);
            if free != scale.key {
                renamed.push((scale.key.clone(), free.clone()));
                scale.key = free;
            }
            kept.push(scale);
        }
        self.scales = kept;
        fn rename(section: &mut uppfolj_model::Section, renamed: &[(Key, Key)]) {
            for question in &mut section.questions {
                if let Some((_, to)) = renamed.iter().find(|(from, _)| *from == question.scale) {
                    question.scale = to.clone();
                }
            }
            for child in &mut section.sections {
                rename(child, renamed);
            }
        }
        for section in &mut self.document.sections {
            rename(section, &renamed);
        }
        self
    }

    /// The set as definitions to check and store, like a definition file's.
    pub fn into_definitions(self) -> Definitions {
        Definitions {
            scales: self.scales,
            documents: vec![self.document],
            ..Definitions::default()
        }
    }
}

/// A problem in an authoring file: where, as its format names places, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// «bladet survey, rad 12, kolumnen type», «elementet <question> (qid 14)», «pages[0].elements[2]».
    pub place: String,
    pub message: String,
}

impl Problem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

/// Keys made unique within one document: a second «strategi-1» becomes «strategi-1-2».
#[derive(Default)]
pub struct UniqueKeys(HashSet<Key>);

impl UniqueKeys {
    /// `wanted`, or the first of `wanted-2`, `wanted-3` … not yet taken.
    pub fn take(&mut self, wanted: Key) -> Key {
        unique(&wanted, &mut self.0)
    }
}

/// `base`, or `base-2`, `base-3` … when taken; within the key length limit.
pub fn unique(base: &Key, taken: &mut HashSet<Key>) -> Key {
    if taken.insert(base.clone()) {
        return base.clone();
    }
    let mut n = 2u64;
    loop {
        let suffix = format!("-{n}");
        let mut stem = base.as_str().to_owned();
        stem.truncate(MAX_KEY_LEN.saturating_sub(suffix.len()));
        if let Ok(key) = Key::parse(&format!("{}{suffix}", stem.trim_end_matches('-')))
            && taken.insert(key.clone())
        {
            return key;
        }
        n += 1;
    }
}

/// A key written in the readers, for when a name gives none.
pub fn fallback_key(key: &'static str) -> Key {
    Key::parse(key).expect("the fallback keys written here are keys")
}

/// The scales a file's questions make: one choice scale per distinct option list, shared by
/// every question that offers the same options, keyed by its labels («ja-nej») and named by them
/// («Ja / Nej»); one free-text scale; one number scale per unit.
#[derive(Default)]
pub struct Scales {
    list: Vec<AnswerScale>,
    taken: HashSet<Key>,
}

impl Scales {
    /// The scale with exactly these options, added when new.
    pub fn choice(&mut self, options: Vec<AnswerOption>) -> Key {
        if let Some(scale) = self
            .list
            .iter()
            .find(|s| matches!(&s.kind, ScaleKind::Choice { options: o } if *o == options))
        {
            return scale.key.clone();
        }
        let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        let base = Key::slugify(&labels.join(" ")).unwrap_or_else(|| fallback_key("lista"));
        let name = labels.join(" / ");
        self.add(&base, name, ScaleKind::Choice { options })
    }

    /// The free-text scale.
    pub fn text(&mut self) -> Key {
        if let Some(scale) = self.list.iter().find(|s| s.kind == ScaleKind::Text) {
            return scale.key.clone();
        }
        self.add(
            &fallback_key("fritext"),
            "Fritext".to_owned(),
            ScaleKind::Text,
        )
    }

    /// The number scale in `unit` (*st* when a file says none).
    pub fn number(&mut self, unit: &str) -> Key {
        let kind = ScaleKind::Number {
            unit: unit.to_owned(),
        };
        if let Some(scale) = self.list.iter().find(|s| s.kind == kind) {
            return scale.key.clone();
        }
        if unit == "st" {
            self.add(&fallback_key("tal"), "Tal".to_owned(), kind)
        } else {
            let base = Key::slugify(&format!("tal {unit}")).unwrap_or_else(|| fallback_key("tal"));
            self.add(&base, format!("Tal ({unit})"), kind)
        }
    }

    /// A scale as the file names it (Uppfölj's own files say key and name); a scale of the same
    /// key is replaced.
    pub fn named(&mut self, scale: AnswerScale) {
        self.list.retain(|s| s.key != scale.key);
        self.taken.insert(scale.key.clone());
        self.list.push(scale);
    }

    pub fn into_scales(self) -> Vec<AnswerScale> {
        self.list
    }

    fn add(&mut self, base: &Key, name: String, kind: ScaleKind) -> Key {
        let key = unique(base, &mut self.taken);
        self.list.push(AnswerScale {
            key: key.clone(),
            name,
            kind,
        });
        key
    }
}
