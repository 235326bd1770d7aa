//! Every signed-in user's own account: who they are, changing the password (which ends their
//! other sessions), their API tokens (created with the secret shown once, and revoked), and
//! logging out everywhere.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::OffsetDateTime;
use uppfolj_app::accounts::{self, IssuedToken, TokenError};
use uppfolj_app::login::{self, PasswordField};
use uppfolj_model::text::swedish_time;
use uppfolj_store::TokenRecord;

use super::session::cookie_header;
use crate::auth::{Caller, SESSION_COOKIE};
use crate::error::WebError;
use crate::forms::{Confirmation, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

/// The password form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    csrf: String,
    nuvarande: String,
    nytt: String,
    upprepa: String,
}

/// The new-token form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    csrf: String,
    namn: String,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/konto", get(show))
        .route("/konto/losenord", post(change_password))
        .route("/konto/tokens", post(create_token))
        .route("/konto/tokens/{id}/aterkalla", post(revoke_token))
        .route("/konto/logga-ut-overallt", post(logout_everywhere))
}

/// A token as the page lists it.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    revoked: bool,
}

impl From<TokenRecord> for TokenRow {
    fn from(token: TokenRecord) -> TokenRow {
        let created = OffsetDateTime::parse(
            &token.created_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map_or_else(|_| token.created_at.clone(), swedish_time);
        TokenRow {
            id: token.id,
            name: token.name,
            created,
            revoked: token.revoked,
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    email: String,
    role: &'static str,
    organisations: Vec<String>,
    tokens: Vec<TokenRow>,
    /// A token just created, shown this once.
    new_token: Option<(String, String)>,
    token_name: String,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

/// What the page shows after one of its forms, besides the account.
#[derive(Default)]
struct Outcome {
    new_token: Option<(String, String)>,
    token_name: String,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

async fn account_page(
    state: &AppState,
    caller: &Caller,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, WebError> {
    let definitions = state.store.definitions().await?;
    let mut organisations: Vec<String> = caller
        .actor
        .organisations
        .iter()
        .map(|key| {
            definitions
                .organisations
                .iter()
                .find(|o| &o.key == key)
                .map_or_else(|| key.to_string(), |o| o.name.clone())
        })
        .collect();
    organisations.sort_by(|a, b| uppfolj_model::text::swedish_cmp(a, b));
    let tokens = state
        .store
        .tokens(Some(caller.user_id))
        .await?
        .into_iter()
        .map(TokenRow::from)
        .collect();
    Ok(page(
        AccountPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            email: caller.actor.email.to_string(),
            role: caller.actor.role.label(),
            organisations,
            tokens,
            new_token: outcome.new_token,
            token_name: outcome.token_name,
            notice: outcome.notice,
            errors: outcome.errors,
        },
        status,
    ))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let notice = match query.get("klart").map(String::as_str) {
        Some("losenord") => {
            Some("Lösenordet är bytt. Du är utloggad på alla andra ställen där du var inloggad.")
        }
        Some("aterkallad") => Some("API-token är återkallad och fungerar inte längre."),
        _ => None,
    };
    let outcome = Outcome {
        notice,
        ..Outcome::default()
    };
    account_page(&state, &caller, outcome, StatusCode::OK).await
}

async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let Some(session) = &caller.session else {
        return Err(WebError::Forbidden(
            "Logga in i webbläsaren för att byta lösenord.".into(),
        ));
    };
    let passwords = [
        form.nuvarande.as_str(),
        form.nytt.as_str(),
        form.upprepa.as_str(),
    ];
    let now = OffsetDateTime::now_utc();
    let (store, actor) = (&state.store, &caller.actor);
    let changed = login::change_password(
        store,
        actor,
        caller.user_id,
        &session.token_hash,
        passwords,
        now,
    );
    let refused = match changed.await? {
        Ok(()) => return Ok(Redirect::to("/konto?klart=losenord").into_response()),
        Err(refused) => refused,
    };
    let mut errors = FieldErrors::default();
    for (field, problem) in &refused.problems {
        let field = match field {
            PasswordField::Current => "nuvarande",
            PasswordField::New => "nytt",
            PasswordField::Repeat => "upprepa",
        };
        errors.refuse(field, problem);
    }
    let status = if refused.locked {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::BAD_REQUEST
    };
    let outcome = Outcome {
        errors,
        ..Outcome::default()
    };
    account_page(&state, &caller, outcome, status).await
}

async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let by = caller.actor.email.as_str();
    match accounts::create_token(&state.store, by, caller.user_id, &form.namn).await {
        Ok(IssuedToken { secret, .. }) => {
            let outcome = Outcome {
                new_token: Some((form.namn.trim().to_owned(), secret)),
                ..Outcome::default()
            };
            account_page(&state, &caller, outcome, StatusCode::CREATED).await
        }
        Err(TokenError::Store(error)) => Err(error.into()),
        Err(refused) => {
            let mut errors = FieldErrors::default();
            errors.refuse("namn", refused.to_string());
            let outcome = Outcome {
                errors,
                token_name: form.namn.trim().to_owned(),
                ..Outcome::default()
            };
            account_page(&state, &caller, outcome, StatusCode::BAD_REQUEST).await
        }
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let missing = || WebError::NotFound(format!("API-token {id}"));
    let number: i64 = id.parse().map_err(|_| missing())?;
    let by = caller.actor.email.as_str();
    match accounts::revoke_token(&state.store, by, number, Some(caller.user_id)).await {
        Ok(()) => Ok(Redirect::to("/konto?klart=aterkallad").into_response()),
        Err(TokenError::Store(error)) => Err(error.into()),
        Err(_) => Err(missing()),
    }
}

async fn logout_everywhere(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    state.store.delete_sessions_of(caller.user_id).await?;
    let mut response = Redirect::to("/logga-in").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&state, SESSION_COOKIE, "", 0),
    );
    Ok(response)
}
