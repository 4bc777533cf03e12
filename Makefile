# The two commands: `make run` (a seeded demo on http://127.0.0.1:8000) and `make test` (ruff + pytest).
# `make bench` runs the benchmarks under bench/.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Quick start: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL are set;
# with REDIS_URL, a Celery worker and beat run beside the web server and stop with it.
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Starting a Celery worker and beat (REDIS_URL is set)"; \
		trap 'kill 0' EXIT INT TERM; \
		DEBUG=$${DEBUG:-1} $(BIN)/celery -A mentorship worker --loglevel=INFO & \
		DEBUG=$${DEBUG:-1} $(BIN)/celery -A mentorship beat --loglevel=INFO & \
		DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	else \
		DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	@DATABASE_URL="$$($(BIN)/python scripts/test_database_url.py)" $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

# Refresh the French catalogue after changing user-facing strings, then translate what is new.
messages: $(VENV)/.installed-dev
	DEBUG=1 $(BIN)/python manage.py makemessages --locale fr --ignore ".venv/*" --ignore "staticfiles/*" --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale fr --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache .ruff_cache
