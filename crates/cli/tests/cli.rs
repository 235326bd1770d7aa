//! The real `uppfolj` binary, end to end, against both backends.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Server, api, goteborg_dir, ok, uppfolj};
use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

/// Every file below `dir`, relative path → text, in a stable order.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn definitions_round_trip_sqlite_to_files_to_postgres_to_files() {
    let sqlite = TestDb::new(Backend::Sqlite).await;
    let postgres = TestDb::new(Backend::Postgres).await;
    let out = tempfile::tempdir().unwrap();
    let (first, second) = (out.path().join("first"), out.path().join("second"));

    ok(uppfolj(&sqlite.url, &["init"]));
    let said = ok(uppfolj(
        &sqlite.url,
        &["import", "definitions", goteborg_dir().to_str().unwrap()],
    ));
    assert_eq!(
        said.trim(),
        "Inläst: 5 svarsskalor, 41 organisationer, 3 styrdokument med 35 frågor, 1 omgång.\n\
         Till rapporten till kommunstyrelsen: 3 indikatorer ändrade, 4 bedömningar och 2 \
         målområdestexter ändrade."
    );
    ok(uppfolj(
        &sqlite.url,
        &["export", "definitions", "--out", first.to_str().unwrap()],
    ));

    ok(uppfolj(
        &postgres.url,
        &["import", "definitions", first.to_str().unwrap()],
    ));
    ok(uppfolj(
        &postgres.url,
        &["export", "definitions", "--out", second.to_str().unwrap()],
    ));

    let (a, b) = (tree(&first), tree(&second));
    assert_eq!(a.len(), 6);
    assert_eq!(a, b);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_file_is_reported_by_line_and_column_and_nothing_is_stored() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let good = goteborg_dir().join("organisations.toml");
        let bad = dir.path().join("round.toml");
        std::fs::write(
            &bad,
            "[round]\nkey = \"2026\"\nname = \"Uppföljning 2026\"\nyear = 2026\nopens = 2027-03-01\ncloses = 2027-01-01\ndocuments = [\"saknas\"]\n",
        )
        .unwrap();
        let output = uppfolj(
            &db.url,
            &[
                "import",
                "definitions",
                good.to_str().unwrap(),
                bad.to_str().unwrap(),
            ],
        );
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let bad_name = bad.display().to_string();
        assert!(
            stderr.contains(&format!(
                "{bad_name}:6:10: omgången stänger (2027-01-01) innan den öppnar (2027-03-01)"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("{bad_name}:7:14: dokumentet «saknas» finns inte")),
            "{stderr}"
        );
        assert!(
            stderr.contains("fel: 2 problem hittades; inget sparades"),
            "{stderr}"
        );
        assert!(
            db.store
                .definitions()
                .await
                .unwrap()
                .organisations
                .is_empty(),
            "the good file was not stored either"
        );
    }
}

