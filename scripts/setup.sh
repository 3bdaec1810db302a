#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 and npm only) to build and test this repo.
#   scripts/setup.sh                 pnpm + the workspace's packages (frozen lockfile)
#   scripts/setup.sh --with-browser  also what the tests run beside Node, from Debian: chromium (the docs'
#                                    browser tests), curl and openssl (the docs' shell samples are run),
#                                    postgresql (the sandbox's second store; tests run throwaway clusters)
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0 # pnpm 11 needs Node 22.13+; corepack fails here (the registry serves no signatures)

if [[ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

if [[ "${1:-}" == "--with-browser" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v curl >/dev/null || missing+=(curl ca-certificates)
  command -v openssl >/dev/null || missing+=(openssl)
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
  if ((${#missing[@]} > 0)); then
    echo "setup: installing ${missing[*]} (Debian) for the tests"
    if [[ $(id -u) -ne 0 ]]; then
      echo "setup: needs root to apt-get install them; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

pnpm install --frozen-lockfile
