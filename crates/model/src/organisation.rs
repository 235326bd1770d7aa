//! Organisations that answer: committees, boards and companies (*nämnder, styrelser, bolag*).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Key, Path, Problem};

/// A committee, board, company or administration that answers follow-up questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub key: Key,
    pub name: String,
    /// What staff call it day to day (*Intraservice*); shown where space is short.
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    /// Inactive organisations keep their history but get no questions in new rounds.
    pub active: bool,
}

/// The legal form of an organisation, used to target questions (e.g. only to companies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrganisationKind {
    #[serde(rename = "nämnd")]
    Namnd,
    #[serde(rename = "styrelse")]
    Styrelse,
    #[serde(rename = "bolag")]
    Bolag,
    #[serde(rename = "förvaltning")]
    Forvaltning,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Namnd,
        OrganisationKind::Styrelse,
        OrganisationKind::Bolag,
        OrganisationKind::Forvaltning,
    ];

    /// The Swedish word, as written in files and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Namnd => "nämnd",
            OrganisationKind::Styrelse => "styrelse",
            OrganisationKind::Bolag => "bolag",
            OrganisationKind::Forvaltning => "förvaltning",
        }
    }

    /// The kind as a word of its own, capitalised, for a form or a table: «Nämnd».
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Namnd => "Nämnd",
            OrganisationKind::Styrelse => "Styrelse",
            OrganisationKind::Bolag => "Bolag",
            OrganisationKind::Forvaltning => "Förvaltning",
        }
    }

    /// The kind in the plural, as a heading over a group of organisations: «Nämnder».
    pub fn plural(self) -> &'static str {
        match self {
            OrganisationKind::Namnd => "Nämnder",
            OrganisationKind::Styrelse => "Styrelser",
            OrganisationKind::Bolag => "Bolag",
            OrganisationKind::Forvaltning => "Förvaltningar",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<OrganisationKind> {
        OrganisationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Organisation {
    /// The name to show where space is short.
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }

    /// Checks an organisation on its own; uniqueness is checked over the whole set.
    pub fn validate(&self, at: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(Problem::new(at.field("name"), "organisationen saknar namn"));
        }
        if self
            .short_name
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            problems.push(Problem::new(
                at.field("short_name"),
                "kortnamnet är tomt; ta bort raden eller skriv ett namn",
            ));
        }
        problems.extend(crate::text::control_problem(
            at.field("name"),
            "namnet",
            &self.name,
        ));
        if let Some(short) = &self.short_name {
            problems.extend(crate::text::control_problem(
                at.field("short_name"),
                "kortnamnet",
                short,
            ));
        }
        problems
    }
}
