#!/usr/bin/env bash
# Make sure PostgreSQL with PostGIS is ready for Mapa.
#
# Without DATABASE_URL: start the local Debian cluster if it is down, then
# create the role and the database (with postgis) that the default
# DATABASE_URL names. The role gets CREATEDB so the test runner can create its
# own database; postgis is installed in template1 so that database has it too.
# With DATABASE_URL: use that server as it is, only checking it answers and
# that the postgis extension exists (created if the user may).
set -euo pipefail

DEFAULT_URL="postgis://mapa:mapa@127.0.0.1:5432/mapa"

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

start_local_cluster() {
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || { echo "provision-db: no local PostgreSQL cluster found" >&2; exit 1; }
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
        echo "provision-db: starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && return 0
        sleep 1
    done
    echo "provision-db: PostgreSQL did not come up on 127.0.0.1:5432" >&2
    exit 1
}

psql_admin() { PGOPTIONS='-c client_min_messages=warning' as_postgres psql -v ON_ERROR_STOP=1 -qAtX "$@"; }

if [ -z "${DATABASE_URL:-}" ]; then
    start_local_cluster
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'mapa'")" != 1 ]; then
        echo "provision-db: creating role mapa"
        psql_admin -c "CREATE ROLE mapa LOGIN CREATEDB PASSWORD 'mapa'"
    fi
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'mapa'")" != 1 ]; then
        echo "provision-db: creating database mapa"
        psql_admin -c "CREATE DATABASE mapa OWNER mapa"
    fi
    for db in template1 mapa; do
        psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
    done
    url=$DEFAULT_URL
else
    url=$DATABASE_URL
fi

# psql does not know the postgis:// scheme.
libpq_url="postgresql://${url#*://}"
if ! psql "$libpq_url" -qAtX -c "SELECT 1" >/dev/null; then
    echo "provision-db: cannot connect to the database at DATABASE_URL" >&2
    exit 1
fi
PGOPTIONS="-c client_min_messages=warning" psql "$libpq_url" -qAtX -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null 2>&1 || true
if [ "$(psql "$libpq_url" -qAtX -c "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")" != 1 ]; then
    echo "provision-db: the postgis extension is missing and this user cannot create it" >&2
    exit 1
fi
echo "provision-db: PostGIS $(psql "$libpq_url" -qAtX -c 'SELECT postgis_lib_version()') ready"
