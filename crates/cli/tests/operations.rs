//! Running Uppfölj as a service, through the real binary: settings in layers, backups taken while
//! answers are saved and restored on either backend, the move from SQLite to PostgreSQL, and the
//! audit log.

use crate::common;
use crate::servers::{login, prepared, save};

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{http, ok, start, uppfolj};
use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

/// Runs the binary with the given environment and no `DATABASE_URL`.
fn with_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_uppfolj"));
    command.args(args).env_remove("DATABASE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

#[test]
fn settings_come_in_layers_and_secrets_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uppfolj.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:9100\"\ncity_name = \"Filstad\"\nsmtp_url = \"smtp://u:hemligt@relay:587\"\n\
         public_url = \"https://fil.example\"\nfargen = \"röd\"\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let env = [
        ("UPPFOLJ_CITY_NAME", "Miljöstad"),
        ("UPPFOLJ_PUBLIC_URL", "https://miljo.example"),
        ("DATABASE_URL", "postgres://app:lösen@db/uppfolj"),
        ("UPPFOLJ_METRICS_TOKEN", "mätartoken"),
        ("UPPFOLJ_OKAND", "1"),
    ];
    let output = with_env(
        &["--config", config, "--city-name", "Flaggstad", "config"],
        &env,
    );
    let printed = ok(output.clone());
    let line = |key: &str| {
        printed
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .unwrap_or_else(|| panic!("{key} in {printed}"))
            .to_owned()
    };
    assert!(line("bind").contains("127.0.0.1:9100") && line("bind").contains("filen"));
    assert!(line("city_name").contains("Flaggstad") && line("city_name").contains("--city-name"));
    assert!(
        line("public_url").contains("miljo.example"),
        "the environment beats the file"
    );
    assert!(line("data_dir").contains("# standard"));
    assert!(
        line("smtp_url").contains("u:***@relay"),
        "{}",
        line("smtp_url")
    );
    assert!(line("database_url").contains("app:***@db"));
    assert!(line("metrics_token").contains("\"***\""));
    assert!(
        !printed.contains("hemligt")
            && !printed.contains("lösen")
            && !printed.contains("mätartoken")
    );
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(
        warnings.contains("fargen"),
        "unknown keys are named: {warnings}"
    );
    assert!(warnings.contains("UPPFOLJ_OKAND"), "{warnings}");

    std::fs::write(&file, "bind = \"inte en adress\"\n").unwrap();
    let refused = with_env(&["--config", config, "config"], &[]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("bind"),
        "the bad setting is named: {message}"
    );
    let missing = with_env(&["--config", "/finns/inte.toml", "config"], &[]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/finns/inte.toml"));
    let listed = with_env(
        &["config"],
        &[("UPPFOLJ_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")],
    );
    assert!(ok(listed).contains("trusted_proxies = [\"10.0.0.1\", \"10.0.0.2\"]"));
}

