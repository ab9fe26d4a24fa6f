# Yingshang: `make run` serves the app with demo data; `make test` passes the suite. Both set up a fresh
# machine from the project's own files (requirements.lock, package-lock.json).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small
# make run VERBOSE=1: one line per request and per job in the terminal (default: warnings and errors only)
VERBOSE ?= 0
PYTEST_ARGS ?=

.PHONY: install run test test-fast lint format bench clean lock

install: $(VENV)/.installed var/vendor/.installed

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Only the files the pages load, so collectstatic stays quick.
var/vendor/.installed: node_modules/.installed
	rm -rf var/vendor
	mkdir -p var/vendor/htmx var/vendor/echarts var/vendor/bootstrap/css var/vendor/bootstrap/js var/vendor/bootstrap-icons
	cp node_modules/htmx.org/dist/htmx.min.js var/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js var/vendor/echarts/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css var/vendor/bootstrap/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js var/vendor/bootstrap/js/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts var/vendor/bootstrap-icons/
	touch $@

lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock -q

run: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) VERBOSE=$(VERBOSE) sh scripts/serve.sh

test: install
	$(PY) manage.py collectstatic --noinput -v0
	$(BIN)/pytest -n 2 --dist loadgroup $(if $(PYTEST_ARGS),$(PYTEST_ARGS),-m "not browser")
# The journeys in a process of their own: Playwright's event loop must not share a process with the ORM tests.
	$(if $(PYTEST_ARGS),,$(BIN)/pytest -p no:cacheprovider -m browser)

# The quick loop: everything but the `slow` checks and the browser journeys (`make test` runs those too).
test-fast: install
	$(PY) manage.py collectstatic --noinput -v0
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow and not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config yingshang bench

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(PY) manage.py bench --scale $(SCALE)

clean:
	rm -rf $(VENV) node_modules var
