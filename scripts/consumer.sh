#!/usr/bin/env bash
# The consumer build: packs OrleansRecovery under a version of its own, then builds and tests tests/Consumer - an application as a
# team writes it outside this repository (own nuget.config, own central versions, own UseOrleans silo host, own TestCluster test)
# - restored from those packed packages only (its nuget.config maps OrleansRecovery* to artifacts/packages).
# Then it starts the app's own silo on a fresh Azurite and drives it with the packed recoveryctl tool through
# park -> recover -> replay, as an operator would. A fresh version each run keeps NuGet's global package cache from serving an
# older build of the same version. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION="${ORLEANSRECOVERY_CONSUMER_VERSION:-0.1.0-ci.$(date -u +%Y%m%d%H%M%S)}"
say() { printf '[consumer.sh] %s\n' "$*"; }

say "packing OrleansRecovery $VERSION"
bash scripts/pack.sh -p:Version="$VERSION"

say "restoring, building and testing tests/Consumer from the packed packages"
cd tests/Consumer
dotnet test Orders.Tests/Orders.Tests.csproj -c Release -p:OrleansRecoveryVersion="$VERSION" "$@"
cd ../..

say "starting the app's silo on a fresh Azurite; driving it with the packed recoveryctl"
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_port() { # port what seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if (( SECONDS > deadline )); then say "FAILED: $2 did not open port $1 within $3 s"; cat "$WORK"/*.log >&2 || true; exit 1; fi
    sleep 0.2
  done
}
read -r BLOB QUEUE TABLE SILO GATEWAY < <(node -e '
  const net = require("net"); const servers = [];
  (async () => { for (let i = 0; i < 5; i++) { const s = net.createServer(); await new Promise(r => s.listen(0, "127.0.0.1", r)); servers.push(s); }
    console.log(servers.map(s => s.address().port).join(" ")); servers.forEach(s => s.close()); })();')
node_modules/.bin/azurite --silent --inMemoryPersistence --disableTelemetry --skipApiVersionCheck \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort "$BLOB" --queuePort "$QUEUE" --tablePort "$TABLE" \
  >"$WORK/azurite.log" 2>&1 & PIDS+=($!)
wait_port "$TABLE" Azurite 30
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export ConnectionStrings__storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$BLOB/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE/devstoreaccount1;"
(cd tests/Consumer/Orders.Silo/bin/Release/net10.0 && exec dotnet Orders.Silo.dll \
  --Orleans:Endpoints:SiloPort="$SILO" --Orleans:Endpoints:GatewayPort="$GATEWAY") >"$WORK/silo.log" 2>&1 & PIDS+=($!)
wait_port "$GATEWAY" "the Orders silo" 90

dotnet tool install --tool-path "$WORK/tools" --add-source artifacts/packages OrleansRecovery.Cli --version "$VERSION" >/dev/null
ctl() { "$WORK/tools/recoveryctl" --gateway "127.0.0.1:$GATEWAY" --cluster-id orders --connect-timeout 30s "$@"; }
expect() { # text command...
  local text=$1 out; shift
  out=$(ctl "$@") || { say "FAILED: recoveryctl $* exited $?: $out"; exit 1; }
  printf '    %s\n' "$out"
  grep -qF "$text" <<<"$out" || { say "FAILED: recoveryctl $* did not say '$text'"; exit 1; }
}
expect "order-7: recovering" begin-recovery order-7 --reason "warehouse outage"
expect "→ Queued" send order-7 --type add-line --payload sku-7 --id l1
expect "→ Processed" send order-7 --recovery --type reconciled --id r1
deadline=$((SECONDS + 30))
until out=$(ctl show order-7) && grep -q "Mode *Normal" <<<"$out" && grep -q "replayed 1" <<<"$out"; do
  if (( SECONDS > deadline )); then say "FAILED: order-7 did not replay within 30 s: $out"; exit 1; fi
  sleep 0.5
done
printf '    %s\n' "$(grep -E "Mode|Counters" <<<"$out")"
say "OK: the consumer app builds and passes against OrleansRecovery $VERSION, and recoveryctl parked, recovered and replayed an order"
