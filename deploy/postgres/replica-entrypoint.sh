#!/usr/bin/env bash
# Entry point of a streaming replica (official postgres image, run as the postgres user). On first start,
# with an empty data directory, it clones the primary with pg_basebackup (-R writes standby.signal and
# primary_conninfo) through the primary's replication slot; then it runs postgres as a hot standby.
# Needs PRIMARY_HOST and REPLICATION_PASSWORD; optional PRIMARY_PORT (5432), REPLICATION_SLOT (replica1).
set -euo pipefail

: "${PRIMARY_HOST:?PRIMARY_HOST is required}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is required}"
: "${PGDATA:?PGDATA is required}"
port="${PRIMARY_PORT:-5432}"
slot="${REPLICATION_SLOT:-replica1}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "replica: cloning ${PRIMARY_HOST}:${port} into $PGDATA"
  until pg_isready -h "$PRIMARY_HOST" -p "$port" -U replicator -q; do sleep 1; done
  # A clone interrupted halfway leaves files behind; start again from empty.
  find "$PGDATA" -mindepth 1 -delete
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup \
    --host="$PRIMARY_HOST" --port="$port" --username=replicator \
    --pgdata="$PGDATA" --wal-method=stream --slot="$slot" \
    --write-recovery-conf --checkpoint=fast --no-password --progress
  chmod 0700 "$PGDATA"
fi

exec postgres -c hot_standby=on -c max_connections=200 "$@"
