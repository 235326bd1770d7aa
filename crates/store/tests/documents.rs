//! Editing steering documents in the store, on both backends: the rule that a question used in a
//! round that has opened is never changed under it, what a round remembers when it opens, moves,
//! retiring and restoring, versions, and unique keys.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_model::{
    AnswerInput, CommentRule, Definitions, Document, DocumentKind, Key, Period, Question,
    QuestionRef, Round, RoundState,
};
use uppfolj_store::{
    Backend, Direction, DocumentFields, QuestionEdit, SaveError, Store, StoreError,
};

on_both_backends!(
    an_unused_question_is_edited_in_place_and_a_stale_version_changes_nothing,
    editing_a_used_question_stores_a_new_version_and_the_opened_round_keeps_the_old,
    an_answer_makes_a_question_used,
    answers_are_saved_to_the_questions_the_round_asked,
    retiring_leaves_opened_rounds_as_they_were_and_drafts_without_it,
    moves_swap_siblings_and_leave_opened_rounds_in_their_order,
    documents_sections_and_questions_are_created_with_unique_keys,
    the_migration_remembers_what_rounds_already_opened_asked,
);

fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let files = definitions::read_files(&[dir]).unwrap();
    definitions::parse(files)
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

const PLAN: &str = "trygghetsprogram";
/// A question of round 2025 limited to some organisations.
const TARGETED: &str = "strategi-3-3";

fn reference(question: &str) -> QuestionRef {
    QuestionRef {
        document: key(PLAN),
        question: key(question),
    }
}

/// The Göteborg set with round 2025 open and, when `next` is given, a draft round 2026 copied
/// from it.
async fn load(store: &Store, next: bool) -> Definitions {
    let mut defs = goteborg();
    if next {
        let mut draft = defs.rounds[0].clone();
        draft.key = key("2026");
        draft.name = "Uppföljning 2026".into();
        draft.year = 2026;
        defs.rounds.push(draft);
    }
    store.apply_definitions(&defs).await.unwrap();
    store
        .set_round_state(&key("2025"), RoundState::Open)
        .await
        .unwrap();
    defs
}

async fn round(store: &Store, key_text: &str) -> Round {
    let defs = store.definitions().await.unwrap();
    defs.rounds
        .iter()
        .find(|r| r.key.as_str() == key_text)
        .unwrap()
        .clone()
}

