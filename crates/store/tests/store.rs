//! The store against both backends: every test runs once on SQLite and once on PostgreSQL.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_model::council_data::CouncilData;
use uppfolj_model::{
    AnswerInput, AnswerValue, Definitions, Key, OrganisationKind, QuestionRef, ResponseState,
    RoundState, Target,
};
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, HistoryWindow, SaveError, Store, StoreError};

on_both_backends!(
    migrations_can_run_again,
    definitions_round_trip_through_the_database,
    importing_twice_changes_nothing,
    a_question_left_out_is_retired_and_comes_back,
    saves_are_versioned_and_kept_in_history,
    a_stale_save_is_a_conflict_that_shows_the_current_answer,
    saves_are_refused_outside_an_open_round_or_the_targeting,
    bad_answers_change_nothing,
    concurrent_first_saves_give_one_success,
    concurrent_saves_stand_or_fall_per_request,
    many_concurrent_first_loads_of_the_definitions_finish,
    round_states_follow_the_workflow,
    a_withheld_comment_is_kept_with_its_answer_and_may_be_marked_after_publication,
    each_round_keeps_its_status_thresholds,
    a_batch_with_one_stale_version_stores_nothing,
    a_batch_mixing_new_and_existing_answers_writes_one_history_row_per_answer,
    a_batch_is_refused_at_its_first_bad_answer,
    a_question_saved_twice_in_one_batch_sees_its_first_save,
    a_batch_for_a_submitted_response_stores_nothing,
    concurrent_saves_of_one_answer_give_one_success,
    concurrent_saves_and_a_submit_never_change_a_submitted_response,
    a_change_of_targeting_applies_to_the_next_save,
    a_save_is_taken_exactly_when_the_model_says_so,
    a_history_is_read_a_page_at_a_time_and_for_one_answer,
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

fn seed_question() -> QuestionRef {
    QuestionRef::parse("trygghetsprogram/strategi-1-1").unwrap()
}

async fn open_goteborg(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    store
        .set_round_state(&key("2025"), RoundState::Open)
        .await
        .unwrap();
}

fn input(value: Option<&str>, comment: &str, version: i64) -> AnswerInput {
    AnswerInput {
        value: value.map(str::to_owned),
        comment: comment.into(),
        version,
        withheld: false,
    }
}

async fn migrations_can_run_again(store: &Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
}

async fn definitions_round_trip_through_the_database(store: &Store) {
    let defs = goteborg();
    let summary = store.apply_definitions(&defs).await.unwrap();
    assert_eq!(
        (
            summary.scales,
            summary.organisations,
            summary.documents,
            summary.rounds
        ),
        (5, 41, 3, 1)
    );
    assert_eq!(summary.questions, 35);
    let loaded = store.definitions().await.unwrap();
    assert_eq!(
        definitions::export(&loaded, &CouncilData::default()),
        definitions::export(&defs, &CouncilData::default())
    );
    assert_eq!(loaded.rounds[0].state, RoundState::Draft);
}

async fn importing_twice_changes_nothing(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let first = definitions::export(&store.definitions().await.unwrap(), &CouncilData::default());
    store.apply_definitions(&goteborg()).await.unwrap();
    let loaded = store.definitions().await.unwrap();
    assert_eq!(definitions::export(&loaded, &CouncilData::default()), first);
    assert_eq!(loaded.organisations.len(), 41);
}

async fn a_question_left_out_is_retired_and_comes_back(store: &Store) {
    let full = goteborg();
    store.apply_definitions(&full).await.unwrap();
    let mut trimmed = full.clone();
    let plan = trimmed
        .documents
        .iter_mut()
        .find(|d| d.key.as_str() == "tystnadskulturer")
        .unwrap();
    plan.sections[0]
        .questions
        .retain(|q| q.key.as_str() != "insats-2-1");
    store
        .apply_definitions(&Definitions {
            documents: vec![plan.clone()],
            ..Definitions::default()
        })
        .await
        .unwrap();

    let loaded = store.definitions().await.unwrap();
    let stored = loaded
        .documents
        .iter()
        .find(|d| d.key.as_str() == "tystnadskulturer")
        .unwrap();
    assert!(
        stored.question(&key("insats-2-1")).unwrap().retired,
        "kept, but retired"
    );
    assert!(stored.current().question(&key("insats-2-1")).is_none());

    store.apply_definitions(&full).await.unwrap();
    assert_eq!(
        definitions::export(&store.definitions().await.unwrap(), &CouncilData::default()),
        definitions::export(&full, &CouncilData::default())
    );
}

async fn a_history_is_read_a_page_at_a_time_and_for_one_answer(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    let (first, second) = (
        seed_question(),
        QuestionRef::parse("trygghetsprogram/strategi-1-2").unwrap(),
    );
    for version in 0..5 {
        for q in [&first, &second] {
            let comment = format!("{} version {}", q.question, version + 1);
            store
                .save_answer(
                    &round,
                    &org,
                    q,
                    &input(Some("ja"), &comment, version),
                    "anna@example.se",
                )
                .await
                .unwrap();
        }
    }
    let window = |question: Option<&QuestionRef>, offset, limit| HistoryWindow {
        question: question.cloned(),
        offset,
        limit,
    };
    let read = |page: uppfolj_store::HistoryPage| {
        let comments: Vec<String> = page.changes.into_iter().map(|c| c.new_comment).collect();
        (page.total, comments)
    };
    assert_eq!(
        read(
            store
                .answer_history(&round, &org, &window(None, 0, 3))
                .await
                .unwrap()
        ),
        (
            10,
            vec![
                "strategi-1-1 version 1".to_owned(),
                "strategi-1-2 version 1".to_owned(),
                "strategi-1-1 version 2".to_owned(),
            ]
        ),
        "the oldest changes first, three of ten"
    );
    assert_eq!(
        read(
            store
                .answer_history(&round, &org, &window(Some(&second), 3, 10))
                .await
                .unwrap()
        ),
        (
            5,
            vec![
                "strategi-1-2 version 4".to_owned(),
                "strategi-1-2 version 5".to_owned(),
            ]
        ),
        "one answer's changes, from the fourth"
    );
    assert_eq!(
        read(
            store
                .answer_history(&round, &org, &window(None, 10, 3))
                .await
                .unwrap()
        ),
        (10, vec![]),
        "past the end"
    );
}

async fn saves_are_versioned_and_kept_in_history(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    let first = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("nej"), "", 0),
            "anna@example.se",
        )
        .await
        .unwrap();
    assert_eq!(first.answer.version, 1);
    let second = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("ej-aktuellt"), "Gäller inte våra tjänster.", 1),
            "bo@example.se",
        )
        .await
        .unwrap();
    assert_eq!(second.answer.version, 2);

    let answers = store.answers(&round, &org).await.unwrap();
    let stored = &answers[&q];
    assert_eq!(stored.value, Some(AnswerValue::Choice(key("ej-aktuellt"))));
    assert_eq!(stored.comment, "Gäller inte våra tjänster.");
    assert_eq!(
        (stored.version, stored.changed_by.as_str()),
        (2, "bo@example.se")
    );

    let history = store
        .answer_history(&round, &org, &HistoryWindow::all())
        .await
        .unwrap()
        .changes;
    let lines: Vec<_> = history
        .iter()
        .map(|h| {
            (
                h.version,
                h.old_value.as_deref(),
                h.new_value.as_deref(),
                h.new_comment.as_str(),
                h.changed_by.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (1, None, Some("nej"), "", "anna@example.se"),
            (
                2,
                Some("nej"),
                Some("ej-aktuellt"),
                "Gäller inte våra tjänster.",
                "bo@example.se"
            ),
        ]
    );
    let progress = store.responses(&round).await.unwrap();
    assert_eq!(progress.len(), 1);
    assert_eq!(
        (
            progress[0].organisation.as_str(),
            progress[0].state,
            progress[0].answered
        ),
        ("intraservice", ResponseState::Draft, 1)
    );
}

