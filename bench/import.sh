#!/usr/bin/env bash
# Timing of reading and importing earlier reports (the twelve-page Kommunstyrelsen report of
# data/test-reports/pdf/, as Word/LibreOffice, Chromium and Uppfölj made it):
#
#   bash bench/import.sh
#
#   read     the reader alone, in process (crates/exchange/benches/read_reports.rs; RUNS runs)
#   import   `uppfolj import report FILE.pdf` into a fresh SQLite database, the whole command
#            from process start (read, plan, store, open and close the round), with hyperfine
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
RUNS=$RUNS cargo bench --quiet -p uppfolj-exchange --bench read_reports
cargo build --release --quiet
BIN=$PWD/target/release/uppfolj
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export UPPFOLJ_LOG=warn
for kind in word chromium uppfolj; do
  file=data/test-reports/pdf/exempelstaden-kommunstyrelsen-2024-$kind.pdf
  hyperfine --warmup 2 --runs "$RUNS" --export-markdown "$WORK/$kind.md" \
    --prepare "rm -f $WORK/db.sqlite*" -n "import $kind" \
    "DATABASE_URL=sqlite://$WORK/db.sqlite $BIN import report $file --organisation Kommunstyrelsen --round 2024"
  tail -n 1 "$WORK/$kind.md"
done
