#!/usr/bin/env bash
# Container start: wait for the database, migrate, load the city (idempotent), serve.
# MAPA_SETUP=0 (compose.yaml's worker) only waits for the database: one container migrates.
set -euo pipefail
cd /app
libpq_url="postgresql://${DATABASE_URL#*://}"
for _ in $(seq 1 60); do
    pg_isready -q -d "$libpq_url" && break
    echo "waiting for the database..."
    sleep 1
done
if [ "${MAPA_SETUP:-1}" != 0 ]; then
    python manage.py migrate --no-input -v 0
    python manage.py load_city "${MAPA_CITY:-fixtures/gdansk}"
    python manage.py load_places
    if [ "${MAPA_DEMO:-0}" = 1 ]; then python manage.py load_demo_reports; fi
fi
exec "$@"