async fn a_stale_save_is_a_conflict_that_shows_the_current_answer(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("ja"), "Först", 0),
            "anna@example.se",
        )
        .await
        .unwrap();
    let stale = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("nej"), "Sent", 0),
            "bo@example.se",
        )
        .await;
    match stale {
        Err(SaveError::Conflict {
            current: Some(current),
        }) => {
            assert_eq!((current.comment.as_str(), current.version), ("Först", 1));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let answers = store.answers(&round, &org).await.unwrap();
    assert_eq!(
        answers[&q].comment, "Först",
        "the first save is not overwritten"
    );
    assert_eq!(
        store
            .answer_history(&round, &org, &HistoryWindow::all())
            .await
            .unwrap()
            .changes
            .len(),
        1
    );
}

async fn saves_are_refused_outside_an_open_round_or_the_targeting(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let (round, org) = (key("2025"), key("intraservice"));
    let draft = store
        .save_answer(
            &round,
            &org,
            &seed_question(),
            &input(Some("ja"), "", 0),
            "a@b.se",
        )
        .await;
    assert!(
        matches!(draft, Err(SaveError::RoundNotOpen(RoundState::Draft))),
        "{draft:?}"
    );

    store
        .set_round_state(&round, RoundState::Open)
        .await
        .unwrap();
    let sig = QuestionRef::parse("handlingsplan-gang/insats-2-1").unwrap();
    let not_ours = store
        .save_answer(&round, &org, &sig, &input(Some("ja"), "", 0), "a@b.se")
        .await;
    assert!(
        matches!(not_ours, Err(SaveError::NotAssigned)),
        "{not_ours:?}"
    );
    store
        .save_answer(
            &round,
            &key("socialnamnden-centrum"),
            &sig,
            &input(Some("ja"), "", 0),
            "a@b.se",
        )
        .await
        .unwrap();

    let unknown = QuestionRef::parse("trygghetsprogram/finns-inte").unwrap();
    let missing = store
        .save_answer(&round, &org, &unknown, &input(Some("ja"), "", 0), "a@b.se")
        .await;
    assert!(
        matches!(missing, Err(SaveError::Store(StoreError::NotFound(_)))),
        "{missing:?}"
    );
    assert!(store.answers(&round, &org).await.unwrap().is_empty());
}

async fn bad_answers_change_nothing(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    let foreign = store
        .save_answer(&round, &org, &q, &input(Some("delvis"), "", 0), "a@b.se")
        .await;
    assert!(matches!(foreign, Err(SaveError::Invalid(_))), "{foreign:?}");
    let long = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("ja"), &"x".repeat(10_001), 0),
            "a@b.se",
        )
        .await;
    assert!(matches!(long, Err(SaveError::Invalid(_))), "{long:?}");
    assert!(store.answers(&round, &org).await.unwrap().is_empty());
    assert!(
        store.responses(&round).await.unwrap().is_empty(),
        "no response is started by a refused save"
    );
}

