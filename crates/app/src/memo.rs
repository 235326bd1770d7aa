//! What the hot read paths derive from the definitions, derived once per loaded set of them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uppfolj_model::{Definitions, Document};

/// Each round's documents as asked (see [`uppfolj_model::Round::documents_as_asked`]), kept
/// for the definitions they were derived from. Deriving them cloned the documents' whole tree
/// for every response served, which cost more than the rest of serving it.
#[derive(Clone, Default)]
pub(crate) struct RoundDocuments {
    memo: Arc<Mutex<Memo>>,
}

/// The definitions the derived documents belong to; holding the `Arc` keeps its address from
/// being reused, so pointer equality tells whether a request's definitions are the same.
#[derive(Default)]
struct Memo {
    definitions: Option<Arc<Definitions>>,
    rounds: HashMap<usize, Arc<[Document]>>,
}

impl RoundDocuments {
    /// The documents of the round at `index` in `definitions`, as asked.
    pub fn of(&self, definitions: &Arc<Definitions>, index: usize) -> Arc<[Document]> {
        let mut memo = self.memo.lock().expect("the memo's lock is never poisoned");
        if !memo
            .definitions
            .as_ref()
            .is_some_and(|d| Arc::ptr_eq(d, definitions))
        {
            *memo = Memo {
                definitions: Some(definitions.clone()),
                rounds: HashMap::new(),
            };
        }
        memo.rounds
            .entry(index)
            .or_insert_with(|| {
                definitions.rounds[index]
                    .documents_as_asked(&definitions.documents)
                    .into()
            })
            .clone()
    }
}
