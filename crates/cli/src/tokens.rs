//! `token create`, `token list` and `token revoke`: API tokens for scripts, handled where the
//! server runs.

use anyhow::{Context, Result};
use clap::Subcommand;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uppfolj_app::{audit, secrets};
use uppfolj_model::text::swedish_time;
use uppfolj_model::{AuditAction, Email};
use uppfolj_store::Store;

use crate::common::{OPERATOR, print_table};

/// The `token` commands.
#[derive(Subcommand)]
pub enum Token {
    /// Skapar en API-token och skriver ut den ensam på standard ut.
    Create {
        /// Användarens e-postadress.
        #[arg(long)]
        user: String,
        /// Ett namn som säger vad token används till.
        #[arg(long, default_value = "kommandorad")]
        name: String,
    },
    /// Listar API-token (aldrig själva hemligheten).
    List,
    /// Återkallar en API-token.
    Revoke {
        /// Tokens nummer, från `token list`.
        id: i64,
    },
}

/// Runs a `token` command.
pub async fn run(store: &Store, command: Token) -> Result<()> {
    match command {
        Token::Create { user, name } => {
            let email = Email::parse(&user).map_err(anyhow::Error::msg)?;
            let record = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("användaren {email} finns inte"))?;
            let token = secrets::new_secret("upf_");
            store
                .create_token(record.id, &name, &secrets::secret_hash(&token))
                .await?;
            let subject = format!("användare/{}", record.actor.email);
            let after = serde_json::json!({ "name": name });
            let action = AuditAction::TokenCreated;
            audit::record(store, OPERATOR, action, &subject, None, Some(&after)).await;
            println!("{token}");
        }
        Token::List => {
            let rows = store.tokens(None).await?.into_iter().map(|token| {
                let state = if token.revoked {
                    "återkallad"
                } else {
                    "aktiv"
                };
                // Stored in UTC (RFC 3339); shown in Swedish time.
                let created = OffsetDateTime::parse(&token.created_at, &Rfc3339)
                    .map_or(token.created_at.clone(), swedish_time);
                vec![
                    token.id.to_string(),
                    token.email.to_string(),
                    token.name,
                    created,
                    state.to_owned(),
                ]
            });
            print_table(&["Id", "Användare", "Namn", "Skapad", "Status"], rows);
        }
        Token::Revoke { id } => {
            if !store.revoke_token(id, None).await? {
                anyhow::bail!("token {id} finns inte eller är redan återkallad");
            }
            let subject = format!("token/{id}");
            audit::record(
                store,
                OPERATOR,
                AuditAction::TokenRevoked,
                &subject,
                None,
                None,
            )
            .await;
            println!("Token {id} är återkallad.");
        }
    }
    Ok(())
}
