#!/usr/bin/env bash
# Show, stop or start the PRIVATE MariaDB and Redis servers that
# scripts/ensure-services.sh runs from .data/mariadb and .data/redis.
#
#   bash scripts/services.sh status   # are they running, on which port
#   bash scripts/services.sh stop     # stop them cleanly (their data stays in .data/)
#   bash scripts/services.sh start    # same as: bash scripts/ensure-services.sh
#
# They are found through their pid files, and a pid counts only when that process
# really is the server of that directory, so system services (systemctl, service)
# and other checkouts' servers are never touched.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# name|data directory (relative to ROOT)|pid file inside it
SERVERS=(
  "MariaDB|.data/mariadb|mariadbd.pid"
  "Redis|.data/redis|redis.pid"
)

usage() {
  sed -n '2,/^# and other/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Pid of the server whose pid file is PIDFILE, if it runs and is the server of DIR
# (mariadbd and redis-server chdir into their data directory); nothing otherwise.
server_pid() {
  local pidfile=$1 dir=$2 pid cwd
  [[ -f $pidfile ]] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -d /proc/$pid ]]; then
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
    [[ $cwd == "$(cd "$dir" && pwd -P)" ]] || return 1
  fi
  printf '%s' "$pid"
}

# host:port the server was started for (written by ensure-services.sh).
server_address() {
  local state=$1/runport-server host port
  [[ -f $state ]] || return 1
  host=$(sed -n 's/^HOST=//p' "$state")
  port=$(sed -n 's/^PORT=//p' "$state")
  if [[ $host == *:* ]]; then printf '[%s]:%s' "$host" "$port"; else printf '%s:%s' "$host" "$port"; fi
}

status() {
  local entry name rel pidfile dir pid address
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name rel pidfile <<<"$entry"
    dir=$ROOT/$rel
    if [[ ! -d $dir ]]; then
      echo "$name: no private server (nothing in $rel)"
    elif pid=$(server_pid "$dir/$pidfile" "$dir"); then
      address=$(server_address "$dir" || echo "?")
      echo "$name: running (pid $pid) on $address, data in $rel"
    else
      echo "$name: not running (data in $rel)"
    fi
  done
}

# Stop with SIGTERM, which both servers treat as a clean shutdown (MariaDB flushes
# InnoDB, Redis writes its append-only file), and wait for the process to exit.
stop() {
  local entry name rel pidfile dir pid waited failed=0
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name rel pidfile <<<"$entry"
    dir=$ROOT/$rel
    if [[ ! -d $dir ]] || ! pid=$(server_pid "$dir/$pidfile" "$dir"); then
      echo "$name: not running"
      continue
    fi
    kill -TERM "$pid"
    waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 120)); do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name: still shutting down after 60 s (pid $pid); check again with: bash scripts/services.sh status" >&2
      failed=1
    else
      echo "$name: stopped (data kept in $rel)"
    fi
  done
  return "$failed"
}

case ${1:-} in
  status) status ;;
  stop) stop ;;
  start) exec bash "$ROOT/scripts/ensure-services.sh" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
