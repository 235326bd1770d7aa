//! The use cases of Uppfölj that the API, the pages and the command line share: finding what a
//! request names for someone who may see it, reading, saving, submitting and deciding on
//! responses, running rounds, making reports and compilations, accounts, logins and e-mail.
//!
//! Each use case is a function in the file named for what it concerns (`responses::submit`,
//! `rounds::create`, `accounts::create_user`, `login::with_password`), takes the [`App`] and the
//! person asking (`uppfolj_model::Actor`), and returns a domain error (`ResponseError`,
//! `RoundError`, …), never an HTTP status: the web layer turns each into problem details for the
//! API and a Swedish page or form error for people, once.

pub mod accounts;
mod application;
pub mod audit;
pub mod authoring;
pub mod council;
mod error;
pub mod login;
pub mod lookup;
pub mod mail;
mod memo;
pub mod oidc;
pub mod organisations;
pub mod reports;
pub mod responses;
pub mod rounds;
pub mod saving;
pub mod secrets;
mod smtp;
pub mod sso;

pub use application::{App, Settings};
pub use error::{AnswerConflict, LookupError, ResponseError, RoundError, RoundField};
