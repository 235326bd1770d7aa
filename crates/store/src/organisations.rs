//! Organisations kept by coordinators in the browser: add, edit and (de)activate one at a time.
//! Each change bumps the definitions' counter, so that every instance's cache reloads, and each
//! organisation carries a version, so that an edit made on a stale form is refused.

use uppfolj_model::{Key, Organisation, OrganisationKind};

use crate::error::StoreError;
use crate::rows::{stored_key, stored_organisation};
use crate::store::{Store, bump_definitions};

/// An organisation with the version an edit form carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionedOrganisation {
    pub organisation: Organisation,
    pub version: i64,
}

/// What an organisation's name, short name and kind become in an edit.
#[derive(Clone, Debug)]
pub struct OrganisationEdit {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
}

/// Why an organisation was not stored; each case names what the coordinator can change.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("det finns redan en organisation med nyckeln «{0}»")]
    KeyTaken(String),
    #[error("det finns redan en organisation som heter «{0}»")]
    NameTaken(String),
    /// Someone changed the organisation after the form was opened; this is what it is now.
    #[error("någon annan har ändrat organisationen under tiden")]
    Changed(Box<VersionedOrganisation>),
}

type Row = (String, String, Option<String>, String, i64, i64);

fn versioned(
    (key, name, short_name, kind, active, version): Row,
) -> Result<VersionedOrganisation, StoreError> {
    Ok(VersionedOrganisation {
        organisation: stored_organisation(stored_key(&key)?, name, short_name, &kind, active)?,
        version,
    })
}

/// Whether an organisation other than `key` (`""`: any) has this name, ignoring case; compared
/// here, since SQLite's `LOWER` knows only ASCII letters.
async fn name_taken(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    name: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let names = sqlx::query_scalar::<_, String>("SELECT name FROM organisations WHERE key <> $1")
        .bind(key)
        .fetch_all(&mut **tx)
        .await?;
    let wanted = name.trim().to_lowercase();
    Ok(names.iter().any(|n| n.trim().to_lowercase() == wanted))
}

impl Store {
    /// One organisation with its version, read from the database (not the cache), for an edit form.
    pub async fn organisation(
        &self,
        key: &Key,
    ) -> Result<Option<VersionedOrganisation>, StoreError> {
        sqlx::query_as::<_, Row>(
            "SELECT key, name, short_name, kind, active, version FROM organisations WHERE key = $1",
        )
        .bind(key.as_str())
        .fetch_optional(&self.pool)
        .await?
        .map(versioned)
        .transpose()
    }

    /// Adds an organisation after the others. Its name and its key must both be new (the name is
    /// checked first: a key made from a taken name is taken too).
    pub async fn create_organisation(
        &self,
        organisation: &Organisation,
    ) -> Result<(), OrganisationError> {
        let mut tx = self.write_transaction().await?;
        if name_taken(&mut tx, &organisation.name, "").await? {
            return Err(OrganisationError::NameTaken(organisation.name.clone()));
        }
        let key_taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE key = $1")
                .bind(organisation.key.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        if key_taken.is_some() {
            return Err(OrganisationError::KeyTaken(organisation.key.to_string()));
        }
        sqlx::query(
            "INSERT INTO organisations (key, name, short_name, kind, active, position) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM organisations))",
        )
        .bind(organisation.key.as_str())
        .bind(&organisation.name)
        .bind(organisation.short_name.as_deref())
        .bind(organisation.kind.as_str())
        .bind(i64::from(organisation.active))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        bump_definitions(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Changes an organisation's name, short name and kind if it is still at `version` (the key
    /// never changes: files, addresses and answers refer to it). Returns the new version.
    pub async fn update_organisation(
        &self,
        key: &Key,
        edit: &OrganisationEdit,
        version: i64,
    ) -> Result<i64, OrganisationError> {
        let mut tx = self.write_transaction().await?;
        if name_taken(&mut tx, &edit.name, key.as_str()).await? {
            return Err(OrganisationError::NameTaken(edit.name.clone()));
        }
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE organisations SET name = $1, short_name = $2, kind = $3, version = version + 1 \
             WHERE key = $4 AND version = $5 RETURNING version",
        )
        .bind(&edit.name)
        .bind(edit.short_name.as_deref())
        .bind(edit.kind.as_str())
        .bind(key.as_str())
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let Some(updated) = updated else {
            drop(tx);
            return Err(match self.organisation(key).await? {
                Some(current) => OrganisationError::Changed(Box::new(current)),
                None => StoreError::NotFound(format!("organisationen «{key}»")).into(),
            });
        };
        bump_definitions(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(updated)
    }

    /// Makes an organisation active or inactive. An inactive one keeps its answers but is asked
    /// no questions.
    pub async fn set_organisation_active(&self, key: &Key, active: bool) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let done = sqlx::query(
            "UPDATE organisations SET active = $1, version = version + 1 WHERE key = $2",
        )
        .bind(i64::from(active))
        .bind(key.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("organisationen «{key}»")));
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
