//! Who is asking: API tokens (`Authorization: Bearer …`) and browser sessions (a cookie whose
//! hash is stored in the database, so every app instance knows every session).

pub mod secrets;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use time::{Duration, OffsetDateTime};
use uppfolj_model::Actor;

use crate::AppState;
use crate::error::Failure;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "uppfolj_session";
/// A session ends after this long without use.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after login, used or not.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// Failed logins in a row before an account is locked.
pub const ACCOUNT_FAILURES: i64 = 5;
/// Failed logins from one address before it is locked; higher, since offices share addresses.
pub const ADDRESS_FAILURES: i64 = 20;
/// How long a lock lasts.
pub const LOCK_DURATION: Duration = Duration::minutes(15);
/// The header that carries the CSRF token when the API is used with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated person behind a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub actor: Actor,
    /// Present when the caller came with a session cookie rather than a token.
    pub session: Option<Session>,
}

/// A browser session: its stored hash and its CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: String,
    pub csrf: String,
}

impl Caller {
    /// Whether a form's CSRF field matches this caller's session. Token callers have no forms.
    pub fn csrf_ok(&self, given: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| constant_time_eq(s.csrf.as_bytes(), given.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads one cookie from the request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Failure> {
        let api = parts.uri.path().starts_with("/api/");
        let unauthenticated = || Failure::unauthenticated(api);
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(unauthenticated)?;
            let (user_id, actor) = state
                .store
                .token_actor(&secrets::secret_hash(token.trim()))
                .await?
                .ok_or_else(unauthenticated)?;
            return Ok(Caller {
                user_id,
                actor,
                session: None,
            });
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(unauthenticated)?;
        let token_hash = secrets::secret_hash(token);
        let session = state
            .store
            .session(&token_hash)
            .await?
            .ok_or_else(unauthenticated)?;
        let now = OffsetDateTime::now_utc();
        if now >= session.expires_at || now - session.last_seen_at >= SESSION_IDLE {
            state.store.delete_session(&token_hash).await?;
            return Err(unauthenticated());
        }
        if now - session.last_seen_at >= Duration::minutes(1) {
            state.store.touch_session(&token_hash).await?;
        }
        if api && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(given.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(Failure::forbidden(
                    api,
                    "CSRF-token saknas eller stämmer inte (sidhuvudet X-CSRF-Token)",
                ));
            }
        }
        Ok(Caller {
            user_id: session.user_id,
            actor: session.actor,
            session: Some(Session {
                token_hash,
                csrf: session.csrf_token,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let request = axum::http::Request::get("/")
            .header(header::COOKIE, "a=1; uppfolj_session=abc; b=2")
            .body(())
            .unwrap();
        assert_eq!(cookie(request.headers(), SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(request.headers(), "c"), None);
    }

    #[test]
    fn constant_time_comparison_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
