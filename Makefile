# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Python keeps its compiled modules (and pytest its rewritten test modules) in __pycache__/, even
# where the environment says not to: without them every test worker and every `manage.py` the
# tests start compiles the whole project again (5 s a process).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast setup lint format check-migrations messages bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(bin/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# axe-core for the browser tests' accessibility checks (tests/browser/test_accessibility.py), from
# the npm registry as package-lock.json pins it; reinstalled when the lock file changes. Without
# npm this only warns (the app itself needs no Node.js) and the accessibility tests fail saying so.
NODE_STAMP := node_modules/.installed-stamp

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else \
	  echo "npm is not installed (apt-get install -y npm): no axe-core, the accessibility tests will fail"; \
	fi

setup: $(STAMP) $(NODE_STAMP)
	@mkdir -p var

# Reminders need no Redis here: a Celery worker with embedded beat (`worker -B`) runs beside the
# server on Kombu's SQLAlchemy broker (a SQLite file in var/celery/), sweeping every minute, and
# the e-mails land as files in var/mail/. `manage.py run_worker` restarts the worker whenever it
# dies; prepare_broker creates the broker's tables and queue before the server and the worker
# both start using them. Links in e-mails point at this server's port unless OKR_SITE_URL says
# otherwise; the secret key is generated once into var/secret_key (settings.py).
# Ctrl-C stops the server; the trap then stops the supervisor, which stops the worker (a warm
# shutdown) before make returns.
run: export DJANGO_DEBUG := $(or $(DJANGO_DEBUG),1)
run: export OKR_SITE_URL := $(or $(OKR_SITE_URL),http://127.0.0.1:$(PORT))
# The server needs the sweep interval too: the Reminders page warns after twice it without a sweep.
run: export OKR_REMINDER_SWEEP_SECONDS := $(or $(OKR_REMINDER_SWEEP_SECONDS),60)
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py prepare_broker
	@var="$${OKR_VAR_DIR:-var}"; mkdir -p "$$var/celery" "$$var/mail"; \
	echo "Reminders: Celery worker + beat (restarted if it dies) on the SQLite broker in $$var/celery/; e-mail goes to $$var/mail/, links to $$OKR_SITE_URL"; \
	$(PY) manage.py run_worker --schedule "$$var/celery/beat-schedule" & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 0' INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs across every core (pytest-xdist), with one worker more than there are cores: its
# longest tests mostly wait on real processes (the embedded Celery worker, Chromium), and the
# extra worker keeps the cores busy meanwhile (on 2 cores: 5.3 min on a fresh clone).
# TEST_WORKERS=0 runs it in one process. `make test-fast` is the inner loop: everything but the
# browser journeys and the tests marked slow.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow and not browser" $(PYTEST_ARGS)

# How fast the pages are at company scale (bench/run.py; README, "Performance"): needs the local
# PostgreSQL and Redis, (re)creates and seeds the okr_bench database with 5,000 people, serves the
# app under gunicorn on 127.0.0.1 and writes var/bench/results.json. A few minutes; never part of
# `make test`. Options: make bench BENCH_ARGS="--requests 100 --wrk-seconds 20".
bench: setup
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install -y wrk): no throughput"
	$(PY) -m bench.run $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: setup
	DJANGO_SETTINGS_MODULE=okr_site.settings_test $(PY) manage.py makemigrations --check --dry-run

# The Korean catalogue: extract every marked string into locale/ko/LC_MESSAGES/django.po (keeping
# translations, dropping strings the code no longer has), then compile django.mo. Translate what
# it adds and run it again; tests/okr_site/test_translations.py fails until both are current.
# Needs GNU gettext (apt-get install gettext). Keep the ignores in step with that test.
messages: setup
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l ko --no-obsolete --add-location=file \
	  -i 'tests/*' -i 'bench/*' -i 'var/*' -i 'node_modules/*' -i 'build/*' -i 'staticfiles/*'
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l ko

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .hypothesis
