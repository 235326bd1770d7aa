//! Single sign-on's records: the identity provider's subject of each user who has logged in
//! through it, and the logins under way, each of whose state is used once.

use time::OffsetDateTime;
use uppfolj_model::Email;

use crate::accounts::UserRecord;
use crate::error::StoreError;
use crate::rows::{format_time, stored_email};
use crate::store::Store;

/// What a login under way keeps until the provider sends the browser back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
}

impl Store {
    /// Keeps a login under way under the hash of its state until `expires`; logins long past
    /// are cleared on the way.
    pub async fn begin_sso_login(
        &self,
        state_hash: &str,
        pending: &PendingLogin,
        expires: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query("DELETE FROM oidc_logins WHERE expires < $1")
            .bind(format_time(OffsetDateTime::now_utc()))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, nonce, verifier, expires) VALUES ($1, $2, $3, $4)",
        )
        .bind(state_hash)
        .bind(&pending.nonce)
        .bind(&pending.verifier)
        .bind(format_time(expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes the login under way with this state, once: a second call with the same state (a
    /// replayed answer from the provider) finds nothing, as does one after it expired.
    pub async fn take_sso_login(
        &self,
        state_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<PendingLogin>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING nonce, verifier, expires",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .filter(|(_, _, expires)| expires.as_str() > format_time(now).as_str())
            .map(|(nonce, verifier, _)| PendingLogin { nonce, verifier }))
    }

    /// The user the provider knows by `subject`, if one has logged in through it before.
    pub async fn user_by_sso_subject(
        &self,
        subject: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let email: Option<String> =
            sqlx::query_scalar("SELECT email FROM users WHERE oidc_subject = $1")
                .bind(subject)
                .fetch_optional(&self.pool)
                .await?;
        match email {
            Some(email) => self.user_by_email(&stored_email(&email)?).await,
            None => Ok(None),
        }
    }

    /// Ties a user to the provider's subject, so that later logins find them by it even when
    /// their address changes. A subject already tied to someone else is refused.
    pub async fn set_sso_subject(&self, email: &Email, subject: &str) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let holder: Option<String> =
            sqlx::query_scalar("SELECT email FROM users WHERE oidc_subject = $1")
                .bind(subject)
                .fetch_optional(&mut *tx)
                .await?;
        if holder.as_deref().is_some_and(|h| h != email.as_str()) {
            return Err(StoreError::Rule(
                "identiteten hör redan till en annan användare".into(),
            ));
        }
        sqlx::query("UPDATE users SET oidc_subject = $1 WHERE email = $2")
            .bind(subject)
            .bind(email.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