async fn concurrent_first_saves_give_one_success(store: &Store) {
    open_goteborg(store).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .save_answer(
                    &key("2025"),
                    &key("intraservice"),
                    &seed_question(),
                    &input(Some("ja"), &format!("nr {i}"), 0),
                    "a@b.se",
                )
                .await
        }));
    }
    let mut saved = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => saved += 1,
            Err(SaveError::Conflict { .. }) => {}
            Err(other) => panic!("only conflicts may fail: {other:?}"),
        }
    }
    assert_eq!(saved, 1);
    let history = store
        .answer_history(&key("2025"), &key("intraservice"), &HistoryWindow::all())
        .await
        .unwrap()
        .changes;
    assert_eq!(history.len(), 1);
}

async fn round_states_follow_the_workflow(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let round = key("2025");
    let early = store.set_round_state(&round, RoundState::Published).await;
    assert!(matches!(early, Err(StoreError::Rule(_))), "{early:?}");
    for state in [RoundState::Open, RoundState::Closed, RoundState::Published] {
        store.set_round_state(&round, state).await.unwrap();
        assert_eq!(store.round(&round).await.unwrap().state, state);
    }
    assert!(matches!(
        store.set_round_state(&key("1999"), RoundState::Open).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn an_unknown_database_url_is_refused_clearly() {
    let err = Store::connect("mysql://localhost/x").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "DATABASE_URL «mysql://localhost/x» stöds inte; använd sqlite://FIL eller postgres://…"
    );
    let err = Store::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("postgres://nobody:***@127.0.0.1:1/none"),
        "{err}"
    );
}

#[tokio::test]
async fn test_databases_are_isolated() {
    let a = TestDb::new(Backend::Postgres).await;
    let b = TestDb::new(Backend::Postgres).await;
    a.store.apply_definitions(&goteborg()).await.unwrap();
    assert!(
        b.store
            .definitions()
            .await
            .unwrap()
            .organisations
            .is_empty()
    );
}

async fn concurrent_saves_stand_or_fall_per_request(store: &Store) {
    open_goteborg(store).await;
    let round = key("2025");
    let mut tasks = Vec::new();
    for (i, organisation) in [
        "intraservice",
        "kommunstyrelsen",
        "kulturnamnden",
        "valnamnden",
        "ingen-sadan-namnd",
    ]
    .into_iter()
    .enumerate()
    {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut inputs = vec![
                (seed_question(), input(Some("ja"), "", 0)),
                (
                    QuestionRef::parse("trygghetsprogram/strategi-1-2").unwrap(),
                    input(Some("nej"), "Skäl", 0),
                ),
            ];
            if i == 2 {
                // Not assigned to Kulturnämnden: the whole request is refused, alone.
                inputs.push((
                    QuestionRef::parse("handlingsplan-gang/insats-2-1").unwrap(),
                    input(Some("ja"), "", 0),
                ));
            }
            (
                organisation,
                store
                    .save_answers(&key("2025"), &key(organisation), &inputs, "a@b.se")
                    .await,
            )
        }));
    }
    for task in tasks {
        let (organisation, outcome) = task.await.unwrap();
        let stored = store.answers(&round, &key(organisation)).await.unwrap();
        match organisation {
            "kulturnamnden" => {
                assert!(
                    matches!(outcome, Err((2, SaveError::NotAssigned))),
                    "{outcome:?}"
                );
                assert!(stored.is_empty(), "nothing of the refused request is kept");
            }
            "ingen-sadan-namnd" => {
                assert!(
                    matches!(&outcome, Err((0, SaveError::Store(StoreError::NotFound(what)))) if what.contains(organisation)),
                    "{outcome:?}"
                );
            }
            _ => {
                assert_eq!(outcome.unwrap().len(), 2);
                assert_eq!(stored.len(), 2, "{organisation}");
            }
        }
    }
}

