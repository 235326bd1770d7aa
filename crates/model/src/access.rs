//! Who may do what. Every page and API path asks these functions, so the rules live in one place.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Audience, Key, ResponseState, RoundState};

/// What a person does in Uppfölj.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// *Samordnare*: maintains documents and rounds, follows up, accepts and returns responses.
    Samordnare,
    /// *Uppgiftslämnare*: answers for one or more organisations.
    Uppgiftslamnare,
    /// *Läsare*: reads published results and, where granted, given organisations' submitted answers.
    Lasare,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Samordnare, Role::Uppgiftslamnare, Role::Lasare];

    /// The word used on the command line, in the API and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Samordnare => "samordnare",
            Role::Uppgiftslamnare => "uppgiftslamnare",
            Role::Lasare => "lasare",
        }
    }

    /// Reads a role, with or without Swedish letters.
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_lowercase().as_str() {
            "samordnare" => Some(Role::Samordnare),
            "uppgiftslamnare" | "uppgiftslämnare" => Some(Role::Uppgiftslamnare),
            "lasare" | "läsare" => Some(Role::Lasare),
            _ => None,
        }
    }

    /// The Swedish word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Samordnare => "Samordnare",
            Role::Uppgiftslamnare => "Uppgiftslämnare",
            Role::Lasare => "Läsare",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An e-mail address used as a login name: trimmed, lowercased, and shaped like an address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses an address; only the shape is checked (something@domain.tld), not deliverability.
    pub fn parse(text: &str) -> Result<Email, String> {
        let text = text.trim().to_lowercase();
        let valid = text.len() <= 254
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !text.contains(char::is_whitespace)
                    && text.matches('@').count() == 1
            });
        if valid {
            Ok(Email(text))
        } else {
            Err(format!("«{text}» är inte en e-postadress"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The person behind a request, as far as permissions go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub email: Email,
    pub role: Role,
    /// For a respondent, the organisations they answer for; for a reader, the organisations
    /// whose submitted answers they may read before publication.
    pub organisations: Vec<Key>,
}

impl Actor {
    /// Rounds, documents, questions, organisations and users are managed by coordinators only.
    pub fn may_manage(&self) -> bool {
        self.role == Role::Samordnare
    }

    /// Whether this person sees a round at all.
    pub fn may_see_round(&self, round: RoundState) -> bool {
        match self.role {
            Role::Samordnare => true,
            Role::Uppgiftslamnare => round != RoundState::Draft,
            Role::Lasare => {
                round != RoundState::Draft
                    && (round == RoundState::Published || !self.organisations.is_empty())
            }
        }
    }

    /// Whether this person may read a round's compilation: coordinators while they prepare it,
    /// everyone else once the round is published.
    pub fn may_read_compilation(&self, round: RoundState) -> bool {
        self.role == Role::Samordnare || round == RoundState::Published
    }

    /// Which version of a compilation this person reads: coordinators everything, everyone else
    /// what is published (no drafts, no withheld comments).
    pub fn compilation_audience(&self) -> Audience {
        if self.role == Role::Samordnare {
            Audience::Coordinators
        } else {
            Audience::Public
        }
    }

    /// Whether this person may read an organisation's response in a round. A reader reads
    /// the submitted responses of the organisations granted to them, published or not; every
    /// other organisation's answers only as the published compilation shows them.
    pub fn may_read(&self, organisation: &Key, round: RoundState, response: ResponseState) -> bool {
        match self.role {
            Role::Samordnare => true,
            Role::Uppgiftslamnare => {
                round != RoundState::Draft && self.organisations.contains(organisation)
            }
            Role::Lasare => {
                round != RoundState::Draft
                    && self.organisations.contains(organisation)
                    && response.is_submitted()
            }
        }
    }

    /// Whether this person reads the text of comments withheld from publication in an
    /// organisation's response: the central office, and those who answer for it.
    pub fn sees_withheld(&self, organisation: &Key) -> bool {
        match self.role {
            Role::Samordnare => true,
            Role::Uppgiftslamnare => self.organisations.contains(organisation),
            Role::Lasare => false,
        }
    }

    /// Whether this person may read the history of a response: every saved version, drafts and
    /// withheld comments included, so the central office's and the organisation's own only.
    pub fn may_read_history(
        &self,
        organisation: &Key,
        round: RoundState,
        response: ResponseState,
    ) -> bool {
        self.may_read(organisation, round, response) && self.sees_withheld(organisation)
    }

    /// Whether this person may save answers and submit for an organisation (the response's own
    /// state decides the rest).
    pub fn may_answer_for(&self, organisation: &Key) -> bool {
        match self.role {
            Role::Samordnare => true,
            Role::Uppgiftslamnare => self.organisations.contains(organisation),
            Role::Lasare => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::tests::key;

    fn actor(role: Role, organisations: &[&str]) -> Actor {
        Actor {
            email: Email::parse("a@b.se").unwrap(),
            role,
            organisations: organisations.iter().map(|o| key(o)).collect(),
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Anna.Berg@Goteborg.SE ").unwrap().as_str(),
            "anna.berg@goteborg.se"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@goteborg.se",
            "anna@goteborg",
            "an na@x.se",
            "a@b@c.se",
            "a@.se",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_read_with_or_without_swedish_letters() {
        assert_eq!(Role::parse("Uppgiftslämnare"), Some(Role::Uppgiftslamnare));
        assert_eq!(Role::parse("lasare"), Some(Role::Lasare));
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn who_may_read_a_response() {
        use ResponseState::*;
        use RoundState::*;
        let a = key("a");
        let b = key("b");
        let respondent = actor(Role::Uppgiftslamnare, &["a"]);
        let reader = actor(Role::Lasare, &["a"]);
        let public_reader = actor(Role::Lasare, &[]);
        let coordinator = actor(Role::Samordnare, &[]);
        let table = [
            (&respondent, &a, Open, ResponseState::Draft, true),
            (&respondent, &b, Open, Submitted, false),
            (&respondent, &a, RoundState::Draft, NotStarted, false),
            (&reader, &a, Open, ResponseState::Draft, false),
            (&reader, &a, Open, Submitted, true),
            (&reader, &b, Open, Submitted, false),
            (&reader, &b, Published, Accepted, false),
            (&reader, &a, Published, Accepted, true),
            (&reader, &a, Published, ResponseState::Draft, false),
            (&public_reader, &a, Closed, Accepted, false),
            (&public_reader, &a, Published, Accepted, false),
            (&coordinator, &b, RoundState::Draft, NotStarted, true),
        ];
        for (who, organisation, round, response, expected) in table {
            assert_eq!(
                who.may_read(organisation, round, response),
                expected,
                "{:?} {organisation} {round:?} {response:?}",
                who.role
            );
        }
    }

    #[test]
    fn withheld_comments_and_history_stay_with_the_office_and_the_organisation() {
        let a = key("a");
        let respondent = actor(Role::Uppgiftslamnare, &["a"]);
        let reader = actor(Role::Lasare, &["a"]);
        let coordinator = actor(Role::Samordnare, &[]);
        assert!(coordinator.sees_withheld(&a));
        assert!(respondent.sees_withheld(&a));
        assert!(!respondent.sees_withheld(&key("b")));
        assert!(!reader.sees_withheld(&a));
        let (round, response) = (RoundState::Published, ResponseState::Accepted);
        assert!(reader.may_read(&a, round, response));
        assert!(!reader.may_read_history(&a, round, response));
        assert!(respondent.may_read_history(&a, round, response));
    }

    #[test]
    fn only_coordinators_manage_and_readers_never_answer() {
        assert!(actor(Role::Samordnare, &[]).may_manage());
        assert!(!actor(Role::Uppgiftslamnare, &["a"]).may_manage());
        assert!(!actor(Role::Lasare, &["a"]).may_answer_for(&key("a")));
        assert!(actor(Role::Uppgiftslamnare, &["a"]).may_answer_for(&key("a")));
        assert!(!actor(Role::Uppgiftslamnare, &["a"]).may_answer_for(&key("b")));
        assert!(!actor(Role::Lasare, &[]).may_see_round(RoundState::Open));
        assert!(actor(Role::Lasare, &[]).may_see_round(RoundState::Published));
        for role in [Role::Lasare, Role::Uppgiftslamnare] {
            assert!(!actor(role, &["a"]).may_read_compilation(RoundState::Closed));
            assert!(actor(role, &["a"]).may_read_compilation(RoundState::Published));
        }
        assert!(actor(Role::Samordnare, &[]).may_read_compilation(RoundState::Open));
        assert!(!actor(Role::Uppgiftslamnare, &["a"]).may_see_round(RoundState::Draft));
    }
}
