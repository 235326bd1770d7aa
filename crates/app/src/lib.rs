//! The use cases of Uppfölj that the API, the pages and the command line share: finding what a
//! request names for someone who may see it, reading, saving, submitting and deciding on
//! responses, running rounds, making reports and compilations, accounts, logins and e-mail.
//!
//! Each use case is a function in the file named for what it concerns (`responses::submit`,
//! `rounds::create`, `accounts::create_user`, `login::reserve`), takes the [`App`] and the
//! person asking (`uppfolj_model::Actor`), and returns a domain error (`ResponseError`,
//! `RoundError`, …), never an HTTP status: the web layer turns each into problem details for the
//! API and a Swedish page or form error for people, once.

pub mod accounts;
mod error;
pub mod login;
pub mod lookup;
pub mod mail;
mod memo;
pub mod reports;
pub mod responses;
pub mod rounds;
pub mod secrets;

use std::sync::Arc;

use uppfolj_model::{Definitions, Document};
use uppfolj_store::Store;

pub use error::{LookupError, ResponseError, RoundError};

/// What the use cases need beyond the database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The address people use to reach Uppfölj, for links in e-mails and on the command line.
    pub public_url: String,
    /// The SMTP relay for reminders and notices; `None` sends nothing.
    pub mailer: Option<mail::Mailer>,
}

/// The application: the store, the settings, and what the hot read paths derive from the
/// definitions, kept between requests.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub settings: Settings,
    round_documents: memo::RoundDocuments,
}

impl App {
    /// The application over `store`; what it derives from the definitions starts empty.
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings,
            round_documents: memo::RoundDocuments::default(),
        }
    }

    /// The documents of the round at `index` in `definitions`, as asked, derived once per
    /// loaded set of definitions.
    pub fn round_documents(&self, definitions: &Arc<Definitions>, index: usize) -> Arc<[Document]> {
        self.round_documents.of(definitions, index)
    }
}
