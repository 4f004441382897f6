#!/usr/bin/env bash
# `npm run up`, `npm run services` and `npm test` start here: check Node, install the npm
# dependencies when they are missing or out of date, then run the TypeScript that does the
# work (scripts/ops/main.ts, with tsx, which the dependencies bring).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js (with npm) is not installed. Runport needs Node 20.9 or newer:
  https://nodejs.org/en/download  (on Debian/Ubuntu, e.g. the NodeSource packages:
  curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs)" >&2
  exit 1
fi
# As package.json "engines" (Next.js needs it).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 9) ? 0 : 1)'; then
  echo "Node.js $(node --version) is too old: Runport needs 20.9 or newer (https://nodejs.org/en/download)." >&2
  exit 1
fi
# npm ci writes node_modules/.package-lock.json; a newer package-lock.json means someone
# changed the dependencies since. `services` (status, stop) only needs tsx: it never
# reinstalls under a running portal, nor needs the network to stop a server.
if [[ ! -x node_modules/.bin/tsx ]] || { [[ "${1:-}" != services ]] &&
  [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; }; then
  echo "==> Installing npm dependencies (npm ci, a minute or two)"
  npm ci --no-audit --no-fund
fi
exec node_modules/.bin/tsx scripts/ops/main.ts "$@"
