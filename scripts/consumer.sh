#!/usr/bin/env bash
# The consumer build: packs OrleansRecovery under a version of its own, then builds and tests tests/Consumer - an application as a
# team writes it outside this repository (own nuget.config, own central versions, own UseOrleans silo host, own TestCluster test)
# - restored from those packed packages only (its nuget.config maps OrleansRecovery* to artifacts/packages).
# A fresh version each run keeps NuGet's global package cache from serving an older build of the same version.
# Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION="${ORLEANSRECOVERY_CONSUMER_VERSION:-0.1.0-ci.$(date -u +%Y%m%d%H%M%S)}"
say() { printf '[consumer.sh] %s\n' "$*"; }

say "packing OrleansRecovery $VERSION"
bash scripts/pack.sh -p:Version="$VERSION"

say "restoring, building and testing tests/Consumer from the packed packages"
cd tests/Consumer
dotnet test Orders.Tests/Orders.Tests.csproj -c Release -p:OrleansRecoveryVersion="$VERSION" "$@"
say "OK: the consumer app builds and passes against OrleansRecovery $VERSION"
