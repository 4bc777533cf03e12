# The two commands: `make run` (a seeded demo on http://127.0.0.1:8000) and `make test` (ruff + pytest).
# `make bench` runs the benchmarks under bench/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench messages vendor clean

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
		echo "REDIS_URL is set: starting a Celery worker and beat beside the web server"; \
		DEBUG=$${DEBUG:-1} VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) scripts/serve_with_workers.sh; \
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
	DEBUG=1 $(BIN)/python manage.py makemessages --locale fr --ignore ".venv/*" --ignore "staticfiles/*" --ignore "node_modules/*" --ignore "test-output/*" --no-obsolete
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale fr --ignore ".venv/*" --ignore "node_modules/*"

# Refresh the vendored front-end files (versions pinned in package.json / package-lock.json); a clone needs no npm.
vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p static/vendor/chartjs mentorship/tests/vendor/axe-core
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map node_modules/chart.js/LICENSE.md static/vendor/chartjs/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE node_modules/axe-core/LICENSE-3RD-PARTY.txt mentorship/tests/vendor/axe-core/

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache .ruff_cache
