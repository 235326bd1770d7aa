//! Logging in with a password or through a first-login link, each one use case: the attempt is
//! reserved against its account's and its address's limits before the password is checked and
//! settled after (the rules are `model::throttle`'s; every instance sharing the database counts
//! together), and what happened is in the audit log.

use time::{Duration, OffsetDateTime};
use uppfolj_model::throttle::Limit;
use uppfolj_model::{Actor, AuditAction, Email};
use uppfolj_store::{Store, StoreError, UserRecord};

use crate::{audit, secrets};

/// Failed logins to one account within a quarter of an hour, before it is locked.
pub const ACCOUNT_LIMIT: Limit = Limit {
    failures: 5,
    window: Duration::minutes(15),
};

/// Failed logins from one address within a quarter of an hour; higher, since offices share
/// addresses. Past it, only accounts without failures of their own are tried from there.
pub const ADDRESS_LIMIT: Limit = Limit {
    failures: 20,
    window: Duration::minutes(15),
};

/// An attempt that may be checked.
struct Reservation {
    account: String,
    address: String,
    /// Whether the address had room; when it was full, an account without failures of its own
    /// is still tried (a colleague's typos behind the same proxy lock nobody else out).
    address_reserved: bool,
}

/// Why an attempt is refused without checking the password, and until when.
pub enum Locked {
    Account(OffsetDateTime),
    Address(OffsetDateTime),
}

/// How a login with a password went.
pub enum PasswordLogin {
    /// Refused before the password was checked: too many failures, until then.
    Locked(Locked),
    /// A wrong address or password; `locked` says whether this attempt locked the account.
    Refused { locked: bool },
    /// The person to start a session for.
    Accepted(UserRecord),
}

/// Logs in to `email` (as typed) from `address` with `password`. An unknown or inactive
/// account's attempt is checked against no one's hash, so that it takes as long as anyone's and
/// tells nobody which addresses have accounts.
pub async fn with_password(
    store: &Store,
    email: &str,
    password: String,
    address: &str,
    now: OffsetDateTime,
) -> Result<PasswordLogin, StoreError> {
    // The attempt is counted before the password is checked, so that many at once cannot all
    // be checked while the first are hashing.
    let reservation = match reserve(store, email, address, now).await? {
        Ok(reservation) => reservation,
        Err(locked) => return Ok(PasswordLogin::Locked(locked)),
    };
    let user = match Email::parse(email) {
        Ok(email) => store.user_by_email(&email).await?,
        Err(_) => None,
    };
    let stored = user
        .as_ref()
        .filter(|u| u.active)
        .and_then(|u| u.password_hash.clone());
    let verified = secrets::verify_password_pooled(password, stored).await;
    let locked = settle(store, reservation, verified, now).await?;
    let subject = format!("adress/{address}");
    match user.filter(|_| verified) {
        Some(user) => {
            let actor = user.actor.email.as_str();
            audit::record(store, actor, AuditAction::Login, &subject, None, None).await;
            Ok(PasswordLogin::Accepted(user))
        }
        None => {
            let action = AuditAction::LoginFailed;
            audit::record(store, email, action, &subject, None, None).await;
            Ok(PasswordLogin::Refused { locked })
        }
    }
}

/// How a first login through a one-time link went.
pub enum FirstLogin {
    /// Too many wrong links from the address; nothing was checked.
    Throttled,
    /// The link is unknown, used or expired.
    LinkInvalid,
    /// The password is not one that may be set (the reason, in Swedish).
    PasswordRefused(String),
    /// The password is set and the link used: the user to start a session for.
    Done(i64),
}

/// Sets a first password through the one-time link `token` and uses the link up. Guessing links
/// is throttled like guessing passwords, and the link is checked before the password is hashed,
/// so that wrong links cost no hashing.
pub async fn first_login(
    store: &Store,
    token: &str,
    password: String,
    address: &str,
    now: OffsetDateTime,
) -> Result<FirstLogin, StoreError> {
    let key = address_key(address);
    if reserve_one(store, &key, ADDRESS_LIMIT, now).await?.is_err() {
        return Ok(FirstLogin::Throttled);
    }
    let token_hash = secrets::secret_hash(token);
    let valid = store.login_link_user(&token_hash, now).await?.is_some();
    settle_one(store, &key, valid, false, now).await?;
    if !valid {
        return Ok(FirstLogin::LinkInvalid);
    }
    let hash = match secrets::hash_password_pooled(password).await {
        Ok(hash) => hash,
        Err(reason) => return Ok(FirstLogin::PasswordRefused(reason)),
    };
    // Two tabs with one link: only one uses it.
    let Some(user_id) = store.use_login_link(&token_hash, now).await? else {
        return Ok(FirstLogin::LinkInvalid);
    };
    let email = store.set_password(user_id, &hash).await?;
    let changed = AuditAction::PasswordChanged;
    let user = format!("användare/{email}");
    audit::record(store, &email, changed, &user, None, None).await;
    let subject = format!("adress/{address} (engångslänk)");
    audit::record(store, &email, AuditAction::Login, &subject, None, None).await;
    Ok(FirstLogin::Done(user_id))
}

/// A field of the form for changing one's password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordField {
    Current,
    New,
    Repeat,
}

/// Why a password was not changed: each field's problem (in Swedish, written to follow a colon),
/// and whether the account was locked (too many wrong current passwords).
#[derive(Debug, Default)]
pub struct PasswordChangeRefused {
    pub problems: Vec<(PasswordField, String)>,
    pub locked: bool,
}

