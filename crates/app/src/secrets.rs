//! Passwords and bearer secrets: argon2id for passwords, random tokens stored only as hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "lösenordet måste ha minst {MIN_PASSWORD_CHARS} tecken"
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("lösenordet kunde inte hashas: {e}"))
}

/// At most this many passwords are hashed or checked at once, half the cores (one at least):
/// argon2 takes tens of milliseconds of a core and 19 MiB, and must leave the cores that serve
/// every other request room to do so.
static HASHING: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(*HASHING_AT_ONCE));

/// How many permits [`HASHING`] has.
static HASHING_AT_ONCE: LazyLock<usize> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores / 2).max(1)
});

/// Runs argon2 work on the blocking pool, a bounded number at a time.
async fn on_hashing_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = HASHING
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .expect("argon2 does not panic")
}

/// [`hash_password`] on the bounded hashing pool.
pub async fn hash_password_pooled(password: String) -> Result<String, String> {
    on_hashing_pool(move || hash_password(&password)).await
}

/// [`verify_password`] on the bounded hashing pool. Without a stored hash (an unknown or
/// inactive user) it checks against a hash of no one's password, so that the answer takes as
/// long and tells nobody which addresses have accounts.
pub async fn verify_password_pooled(password: String, stored: Option<String>) -> bool {
    on_hashing_pool(move || match stored {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_password(&password, &NOBODY);
            false
        }
    })
    .await
}

/// A hash of a random password, made once, for [`verify_password_pooled`] to check against.
static NOBODY: LazyLock<String> =
    LazyLock::new(|| hash_password(&new_secret("")).expect("a long random password hashes"));

/// Checks a password against a stored hash in constant time.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A fresh random secret with a readable prefix (`upf_…` for API tokens), 256 bits of entropy.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether a secret given equals the one expected, in time that does not depend on where they
/// differ, so that nobody can find a secret by timing guesses.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What is stored for a secret: its SHA-256, so a leaked database gives no usable tokens.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("korrekt häst batteri").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("korrekt häst batteri", &hash));
        assert!(!verify_password("fel lösenord här", &hash));
        assert!(!verify_password("korrekt häst batteri", "inte en hash"));
        assert!(hash_password("kort").is_err());
    }

    /// Argon2 work never runs on the thread that serves requests, and no more of it runs at once
    /// than the pool allows, so the cores left over always have room for every other request.
    /// Asserted on threads and counts, not on timings, so that a loaded machine cannot fail it.
    #[tokio::test(flavor = "current_thread")]
    async fn checking_passwords_leaves_the_async_workers_free() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let server = std::thread::current().id();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut work = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (running, most) = (running.clone(), most.clone());
            work.spawn(on_hashing_pool(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                std::thread::current().id()
            }));
        }
        while let Some(worker) = work.join_next().await {
            assert_ne!(
                worker.unwrap(),
                server,
                "argon2 work ran on the server's thread"
            );
        }
        assert!(most.load(Ordering::SeqCst) <= *HASHING_AT_ONCE);
        assert_eq!(HASHING.available_permits(), *HASHING_AT_ONCE);

        let hash = hash_password("korrekt häst batteri").unwrap();
        assert!(verify_password_pooled("korrekt häst batteri".into(), Some(hash.clone())).await);
        assert!(!verify_password_pooled("fel lösenord här".into(), Some(hash)).await);
        assert!(!verify_password_pooled("fel lösenord här".into(), None).await);
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret("upf_");
        assert!(a.starts_with("upf_") && a.len() > 40);
        assert_ne!(a, new_secret("upf_"));
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_eq!(secret_hash(&a).len(), 64);
    }

    #[test]
    fn secrets_are_the_same_only_when_every_byte_is() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
