#!/usr/bin/env bash
# The checked demo, on a machine with only the .NET 10 SDK and Node 20:
#   1. installs Azurite from package.json (npm ci) if needed, and starts it in memory on loopback unless one is reachable;
#   2. builds the silo and the demo client (Release) and starts one silo (silo-config/appsettings.json) in the background;
#   3. waits until the silo's gateway accepts connections, runs the demo, stops everything it started, and exits with the
#      demo's exit code (0 only if every check held).
# Environment (all optional):
#   ConnectionStrings__storage    use this storage account / Azurite instead of starting or probing one
#   ORLEANSRECOVERY_AZURITE_PORTS "blob queue table" ports of an Azurite to reuse or start (default: 10000 10001 10002 if
#                                 all reachable, else three free ports)
#   ORLEANSRECOVERY_DEMO_TIMEOUT  seconds to wait for the silo's gateway (default 90)
#   ORLEANSRECOVERY_DEMO_KEEP=1   keep the silo running after the demo (admin page and Orleans Dashboard) until Ctrl-C
# Extra arguments are passed to the demo client (e.g. --accounts 10).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DEV_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
readonly TIMEOUT="${ORLEANSRECOVERY_DEMO_TIMEOUT:-90}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/orleansrecovery-demo.XXXXXX")"
AZURITE_PID=""
SILO_PID=""

