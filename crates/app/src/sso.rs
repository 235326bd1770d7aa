//! Single sign-on with the city's identity provider (OpenID Connect): which Uppfölj account a
//! verified identity logs in as, and, when configured, its role and organisations from the
//! provider's claims. [`begin`] and [`finish`] are the two halves of a login, each one use case;
//! the protocol itself — discovery, the authorization code flow with PKCE, state and nonce, the
//! id token's checks — is in `oidc`.

use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use uppfolj_model::{AuditAction, Email, Key, Role};
use uppfolj_store::{AccountChangeError, StoreError, UserRecord};

use crate::accounts::{self, check_role};
use crate::oidc::{Identity, Provider, Refused, SsoSettings};
use crate::{App, audit, secrets};

/// How long someone may take at the provider before the login under way is forgotten.
pub const PENDING: Duration = Duration::minutes(10);

/// Where to send the browser, and the state to give it (as a cookie) so that only it can
/// finish the login.
pub struct Begun {
    pub url: String,
    pub state: String,
}

/// Starts a login at the provider: a fresh state, nonce and PKCE challenge, the state kept (as
/// a hash) with what finishing needs until [`PENDING`] has passed.
pub async fn begin(
    app: &App,
    provider: &Provider,
    now: OffsetDateTime,
) -> Result<Result<Begun, Refused>, StoreError> {
    let started = match provider.start().await {
        Ok(started) => started,
        Err(refused) => return Ok(Err(refused)),
    };
    let state_hash = secrets::secret_hash(&started.state);
    app.store
        .begin_sso_login(&state_hash, &started.pending, now + PENDING)
        .await?;
    Ok(Ok(Begun {
        url: started.url,
        state: started.state,
    }))
}

/// What the provider sent back through the browser, beside the state the browser was given.
pub struct Reply<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    /// The state [`begin`] gave this browser, from its cookie.
    pub browser_state: Option<&'a str>,
}

/// Why a reply lets nobody in. Each says, in Swedish, what the person can do.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("Inloggningstjänsten avbröt inloggningen: {0}")]
    Provider(String),
    #[error("Svaret från inloggningstjänsten saknade kod eller tillstånd. Börja om.")]
    Incomplete,
    #[error(
        "Inloggningen startades inte i den här webbläsaren, eller har redan avslutats. Börja om från inloggningssidan."
    )]
    OtherBrowser,
    #[error(
        "Inloggningen har redan använts eller tagit för lång tid. Börja om från inloggningssidan."
    )]
    StateUsed,
    #[error("{0} Börja om från inloggningssidan.")]
    Token(Refused),
    #[error(transparent)]
    Account(Unknown),
}

impl Refusal {
    /// A short code for logs and the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Provider(_) => "provider_error",
            Refusal::Incomplete => "incomplete",
            Refusal::OtherBrowser => "state_mismatch",
            Refusal::StateUsed => "state_used",
            Refusal::Token(refused) => refused.code(),
            Refusal::Account(_) => "no_account",
        }
    }
}

/// Finishes a login from the provider's reply: the state must be the one given to this browser
/// (so that nobody can log someone else in by sending them a link with their own reply) and
/// unused, the id token must pass every check, and the identity must have an account. Every
/// refusal is logged and in the audit log, as is the login.
pub async fn finish(
    app: &App,
    provider: &Provider,
    reply: Reply<'_>,
    address: &str,
    now: OffsetDateTime,
) -> Result<Result<UserRecord, Refusal>, StoreError> {
    let mut who = "inloggningstjänsten".to_owned();
    let outcome = checked(app, provider, &reply, &mut who, now).await;
    let refusal = match outcome {
        Ok(user) => {
            let email = user.actor.email.as_str();
            let subject = format!("adress/{address} (inloggningstjänst)");
            audit::record(&app.store, email, AuditAction::Login, &subject, None, None).await;
            return Ok(Ok(user));
        }
        Err(Failed::Store(error)) => return Err(error),
        Err(Failed::Refused(refusal)) => refusal,
    };
    let code = refusal.code();
    tracing::warn!(reason = code, detail = ?refusal, "single sign-on refused");
    let subject = format!("adress/{address} ({code})");
    let action = AuditAction::LoginFailed;
    audit::record(&app.store, &who, action, &subject, None, None).await;
    Ok(Err(refusal))
}

/// How [`finish`]'s checks can end short of a login.
enum Failed {
    Refused(Refusal),
    Store(StoreError),
}

impl From<Refusal> for Failed {
    fn from(refusal: Refusal) -> Self {
        Failed::Refused(refusal)
    }
}

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Self {
        Failed::Store(error)
    }
}

impl From<Unknown> for Failed {
    fn from(unknown: Unknown) -> Self {
        match unknown {
            Unknown::Store(error) => Failed::Store(error),
            other => Failed::Refused(Refusal::Account(other)),
        }
    }
}