/// The answers of round 2025 as the JSON export writes them.
fn exported(url: &str, dir: &Path, name: &str) -> serde_json::Value {
    let out = dir.join(name);
    let out = out.to_str().unwrap();
    ok(uppfolj(
        url,
        &[
            "export", "answers", "--round", "2025", "--format", "json", "--out", out,
        ],
    ));
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

/// Saves to one question, each save's comment naming its version, until `until`.
fn stream_saves(address: String, token: String, until: Instant) -> std::thread::JoinHandle<i64> {
    std::thread::spawn(move || {
        let mut version = 0;
        while Instant::now() < until {
            let comment = format!("sparning {}", version + 1);
            let reply = save(
                &address,
                &token,
                "trygghetsprogram/strategi-1-1",
                &comment,
                version,
            )
            .unwrap();
            assert_eq!(reply.status, 200, "{}", reply.body);
            version = reply.json()["version"].as_i64().unwrap();
        }
        version
    })
}

async fn a_backup_taken_during_saves_restores_into_either_backend(backend: Backend) {
    let (db, token) = prepared(backend).await;
    let server = start("serve", Some(&db.url));
    let dir = tempfile::tempdir().unwrap();
    let during = dir.path().join("under.db");
    let after = dir.path().join("efter.db");
    let saves = stream_saves(
        server.address.clone(),
        token.clone(),
        Instant::now() + Duration::from_secs(3),
    );
    std::thread::sleep(Duration::from_millis(800));
    ok(uppfolj(&db.url, &["backup", during.to_str().unwrap()]));
    let last = saves.join().unwrap();
    assert!(last > 1, "saves went on around the backup");
    ok(uppfolj(&db.url, &["backup", after.to_str().unwrap()]));
    let log = dir.path().join("efter.db-wal");
    assert!(!log.exists(), "a backup is one self-contained file");
    let source = exported(&db.url, dir.path(), "källa.json");

    for target in [Backend::Sqlite, Backend::Postgres] {
        // The backup taken at rest restores to exactly what the source holds.
        let restored = TestDb::new(target).await;
        ok(uppfolj(
            &restored.url,
            &["restore", after.to_str().unwrap()],
        ));
        assert_eq!(
            exported(&restored.url, dir.path(), "återställd.json"),
            source,
            "{backend:?} → {target:?}"
        );
        // The backup taken mid-stream holds one consistent moment: the answer as of some save.
        let mid = TestDb::new(target).await;
        ok(uppfolj(&mid.url, &["restore", during.to_str().unwrap()]));
        let rows = exported(&mid.url, dir.path(), "mitt.json");
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["organisation"] == "Nämnden för Intraservice"
                    && r["question"] == "Är ert arbete kunskapsbaserat?"
            })
            .expect("Intraservice's answer to strategy 1:1");
        let comment = row["comment"].as_str().unwrap();
        let n: i64 = comment.trim_start_matches("sparning ").parse().unwrap();
        assert!(n >= 1 && n <= last, "{comment} of {last}");
        // A database with data is never overwritten.
        let refused = uppfolj(&mid.url, &["restore", after.to_str().unwrap()]);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("inte tom"));
        assert_eq!(exported(&mid.url, dir.path(), "mitt2.json"), rows);
    }
    let again = uppfolj(&db.url, &["backup", after.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("finns redan"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_during_saves_restores_into_either_backend_from_sqlite() {
    a_backup_taken_during_saves_restores_into_either_backend(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_during_saves_restores_into_either_backend_from_postgres() {
    a_backup_taken_during_saves_restores_into_either_backend(Backend::Postgres).await;
}

/// Moves a database of `from` into a new one of `to` and compares what they export.
async fn migrate_to_copies_everything_and_the_exports_match(from: Backend, to: Backend) {
    let (source, token) = prepared(from).await;
    {
        let server = start("serve", Some(&source.url));
        let saved = save(
            &server.address,
            &token,
            "trygghetsprogram/strategi-1-2",
            "Flyttas.",
            0,
        );
        assert_eq!(saved.unwrap().status, 200);
    }
    ok(uppfolj(
        &source.url,
        &["user", "add", "berit@example.se", "--role", "lasare"],
    ));
    let target = TestDb::new(to).await;
    let printed = ok(uppfolj(&source.url, &["migrate-to", &target.url]));
    assert!(printed.contains("Radantalen stämmer"), "{printed}");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        exported(&target.url, dir.path(), "mål.json"),
        exported(&source.url, dir.path(), "källa.json")
    );
    let definitions = |url: &str, name: &str| {
        let out = dir.path().join(name);
        ok(uppfolj(
            url,
            &["export", "definitions", "--out", out.to_str().unwrap()],
        ));
        let mut files: Vec<(String, String)> = walk(&out);
        files.sort();
        files
    };
    assert_eq!(
        definitions(&target.url, "mål"),
        definitions(&source.url, "källa")
    );
    let audit = |url: &str| ok(uppfolj(url, &["audit", "--json"]));
    assert_eq!(audit(&target.url), audit(&source.url));
    assert!(ok(uppfolj(&target.url, &["user", "list"])).contains("berit@example.se"));
    // The copy's database goes on: a new user gets an id past the copied ones.
    ok(uppfolj(
        &target.url,
        &["user", "add", "cecilia@example.se", "--role", "lasare"],
    ));
    let again = uppfolj(&source.url, &["migrate-to", &target.url]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("inte tom"));
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_to_postgres_copies_everything_and_the_exports_match() {
    migrate_to_copies_everything_and_the_exports_match(Backend::Sqlite, Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_to_sqlite_from_postgres_copies_everything_and_the_exports_match() {
    migrate_to_copies_everything_and_the_exports_match(Backend::Postgres, Backend::Sqlite).await;
}

/// Every file under `dir`, with its text.
fn walk(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    files
}

async fn the_audit_log_records_logins_and_changes_and_refuses_edits(backend: Backend) {
    let (db, _token) = prepared(backend).await;
    let server = start("serve", Some(&db.url));
    login(&server.address, "anna@intraservice.se");
    let form = http(&server.address, "GET", "/logga-in", &[], None).unwrap();
    let csrf = form
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf.trim_start_matches("uppfolj_form=");
    let body = format!("email=anna@intraservice.se&password=fel&csrf={token}");
    let failed = http(
        &server.address,
        "POST",
        "/logga-in",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &csrf),
        ],
        Some(&body),
    )
    .unwrap();
    assert_eq!(failed.status, 401);
    ok(uppfolj(
        &db.url,
        &["user", "add", "david@example.se", "--role", "lasare"],
    ));
    ok(uppfolj(
        &db.url,
        &["user", "deactivate", "david@example.se"],
    ));

    let entries: Vec<serde_json::Value> = ok(uppfolj(&db.url, &["audit", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["user_deactivated", "user_created", "login_failed", "login"]
    );
    assert_eq!(
        entries[1]["after"]["role"], "lasare",
        "the state after, as JSON"
    );
    assert_eq!(entries[2]["actor"], "anna@intraservice.se");
    assert!(
        entries[2]["subject"]
            .as_str()
            .unwrap()
            .starts_with("adress/127.0.0.1")
    );
    let failures = ok(uppfolj(&db.url, &["audit", "--action", "login_failed"]));
    assert_eq!(
        failures.lines().count(),
        2,
        "a header and one entry: {failures}"
    );
    let unknown = uppfolj(&db.url, &["audit", "--action", "radera"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("«radera» finns inte"));
    drop(server);

    for edit in [
        "UPDATE audit_log SET actor = 'någon annan'",
        "DELETE FROM audit_log",
    ] {
        assert!(
            db.store.execute_raw(edit).await.is_err(),
            "{edit} is refused"
        );
    }
    assert_eq!(
        ok(uppfolj(&db.url, &["audit", "--json"])).lines().count(),
        4,
        "nothing was changed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_records_logins_and_changes_and_refuses_edits_on_sqlite() {
    the_audit_log_records_logins_and_changes_and_refuses_edits(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_records_logins_and_changes_and_refuses_edits_on_postgres() {
    the_audit_log_records_logins_and_changes_and_refuses_edits(Backend::Postgres).await;
}

/// The samples of `/metrics`, read by a Prometheus text-format parser.
fn scrape(body: &str) -> prometheus_parse::Scrape {
    let lines = body.lines().map(|l| Ok(l.to_owned()));
    prometheus_parse::Scrape::parse(lines).expect("Prometheus' text format")
}

fn value(scrape: &prometheus_parse::Scrape, metric: &str, label: Option<(&str, &str)>) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric)
        .filter(|s| label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

async fn metrics_are_read_by_allowed_addresses_or_with_the_token(backend: Backend) {
    let (db, token) = prepared(backend).await;
    let guarded = common::start_with(
        "serve",
        Some(&db.url),
        &[
            ("UPPFOLJ_METRICS_ALLOW", "10.9.9.9"),
            ("UPPFOLJ_METRICS_TOKEN", "hemlig-matare"),
        ],
    );
    let saved = save(
        &guarded.address,
        &token,
        "trygghetsprogram/strategi-1-1",
        "Mätt.",
        0,
    );
    assert_eq!(saved.unwrap().status, 200);
    let refused = http(&guarded.address, "GET", "/metrics", &[], None).unwrap();
    assert_eq!(refused.status, 403, "loopback is not on the list here");
    let wrong = [("Authorization", "Bearer fel")];
    assert_eq!(
        http(&guarded.address, "GET", "/metrics", &wrong, None)
            .unwrap()
            .status,
        403
    );
    let right = [("Authorization", "Bearer hemlig-matare")];
    let reply = http(&guarded.address, "GET", "/metrics", &right, None).unwrap();
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let scraped = scrape(&reply.body);
    let route = "/api/v1/rounds/:round/responses/:organisation/answers/:document/:question";
    assert_eq!(
        value(
            &scraped,
            "uppfolj_http_requests_total",
            Some(("route", route))
        ),
        1.0
    );
    assert_eq!(
        value(
            &scraped,
            "uppfolj_http_requests_total",
            Some(("status", "403"))
        ),
        2.0
    );
    assert_eq!(value(&scraped, "uppfolj_answer_saves_total", None), 1.0);
    let backend_name = format!("{backend:?}").to_lowercase();
    assert_eq!(
        value(
            &scraped,
            "uppfolj_build_info",
            Some(("backend", &backend_name))
        ),
        1.0
    );
    assert!(value(&scraped, "uppfolj_database_connections", None) >= 1.0);
    assert!(
        scraped
            .samples
            .iter()
            .any(|s| s.metric == "uppfolj_http_request_duration_seconds"),
        "latency histograms"
    );
    drop(guarded);
    let open = start("serve", Some(&db.url));
    let local = http(&open.address, "GET", "/metrics", &[], None).unwrap();
    assert_eq!(local.status, 200, "the machine itself may read by default");
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_read_by_allowed_addresses_or_with_the_token_on_sqlite() {
    metrics_are_read_by_allowed_addresses_or_with_the_token(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_are_read_by_allowed_addresses_or_with_the_token_on_postgres() {
    metrics_are_read_by_allowed_addresses_or_with_the_token(Backend::Postgres).await;
}