say() { printf '[demo.sh] %s\n' "$*"; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

USED_PORTS=" "
pick_port() { # sets PORT to a free loopback port not handed out before
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if [[ "$USED_PORTS" != *" $p "* ]] && ! port_open "$p"; then
      USED_PORTS+="$p "
      PORT=$p
      return 0
    fi
  done
  say "no free loopback port found" >&2
  exit 2
}

wait_ports() { # deadline-seconds pid-to-watch port...
  local deadline=$(( SECONDS + $1 )) pid=$2; shift 2
  for port in "$@"; do
    until port_open "$port"; do
      if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
      if (( SECONDS >= deadline )); then return 1; fi
      sleep 0.25
    done
  done
}

stop() { # pid name
  local pid=$1 name=$2
  [[ -z "$pid" ]] && return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || { say "stopped $name"; return 0; }; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
  say "killed $name (it did not stop within 10 s)"
}

cleanup() {
  local rc=$?
  stop "$SILO_PID" "silo (pid $SILO_PID)"
  stop "$AZURITE_PID" "Azurite (pid $AZURITE_PID)"
  if (( rc == 0 )); then rm -rf "$WORK"; else say "logs kept in $WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v dotnet >/dev/null || { say "the .NET 10 SDK (dotnet) is required"; exit 2; }

# 1. Storage: a given connection string, a reachable Azurite, or our own in-memory Azurite.
if [[ -n "${ConnectionStrings__storage:-}" ]]; then
  say "using the storage account from ConnectionStrings__storage"
else
  read -r BLOB QUEUE TABLE <<<"${ORLEANSRECOVERY_AZURITE_PORTS:-10000 10001 10002}"
  if port_open "$BLOB" && port_open "$QUEUE" && port_open "$TABLE"; then
    say "reusing the Azurite already listening on 127.0.0.1:$BLOB/$QUEUE/$TABLE"
  else
    if [[ ! -x node_modules/.bin/azurite ]]; then
      command -v npm >/dev/null || { say "Node.js 20 (npm) is required to install Azurite"; exit 2; }
      say "installing Azurite (npm ci)"
      npm ci --no-audit --no-fund --loglevel=error
    fi
    if [[ -z "${ORLEANSRECOVERY_AZURITE_PORTS:-}" ]] && { port_open "$BLOB" || port_open "$QUEUE" || port_open "$TABLE"; }; then
      pick_port; BLOB=$PORT; pick_port; QUEUE=$PORT; pick_port; TABLE=$PORT
    fi
    say "starting Azurite (in memory) on 127.0.0.1:$BLOB/$QUEUE/$TABLE"
    # --skipApiVersionCheck: accept Azure SDK clients newer than this Azurite (Azure.Storage.Queues 12.28+ speaks a REST version 3.37.0 refuses).
    node_modules/.bin/azurite --silent --inMemoryPersistence --disableTelemetry --skipApiVersionCheck \
      --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
      --blobPort "$BLOB" --queuePort "$QUEUE" --tablePort "$TABLE" >"$WORK/azurite.log" 2>&1 &
    AZURITE_PID=$!
    if ! wait_ports 30 "$AZURITE_PID" "$BLOB" "$QUEUE" "$TABLE"; then
      say "Azurite did not start; its output:"; cat "$WORK/azurite.log" >&2; exit 2
    fi
  fi
  export ConnectionStrings__storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$DEV_KEY;BlobEndpoint=http://127.0.0.1:$BLOB/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE/devstoreaccount1;"
fi

# 2. Build (Release) the silo and the demo client.
say "building (Release)"
dotnet build src/OrleansRecovery.Silo/OrleansRecovery.Silo.csproj -c Release -nologo -v:quiet -clp:ErrorsOnly >"$WORK/build-silo.log" 2>&1 \
  || { cat "$WORK/build-silo.log" >&2; exit 2; }
dotnet build src/OrleansRecovery.Demo/OrleansRecovery.Demo.csproj -c Release -nologo -v:quiet -clp:ErrorsOnly >"$WORK/build-demo.log" 2>&1 \
  || { cat "$WORK/build-demo.log" >&2; exit 2; }

# 3. One silo, configured by silo-config/appsettings.json; ports from there unless taken.
SILO_PORT=11111; GATEWAY_PORT=30000
if port_open "$SILO_PORT" || port_open "$GATEWAY_PORT"; then
  pick_port; SILO_PORT=$PORT; pick_port; GATEWAY_PORT=$PORT
fi
PORT_ARGS=(--Orleans:Endpoints:SiloPort="$SILO_PORT" --Orleans:Endpoints:GatewayPort="$GATEWAY_PORT")
# The silo's web host (admin page, Orleans Dashboard) on 8080 unless taken.
WEB_PORT=8080
if port_open "$WEB_PORT"; then pick_port; WEB_PORT=$PORT; fi
say "starting the silo (gateway port $GATEWAY_PORT, admin page http://127.0.0.1:$WEB_PORT/admin/); log: $WORK/silo.log"
dotnet src/OrleansRecovery.Silo/bin/Release/net10.0/OrleansRecovery.Silo.dll "${PORT_ARGS[@]}" \
  --Web:Enabled=true --Web:Port="$WEB_PORT" >"$WORK/silo.log" 2>&1 &
SILO_PID=$!
if ! wait_ports "$TIMEOUT" "$SILO_PID" "$GATEWAY_PORT"; then
  say "the silo did not open its gateway within ${TIMEOUT} s (or exited); its log:"
  tail -n 40 "$WORK/silo.log" >&2
  exit 2
fi
grep -E 'OrleansRecovery.Silo\[900[136]\]' "$WORK/silo.log" | sed 's/^/[silo] /' || true

# 4. The demo; its exit code is ours.
set +e
dotnet src/OrleansRecovery.Demo/bin/Release/net10.0/OrleansRecovery.Demo.dll --Orleans:Clustering:Gateways:0="127.0.0.1:$GATEWAY_PORT" "$@"
DEMO_RC=$?
set -e
if (( DEMO_RC != 0 )); then
  say "the demo failed (exit $DEMO_RC); last silo log lines:"
  tail -n 20 "$WORK/silo.log" >&2
fi
if [[ "${ORLEANSRECOVERY_DEMO_KEEP:-0}" == 1 ]]; then
  say "the silo keeps running: admin page http://127.0.0.1:$WEB_PORT/admin/, Orleans Dashboard http://127.0.0.1:$WEB_PORT/dashboard/; Ctrl-C stops it"
  wait "$SILO_PID" || true
fi
exit "$DEMO_RC"
