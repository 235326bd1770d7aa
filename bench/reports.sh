#!/usr/bin/env bash
# Timing of report rendering with hyperfine, on the Göteborg demo data (SQLite):
#
#   bash bench/reports.sh
#
#   one   `uppfolj report organisation --format pdf`: Intraservice's report with the seed's
#         answers, one PDF (the whole command: start, open the database, load, typeset, write)
#   all   `uppfolj report organisations --format pdf`: every organisation of the round, one PDF
#         each (41 files), typeset on every core
#   council `uppfolj report council --format pdf` for the trygghetsprogram in round 2025, with
#         the demo's example indicators (a chart each), assessments and narratives loaded by
#         `uppfolj demo --load-only` into a database of its own
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --quiet
BIN=$PWD/target/release/uppfolj
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

export DATABASE_URL="sqlite://$WORK/uppfolj.db" UPPFOLJ_LOG=warn
"$BIN" import definitions data/goteborg >/dev/null
"$BIN" import report data/goteborg/reports/intraservice-2025.txt \
  --organisation intraservice --round 2025 >/dev/null

hyperfine --warmup 3 --runs "$RUNS" --export-markdown "$WORK/one.md" \
  -n one "$BIN report organisation --round 2025 --organisation intraservice --format pdf --out $WORK/intraservice.pdf"
hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$WORK/all.md" \
  -n all "$BIN report organisations --round 2025 --format pdf --out $WORK/alla"
echo "Wrote $(ls "$WORK/alla" | wc -l) PDFs per run of 'all'."

COUNCIL_URL="sqlite://$WORK/demo.db"
DATABASE_URL="$COUNCIL_URL" "$BIN" demo --load-only >/dev/null
hyperfine --warmup 3 --runs "$RUNS" --export-markdown "$WORK/council.md" \
  -n council "DATABASE_URL=$COUNCIL_URL $BIN report council --round 2025 --document trygghetsprogram --format pdf --out $WORK/rad.pdf"
cat "$WORK/one.md" "$WORK/all.md" "$WORK/council.md"
