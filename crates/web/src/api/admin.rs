//! The caller, organisations, users and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uppfolj_model::{Email, Key, Role};

use super::json::ApiJson;
use super::types::{
    CreatedToken, CreatedUser, Me, NewToken, NewUser, OrganisationJson, Problem, TokenJson,
};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;
use uppfolj_app::accounts::{self, IssuedToken};
use uppfolj_app::lookup::require_coordinator;

/// The caller: address, role and organisations.
#[utoipa::path(get, path = "/api/v1/me", tag = "konto",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(Me::from(&caller.actor))
}

/// Logs the caller out of every browser session ("logga ut överallt").
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "konto",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<StatusCode, Failure> {
    state.store.delete_sessions_of(caller.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every organisation.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisationer",
    responses((status = 200, body = [OrganisationJson]), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn organisations(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<OrganisationJson>>, Failure> {
    Ok(Json(
        state
            .store
            .organisations()
            .await?
            .iter()
            .map(OrganisationJson::from)
            .collect(),
    ))
}

/// Every user (coordinators only).
#[utoipa::path(get, path = "/api/v1/users", tag = "konto",
    responses((status = 200, body = [Me]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Me>>, Failure> {
    require_coordinator(&caller.actor)?;
    Ok(Json(
        state.store.users().await?.iter().map(Me::from).collect(),
    ))
}

/// Creates a user (coordinators only). Without a password the answer carries a one-time link.
#[utoipa::path(post, path = "/api/v1/users", tag = "konto", request_body = NewUser,
    responses((status = 201, body = CreatedUser), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUser>), Failure> {
    require_coordinator(&caller.actor)?;
    let email = Email::parse(&body.email).map_err(|e| Failure::bad_request("email", e))?;
    let role = Role::parse(&body.role).ok_or_else(|| {
        Failure::bad_request(
            "role",
            "rollen ska vara samordnare, uppgiftslamnare eller lasare",
        )
    })?;
    let organisations = body
        .organisations
        .iter()
        .map(|o| Key::parse(o).map_err(|e| Failure::bad_request("organisations", e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let login_link = accounts::create_user(
        &state.app,
        caller.actor.email.as_str(),
        &email,
        role,
        &organisations,
        body.password.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            email: email.to_string(),
            login_link,
        }),
    ))
}

/// API tokens: the caller's own, or everyone's for a coordinator.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "konto",
    responses((status = 200, body = [TokenJson]), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenJson>>, Failure> {
    let owner = (!caller.actor.may_manage()).then_some(caller.user_id);
    let tokens = state.store.tokens(owner).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenJson {
                id: t.id,
                email: t.email.to_string(),
                name: t.name,
                created_at: t.created_at,
                revoked: t.revoked,
            })
            .collect(),
    ))
}

/// Creates an API token for the caller. The token is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "konto", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), Failure> {
    let by = caller.actor.email.as_str();
    let IssuedToken { id, secret } =
        accounts::create_token(&state.store, by, caller.user_id, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken { id, token: secret }),
    ))
}

/// Revokes an API token: the caller's own, or anyone's for a coordinator.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "konto",
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Failure> {
    let id: i64 = id
        .parse()
        .map_err(|_| Failure::not_found(format!("token {id} finns inte")))?;
    let owner = (!caller.actor.may_manage()).then_some(caller.user_id);
    let by = caller.actor.email.as_str();
    accounts::revoke_token(&state.store, by, id, owner).await?;
    Ok(StatusCode::NO_CONTENT)
}
