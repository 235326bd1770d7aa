//! Server-rendered pages: logging in and out, the rounds, a response's form, submission, review
//! and history, reports and compilations, organisations, users, the audit log and each user's own account.
//! Every form posts without JavaScript. This file only mounts the pages; what they share is in
//! `addresses` here and in the crate's `layout` and `forms`.

mod account;
mod addresses;
mod answer_form;
mod answer_save;
mod assets;
mod assignment;
mod audit;
mod compilation;
mod council;
mod documents;
mod history;
mod indicators;
mod organisations;
mod reports;
mod review;
mod round_admin;
mod round_edit;
mod rounds;
mod session;
mod sso;
mod submit;
mod users;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rounds::router())
        .merge(session::router())
        .merge(sso::router())
        .merge(answer_form::router())
        .merge(answer_save::router())
        .merge(submit::router())
        .merge(review::router())
        .merge(round_admin::router())
        .merge(round_edit::router())
        .merge(assignment::router())
        .merge(history::router())
        .merge(reports::router())
        .merge(compilation::router())
        .merge(council::router())
        .merge(indicators::router())
        .merge(organisations::router())
        .merge(users::router())
        .merge(account::router())
        .merge(audit::router())
        .merge(documents::router())
        .merge(assets::router())
}
