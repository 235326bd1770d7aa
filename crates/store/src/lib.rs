//! Persistence for Uppfölj over SQLite (embedded, the default) and PostgreSQL (shared by several
//! app instances). All SQL lives in this crate; callers see typed functions over model values.
//!
//! Both backends run the same statements through sqlx's `Any` driver: the SQL is written in the
//! common subset (`$1` parameters, `ON CONFLICT`, `RETURNING`), integers are 64-bit, booleans are
//! stored as 0/1 and times as RFC 3339 text, so one code path serves both. Each backend has its own
//! migration tree, because their DDL differs. The exception is SQLite's group-commit writer for
//! answer saves (`writer`), which steps its statements on a rusqlite connection of its own.
//!
//! Files depend one way, so that no file needs one that needs it back (`.ci/import-cycles.py`
//! checks): this file only declares and re-exports; the files of each subject (`accounts`,
//! `definitions`, `responses`, `workflow`, …) extend `store::Store`; `store` starts the `writer`,
//! which runs `saving` over its `catalogue`; and `rows`, `backend` and `error` at the bottom serve
//! every file.

mod accounts;
mod audit;
mod backend;
mod catalogue;
mod council;
mod definitions;
mod documents;
mod error;
mod organisations;
mod reminders;
mod responses;
mod rounds;
mod rows;
mod saving;
mod single_sign_on;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod transfer;
mod workflow;
mod writer;

pub use accounts::{Account, AccountChangeError, SessionRecord, TokenRecord, UserRecord};
pub use audit::AuditFilter;
pub use backend::Backend;
pub use council::{CouncilSummary, VersionedIndicator};
pub use definitions::ApplySummary;
pub use documents::{Direction, DocumentFields, DocumentVersions, QuestionEdit, RoundUse};
pub use error::{SaveError, StoreError, WorkflowError};
pub use organisations::{OrganisationEdit, OrganisationError, VersionedOrganisation};
pub use responses::{HistoryPage, HistoryWindow, ResponseSummary};
pub use saving::SavedAnswer;
pub use single_sign_on::PendingLogin;
pub use store::{Store, mask};
pub use transfer::CopySummary;
pub use workflow::{ResponseEvent, ResponseStatus};
