//! Users, sessions, API tokens, one-time login links and login throttling.
//!
//! Secrets are never stored: sessions, tokens and links are kept as hashes chosen by the caller,
//! passwords as the caller's password hash.

use time::OffsetDateTime;
use uppfolj_model::throttle::Attempts;
use uppfolj_model::{Actor, Email, Key, Role};

use crate::error::StoreError;
use crate::rows::{format_time, now, parse_time, stored_email, stored_key, stored_role};
use crate::store::Store;

/// A user as the login needs it.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: i64,
    pub actor: Actor,
    pub password_hash: Option<String>,
    pub active: bool,
}

/// A live session and the person it belongs to.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user_id: i64,
    pub actor: Actor,
    pub csrf_token: String,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// An API token as listed to its owner; the secret itself is shown once, at creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub email: Email,
    pub name: String,
    pub created_at: String,
    pub revoked: bool,
}

/// A user as the coordinators' pages list and edit them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub actor: Actor,
    pub active: bool,
    /// Whether the user has set a password (or still has only a first-login link).
    pub has_password: bool,
    /// The version an edit form carries.
    pub version: i64,
}

/// Why a user's role, organisations or activity were not changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountChangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The change would leave no active coordinator, and so nobody to manage Uppfölj.
    #[error("{0} är den sista aktiva samordnaren; det måste finnas minst en")]
    LastCoordinator(Email),
    /// Someone changed the user after the form was opened; this is what the user is now.
    #[error("någon annan har ändrat användaren under tiden")]
    Changed(Box<Account>),
}

/// An actor from stored text: address, role and organisation keys.
fn actor_from(
    email: &str,
    role: &str,
    organisations: impl Iterator<Item = String>,
) -> Result<Actor, StoreError> {
    Ok(Actor {
        email: stored_email(email)?,
        role: stored_role(role)?,
        organisations: organisations
            .map(|k| stored_key(&k))
            .collect::<Result<_, _>>()?,
    })
}

impl Store {
    /// Creates a user. Fails when the address is taken or an organisation does not exist.
    pub async fn create_user(
        &self,
        email: &Email,
        role: Role,
        organisations: &[Key],
        password_hash: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_transaction().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Rule(format!(
                "det finns redan en användare med adressen {email}"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, role, password_hash, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        for organisation in organisations {
            let organisation_id: i64 =
                sqlx::query_scalar("SELECT id FROM organisations WHERE key = $1")
                    .bind(organisation.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| {
                        StoreError::NotFound(format!("organisationen «{organisation}»"))
                    })?;
            sqlx::query(
                "INSERT INTO user_organisations (user_id, organisation_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Finds a user by login name.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query_as::<_, (i64, String, Option<String>, i64)>(
            "SELECT id, role, password_hash, active FROM users WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, role, password_hash, active)) = row else {
            return Ok(None);
        };
        let actor = self.actor(id, email.clone(), &role).await?;
        Ok(Some(UserRecord {
            id,
            actor,
            password_hash,
            active: active != 0,
        }))
    }

    async fn actor(&self, user_id: i64, email: Email, role: &str) -> Result<Actor, StoreError> {
        let organisations = sqlx::query_scalar::<_, String>(
            "SELECT o.key FROM user_organisations u JOIN organisations o ON o.id = u.organisation_id \
             WHERE u.user_id = $1 ORDER BY o.position",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|k| stored_key(k))
        .collect::<Result<_, _>>()?;
        let role = stored_role(role)?;
        Ok(Actor {
            email,
            role,
            organisations,
        })
    }

    /// Every user, by address.
    pub async fn users(&self) -> Result<Vec<Actor>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT id, email, role FROM users ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut users = Vec::new();
        for (id, email, role) in rows {
            let email = stored_email(&email)?;
            users.push(self.actor(id, email, &role).await?);
        }
        Ok(users)
    }

    /// Sets a user's password hash and ends every session of theirs. Returns the user's address,
    /// for the audit log.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
    ) -> Result<String, StoreError> {
        let mut tx = self.write_transaction().await?;
        let email: String =
            sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING email")
                .bind(password_hash)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(email)
    }

    /// Starts a session that ends at `expires_at` at the latest.
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(at)
        .bind(format_time(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session with this token hash, if any (expiry is the caller's rule to check). One query.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, String, String, Option<String>)>(
            "SELECT s.user_id, u.email, u.role, s.csrf_token, s.last_seen_at, s.expires_at, o.key \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN user_organisations uo ON uo.user_id = u.id LEFT JOIN organisations o ON o.id = uo.organisation_id \
             WHERE s.token_hash = $1 AND u.active = 1 ORDER BY o.position",
        )
        .bind(token_hash)
        .fetch_all(&self.pool)
        .await?;
        let Some((user_id, email, role, csrf_token, last_seen, expires, _)) = rows.first().cloned()
        else {
            return Ok(None);
        };
        let actor = actor_from(&email, &role, rows.into_iter().filter_map(|row| row.6))?;
        Ok(Some(SessionRecord {
            user_id,
            actor,
            csrf_token,
            last_seen_at: parse_time(&last_seen)?,
            expires_at: parse_time(&expires)?,
        }))
    }

    /// Records that a session was used, for the idle timeout.
    pub async fn touch_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a user: "log out everywhere".
    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Stores a new API token's hash; returns its id.
    pub async fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// The person behind an unrevoked API token. One query.
    pub async fn token_actor(&self, token_hash: &str) -> Result<Option<(i64, Actor)>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, String, Option<String>)>(
            "SELECT u.id, u.email, u.role, o.key FROM api_tokens t JOIN users u ON u.id = t.user_id \
             LEFT JOIN user_organisations uo ON uo.user_id = u.id LEFT JOIN organisations o ON o.id = uo.organisation_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1 ORDER BY o.position",
        )
        .bind(token_hash)
        .fetch_all(&self.pool)
        .await?;
        let Some((user_id, email, role, _)) = rows.first().cloned() else {
            return Ok(None);
        };
        Ok(Some((
            user_id,
            actor_from(&email, &role, rows.into_iter().filter_map(|row| row.3))?,
        )))
    }

