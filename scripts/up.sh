#!/usr/bin/env bash
# `npm run up`: from a fresh clone to a running portal in one command.
#
#   1. checks Node.js (20.9 or newer);
#   2. installs the npm dependencies (npm ci) when they are missing or out of date;
#   3. creates .env (database and Redis URLs, a random AUTH_SECRET) if there is none;
#   4. makes sure MariaDB and Redis answer, installing and starting private ones in
#      .data/ when needed (scripts/ensure-services.sh);
#   5. builds the app when the build is missing or older than the sources;
#   6. prepares the database (npm run setup:db): tables, pipelines, first admin;
#   7. prints where to log in, then runs web, worker and beat in the foreground
#      (npm start) until Ctrl-C.
#
# Safe to run again: each step only does what is missing. Settings: DATABASE_URL,
# REDIS_URL and PORT from the environment override .env (and the URLs are saved
# into .env so that later `npm start` uses them too).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NEXT_TELEMETRY_DISABLED=1

MIN_NODE="20.9" # as package.json "engines" (Next.js needs it)

# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------

if [[ -t 1 && -z ${NO_COLOR:-} && ${TERM:-dumb} != dumb ]]; then
  BOLD=$'\e[1m' YELLOW=$'\e[1;33m' GREEN=$'\e[1;32m' RESET=$'\e[0m'
else
  BOLD="" YELLOW="" GREEN="" RESET=""
fi

step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
die() {
  printf '\nError: %s\n' "$*" >&2
  exit 1
}

# Tell a newcomer what to do when a step fails (set -e stops the script).
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    printf '\n%s%s%s\n' "$YELLOW" "\`npm run up\` stopped because of the error above." "$RESET" >&2
    printf '%s\n' "Fix it and run \`npm run up\` again: every step that already succeeded is skipped." >&2
  fi
}
trap on_exit EXIT

# ---------------------------------------------------------------------------
# .env helpers (.env is a dotenv file read by Next.js and by our processes)
# ---------------------------------------------------------------------------

