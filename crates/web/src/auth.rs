//! Who is asking: API tokens (`Authorization: Bearer …`) and browser sessions (a cookie whose
//! hash is stored in the database, so every app instance knows every session).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use time::{Duration, OffsetDateTime};
use uppfolj_model::{Actor, AuditAction};

use uppfolj_app::audit::{self, Erased};
use uppfolj_app::secrets::{self, same_secret};

use crate::error::Failure;
use crate::layout::Nav;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "uppfolj_session";
/// A session ends after this long without use.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after login, used or not.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
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

impl Caller {
    /// Records an administrative action by this caller in the audit log.
    pub async fn audit(
        &self,
        state: &AppState,
        action: AuditAction,
        subject: &str,
        before: Option<&dyn Erased>,
        after: Option<&dyn Erased>,
    ) {
        let email = self.actor.email.as_str();
        audit::record(&state.store, email, action, subject, before, after).await;
    }
}

/// A browser session: its stored hash and its CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: String,
    pub csrf: String,
}

impl Caller {
    /// The site header for a caller with a browser session; token callers have no pages with a
    /// way to log out.
    pub fn nav(&self) -> Option<Nav> {
        self.session.as_ref().map(|session| Nav {
            email: self.actor.email.to_string(),
            csrf: session.csrf.clone(),
            manage: self.actor.may_manage(),
        })
    }

    /// The token a page's forms carry; empty for a caller without a session (a token has no
    /// forms).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// Whether a form's CSRF field matches this caller's session. Token callers have no forms.
    pub fn csrf_ok(&self, given: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| same_secret(given, &s.csrf))
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address
/// its `Forwarded` (`for=`) or `X-Forwarded-For` header gives that is not itself a trusted
/// proxy. Nobody else's forwarding headers are believed.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| forwarded_address(value))?
            })
        });
    let x_forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(forwarded_address);
    let chain: Vec<std::net::IpAddr> = if headers.contains_key(header::FORWARDED) {
        forwarded.collect()
    } else {
        x_forwarded.collect()
    };
    // The chain lists the client first and each proxy after; read it from the end, past the
    // trusted proxies, to the first address a trusted proxy vouches for.
    Some(
        chain
            .into_iter()
            .rev()
            .find(|address| !trusted.contains(address))
            .unwrap_or(peer),
    )
}

/// An address as forwarding headers write it: `192.0.2.1`, `"[2001:db8::1]:4711"`, `1.2.3.4:80`.
fn forwarded_address(text: &str) -> Option<std::net::IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse() {
        return Some(address);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    text.rsplit_once(':')?.0.parse().ok()
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
            if !same_secret(given, &session.csrf_token) {
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
    fn forwarding_headers_are_believed_from_trusted_proxies_only() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = ip("10.0.0.1");
        let with = |name: &str, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
            headers
        };
        let xff = with("x-forwarded-for", "203.0.113.9, 198.51.100.2");
        let table = [
            (ip("192.0.2.7"), &xff, vec![proxy], ip("192.0.2.7")),
            (proxy, &xff, vec![], ip("10.0.0.1")),
            (proxy, &xff, vec![proxy], ip("198.51.100.2")),
            (
                proxy,
                &xff,
                vec![proxy, ip("198.51.100.2")],
                ip("203.0.113.9"),
            ),
        ];
        for (peer, headers, trusted, expected) in table {
            assert_eq!(
                client_address(Some(peer), headers, &trusted),
                Some(expected)
            );
        }
        let forwarded = with(
            "forwarded",
            "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.2",
        );
        assert_eq!(
            client_address(Some(proxy), &forwarded, &[proxy, ip("10.0.0.2")]),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
    }
}
