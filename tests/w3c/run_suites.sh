#!/usr/bin/env bash
# Run the W3C VC test suites against our issuer and verifier; print pass/fail/pending per suite.
#
#   tests/w3c/run_suites.sh SCRATCH_DIR [suite ...]
#
# SCRATCH_DIR holds the suites installed by tests/w3c/setup_suites.sh (outside the repository).
# Starts tests/w3c/serve.py (https on 127.0.0.1:23443 issuer, :23444 verifier (below the ephemeral port range), embedded Redis, fresh
# state in SCRATCH_DIR/run) unless PLECAK_W3C_RUNTIME already points at a running one's runtime.json.
# Each suite reads our localConfig.cjs from tests/w3c/<suite>/ through APP_ROOT_PATH. Mocha's JSON
# report is written to SCRATCH_DIR/results/<suite>.json and summarised.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
root=$(cd "${1:?usage: run_suites.sh SCRATCH_DIR [suite ...]}" && pwd)
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(vc-data-model-2.0 vc-di-eddsa vc-bitstring-status-list vc-di-ecdsa)
py=${PYTHON:-$repo/.venv/bin/python}
server_pid=
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -z "${PLECAK_W3C_RUNTIME:-}" ]; then
  rm -rf "$root/run"
  "$py" "$here/serve.py" "$root/run" >"$root/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do [ -s "$root/run/runtime.json" ] && break; sleep 0.2; done
  [ -s "$root/run/runtime.json" ] || { cat "$root/serve.log" >&2; echo "the services did not start" >&2; exit 1; }
  export PLECAK_W3C_RUNTIME="$root/run/runtime.json"
fi
mkdir -p "$root/results"
for suite in "${suites[@]}"; do
  dir="$root/$suite-test-suite"
  [ -d "$dir/node_modules" ] || { echo "$suite: not installed in $dir (run setup_suites.sh)" >&2; exit 1; }
  (cd "$dir" && APP_ROOT_PATH="$here/$suite" npx mocha tests/ --reporter json \
     --reporter-option output="$root/results/$suite.json" --timeout 15000 --preserve-symlinks \
     >"$root/results/$suite.log" 2>&1) || true
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = r.stats;
    console.log(`${process.argv[2]}: ${s.tests} tests, ${s.passes} passing, ${s.failures} failing, ${s.pending} pending`);
    for (const f of r.failures) console.log(`  FAIL ${f.fullTitle}\n       ${(f.err.message || "").split("\n")[0].slice(0, 200)}`);
    if (process.env.SHOW_PENDING) for (const p of r.pending) console.log(`  pending ${p.fullTitle}`);
  ' "$root/results/$suite.json" "$suite"
done
# The suites count any refusal of an issue request as a pass, a 500 included: a crash is still our bug.
if [ -n "$server_pid" ] && crashes=$(grep -c '^unhandled error' "$root/serve.log"); then
  echo "WARNING: $crashes unhandled error(s) (HTTP 500) in $root/serve.log" >&2
fi
