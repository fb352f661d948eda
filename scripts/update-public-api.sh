#!/usr/bin/env bash
# Adds every public symbol missing from a package's PublicAPI.*.txt to its PublicAPI.Unshipped.txt (and drops entries
# for symbols that are gone), then sorts the file. Review the diff: it is the API change.
#   bash scripts/update-public-api.sh                 every package under src/
#   bash scripts/update-public-api.sh Workflows Mcp   only ClaudeOrchestration.Workflows and ClaudeOrchestration.Mcp
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "$#" -eq 0 ]; then
  set -- $(ls -d src/ClaudeOrchestration.*/ | sed 's|src/ClaudeOrchestration\.||; s|/$||')
fi
for name in "$@"; do
  dir="src/ClaudeOrchestration.$name"
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$f" ] || printf '#nullable enable\n' > "$dir/$f"
  done
  dotnet restore "$dir/ClaudeOrchestration.$name.csproj" -nologo -v quiet >/dev/null
  # dotnet format exits non-zero when diagnostics remain it cannot fix; the files are checked by the build afterwards.
  dotnet format analyzers "$dir/ClaudeOrchestration.$name.csproj" --no-restore --diagnostics RS0016 RS0017 RS0036 RS0037 --severity warn >/dev/null 2>&1 || true
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    { echo '#nullable enable'; { grep -v -e '^#nullable enable$' -e '^$' "$dir/$f" || true; } | LC_ALL=C sort -u; } > "$dir/$f.tmp"
    mv "$dir/$f.tmp" "$dir/$f"
  done
  echo "$name: $(($(wc -l < "$dir/PublicAPI.Shipped.txt") - 1)) shipped, $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped"
done
