#!/usr/bin/env bash
# `make run`'s last step: the web server and the background worker side by side.
# Ctrl-C stops both; so does either one stopping (the other is then stopped too).
# Usage: scripts/run.sh HOST:PORT  (with MAPA_ENV and the rest from the environment)
set -uo pipefail
set -m  # each job in its own process group: a stop reaches the runserver's reloader child too
cd "$(dirname "$0")/.."
python=.venv/bin/python
# Links in e-mails point at the address being served, unless told otherwise.
export MAPA_SITE_URL="${MAPA_SITE_URL:-http://$1}"

$python manage.py worker --no-reload &
worker=$!
$python manage.py runserver "$1" &
web=$!

stop() {
    trap - INT TERM EXIT
    kill -TERM -- "-$web" "-$worker" 2>/dev/null
    wait
}
trap stop INT TERM EXIT
wait -n "$web" "$worker"
