//! Times reading earlier reports as offices made them (`data/test-reports/pdf/`): the twelve-page
//! report as Word/LibreOffice, Chromium and Uppfölj (without its attachment) made it, as PDF and
//! as `pdftotext -layout` text; run by `bench/import.sh`. `RUNS` sets the timed runs after two
//! warm-ups (default 30).

use std::path::Path;
use std::time::{Duration, Instant};

use uppfolj_exchange::report;

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/test-reports/pdf");
    let name = "exempelstaden-kommunstyrelsen-2024";
    for kind in [
        "word.pdf",
        "word-plain.pdf",
        "chromium.pdf",
        "uppfolj.pdf",
        "word-layout.txt",
    ] {
        let file = format!("{name}-{kind}");
        let bytes = std::fs::read(dir.join(&file)).expect("the test material is there");
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut questions = 0;
        for run in 0..runs + 2 {
            let started = Instant::now();
            let reading = report::read(&bytes).expect("the material reads");
            let took = started.elapsed();
            questions = reading.report.questions().len();
            if run >= 2 {
                times.push(took);
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        println!(
            "{file:<52} {:>4} KB {questions} questions: mean {:.1} ms, median {:.1} ms, max {:.1} ms",
            bytes.len() / 1024,
            ms(mean),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
        );
    }
}
