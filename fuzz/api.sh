#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI description with schemathesis: every operation is called
# with generated valid and invalid input, as a coordinator (who may call everything), and the run
# fails on any 5xx answer or a response that does not match the description.
#
#   bash fuzz/api.sh                  # uses target/debug/uppfolj; EXAMPLES=100 for a longer run
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES=${EXAMPLES:-30}
# A free loopback port unless one is given, so that a server left running elsewhere cannot answer.
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BIN=${BIN:-$PWD/target/debug/uppfolj}
command -v st >/dev/null || python3 -m pip install -q schemathesis
[ -x "$BIN" ] || cargo build --quiet
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

export DATABASE_URL="sqlite://$WORK/fuzz.db" UPPFOLJ_LOG=warn
"$BIN" import definitions data/goteborg >/dev/null
echo "ett långt fuzzlösenord" | "$BIN" user add fuzz@uppfolj.test --role samordnare --password-stdin >/dev/null
# Tokens the fuzzer may revoke by guessing small ids; its own comes after them.
for i in $(seq 1 20); do "$BIN" token create --user fuzz@uppfolj.test --name "lockbete $i" >/dev/null; done
TOKEN=$("$BIN" token create --user fuzz@uppfolj.test --name fuzz)
"$BIN" serve --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/halsa" >/dev/null && break; sleep 0.2; done
curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"state":"open"}' "http://127.0.0.1:$PORT/api/v1/rounds/2025/state" >/dev/null

st run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --max-examples "$EXAMPLES" \
  --generation-deterministic \
  --request-timeout 10 \
  --workers 2
