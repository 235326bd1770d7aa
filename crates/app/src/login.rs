//! A login attempt reserved against its account's and its address's limits before the password
//! is checked, and settled after (the rules are `model::throttle`'s). Every instance sharing the
//! database counts together.

use time::{Duration, OffsetDateTime};
use uppfolj_model::throttle::Limit;
use uppfolj_store::{Store, StoreError};

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
pub struct Reservation {
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

/// Reserves an attempt to log in to `account` (an e-mail address as typed) from `address`.
pub async fn reserve(
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
pub async fn settle(
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
pub fn account_key(email: &str) -> String {
    format!("konto:{}", email.trim().to_lowercase())
}

/// The throttle key of a client address.
pub fn address_key(address: &str) -> String {
    format!("adress:{address}")
}

/// Reserves an attempt against one key's limit: a first-login link guessed from an address, a
/// current password given to change it. Settle it with [`settle_one`].
pub async fn reserve_one(
    store: &Store,
    key: &str,
    limit: Limit,
    now: OffsetDateTime,
) -> Result<Result<(), OffsetDateTime>, StoreError> {
    store.throttle(key, |a| a.admit(now, limit)).await
}

/// Settles an attempt reserved with [`reserve_one`]; a success with `forget` clears the key's
/// failures.
pub async fn settle_one(
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
