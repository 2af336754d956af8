# iDesk: `make run` to try it, `make test` to check it. Both set up what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export IDESK_PORT := $(PORT)

.PHONY: run test test-anyday install migrate seed lint clean e2e bench bench-small loadtest

# Exactly the locked versions, checked against their hashes; then iDesk itself, editable, with nothing more.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml setup.py
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# axe-core for the accessibility test (tests/e2e/test_accessibility.py); without npm that test is skipped.
AXE := var/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix var/axe axe-core@4; \
	else echo "Không có npm: bỏ qua axe-core, kiểm tra trợ năng (tests/e2e/test_accessibility.py) sẽ bị bỏ qua"; fi

install: $(VENV)/.installed $(AXE)

## The lock files from pyproject.toml, with hashes, for Python 3.11 on Linux x86-64: requirements.lock (what
## production installs) and requirements-dev.lock (with the dev extra: make run, make test, CI). Pins are kept
## unless pyproject.toml no longer allows them; `make lock UPGRADE=1` takes the newest versions it allows.
.PHONY: lock
LOCK_FLAGS = --quiet --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra dev -o requirements-dev.lock

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Web server on 127.0.0.1:$(PORT) and the django-q2 worker, together; Ctrl-C stops both.
# Ctrl-C reaches this shell too: it waits for honcho to stop both, then ends the recipe without an error.
run: seed
	@trap 'exit 0' INT; $(VENV)/bin/honcho start -f Procfile

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL), in parallel (pytest-xdist): one
## process per core, at most 8, each with its own test database; TEST_JOBS=0 runs it in one process.
## CLOCK="2027-01-04 02:00:00" runs it with the system clock moved there (Debian's faketime), as CI's PostgreSQL run.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 8 ] && n=8; echo $$n)
PYTEST_PARALLEL = $(if $(filter-out 0 1,$(TEST_JOBS)),-n $(TEST_JOBS))
CLOCK ?=
NEED_FAKETIME = command -v faketime >/dev/null || { echo "Cần faketime: apt-get install faketime"; exit 1; }
## The tests keep their compiled modules (__pycache__, git-ignored) even where the environment sets
## PYTHONDONTWRITEBYTECODE: otherwise every worker and every process a test starts compiles iDesk and rewrites
## the tests' assertions anew (collecting the suite: 7 s of CPU, 2.5 s with them kept).
TEST_ENV = env -u PYTHONDONTWRITEBYTECODE
test: install
	@[ -z "$(CLOCK)" ] || $(NEED_FAKETIME)
	$(TEST_ENV) $(if $(CLOCK),faketime "$(CLOCK)") $(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

## The SQLite suite with the system clock moved (Debian's faketime): the first working Monday of a year, when
## every register restarts, and a Sunday in the middle of a month. The suite must pass on any day.
ANYDAY ?= 2027-01-04 02:00:00|2027-03-14 03:00:00
test-anyday: install
	@$(NEED_FAKETIME)
	@echo '$(ANYDAY)' | tr '|' '\n' | while IFS= read -r when; do \
		echo "== make test at $$when (UTC)"; \
		$(TEST_ENV) -u DATABASE_URL faketime "$$when" $(PY) -m pytest -q $(PYTEST_PARALLEL) $(PYTEST_ARGS) </dev/null || exit 1; \
	done

## Benchmarks (issue 8; docs/performance.md). PostgreSQL on 127.0.0.1; not part of `make test` or CI.
BENCH_PG       ?= postgres://postgres@127.0.0.1:5432
BENCH_DB       ?= idesk_bench
BENCH_SMALL_DB ?= idesk_bench_small
# `$(_pg_database) keep DB` creates DB if missing; `$(_pg_database) fresh DB` drops it first.
_pg_database = $(PY) -c "import sys, psycopg; c = psycopg.connect('$(BENCH_PG)/postgres', autocommit=True); \
	how, db = sys.argv[1:3]; how == 'fresh' and c.execute(f'DROP DATABASE IF EXISTS {db} WITH (FORCE)'); \
	c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [db]).fetchone() or c.execute(f'CREATE DATABASE {db}')"

## The province: 500 units, 10,000 users, 1M documents, 10M access events, generated once (minutes), then measured.
bench: install
	$(_pg_database) keep $(BENCH_DB)
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) $(PY) manage.py generate_scale_data --skip-existing
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) $(PY) manage.py bench --json docs/bench/results.json --markdown docs/performance.md
	$(MAKE) loadtest

## The same on a fresh small dataset (50 units, 20,000 documents) with fewer repetitions: a quick check.
bench-small: install
	$(_pg_database) fresh $(BENCH_SMALL_DB)
	DATABASE_URL=$(BENCH_PG)/$(BENCH_SMALL_DB) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_PG)/$(BENCH_SMALL_DB) $(PY) manage.py generate_scale_data \
		--units 50 --users 1000 --documents 20000 --access-events 200000
	DATABASE_URL=$(BENCH_PG)/$(BENCH_SMALL_DB) $(PY) manage.py bench --quick --json var/bench/small.json --markdown var/bench/small.md

## 50 logged-in people (a click every 2.5-7.5 s each) for 60 s against gunicorn (3 workers) on a fresh demo
## database (idesk_loadtest, files under var/loadtest); stops by itself; the table goes into docs/performance.md.
LOADTEST_DB  ?= idesk_loadtest
LOADTEST_THINK ?= 5
LOADTEST_ENV  = IDESK_VAR_DIR=var/loadtest DATABASE_URL=$(BENCH_PG)/$(LOADTEST_DB)
loadtest: install
	$(_pg_database) fresh $(LOADTEST_DB)
	$(LOADTEST_ENV) $(PY) manage.py migrate --noinput -v 0
	$(LOADTEST_ENV) $(PY) manage.py seed_demo
	$(LOADTEST_ENV) $(PY) manage.py loadtest --users 50 --duration 60 --workers 3 --think $(LOADTEST_THINK) \
		--markdown docs/performance.md

## ruff (lint and format), the layering contracts (.importlinter) and migrations that match the models.
lint: install
	.ci/lint
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/staticfiles
