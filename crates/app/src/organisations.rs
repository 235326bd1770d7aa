//! Adding and changing the organisations that answer: coordinators only, each change in the
//! audit log.

use uppfolj_model::{Actor, AuditAction, Key, Organisation};
use uppfolj_store::{OrganisationEdit, OrganisationError, StoreError};

use crate::lookup::require_coordinator;
use crate::{App, LookupError, audit};

/// Why an organisation was not added or changed.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationChangeError {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// What the coordinator can change: a key or name taken, a stale form.
    #[error(transparent)]
    Refused(#[from] OrganisationError),
}

impl From<StoreError> for OrganisationChangeError {
    fn from(error: StoreError) -> Self {
        OrganisationChangeError::Refused(OrganisationError::Store(error))
    }
}

/// Adds an organisation.
pub async fn create(
    app: &App,
    actor: &Actor,
    organisation: &Organisation,
) -> Result<(), OrganisationChangeError> {
    require_coordinator(actor)?;
    app.store.create_organisation(organisation).await?;
    let subject = format!("organisation/{}", organisation.key);
    let action = AuditAction::OrganisationCreated;
    let by = actor.email.as_str();
    audit::record(&app.store, by, action, &subject, None, Some(organisation)).await;
    Ok(())
}

/// Changes the names and kind of `before`, the organisation as the form showed it at `version`;
/// refused when it has changed since.
pub async fn update(
    app: &App,
    actor: &Actor,
    before: &Organisation,
    edit: &OrganisationEdit,
    version: i64,
) -> Result<(), OrganisationChangeError> {
    require_coordinator(actor)?;
    app.store
        .update_organisation(&before.key, edit, version)
        .await?;
    let after = Organisation {
        name: edit.name.clone(),
        short_name: edit.short_name.clone(),
        kind: edit.kind,
        ..before.clone()
    };
    let subject = format!("organisation/{}", before.key);
    let action = AuditAction::OrganisationChanged;
    let by = actor.email.as_str();
    audit::record(&app.store, by, action, &subject, Some(before), Some(&after)).await;
    Ok(())
}

/// Deactivates an organisation (it is asked nothing more, and its answers stay) or activates it
/// again.
pub async fn set_active(
    app: &App,
    actor: &Actor,
    organisation: &Key,
    active: bool,
) -> Result<(), OrganisationChangeError> {
    require_coordinator(actor)?;
    app.store
        .set_organisation_active(organisation, active)
        .await?;
    let action = if active {
        AuditAction::OrganisationActivated
    } else {
        AuditAction::OrganisationDeactivated
    };
    let subject = format!("organisation/{organisation}");
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        None,
    )
    .await;
    Ok(())
}
