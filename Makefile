# Mapa: two commands do everything on a fresh Debian 12 machine (as root).
#   make run    install what is missing, prepare PostGIS, load Gdańsk, serve on :8000
#               (and run the background worker beside the server; Ctrl-C stops both)
#   make test   the same set-up, then lint, type-check and the whole test suite
# With DATABASE_URL set (postgis://user:pass@host:port/db) both use that database.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= /usr/bin/python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CITY ?= fixtures/gdansk

# make run and make test set up a developer's machine: the development profile (DEBUG
# on, the local database). pytest runs under the test profile (the pytest target says so).
# Anywhere else, a server included, no MAPA_ENV means production (mapa/settings.py,
# compose.yaml).
export MAPA_ENV ?= development
export PYTHONDONTWRITEBYTECODE := 1

FRONTEND_SOURCES := $(shell find frontend/src frontend/build.mjs -type f 2>/dev/null)
PO_FILES := $(wildcard mapa/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help run test setup system-run system-test python frontend messages db data demo \
        lint typecheck pytest bench fuzz lock clean

help:
	@echo "make run    set up everything and serve Mapa on http://$(HOST):$(PORT)"
	@echo "make test   set up everything and run lint, mypy and the whole test suite"
	@echo "make bench  Mapa over HTTP (gunicorn) against the best plan, in its own database (docs/benchmarks.md)"
	@echo "make fuzz   property-based fuzzing of the API and pages, 10x the examples of make test"
	@echo "            (MAPA_FUZZ_SEED=<seed> replays a run; the seed is printed)"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml"

run: system-run setup demo
	@echo "Mapa is at http://$(HOST):$(PORT)/ (staff: /staff/login/, demo accounts in the README)"
	@echo "Background worker beside it (e-mail: EMAIL_HOST=127.0.0.1 EMAIL_PORT=8025 for a local sink)"
	@bash scripts/run.sh $(HOST):$(PORT)

test: system-test setup lint typecheck pytest

setup: python frontend messages db data

system-run:
	@bash scripts/install-system.sh run

system-test:
	@bash scripts/install-system.sh test

python: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes \
	    -r requirements.lock
	@touch $@

frontend: frontend/dist/.built

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/.built: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build
	@touch $@

messages: $(MO_FILES)

%.mo: %.po
	msgfmt --check -o $@ $<

db:
	@bash scripts/provision-db.sh
	@$(MANAGE) migrate --no-input -v 0

data: db
	@$(MANAGE) load_city $(CITY)
	@$(MANAGE) load_places

# Demonstration reports and staff accounts for `make run` (not for tests); does nothing
# if they exist.
demo: data
	@$(MANAGE) load_demo_reports
	@$(MANAGE) load_demo_staff

lint: python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: python
	$(VENV)/bin/mypy mapa bench

# The slowest tests are listed at the end, to keep the suite's time in view (well under 20 min).
pytest: python
	MAPA_ENV=test $(VENV)/bin/pytest --durations=25

bench: system-run setup
	$(PY) -m bench

# requirements.lock: everything (make run/test); requirements-prod.lock: the container.
lock: python
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --generate-hashes \
	    --allow-unsafe -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes \
	    --allow-unsafe -o requirements-prod.lock pyproject.toml

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var

# The fuzz suite (tests/fuzz) runs in `make test` with a few examples per property;
# this runs ten times as many. The seed is printed; MAPA_FUZZ_SEED=<seed> replays it.
fuzz: system-test setup
	MAPA_ENV=test MAPA_FUZZ_PROFILE=fuzz $(VENV)/bin/pytest tests/fuzz -p no:cacheprovider