/// The round's questions as it shows them: key and text, in order.
async fn shown(store: &Store, round_key: &str) -> Vec<(String, String)> {
    let defs = store.definitions().await.unwrap();
    let round = defs
        .rounds
        .iter()
        .find(|r| r.key.as_str() == round_key)
        .unwrap();
    round
        .documents_as_asked(&defs.documents)
        .iter()
        .filter(|d| d.key.as_str() == PLAN)
        .flat_map(|d| {
            d.all_questions()
                .map(|q| (q.key.to_string(), q.text.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn document(store: &Store) -> Document {
    store
        .definitions()
        .await
        .unwrap()
        .documents
        .iter()
        .find(|d| d.key.as_str() == PLAN)
        .unwrap()
        .clone()
}

async fn stored_question(store: &Store, key_text: &str) -> Question {
    document(store)
        .await
        .question(&key(key_text))
        .unwrap()
        .clone()
}

fn reworded(mut question: Question, text: &str) -> Question {
    question.text = text.into();
    question.guidance = vec!["Nytt stycke.".into()];
    question.comment = CommentRule::Required;
    question
}

async fn version(store: &Store, question: &str) -> i64 {
    store.document_versions(&key(PLAN)).await.unwrap().questions[&key(question)]
}

async fn an_unused_question_is_edited_in_place_and_a_stale_version_changes_nothing(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let before = stored_question(store, "strategi-1-1").await;
    let at = version(store, "strategi-1-1").await;
    assert!(
        store
            .question_use(&key(PLAN), &key("strategi-1-1"))
            .await
            .unwrap()
            .is_empty(),
        "round 2025 is a draft and nobody has answered"
    );

    let edit = store
        .edit_question(&key(PLAN), &reworded(before.clone(), "Ny lydelse?"), at)
        .await
        .unwrap();
    assert_eq!(edit, QuestionEdit::InPlace);
    let after = stored_question(store, "strategi-1-1").await;
    assert_eq!(after.text, "Ny lydelse?");
    assert_eq!(after.comment, CommentRule::Required);
    assert_eq!(version(store, "strategi-1-1").await, at + 1);

    let stale = store
        .edit_question(&key(PLAN), &reworded(before, "Gammal flik?"), at)
        .await;
    assert!(matches!(stale, Err(StoreError::Changed)), "{stale:?}");
    assert_eq!(
        stored_question(store, "strategi-1-1").await.text,
        "Ny lydelse?"
    );
}

async fn editing_a_used_question_stores_a_new_version_and_the_opened_round_keeps_the_old(
    store: &Store,
) {
    load(store, true).await;
    let old = stored_question(store, TARGETED).await;
    let old_2025 = shown(store, "2025").await;
    let targets_2025 = round(store, "2025").await.targets;
    let uses = store
        .question_use(&key(PLAN), &key(TARGETED))
        .await
        .unwrap();
    assert_eq!(
        uses.iter().map(|u| u.round.as_str()).collect::<Vec<_>>(),
        ["2025"],
        "the open round uses it; the draft does not"
    );

    let at = version(store, TARGETED).await;
    let edit = store
        .edit_question(&key(PLAN), &reworded(old.clone(), "Ny lydelse?"), at)
        .await
        .unwrap();
    let new_key = format!("{TARGETED}-v2");
    assert_eq!(edit, QuestionEdit::NewVersion(key(&new_key)));

    assert_eq!(
        shown(store, "2025").await,
        old_2025,
        "the open round is unchanged"
    );
    assert_eq!(round(store, "2025").await.targets, targets_2025);
    let draft = shown(store, "2026").await;
    let expected: Vec<(String, String)> = old_2025
        .iter()
        .map(|(k, text)| match k.as_str() {
            TARGETED => (new_key.clone(), "Ny lydelse?".to_owned()),
            _ => (k.clone(), text.clone()),
        })
        .collect();
    assert_eq!(
        draft, expected,
        "the draft asks the new version in the old one's place"
    );
    let moved = round(store, "2026").await;
    let target = moved
        .targets
        .iter()
        .find(|t| t.question == reference(&new_key))
        .expect("the draft's target moved to the new version");
    let original = targets_2025
        .iter()
        .find(|t| t.question == reference(TARGETED))
        .unwrap();
    assert_eq!(target.organisations, original.organisations);
    assert_eq!(target.kinds, original.kinds);
    assert!(
        !moved
            .targets
            .iter()
            .any(|t| t.question == reference(TARGETED))
    );

    let kept = stored_question(store, TARGETED).await;
    assert!(kept.retired, "the old version is retired");
    assert_eq!(kept.text, old.text, "and reads as it did");
    let current = document(store).await.current();
    let section = current
        .sections
        .iter()
        .flat_map(|s| std::iter::once(s).chain(s.sections.iter()))
        .find(|s| s.questions.iter().any(|q| q.key.as_str() == new_key))
        .unwrap();
    assert!(section.questions.iter().all(|q| q.key.as_str() != TARGETED));

    let again = store
        .edit_question(
            &key(PLAN),
            &reworded(stored_question(store, &new_key).await, "Tredje?"),
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        QuestionEdit::InPlace,
        "the new version is used by no round that has opened"
    );
    let stale = store
        .edit_question(&key(PLAN), &reworded(old, "Sent?"), at)
        .await;
    assert!(matches!(stale, Err(StoreError::Changed)), "{stale:?}");
}

async fn an_answer_makes_a_question_used(store: &Store) {
    let defs = goteborg();
    store.apply_definitions(&defs).await.unwrap();
    let question = reference("strategi-1-1");
    store
        .import_answers(
            &key("2025"),
            &key("intraservice"),
            &[(question.clone(), input(Some("ja"), "Ur rapporten"))],
            std::slice::from_ref(&question),
            "import",
        )
        .await
        .unwrap();
    let uses = store
        .question_use(&key(PLAN), &question.question)
        .await
        .unwrap();
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0].state, RoundState::Draft);
    let at = version(store, "strategi-1-1").await;
    let edit = store
        .edit_question(
            &key(PLAN),
            &reworded(stored_question(store, "strategi-1-1").await, "Ny?"),
            at,
        )
        .await
        .unwrap();
    assert_eq!(edit, QuestionEdit::NewVersion(key("strategi-1-1-v2")));
}

fn input(value: Option<&str>, comment: &str) -> AnswerInput {
    AnswerInput {
        value: value.map(str::to_owned),
        comment: comment.into(),
        version: 0,
        withheld: false,
    }
}

async fn answers_are_saved_to_the_questions_the_round_asked(store: &Store) {
    load(store, false).await;
    let old = stored_question(store, "strategi-1-1").await;
    let at = version(store, "strategi-1-1").await;
    store
        .edit_question(&key(PLAN), &reworded(old, "Ny?"), at)
        .await
        .unwrap();
    let (round, org) = (key("2025"), key("intraservice"));
    store
        .save_answer(
            &round,
            &org,
            &reference("strategi-1-1"),
            &input(Some("ja"), ""),
            "a@b.se",
        )
        .await
        .expect("the open round still asks the old version");
    let new = store
        .save_answer(
            &round,
            &org,
            &reference("strategi-1-1-v2"),
            &input(Some("ja"), ""),
            "a@b.se",
        )
        .await;
    assert!(
        matches!(new, Err(SaveError::Store(StoreError::NotFound(_)))),
        "{new:?}"
    );
}

async fn retiring_leaves_opened_rounds_as_they_were_and_drafts_without_it(store: &Store) {
    load(store, true).await;
    let before = shown(store, "2025").await;
    let section = document(store).await.sections[0].sections[0].key.clone();
    let versions = store.document_versions(&key(PLAN)).await.unwrap();
    store
        .set_question_retired(
            &key(PLAN),
            &key("strategi-2-1"),
            versions.questions[&key("strategi-2-1")],
            true,
        )
        .await
        .unwrap();
    store
        .set_section_retired(&key(PLAN), &section, versions.sections[&section], true)
        .await
        .unwrap();
    assert_eq!(
        shown(store, "2025").await,
        before,
        "the open round is unchanged"
    );
    let draft: Vec<String> = shown(store, "2026")
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(!draft.contains(&"strategi-2-1".to_owned()));
    assert!(
        !draft.contains(&"strategi-1-1".to_owned()),
        "under the retired section"
    );
    let stale = store
        .set_question_retired(
            &key(PLAN),
            &key("strategi-2-1"),
            versions.questions[&key("strategi-2-1")],
            false,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Changed)), "{stale:?}");

    let versions = store.document_versions(&key(PLAN)).await.unwrap();
    store
        .set_question_retired(
            &key(PLAN),
            &key("strategi-2-1"),
            versions.questions[&key("strategi-2-1")],
            false,
        )
        .await
        .unwrap();
    store
        .set_section_retired(&key(PLAN), &section, versions.sections[&section], false)
        .await
        .unwrap();
    assert_eq!(shown(store, "2026").await, before, "restored in place");
}

async fn moves_swap_siblings_and_leave_opened_rounds_in_their_order(store: &Store) {
    load(store, true).await;
    let before = shown(store, "2025").await;
    let doc = document(store).await;
    let first = &doc.sections[0].sections[0];
    let (q1, q2) = (
        first.questions[0].key.clone(),
        first.questions[1].key.clone(),
    );
    store
        .move_question(&key(PLAN), &q2, Direction::Up)
        .await
        .unwrap();
    let moved = document(store).await;
    let keys: Vec<&Key> = moved.sections[0].sections[0]
        .questions
        .iter()
        .map(|q| &q.key)
        .collect();
    assert_eq!(&keys[..2], [&q2, &q1]);

    let (s1, s2, s3) = (
        doc.sections[1].sections[0].key.clone(),
        doc.sections[1].sections[1].key.clone(),
        doc.sections[1].sections[2].key.clone(),
    );
    store
        .move_section(&key(PLAN), &s1, Direction::Down)
        .await
        .unwrap();
    store
        .move_section(&key(PLAN), &s1, Direction::Down)
        .await
        .unwrap();
    let moved = document(store).await;
    let sections: Vec<&Key> = moved.sections[1].sections.iter().map(|s| &s.key).collect();
    assert_eq!(sections, [&s2, &s3, &s1]);
    let top = moved.sections[0].key.clone();
    store
        .move_section(&key(PLAN), &top, Direction::Up)
        .await
        .expect("the first stays first");
    assert_eq!(document(store).await.sections[0].key, top);

    assert_eq!(
        shown(store, "2025").await,
        before,
        "the open round keeps its order"
    );
    let draft: Vec<String> = shown(store, "2026")
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_ne!(
        draft,
        before.into_iter().map(|(k, _)| k).collect::<Vec<_>>()
    );
}

async fn documents_sections_and_questions_are_created_with_unique_keys(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let fields = DocumentFields {
        title: "Plan för test".into(),
        report_heading: None,
        kind: DocumentKind::Plan,
        period: Period {
            from: 2025,
            to: 2028,
        },
    };
    store
        .create_document(&key("testplan"), &fields)
        .await
        .unwrap();
    let taken = store.create_document(&key(PLAN), &fields).await;
    assert!(
        matches!(taken, Err(StoreError::Rule(ref m)) if m.contains("används redan")),
        "{taken:?}"
    );

    let doc = key("testplan");
    store
        .add_section(&doc, None, &key("del-1"), Some("Del 1"), "Första delen")
        .await
        .unwrap();
    store
        .add_section(&doc, Some(&key("del-1")), &key("mal-1"), None, "Ett mål")
        .await
        .unwrap();
    let twice = store
        .add_section(&doc, None, &key("mal-1"), None, "Igen")
        .await;
    assert!(matches!(twice, Err(StoreError::Rule(_))), "{twice:?}");
    let question = Question {
        key: key("fraga-1"),
        text: "Har ni gjort det?".into(),
        guidance: vec!["Insats 1".into()],
        audience: Some("samtliga nämnder".into()),
        scale: key("ja-nej"),
        comment: CommentRule::RequiredFor(vec![key("nej")]),
        retired: false,
    };
    store
        .add_question(&doc, &key("mal-1"), &question)
        .await
        .unwrap();
    let twice = store.add_question(&doc, &key("del-1"), &question).await;
    assert!(matches!(twice, Err(StoreError::Rule(_))), "{twice:?}");

    let versions = store.document_versions(&doc).await.unwrap();
    let edited = DocumentFields {
        title: "Plan för prov".into(),
        ..fields.clone()
    };
    store
        .edit_document(&doc, versions.document, &edited)
        .await
        .unwrap();
    let stale = store.edit_document(&doc, versions.document, &fields).await;
    assert!(matches!(stale, Err(StoreError::Changed)));
    store
        .edit_section(
            &doc,
            &key("mal-1"),
            versions.sections[&key("mal-1")],
            Some("Mål 1"),
            "Ett mål",
        )
        .await
        .unwrap();

    let defs = store.definitions().await.unwrap();
    let stored = defs.documents.iter().find(|d| d.key == doc).unwrap();
    assert_eq!(stored.title, "Plan för prov");
    assert_eq!(
        stored.sections[0].sections[0].label.as_deref(),
        Some("Mål 1")
    );
    assert_eq!(stored.sections[0].sections[0].questions, [question]);
    assert!(defs.validate().is_empty(), "{:?}", defs.validate());
}

async fn the_migration_remembers_what_rounds_already_opened_asked(store: &Store) {
    load(store, true).await;
    let remembered = round(store, "2025").await.asked;
    assert!(remembered.as_ref().is_some_and(|a| a.questions.len() == 35));
    assert_eq!(round(store, "2026").await.asked, None);
    let migration = match store.backend() {
        Backend::Sqlite => include_str!("../migrations/sqlite/0005_document_editing.sql"),
        Backend::Postgres => include_str!("../migrations/postgres/0005_document_editing.sql"),
    };
    let filling = &migration[migration
        .find("-- Rounds that have already opened")
        .unwrap()..];
    store
        .execute_raw(&format!(
            "DELETE FROM round_questions; DELETE FROM round_sections; {filling}"
        ))
        .await
        .unwrap();
    store
        .set_round_state(&key("2025"), RoundState::Closed)
        .await
        .unwrap();
    assert_eq!(round(store, "2025").await.asked, remembered);
}
