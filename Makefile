# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

# The real stack the suite runs against (started by scripts/ensure-services).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/diaspora_match
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The integration tests run their own broker on this port, so that they can
# stop and restart it without touching the cache.
TEST_BROKER_URL ?= redis://127.0.0.1:6391/0
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL)

.PHONY: install test test-sqlite lint format typecheck demo bench eval lock clean migrate messages fuzz load faults

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@PYBIN=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
	  echo "creating $(VENV) with $$PYBIN"; rm -rf $(VENV); "$$PYBIN" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

# Regenerate the lock file from pyproject.toml's pins.
lock:
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 --quiet -o requirements.lock

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy core accounts volunteers assignments roster matching alerts web config bench

# Gather the pages' strings into locale/*/django.po, then compile the .mo files
# (committed, so a fresh clone needs no gettext to serve Somali and Arabic).
messages: install
	$(PY) manage.py makemessages -l en -l so -l ar --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests --ignore=bench --ignore=demo
	$(PY) scripts/compile-messages

migrate: install
	$(PY) manage.py migrate --noinput

# Every test, against PostgreSQL and Redis; then the roster import tests on SQLite too.
test: install
	@scripts/ensure-services
	@scripts/ensure-browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core accounts volunteers assignments roster matching alerts web config bench
	$(TEST_ENV) $(BIN)/pytest -q
	DATABASE_URL= REDIS_URL= CELERY_BROKER_URL= $(BIN)/pytest -q tests/roster

# The same suite on the zero-setup defaults (SQLite, embedded broker).
test-sqlite: install
	DATABASE_URL= REDIS_URL= CELERY_BROKER_URL= $(BIN)/pytest -q

demo: install
	@scripts/demo

bench: install
	@scripts/ensure-services
	$(PY) bench/bench_engine.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_pages.py
	$(TEST_ENV) $(PY) bench/bench_e2e.py
	$(TEST_ENV) $(PY) bench/bench_alerts.py

eval: install
	@scripts/eval

# schemathesis `st run --checks all` against gunicorn on 127.0.0.1:$(FUZZ_PORT), as the demo manager and the
# demo volunteer, on SQLite and on PostgreSQL (FUZZ_DATABASE_URL, dropped and recreated); failures per check.
FUZZ_PORT ?= 8103
FUZZ_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dm_fuzz
fuzz: install
	@scripts/ensure-services
	FUZZ_PORT=$(FUZZ_PORT) FUZZ_DATABASE_URL=$(FUZZ_DATABASE_URL) $(PY) scripts/fuzz

# The service as deployed (gunicorn, a worker, beat, PostgreSQL, a redis-server of its own) with
# 10,000 volunteers and 200 open vacancies under a locust mix at 50 requests/s for 3 minutes;
# requests/s, p50/p95/p99 and errors per endpoint. Settings (LOAD_*) in scripts/load.
load: install
	@scripts/ensure-services
	$(PY) scripts/load

# Faults on real processes (a worker SIGKILLed mid-batch, Redis stopped, a private PostgreSQL
# restarted, every task delivered twice, a task that kills its process); prints a ledger of what
# was lost, duplicated and how fast it recovered. Settings (FAULTS_*) in scripts/faults.
faults: install
	@scripts/ensure-services
	$(PY) scripts/faults

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
