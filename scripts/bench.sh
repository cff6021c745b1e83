#!/usr/bin/env bash
# `npm run bench`: runs every benchmark in bench/ (or the ones named) and prints their JSON result
# lines; copy the figures with the machine and date into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export HALLMON_LOG_LEVEL=${HALLMON_LOG_LEVEL:-warn}
if (($#)); then files=("$@"); else mapfile -t files < <(ls bench/*.ts | sort); fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, node $(node --version)"
for f in "${files[@]}"; do
  echo "## $f"
  node --import tsx "$f"
done