#[test]
fn a_wrong_database_url_gives_one_clear_line_and_a_failure_status() {
    let output = uppfolj("mysql://localhost/x", &["init"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("fel: DATABASE_URL «mysql://localhost/x» stöds inte"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_accent_colour_or_logo_stops_the_start_with_the_reason() {
    let faint = uppfolj("sqlite::memory:", &["--accent-colour", "#ffcc00", "init"]);
    assert_eq!(faint.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&faint.stderr);
    assert!(
        stderr.starts_with("fel: färgen #ffcc00 har kontrasten 1.") && stderr.contains("4,5:1"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("logo.gif");
    std::fs::write(&gif, b"GIF89a....").unwrap();
    let logo = uppfolj(
        "sqlite::memory:",
        &["--logo", gif.to_str().unwrap(), "init"],
    );
    assert_eq!(logo.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&logo.stderr)
            .starts_with("fel: logotypen ska vara en SVG-, PNG- eller JPEG-fil")
    );
}

#[test]
fn help_explains_every_command() {
    let help = ok(Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .arg("--help")
        .output()
        .unwrap());
    for command in [
        "init", "demo", "serve", "import", "export", "round", "user", "token",
    ] {
        assert!(help.contains(command), "{command} in {help}");
    }
    let import = ok(Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["import", "definitions", "--help"])
        .output()
        .unwrap());
    assert!(import.contains("fil:rad:kolumn"), "{import}");
}

fn start_demo(url: Option<&str>) -> Server {
    common::start("demo", url)
}

fn get(address: &str, path: &str, token: &str) -> String {
    let reply = api(address, "GET", path, token, None);
    format!("HTTP/1.1 {}\n{}", reply.status, reply.body)
}

fn token(url: &str, user: &str) -> String {
    ok(uppfolj(url, &["token", "create", "--user", user]))
        .trim()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_serves_the_goteborg_round_with_demo_accounts() {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = start_demo(Some(&db.url));
    let token = token(&db.url, "samordnare@demo.uppfolj.se");
    let login_page = get(&server.address, "/logga-in", "");
    assert!(login_page.starts_with("HTTP/1.1 200"), "{login_page}");
    let start = get(&server.address, "/", &token);
    assert!(start.starts_with("HTTP/1.1 200"), "{start}");
    assert!(
        start.contains("Uppföljning 2025") && start.contains("Öppen"),
        "{start}"
    );
    let page = get(
        &server.address,
        "/omgangar/2025?organisation=intraservice",
        &token,
    );
    assert_eq!(page.matches("class=\"question\"").count(), 17);
    assert!(page.contains("1.1.1 Målområde 1: Öka kunskapen"));
    assert!(page.contains("Är ert arbete kunskapsbaserat?"));
    let response = api(
        &server.address,
        "GET",
        "/api/v1/rounds/2025/responses/intraservice",
        &token,
        None,
    )
    .json();
    assert_eq!(response["state"], "draft");
    assert_eq!(
        response["questions"][0]["answer"]["label"], "Nej",
        "the seed report's answers are loaded"
    );
    assert_eq!(
        response["questions"][16]["answer"]["comment"],
        "Det har genomförts aktiviteter på APT-nivå och det finns en ökad medvetenhet inom området."
    );
    let missing = get(&server.address, "/omgangar/1999", &token);
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.contains("omgången «1999» finns inte"));
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_loads_the_same_data_into_postgresql() {
    let db = TestDb::new(Backend::Postgres).await;
    let server = start_demo(Some(&db.url));
    let token = token(&db.url, "sn-centrum@demo.uppfolj.se");
    let page = get(
        &server.address,
        "/omgangar/2025?organisation=socialnamnden-centrum",
        &token,
    );
    assert!(
        page.contains("Har ni infört och utvecklat sociala insatsgrupper (SIG)"),
        "targeted question shown"
    );
    drop(server);
    let stored = db.store.definitions().await.unwrap();
    assert_eq!(
        (stored.organisations.len(), stored.documents.len()),
        (41, 3)
    );
    assert_eq!(
        db.store.users().await.unwrap().len(),
        4,
        "one demo account per role and two respondents"
    );
}

#[test]
fn demo_without_a_database_url_uses_a_fresh_sqlite_file_and_prints_the_accounts() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("UPPFOLJ_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for _ in 0..6 {
        printed.push(lines.next().unwrap().unwrap());
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        printed[0].starts_with("Uppfölj är igång: öppna http://127.0.0.1:"),
        "{printed:?}"
    );
    assert_eq!(printed[1], "Logga in som (lösenord «uppfolj-demo»):");
    assert!(
        printed[2].contains("samordnare@demo.uppfolj.se")
            && printed[3].contains("intraservice@demo.uppfolj.se")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_tokens_are_managed_on_the_command_line() {
    let db = TestDb::new(Backend::Sqlite).await;
    ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg_dir().to_str().unwrap()],
    ));
    let linked = ok(uppfolj(
        &db.url,
        &[
            "user",
            "add",
            "anna@intraservice.se",
            "--role",
            "uppgiftslämnare",
            "--organisation",
            "Nämnden för Intraservice",
        ],
    ));
    assert!(linked.contains("Länk för första inloggningen"), "{linked}");
    assert!(linked.contains("/forsta-inloggning/"), "{linked}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args([
            "user",
            "add",
            "sam@stad.se",
            "--role",
            "samordnare",
            "--password-stdin",
        ])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("ett hemligt lösenord\n".as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(ok(output).trim(), "Användaren sam@stad.se är skapad.");

    let refused = uppfolj(
        &db.url,
        &["user", "add", "x@stad.se", "--role", "uppgiftslamnare"],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("minst en organisation"));
    let duplicate = uppfolj(
        &db.url,
        &["user", "add", "sam@stad.se", "--role", "samordnare"],
    );
    assert!(
        String::from_utf8_lossy(&duplicate.stderr)
            .contains("det finns redan en användare med adressen sam@stad.se")
    );

    let token = ok(uppfolj(
        &db.url,
        &[
            "token",
            "create",
            "--user",
            "sam@stad.se",
            "--name",
            "rapportskript",
        ],
    ));
    assert_eq!(token.lines().count(), 1, "the token alone on stdout");
    assert!(token.starts_with("upf_"));
    let listed = ok(uppfolj(&db.url, &["token", "list"]));
    assert!(
        listed.contains("sam@stad.se\trapportskript")
            && listed.contains("aktiv")
            && !listed.contains(token.trim())
    );
    assert!(listed.starts_with("Id\tAnvändare\tNamn\tSkapad\tStatus\n"));
    let id = listed.lines().nth(1).unwrap().split('\t').next().unwrap();
    assert_eq!(
        ok(uppfolj(&db.url, &["token", "revoke", id])).trim(),
        format!("Token {id} är återkallad.")
    );
    assert!(ok(uppfolj(&db.url, &["token", "list"])).contains("återkallad"));
    let users = ok(uppfolj(&db.url, &["user", "list"]));
    assert_eq!(
        users.lines().collect::<Vec<_>>(),
        [
            "E-post\tRoll\tAktiv\tOrganisationer",
            "anna@intraservice.se\tuppgiftslamnare\tja\tintraservice",
            "sam@stad.se\tsamordnare\tja\t"
        ]
    );

    let off = ok(uppfolj(
        &db.url,
        &["user", "deactivate", "anna@intraservice.se"],
    ));
    assert!(
        off.starts_with("anna@intraservice.se är inaktiverad"),
        "{off}"
    );
    assert!(
        ok(uppfolj(&db.url, &["user", "list"]))
            .contains("anna@intraservice.se\tuppgiftslamnare\tnej\t")
    );
    let last = uppfolj(&db.url, &["user", "deactivate", "sam@stad.se"]);
    assert!(!last.status.success(), "the last active coordinator stays");
    assert!(String::from_utf8_lossy(&last.stderr).contains("sista aktiva samordnaren"));
    ok(uppfolj(
        &db.url,
        &["user", "activate", "anna@intraservice.se"],
    ));
    assert!(
        ok(uppfolj(&db.url, &["user", "list"]))
            .contains("anna@intraservice.se\tuppgiftslamnare\tja\t")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_round_is_opened_closed_and_published_from_the_command_line() {
    let db = TestDb::new(Backend::Sqlite).await;
    ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg_dir().to_str().unwrap()],
    ));
    let listed = ok(uppfolj(&db.url, &["round", "list"]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0],
        "Nyckel\tNamn\tStatus\tÖppnar\tSista dag\tInskickade"
    );
    assert!(
        lines[1].starts_with("2025\tUppföljning 2025\tUtkast\t"),
        "{listed}"
    );
    assert!(lines[1].ends_with("\t0 av 41"), "{listed}");

    assert_eq!(
        ok(uppfolj(&db.url, &["round", "open", "2025"])).trim(),
        "Uppföljning 2025 är öppen."
    );
    let asked = uppfolj(&db.url, &["round", "close", "2025"]);
    assert!(!asked.status.success(), "closing waits for --yes");
    let said = String::from_utf8_lossy(&asked.stdout);
    assert!(
        said.contains("0 av 41 organisationer har skickat in"),
        "{said}"
    );
    assert!(
        String::from_utf8_lossy(&asked.stderr)
            .contains("inget ändrades; kör kommandot igen med --yes")
    );
    assert!(ok(uppfolj(&db.url, &["round", "list"])).contains("\tÖppen\t"));

    let early = uppfolj(&db.url, &["round", "publish", "2025", "--yes"]);
    assert!(
        !early.status.success(),
        "an open round is closed before it is published"
    );
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("är öppen och kan inte bli publicerad"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    assert!(
        ok(uppfolj(&db.url, &["round", "close", "2025", "--yes"]))
            .ends_with("Uppföljning 2025 är stängd.\n")
    );
    let published = ok(uppfolj(&db.url, &["round", "publish", "2025", "--yes"]));
    assert!(published.contains("kan inte dras tillbaka"), "{published}");
    assert!(published.ends_with("Uppföljning 2025 är publicerad.\n"));
    assert!(ok(uppfolj(&db.url, &["round", "list"])).contains("\tPublicerad\t"));
}