async fn many_concurrent_first_loads_of_the_definitions_finish(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let loads: Vec<_> = (0..60)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.definitions().await.map(|d| d.organisations.len()) })
        })
        .collect();
    let all = async {
        for load in loads {
            assert_eq!(load.await.unwrap().unwrap(), 41);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), all)
        .await
        .expect("no load waits forever for a connection");
}

async fn a_withheld_comment_is_kept_with_its_answer_and_may_be_marked_after_publication(
    store: &Store,
) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    let secret = AnswerInput {
        withheld: true,
        ..input(Some("nej"), "Rör en säkerhetsskyddad lokal.", 0)
    };
    let saved = store
        .save_answer(&round, &org, &q, &secret, "anna@example.se")
        .await
        .unwrap();
    assert!(saved.answer.withheld);
    assert!(store.answers(&round, &org).await.unwrap()[&q].withheld);
    let definitions = store.definitions().await.unwrap();
    let responses = store
        .round_responses(&round, &definitions.scales)
        .await
        .unwrap();
    let given = &responses[0].answers[&q];
    assert!(given.withheld, "the compilation's load carries the mark");
    assert_eq!(given.comment, "Rör en säkerhetsskyddad lokal.");

    for state in [RoundState::Closed, RoundState::Published] {
        store.set_round_state(&round, state).await.unwrap();
    }
    let stale = store
        .set_withheld(&round, &org, &q, false, 0, "samordnare@example.se")
        .await;
    assert!(matches!(
        stale,
        Err(SaveError::Conflict { current: Some(_) })
    ));
    let released = store
        .set_withheld(&round, &org, &q, false, 1, "samordnare@example.se")
        .await
        .unwrap();
    assert_eq!(
        (released.answer.version, released.answer.withheld),
        (2, false)
    );
    assert_eq!(released.answer.comment, "Rör en säkerhetsskyddad lokal.");
    let history = store
        .answer_history(&round, &org, &HistoryWindow::all())
        .await
        .unwrap()
        .changes;
    let marks: Vec<(i64, bool, &str)> = history
        .iter()
        .map(|h| (h.version, h.withheld, h.changed_by.as_str()))
        .collect();
    assert_eq!(
        marks,
        [
            (1, true, "anna@example.se"),
            (2, false, "samordnare@example.se")
        ]
    );
    let missing = store
        .set_withheld(&round, &key("arkivnamnden"), &q, true, 1, "s@example.se")
        .await;
    assert!(matches!(
        missing,
        Err(SaveError::Store(StoreError::NotFound(_)))
    ));
}

async fn each_round_keeps_its_status_thresholds(store: &Store) {
    let mut definitions = goteborg();
    definitions.rounds[0].thresholds =
        uppfolj_model::compilation::StatusThresholds::new(0.9, 0.6, 0.3).unwrap();
    store.apply_definitions(&definitions).await.unwrap();
    let round = store.round(&definitions.rounds[0].key).await.unwrap();
    assert_eq!(
        (
            round.thresholds.green,
            round.thresholds.yellow,
            round.thresholds.submitted
        ),
        (0.9, 0.6, 0.3)
    );
}

fn question(path: &str) -> QuestionRef {
    QuestionRef::parse(path).unwrap()
}

/// The answers and history of Intraservice's response, as (question, version, comment) and
/// (question, version, old comment, new comment), to compare before and after a refused batch.
async fn stored(
    store: &Store,
) -> (
    Vec<(String, i64, String)>,
    Vec<(String, i64, String, String)>,
) {
    let (round, org) = (key("2025"), key("intraservice"));
    let mut answers: Vec<_> = store
        .answers(&round, &org)
        .await
        .unwrap()
        .into_values()
        .map(|a| (a.question.to_string(), a.version, a.comment))
        .collect();
    answers.sort();
    let history = store
        .answer_history(&round, &org, &HistoryWindow::all())
        .await
        .unwrap()
        .changes
        .into_iter()
        .map(|h| {
            (
                h.question.to_string(),
                h.version,
                h.old_comment,
                h.new_comment,
            )
        })
        .collect();
    (answers, history)
}

