#!/usr/bin/env bash
# Make sure the MariaDB (or MySQL) server and the Redis server that Runport is
# configured for answer, starting private ones in .data/ when they are missing.
#
#   bash scripts/ensure-services.sh [--chromium]
#   source scripts/ensure-services.sh [--chromium]   # also exports the URLs (below)
#
# The URLs come from the environment (DATABASE_URL, REDIS_URL), else from .env,
# else the app's defaults. For each service:
#   1. something answers at the URL with its credentials -> use it;
#   2. else, if the URL's host is this machine -> install the server programs with
#      apt-get when they are missing, then start a PRIVATE server as the current user,
#      bound to the URL's host and port, with its data in .data/mariadb or .data/redis
#      (no systemd needed: works in containers too);
#   3. else (another machine that does not answer) -> fail with an explanation.
# Afterwards RUNPORT_DATABASE_URL and RUNPORT_REDIS_URL hold the URLs it settled on.
# Running it again while the private servers run just uses them.
# --chromium: also install Debian's chromium package when /usr/bin/chromium is missing
# (the browser tests need it).
# scripts/services.sh shows (status) or stops (stop) the private servers.
#
# Written to be sourced by scripts/up.sh: everything lives in functions prefixed
# _rp_, errors are returned (never `exit`), and it works with or without `set -e`.

_RP_DEFAULT_DATABASE_URL="mysql://root@127.0.0.1:3306/runport"
_RP_DEFAULT_REDIS_URL="redis://127.0.0.1:6379"

_rp_say() { printf '%s\n' "$*"; }
_rp_err() { printf '%s\n' "$*" >&2; }

# The repository root, from this file's location, so it works from any directory.
_rp_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); }

