# pingan — two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PINGAN_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-dev lint typecheck contracts pytest web-assets i18n bench clean

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

# Leaflet comes from the npm registry, never from a CDN.
web-assets: src/pingan/web/static/vendor/leaflet/leaflet.js

src/pingan/web/static/vendor/leaflet/leaflet.js: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p src/pingan/web/static/vendor/leaflet
	cp -r node_modules/leaflet/dist/* src/pingan/web/static/vendor/leaflet/

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
	$(BIN)/mypy src/pingan/algo

contracts: $(VENV)/.installed-dev
	$(BIN)/lint-imports

pytest: install-dev
	$(BIN)/pytest -q

test: install-dev lint typecheck contracts pytest

bench: install-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var node_modules src/pingan/web/static/vendor
