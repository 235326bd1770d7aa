//! Recording administrative actions in the audit log, for every entry point alike: the pages,
//! the API and the command line call [`record`] after a change has been stored.

use serde::Serialize;
use uppfolj_model::AuditAction;
use uppfolj_store::Store;

/// Records that `actor` did `action` to `subject`, with the object before and after (as JSON).
/// The change is already stored when this runs: a failure to record is logged as an error for
/// the operators rather than turned into a failure of a change that happened.
pub async fn record(
    store: &Store,
    actor: &str,
    action: AuditAction,
    subject: &str,
    before: Option<&dyn Erased>,
    after: Option<&dyn Erased>,
) {
    let json = |value: Option<&dyn Erased>| value.and_then(Erased::json);
    if let Err(error) = store
        .record(actor, action, subject, json(before), json(after))
        .await
    {
        tracing::error!(%error, action = action.code(), subject, actor, "the audit log could not be written");
    }
}

/// Anything serialisable, behind a reference that fits in one argument type.
pub trait Erased: Sync {
    /// The value as JSON text.
    fn json(&self) -> Option<String>;
}

impl<T: Serialize + Sync> Erased for T {
    fn json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}
