#!/usr/bin/env bash
# All tests: unit, and integration on real Azurite + TestCluster silos (each fixture starts its own in-memory Azurite from
# node_modules). Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Compose").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x node_modules/.bin/azurite ]]; then
  command -v npm >/dev/null || { echo "[test.sh] Node.js 20 (npm) is required to install Azurite" >&2; exit 2; }
  echo "[test.sh] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

exec dotnet test OrleansRecovery.sln -c Release "$@"
