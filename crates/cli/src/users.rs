//! `user add`, `user list`, `user deactivate` and `user activate`: accounts made, listed and
//! switched off from the command line, for the first coordinator and for scripts.

use anyhow::{Context, Result};
use clap::Subcommand;
use uppfolj_app::accounts;
use uppfolj_model::{Email, Role};
use uppfolj_store::Store;

use crate::common::{OPERATOR, organisation_key, print_table};

/// The `user` commands.
#[derive(Subcommand)]
pub enum User {
    /// Skapar en användare. Utan lösenord skrivs en engångslänk för första inloggningen ut.
    Add {
        /// E-postadressen, som också är inloggningsnamnet.
        email: String,
        /// samordnare, uppgiftslamnare eller lasare.
        #[arg(long)]
        role: String,
        /// Organisationens nyckel eller namn; upprepa för flera. Krävs för uppgiftslämnare.
        #[arg(long = "organisation")]
        organisations: Vec<String>,
        /// Läs lösenordet från standard in (första raden).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Listar alla användare: e-post, roll, om de är aktiva och deras organisationer.
    List,
    /// Inaktiverar en användare: deras sessioner avslutas och deras API-token slutar gälla. Den
    /// sista aktiva samordnaren kan inte inaktiveras.
    Deactivate {
        /// Användarens e-postadress.
        email: String,
    },
    /// Gör en inaktiverad användare aktiv igen.
    Activate {
        /// Användarens e-postadress.
        email: String,
    },
}

/// Runs a `user` command; `public_url` (from `--public-url`) starts the first-login link.
pub async fn run(store: &Store, command: User, public_url: Option<&str>) -> Result<()> {
    match command {
        User::Add {
            email,
            role,
            organisations,
            password_stdin,
        } => {
            add(
                store,
                &email,
                &role,
                &organisations,
                password_stdin,
                public_url,
            )
            .await
        }
        User::List => {
            let rows = store.accounts().await?.into_iter().map(|account| {
                let organisations: Vec<&str> = account
                    .actor
                    .organisations
                    .iter()
                    .map(|k| k.as_str())
                    .collect();
                vec![
                    account.actor.email.to_string(),
                    account.actor.role.as_str().to_owned(),
                    if account.active { "ja" } else { "nej" }.to_owned(),
                    organisations.join(","),
                ]
            });
            print_table(&["E-post", "Roll", "Aktiv", "Organisationer"], rows);
            Ok(())
        }
        User::Deactivate { email } => set_active(store, &email, false).await,
        User::Activate { email } => set_active(store, &email, true).await,
    }
}

/// Makes the user active or inactive, and says so.
async fn set_active(store: &Store, email: &str, active: bool) -> Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    accounts::set_active(store, OPERATOR, &email, active).await?;
    if active {
        println!("{email} är aktiv igen.");
    } else {
        println!("{email} är inaktiverad: sessionerna är avslutade och API-token gäller inte.");
    }
    Ok(())
}

/// Creates the user, with the password read from standard input or else a first-login link.
async fn add(
    store: &Store,
    email: &str,
    role: &str,
    organisations: &[String],
    password_stdin: bool,
    public_url: Option<&str>,
) -> Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let role =
        Role::parse(role).context("rollen ska vara samordnare, uppgiftslamnare eller lasare")?;
    let mut keys = Vec::new();
    for organisation in organisations {
        keys.push(organisation_key(store, organisation).await?);
    }
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("kan inte läsa lösenordet från standard in")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let public_url = public_url.unwrap_or("http://127.0.0.1:8080");
    let link = accounts::add_user(
        store,
        OPERATOR,
        public_url,
        &email,
        role,
        &keys,
        password.as_deref(),
    )
    .await?;
    match link {
        Some(link) => println!(
            "Användaren {email} är skapad. Länk för första inloggningen (giltig 7 dagar):\n{link}"
        ),
        None => println!("Användaren {email} är skapad."),
    }
    Ok(())
}
