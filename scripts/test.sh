#!/usr/bin/env bash
# `npm test`: provisions system parts, type-checks the whole tree, lints and checks the formatting
# and that every workspace declares exactly what it imports, makes the release build (bin/build.js:
# the bundles every `hallmon` process in the tests runs, and dashboard/dist, which the dashboard's e2e
# test serves), then one vitest run over both projects of vitest.config.ts: `node`
# (tests/**: real ptys, brokers, stores and browser; see tests/README.md) and `dashboard` (jsdom),
# ending in one summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/provision.sh

if [[ ! -d node_modules/tsx || ! -d node_modules/vitest ]]; then
  echo "node_modules is missing: run 'npm install' first" >&2
  exit 1
fi

echo "== type-check (tsc --noEmit)"
npx --no-install tsc -p tsconfig.json
npx --no-install tsc -p dashboard/tsconfig.json

echo "== lint (eslint), format (prettier --check), dependencies true to the imports (knip)"
npx --no-install eslint .
npx --no-install prettier --check . >/dev/null || { npx --no-install prettier --list-different .; echo "formatting differs: run 'npm run format'" >&2; exit 1; }
npx --no-install knip --no-progress --include dependencies,unlisted,unresolved,binaries

echo "== release build (dist/hallmon.mjs, dist/edge.mjs, dashboard/dist)"
node bin/build.js --all --quiet

echo "== tests (vitest: node and dashboard projects)"
# The verbose reporter lists every test and the figures tests report (annotations); the JSON report
# gives the plain closing line ("N passed, N failed") that any CI reads.
report=$(mktemp -t hallmon-vitest-XXXXXX.json)
trap 'rm -f "$report"' EXIT
status=0
npx --no-install vitest run --reporter=verbose --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
exit "$status"
