//! The web crate's behaviour through the real router, on both backends. One test binary for all
//! of them, so that the workspace links (and stores) one large executable here instead of one per file.

#[macro_use]
mod common;
mod access;
mod answer_form;
mod api;
mod council;
mod council_api;
mod coverage;
mod documents;
mod hardening;
mod mail;
mod pages;
mod people;
mod publication;
mod round_admin;
mod round_edit;