async fn a_batch_with_one_stale_version_stores_nothing(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    store
        .save_answers(
            &round,
            &org,
            &[
                (seed_question(), input(Some("ja"), "Först", 0)),
                (
                    question("trygghetsprogram/strategi-1-2"),
                    input(Some("ja"), "Först", 0),
                ),
            ],
            "anna@example.se",
        )
        .await
        .unwrap();
    let before = stored(store).await;
    let updated_before = store.responses(&round).await.unwrap()[0].updated_at.clone();

    let stale = store
        .save_answers(
            &round,
            &org,
            &[
                (seed_question(), input(Some("nej"), "Andra", 1)),
                (
                    question("trygghetsprogram/strategi-2-3"),
                    input(Some("ja"), "Ny", 0),
                ),
                (
                    question("trygghetsprogram/strategi-1-2"),
                    input(Some("nej"), "Sent", 0),
                ),
            ],
            "bo@example.se",
        )
        .await;
    match stale {
        Err((
            2,
            SaveError::Conflict {
                current: Some(current),
            },
        )) => {
            assert_eq!((current.comment.as_str(), current.version), ("Först", 1));
            assert_eq!(current.question, question("trygghetsprogram/strategi-1-2"));
        }
        other => panic!("expected a conflict at the third answer, got {other:?}"),
    }
    assert_eq!(
        stored(store).await,
        before,
        "no answer and no history row is written"
    );
    assert_eq!(
        store.responses(&round).await.unwrap()[0].updated_at,
        updated_before,
        "the response is not touched"
    );
}

