#!/usr/bin/env bash
# Load test of the JSON API with wrk, on SQLite and on PostgreSQL, over loopback.
#
#   bash bench/api.sh                 # both backends, 50 clients, 10 s per scenario
#   CLIENTS=50 DURATION=20s BACKENDS=sqlite SCENARIOS="save batch" bash bench/api.sh
#
# Scenarios, each with CLIENTS concurrent clients (one wrk thread and connection each), every
# client on an organisation of its own:
#   save   PUT one answer, carrying the version the previous save returned
#   batch  PUT the whole response (the seed's 17 questions) in one request
#   fetch  GET the response: the 17 questions with their answers
#   form   GET the answer form's page (HTML) for the respondent, with FORM_CLIENTS clients
#          (default 1, so that the latency is the server's own rendering, not queueing); the sizes
#          of the page, its stylesheet and its script are printed too
# Saves are durable when acknowledged (SQLite WAL with synchronous=FULL; PostgreSQL's default
# synchronous commit). Prints requests/s, p50 and p99 latency and the count of non-2xx replies.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-50}
DURATION=${DURATION:-10s}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PGBASE=${UPPFOLJ_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18181}
FORM_CLIENTS=${FORM_CLIENTS:-1}
SCENARIOS=${SCENARIOS:-"save batch fetch form"}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
BIN=$PWD/target/release/uppfolj
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# One organisation per client, so that no two clients save the same answer.
python3 - "$CLIENTS" > "$WORK/bench-organisations.toml" <<'PY'
import sys
for i in range(1, int(sys.argv[1]) + 1):
    print(f'[[organisation]]\nkey = "bench-{i}"\nname = "Mätnämnd {i}"\nkind = "nämnd"\n')
PY

run() {
  local backend=$1 url=$2
  export DATABASE_URL=$url UPPFOLJ_LOG=warn
  "$BIN" import definitions data/goteborg "$WORK/bench-organisations.toml" >/dev/null
  echo "ett långt mätlösenord" | "$BIN" user add bench@uppfolj.test --role samordnare --password-stdin >/dev/null
  local token respondent
  token=$("$BIN" token create --user bench@uppfolj.test)
  local organisations=()
  for i in $(seq 1 "$CLIENTS"); do organisations+=(--organisation "bench-$i"); done
  "$BIN" user add respondent@uppfolj.test --role uppgiftslamnare "${organisations[@]}" >/dev/null
  respondent=$("$BIN" token create --user respondent@uppfolj.test)
  "$BIN" serve --bind "127.0.0.1:$PORT" >/dev/null &
  SERVER=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/halsa" >/dev/null && break; sleep 0.2; done
  curl -fs -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"state":"open"}' "http://127.0.0.1:$PORT/api/v1/rounds/2025/state" >/dev/null
  local ids
  ids=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/rounds/2025/responses/bench-1" \
    | python3 -c 'import json,sys; print(" ".join(q["id"] for q in json.load(sys.stdin)["questions"]))')
  for scenario in $SCENARIOS; do
    local out clients=$CLIENTS caller=$token script=$scenario path=""
    if [ "$scenario" = form ]; then
      clients=$FORM_CLIENTS caller=$respondent script=fetch path=/omgangar/2025/svar/bench-
    fi
    out=$(env ${path:+FETCH_PATH=$path} wrk -t"$clients" -c"$clients" -d"$DURATION" --latency -s "bench/$script.lua" "http://127.0.0.1:$PORT" -- "$caller" $ids)
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '%-9s %-6s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$backend" "$scenario" "$rps" "$p50" "$p99" "${errors:-0}"
  done
  local html css js
  html=$(curl -fs -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $respondent" "http://127.0.0.1:$PORT/omgangar/2025/svar/bench-1")
  css=$(curl -fs -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/assets/uppfolj.css")
  js=$(curl -fs -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/assets/uppfolj.js")
  printf '%-9s form   %s bytes: HTML %s + CSS %s + JS %s\n' "$backend" "$((html + css + js))" "$html" "$css" "$js"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

echo "uppfolj API load test: $CLIENTS clients, $DURATION per scenario, $(nproc) cores ($(uname -m))"
for backend in $BACKENDS; do
  case $backend in
    sqlite) run sqlite "sqlite://$WORK/bench.db" ;;
    postgres)
      psql "$PGBASE/test" -qc 'DROP DATABASE IF EXISTS uppfolj_bench' -c 'CREATE DATABASE uppfolj_bench' >/dev/null
      run postgres "$PGBASE/uppfolj_bench" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
done
