#!/usr/bin/env bash
# A throw-away PostgreSQL server for the job-repository tests (PostgresJobRepositoryTest).
#
#   eval "$(.ci/postgres.sh start)"    # installs PostgreSQL if needed, starts it, prints exports
#   ./mvnw -B verify                   # the test reads the variables below
#   .ci/postgres.sh stop               # stops the server and deletes its folder
#
# `start` installs PostgreSQL from the Debian packages (apt-get) when no server binaries are
# present, creates a cluster in a temporary folder, starts it on 127.0.0.1 on a free port as a
# non-root user (PostgreSQL refuses to run as root), creates a database and a user with a random
# password, and prints on stdout the shell exports:
#   RAPPORT_TEST_POSTGRES_URL       jdbc:postgresql://127.0.0.1:<port>/rapport
#   RAPPORT_TEST_POSTGRES_USER      rapport
#   RAPPORT_TEST_POSTGRES_PASSWORD  random, for this server only
#   RAPPORT_TEST_POSTGRES_DIR       the cluster folder (for `stop`)
# The test hands user and password to Rapport as RAPPORT_JOB_REPOSITORY_USER/PASSWORD; they are
# deliberately not exported under those names, so other tests keep the embedded defaults.
# Progress goes to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_postgres() {
  log "installing PostgreSQL from the Debian packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql postgresql-client >&2
}

free_port() {
  local port
  for port in $(seq 25432 25531); do
    # A refused connection means nobody listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  log "no free port in 25432..25531"
  return 1
}

start() {
  local bin
  bin="$(find_bin)"
  if [ -z "$bin" ]; then
    install_postgres
    bin="$(find_bin)"
  fi
  [ -n "$bin" ] || { log "PostgreSQL server binaries not found after installing"; exit 1; }

  # The server runs as a non-root user: ourselves, or the `postgres` account the package creates.
  local run_as=()
  local owner
  owner="$(id -un)"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    owner=postgres
    run_as=(runuser -u postgres --)
  fi

  local dir port password
  dir="$(mktemp -d "${TMPDIR:-/tmp}/rapport-pg.XXXXXX")"
  chmod 700 "$dir"
  [ "$owner" = "$(id -un)" ] || chown "$owner" "$dir"
  port="$(free_port)"
  password="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"

  log "initialising a cluster in $dir (as $owner)"
  "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U "$owner" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  log "starting on 127.0.0.1:$port"
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }

  # The password goes through stdin, so it shows in no process list.
  "${run_as[@]}" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres >&2 <<SQL
CREATE ROLE rapport LOGIN PASSWORD '$password';
CREATE DATABASE rapport OWNER rapport;
SQL
  cat <<ENV
export RAPPORT_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$port/rapport'
export RAPPORT_TEST_POSTGRES_USER='rapport'
export RAPPORT_TEST_POSTGRES_PASSWORD='$password'
export RAPPORT_TEST_POSTGRES_DIR='$dir'
ENV
  log "ready: jdbc:postgresql://127.0.0.1:$port/rapport (user rapport)"
}

stop() {
  local dir="${RAPPORT_TEST_POSTGRES_DIR:-${1:-}}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || { log "nothing to stop (RAPPORT_TEST_POSTGRES_DIR unset)"; return 0; }
  local bin run_as=()
  bin="$(find_bin)"
  [ "$(id -u)" -eq 0 ] && run_as=(runuser -u "$(stat -c %U "$dir/data")" --)
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: eval \"\$($0 start)\"; ...; $0 stop" >&2; exit 2 ;;
esac
