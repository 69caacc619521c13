#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster, then stops the cluster and removes
# it, whatever the command did:
#   bash packaging/pg-test-cluster.sh COMMAND [ARGS...]
# The cluster belongs to the postgres user (initdb refuses root), listens on a socket in a new
# temporary folder and on 127.0.0.1, on a random free port, with fsync off. The command sees:
#   LMODESK_TEST_PG        a postgresql:// URI for the login lmodesk_test (no superuser, no
#                          BYPASSRLS; CREATEROLE, to set up team databases), owner of lmodesk_test
#   LMODESK_TEST_PG_TCP    the same through 127.0.0.1 (for tests that put something in between)
#   LMODESK_TEST_PG_PASSWORD_URI  a login that must give a password (lmodesk_pw, password "secret")
#   LMODESK_TEST_PG_REPLICATED    lmodesk_test's database named as the primary and a streaming
#                          replica of it (a hot standby on a port of its own): "host=D,D&port=P,S"
#   LMODESK_TEST_PG_SOCKET, LMODESK_TEST_PG_PORT, LMODESK_TEST_PG_STANDBY_PORT  the parts of it
# Its exit status is the command's.
set -euo pipefail

bindir=/usr/lib/postgresql/15/bin
if [ ! -x "$bindir/initdb" ]; then
  echo "pg-test-cluster: PostgreSQL 15 is not installed ($bindir/initdb is missing); run packaging/install-deps.sh" >&2
  exit 2
fi
if [ $# -eq 0 ]; then
  echo "usage: bash packaging/pg-test-cluster.sh COMMAND [ARGS...]" >&2
  exit 2
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  elif [ "$(id -un)" = postgres ]; then
    "$@"
  else
    sudo -u postgres -- "$@"
  fi
}

dir=$(mktemp -d /tmp/lmodesk-pg.XXXXXX)
chmod 755 "$dir"
chown postgres: "$dir" 2>/dev/null || true
started=0
standby_started=0
stop_cluster() {
  if [ "$standby_started" = 1 ]; then
    as_postgres "$bindir/pg_ctl" -D "$dir/standby" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$started" = 1 ]; then
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}
port=$(free_port)

as_postgres "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2; exit 2; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
# The password login must give its password; everyone else is trusted (a throwaway cluster).
cat >"$dir/data/pg_hba.conf" <<HBA
local all lmodesk_pw scram-sha-256
host  all lmodesk_pw 127.0.0.1/32 scram-sha-256
local all all trust
host  all all 127.0.0.1/32 trust
local replication postgres trust
HBA
as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || {
  cat "$dir/server.log" >&2; exit 2; }
started=1

as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres <<SQL
CREATE ROLE lmodesk_test LOGIN CREATEDB CREATEROLE NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE lmodesk_test OWNER lmodesk_test;
CREATE ROLE lmodesk_pw LOGIN PASSWORD 'secret' NOSUPERUSER;
CREATE DATABASE lmodesk_pw OWNER lmodesk_pw;
SQL

# A hot standby streaming from it: a copy taken by pg_basebackup (-R writes its primary_conninfo),
# on a port of its own. Its checkpoint fast: the default spreads the writes of the databases just
# created over minutes (checkpoint_completion_target of checkpoint_timeout), a wait for nothing.
standby_port=$(free_port)
as_postgres "$bindir/pg_basebackup" -h "$dir" -p "$port" -U postgres -D "$dir/standby" -R -X stream --no-sync --checkpoint=fast \
  >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 2; }
echo "port = $standby_port" >>"$dir/standby/postgresql.conf"
as_postgres "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w start >/dev/null || {
  cat "$dir/standby.log" >&2; exit 2; }
standby_started=1

export LMODESK_TEST_PG="postgresql://lmodesk_test@/lmodesk_test?host=$dir&port=$port"
export LMODESK_TEST_PG_REPLICATED="postgresql://lmodesk_test@/lmodesk_test?host=$dir,$dir&port=$port,$standby_port"
export LMODESK_TEST_PG_SOCKET="$dir" LMODESK_TEST_PG_PORT="$port" LMODESK_TEST_PG_STANDBY_PORT="$standby_port"
export LMODESK_TEST_PG_TCP="postgresql://lmodesk_test@127.0.0.1:$port/lmodesk_test"
export LMODESK_TEST_PG_PASSWORD_URI="postgresql://lmodesk_pw@127.0.0.1:$port/lmodesk_pw"
echo "pg-test-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port (a standby on $standby_port), socket in $dir"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ] && [ -f "$dir/server.log" ]; then
  echo "pg-test-cluster: the command failed ($status); the server log's last lines:" >&2
  tail -n 20 "$dir/server.log" >&2
fi
exit "$status"
