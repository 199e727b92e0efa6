# pingan — two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PINGAN_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-dev lint typecheck contracts pytest web-assets i18n bench model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed web-assets
install-dev: $(VENV)/.installed-dev web-assets

# Leaflet and Swagger UI (/api/docs) come from the npm registry, never from a CDN.
# --ignore-scripts: swagger-ui-dist depends on @scarf/scarf, whose install script reports
# the installation to its vendor.
VENDOR := src/pingan/web/static/vendor
NPM_INSTALL := npm install --no-audit --no-fund --silent --ignore-scripts
web-assets: $(VENDOR)/leaflet/leaflet.js $(VENDOR)/swagger-ui/swagger-ui-bundle.js

$(VENDOR)/leaflet/leaflet.js: package.json
	$(NPM_INSTALL)
	mkdir -p $(VENDOR)/leaflet
	cp -r node_modules/leaflet/dist/* $(VENDOR)/leaflet/

$(VENDOR)/swagger-ui/swagger-ui-bundle.js: package.json
	$(NPM_INSTALL)
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	  node_modules/swagger-ui-dist/swagger-ui.css \
	  node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/

# Refresh the page catalogues from the sources (then translate the new zh_CN entries).
# The .po files are compiled with Babel in memory when the app starts.
I18N := src/pingan/web/translations
i18n: $(VENV)/.installed-dev
	mkdir -p build
	$(BIN)/pybabel -q extract -F $(I18N)/babel.cfg -k t -o build/messages.pot .
	$(BIN)/pybabel -q update -i build/messages.pot -d $(I18N) --ignore-obsolete --no-fuzzy-matching

demo: install
	PINGAN_DEMO_MODE=1 PINGAN_SECURE_COOKIES=0 $(BIN)/pingan demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src/pingan

contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports

# Test files run on PYTEST_WORKERS processes (each with its own PostgreSQL and demo server);
# a file stays on one worker, so its module fixtures are built once.
PYTEST_WORKERS ?= 2

pytest: install-dev
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: install-dev lint typecheck contracts pytest

# the text classifier's shipped weights, from the corpus's training rows (same seed, same bytes)
model: | $(VENV)/.installed
	$(BIN)/pingan text train --seed 0

bench: install-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var node_modules src/pingan/web/static/vendor