async fn a_batch_mixing_new_and_existing_answers_writes_one_history_row_per_answer(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    let (first, second, third) = (
        seed_question(),
        question("trygghetsprogram/strategi-1-2"),
        question("trygghetsprogram/strategi-2-3"),
    );
    store
        .save_answers(
            &round,
            &org,
            &[
                (first.clone(), input(Some("ja"), "Ett", 0)),
                (second.clone(), input(Some("nej"), "Två", 0)),
            ],
            "anna@example.se",
        )
        .await
        .unwrap();
    store
        .save_answer(
            &round,
            &org,
            &second,
            &input(Some("ja"), "Två igen", 1),
            "anna@example.se",
        )
        .await
        .unwrap();

    let withheld = AnswerInput {
        withheld: true,
        ..input(Some("nej"), "Tre", 0)
    };
    let saved = store
        .save_answers(
            &round,
            &org,
            &[
                (third.clone(), withheld),
                (first.clone(), input(None, "Ett, utan svar", 1)),
                (
                    second.clone(),
                    input(Some("ej-aktuellt"), "Två en tredje gång", 2),
                ),
            ],
            "bo@example.se",
        )
        .await
        .unwrap();
    let versions: Vec<_> = saved
        .iter()
        .map(|s| {
            (
                s.answer.question.clone(),
                s.answer.version,
                s.answer.value.clone(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (third.clone(), 1, Some(AnswerValue::Choice(key("nej")))),
            (first.clone(), 2, None),
            (
                second.clone(),
                3,
                Some(AnswerValue::Choice(key("ej-aktuellt")))
            ),
        ]
    );
    assert!(saved[0].answer.withheld && !saved[1].answer.withheld);
    assert!(saved.iter().all(|s| s.answer.changed_by == "bo@example.se"));

    let answers = store.answers(&round, &org).await.unwrap();
    assert_eq!(answers.len(), 3);
    for s in &saved {
        assert_eq!(answers[&s.answer.question], s.answer, "stored as answered");
    }
    let history = store
        .answer_history(&round, &org, &HistoryWindow::all())
        .await
        .unwrap()
        .changes;
    let rows: Vec<_> = history
        .iter()
        .map(|h| {
            (
                h.question.to_string(),
                h.version,
                h.old_value.as_deref(),
                h.old_comment.as_str(),
                h.new_value.as_deref(),
                h.new_comment.as_str(),
                h.withheld,
                h.changed_by.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "trygghetsprogram/strategi-1-1".into(),
                1,
                None,
                "",
                Some("ja"),
                "Ett",
                false,
                "anna@example.se"
            ),
            (
                "trygghetsprogram/strategi-1-2".into(),
                1,
                None,
                "",
                Some("nej"),
                "Två",
                false,
                "anna@example.se"
            ),
            (
                "trygghetsprogram/strategi-1-2".into(),
                2,
                Some("nej"),
                "Två",
                Some("ja"),
                "Två igen",
                false,
                "anna@example.se"
            ),
            (
                "trygghetsprogram/strategi-2-3".into(),
                1,
                None,
                "",
                Some("nej"),
                "Tre",
                true,
                "bo@example.se"
            ),
            (
                "trygghetsprogram/strategi-1-1".into(),
                2,
                Some("ja"),
                "Ett",
                None,
                "Ett, utan svar",
                false,
                "bo@example.se"
            ),
            (
                "trygghetsprogram/strategi-1-2".into(),
                3,
                Some("ja"),
                "Två igen",
                Some("ej-aktuellt"),
                "Två en tredje gång",
                false,
                "bo@example.se"
            ),
        ]
    );
    let progress = store.responses(&round).await.unwrap();
    assert_eq!(
        (progress[0].state, progress[0].answered),
        (ResponseState::Draft, 2)
    );
}

async fn a_batch_is_refused_at_its_first_bad_answer(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    let fine = (seed_question(), input(Some("ja"), "", 0));
    type Case = (QuestionRef, AnswerInput, fn(&SaveError) -> bool);
    let cases: [Case; 3] = [
        (
            question("trygghetsprogram/finns-inte"),
            input(Some("ja"), "", 0),
            |e| matches!(e, SaveError::Store(StoreError::NotFound(what)) if what == "frågan «trygghetsprogram/finns-inte» i omgången «2025»"),
        ),
        (
            question("handlingsplan-gang/insats-2-1"),
            input(Some("ja"), "", 0),
            |e| matches!(e, SaveError::NotAssigned),
        ),
        (
            question("trygghetsprogram/strategi-1-2"),
            input(Some("kanske"), "", 0),
            |e| matches!(e, SaveError::Invalid(_)),
        ),
    ];
    for (bad, bad_input, expected) in cases {
        let outcome = store
            .save_answers(
                &round,
                &org,
                &[
                    fine.clone(),
                    (bad, bad_input),
                    (
                        question("trygghetsprogram/finns-inte-heller"),
                        input(Some("ja"), "", 0),
                    ),
                ],
                "a@b.se",
            )
            .await;
        match outcome {
            Err((1, error)) => assert!(expected(&error), "{error:?}"),
            other => panic!("expected a refusal of the second answer, got {other:?}"),
        }
    }
    let unknown = store
        .save_answers(
            &round,
            &key("finns-inte"),
            std::slice::from_ref(&fine),
            "a@b.se",
        )
        .await;
    assert!(
        matches!(&unknown, Err((0, SaveError::Store(StoreError::NotFound(what)))) if what == "organisationen «finns-inte»"),
        "{unknown:?}"
    );
    assert!(store.answers(&round, &org).await.unwrap().is_empty());
    assert!(store.responses(&round).await.unwrap().is_empty());
}

async fn a_question_saved_twice_in_one_batch_sees_its_first_save(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    let twice_from_zero = store
        .save_answers(
            &round,
            &org,
            &[
                (q.clone(), input(Some("ja"), "Ett", 0)),
                (q.clone(), input(Some("nej"), "Två", 0)),
            ],
            "a@b.se",
        )
        .await;
    match twice_from_zero {
        Err((
            1,
            SaveError::Conflict {
                current: Some(current),
            },
        )) => {
            assert_eq!((current.comment.as_str(), current.version), ("Ett", 1))
        }
        other => panic!("expected the second save to conflict with the first, got {other:?}"),
    }
    assert!(store.answers(&round, &org).await.unwrap().is_empty());

    let saved = store
        .save_answers(
            &round,
            &org,
            &[
                (q.clone(), input(Some("ja"), "Ett", 0)),
                (q.clone(), input(Some("nej"), "Två", 1)),
            ],
            "a@b.se",
        )
        .await
        .unwrap();
    assert_eq!(
        saved.iter().map(|s| s.answer.version).collect::<Vec<_>>(),
        [1, 2]
    );
    let answers = store.answers(&round, &org).await.unwrap();
    assert_eq!(
        (answers[&q].version, answers[&q].comment.as_str()),
        (2, "Två")
    );
    let (_, history) = stored(store).await;
    assert_eq!(
        history,
        [
            (q.to_string(), 1, String::new(), "Ett".to_owned()),
            (q.to_string(), 2, "Ett".to_owned(), "Två".to_owned()),
        ]
    );
}

async fn a_batch_for_a_submitted_response_stores_nothing(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    store
        .save_answer(
            &round,
            &org,
            &seed_question(),
            &input(Some("ja"), "", 0),
            "a@b.se",
        )
        .await
        .unwrap();
    store
        .change_response(&round, &org, "a@b.se", "", false, |state, _| {
            Ok(state.submit()?)
        })
        .await
        .unwrap();
    let before = stored(store).await;
    let locked = store
        .save_answers(
            &round,
            &org,
            &[
                (
                    question("trygghetsprogram/strategi-1-2"),
                    input(Some("ja"), "", 0),
                ),
                (seed_question(), input(Some("nej"), "", 1)),
            ],
            "a@b.se",
        )
        .await;
    assert!(
        matches!(locked, Err((0, SaveError::Locked(_)))),
        "{locked:?}"
    );
    assert_eq!(stored(store).await, before);
    assert_eq!(
        store.responses(&round).await.unwrap()[0].state,
        ResponseState::Submitted
    );
}

async fn concurrent_saves_of_one_answer_give_one_success(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    store
        .save_answer(&round, &org, &q, &input(Some("ja"), "Först", 0), "a@b.se")
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let other = question("trygghetsprogram/strategi-1-2");
                let inputs = [
                    (other, input(Some("ja"), &format!("nr {i}"), 0)),
                    (seed_question(), input(Some("nej"), &format!("nr {i}"), 1)),
                ];
                store
                    .save_answers(&key("2025"), &key("intraservice"), &inputs, "a@b.se")
                    .await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(saved) => winners.push(saved[1].answer.comment.clone()),
            Err((_, SaveError::Conflict { .. })) => {}
            Err(other) => panic!("only conflicts may fail: {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one save wins");
    let answers = store.answers(&round, &org).await.unwrap();
    assert_eq!(
        (answers[&q].version, &answers[&q].comment),
        (2, &winners[0])
    );
    let (_, history) = stored(store).await;
    assert_eq!(
        history.len(),
        3,
        "the first save and the winner's two answers"
    );
}

async fn concurrent_saves_and_a_submit_never_change_a_submitted_response(store: &Store) {
    open_goteborg(store).await;
    let (round, org) = (key("2025"), key("intraservice"));
    store
        .save_answer(
            &round,
            &org,
            &seed_question(),
            &input(Some("ja"), "", 0),
            "a@b.se",
        )
        .await
        .unwrap();
    let saves: Vec<_> = [
        "trygghetsprogram/strategi-1-2",
        "trygghetsprogram/strategi-2-3",
        "trygghetsprogram/strategi-2-1",
        "trygghetsprogram/strategi-2-2",
    ]
    .into_iter()
    .map(|path| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .save_answer(
                    &key("2025"),
                    &key("intraservice"),
                    &question(path),
                    &input(Some("ja"), "", 0),
                    "a@b.se",
                )
                .await
        })
    })
    .collect();
    let mut seen_by_submit = 0;
    store
        .change_response(&round, &org, "s@b.se", "", false, |state, answers| {
            seen_by_submit = answers.len();
            Ok(state.submit()?)
        })
        .await
        .unwrap();
    for save in saves {
        match save.await.unwrap() {
            Ok(_) | Err(SaveError::Locked(_)) => {}
            Err(other) => panic!("a save is stored or refused as locked: {other:?}"),
        }
    }
    assert_eq!(
        store.answers(&round, &org).await.unwrap().len(),
        seen_by_submit,
        "every save landed before the submit saw the answers, or was refused"
    );
}

