//! Logging in with the city's identity provider: `/logga-in/sso` sends the browser there with
//! a fresh state, nonce and PKCE challenge, and `/logga-in/sso/svar` takes it back: the state
//! must be the one this browser was given and unused, the id token must pass every check, and
//! the identity must have an account. Every refusal is a Swedish page, logged and audited, and
//! lets no one in.

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use uppfolj_app::{audit, secrets, sso};
use uppfolj_model::AuditAction;

use super::session::{client_address, cookie_header, start_session};
use crate::layout::{Nav, page};
use crate::{AppState, WebError};

/// The cookie that ties a login under way to the browser that started it.
const SSO_COOKIE: &str = "uppfolj_sso";

/// How long someone may take at the provider.
const PENDING: Duration = Duration::minutes(10);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/logga-in/sso", get(start))
        .route("/logga-in/sso/svar", get(callback))
}

#[derive(Template)]
#[template(path = "sso_refused.html")]
struct RefusedPage {
    nav: Option<Nav>,
    message: String,
}

/// A refusal: the page, and the cookie of the login under way cleared.
fn refused(state: &AppState, status: StatusCode, message: String) -> Response {
    let mut response = page(RefusedPage { nav: None, message }, status);
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie_header(state, SSO_COOKIE, "", 0));
    response
}

async fn start(State(state): State<AppState>) -> Result<Response, WebError> {
    let Some(provider) = &state.sso else {
        return Err(WebError::NotFound(
            "inloggning med inloggningstjänst".into(),
        ));
    };
    let started = match provider.start().await {
        Ok(started) => started,
        Err(error) => {
            tracing::warn!(%error, detail = ?error, "single sign-on could not start");
            return Ok(refused(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                error.to_string(),
            ));
        }
    };
    let expires = OffsetDateTime::now_utc() + PENDING;
    state
        .store
        .begin_sso_login(
            &secrets::secret_hash(&started.state),
            &started.pending,
            expires,
        )
        .await?;
    let mut response = Redirect::to(&started.url).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&state, SSO_COOKIE, &started.state, PENDING.whole_seconds()),
    );
    Ok(response)
}

/// What the provider sends back: a code and the state, or an error.
#[derive(Deserialize)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Query(answer): Query<Answer>,
) -> Result<Response, WebError> {
    let Some(provider) = &state.sso else {
        return Err(WebError::NotFound(
            "inloggning med inloggningstjänst".into(),
        ));
    };
    let address = client_address(&state, peer, &headers);
    let fail = |reason: &'static str, actor: String| {
        let store = state.store.clone();
        let subject = format!("adress/{address} ({reason})");
        async move {
            tracing::warn!(reason, "single sign-on refused");
            audit::record(
                &store,
                &actor,
                AuditAction::LoginFailed,
                &subject,
                None,
                None,
            )
            .await;
        }
    };
    let provider_name = || "inloggningstjänsten".to_owned();
    if let Some(error) = &answer.error {
        fail("provider_error", provider_name()).await;
        let detail = answer.error_description.as_deref().unwrap_or(error);
        let message = format!("Inloggningstjänsten avbröt inloggningen: {detail}");
        return Ok(refused(&state, StatusCode::UNAUTHORIZED, message));
    }
    let (Some(code), Some(given)) = (&answer.code, &answer.state) else {
        fail("incomplete", provider_name()).await;
        let message = "Svaret från inloggningstjänsten saknade kod eller tillstånd. Börja om.";
        return Ok(refused(&state, StatusCode::BAD_REQUEST, message.into()));
    };
    // The state must be the one given to this browser, so that nobody can log someone else
    // in by sending them a link with their own answer.
    let ours = crate::auth::cookie(&headers, SSO_COOKIE);
    if !ours.is_some_and(|c| crate::auth::constant_time_eq(c.as_bytes(), given.as_bytes())) {
        fail("state_mismatch", provider_name()).await;
        let message = "Inloggningen startades inte i den här webbläsaren, eller har redan avslutats. Börja om från inloggningssidan.";
        return Ok(refused(&state, StatusCode::UNAUTHORIZED, message.into()));
    }
    let now = OffsetDateTime::now_utc();
    let Some(pending) = state
        .store
        .take_sso_login(&secrets::secret_hash(given), now)
        .await?
    else {
        fail("state_used", provider_name()).await;
        let message = "Inloggningen har redan använts eller tagit för lång tid. Börja om från inloggningssidan.";
        return Ok(refused(&state, StatusCode::UNAUTHORIZED, message.into()));
    };
    let identity = match provider.finish(code, &pending).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(code = error.code(), detail = ?error, "an id token was refused");
            fail(error.code(), provider_name()).await;
            let message = format!("{error} Börja om från inloggningssidan.");
            return Ok(refused(&state, StatusCode::UNAUTHORIZED, message));
        }
    };
    let who = identity
        .email
        .clone()
        .unwrap_or_else(|| format!("subjekt {}", identity.subject));
    let user = match sso::account_for(&state.app, &provider.settings, &identity).await {
        Ok(user) => user,
        Err(sso::Unknown::Store(e)) => return Err(e.into()),
        Err(unknown) => {
            fail("no_account", who).await;
            return Ok(refused(&state, StatusCode::FORBIDDEN, unknown.to_string()));
        }
    };
    let email = user.actor.email.to_string();
    let subject = format!("adress/{address} (inloggningstjänst)");
    audit::record(
        &state.store,
        &email,
        AuditAction::Login,
        &subject,
        None,
        None,
    )
    .await;
    let mut response = start_session(&state, user.id, None).await?;
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie_header(&state, SSO_COOKIE, "", 0));
    Ok(response)
}
