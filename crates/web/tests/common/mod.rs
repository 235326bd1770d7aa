//! A test application: the real router over a fresh database with the Göteborg set, and helpers
//! to make users and send requests.

#![allow(dead_code)]

use std::path::Path;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;
use uppfolj_exchange::definitions;
use uppfolj_model::{Definitions, Email, Key, Role, RoundState};
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, Store};
use uppfolj_web::auth::secrets;
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
        let db = TestDb::new(backend).await;
        db.store.apply_definitions(&goteborg()).await.unwrap();
        db.store
            .set_round_state(&Key::parse("2025").unwrap(), RoundState::Open)
            .await
            .unwrap();
        let config = WebConfig {
            public_url: "http://uppfolj.test".into(),
            secure_cookies: true,
        };
        let router = router(AppState {
            store: db.store.clone(),
            config,
        });
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
