#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 and npm only) to build and test this repo.
#   scripts/setup.sh                 pnpm + the workspace's packages (frozen lockfile)
#   scripts/setup.sh --with-browser  also Debian's chromium, which the docs' browser tests drive
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0 # pnpm 11 needs Node 22.13+; corepack fails here (the registry serves no signatures)

if [[ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

if [[ "${1:-}" == "--with-browser" && ! -x /usr/bin/chromium ]]; then
  echo "setup: installing chromium (Debian) for the browser tests"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: needs root to apt-get install chromium; run: sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

pnpm install --frozen-lockfile
