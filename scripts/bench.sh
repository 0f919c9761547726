#!/usr/bin/env bash
# Side-by-side performance benchmark (issue 5): OrleansRecovery vs a naive grain vs raw Azurite, in one process on its own
# in-memory Azurite. Arguments go to the benchmark, e.g. `scripts/bench.sh --quick` (CI: exits non-zero if any scenario fails)
# or `scripts/bench.sh --json bench-results.json`. `--help` lists every option.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x node_modules/.bin/azurite ]]; then
  command -v npm >/dev/null || { echo "[bench.sh] Node.js 20 (npm) is required to install Azurite" >&2; exit 2; }
  echo "[bench.sh] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

exec dotnet run -c Release --project bench/OrleansRecovery.Benchmarks -- "$@"
