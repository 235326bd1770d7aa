//! Whole-database copies between the backends (backups, restores, the move to PostgreSQL): every
//! row arrives, counts are checked, ids keep growing afterwards, and a filled target is refused.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_model::{
    AnswerInput, Definitions, Email, Key, Organisation, OrganisationKind, QuestionRef, Role,
    RoundState,
};
use uppfolj_store::testing::{TABLES, TestDb};
use uppfolj_store::{Backend, Store, StoreError};

on_both_backends!(the_copy_names_every_table_of_the_schema);

async fn the_copy_names_every_table_of_the_schema(store: &Store) {
    let mut schema = store.schema_tables().await.unwrap();
    schema.sort_unstable();
    let mut copied: Vec<&str> = TABLES.to_vec();
    copied.sort_unstable();
    assert_eq!(schema, copied, "a table is missing from transfer::TABLES");
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

/// Göteborg's definitions, round 2025 open, two answers and a user.
async fn filled(backend: Backend) -> TestDb {
    let db = TestDb::new(backend).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let defs = definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    db.store.apply_definitions(&defs).await.unwrap();
    db.store
        .set_round_state(&key("2025"), RoundState::Open)
        .await
        .unwrap();
    let answer = |value: &str, comment: &str| AnswerInput {
        value: Some(value.to_owned()),
        comment: comment.to_owned(),
        version: 0,
        withheld: false,
    };
    db.store
        .save_answers(
            &key("2025"),
            &key("intraservice"),
            &[
                (
                    QuestionRef::parse("trygghetsprogram/strategi-1-1").unwrap(),
                    answer("ja", "Vi arbetar med «trygghet» – även 𝔘nicode."),
                ),
                (
                    QuestionRef::parse("trygghetsprogram/strategi-1-2").unwrap(),
                    answer("nej", "Inte ännu.\nNästa år."),
                ),
            ],
            "anna@example.se",
        )
        .await
        .unwrap();
    let email = Email::parse("anna@example.se").unwrap();
    db.store
        .create_user(&email, Role::Uppgiftslamnare, &[key("intraservice")], None)
        .await
        .unwrap();
    db
}

/// Copies a filled database of each backend into an empty one of each, and checks the copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_between_any_two_backends_keeps_every_row_and_id() {
    for (from, to) in [
        (Backend::Sqlite, Backend::Postgres),
        (Backend::Postgres, Backend::Sqlite),
        (Backend::Postgres, Backend::Postgres),
        (Backend::Sqlite, Backend::Sqlite),
    ] {
        let source = filled(from).await;
        let target = TestDb::new(to).await;
        let summary = source.store.copy_into(&target.store).await.unwrap();
        assert_eq!(summary, source.store.count_rows().await.unwrap());
        let rows = |table: &str| summary.tables.iter().find(|(t, _)| t == table).unwrap().1;
        assert_eq!(rows("organisations"), 41, "{from:?} → {to:?}");
        assert_eq!(rows("answers"), 2);
        assert_eq!(rows("users"), 1);
        let (copied, original) = (
            target.store.definitions().await.unwrap(),
            source.store.definitions().await.unwrap(),
        );
        assert!(
            copied == original,
            "{from:?} → {to:?}: the definitions differ"
        );
        let answers = |store: &Store| {
            let store = store.clone();
            async move {
                store
                    .answers(&key("2025"), &key("intraservice"))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(answers(&target.store).await, answers(&source.store).await);
        // New rows get ids past the copied ones.
        target
            .store
            .create_organisation(&Organisation {
                key: key("ny-namnd"),
                name: "Ny nämnd".into(),
                short_name: None,
                kind: OrganisationKind::Namnd,
                active: true,
            })
            .await
            .unwrap();
        assert_eq!(
            target
                .store
                .definitions()
                .await
                .unwrap()
                .organisations
                .len(),
            42
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_with_data_is_refused_and_left_as_it_was() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let source = filled(Backend::Sqlite).await;
        let target = filled(backend).await;
        let before = target.store.count_rows().await.unwrap();
        let error = source.store.copy_into(&target.store).await.unwrap_err();
        assert!(
            matches!(error, StoreError::Rule(ref m) if m.contains("inte tom")),
            "{error}"
        );
        assert_eq!(target.store.count_rows().await.unwrap(), before);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_is_a_sqlite_file_from_either_backend() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let source = filled(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kopia.db");
        let summary = source.store.backup(&file).await.unwrap();
        assert_eq!(summary, source.store.count_rows().await.unwrap());
        let copy = Store::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        assert_eq!(copy.count_rows().await.unwrap(), summary);
        let again = source.store.backup(&file).await.unwrap_err();
        assert!(again.to_string().contains("finns redan"), "{again}");
    }
}
