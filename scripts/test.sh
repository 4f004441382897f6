#!/usr/bin/env bash
# The whole test suite, as CI runs it: `npm test`.
# Installs dependencies if needed, makes sure MariaDB/MySQL and Redis answer (starting
# private ones in .data/ when the machine has none), builds, then runs the unit,
# integration (real MariaDB + Redis, own database and key prefix) and end-to-end
# (the three real processes) tests. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

echo "== services"
# shellcheck source=scripts/ensure-services.sh
source scripts/ensure-services.sh --chromium
# Tests create their own database on this server and their own Redis key prefix.
export TEST_DATABASE_SERVER="${RUNPORT_DATABASE_URL%/*}"
export TEST_REDIS_URL="$RUNPORT_REDIS_URL"

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "== build"
  npm run build
fi

echo "== lint and types"
npm run lint
npm run typecheck

echo "== tests"
npx vitest run "$@"