/// Changes the password of `actor` (user `user_id`), who gives the current one: it is guessed
/// like a login's and counts against the account. Every other session of theirs ends; the one
/// with `keep` (its hash) stays.
pub async fn change_password(
    store: &Store,
    actor: &Actor,
    user_id: i64,
    keep: &str,
    [current, new, repeat]: [&str; 3],
    now: OffsetDateTime,
) -> Result<Result<(), PasswordChangeRefused>, StoreError> {
    let mut refused = PasswordChangeRefused::default();
    let mut refuse = |field, sentence: String| refused.problems.push((field, sentence));
    if current.is_empty() {
        refuse(
            PasswordField::Current,
            "skriv ditt nuvarande lösenord".into(),
        );
    } else {
        let account = account_key(actor.email.as_str());
        match reserve_one(store, &account, ACCOUNT_LIMIT, now).await? {
            Err(until) => {
                let minutes = ((until - now).whole_seconds() + 59).max(60) / 60;
                refuse(
                    PasswordField::Current,
                    format!(
                        "kontot är låst efter för många misslyckade försök. Försök igen om {minutes} minuter"
                    ),
                );
                refused.locked = true;
            }
            Ok(()) => {
                let stored = store
                    .user_by_email(&actor.email)
                    .await?
                    .and_then(|u| u.password_hash);
                let verified = secrets::verify_password_pooled(current.to_owned(), stored).await;
                settle_one(store, &account, verified, true, now).await?;
                if !verified {
                    let problem = "det nuvarande lösenordet stämmer inte";
                    refused
                        .problems
                        .push((PasswordField::Current, problem.into()));
                }
            }
        }
    }
    let hash = secrets::hash_password_pooled(new.to_owned()).await;
    if let Err(reason) = &hash {
        refused.problems.push((PasswordField::New, reason.clone()));
    }
    if new != repeat {
        let problem = "lösenorden är inte lika. Skriv samma nya lösenord två gånger";
        refused
            .problems
            .push((PasswordField::Repeat, problem.into()));
    }
    match hash {
        Ok(hash) if refused.problems.is_empty() => {
            store.change_password(user_id, &hash, keep).await?;
            let subject = format!("användare/{}", actor.email);
            let action = AuditAction::PasswordChanged;
            audit::record(store, actor.email.as_str(), action, &subject, None, None).await;
            Ok(Ok(()))
        }
        _ => Ok(Err(refused)),
    }
}

/// Reserves an attempt to log in to `account` (an e-mail address as typed) from `address`.
async fn reserve(
    store: &Store,
    account: &str,
    address: &str,
    now: OffsetDateTime,
) -> Result<Result<Reservation, Locked>, StoreError> {
    let (account, address) = (account_key(account), address_key(address));
    let (admitted, had_failures) = store
        .throttle(&account, |a| {
            let had = a.recent_failures(now, ACCOUNT_LIMIT) > 0;
            (a.admit(now, ACCOUNT_LIMIT), had)
        })
        .await?;
    if let Err(until) = admitted {
        return Ok(Err(Locked::Account(until)));
    }
    match store
        .throttle(&address, |a| a.admit(now, ADDRESS_LIMIT))
        .await?
    {
        Ok(()) => Ok(Ok(Reservation {
            account,
            address,
            address_reserved: true,
        })),
        Err(_) if !had_failures => Ok(Ok(Reservation {
            account,
            address,
            address_reserved: false,
        })),
        Err(until) => {
            store.throttle(&account, |a| a.release()).await?;
            Ok(Err(Locked::Address(until)))
        }
    }
}

/// Settles a reserved attempt: a success forgets the account's failures and gives the address
/// its room back; a failure counts against both. Returns whether the account is locked now.
async fn settle(
    store: &Store,
    reservation: Reservation,
    success: bool,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let locked = store
        .throttle(&reservation.account, |a| {
            if success {
                a.succeed(true);
            } else {
                a.fail(now);
            }
            a.recent_failures(now, ACCOUNT_LIMIT) >= ACCOUNT_LIMIT.failures
        })
        .await?;
    store
        .throttle(&reservation.address, |a| {
            match (reservation.address_reserved, success) {
                (true, true) => a.succeed(false),
                (true, false) => a.fail(now),
                (false, false) => a.record(now),
                (false, true) => {}
            }
        })
        .await?;
    Ok(locked)
}

/// The throttle key of an account, by its address as typed.
fn account_key(email: &str) -> String {
    format!("konto:{}", email.trim().to_lowercase())
}

/// The throttle key of a client address.
fn address_key(address: &str) -> String {
    format!("adress:{address}")
}

/// Reserves an attempt against one key's limit: a first-login link guessed from an address, a
/// current password given to change it. Settle it with [`settle_one`].
async fn reserve_one(
    store: &Store,
    key: &str,
    limit: Limit,
    now: OffsetDateTime,
) -> Result<Result<(), OffsetDateTime>, StoreError> {
    store.throttle(key, |a| a.admit(now, limit)).await
}

/// Settles an attempt reserved with [`reserve_one`]; a success with `forget` clears the key's
/// failures.
async fn settle_one(
    store: &Store,
    key: &str,
    success: bool,
    forget: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    store
        .throttle(key, |a| {
            if success {
                a.succeed(forget)
            } else {
                a.fail(now)
            }
        })
        .await
}
