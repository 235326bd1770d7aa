//! `generate`: synthetic data for measurements (the data itself is built in `synthetic.rs`),
//! stored as definitions and as every organisation's answers in every round.

use anyhow::Result;
use clap::Args;
use uppfolj_model::QuestionRef;
use uppfolj_store::Store;

use crate::common::count;
use crate::synthetic;

/// The flags of `generate`: the size of the data set.
#[derive(Args)]
pub struct Generate {
    /// Antal organisationer.
    #[arg(long, default_value_t = 300)]
    organisations: usize,
    /// Antal frågor.
    #[arg(long, default_value_t = 60)]
    questions: usize,
    /// Antal omgångar, en per år.
    #[arg(long, default_value_t = 6)]
    rounds: usize,
    /// Den senaste omgångens år.
    #[arg(long, default_value_t = 2025)]
    year: i32,
}

/// Stores the synthetic definitions and answers, and says what was made.
pub async fn run(store: &Store, generate: Generate) -> Result<()> {
    let size = synthetic::Size {
        organisations: generate.organisations,
        questions: generate.questions,
        rounds: generate.rounds,
    };
    let definitions = synthetic::definitions(size, generate.year);
    store.apply_definitions(&definitions).await?;
    for (r, round) in definitions.rounds.iter().enumerate() {
        for (o, organisation) in definitions.organisations.iter().enumerate() {
            let answers = synthetic::answers(size, o + 1, r);
            let asked: Vec<QuestionRef> = answers.iter().map(|(q, _)| q.clone()).collect();
            store
                .import_answers(
                    &round.key,
                    &organisation.key,
                    &answers,
                    &asked,
                    "syntetiska data",
                )
                .await
                .map_err(|(_, e)| e)?;
        }
    }
    println!(
        "Skapade {} med {} frågor och {}; senaste omgången: {}.",
        count(size.organisations, "organisation", "organisationer"),
        size.questions,
        count(size.rounds, "omgång", "omgångar"),
        definitions.rounds.last().map_or("–", |r| r.key.as_str())
    );
    Ok(())
}
