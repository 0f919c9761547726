#!/usr/bin/env bash
# Builds the NuGet packages into artifacts/packages (Release) and checks what each one holds:
#   OrleansRecovery.Abstractions, OrleansRecovery (engine), OrleansRecovery.AzureStorage, OrleansRecovery.Client,
#     OrleansRecovery.Testing, OrleansRecovery.Admin
#     (the admin page for any ASP.NET Core host) - libraries,
#     each with its assembly, its XML documentation and a README;
#   OrleansRecovery.Cli - the operator CLI as a .NET tool (command: recoveryctl).
# Every other project sets IsPackable=false (silo host, web host, demo, reference ledger logic, tests, benchmarks).
# Extra arguments go to `dotnet pack` (e.g. -p:Version=0.2.0). Install the tool from the result with:
#   dotnet tool install --tool-path ./tools --add-source artifacts/packages OrleansRecovery.Cli
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly OUT=artifacts/packages
say() { printf '[pack.sh] %s\n' "$*"; }

rm -rf "$OUT"
say "dotnet pack -c Release -o $OUT"
dotnet pack OrleansRecovery.sln -c Release -o "$OUT" -nologo -v:quiet -clp:ErrorsOnly "$@"

failed=0
check() { # package-file entry-path   (the listing is read whole: grep -q closing the pipe early would trip pipefail)
  local listing
  listing=$(unzip -Z1 "$1")
  if grep -qxF "$2" <<<"$listing"; then return 0; fi
  say "MISSING in $(basename "$1"): $2"; failed=1
}

for id in OrleansRecovery.Abstractions OrleansRecovery OrleansRecovery.AzureStorage OrleansRecovery.Client OrleansRecovery.Testing OrleansRecovery.Admin; do
  pkg=$(ls "$OUT"/"$id".[0-9]*.nupkg 2>/dev/null | head -n1 || true)
  if [[ -z "$pkg" ]]; then say "MISSING package $id"; failed=1; continue; fi
  check "$pkg" "lib/net10.0/$id.dll"
  check "$pkg" "lib/net10.0/$id.xml"
  check "$pkg" "README.md"
done

tool=$(ls "$OUT"/OrleansRecovery.Cli.[0-9]*.nupkg 2>/dev/null | head -n1 || true)
if [[ -z "$tool" ]]; then
  say "MISSING package OrleansRecovery.Cli"; failed=1
else
  check "$tool" "tools/net10.0/any/recoveryctl.dll"
  check "$tool" "tools/net10.0/any/DotnetToolSettings.xml"
  check "$tool" "README.md"
fi

unexpected=$(ls "$OUT"/*.nupkg | grep -vE '/OrleansRecovery(\.Abstractions|\.AzureStorage|\.Client|\.Testing|\.Admin|\.Cli)?\.[0-9][^/]*\.nupkg$' || true)
if [[ -n "$unexpected" ]]; then say "UNEXPECTED packages (set IsPackable=false?): $unexpected"; failed=1; fi

for pkg in "$OUT"/*.nupkg; do
  say "$(basename "$pkg") ($(du -k "$pkg" | cut -f1) KiB)"
  if [[ "$pkg" == "$tool" ]]; then
    # The tool carries its whole dependency closure; list only what this repository puts in it.
    files=$(unzip -Z1 "$pkg")
    grep -E '^(README\.md|[^/]*\.nuspec|tools/net10\.0/any/(recoveryctl|OrleansRecovery|DotnetToolSettings|silo-config/)[^/]*)' <<<"$files" | sed 's/^/    /'
    printf '    ... and %s dependency files\n' "$(grep -cvE '^(_rels/|package/|\[Content_Types\]|README\.md|[^/]*\.nuspec|tools/net10\.0/any/(recoveryctl|OrleansRecovery|DotnetToolSettings|silo-config/))' <<<"$files")"
  else
    unzip -Z1 "$pkg" | grep -vE '^(_rels/|package/|\[Content_Types\])' | sed 's/^/    /'
  fi
done

if (( failed )); then say "FAILED: see MISSING/UNEXPECTED above"; exit 1; fi
say "OK: $(ls "$OUT"/*.nupkg | wc -l) packages in $OUT"
