//! Real server processes: two instances sharing one PostgreSQL database, and a server killed
//! with SIGKILL, or stopped with SIGTERM, in the middle of a stream of saves (on both backends).

use crate::common;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::{Reply, api, http, start};
use uppfolj_app::secrets;
use uppfolj_exchange::definitions;
use uppfolj_model::{Definitions, Email, Key, Role, RoundState};
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, Store};

const PASSWORD: &str = "ett långt lösenord";

/// The Göteborg set with round 2025 open, a respondent for Intraservice and their API token.
pub(crate) async fn prepared(backend: Backend) -> (TestDb, String) {
    let db = TestDb::new(backend).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let defs = definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    db.store.apply_definitions(&defs).await.unwrap();
    db.store
        .set_round_state(&Key::parse("2025").unwrap(), RoundState::Open)
        .await
        .unwrap();
    let token = respondent(&db.store, "anna@intraservice.se").await;
    (db, token)
}

async fn respondent(store: &Store, email: &str) -> String {
    let email = Email::parse(email).unwrap();
    let hash = secrets::hash_password(PASSWORD).unwrap();
    let id = store
        .create_user(
            &email,
            Role::Uppgiftslamnare,
            &[Key::parse("intraservice").unwrap()],
            Some(&hash),
        )
        .await
        .unwrap();
    let token = secrets::new_secret("upf_");
    store
        .create_token(id, "test", &secrets::secret_hash(&token))
        .await
        .unwrap();
    token
}

fn answer_path(question: &str) -> String {
    format!("/api/v1/rounds/2025/responses/intraservice/answers/{question}")
}

pub(crate) fn save(
    address: &str,
    token: &str,
    question: &str,
    comment: &str,
    version: i64,
) -> std::io::Result<Reply> {
    let body =
        serde_json::json!({"answer": "ja", "comment": comment, "version": version}).to_string();
    let auth = format!("Bearer {token}");
    http(
        address,
        "PUT",
        &answer_path(question),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(&body),
    )
}

pub(crate) fn login(address: &str, email: &str) -> String {
    let form = http(address, "GET", "/logga-in", &[], None).unwrap();
    let token = form
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("uppfolj_form=")
        .to_owned();
    let body = format!(
        "email={email}&password={}&csrf={token}",
        PASSWORD.replace(' ', "+")
    );
    let cookie = format!("uppfolj_form={token}");
    let reply = http(
        address,
        "POST",
        "/logga-in",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
        Some(&body),
    )
    .unwrap();
    assert_eq!(reply.status, 303, "{}", reply.body);
    reply
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| v.strip_prefix("uppfolj_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_one_postgresql_share_sessions_saves_and_conflicts() {
    let (db, token) = prepared(Backend::Postgres).await;
    let a = start("serve", Some(&db.url));
    let b = start("serve", Some(&db.url));

    let session = login(&a.address, "anna@intraservice.se");
    let cookie = format!("uppfolj_session={session}");
    let me = http(
        &b.address,
        "GET",
        "/api/v1/me",
        &[("Cookie", &cookie)],
        None,
    )
    .unwrap();
    assert_eq!(
        (me.status, me.json()["email"].as_str()),
        (200, Some("anna@intraservice.se")),
        "a session made on A works on B"
    );

    let saved = save(
        &a.address,
        &token,
        "trygghetsprogram/strategi-1-1",
        "sparat på A",
        0,
    )
    .unwrap();
    assert_eq!(saved.status, 200, "{}", saved.body);
    let seen = api(
        &b.address,
        "GET",
        "/api/v1/rounds/2025/responses/intraservice",
        &token,
        None,
    )
    .json();
    assert_eq!(
        seen["questions"][0]["answer"]["comment"], "sparat på A",
        "a save on A is seen on B"
    );

    let questions: Vec<String> = seen["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect();
    for question in &questions[1..] {
        let barrier = Arc::new(Barrier::new(2));
        let racers: Vec<_> = [a.address.clone(), b.address.clone()]
            .into_iter()
            .map(|address| {
                let (barrier, token, question) = (barrier.clone(), token.clone(), question.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    save(&address, &token, &question, &format!("från {address}"), 0)
                        .unwrap()
                        .status
                })
            })
            .collect();
        let mut statuses: Vec<u16> = racers.into_iter().map(|r| r.join().unwrap()).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 409],
            "concurrent saves of {question}: one success, one conflict"
        );
    }
}

