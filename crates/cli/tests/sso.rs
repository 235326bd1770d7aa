//! Single sign-on against a real OpenID provider started on loopback (npm `oidc-provider`, see
//! e2e/oidc/provider.mjs), through the real binary: the authorization code flow with PKCE,
//! state and nonce; accounts matched by verified address and then by subject; roles from a
//! claim; and every refusal — a wrong audience, an expired token, a tampered one, a bad
//! signature, a wrong nonce, a wrong issuer, a replayed or foreign state, an unknown person —
//! each a Swedish page that lets nobody in.

use crate::common;
use crate::servers::prepared;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{Reply, Server, http, ok, start_with, uppfolj};
use uppfolj_store::Backend;

/// The provider, killed when dropped.
struct Provider {
    child: Child,
    address: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on now, for the provider (Uppfölj must know its issuer before the
/// provider, which must know Uppfölj's address, starts).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the provider on `port` for Uppfölj at `app`. It must run: a test that cannot start
/// it fails (`.ci/run` installs its packages).
fn provider(port: u16, app: &str) -> Provider {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/oidc/provider.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .env("OIDC_PORT", port.to_string())
        .env(
            "OIDC_REDIRECT_URIS",
            format!("http://{app}/logga-in/sso/svar"),
        )
        .env(
            "OIDC_POST_LOGOUT_REDIRECT_URIS",
            format!("http://{app}/logga-in"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs the test provider (npm ci in e2e/oidc)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("ISSUER http://127.0.0.1:"),
        "the provider started: «{line}» (is e2e/oidc installed with npm ci?)"
    );
    Provider {
        child,
        address: format!("127.0.0.1:{port}"),
    }
}

/// Uppfölj with single sign-on against a provider on `port`, with more settings in `env`.
fn uppfolj_with_sso(url: &str, port: u16, env: &[(&str, &str)]) -> Server {
    let issuer = format!("http://127.0.0.1:{port}");
    let mut all = vec![
        ("UPPFOLJ_OIDC_ISSUER", issuer.as_str()),
        ("UPPFOLJ_OIDC_CLIENT_ID", "uppfolj"),
        ("UPPFOLJ_OIDC_CLIENT_SECRET", "hemligt"),
        ("UPPFOLJ_OIDC_LABEL", "Testkommunens konto"),
        ("UPPFOLJ_INSECURE_COOKIES", "1"),
    ];
    all.extend_from_slice(env);
    start_with("serve", Some(url), &all)
}

/// `http://host:port/path?query` as the address and the path with its query.
fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    (rest[..slash].to_owned(), rest[slash..].to_owned())
}

/// The cookies a reply sets, by name (an empty value clears one).
fn set_cookies(reply: &Reply, jar: &mut HashMap<String, String>) {
    for (name, value) in &reply.headers {
        if name == "set-cookie"
            && let Some((key, rest)) = value.split_once('=')
        {
            let value = rest.split(';').next().unwrap_or_default();
            if value.is_empty() {
                jar.remove(key);
            } else {
                jar.insert(key.to_owned(), value.to_owned());
            }
        }
    }
}

fn cookie_header(jar: &HashMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn location(reply: &Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("a redirect, got {}: {}", reply.status, reply.body))
        .to_owned()
}

/// A login as it comes back to Uppfölj: the callback's address and the browser's cookies for
/// Uppfölj, before the callback is opened.
struct Back {
    callback: String,
    browser: HashMap<String, String>,
}

/// Starts a login at Uppfölj and logs in at the provider as `login`, up to the provider's
/// redirect back to Uppfölj.
fn through_provider(app: &str, provider: &Provider, login: &str) -> Back {
    let mut browser = HashMap::new();
    let started = http(app, "GET", "/logga-in/sso", &[], None).unwrap();
    assert_eq!(started.status, 303, "{}", started.body);
    set_cookies(&started, &mut browser);
    let (at, auth) = split(&location(&started));
    assert_eq!(at, provider.address, "sent to the provider");
    assert!(auth.contains("code_challenge_method=S256") && auth.contains("nonce="));
    let mut jar = HashMap::new();
    let to_form = http(&at, "GET", &auth, &[], None).unwrap();
    set_cookies(&to_form, &mut jar);
    let interaction = location(&to_form);
    let cookies = cookie_header(&jar);
    let body = format!("login={login}&password=x");
    let posted = http(
        &at,
        "POST",
        &interaction,
        &[
            ("Cookie", &cookies),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(&body),
    )
    .unwrap();
    assert_eq!(posted.status, 303, "{}", posted.body);
    set_cookies(&posted, &mut jar);
    let resume = location(&posted);
    let cookies = cookie_header(&jar);
    let back = http(&at, "GET", &resume, &[("Cookie", &cookies)], None).unwrap();
    let (to, callback) = split(&location(&back));
    assert_eq!(to, app, "sent back to Uppfölj");
    Back { callback, browser }
}

/// Opens the callback in the browser that started the login.
fn arrive(app: &str, back: &Back) -> Reply {
    let cookies = cookie_header(&back.browser);
    http(app, "GET", &back.callback, &[("Cookie", &cookies)], None).unwrap()
}

/// The session cookie a reply sets, if any.
fn session_of(reply: &Reply) -> Option<String> {
    let mut jar = HashMap::new();
    set_cookies(reply, &mut jar);
    jar.remove("uppfolj_session")
}

fn me(app: &str, session: &str) -> serde_json::Value {
    let cookie = format!("uppfolj_session={session}");
    http(app, "GET", "/api/v1/me", &[("Cookie", &cookie)], None)
        .unwrap()
        .json()
}

async fn a_known_person_logs_in_and_is_known_by_subject_afterwards(backend: Backend) {
    let (db, _) = prepared(backend).await;
    let port = free_port();
    let app = uppfolj_with_sso(&db.url, port, &[]);
    let provider = provider(port, &app.address);

    let page = http(&app.address, "GET", "/logga-in", &[], None).unwrap();
    assert!(
        page.body
            .contains("href=\"/logga-in/sso\">Logga in med Testkommunens konto</a>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"password\""),
        "passwords are offered beside it"
    );

    let back = through_provider(&app.address, &provider, "anna");
    let arrived = arrive(&app.address, &back);
    assert_eq!(arrived.status, 303, "{}", arrived.body);
    assert_eq!(arrived.header("location"), Some("/"));
    let session = session_of(&arrived).expect("a session");
    assert_eq!(me(&app.address, &session)["email"], "anna@intraservice.se");
    let entries = ok(uppfolj(&db.url, &["audit", "--action", "login", "--json"]));
    assert!(entries.contains("anna@intraservice.se") && entries.contains("inloggningstjänst"));

    // Tied to the provider's subject now: found by it even after the address changes.
    db.store
        .execute_raw("UPDATE users SET email = 'anna.ny@intraservice.se' WHERE email = 'anna@intraservice.se'")
        .await
        .unwrap();
    let again = arrive(
        &app.address,
        &through_provider(&app.address, &provider, "anna"),
    );
    let session = session_of(&again).expect("a session by subject");
    assert_eq!(
        me(&app.address, &session)["email"],
        "anna.ny@intraservice.se"
    );

    // Logging out offers the provider's end of session.
    let cookie = format!("uppfolj_session={session}");
    let account = http(&app.address, "GET", "/konto", &[("Cookie", &cookie)], None).unwrap();
    let csrf = account.body.split("name=\"csrf\" value=\"").nth(1).unwrap();
    let csrf = csrf.split('"').next().unwrap();
    let out = http(
        &app.address,
        "POST",
        "/logga-ut",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(&format!("csrf={csrf}")),
    )
    .unwrap();
    assert_eq!(out.header("location"), Some("/logga-in?utloggad=1"));
    let after = http(&app.address, "GET", "/logga-in?utloggad=1", &[], None).unwrap();
    assert!(after.body.contains("Du är utloggad ur Uppfölj."));
    assert!(
        after
            .body
            .contains(&format!("http://127.0.0.1:{port}/session/end?")),
        "{}",
        after.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_known_person_logs_in_and_is_known_by_subject_afterwards_on_sqlite() {
    a_known_person_logs_in_and_is_known_by_subject_afterwards(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_known_person_logs_in_and_is_known_by_subject_afterwards_on_postgres() {
    a_known_person_logs_in_and_is_known_by_subject_afterwards(Backend::Postgres).await;
}

/// Sets the provider to spoil the next id token in the named way.
fn spoil_next_token(provider: &Provider, mode: &str) {
    let path = format!("/test/next-token?mode={mode}");
    let set = http(&provider.address, "POST", &path, &[], None).unwrap();
    assert_eq!(set.status, 200, "{}", set.body);
}

async fn every_refusal_lets_nobody_in(backend: Backend) {
    let (db, _) = prepared(backend).await;
    let port = free_port();
    let app = uppfolj_with_sso(&db.url, port, &[]);
    let provider = provider(port, &app.address);
    let refused = |reply: &Reply, status: u16, says: &str| {
        assert_eq!(reply.status, status, "{says}: {}", reply.body);
        assert!(reply.body.contains(says), "«{says}» in {}", reply.body);
        assert!(session_of(reply).is_none(), "{says}: no session");
    };

    for (mode, says) in [
        ("wrong-audience", "utfärdat för en annan tjänst"),
        ("expired", "har gått ut"),
        ("tampered", "signatur stämmer inte"),
        ("bad-signature", "signatur stämmer inte"),
        ("alg-none", "Inloggningsbevis"),
        ("wrong-nonce", "hör inte till den här inloggningen"),
        ("wrong-issuer", "annan utfärdare"),
    ] {
        let back = through_provider(&app.address, &provider, "anna");
        spoil_next_token(&provider, mode);
        refused(&arrive(&app.address, &back), 401, says);
    }

    // A state used once is never taken again (a replayed answer from the provider).
    let back = through_provider(&app.address, &provider, "anna");
    assert_eq!(arrive(&app.address, &back).status, 303);
    refused(&arrive(&app.address, &back), 401, "redan använts");

    // An answer opened in another browser than the one that started the login.
    let back = through_provider(&app.address, &provider, "anna");
    let elsewhere = http(&app.address, "GET", &back.callback, &[], None).unwrap();
    refused(&elsewhere, 401, "startades inte i den här webbläsaren");

    // A person the provider knows and Uppfölj does not: told whom to ask, no account made.
    let back = through_provider(&app.address, &provider, "okand");
    refused(
        &arrive(&app.address, &back),
        403,
        "Du har inget konto i Uppfölj",
    );
    let users = ok(uppfolj(&db.url, &["user", "list"]));
    assert!(!users.contains("okand@example.se"));
    // An unverified address is not matched to the account that has it.
    db.store
        .execute_raw("INSERT INTO users (email, role, password_hash, active, created_at) VALUES ('lena@intraservice.se', 'lasare', NULL, 1, '2026-01-01T00:00:00Z')")
        .await
        .unwrap();
    let back = through_provider(&app.address, &provider, "lena");
    refused(
        &arrive(&app.address, &back),
        403,
        "Du har inget konto i Uppfölj",
    );

    let failed = ok(uppfolj(
        &db.url,
        &["audit", "--action", "login_failed", "--json"],
    ));
    for reason in [
        "audience",
        "expired",
        "signature",
        "nonce",
        "issuer",
        "state_used",
        "state_mismatch",
        "no_account",
    ] {
        assert!(
            failed.contains(reason),
            "{reason} is in the audit log: {failed}"
        );
    }
    drop(provider);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_refusal_lets_nobody_in_on_sqlite() {
    every_refusal_lets_nobody_in(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_refusal_lets_nobody_in_on_postgres() {
    every_refusal_lets_nobody_in(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_from_a_claim_create_and_update_accounts_when_configured() {
    let (db, _) = prepared(Backend::Sqlite).await;
    let port = free_port();
    let app = uppfolj_with_sso(
        &db.url,
        port,
        &[
            ("UPPFOLJ_OIDC_ROLE_CLAIM", "uppfolj_role"),
            ("UPPFOLJ_OIDC_CREATE_USERS", "true"),
            ("UPPFOLJ_OIDC_ONLY", "true"),
        ],
    );
    let provider = provider(port, &app.address);
    let page = http(&app.address, "GET", "/logga-in", &[], None).unwrap();
    assert!(
        !page.body.contains("id=\"password\""),
        "only single sign-on is offered"
    );

    let arrived = arrive(
        &app.address,
        &through_provider(&app.address, &provider, "sam"),
    );
    let session = session_of(&arrived).expect("an account made from the claims");
    let who = me(&app.address, &session);
    assert_eq!(
        (who["email"].as_str(), who["role"].as_str()),
        (Some("samordnare@demo.uppfolj.se"), Some("samordnare"))
    );
    let created = ok(uppfolj(
        &db.url,
        &["audit", "--action", "user_created", "--json"],
    ));
    assert!(created.contains("inloggningstjänsten") && created.contains("sub-sam"));

    // Password logins are refused when single sign-on is the only way.
    let form = http(&app.address, "GET", "/logga-in", &[], None).unwrap();
    let token = form
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = token.trim_start_matches("uppfolj_form=");
    let body =
        format!("email=anna@intraservice.se&password=ett+l%C3%A5ngt+l%C3%B6senord&csrf={csrf}");
    let password = http(
        &app.address,
        "POST",
        "/logga-in",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &token),
        ],
        Some(&body),
    )
    .unwrap();
    assert_eq!(password.status, 403);
    assert!(session_of(&password).is_none());
}
