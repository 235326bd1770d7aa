//! The real `uppfolj` binary, end to end, against both backends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

fn goteborg_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg")
}

fn uppfolj(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("UPPFOLJ_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn ok(output: Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

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
        "Inläst: 5 svarsskalor, 41 organisationer, 3 styrdokument med 35 frågor, 1 omgång."
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
fn help_explains_every_command() {
    let help = ok(Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .arg("--help")
        .output()
        .unwrap());
    for command in ["init", "demo", "serve", "import", "export"] {
        assert!(help.contains(command), "{command} in {help}");
    }
    let import = ok(Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["import", "definitions", "--help"])
        .output()
        .unwrap());
    assert!(import.contains("fil:rad:kolumn"), "{import}");
}

/// A running `uppfolj demo`, stopped when dropped.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_demo(url: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_uppfolj"));
    command
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env("UPPFOLJ_LOG", "warn")
        .stdout(Stdio::piped());
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert!(
        line.starts_with("Uppfölj är igång: öppna http://127.0.0.1:"),
        "{line}"
    );
    Server(child, address)
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn demo_serves_the_goteborg_round_from_a_fresh_sqlite_database() {
    let server = start_demo(None);
    let start = get(&server.1, "/");
    assert!(start.starts_with("HTTP/1.1 200"), "{start}");
    assert!(
        start.contains("Uppföljning 2025") && start.contains("Öppen"),
        "{start}"
    );
    let page = get(&server.1, "/omgangar/2025?organisation=intraservice");
    assert_eq!(page.matches("class=\"question\"").count(), 17);
    assert!(page.contains("1.1.1 Målområde 1: Öka kunskapen"));
    assert!(page.contains("Är ert arbete kunskapsbaserat?"));
    let missing = get(&server.1, "/omgangar/1999");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.contains("omgången «1999» finns inte"));
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_loads_the_same_data_into_postgresql() {
    let db = TestDb::new(Backend::Postgres).await;
    let server = start_demo(Some(&db.url));
    let page = get(
        &server.1,
        "/omgangar/2025?organisation=socialnamnden-centrum",
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
}