    /// API tokens, of one user or of everyone.
    pub async fn tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRecord>, StoreError> {
        let rows = sqlx::query_as::<_, (i64, String, String, String, Option<String>)>(
            "SELECT t.id, u.email, t.name, t.created_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE $1 = 0 OR t.user_id = $1 ORDER BY t.id",
        )
        .bind(user_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, email, name, created_at, revoked_at)| {
                Ok(TokenRecord {
                    id,
                    email: stored_email(&email)?,
                    name,
                    created_at,
                    revoked: revoked_at.is_some(),
                })
            })
            .collect()
    }

    /// Revokes a token; `owner` limits it to that user's tokens. Returns whether one was revoked.
    pub async fn revoke_token(&self, id: i64, owner: Option<i64>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3 = 0 OR user_id = $3)",
        )
        .bind(now())
        .bind(id)
        .bind(owner.unwrap_or(0))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a one-time first-login link's hash. Links sent earlier stop working: the newest
    /// is the only one a user can have lost track of safely.
    pub async fn create_login_link(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query("UPDATE login_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO login_links (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(format_time(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user of a login link that is unused and unexpired, without using it: checked before a
    /// new password is hashed, so that a wrong link costs no hashing.
    pub async fn login_link_user(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT user_id, expires_at FROM login_links WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some((user_id, expires)) if parse_time(&expires)? > at => Ok(Some(user_id)),
            _ => Ok(None),
        }
    }

    /// Uses a login link once: returns its user if it was unused and unexpired, and marks it used.
    pub async fn use_login_link(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.write_transaction().await?;
        let row = sqlx::query_as::<_, (i64, String)>(
            "UPDATE login_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL RETURNING user_id, expires_at",
        )
        .bind(format_time(at))
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        match row {
            Some((user_id, expires)) if parse_time(&expires)? > at => Ok(Some(user_id)),
            _ => Ok(None),
        }
    }

    /// Runs `change` on a throttle key's attempts (an account's, an address's) and stores the
    /// result, in one write transaction with the key's row locked: concurrent logins, on one
    /// instance or several, take their turns, so a limit holds however many arrive at once.
    pub async fn throttle<R>(
        &self,
        key: &str,
        change: impl FnOnce(&mut Attempts) -> R,
    ) -> Result<R, StoreError> {
        let mut tx = self.write_transaction().await?;
        // The upsert takes the row's lock on PostgreSQL; SQLite's write transaction has the
        // whole database.
        let stored: String = sqlx::query_scalar(
            "INSERT INTO login_attempts (key, attempts) VALUES ($1, '{}') \
             ON CONFLICT (key) DO UPDATE SET attempts = login_attempts.attempts RETURNING attempts",
        )
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
        let mut attempts: Attempts = serde_json::from_str(&stored).unwrap_or_default();
        let result = change(&mut attempts);
        let json = serde_json::to_string(&attempts).expect("attempts serialise");
        sqlx::query("UPDATE login_attempts SET attempts = $1 WHERE key = $2")
            .bind(json)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Every user with what the coordinators' pages show, by address. Two queries.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.load_accounts(None).await
    }

    /// One user by address, as [`Store::accounts`] gives them.
    pub async fn account(&self, email: &Email) -> Result<Option<Account>, StoreError> {
        Ok(self.load_accounts(Some(email)).await?.into_iter().next())
    }

    async fn load_accounts(&self, email: Option<&Email>) -> Result<Vec<Account>, StoreError> {
        let filter = email.map_or("", Email::as_str);
        let rows = sqlx::query_as::<_, (i64, String, String, i64, i64, i64)>(
            "SELECT id, email, role, active, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, version \
             FROM users WHERE $1 = '' OR email = $1 ORDER BY email",
        )
        .bind(filter)
        .fetch_all(&self.pool)
        .await?;
        let memberships = sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, o.key FROM user_organisations uo JOIN users u ON u.id = uo.user_id \
             JOIN organisations o ON o.id = uo.organisation_id WHERE $1 = '' OR u.email = $1 ORDER BY o.position",
        )
        .bind(filter)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, email, role, active, has_password, version)| {
                let organisations = memberships
                    .iter()
                    .filter(|(user, _)| *user == id)
                    .map(|(_, key)| key.clone());
                Ok(Account {
                    id,
                    actor: actor_from(&email, &role, organisations)?,
                    active: active != 0,
                    has_password: has_password != 0,
                    version,
                })
            })
            .collect()
    }

    /// Changes a user's role and organisations if the user is still at `version`; refuses to
    /// leave no active coordinator. Takes effect on the user's next request. Returns the new
    /// version.
    pub async fn update_account(
        &self,
        email: &Email,
        role: Role,
        organisations: &[Key],
        version: i64,
    ) -> Result<i64, AccountChangeError> {
        let mut tx = self.write_transaction().await?;
        queue_account_changes(&mut tx).await?;
        let (id, current_role, active, current_version) = account_row(&mut tx, email).await?;
        if current_version != version {
            drop(tx);
            return Err(self.changed(email).await);
        }
        if active && current_role == Role::Samordnare.as_str() && role != Role::Samordnare {
            refuse_last_coordinator(&mut tx, id, email).await?;
        }
        sqlx::query("UPDATE users SET role = $1, version = version + 1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        sqlx::query("DELETE FROM user_organisations WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        for organisation in organisations {
            let added = sqlx::query(
                "INSERT INTO user_organisations (user_id, organisation_id) \
                 SELECT $1, id FROM organisations WHERE key = $2",
            )
            .bind(id)
            .bind(organisation.as_str())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            if added.rows_affected() == 0 {
                return Err(
                    StoreError::NotFound(format!("organisationen «{organisation}»")).into(),
                );
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(version + 1)
    }

    /// Makes a user active again, or inactive: an inactive user's sessions end and their API
    /// tokens stop working. Refuses to deactivate the last active coordinator.
    pub async fn set_account_active(
        &self,
        email: &Email,
        active: bool,
    ) -> Result<(), AccountChangeError> {
        let mut tx = self.write_transaction().await?;
        queue_account_changes(&mut tx).await?;
        let (id, role, _, _) = account_row(&mut tx, email).await?;
        if !active && role == Role::Samordnare.as_str() {
            refuse_last_coordinator(&mut tx, id, email).await?;
        }
        sqlx::query("UPDATE users SET active = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The conflict for a stale edit of `email`, with the user as they are now.
    async fn changed(&self, email: &Email) -> AccountChangeError {
        match self.account(email).await {
            Ok(Some(current)) => AccountChangeError::Changed(Box::new(current)),
            Ok(None) => StoreError::NotFound(format!("användaren {email}")).into(),
            Err(e) => e.into(),
        }
    }

    /// Sets a user's new password hash and ends every session of theirs but `keep` (the one
    /// they changed it from).
    pub async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Takes the accounts' counter's row lock, so that changes of roles and activity run one at a
/// time on PostgreSQL too (SQLite's write transactions already do).
async fn queue_account_changes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'accounts'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A user's id, role, activity and version, by address.
async fn account_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    email: &Email,
) -> Result<(i64, String, bool, i64), StoreError> {
    sqlx::query_as::<_, (i64, String, i64, i64)>(
        "SELECT id, role, active, version FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(&mut **tx)
    .await?
    .map(|(id, role, active, version)| (id, role, active != 0, version))
    .ok_or_else(|| StoreError::NotFound(format!("användaren {email}")))
}

/// Refuses a change that takes the coordinator `id` away when no other active one is left.
async fn refuse_last_coordinator(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    email: &Email,
) -> Result<(), AccountChangeError> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'samordnare' AND active = 1 AND id <> $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    if others == 0 {
        return Err(AccountChangeError::LastCoordinator(email.clone()));
    }
    Ok(())
}
