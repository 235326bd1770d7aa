//! The coordinators' pages for steering documents: the list and a new document, a document's
//! tree of sections and questions with small forms to add, move, retire and restore, and a page
//! each to edit the document's own fields, a section and a question. Coordinators only; every
//! post carries the CSRF token, and every edit the version it was made from, so that a stale form
//! is a conflict page instead of an overwrite. This file only mounts the pages; what they share
//! is in `common`.

mod authoring;
mod common;
mod document_edit;
mod list;
mod question_edit;
mod section_edit;
mod tree;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/styrdokument", get(list::show).post(list::create))
        .route("/styrdokument/las-in", post(authoring::upload))
        .route("/styrdokument/{document}", get(tree::show))
        .route(
            "/styrdokument/{document}/fragor.xlsx",
            get(authoring::xlsform),
        )
        .route(
            "/styrdokument/{document}/fragor.json",
            get(authoring::surveyjs),
        )
        .route("/styrdokument/{document}/avsnitt", post(tree::add_section))
        .route("/styrdokument/{document}/fragor", post(tree::add_question))
        .route(
            "/styrdokument/{document}/uppgifter",
            get(document_edit::show).post(document_edit::save),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}",
            get(section_edit::show).post(section_edit::save),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}/upp",
            post(tree::section_up),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}/ned",
            post(tree::section_down),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}/utga",
            post(tree::retire_section),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}/aterstall",
            post(tree::restore_section),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}",
            get(question_edit::show).post(question_edit::save),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}/upp",
            post(tree::question_up),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}/ned",
            post(tree::question_down),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}/utga",
            post(tree::retire_question),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}/aterstall",
            post(tree::restore_question),
        )
}
