#!/usr/bin/env bash
# Installs and starts what the tests and the sample need. Sourced by test.sh and run-sample.sh.

tools_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# npm packages pinned by tests/node/package-lock.json: the real claude CLI.
install_test_tools() {
  local node_dir="$tools_root/tests/node"
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to install the pinned claude CLI (Node.js 20+)" >&2
    return 1
  fi
  echo "== npm ci (tests/node)"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  CLAUDE_CLI_PATH="$node_dir/node_modules/@anthropic-ai/claude-code/bin/claude.exe"
  if ! "$CLAUDE_CLI_PATH" --version >/dev/null 2>&1; then
    # npm may skip install scripts; the platform package carries the same native binary.
    CLAUDE_CLI_PATH="$node_dir/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
  fi
  echo "claude CLI: $("$CLAUDE_CLI_PATH" --version) at $CLAUDE_CLI_PATH"
  export CLAUDE_CLI_PATH
}

# Servers started for the tests are stopped here (none yet besides in-process ones).
stop_test_servers() {
  :
}
