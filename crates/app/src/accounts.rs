//! Creating accounts and first-login links, and delivering them by e-mail; API tokens.

use time::{Duration, OffsetDateTime};
use uppfolj_model::{Actor, AuditAction, Email, Key, Role};
use uppfolj_store::{AccountChangeError, Store, StoreError};

use crate::application::App;
use crate::{audit, mail, secrets};

/// How long a first-login link works.
pub const LOGIN_LINK_VALIDITY: Duration = Duration::days(7);

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Password(String),
    #[error("{0}")]
    Role(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a user for `by` (who is recorded in the audit log); without a password, returns a
/// one-time link for setting one.
pub async fn create_user(
    app: &App,
    by: &str,
    email: &Email,
    role: Role,
    organisations: &[Key],
    password: Option<&str>,
) -> Result<Option<String>, AccountError> {
    add_user(
        &app.store,
        by,
        &app.settings.public_url,
        email,
        role,
        organisations,
        password,
    )
    .await
}

/// The same, for callers without a running server (the command line).
pub async fn add_user(
    store: &Store,
    by: &str,
    public_url: &str,
    email: &Email,
    role: Role,
    organisations: &[Key],
    password: Option<&str>,
) -> Result<Option<String>, AccountError> {
    check_role(role, organisations)?;
    let hash = match password {
        Some(password) => Some(
            secrets::hash_password_pooled(password.to_owned())
                .await
                .map_err(AccountError::Password)?,
        ),
        None => None,
    };
    let user_id = store
        .create_user(email, role, organisations, hash.as_deref())
        .await?;
    let after = serde_json::json!({
        "email": email.as_str(), "role": role.as_str(), "organisations": organisations,
    });
    let subject = format!("användare/{email}");
    audit::record(
        store,
        by,
        AuditAction::UserCreated,
        &subject,
        None,
        Some(&after),
    )
    .await;
    if hash.is_some() {
        return Ok(None);
    }
    Ok(Some(login_link(store, public_url, user_id).await?))
}

/// Gives the account `before` (as read at `version`) a role and organisations, for `by`
/// (recorded in the audit log). Refused when the account has changed since, or when it is the
/// last active coordinator's and would no longer be one.
pub async fn change_role(
    store: &Store,
    by: &str,
    before: &Actor,
    role: Role,
    organisations: &[Key],
    version: i64,
) -> Result<(), AccountChangeError> {
    store
        .update_account(&before.email, role, organisations, version)
        .await?;
    let before_json = serde_json::json!({
        "role": before.role.as_str(), "organisations": before.organisations,
    });
    let after = serde_json::json!({ "role": role.as_str(), "organisations": organisations });
    let subject = format!("användare/{}", before.email);
    let action = AuditAction::UserChanged;
    audit::record(
        store,
        by,
        action,
        &subject,
        Some(&before_json),
        Some(&after),
    )
    .await;
    Ok(())
}

/// Deactivates an account (its sessions end and its tokens stop working) or activates it again,
/// for `by` (recorded in the audit log). The last active coordinator stays.
pub async fn set_active(
    store: &Store,
    by: &str,
    email: &Email,
    active: bool,
) -> Result<(), AccountChangeError> {
    store.set_account_active(email, active).await?;
    let action = if active {
        AuditAction::UserActivated
    } else {
        AuditAction::UserDeactivated
    };
    let subject = format!("användare/{email}");
    audit::record(store, by, action, &subject, None, None).await;
    Ok(())
}

/// The rule for a role's organisations, the same when a user is created and when changed: a
/// respondent answers for at least one, a coordinator reaches all and is given none.
pub fn check_role(role: Role, organisations: &[Key]) -> Result<(), AccountError> {
    if role == Role::Uppgiftslamnare && organisations.is_empty() {
        return Err(AccountError::Role(
            "en uppgiftslämnare måste svara för minst en organisation".into(),
        ));
    }
    if role == Role::Samordnare && !organisations.is_empty() {
        return Err(AccountError::Role(
            "en samordnare når alla organisationer; ange inga".into(),
        ));
    }
    Ok(())
}

/// How a login link reached its user.
pub enum LinkDelivery {
    /// Sent by e-mail to the user's address.
    Sent,
    /// Not sent — no mailer is configured, or sending failed (why) — so the coordinator is shown
    /// the link, once, to pass on.
    Shown {
        link: String,
        failure: Option<String>,
    },
}

/// Sends `link` to `email` when a mailer is configured; otherwise hands it back to be shown.
/// `new_account` chooses the wording: a welcome, or a new link for an existing account.
pub async fn deliver_login_link(
    app: &App,
    email: &Email,
    link: String,
    new_account: bool,
) -> LinkDelivery {
    if app.settings.mailer.is_none() {
        return LinkDelivery::Shown {
            link,
            failure: None,
        };
    }
    match mail::send_login_link(app, email, &link, new_account, LOGIN_LINK_VALIDITY).await {
        Ok(()) => LinkDelivery::Sent,
        Err(e) => {
            tracing::warn!(error = %e, "a login link could not be sent");
            LinkDelivery::Shown {
                link,
                failure: Some(e.to_string()),
            }
        }
    }
}

/// Makes a one-time link with which a user sets a password and logs in.
pub async fn login_link(
    store: &Store,
    public_url: &str,
    user_id: i64,
) -> Result<String, StoreError> {
    let token = secrets::new_secret("");
    store
        .create_login_link(
            user_id,
            &secrets::secret_hash(&token),
            OffsetDateTime::now_utc() + LOGIN_LINK_VALIDITY,
        )
        .await?;
    Ok(format!(
        "{}/forsta-inloggning/{token}",
        public_url.trim_end_matches('/')
    ))
}

/// The longest name an API token may have.
pub const MAX_TOKEN_NAME: usize = 100;

/// Why a token could not be made or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(
        "ge token ett namn på 1–{MAX_TOKEN_NAME} tecken utan styrtecken, till exempel skriptets namn"
    )]
    Name,
    #[error("token {0} finns inte eller är redan återkallad")]
    NotFound(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A token just made: its number, and its secret, which is shown this once and stored only as
/// a hash.
pub struct IssuedToken {
    pub id: i64,
    pub secret: String,
}

/// Makes an API token named `name` for user `user_id`, for `by` (recorded in the audit log).
pub async fn create_token(
    store: &Store,
    by: &str,
    user_id: i64,
    name: &str,
) -> Result<IssuedToken, TokenError> {
    let name = name.trim();
    let length = name.chars().count();
    if !(1..=MAX_TOKEN_NAME).contains(&length) || name.chars().any(char::is_control) {
        return Err(TokenError::Name);
    }
    let secret = secrets::new_secret("upf_");
    let id = store
        .create_token(user_id, name, &secrets::secret_hash(&secret))
        .await?;
    let subject = format!("token/{id}");
    let after = serde_json::json!({ "name": name });
    let action = AuditAction::TokenCreated;
    audit::record(store, by, action, &subject, None, Some(&after)).await;
    Ok(IssuedToken { id, secret })
}

/// Revokes token `id`: of `owner` only, or anyone's when `owner` is `None` (a coordinator, the
/// command line); `by` is recorded in the audit log.
pub async fn revoke_token(
    store: &Store,
    by: &str,
    id: i64,
    owner: Option<i64>,
) -> Result<(), TokenError> {
    if !store.revoke_token(id, owner).await? {
        return Err(TokenError::NotFound(id));
    }
    let subject = format!("token/{id}");
    audit::record(store, by, AuditAction::TokenRevoked, &subject, None, None).await;
    Ok(())
}
