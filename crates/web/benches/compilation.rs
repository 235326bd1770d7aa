//! Times a round's compilation as the page computes it (load every response of the round and
//! of the earlier rounds, then compile), against the database in `DATABASE_URL`; run by
//! `bench/compilation.sh` after `uppfolj generate` has filled it.
//!
//! `ROUND` names the round (default `syntet-2025`), `RUNS` the timed runs after two warm-ups
//! (default 20).

use std::time::{Duration, Instant};

use uppfolj_app::reports::round_compilation;
use uppfolj_model::{Audience, Key};
use uppfolj_store::Store;

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    format!(
        "mean {:.1} ms, median {:.1} ms, max {:.1} ms over {} runs",
        ms(mean),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    )
}

fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the generated database");
    let round = Key::parse(&std::env::var("ROUND").unwrap_or_else(|_| "syntet-2025".into()))
        .expect("ROUND is a round's key");
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(&url).await.expect("the database opens");
        let mut times = Vec::new();
        let mut size = (0, 0, 0);
        for i in 0..runs + 2 {
            let start = Instant::now();
            let compilation = round_compilation(&store, &round, Audience::Coordinators)
                .await
                .expect("the round compiles");
            if i >= 2 {
                times.push(start.elapsed());
            }
            size = (
                compilation.organisations.len(),
                compilation.questions.len(),
                compilation.trend.first().map_or(1, |t| t.years.len()),
            );
        }
        println!(
            "compilation of {} ({} organisations × {} questions, {} rounds in the trend): {}",
            round,
            size.0,
            size.1,
            size.2,
            summary(times)
        );
        // For comparison: loading every round one after another, as the compilation reads them.
        let definitions = store.definitions().await.expect("definitions load");
        let mut loads = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            for r in &definitions.rounds {
                store
                    .round_responses(&r.key, &definitions.scales)
                    .await
                    .expect("responses load");
            }
            loads.push(start.elapsed());
        }
        println!(
            "  loading the responses of every round one after another: {}",
            summary(loads)
        );
    });
}
