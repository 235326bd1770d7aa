#!/usr/bin/env bash
# Fuzzes the readers of files people bring to Uppfölj — report text, report PDFs and definition
# files — with cargo-fuzz (libFuzzer), starting from the real material in data/: no panic, no
# hang (10 s per input), memory bounded (2 GB). CI runs each target for FUZZ_SECONDS (default
# 60); run longer with e.g.
#
#   FUZZ_SECONDS=3600 bash fuzz/readers.sh            # every target an hour
#   FUZZ_SECONDS=600 bash fuzz/readers.sh report_pdf  # one target
#
# A crash is saved under fuzz/artifacts/<target>/; make it a test in
# crates/exchange/tests/fuzz_found.rs (and its file under data/test-reports/fuzz-found/).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(report_text report_pdf definitions)
command -v cargo-fuzz >/dev/null || cargo install --quiet --locked cargo-fuzz
# libFuzzer's instrumentation needs flags that only nightly compilers accept; the one toolchain
# here is stable, which accepts them when told it is building itself.
export RUSTC_BOOTSTRAP=1

seeds() {
  case "$1" in
    report_text) echo ../data/goteborg/reports ../data/test-reports ;;
    report_pdf) echo ../data/test-reports/pdf ;;
    definitions) echo ../data/goteborg ;;
  esac
}

for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target"
  echo "fuzzing $target for ${SECONDS_EACH}s"
  # shellcheck disable=SC2046
  cargo fuzz run --sanitizer none "$target" "corpus/$target" $(seeds "$target") -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1
done
