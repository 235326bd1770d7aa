//! The router without a socket, on both backends: pages serve what the database holds, and bad
//! URLs get a Swedish 404 page.

use std::path::Path;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use uppfolj_exchange::definitions;
use uppfolj_model::Definitions;
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, Store};
use uppfolj_web::{AppState, router};

async fn goteborg(backend: Backend) -> TestDb {
    let db = TestDb::new(backend).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let defs = definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    db.store.apply_definitions(&defs).await.unwrap();
    db
}

async fn get(store: &Store, uri: &str) -> (StatusCode, String) {
    let response = router(AppState {
        store: store.clone(),
    })
    .oneshot(Request::get(uri).body(Body::empty()).unwrap())
    .await
    .unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn pages_show_the_stored_round(backend: Backend) {
    let db = goteborg(backend).await;
    let (status, start) = get(&db.store, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(start.contains("<html lang=\"sv\">"));
    assert!(start.contains("Uppföljning 2025") && start.contains("Utkast"));

    let (status, all) = get(&db.store, "/omgangar/2025").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all.matches("class=\"question\"").count(), 35);
    let (_, framtiden) = get(&db.store, "/omgangar/2025?organisation=framtiden").await;
    assert!(framtiden.contains("Förvaltnings AB Framtiden får"));
    assert!(
        framtiden.contains("Tar ni systematiskt hänsyn till trygghetsskapande"),
        "strategi 3:3 targets Framtiden"
    );
    assert!(
        !framtiden.contains("sociala insatsgrupper"),
        "insats 2:1 goes to the socialnämnder only"
    );
}

async fn unknown_rounds_and_organisations_are_404_in_swedish(backend: Backend) {
    let db = goteborg(backend).await;
    for uri in [
        "/omgangar/1999",
        "/omgangar/Fel%20nyckel",
        "/omgangar/2025?organisation=okand",
        "/finns-inte",
    ] {
        let (status, body) = get(&db.store, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            body.contains("finns inte") && body.contains("lang=\"sv\""),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn pages_show_the_stored_round_sqlite() {
    pages_show_the_stored_round(Backend::Sqlite).await
}

#[tokio::test]
async fn pages_show_the_stored_round_postgres() {
    pages_show_the_stored_round(Backend::Postgres).await
}

#[tokio::test]
async fn unknown_rounds_and_organisations_are_404_in_swedish_sqlite() {
    unknown_rounds_and_organisations_are_404_in_swedish(Backend::Sqlite).await
}

#[tokio::test]
async fn unknown_rounds_and_organisations_are_404_in_swedish_postgres() {
    unknown_rounds_and_organisations_are_404_in_swedish(Backend::Postgres).await
}
