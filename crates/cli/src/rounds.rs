//! `round list`, `round open`, `round close` and `round publish`: a round's life from the command
//! line, by the same rules as the management page. Closing and publishing first say what they
//! leave behind, and happen only with `--yes`.

use anyhow::Result;
use clap::Subcommand;
use uppfolj_app::responses::progress;
use uppfolj_app::rounds::{self, StateChange};
use uppfolj_app::{App, Settings};
use uppfolj_model::RoundState;
use uppfolj_store::Store;

use crate::common::{count, operator, print_table};

/// The `round` commands.
#[derive(Subcommand)]
pub enum RoundCommand {
    /// Listar omgångarna, den senaste först: status, datum och hur många som har skickat in.
    List,
    /// Öppnar en omgång: ett utkast, eller en stängd omgång igen.
    Open {
        /// Omgångens nyckel.
        round: String,
    },
    /// Stänger en omgång så att ingen längre kan svara. Visar först läget; stänger med --yes.
    Close {
        /// Omgångens nyckel.
        round: String,
        /// Stäng utan att fråga.
        #[arg(long)]
        yes: bool,
    },
    /// Publicerar sammanställningen för alla, utan inloggning; det går inte att ångra. Visar
    /// först läget; publicerar med --yes.
    Publish {
        /// Omgångens nyckel.
        round: String,
        /// Publicera utan att fråga.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs a `round` command with the settings `serve` would have (the public address, the mail
/// relay), so that a use case behaves as it does on the pages.
pub async fn run(store: &Store, settings: Settings, command: RoundCommand) -> Result<()> {
    let app = App::new(store.clone(), settings);
    match command {
        RoundCommand::List => list(&app).await,
        RoundCommand::Open { round } => {
            let opened = rounds::change_state(&app, &operator(), &round, "open").await?;
            println!("{} är öppen.", opened.name);
            Ok(())
        }
        RoundCommand::Close { round, yes } => move_to(&app, &round, RoundState::Closed, yes).await,
        RoundCommand::Publish { round, yes } => {
            move_to(&app, &round, RoundState::Published, yes).await
        }
    }
}

async fn list(app: &App) -> Result<()> {
    let definitions = app.store.definitions().await?;
    let mut all: Vec<_> = definitions.rounds.iter().collect();
    all.sort_by_key(|r| std::cmp::Reverse(r.year));
    let mut rows = Vec::new();
    for round in all {
        let progress = progress(app, &operator(), &definitions, round).await?;
        let submitted = progress.iter().filter(|p| p.state.is_submitted()).count();
        rows.push(vec![
            round.key.to_string(),
            round.name.clone(),
            round.state.label().to_owned(),
            round.opens.to_string(),
            round.closes.to_string(),
            format!("{submitted} av {}", progress.len()),
        ]);
    }
    print_table(
        &[
            "Nyckel",
            "Namn",
            "Status",
            "Öppnar",
            "Sista dag",
            "Inskickade",
        ],
        rows,
    );
    Ok(())
}

/// Closes or publishes a round: says what it leaves behind, and does it when `yes`.
async fn move_to(app: &App, round: &str, next: RoundState, yes: bool) -> Result<()> {
    let change = rounds::state_change(app, &operator(), round, next).await?;
    for line in situation(&change) {
        println!("{line}");
    }
    if !yes {
        let verb = match next {
            RoundState::Published => "publicera sammanställningen",
            _ => "stänga omgången",
        };
        anyhow::bail!("inget ändrades; kör kommandot igen med --yes för att {verb}");
    }
    let moved = rounds::change_state(app, &operator(), round, next.as_str()).await?;
    println!("{} är {}.", moved.name, moved.state.predicate());
    Ok(())
}

/// What closing or publishing leaves behind, in the page's words.
fn situation(change: &StateChange) -> Vec<String> {
    let organisations = |n| count(n, "organisation", "organisationer");
    let mut lines = vec![format!(
        "{} av {} har skickat in sina svar.",
        change.submitted,
        organisations(change.organisations)
    )];
    if change.drafts > 0 {
        lines.push(format!(
            "{} har börjat svara utan att skicka in; deras svar räknas inte i sammanställningen.",
            organisations(change.drafts)
        ));
    }
    if change.not_started > 0 {
        lines.push(format!(
            "{} har inte börjat svara.",
            organisations(change.not_started)
        ));
    }
    match change.to {
        RoundState::Published => lines.push(
            "Sammanställningen blir läsbar för alla, utan inloggning, med öppna data. \
             En publicering är permanent och kan inte dras tillbaka."
                .into(),
        ),
        _ if change.days_left > 0 => lines.push(format!(
            "Sista dag att svara är {}: du stänger {} före sista dagen.",
            change.round.closes,
            count(change.days_left as usize, "dag", "dagar")
        )),
        _ if change.days_left == 0 => lines.push(format!(
            "Sista dag att svara är i dag, {}: du stänger innan dagen är slut.",
            change.round.closes
        )),
        _ => {}
    }
    lines
}