/// SQLite's writer keeps what each round asks between commits; a change made elsewhere must reach
/// the next save all the same.
async fn a_change_of_targeting_applies_to_the_next_save(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    store
        .save_answer(&round, &org, &q, &input(Some("ja"), "", 0), "a@b.se")
        .await
        .unwrap();

    let mut companies_only = goteborg();
    let asked = companies_only
        .rounds
        .iter_mut()
        .find(|r| r.key == round)
        .unwrap();
    asked.targets.retain(|t| t.question != q);
    asked.targets.push(Target {
        question: q.clone(),
        organisations: Vec::new(),
        kinds: vec![OrganisationKind::Bolag],
    });
    store.apply_definitions(&companies_only).await.unwrap();
    let refused = store
        .save_answer(&round, &org, &q, &input(Some("nej"), "Skäl", 1), "a@b.se")
        .await;
    assert!(
        matches!(refused, Err(SaveError::NotAssigned)),
        "{refused:?}"
    );

    store.apply_definitions(&goteborg()).await.unwrap();
    let saved = store
        .save_answer(&round, &org, &q, &input(Some("nej"), "Skäl", 1), "a@b.se")
        .await
        .unwrap();
    assert_eq!(saved.answer.version, 2);
}

/// How many times SQLite has started the WAL over: the checkpoint sequence number in its header.
fn wal_restarts(database: &Path) -> u32 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    let header = std::fs::read(&wal).expect("the WAL exists");
    u32::from_be_bytes(header[12..16].try_into().unwrap())
}

