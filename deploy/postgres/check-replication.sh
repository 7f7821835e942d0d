#!/usr/bin/env bash
# Checks primary-init.sh and replica-entrypoint.sh without Docker: a throwaway PostgreSQL 15 primary set up
# as docker-compose.yml sets it up (same settings, same init script), a replica started by the replica
# entry point (pg_basebackup through the slot), then a row written on the primary must show on the replica
# and the primary must report a streaming standby. Everything lives in a temporary directory and both
# servers listen on loopback ports only; they are stopped and removed on exit.
#
#   deploy/postgres/check-replication.sh [primary-port] [replica-port]     (defaults 55432 55433)
#
# Needs PostgreSQL 15's server binaries (PG_BIN, default /usr/lib/postgresql/15/bin). Run as root, it runs
# itself as the postgres user (initdb refuses root).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
primary_port="${1:-55432}"
replica_port="${2:-55433}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ "$(id -u)" = 0 ]; then
  exec runuser -u postgres -- env PG_BIN="$PG_BIN" bash "$here/check-replication.sh" "$primary_port" "$replica_port"
fi
export PATH="$PG_BIN:$PATH"

work="$(mktemp -d /tmp/gz-replication.XXXXXX)"
replica_pid=""
cleanup() {
  pg_ctl -D "$work/primary" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "$replica_pid" ]; then kill -INT "$replica_pid" 2>/dev/null || true; wait "$replica_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

password="check-$RANDOM-$RANDOM"
printf '%s\n' "$password" > "$work/pwfile"

# The primary: what the official image's entry point does, with docker-compose.yml's settings.
initdb --no-sync --username=gadizone --pwfile="$work/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
  -D "$work/primary" >/dev/null
pg_ctl -D "$work/primary" -l "$work/primary.log" -w start -o "-p $primary_port -k $work \
  -c listen_addresses=127.0.0.1 -c max_connections=200 -c wal_level=replica -c max_wal_senders=10 \
  -c max_replication_slots=10 -c hot_standby=on" >/dev/null || { cat "$work/primary.log" >&2; exit 1; }
createdb -h "$work" -p "$primary_port" -U gadizone gadizone

PGHOST="$work" PGPORT="$primary_port" PGDATA="$work/primary" POSTGRES_USER=gadizone POSTGRES_DB=gadizone \
  REPLICATION_PASSWORD="$password" bash "$here/primary-init.sh"
# The image restarts the server after its init scripts; a reload is enough for pg_hba.conf.
pg_ctl -D "$work/primary" reload >/dev/null

# The replica, through its entry point (extra arguments go to postgres: a port and socket of our own).
mkdir -m 0700 "$work/replica"
PRIMARY_HOST=127.0.0.1 PRIMARY_PORT="$primary_port" REPLICATION_PASSWORD="$password" PGDATA="$work/replica" \
  bash "$here/replica-entrypoint.sh" -p "$replica_port" -k "$work" -c listen_addresses=127.0.0.1 \
  >"$work/replica.log" 2>&1 &
replica_pid=$!

for _ in $(seq 1 60); do
  pg_isready -q -h "$work" -p "$replica_port" -U gadizone && break
  # A checkpoint logs the running transactions, which a new hot standby waits for before it takes
  # connections (an idle primary logs one only every 15 s).
  psql -qAt -h "$work" -p "$primary_port" -U gadizone -d gadizone -c CHECKPOINT >/dev/null 2>&1 || true
  if ! kill -0 "$replica_pid" 2>/dev/null; then cat "$work/replica.log" >&2; echo "FAIL: the replica exited" >&2; exit 1; fi
  sleep 0.5
done

psql -qAt -h "$work" -p "$primary_port" -U gadizone -d gadizone -c "CREATE TABLE replication_check AS SELECT 42 AS answer"
answer=""
for _ in $(seq 1 40); do
  answer="$(psql -qAt -h "$work" -p "$replica_port" -U gadizone -d gadizone -c "SELECT answer FROM replication_check" 2>/dev/null || true)"
  [ "$answer" = 42 ] && break
  sleep 0.25
done
in_recovery="$(psql -qAt -h "$work" -p "$replica_port" -U gadizone -d gadizone -c "SELECT pg_is_in_recovery()")"
state="$(psql -qAt -h "$work" -p "$primary_port" -U gadizone -d gadizone -c "SELECT state FROM pg_stat_replication")"
slot="$(psql -qAt -h "$work" -p "$primary_port" -U gadizone -d gadizone -c "SELECT active FROM pg_replication_slots WHERE slot_name = 'replica1'")"

if [ "$answer" != 42 ] || [ "$in_recovery" != t ] || [ "$state" != streaming ] || [ "$slot" != t ]; then
  echo "FAIL: replica row=$answer in_recovery=$in_recovery primary sees=$state slot active=$slot" >&2
  cat "$work/replica.log" >&2
  exit 1
fi
echo "replication ok: the replica streams from the primary through slot replica1 and serves reads"