# Value of KEY in a dotenv file (last assignment wins, as in dotenv). Handles
# `export KEY=`, surrounding quotes and ` # comments` after unquoted values.
_rp_dotenv_get() {
  local key=$1 file=$2 line value found=""
  [[ -f $file ]] || return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    line=${line#export }
    [[ $line == "$key"=* || $line == "$key "* ]] || continue
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    if [[ $value == \"*\"* ]]; then
      value=${value#\"}; value=${value%%\"*}
    elif [[ $value == \'*\'* ]]; then
      value=${value#\'}; value=${value%%\'*}
    else
      value=${value%%#*}
      value=${value%"${value##*[![:space:]]}"}
    fi
    found=1
  done <"$file"
  [[ -n $found ]] && printf '%s' "$value"
}

# The effective setting: environment, else .env, else the default.
_rp_setting() {
  local key=$1 default=$2 root=$3 value
  value=${!key:-}
  [[ -n $value ]] || value=$(_rp_dotenv_get "$key" "$root/.env" || true)
  printf '%s' "${value:-$default}"
}

# Split a URL into lines: scheme, host, port, user, password (percent-decoded).
# Node (a prerequisite of the project) parses URLs exactly as the app does.
_rp_parse_url() {
  node -e '
    try {
      const u = new URL(process.argv[1]);
      const out = [u.protocol.replace(/:$/, ""), u.hostname.replace(/^\[|\]$/g, ""), u.port,
                   decodeURIComponent(u.username), decodeURIComponent(u.password)];
      if (!out[1] || out.some((v) => /[\r\n]/.test(v))) throw new Error("no host");
      process.stdout.write(out.join("\n") + "\n");
    } catch {
      process.exit(1);
    }' "$1"
}

# Hosts for which we may start a server ourselves.
_rp_is_local_host() {
  case $1 in
    localhost | 127.* | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

# Address a private server binds to: the URL's host, with localhost meaning IPv4
# (Node tries both families, so clients reach it either way).
_rp_bind_address() {
  if [[ $1 == localhost ]]; then printf '127.0.0.1'; else printf '%s' "$1"; fi
}

# A host as people write it in host:port messages.
_rp_hostport() {
  if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "$1" "$2"; fi
}

# Full path of the first of the named programs that exists. Server programs live in
# /usr/sbin, which is not on a normal user's PATH on Debian.
_rp_find_program() {
  local name dir
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
    for dir in /usr/sbin /usr/local/sbin /sbin /usr/local/bin /usr/bin; do
      if [[ -x $dir/$name ]]; then
        printf '%s\n' "$dir/$name"
        return 0
      fi
    done
  done
  return 1
}

# Is the process in PIDFILE alive and is it the server of DIR (its working directory:
# mariadbd and redis-server both chdir into their data directory)? Protects against
# stale pid files whose number now belongs to an unrelated process.
_rp_pidfile_alive() {
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

# ---------------------------------------------------------------------------
# Probes. Each returns 0 = answers with these credentials, 1 = nothing answers
# (connection refused, unknown host, timeout), 2 = something answers but refuses
# (wrong credentials, not this kind of server...). The reason is in _RP_PROBE_MSG.
# ---------------------------------------------------------------------------

_RP_PROBE_MSG=""

# MariaDB/MySQL: a real login (without selecting the database: setup:db creates it).
# Prefer the app's own driver (mysql2) so that what works here works for the app
# (authentication plugins differ between clients); else the mariadb/mysql client.
_rp_probe_mysql() {
  local host=$1 port=$2 user=$3 pass=$4 root=$5 client out rc
  if [[ -f $root/node_modules/mysql2/package.json ]]; then
    rc=0
    out=$(cd "$root" && RP_HOST=$host RP_PORT=$port RP_USER=$user RP_PASS=$pass node -e '
      const e = process.env;
      const c = require("mysql2").createConnection({ host: e.RP_HOST, port: Number(e.RP_PORT),
        user: e.RP_USER, password: e.RP_PASS, connectTimeout: 5000 });
      c.on("error", () => {});
      c.query("SELECT 1", (err) => {
        if (!err) { c.end(); return; } // a clean QUIT: no "Aborted connection" in the server log
        console.log(err.message);
        const gone = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
        process.exit(gone.includes(err.code) ? 1 : 2);
      });' 2>&1) || rc=$?
    _RP_PROBE_MSG=$out
    # A timeout on an open port: something listens there that does not speak MySQL.
    if ((rc == 1)) && [[ $out == *ETIMEDOUT* ]] && _rp_tcp_open "$host" "$port"; then
      _RP_PROBE_MSG="something listens on port $port but does not answer like MySQL/MariaDB"
      rc=2
    fi
    return "$rc"
  fi
  if client=$(_rp_find_program mariadb mysql); then
    # MYSQL_PWD keeps the password out of `ps`; --no-defaults ignores ~/.my.cnf and
    # /etc/mysql; --protocol=TCP because "localhost" would otherwise mean the socket.
    rc=0
    out=$(MYSQL_PWD=$pass "$client" --no-defaults --protocol=TCP --connect-timeout=5 \
      --host="$host" --port="$port" --user="$user" --batch --skip-column-names -e 'SELECT 1' 2>&1) || rc=$?
    _RP_PROBE_MSG=$out
    ((rc == 0)) && return 0
    if [[ $out == *"ERROR 2002"* || $out == *"ERROR 2003"* || $out == *"ERROR 2005"* || $out == *"Can't connect"* ]]; then
      return 1
    fi
    return 2
  fi
  # Neither: only see whether the port is open (cannot check the credentials).
  if _rp_tcp_open "$host" "$port"; then
    _RP_PROBE_MSG="port open (credentials not checked: no mysql2 package and no mariadb client)"
    return 0
  fi
  _RP_PROBE_MSG="connection refused"
  return 1
}

_rp_tcp_open() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Redis: PING must answer PONG (after AUTH when the URL has a password).
# redis-cli if present, else the app's ioredis, else PING by hand over /dev/tcp.
_rp_probe_redis() {
  local scheme=$1 host=$2 port=$3 user=$4 pass=$5 root=$6 cli out rc args=()
  if cli=$(_rp_find_program redis-cli); then
    args=(-h "$host" -p "$port" --no-auth-warning)
    [[ -n $user && $user != default ]] && args+=(--user "$user")
    [[ $scheme == rediss ]] && args+=(--tls)
    # REDISCLI_AUTH keeps the password out of `ps`.
    rc=0
    if [[ -n $pass ]]; then
      out=$(REDISCLI_AUTH=$pass timeout 10 "$cli" "${args[@]}" ping 2>&1) || rc=$?
    else
      out=$(timeout 10 "$cli" "${args[@]}" ping 2>&1) || rc=$?
    fi
    _RP_PROBE_MSG=$out
    # The last line: a complaint about a password the server does not need comes
    # before the PONG, and the app's client (ioredis) ignores it too.
    [[ ${out##*$'\n'} == PONG ]] && return 0
    [[ $out == *"Could not connect"* || $rc == 124 ]] && return 1
    return 2
  fi
  if [[ -f $root/node_modules/ioredis/package.json ]]; then
    rc=0
    out=$(cd "$root" && RP_URL="$scheme://$(_rp_hostport "$host" "$port")" RP_USER=$user RP_PASS=$pass node -e '
      const { Redis } = require("ioredis");
      const e = process.env;
      const r = new Redis(e.RP_URL, { username: e.RP_USER || undefined, password: e.RP_PASS || undefined,
        lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      let first;
      r.on("error", (err) => { first ??= err; });
      r.connect().then(() => r.ping()).then((pong) => { r.disconnect(); process.exit(pong === "PONG" ? 0 : 2); },
        (err) => { err = first ?? err; console.log(err.message); r.disconnect();
          process.exit(/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|EAI_AGAIN/.test(String(err.code) + err.message) ? 1 : 2); });' 2>&1) || rc=$?
    _RP_PROBE_MSG=$out
    return "$rc"
  fi
  if [[ $scheme == rediss ]]; then
    _RP_PROBE_MSG="cannot check a TLS Redis without redis-cli or the ioredis package"
    return 2
  fi
  _rp_tcp_open "$host" "$port" || { _RP_PROBE_MSG="connection refused"; return 1; }
  # RESP arrays, so that passwords with spaces survive. Prints one reply per line.
  # shellcheck disable=SC2016 # the script's variables expand in the inner bash
  out=$(RP_PASS=$pass RP_USER=$user timeout 5 bash -c '
    resp() { printf "*%d\r\n" "$#"; for a in "$@"; do printf "\$%d\r\n%s\r\n" "${#a}" "$a"; done; }
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    if [[ -n $RP_PASS ]]; then
      if [[ -n $RP_USER && $RP_USER != default ]]; then resp AUTH "$RP_USER" "$RP_PASS" >&3; else resp AUTH "$RP_PASS" >&3; fi
      IFS= read -r reply <&3 && printf "%s\n" "$reply"
    fi
    resp PING >&3
    IFS= read -r reply <&3 && printf "%s\n" "$reply"' _ "$host" "$port" 2>&1) || true
  out=${out//$'\r'/}
  _RP_PROBE_MSG=$out
  [[ ${out##*$'\n'} == "+PONG" ]] && return 0
  return 2
}

# ---------------------------------------------------------------------------
# Installing programs with apt-get.
# ---------------------------------------------------------------------------

_rp_package_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

# Install PACKAGES (apt-get, as root or with sudo). The system services that the
# server packages start (mariadb, redis-server) are stopped and disabled when this
# run installed them: Runport runs its own servers from .data/, and a system
# MariaDB on 3306 whose root logs in only through the Unix socket would otherwise
# take the port and refuse Runport's login, now and after every reboot.
_rp_apt_install() {
  local root=$1
  shift
  local sudo=() log="$root/.data/apt-get.log" pkg unit new=()
  # Only what is not installed yet: never upgrade (and so restart) existing packages.
  for pkg in "$@"; do _rp_package_installed "$pkg" || new+=("$pkg"); done
  if ((${#new[@]} == 0)); then
    _rp_err "The packages $* are installed, but their programs were not found (looked in PATH and /usr/sbin)."
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    _rp_err "Cannot install ${new[*]} automatically: this is not a Debian/Ubuntu system (no apt-get)."
    _rp_err "Install them with your package manager, then run this again."
    return 1
  fi
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      _rp_err "Need to install ${new[*]}, which requires root, but you are not root and sudo is missing."
      _rp_err "Ask an administrator to run:  apt-get install -y ${new[*]}   then run this again."
      return 1
    fi
    sudo=(sudo)
  fi
  mkdir -p "$root/.data"
  _rp_say "Installing ${new[*]} with apt-get${sudo:+ (through sudo: it may ask for your password)}; this can take a few minutes (log: .data/apt-get.log)..."
  # A failing update (e.g. one broken third-party repository) need not stop the install.
  "${sudo[@]}" apt-get update >"$log" 2>&1 {_RP_LOCK_FD}>&- ||
    _rp_err "(apt-get update reported errors, see .data/apt-get.log; trying the install anyway)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${new[@]}" >>"$log" 2>&1 {_RP_LOCK_FD}>&-; then
    _rp_err "Installing ${new[*]} failed. The end of .data/apt-get.log:"
    tail -n 15 "$log" >&2
    if ((${#sudo[@]} > 0)); then
      _rp_err "(If sudo refused: ask an administrator to run  apt-get install -y ${new[*]})"
    fi
    return 1
  fi
  for pkg in "${new[@]}"; do
    case $pkg in
      mariadb-server) unit=mariadb ;;
      redis-server) unit=redis-server ;;
      *) continue ;;
    esac
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
      "${sudo[@]}" systemctl disable --now "$unit" >>"$log" 2>&1 || true
      _rp_say "Note: the $unit system service that came with $pkg is stopped and disabled; Runport runs its own server from .data/ (to use the system one instead: sudo systemctl enable --now $unit)."
    elif command -v service >/dev/null 2>&1; then
      # No systemd (a container): the package may have started it through its init script.
      "${sudo[@]}" service "$unit" stop >>"$log" 2>&1 || true
    fi
  done
}

# ---------------------------------------------------------------------------
# The private MariaDB server in .data/mariadb.
# ---------------------------------------------------------------------------

# Paths of the private MariaDB; sets _RP_MDB_* globals.
_rp_mariadb_paths() {
  local root=$1
  _RP_MDB_DIR=$root/.data/mariadb
  _RP_MDB_PIDFILE=$_RP_MDB_DIR/mariadbd.pid
  _RP_MDB_LOG=$_RP_MDB_DIR/error.log
  _RP_MDB_STATE=$_RP_MDB_DIR/runport-server
  _RP_MDB_SOCKET=$_RP_MDB_DIR/mysqld.sock
  # Unix socket paths are limited to 107 bytes; deep checkouts fall back to /tmp.
  if ((${#_RP_MDB_SOCKET} > 100)); then
    _RP_MDB_SOCKET=${TMPDIR:-/tmp}/runport-mariadb-$(id -u)-$(printf '%s' "$root" | cksum | cut -d' ' -f1).sock
  fi
}

# Run SQL in the private server as its root user, through its Unix socket (root of a
# datadir made by mariadb-install-db has an empty password, or the URL's password
# when the URL's user is root and we set it).
_rp_mariadb_admin_sql() {
  local sql=$1 root_pass=$2 client out
  client=$(_rp_find_program mariadb mysql) || { _rp_err "The mariadb client program is missing."; return 1; }
  if out=$("$client" --no-defaults --socket="$_RP_MDB_SOCKET" --user=root -e "$sql" 2>&1); then return 0; fi
  if [[ -n $root_pass ]] && out=$(MYSQL_PWD=$root_pass "$client" --no-defaults --socket="$_RP_MDB_SOCKET" --user=root -e "$sql" 2>&1); then
    return 0
  fi
  _rp_err "$out"
  return 1
}

# Quote a string as an SQL literal.
_rp_sql_quote() {
  local s=${1//\\/\\\\}
  printf "'%s'" "${s//\'/\'\'}"
}

# Make the URL's user able to log in to the private server with the URL's password
# and do everything (the tests create their own databases).
_rp_mariadb_ensure_user() {
  local user=$1 pass=$2 host sql="" u p
  u=$(_rp_sql_quote "$user")
  p=$(_rp_sql_quote "$pass")
  for host in localhost 127.0.0.1 ::1; do
    host=$(_rp_sql_quote "$host")
    if [[ $user == root ]]; then
      sql+="ALTER USER IF EXISTS $u@$host IDENTIFIED BY $p; "
    else
      sql+="CREATE USER IF NOT EXISTS $u@$host IDENTIFIED BY $p; ALTER USER $u@$host IDENTIFIED BY $p; "
      sql+="GRANT ALL PRIVILEGES ON *.* TO $u@$host; "
    fi
  done
  local root_pass=""
  [[ $user == root ]] && root_pass=$pass
  _rp_mariadb_admin_sql "$sql FLUSH PRIVILEGES;" "$root_pass"
}

# Is the private server up (any answer counts, even "access denied")?
_rp_mariadb_alive() {
  local bind=$1 port=$2 admin
  admin=$(_rp_find_program mariadb-admin mysqladmin) || return 1
  "$admin" --no-defaults --protocol=TCP --host="$bind" --port="$port" --user=root \
    --connect-timeout=2 ping >/dev/null 2>&1
}

# Start (initialising the data directory the first time) the private MariaDB on
# BIND:PORT and wait until it answers.
_rp_mariadb_start() {
  local root=$1 bind=$2 port=$3 server install_db as_user=() log_offset deadline
  server=$(_rp_find_program mariadbd mysqld) || return 1
  if ! "$server" --version 2>/dev/null | grep -qi mariadb; then
    _rp_err "MariaDB: $server is MySQL, not MariaDB; this script can only run a private MariaDB."
    _rp_err "Either install MariaDB (apt-get install mariadb-server) or point DATABASE_URL in .env at your MySQL server with a user that can log in over TCP."
    return 1
  fi
  install_db=$(_rp_find_program mariadb-install-db mysql_install_db) || {
    _rp_err "MariaDB: mariadb-install-db is missing (package mariadb-server)."
    return 1
  }
  # mariadbd refuses to run as root unless told to; as another user it runs as that user.
  ((EUID == 0)) && as_user=(--user="$(id -un)")
  mkdir -p "$_RP_MDB_DIR"
  chmod 700 "$_RP_MDB_DIR"
  if [[ ! -d $_RP_MDB_DIR/mysql ]]; then
    _rp_say "MariaDB: creating a new database directory in .data/mariadb..."
    if ! "$install_db" --no-defaults --datadir="$_RP_MDB_DIR" "${as_user[@]}" \
      --auth-root-authentication-method=normal --skip-test-db >"$root/.data/mariadb-install.log" 2>&1; then
      _rp_err "MariaDB: mariadb-install-db failed. The end of .data/mariadb-install.log:"
      tail -n 20 "$root/.data/mariadb-install.log" >&2
      # It never held a database: empty it so that the next run starts from scratch.
      find "$_RP_MDB_DIR" -mindepth 1 -delete
      return 1
    fi
  fi
  log_offset=$(stat -c %s "$_RP_MDB_LOG" 2>/dev/null || echo 0)
  printf 'HOST=%s\nPORT=%s\nSOCKET=%s\n' "$bind" "$port" "$_RP_MDB_SOCKET" >"$_RP_MDB_STATE"
  # setsid: its own session, so Ctrl-C on the portal (or killing its process group)
  # does not take the database down with it. --no-defaults: ignore /etc/mysql,
  # which belongs to the system server.
  setsid "$server" --no-defaults "${as_user[@]}" --datadir="$_RP_MDB_DIR" \
    --socket="$_RP_MDB_SOCKET" --port="$port" --bind-address="$bind" \
    --pid-file="$_RP_MDB_PIDFILE" --log-error="$_RP_MDB_LOG" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >/dev/null 2>&1 {_RP_LOCK_FD}>&- &
  deadline=$((SECONDS + 90))
  until _rp_mariadb_alive "$bind" "$port"; do
    # Give up early when the server has already logged that it stopped.
    if tail -c +"$((log_offset + 1))" "$_RP_MDB_LOG" 2>/dev/null | grep -q '\[ERROR\] Aborting'; then
      deadline=0
    fi
    if ((SECONDS >= deadline)); then
      _rp_err "MariaDB: the private server did not start on $(_rp_hostport "$bind" "$port"). The end of .data/mariadb/error.log:"
      tail -c +"$((log_offset + 1))" "$_RP_MDB_LOG" 2>/dev/null | tail -n 20 >&2
      return 1
    fi
    sleep 0.5
  done
}

_rp_ensure_mariadb() {
  local root=$1 url=$2 out fields=() scheme host port user pass rc bind pid state_port
  local what="MariaDB"
  if ! out=$(_rp_parse_url "$url"); then
    _rp_err "$what: DATABASE_URL is not a valid URL: $url (expected mysql://user:password@host:port/database)"
    return 1
  fi
  mapfile -t fields <<<"$out"
  scheme=${fields[0]} host=${fields[1]} port=${fields[2]:-3306} user=${fields[3]:-} pass=${fields[4]:-}
  if [[ $scheme != mysql ]]; then
    _rp_err "$what: DATABASE_URL must start with mysql:// (got $url)"
    return 1
  fi
  _rp_mariadb_paths "$root"
  local where
  where=$(_rp_hostport "$host" "$port")
  pid=$(_rp_pidfile_alive "$_RP_MDB_PIDFILE" "$_RP_MDB_DIR" || true)
  state_port=$(_rp_dotenv_get PORT "$_RP_MDB_STATE" 2>/dev/null || true)

  rc=0
  _rp_probe_mysql "$host" "$port" "$user" "$pass" "$root" || rc=$?
  if ((rc == 0)); then
    if [[ -n $pid && $state_port == "$port" ]] && _rp_is_local_host "$host"; then
      _rp_say "$what: using the private server on $where (data in .data/mariadb)"
    else
      _rp_say "$what: using $where"
    fi
    return 0
  fi

  if ((rc == 2)); then
    # Our own private server: we may fix its users (e.g. the URL got a new user or password).
    if [[ -n $pid && $state_port == "$port" ]] && _rp_is_local_host "$host"; then
      _rp_mariadb_ensure_user "$user" "$pass" || return 1
      if _rp_probe_mysql "$host" "$port" "$user" "$pass" "$root"; then
        _rp_say "$what: using the private server on $where (data in .data/mariadb; user \"$user\" set up)"
        return 0
      fi
    fi
    _rp_err "$what: something answers at $where, but logging in as \"$user\" fails:"
    _rp_err "  ${_RP_PROBE_MSG//$'\n'/ }"
    _rp_err "If it is a MariaDB/MySQL server, put an account of it in DATABASE_URL in .env"
    _rp_err "(mysql://USER:PASSWORD@$where/runport), for example one created with:"
    _rp_err "  sudo mariadb -e \"CREATE USER 'runport'@'localhost' IDENTIFIED BY 'choose-a-password'; GRANT ALL ON *.* TO 'runport'@'localhost';\""
    if _rp_is_local_host "$host"; then
      _rp_err "or let Runport run its own server on another port: DATABASE_URL=mysql://root@127.0.0.1:3307/runport"
    fi
    return 1
  fi

  # Nothing answers.
  if ! _rp_is_local_host "$host"; then
    _rp_err "$what: nothing answers at $where (${_RP_PROBE_MSG//$'\n'/ })."
    _rp_err "That is another machine, so this script cannot start it: check that the server runs and"
    _rp_err "that DATABASE_URL in .env (or the environment) has the right host, port, user and password."
    return 1
  fi
  if [[ -z $user ]]; then
    _rp_err "$what: DATABASE_URL names no user (expected mysql://root@$where/runport)."
    return 1
  fi
  if [[ -n $pid ]]; then
    _rp_err "$what: the private server from .data/mariadb already runs (pid $pid) but not on $where"
    _rp_err "(it was started for port ${state_port:-?}). Stop it first: bash scripts/services.sh stop"
    return 1
  fi
  bind=$(_rp_bind_address "$host")
  _rp_mariadb_start "$root" "$bind" "$port" || return 1
  if ! _rp_probe_mysql "$host" "$port" "$user" "$pass" "$root"; then
    _rp_mariadb_ensure_user "$user" "$pass" || return 1
    if ! _rp_probe_mysql "$host" "$port" "$user" "$pass" "$root"; then
      _rp_err "$what: the private server runs but user \"$user\" cannot log in: ${_RP_PROBE_MSG//$'\n'/ }"
      return 1
    fi
  fi
  _rp_say "$what: started a private server on $where (data in .data/mariadb)"
}

# ---------------------------------------------------------------------------
# The private Redis server in .data/redis.
# ---------------------------------------------------------------------------

_rp_redis_start() {
  local root=$1 bind=$2 port=$3 user=$4 pass=$5 server dir log_offset deadline args=()
  server=$(_rp_find_program redis-server) || return 1
  dir=$root/.data/redis
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [[ -n $user && $user != default ]]; then
    _rp_err "Redis: the private server supports a password (redis://:PASSWORD@host:port) but not user names; REDIS_URL names \"$user\"."
    return 1
  fi
  log_offset=$(stat -c %s "$dir/redis.log" 2>/dev/null || echo 0)
  printf 'HOST=%s\nPORT=%s\n' "$bind" "$port" >"$dir/runport-server"
  # Absolute paths: --dir makes Redis chdir. The password is given on stdin (as a
  # config file), not on the command line where `ps` would show it. The servers
  # must not inherit the lock's descriptor ({_RP_LOCK_FD}>&-), or they would hold it.
  args=(--port "$port" --bind "$bind" --dir "$dir" --appendonly yes --daemonize yes
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log")
  # Errors before it daemonizes (bad options) go to stderr: into the same log.
  local started=0
  if [[ -n $pass ]]; then
    printf 'requirepass "%s"\n' "$(printf '%s' "$pass" | sed 's/[\\"]/\\&/g')" |
      "$server" - "${args[@]}" >>"$dir/redis.log" 2>&1 {_RP_LOCK_FD}>&- || started=$?
  else
    "$server" "${args[@]}" </dev/null >>"$dir/redis.log" 2>&1 {_RP_LOCK_FD}>&- || started=$?
  fi
  deadline=$((SECONDS + 30))
  ((started == 0)) || deadline=0
  until ((started == 0)) && _rp_probe_redis redis "$bind" "$port" "$user" "$pass" "$root"; do
    if ((SECONDS >= deadline)) || tail -c +"$((log_offset + 1))" "$dir/redis.log" 2>/dev/null | grep -q '# \(Failed\|Could not\|Can.t\)'; then
      _rp_err "Redis: the private server did not start on $(_rp_hostport "$bind" "$port"). The end of .data/redis/redis.log:"
      tail -c +"$((log_offset + 1))" "$dir/redis.log" 2>/dev/null | tail -n 20 >&2
      return 1
    fi
    sleep 0.3
  done
}

_rp_ensure_redis() {
  local root=$1 url=$2 out fields=() scheme host port user pass rc bind pid state_port dir
  local what="Redis"
  if ! out=$(_rp_parse_url "$url"); then
    _rp_err "$what: REDIS_URL is not a valid URL: $url (expected redis://host:port)"
    return 1
  fi
  mapfile -t fields <<<"$out"
  scheme=${fields[0]} host=${fields[1]} port=${fields[2]:-6379} user=${fields[3]:-} pass=${fields[4]:-}
  if [[ $scheme != redis && $scheme != rediss ]]; then
    _rp_err "$what: REDIS_URL must start with redis:// or rediss:// (got $url)"
    return 1
  fi
  dir=$root/.data/redis
  local where
  where=$(_rp_hostport "$host" "$port")
  pid=$(_rp_pidfile_alive "$dir/redis.pid" "$dir" || true)
  state_port=$(_rp_dotenv_get PORT "$dir/runport-server" 2>/dev/null || true)

  rc=0
  _rp_probe_redis "$scheme" "$host" "$port" "$user" "$pass" "$root" || rc=$?
  if ((rc == 0)); then
    if [[ -n $pid && $state_port == "$port" ]] && _rp_is_local_host "$host"; then
      _rp_say "$what: using the private server on $where (data in .data/redis)"
    else
      _rp_say "$what: using $where"
    fi
    return 0
  fi
  if ((rc == 2)); then
    _rp_err "$what: something answers at $where but PING fails: ${_RP_PROBE_MSG//$'\n'/ }"
    if [[ -n $pid && $state_port == "$port" ]]; then
      _rp_err "It is the private server from .data/redis: if you changed the password in REDIS_URL, restart it:"
      _rp_err "  bash scripts/services.sh stop, then run this again."
    else
      _rp_err "Put that server's password in REDIS_URL in .env (redis://:PASSWORD@$where)"
      _rp_is_local_host "$host" && _rp_err "or let Runport run its own Redis on another port: REDIS_URL=redis://127.0.0.1:6380"
    fi
    return 1
  fi
  if ! _rp_is_local_host "$host"; then
    _rp_err "$what: nothing answers at $where (${_RP_PROBE_MSG//$'\n'/ })."
    _rp_err "That is another machine, so this script cannot start it: check that Redis runs there and REDIS_URL in .env."
    return 1
  fi
  if [[ $scheme == rediss ]]; then
    _rp_err "$what: nothing answers at $where, and the private server cannot do TLS: use redis:// for a local Redis."
    return 1
  fi
  if [[ -n $pid ]]; then
    _rp_err "$what: the private server from .data/redis already runs (pid $pid) but not on $where"
    _rp_err "(it was started for port ${state_port:-?}). Stop it first: bash scripts/services.sh stop"
    return 1
  fi
  bind=$(_rp_bind_address "$host")
  _rp_redis_start "$root" "$bind" "$port" "$user" "$pass" || return 1
  _rp_say "$what: started a private server on $where (data in .data/redis)"
}

# ---------------------------------------------------------------------------

# Packages to install: the server programs of each service that nothing answers for
# at a local URL (so it has to be started here) and that are missing; chromium when
# asked. Prints package names, one a line.
_rp_missing_packages() {
  local root=$1 db_url=$2 redis_url=$3 chromium=$4 out rc fields=()
  if out=$(_rp_parse_url "$db_url"); then
    mapfile -t fields <<<"$out"
    if _rp_is_local_host "${fields[1]}" && { ! _rp_find_program mariadbd mysqld >/dev/null ||
      ! _rp_find_program mariadb-install-db mysql_install_db >/dev/null ||
      ! _rp_find_program mariadb mysql >/dev/null || ! _rp_find_program mariadb-admin mysqladmin >/dev/null; }; then
      rc=0
      _rp_probe_mysql "${fields[1]}" "${fields[2]:-3306}" "${fields[3]:-}" "${fields[4]:-}" "$root" || rc=$?
      ((rc == 1)) && printf '%s\n' mariadb-server mariadb-client
    fi
  fi
  if out=$(_rp_parse_url "$redis_url"); then
    mapfile -t fields <<<"$out"
    if _rp_is_local_host "${fields[1]}" && ! _rp_find_program redis-server >/dev/null; then
      rc=0
      _rp_probe_redis "${fields[0]}" "${fields[1]}" "${fields[2]:-6379}" "${fields[3]:-}" "${fields[4]:-}" "$root" || rc=$?
      ((rc == 1)) && printf '%s\n' redis-server
    fi
  fi
  if [[ $chromium == 1 && ! -x /usr/bin/chromium ]]; then
    printf '%s\n' chromium
  fi
  return 0
}

runport_ensure_services() {
  local root chromium=0 arg packages=()
  root=$(_rp_root) || return 1
  for arg in "$@"; do
    case $arg in
      --chromium) chromium=1 ;;
      -h | --help)
        sed -n '2,/^# scripts\/services.sh/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
        return 0
        ;;
      *)
        _rp_err "ensure-services.sh: unknown option $arg (see --help)"
        return 2
        ;;
    esac
  done
  if ! command -v node >/dev/null 2>&1; then
    _rp_err "Node.js is missing: Runport needs Node 20.9 or newer (https://nodejs.org)."
    return 1
  fi

  local db_url redis_url
  db_url=$(_rp_setting DATABASE_URL "$_RP_DEFAULT_DATABASE_URL" "$root")
  redis_url=$(_rp_setting REDIS_URL "$_RP_DEFAULT_REDIS_URL" "$root")

  mkdir -p "$root/.data"
  # One run at a time (e.g. `npm run up` and the tests started together), so that two
  # runs never initialise or start the same private server.
  # The servers started meanwhile are told not to inherit the descriptor.
  exec {_RP_LOCK_FD}>"$root/.data/.services.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -w 300 "$_RP_LOCK_FD"; then
    _rp_err "Another ensure-services.sh is still running (lock .data/.services.lock)."
    exec {_RP_LOCK_FD}>&-
    return 1
  fi

  local rc=0
  mapfile -t packages < <(_rp_missing_packages "$root" "$db_url" "$redis_url" "$chromium")
  if ((${#packages[@]} > 0)); then
    _rp_apt_install "$root" "${packages[@]}" || rc=1
  fi
  if ((rc == 0)); then
    _rp_ensure_mariadb "$root" "$db_url" || rc=1
  fi
  if ((rc == 0)); then
    _rp_ensure_redis "$root" "$redis_url" || rc=1
  fi
  exec {_RP_LOCK_FD}>&-
  ((rc == 0)) || return 1

  RUNPORT_DATABASE_URL=$db_url
  RUNPORT_REDIS_URL=$redis_url
  export RUNPORT_DATABASE_URL RUNPORT_REDIS_URL
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -uo pipefail
  runport_ensure_services "$@"
  exit $?
else
  runport_ensure_services "$@"
fi