/// [`finish`]'s checks in order; `who` becomes the identity once the provider has vouched for it.
async fn checked(
    app: &App,
    provider: &Provider,
    reply: &Reply<'_>,
    who: &mut String,
    now: OffsetDateTime,
) -> Result<UserRecord, Failed> {
    if let Some(error) = reply.error {
        let detail = reply.error_description.unwrap_or(error);
        return Err(Refusal::Provider(detail.to_owned()).into());
    }
    let (Some(code), Some(given)) = (reply.code, reply.state) else {
        return Err(Refusal::Incomplete.into());
    };
    if !reply
        .browser_state
        .is_some_and(|ours| secrets::same_secret(ours, given))
    {
        return Err(Refusal::OtherBrowser.into());
    }
    let state_hash = secrets::secret_hash(given);
    let Some(pending) = app.store.take_sso_login(&state_hash, now).await? else {
        return Err(Refusal::StateUsed.into());
    };
    let identity = provider
        .finish(code, &pending)
        .await
        .map_err(Refusal::Token)?;
    *who = identity
        .email
        .clone()
        .unwrap_or_else(|| format!("subjekt {}", identity.subject));
    Ok(account_for(app, &provider.settings, &identity).await?)
}

/// Why a verified identity does not get in. Each says what the person can do.
#[derive(Debug, thiserror::Error)]
pub enum Unknown {
    #[error(
        "Du har inget konto i Uppfölj. Be stadens samordnare för uppföljningen att lägga till dig{}.",
        .0.as_deref().map(|e| format!(" med adressen {e}")).unwrap_or_default()
    )]
    NoAccount(Option<String>),
    #[error("Ditt konto i Uppfölj är inaktiverat. Be en samordnare att aktivera det igen.")]
    Inactive,
    #[error("Inloggningstjänsten gav inte någon roll i Uppfölj som går att använda: {0}")]
    Role(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The account a verified identity logs in as: the one tied to its subject; else, at a first
/// login, the one with its verified address (when allowed), which is then tied to the subject;
/// else a new one when the claims give a role and creating is allowed. With a role claim set,
/// the account's role and organisations follow the claims.
async fn account_for(
    app: &App,
    settings: &SsoSettings,
    identity: &Identity,
) -> Result<UserRecord, Unknown> {
    let store = &app.store;
    let verified_email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
        .and_then(|e| Email::parse(e).ok());
    let mut user = store.user_by_sso_subject(&identity.subject).await?;
    if user.is_none()
        && settings.match_email
        && let Some(email) = &verified_email
        && let Some(found) = store.user_by_email(email).await?
    {
        store.set_sso_subject(email, &identity.subject).await?;
        user = Some(found);
    }
    let mapped = mapped_role(settings, &identity.claims)?;
    let user = match (user, mapped.clone(), &verified_email) {
        (Some(user), _, _) => user,
        (None, Some((role, organisations)), Some(email)) if settings.create_users => {
            // An account with the address that is not to be matched by it is not taken over.
            if store.user_by_email(email).await?.is_some() {
                return Err(Unknown::NoAccount(Some(email.to_string())));
            }
            store.create_user(email, role, &organisations, None).await?;
            store.set_sso_subject(email, &identity.subject).await?;
            let after = serde_json::json!({
                "email": email.as_str(), "role": role.as_str(),
                "organisations": organisations, "subject": identity.subject,
            });
            let subject = format!("användare/{email}");
            let action = AuditAction::UserCreated;
            audit::record(
                store,
                "inloggningstjänsten",
                action,
                &subject,
                None,
                Some(&after),
            )
            .await;
            return found(store.user_by_email(email).await?, identity);
        }
        _ => return Err(Unknown::NoAccount(identity.email.clone())),
    };
    if !user.active {
        return Err(Unknown::Inactive);
    }
    if let Some((role, organisations)) = mapped {
        follow_claims(app, &user, role, &organisations).await?;
        return found(store.user_by_email(&user.actor.email).await?, identity);
    }
    Ok(user)
}

fn found(user: Option<UserRecord>, identity: &Identity) -> Result<UserRecord, Unknown> {
    user.ok_or_else(|| Unknown::NoAccount(identity.email.clone()))
}

/// Gives an account the role and organisations the claims say, when they differ.
async fn follow_claims(
    app: &App,
    user: &UserRecord,
    role: Role,
    organisations: &[Key],
) -> Result<(), Unknown> {
    if user.actor.role == role && user.actor.organisations == organisations {
        return Ok(());
    }
    let email = &user.actor.email;
    let account = app
        .store
        .account(email)
        .await?
        .ok_or_else(|| Unknown::NoAccount(Some(email.to_string())))?;
    let by = "inloggningstjänsten";
    match accounts::change_role(
        &app.store,
        by,
        &user.actor,
        role,
        organisations,
        account.version,
    )
    .await
    {
        Ok(()) => Ok(()),
        Err(AccountChangeError::Store(e)) => Err(e.into()),
        Err(other) => Err(Unknown::Role(other.to_string())),
    }
}

/// The role and organisations the claims give, when a role claim is set and present.
pub fn mapped_role(
    settings: &SsoSettings,
    claims: &Map<String, Value>,
) -> Result<Option<(Role, Vec<Key>)>, Unknown> {
    let Some(name) = &settings.role_claim else {
        return Ok(None);
    };
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let values: Vec<&str> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        other => other.as_str().into_iter().collect(),
    };
    let role_of = |v: &str| {
        settings
            .role_map
            .iter()
            .find(|(given, _)| given == v)
            .map(|(_, role)| *role)
            .or_else(|| Role::parse(v))
    };
    // Of several values that give a role, the one that may do the most.
    let rank = |role: &Role| match role {
        Role::Samordnare => 0,
        Role::Uppgiftslamnare => 1,
        Role::Lasare => 2,
    };
    let role = values
        .iter()
        .filter_map(|v| role_of(v))
        .min_by_key(rank)
        .ok_or_else(|| {
            Unknown::Role(format!(
                "anspråket {name} ({}) ger ingen av rollerna samordnare, uppgiftslamnare eller lasare",
                values.iter().map(|v| format!("«{v}»")).collect::<Vec<_>>().join(", ")
            ))
        })?;
    let organisations: Vec<Key> = match settings
        .organisations_claim
        .as_ref()
        .and_then(|name| claims.get(name))
    {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|k| Key::parse(k).ok())
            .collect(),
        Some(Value::String(one)) => Key::parse(one).ok().into_iter().collect(),
        _ => vec![],
    };
    let organisations = if role == Role::Uppgiftslamnare {
        organisations
    } else {
        vec![]
    };
    check_role(role, &organisations).map_err(|e| Unknown::Role(e.to_string()))?;
    Ok(Some((role, organisations)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SsoSettings {
        SsoSettings {
            issuer: "http://127.0.0.1:1".into(),
            client_id: "uppfolj".into(),
            client_secret: "s".into(),
            label: "stadens konto".into(),
            only: false,
            match_email: true,
            role_claim: Some("uppfolj_role".into()),
            role_map: vec![],
            organisations_claim: Some("uppfolj_organisations".into()),
            create_users: false,
        }
    }

    fn claims(json: serde_json::Value) -> Map<String, Value> {
        json.as_object().unwrap().clone()
    }

    #[test]
    fn roles_and_organisations_come_from_the_claims_when_asked() {
        let given = claims(serde_json::json!({
            "uppfolj_role": "uppgiftslamnare", "uppfolj_organisations": ["intraservice", "INTE EN NYCKEL"],
        }));
        let (role, organisations) = mapped_role(&settings(), &given).unwrap().unwrap();
        assert_eq!(role, Role::Uppgiftslamnare);
        assert_eq!(organisations, [Key::parse("intraservice").unwrap()]);
        let coordinator = claims(serde_json::json!({
            "uppfolj_role": "samordnare", "uppfolj_organisations": ["intraservice"],
        }));
        assert_eq!(
            mapped_role(&settings(), &coordinator).unwrap(),
            Some((Role::Samordnare, vec![])),
            "a coordinator reaches every organisation and is given none"
        );
        let kept = SsoSettings {
            role_claim: None,
            ..settings()
        };
        assert_eq!(
            mapped_role(&kept, &given).unwrap(),
            None,
            "roles kept in Uppfölj"
        );
        assert_eq!(mapped_role(&settings(), &Map::new()).unwrap(), None);
    }

    #[test]
    fn groups_give_the_role_the_map_names_and_the_most_able_of_several() {
        let grouped = SsoSettings {
            role_claim: Some("groups".into()),
            role_map: vec![
                ("7f3a-las".into(), Role::Lasare),
                ("9c1e-samordnare".into(), Role::Samordnare),
            ],
            ..settings()
        };
        let given = claims(serde_json::json!({ "groups": ["annan-grupp", "7f3a-las"] }));
        assert_eq!(
            mapped_role(&grouped, &given).unwrap(),
            Some((Role::Lasare, vec![]))
        );
        let both = claims(serde_json::json!({ "groups": ["7f3a-las", "9c1e-samordnare"] }));
        assert_eq!(
            mapped_role(&grouped, &both).unwrap(),
            Some((Role::Samordnare, vec![]))
        );
        let none = claims(serde_json::json!({ "groups": ["annan-grupp"] }));
        let error = mapped_role(&grouped, &none).unwrap_err().to_string();
        assert!(error.contains("«annan-grupp»"), "{error}");
    }

    #[test]
    fn a_role_the_claims_cannot_give_is_refused_with_its_reason() {
        let wrong = claims(serde_json::json!({ "uppfolj_role": "chef" }));
        let error = mapped_role(&settings(), &wrong).unwrap_err().to_string();
        assert!(error.contains("«chef»"), "{error}");
        let without = claims(serde_json::json!({ "uppfolj_role": "uppgiftslamnare" }));
        assert!(
            mapped_role(&settings(), &without).is_err(),
            "a respondent needs an organisation"
        );
    }
}
