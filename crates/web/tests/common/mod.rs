//! A test application: the real router over a fresh database with the Göteborg set, and helpers
//! to make users and send requests.

#![allow(dead_code)]

pub mod smtp;

use std::path::Path;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;
use uppfolj_app::secrets;
use uppfolj_exchange::definitions;
use uppfolj_model::{Definitions, Email, Key, Role, RoundState};
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, Store};
use uppfolj_web::{AppState, WebConfig, router};

pub struct TestApp {
    pub db: TestDb,
    pub router: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("JSON expected ({e}): {}", self.text))
    }
}

pub fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

impl TestApp {
    /// The Göteborg set with round 2025 open.
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::with_mailer(backend, None).await
    }

    /// The same, sending e-mail through `mailer`.
    pub async fn with_mailer(
        backend: Backend,
        mailer: Option<uppfolj_app::mail::Mailer>,
    ) -> TestApp {
        let db = TestDb::new(backend).await;
        db.store.apply_definitions(&goteborg()).await.unwrap();
        db.store
            .set_round_state(&Key::parse("2025").unwrap(), RoundState::Open)
            .await
            .unwrap();
        let config = WebConfig {
            public_url: "http://uppfolj.test".into(),
            secure_cookies: true,
            mailer,
            trusted_proxies: vec![],
            theme: Default::default(),
            metrics: Default::default(),
            sso: None,
        };
        let router = router(AppState::new(db.store.clone(), config));
        TestApp { db, router }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    /// Makes a user with a password and returns an API token for them.
    pub async fn user(&self, email: &str, role: Role, organisations: &[&str]) -> String {
        let email = Email::parse(email).unwrap();
        let organisations: Vec<Key> = organisations
            .iter()
            .map(|o| Key::parse(o).unwrap())
            .collect();
        let hash = secrets::hash_password("ett långt lösenord").unwrap();
        let id = self
            .store()
            .create_user(&email, role, &organisations, Some(&hash))
            .await
            .unwrap();
        let token = secrets::new_secret("upf_");
        self.store()
            .create_token(id, "test", &secrets::secret_hash(&token))
            .await
            .unwrap();
        token
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), 1 << 24).await.unwrap();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// A request with a bearer token and, if given, a JSON body.
    pub async fn call(&self, method: Method, uri: &str, token: &str, body: Option<Value>) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).unwrap()).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::GET, uri, token, None).await
    }

    /// Copies round 2025 as round 2026 and opens it, with a coordinator's token: a round whose
    /// previous round is 2025.
    pub async fn open_next_round(&self, coordinator: &str) {
        let next = serde_json::json!({"key": "2026", "name": "Uppföljning 2026", "year": 2026, "opens": "2027-11-15", "closes": "2028-01-31", "copy_from": "2025"});
        let created = self
            .call(Method::POST, "/api/v1/rounds", coordinator, Some(next))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let opened = self
            .call(
                Method::POST,
                "/api/v1/rounds/2026/state",
                coordinator,
                Some(serde_json::json!({"state": "open"})),
            )
            .await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    }
}

// Browser sessions: logging in through the form, and requests with the session cookie.

pub fn cookies(reply: &Reply) -> Vec<(String, String)> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub fn cookie(reply: &Reply, name: &str) -> Option<String> {
    cookies(reply)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Logs in through the form and returns the session cookie.
pub async fn login(app: &TestApp, email: &str, password: &str) -> Reply {
    let form = app
        .send(Request::get("/logga-in").body(Body::empty()).unwrap())
        .await;
    let token = cookie(&form, "uppfolj_form").unwrap();
    let body = format!(
        "email={email}&password={}&csrf={token}",
        password.replace(' ', "+")
    );
    app.send(
        Request::post("/logga-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("uppfolj_form={token}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

pub async fn session(app: &TestApp, email: &str) -> String {
    let reply = login(app, email, "ett långt lösenord").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    cookie(&reply, "uppfolj_session").expect("a session cookie")
}

pub async fn with_cookie(
    app: &TestApp,
    method: Method,
    uri: &str,
    session: &str,
    csrf: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, format!("uppfolj_session={session}"));
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    let body = match body {
        Some(text) if text.starts_with('{') => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(text.to_owned())
        }
        Some(text) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(text.to_owned())
        }
        None => Body::empty(),
    };
    app.send(request.body(body).unwrap()).await
}

/// A user made with `role`: their API token, a session cookie, and the session's CSRF token as
/// the pages' forms carry it.
pub async fn signed_in(
    app: &TestApp,
    email: &str,
    role: Role,
    organisations: &[&str],
) -> (String, String, String) {
    let token = app.user(email, role, organisations).await;
    let cookie = session(app, email).await;
    let page = get_page(app, &cookie, "/").await;
    (token, cookie, hidden(&page.text, "csrf"))
}

/// A respondent of Intraservice and a reader, signed in: the people a coordinator's page must
/// refuse. Each one's session cookie and CSRF token.
pub async fn not_coordinators(app: &TestApp) -> [(String, String); 2] {
    let (_, anna, anna_csrf) = signed_in(
        app,
        "anna@intraservice.se",
        Role::Uppgiftslamnare,
        &["intraservice"],
    )
    .await;
    let (_, lisa, lisa_csrf) = signed_in(app, "lisa@politik.se", Role::Lasare, &[]).await;
    [(anna, anna_csrf), (lisa, lisa_csrf)]
}

/// A page as a browser with the session `cookie` gets it.
pub async fn get_page(app: &TestApp, cookie: &str, uri: &str) -> Reply {
    with_cookie(app, Method::GET, uri, cookie, None, None).await
}

/// A form post as a browser with the session `cookie` sends it.
pub async fn post_form(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Reply {
    with_cookie(app, Method::POST, uri, cookie, None, Some(&encode(fields))).await
}

/// Where a redirect points.
pub fn location(reply: &Reply) -> &str {
    reply.headers[header::LOCATION].to_str().unwrap()
}

/// Declares `name::sqlite` and `name::postgres` tests running `name(TestApp)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::common::TestApp::new(uppfolj_store::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::common::TestApp::new(uppfolj_store::Backend::Postgres).await).await
            }
        }
    )*};
}

/// Encodes form fields as a browser does.
pub fn encode(fields: &[(&str, &str)]) -> String {
    let value = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Declares `name::sqlite` and `name::postgres` tests running `name(TestApp, &SmtpSink)`, each
/// with an SMTP server of its own that the app sends through.
#[macro_export]
macro_rules! on_both_backends_with_mail {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let sink = $crate::common::smtp::SmtpSink::start();
                let app = $crate::common::TestApp::with_mailer(uppfolj_store::Backend::Sqlite, Some(sink.mailer())).await;
                super::$name(app, &sink).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let sink = $crate::common::smtp::SmtpSink::start();
                let app = $crate::common::TestApp::with_mailer(uppfolj_store::Backend::Postgres, Some(sink.mailer())).await;
                super::$name(app, &sink).await
            }
        }
    )*};
}