/// Under a steady stream of saves the WAL must still start over from its beginning now and then,
/// or it grows by every page ever written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_starts_over_under_a_steady_stream_of_saves() {
    let db = TestDb::new(Backend::Sqlite).await;
    let store = &db.store;
    open_goteborg(store).await;
    let file = Path::new(db.url.trim_start_matches("sqlite://")).to_owned();
    let before = wal_restarts(&file);

    let until = std::time::Instant::now() + std::time::Duration::from_millis(2200);
    let organisations = store.definitions().await.unwrap().organisations.clone();
    let mut tasks = Vec::new();
    for organisation in organisations.into_iter().take(16) {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut version = 0;
            while std::time::Instant::now() < until {
                let saved = store
                    .save_answer(
                        &key("2025"),
                        &organisation.key,
                        &seed_question(),
                        &input(Some("ja"), "Kommentar", version),
                        "a@b.se",
                    )
                    .await
                    .unwrap();
                version = saved.answer.version;
            }
            version
        }));
    }
    let mut saves = 0;
    for task in tasks {
        saves += task.await.unwrap();
    }
    let restarts = wal_restarts(&file) - before;
    assert!(
        restarts >= 2,
        "the WAL started over {restarts} times during {saves} saves in 2.2 s"
    );
}

/// The save path asks the model's rules (`Round::is_assigned`, `Round::takes_answers`) of what it
/// reads: a question targeted by the organisation's key, by its kind, to others only or to
/// nobody, an inactive organisation, a closed round, and one reopened for the organisation.
async fn a_save_is_taken_exactly_when_the_model_says_so(store: &Store) {
    open_goteborg(store).await;
    let (round, org, q) = (key("2025"), key("intraservice"), seed_question());
    let target = |organisations: &[&str], kinds: &[OrganisationKind]| {
        Some(Target {
            question: q.clone(),
            organisations: organisations.iter().map(|k| key(k)).collect(),
            kinds: kinds.to_vec(),
        })
    };
    let cases = [
        (None, true),
        (target(&["intraservice"], &[]), true),
        (target(&["socialnamnden-centrum"], &[]), false),
        (target(&[], &[OrganisationKind::Namnd]), true),
        (
            target(&["socialnamnden-centrum"], &[OrganisationKind::Bolag]),
            false,
        ),
        (target(&[], &[]), false),
    ];
    let mut version = 0;
    for (i, (target, taken)) in cases.into_iter().enumerate() {
        let mut definitions = goteborg();
        let asked = definitions
            .rounds
            .iter_mut()
            .find(|r| r.key == round)
            .unwrap();
        asked.targets.retain(|t| t.question != q);
        asked.targets.extend(target);
        store.apply_definitions(&definitions).await.unwrap();
        let model = store.definitions().await.unwrap();
        let organisation = model.organisations.iter().find(|o| o.key == org).unwrap();
        let model_round = model.rounds.iter().find(|r| r.key == round).unwrap();
        assert_eq!(model_round.is_assigned(&q, organisation), taken, "case {i}");
        let saved = store
            .save_answer(&round, &org, &q, &input(Some("ja"), "", version), "a@b.se")
            .await;
        match saved {
            Ok(saved) if taken => version = saved.answer.version,
            Err(SaveError::NotAssigned) if !taken => {}
            other => panic!("case {i}: expected taken = {taken}, got {other:?}"),
        }
    }
    store.apply_definitions(&goteborg()).await.unwrap();

    store.set_organisation_active(&org, false).await.unwrap();
    let inactive = store
        .save_answer(&round, &org, &q, &input(Some("ja"), "", version), "a@b.se")
        .await;
    assert!(
        matches!(inactive, Err(SaveError::NotAssigned)),
        "{inactive:?}"
    );
    store.set_organisation_active(&org, true).await.unwrap();

    store
        .set_round_state(&round, RoundState::Closed)
        .await
        .unwrap();
    let closed = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("nej"), "Sent", version),
            "a@b.se",
        )
        .await;
    assert!(
        matches!(closed, Err(SaveError::RoundNotOpen(RoundState::Closed))),
        "{closed:?}"
    );
    let status = store.response_status(&round, &org).await.unwrap();
    let model = store.definitions().await.unwrap();
    let closed_round = model.rounds.iter().find(|r| r.key == round).unwrap();
    assert!(!closed_round.takes_answers(status.reopened));
    store
        .change_response(&round, &org, "a@b.se", "Sent svar", true, |state, _| {
            Ok(state)
        })
        .await
        .unwrap();
    let status = store.response_status(&round, &org).await.unwrap();
    assert!(closed_round.takes_answers(status.reopened));
    let reopened = store
        .save_answer(
            &round,
            &org,
            &q,
            &input(Some("nej"), "Sent", version),
            "a@b.se",
        )
        .await
        .unwrap();
    assert_eq!(reopened.answer.version, version + 1);
    let other = store
        .save_answer(
            &round,
            &key("socialnamnden-centrum"),
            &QuestionRef::parse("handlingsplan-gang/insats-2-1").unwrap(),
            &input(Some("ja"), "", 0),
            "a@b.se",
        )
        .await;
    assert!(
        matches!(other, Err(SaveError::RoundNotOpen(RoundState::Closed))),
        "reopened for one organisation only: {other:?}"
    );
}
