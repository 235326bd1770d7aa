//! `audit`: the audit log on the command line, newest first, filtered as on the `/logg` page.

use anyhow::Result;
use clap::Args;
use uppfolj_model::AuditAction;
use uppfolj_model::text::swedish_time;
use uppfolj_store::{AuditFilter, Store};

use crate::common::print_table;

/// The filters of `audit`.
#[derive(Args)]
pub struct Audit {
    /// Bara händelser av det här slaget, t.ex. login_failed, user_changed, round_state_changed.
    #[arg(long)]
    action: Option<String>,
    /// Bara händelser av den som har en e-postadress som innehåller texten.
    #[arg(long)]
    actor: Option<String>,
    /// Bara händelser om något vars namn innehåller texten, t.ex. omgång/2025.
    #[arg(long)]
    subject: Option<String>,
    /// Högst så många händelser.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// En JSON-rad per händelse i stället för en tabell.
    #[arg(long)]
    json: bool,
}

pub async fn run(store: &Store, audit: Audit) -> Result<()> {
    let action = match audit.action.as_deref() {
        None => None,
        Some(code) => Some(AuditAction::from_code(code).ok_or_else(|| {
            let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
            anyhow::anyhow!(
                "händelsen «{code}» finns inte; välj bland {}",
                known.join(", ")
            )
        })?),
    };
    let filter = AuditFilter {
        action,
        actor: audit.actor,
        subject: audit.subject,
        before: None,
        limit: audit.limit,
    };
    let entries = store.audit_log(&filter).await?;
    if audit.json {
        for entry in &entries {
            println!("{}", serde_json::to_string(entry)?);
        }
        return Ok(());
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    print_table(
        &["när", "vem", "händelse", "vad", "före", "efter"],
        entries.iter().map(|e| {
            vec![
                swedish_time(e.at),
                e.actor.clone(),
                e.action.code().to_owned(),
                e.subject.clone(),
                dash(&e.before),
                dash(&e.after),
            ]
        }),
    );
    Ok(())
}
