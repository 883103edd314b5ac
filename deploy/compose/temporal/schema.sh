#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version this image
# ships (docker-compose.yml, service temporal-schema). Safe to run again: an existing database is
# kept and update-schema only applies what is missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}"
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p 5432 -u "$POSTGRES_USER" "$@"; }
for db in temporal temporal_visibility; do
  case $db in temporal) dir=temporal ;; *) dir=visibility ;; esac
  sql --db "$db" create || echo "database $db exists"
  # setup-schema -v 0.0 makes the version table on a new database; on an existing one it fails
  # harmlessly and update-schema does the work.
  sql --db "$db" setup-schema -v 0.0 || echo "database $db already has a schema"
  sql --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/$dir/versioned"
done
echo "Temporal schemas are up to date"
