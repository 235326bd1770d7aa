//! `token create`, `token list` and `token revoke`: API tokens for scripts, handled where the
//! server runs.

use anyhow::{Context, Result};
use clap::Subcommand;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uppfolj_app::accounts;
use uppfolj_model::Email;
use uppfolj_model::text::swedish_time;
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
            let token = accounts::create_token(store, OPERATOR, record.id, &name).await?;
            println!("{}", token.secret);
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
            accounts::revoke_token(store, OPERATOR, id, None).await?;
            println!("Token {id} är återkallad.");
        }
    }
    Ok(())
}
