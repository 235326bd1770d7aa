#!/usr/bin/env bash
# Timing of a round's compilation on synthetic data, on SQLite and on PostgreSQL:
#
#   bash bench/compilation.sh
#   ORGANISATIONS=300 QUESTIONS=60 ROUNDS=6 RUNS=20 BACKENDS="sqlite postgres" bash bench/compilation.sh
#
# `uppfolj generate` fills a fresh database with ORGANISATIONS organisations, one document with
# QUESTIONS questions and ROUNDS yearly rounds answered by everyone; the benchmark in
# crates/web/benches/compilation.rs then times the compilation of the last round as the page
# computes it (every response of it and of the earlier rounds loaded, then compiled), and
# `uppfolj report compilation` is timed whole with hyperfine (process start to the written file),
# as JSON and as PDF.
set -euo pipefail
cd "$(dirname "$0")/.."

ORGANISATIONS=${ORGANISATIONS:-300}
QUESTIONS=${QUESTIONS:-60}
ROUNDS=${ROUNDS:-6}
RUNS=${RUNS:-20}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PGBASE=${UPPFOLJ_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --quiet
cargo bench --quiet -p uppfolj-web --bench compilation --no-run 2>/dev/null
BIN=$PWD/target/release/uppfolj
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for backend in $BACKENDS; do
  case $backend in
    sqlite) url="sqlite://$WORK/uppfolj.db" ;;
    postgres)
      psql "$PGBASE/postgres" -qc "DROP DATABASE IF EXISTS uppfolj_bench" -c "CREATE DATABASE uppfolj_bench"
      url="$PGBASE/uppfolj_bench" ;;
  esac
  export DATABASE_URL=$url UPPFOLJ_LOG=warn RUNS
  echo "== $backend"
  "$BIN" init >/dev/null
  "$BIN" generate --organisations "$ORGANISATIONS" --questions "$QUESTIONS" --rounds "$ROUNDS"
  cargo bench --quiet -p uppfolj-web --bench compilation
  hyperfine --warmup 2 --runs "$RUNS" -n "report compilation --format json ($backend)" \
    "$BIN report compilation --round syntet-2025 --format json --out $WORK/sammanstallning.json"
  hyperfine --warmup 1 --runs 5 -n "report compilation --format pdf ($backend)" \
    "$BIN report compilation --round syntet-2025 --format pdf --out $WORK/sammanstallning.pdf"
done
