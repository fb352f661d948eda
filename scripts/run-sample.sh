#!/usr/bin/env bash
# The main job: runs the delegation sample host. With no ANTHROPIC_API_KEY it runs against the
# in-process scripted Messages API and says so.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/tools.sh
source "$root/scripts/tools.sh"
if [ -z "${CLAUDE_CLI_PATH:-}" ] && ! command -v claude >/dev/null 2>&1; then
  install_test_tools >/dev/null
fi
export ClaudeOrchestration__CliPath="${CLAUDE_CLI_PATH:-}"
dotnet build samples/ClaudeOrchestration.Samples.Delegation -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet run --project samples/ClaudeOrchestration.Samples.Delegation -c Release --no-build -- "$@"
