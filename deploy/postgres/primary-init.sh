#!/usr/bin/env bash
# Runs once, when the official postgres image initialises an empty primary (/docker-entrypoint-initdb.d):
# a replication role, a physical slot per replica (WAL is kept until the replica has it), and a pg_hba rule
# that lets the role stream. Needs REPLICATION_PASSWORD; REPLICATION_SLOTS defaults to "replica1".
set -euo pipefail

: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is required}"
slots="${REPLICATION_SLOTS:-replica1}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL

for slot in ${slots//,/ }; do
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v slot="$slot" <<'SQL'
SELECT pg_create_physical_replication_slot(:'slot');
SQL
done

echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