/// Streams saves from several clients, stops the server with `signal` mid-stream, restarts it and
/// checks that every acknowledged save is there. SIGTERM stops it gracefully: it finishes the
/// saves under way and exits with success.
async fn acknowledged_saves_survive(backend: Backend, signal: &str) {
    let (db, token) = prepared(backend).await;
    let mut server = start("serve", Some(&db.url));
    let questions = [
        "trygghetsprogram/strategi-1-1",
        "trygghetsprogram/strategi-1-2",
        "trygghetsprogram/strategi-2-1",
        "tystnadskulturer/insats-1-1",
    ];
    let clients: Vec<_> = questions
        .iter()
        .map(|question| {
            let (address, token, question) =
                (server.address.clone(), token.clone(), question.to_string());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let deadline = Instant::now() + Duration::from_secs(20);
                while Instant::now() < deadline {
                    let version = acknowledged.len() as i64;
                    match save(
                        &address,
                        &token,
                        &question,
                        &format!("sparning {}", version + 1),
                        version,
                    ) {
                        Ok(reply) if reply.status == 200 => {
                            acknowledged.push(reply.json()["version"].as_i64().unwrap())
                        }
                        Ok(reply) if reply.status == 0 => break,
                        Ok(reply) => panic!("unexpected {}: {}", reply.status, reply.body),
                        Err(_) => break,
                    }
                }
                (question, acknowledged)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let sent = std::process::Command::new("kill")
        .args(["-s", signal, &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let exit = server.child.wait().unwrap();
    if signal == "TERM" {
        assert!(exit.success(), "a graceful stop exits with success: {exit}");
    }
    let results: Vec<(String, Vec<i64>)> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    assert!(
        results.iter().all(|(_, acked)| !acked.is_empty()),
        "saves were under way when the server died"
    );

    let restarted = start("serve", Some(&db.url));
    let view = api(
        &restarted.address,
        "GET",
        "/api/v1/rounds/2025/responses/intraservice",
        &token,
        None,
    )
    .json();
    // The history comes a page at a time; every page is read.
    let mut changes: Vec<serde_json::Value> = Vec::new();
    let mut page = 1;
    loop {
        let history = api(
            &restarted.address,
            "GET",
            &format!("/api/v1/rounds/2025/responses/intraservice/history?page={page}"),
            &token,
            None,
        )
        .json();
        changes.extend(history["changes"].as_array().unwrap().iter().cloned());
        if page >= history["pages"].as_i64().unwrap() {
            break;
        }
        page += 1;
    }
    for (question, acknowledged) in results {
        let stored = view["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == question.as_str())
            .unwrap();
        let last = *acknowledged.last().unwrap();
        let version = stored["answer"]["version"].as_i64().unwrap();
        assert!(
            version >= last,
            "{question}: acknowledged version {last} lost (stored {version})"
        );
        let kept: Vec<i64> = changes
            .iter()
            .filter(|c| c["question"] == question.as_str())
            .map(|c| c["version"].as_i64().unwrap())
            .collect();
        for v in &acknowledged {
            assert!(
                kept.contains(v),
                "{question}: version {v} missing from the history"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_saves_survive_sigkill_sqlite() {
    acknowledged_saves_survive(Backend::Sqlite, "KILL").await
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_saves_survive_sigkill_postgres() {
    acknowledged_saves_survive(Backend::Postgres, "KILL").await
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_the_saves_under_way_and_loses_none_sqlite() {
    acknowledged_saves_survive(Backend::Sqlite, "TERM").await
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_the_saves_under_way_and_loses_none_postgres() {
    acknowledged_saves_survive(Backend::Postgres, "TERM").await
}

/// `uppfolj healthcheck` against a server on `address`.
fn healthcheck(address: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["healthcheck", "--bind", address])
        .env("UPPFOLJ_LOG", "warn")
        .output()
        .unwrap()
}

async fn a_container_health_check_asks_the_running_server(backend: Backend) {
    let (db, _) = prepared(backend).await;
    let server = start("serve", Some(&db.url));
    let healthy = healthcheck(&server.address);
    assert!(
        healthy.status.success(),
        "{}",
        String::from_utf8_lossy(&healthy.stderr)
    );
    let said: serde_json::Value = serde_json::from_slice(&healthy.stdout).unwrap();
    assert_eq!(said["status"], "ok");
    assert!(said["schema"].as_i64().unwrap() >= 11, "{said}");
    let reply = http(&server.address, "GET", "/halsa", &[], None).unwrap();
    assert_eq!(reply.status, 200, "the old address answers too");
    assert_eq!(
        reply.header("x-request-id").map(str::len),
        Some(16),
        "every answer has an id"
    );
    drop(server);
    let down = healthcheck("127.0.0.1:9");
    assert_eq!(down.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&down.stderr)
            .starts_with("fel: servern på 127.0.0.1:9 svarar inte"),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_health_check_asks_the_running_server_sqlite() {
    a_container_health_check_asks_the_running_server(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_health_check_asks_the_running_server_postgres() {
    a_container_health_check_asks_the_running_server(Backend::Postgres).await;
}
