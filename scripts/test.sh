#!/usr/bin/env bash
# All tests: unit, integration on real Azurite + TestCluster silos (each fixture starts its own in-memory Azurite from
# node_modules), the real-process chaos test, and the admin page in headless Chromium (installed here from Debian's packages). Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Compose").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -x node_modules/.bin/azurite ]]; then
  command -v npm >/dev/null || { echo "[test.sh] Node.js 20 (npm) is required to install Azurite" >&2; exit 2; }
  echo "[test.sh] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The admin page's browser tests drive Debian's Chromium through Playwright (which downloads no browser of its own).
CHROMIUM="${ORLEANSRECOVERY_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  command -v apt-get >/dev/null || { echo "[test.sh] no Chromium at $CHROMIUM and no apt-get to install it; set ORLEANSRECOVERY_CHROMIUM" >&2; exit 2; }
  SUDO=""
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "[test.sh] installing Chromium needs root (apt-get install chromium), or set ORLEANSRECOVERY_CHROMIUM" >&2; exit 2; }
    SUDO="sudo"
  fi
  echo "[test.sh] installing Debian's Chromium for the browser tests (apt-get install chromium)"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

exec dotnet test OrleansRecovery.sln -c Release "$@"
