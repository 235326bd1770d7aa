//! The application: the store, the settings, and what the hot read paths derive from the
//! definitions, kept between requests.

use std::sync::Arc;

use uppfolj_model::{Definitions, Document};
use uppfolj_store::Store;

use crate::memo::RoundDocuments;
use crate::smtp::Mailer;

/// What the use cases need beyond the database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The address people use to reach Uppfölj, for links in e-mails and on the command line.
    pub public_url: String,
    /// The SMTP relay for reminders and notices; `None` sends nothing.
    pub mailer: Option<Mailer>,
}

/// The application: the store, the settings, and what the hot read paths derive from the
/// definitions, kept between requests.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub settings: Settings,
    round_documents: RoundDocuments,
}

impl App {
    /// The application over `store`; what it derives from the definitions starts empty.
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings,
            round_documents: RoundDocuments::default(),
        }
    }

    /// The documents of the round at `index` in `definitions`, as asked, derived once per
    /// loaded set of definitions.
    pub fn round_documents(&self, definitions: &Arc<Definitions>, index: usize) -> Arc<[Document]> {
        self.round_documents.of(definitions, index)
    }
}
