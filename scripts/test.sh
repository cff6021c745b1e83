#!/usr/bin/env bash
# `npm test`: provisions system parts, type-checks the whole tree, then runs every test file with
# Node's test runner (real ptys, brokers, stores and browser; see tests/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/provision.sh

if [[ ! -d node_modules/tsx ]]; then
  echo "node_modules is missing: run 'npm install' first" >&2
  exit 1
fi

echo "== type-check (tsc --noEmit)"
npx --no-install tsc -p tsconfig.json
npx --no-install tsc -p dashboard/tsconfig.json

echo "== dashboard: unit and component tests (vitest), production build"
(cd dashboard && npx --no-install vitest run --reporter=dot)
npm run --silent -w @hallmon/dashboard build >/dev/null

echo "== tests"
export HALLMON_LOG_LEVEL=${HALLMON_LOG_LEVEL:-warn}
mapfile -t files < <(find tests -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if ((${#files[@]} == 0)); then
  echo "no test files found under tests/" >&2
  exit 1
fi
node --import tsx --test --test-concurrency=2 --test-timeout=180000 "${files[@]}"
