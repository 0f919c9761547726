#!/usr/bin/env bash
# Scenario 12, real processes: Azurite + 3 silo processes (Azure Table clustering) under client-SDK and stream load with
# recoveries in progress, a silo SIGKILLed and restarted every few seconds, then drain and the queue checker (0/0/0/0 required).
# Also the cold restart (every silo killed, fresh ones on new ports) and the outage test (a silo killed during a campaign of
# 10,000 members here, and 0.5 s into a recovery scope's opening under a steady stream of messages).
#
#   scripts/chaos.sh                      the CI form (6 rounds, ~1.5 min)
#   scripts/chaos.sh --rounds 20          the long form
#   scripts/chaos.sh --rounds 50 --transactions 48 --seed 1234
#   scripts/chaos.sh --only OutageChaos   one test class: a silo killed during a 10,000-member campaign and a scope switch
#
# Options: --rounds N (kill rounds), --transactions N (concurrent transactions, one sender each), --seed N (replays the kill
# schedule), --outage-members N (campaign members of the outage test; default here 10,000, the test's own default 2,000),
# --only NAME (run only tests whose name contains NAME), -c|--configuration Release|Debug. Progress lines are printed as they
# happen; silo logs stay in the directory printed at the start ($TMPDIR/orleansrecovery-chaos-*).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONFIGURATION=Release
FILTER="Category=Chaos"
export ORLEANSRECOVERY_OUTAGE_MEMBERS="${ORLEANSRECOVERY_OUTAGE_MEMBERS:-10000}"
while (( $# > 0 )); do
  case "$1" in
    --rounds) export ORLEANSRECOVERY_CHAOS_ROUNDS="$2"; shift 2 ;;
    --transactions) export ORLEANSRECOVERY_CHAOS_TRANSACTIONS="$2"; shift 2 ;;
    --seed) export ORLEANSRECOVERY_CHAOS_SEED="$2"; shift 2 ;;
    --outage-members) export ORLEANSRECOVERY_OUTAGE_MEMBERS="$2"; shift 2 ;;
    --only) FILTER="Category=Chaos&FullyQualifiedName~$2"; shift 2 ;;
    -c|--configuration) CONFIGURATION="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "[chaos.sh] unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -x node_modules/.bin/azurite ]]; then
  command -v npm >/dev/null || { echo "[chaos.sh] Node.js 20 (npm) is required to install Azurite" >&2; exit 2; }
  echo "[chaos.sh] installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

PROGRESS="$(mktemp "${TMPDIR:-/tmp}/orleansrecovery-chaos-progress.XXXXXX")"
export ORLEANSRECOVERY_CHAOS_LOG="$PROGRESS"
TAIL_PID=""
cleanup() { [[ -n "$TAIL_PID" ]] && kill "$TAIL_PID" 2>/dev/null; rm -f "$PROGRESS"; }
trap cleanup EXIT

echo "[chaos.sh] building ($CONFIGURATION)"
dotnet build tests/OrleansRecovery.Tests.Chaos/OrleansRecovery.Tests.Chaos.csproj -c "$CONFIGURATION" -nologo -v:quiet -clp:ErrorsOnly

tail -n +1 -f "$PROGRESS" &
TAIL_PID=$!
set +e
dotnet test tests/OrleansRecovery.Tests.Chaos/OrleansRecovery.Tests.Chaos.csproj -c "$CONFIGURATION" --no-build \
  --filter "$FILTER" --logger "console;verbosity=minimal" -nologo
RC=$?
set -e
sleep 0.5
exit "$RC"
