#!/usr/bin/env bash
# `npm test`: provisions system parts, type-checks the whole tree, builds the dashboard (its e2e
# test serves dashboard/dist), then one vitest run over both projects of vitest.config.ts: `node`
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

echo "== dashboard production build"
npm run --silent -w @hallmon/dashboard build >/dev/null

echo "== tests (vitest: node and dashboard projects)"
# The verbose reporter lists every test and the figures tests report (annotations).
npx --no-install vitest run --reporter=verbose "$@"
