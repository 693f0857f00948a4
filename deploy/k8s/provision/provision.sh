#!/bin/bash
# Provisions the services' roles and schemas in the managed Postgres: runs
# provision.sql (generated from pkg/pgdb.ProvisionSQL) with every
# @@<ROLE>_DB_PASSWORD@@ replaced by that environment variable (Secret
# postgres-roles). Idempotent; re-running resets the roles' passwords to the
# Secret's. Connection: libpq's PG* variables (admin login from postgres-admin).
set -euo pipefail
sql=$(</provision/provision.sql)
for var in $(grep -o '@@[A-Z_]*_DB_PASSWORD@@' /provision/provision.sql | tr -d @ | sort -u); do
	pw=${!var:-}
	if [[ -z $pw ]]; then
		echo "provision: $var is not set (Secret postgres-roles)" >&2
		exit 1
	fi
	if [[ $pw == *[!A-Za-z0-9_-]* ]]; then
		echo "provision: $var: use letters, digits, '-' and '_' only" >&2
		exit 1
	fi
	sql=${sql//"@@${var}@@"/"$pw"}
done
exec psql --no-psqlrc --echo-errors <<<"$sql"
