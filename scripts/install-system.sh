#!/usr/bin/env bash
# Install the Debian 12 packages Mapa needs, and only those that are missing.
#   install-system.sh run    what serving needs: GDAL/GEOS/PROJ, gettext, venv, Node.js,
#                            and PostGIS for the local PostgreSQL 15 (unless DATABASE_URL is set)
#   install-system.sh test   the same, plus Chromium for the browser tests
set -euo pipefail

profile=${1:-run}
wanted=(gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data binutils gettext
        python3.11 python3.11-venv python3-pip ca-certificates curl)
if [ -z "${DATABASE_URL:-}" ]; then
    wanted+=(postgresql-15 postgresql-15-postgis-3 postgresql-client-15)
else
    wanted+=(postgresql-client-15)
fi
# Node.js: Debian's is fine (18); keep any newer one already on the machine.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    wanted+=(nodejs npm)
fi
if [ "$profile" = test ]; then
    wanted+=(chromium fonts-dejavu-core)
    # tests/core/test_replica.py makes a throwaway primary and hot standby with PostgreSQL
    # 15's own binaries (initdb, pg_basebackup, pg_ctl) and PostGIS, whatever DATABASE_URL is.
    wanted+=(postgresql-15 postgresql-15-postgis-3)
fi

missing=()
for package in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-system: missing Debian packages: ${missing[*]}" >&2
    echo "install-system: run as root, or install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "install-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
no_cluster=/etc/postgresql-common/createcluster.d/mapa-binaries-only.conf
if [ -n "${DATABASE_URL:-}" ] && [ ! -d /etc/postgresql/15 ]; then
    # The test profile's binaries only: no local cluster beside DATABASE_URL's database.
    mkdir -p "$(dirname "$no_cluster")"
    echo "create_main_cluster = false" > "$no_cluster"
    trap 'rm -f "$no_cluster"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
