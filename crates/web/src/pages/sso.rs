//! Logging in with the city's identity provider: `/logga-in/sso` sends the browser there
//! (`app::sso::begin`) with the state in a cookie, and `/logga-in/sso/svar` takes it back
//! (`app::sso::finish`, which checks it all). Every refusal is a Swedish page that lets no one
//! in and clears the cookie.

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;
use uppfolj_app::sso::{self, Refusal};

use super::session::{client_address, cookie_header, start_session};
use crate::layout::{Nav, page};
use crate::{AppState, WebError};

/// The cookie that ties a login under way to the browser that started it.
const SSO_COOKIE: &str = "uppfolj_sso";

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
    let begun = match sso::begin(&state.app, provider, OffsetDateTime::now_utc()).await? {
        Ok(begun) => begun,
        Err(error) => {
            tracing::warn!(%error, detail = ?error, "single sign-on could not start");
            let status = StatusCode::SERVICE_UNAVAILABLE;
            return Ok(refused(&state, status, error.to_string()));
        }
    };
    let mut response = Redirect::to(&begun.url).into_response();
    let max_age = sso::PENDING.whole_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&state, SSO_COOKIE, &begun.state, max_age),
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
    let reply = sso::Reply {
        code: answer.code.as_deref(),
        state: answer.state.as_deref(),
        error: answer.error.as_deref(),
        error_description: answer.error_description.as_deref(),
        browser_state: crate::auth::cookie(&headers, SSO_COOKIE),
    };
    let now = OffsetDateTime::now_utc();
    let user = match sso::finish(&state.app, provider, reply, &address, now).await? {
        Ok(user) => user,
        Err(refusal) => {
            let status = match refusal {
                Refusal::Incomplete => StatusCode::BAD_REQUEST,
                Refusal::Account(_) => StatusCode::FORBIDDEN,
                Refusal::Provider(_)
                | Refusal::OtherBrowser
                | Refusal::StateUsed
                | Refusal::Token(_) => StatusCode::UNAUTHORIZED,
            };
            return Ok(refused(&state, status, refusal.to_string()));
        }
    };
    let mut response = start_session(&state, user.id, None).await?;
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie_header(&state, SSO_COOKIE, "", 0));
    Ok(response)
}