# Value of KEY in .env (last one wins; quotes, `export` and `# comments` handled).
dotenv_get() {
  local key=$1 line value found=""
  [[ -f .env ]] || return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    line=${line#export }
    [[ $line == "$key"=* || $line == "$key "* ]] || continue
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    if [[ $value == \"*\"* ]]; then
      value=${value#\"}
      value=${value%%\"*}
    elif [[ $value == \'*\'* ]]; then
      value=${value#\'}
      value=${value%%\'*}
    else
      value=${value%%#*}
      value=${value%"${value##*[![:space:]]}"}
    fi
    found=1
  done <.env
  [[ -n $found ]] && printf '%s' "$value"
}

# A value as a dotenv line: quoted when it contains characters dotenv would cut.
dotenv_line() {
  local key=$1 value=$2
  if [[ $value =~ [[:space:]#\"\'] ]]; then
    printf "%s='%s'\n" "$key" "$value"
  else
    printf '%s=%s\n' "$key" "$value"
  fi
}

# Set KEY in .env: replace its line(s) in place, or append it. Keeps comments,
# order and the file's permissions (it holds secrets).
dotenv_set() {
  local key=$1 value=$2 tmp newline
  newline=$(dotenv_line "$key" "$value")
  tmp=$(mktemp)
  KEY=$key NEWLINE=$newline awk '
    BEGIN { key = ENVIRON["KEY"]; done = 0 }
    {
      line = $0; sub(/^[ \t]*(export[ \t]+)?/, "", line)
      if (index(line, key "=") == 1 || index(line, key " ") == 1) {
        if (!done) print ENVIRON["NEWLINE"]
        done = 1; next
      }
      print
    }
    END { if (!done) print ENVIRON["NEWLINE"] }' .env >"$tmp"
  cat "$tmp" >.env
  rm -f "$tmp"
}

# Effective setting: environment, else .env, else DEFAULT.
setting() {
  local key=$1 default=$2 value
  value=${!key:-}
  [[ -n $value ]] || value=$(dotenv_get "$key" || true)
  printf '%s' "${value:-$default}"
}

# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------

check_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "Node.js (with npm) is not installed. Runport needs Node $MIN_NODE or newer:
  https://nodejs.org/en/download  (on Debian/Ubuntu, e.g. the NodeSource packages:
  curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt-get install -y nodejs)"
  fi
  if ! node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    const [wantMaj, wantMin] = process.argv[1].split(".").map(Number);
    process.exit(maj > wantMaj || (maj === wantMaj && min >= wantMin) ? 0 : 1);' "$MIN_NODE"; then
    die "Node.js $(node --version) is too old: Runport needs $MIN_NODE or newer (https://nodejs.org/en/download)."
  fi
}

install_dependencies() {
  # npm ci writes node_modules/.package-lock.json; a newer package-lock.json means
  # someone changed the dependencies since.
  if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "Installing npm dependencies (npm ci, a minute or two)"
    npm ci --no-audit --no-fund
  fi
}

create_env_file() {
  [[ -f .env ]] && return 0
  step "Creating .env (your local settings; not committed)"
  local secret
  secret=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))')
  # umask: .env holds secrets, only you should read it.
  (
    umask 077
    {
      echo "# Runport settings, created by \`npm run up\` on $(date +%Y-%m-%d). The environment"
      echo "# overrides these. See README for all settings."
      echo "#"
      echo "# MariaDB/MySQL (mysql://user:password@host:port/database) and Redis. When they"
      echo "# point at this machine and nothing answers, \`npm run up\` starts private servers"
      echo "# with their data in .data/ (bash scripts/services.sh status|stop)."
      dotenv_line DATABASE_URL "${DATABASE_URL:-mysql://root@127.0.0.1:3306/runport}"
      dotenv_line REDIS_URL "${REDIS_URL:-redis://127.0.0.1:6379}"
      echo "# Signs session cookies: keep it secret, and keep it (changing it logs everyone out)."
      dotenv_line AUTH_SECRET "$secret"
      if [[ -n ${PORT:-} ]]; then
        echo "# Port of the web server."
        dotenv_line PORT "$PORT"
      fi
      echo "# The first admin's password is generated and printed once by \`npm run setup:db\`."
      echo "# To choose it instead, set ADMIN_PASSWORD (10+ characters) before the first run."
      echo "#ADMIN_USERNAME=admin"
      echo "#ADMIN_PASSWORD="
    } >.env
  )
  echo "Created .env with a random AUTH_SECRET."
}

start_services() {
  step "Checking MariaDB and Redis"
  # Sourced (not run) so that it hands back the URLs it settled on (in a function
  # without arguments, so that it gets none).
  # shellcheck source=scripts/ensure-services.sh
  source scripts/ensure-services.sh || die "MariaDB or Redis is not available (see above)."
  # Save them in .env, so that the processes (and later `npm start`) use the same ones.
  local key url current
  for key in DATABASE_URL REDIS_URL; do
    if [[ $key == DATABASE_URL ]]; then url=$RUNPORT_DATABASE_URL; else url=$RUNPORT_REDIS_URL; fi
    current=$(dotenv_get "$key" || true)
    if [[ $url != "$current" ]]; then
      dotenv_set "$key" "$url"
      echo "Saved $key=$url in .env"
    fi
  done
}

# The build is stale when it is missing or any source file is newer than it.
build_if_needed() {
  local reason="" paths=() p newer
  if [[ ! -f .next/BUILD_ID ]]; then
    reason="there is no production build yet"
  elif [[ ! -f dist/worker.cjs || ! -f dist/beat.cjs ]]; then
    reason="the worker bundles (dist/) are missing"
  else
    for p in app server db lib components worker public instrumentation.ts next.config.js \
      package-lock.json tsconfig.json scripts/build-workers.mjs; do
      [[ -e $p ]] && paths+=("$p")
    done
    newer=$(find "${paths[@]}" -newer .next/BUILD_ID -type f -print -quit 2>/dev/null || true)
    [[ -n $newer ]] && reason="sources changed since the last build ($newer)"
  fi
  if [[ -n $reason ]]; then
    step "Building the app ($reason; a minute or two)"
    npm run build
  fi
}

# Runs setup:db and sets GENERATED_PASSWORD when it created the admin with a new password.
GENERATED_PASSWORD=""
ADMIN_NAME=""
setup_database() {
  step "Preparing the database (tables, pipelines, first admin)"
  local log line
  log=$(mktemp)
  if ! npm run --silent setup:db 2>&1 | tee "$log"; then
    rm -f "$log"
    die "npm run setup:db failed (see above)."
  fi
  line=$(grep -o 'created admin "[^"]*" with password: .*' "$log" | tail -n 1 || true)
  rm -f "$log"
  if [[ -n $line ]]; then
    ADMIN_NAME=${line#created admin \"}
    ADMIN_NAME=${ADMIN_NAME%%\"*}
    GENERATED_PASSWORD=${line##*with password: }
    GENERATED_PASSWORD=${GENERATED_PASSWORD%$'\r'}
    printf '\n%s' "$YELLOW"
    printf '  ****************************************************************\n'
    printf '    The admin password was generated now and is shown ONLY ONCE:\n\n'
    printf '        user:      %s\n' "$ADMIN_NAME"
    printf '        password:  %s\n\n' "$GENERATED_PASSWORD"
    printf '    Save it now (e.g. in a password manager).\n'
    printf '  ****************************************************************\n'
    printf '%s' "$RESET"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_summary() {
  local port=$1 url=$2 admin password_note curl_password
  admin=${ADMIN_NAME:-$(setting ADMIN_USERNAME admin)}
  if [[ -n $GENERATED_PASSWORD ]]; then
    password_note="the one printed above (shown only this once)"
    curl_password=$GENERATED_PASSWORD
  elif [[ -n $(setting ADMIN_PASSWORD "") ]]; then
    password_note="ADMIN_PASSWORD from .env (or your environment)"
    curl_password=PASSWORD
  else
    password_note="unchanged since the first run (printed then); forgot it? npm run user -- password $admin"
    curl_password=PASSWORD
  fi
  printf '\n%s' "$GREEN"
  printf '  ================================================================\n'
  printf '   Runport:   %s\n' "$url"
  printf '   Admin:     %s\n' "$admin"
  printf '   Password:  %s\n' "$password_note"
  printf '  ================================================================%s\n' "$RESET"
  printf '   Submit the example run from a shell:\n'
  printf '   curl --request POST --user %s:%s --header "Content-type: application/json" -d @pipelines/fastq-qc/example.json %s/api/v1/new-run/\n' \
    "$admin" "$curl_password" "$url"
  printf '\n   Stop the portal with Ctrl-C. MariaDB/Redis started from .data/ keep running:\n'
  printf '   bash scripts/services.sh status|stop\n'
}

# In the background: once the portal answers, say so and open the browser when
# there is a desktop. Gives up quietly after 3 minutes.
announce_when_ready() {
  local url=$1 i
  for ((i = 0; i < 180; i++)); do
    sleep 1
    if node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/api/health" 2>/dev/null; then
      printf '\n%sRunport is ready: %s%s\n\n' "$GREEN" "$url" "$RESET"
      if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && command -v xdg-open >/dev/null 2>&1; then
        xdg-open "$url" >/dev/null 2>&1 || true
      fi
      return 0
    fi
  done
}

# ---------------------------------------------------------------------------

case ${1:-} in
  "") ;;
  -h | --help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

check_node
# Before the long steps: the web server needs this port (a rebuild would also break
# a Runport that is already running from this directory).
PORT=$(setting PORT 3000)
URL="http://localhost:$PORT"
if port_in_use "$PORT"; then
  die "Port $PORT is already in use (is Runport already running?). Stop that, or use another port: PORT=3001 npm run up"
fi
install_dependencies
create_env_file
start_services
build_if_needed
setup_database
print_summary "$PORT" "$URL"
announce_when_ready "$URL" &

step "Starting Runport (web, worker, beat)"
trap - EXIT
exec npm start
