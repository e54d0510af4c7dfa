# Every target creates and uses the local virtual environment in .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
# Two workers (this project's machines have two cores), each taking whole modules so a
# module's shared nodes and servers start once; XDIST= runs the suite in one process.
XDIST ?= -n 2 --dist loadscope
DEMO_DIR ?= demo-data
PORT ?= 8000
NETWORK_PORT ?= 8100
CHROMIUM := /usr/bin/chromium
CADDY := /usr/bin/caddy
VENDOR := src/commonweal/web/static/vendor
VENDOR_STAMP := web/node_modules/.commonweal-vendored

.DEFAULT_GOAL := help
.PHONY: help install vendor wheel wheel-check demo demo-network test test-fast test-browser test-postgres bench lint format i18n clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The browser tests drive Debian's Chromium (never `playwright install`): installed here when
# missing and we are root on a Debian machine (as CI is); skipped when it is already there.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "Browser tests need Chromium at $(CHROMIUM) (as root: apt-get install chromium); they are skipped without it."; \
	fi

# The TLS deployment tests run Debian's caddy (tests/deploy): installed the same way. On a
# machine booted with systemd the package also enables its own caddy.service on :80/:443.
$(CADDY):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q caddy; \
	else \
		echo "The TLS deployment tests need Caddy at $(CADDY) (as root: apt-get install caddy); they are skipped without it."; \
	fi


# The API docs' front-end code (Swagger UI, Redoc) and the places map's world outline
# (world-atlas: Natural Earth 1:110m countries, drawn by web/world_map.py) and the secret ballot's
# group and hashes (@noble/curves' ristretto255, @noble/hashes, as ES modules whose bare
# imports are made relative) come from npm at build time, pinned by
# web/package-lock.json, and is copied into the package (gitignored, never committed). Without
# npm, /docs and /redoc say the assets are missing; they never load them from a CDN. Redoc's
# bundle draws its vendor's logo from cdn.redoc.ly: the copy's URL is replaced by an empty image.
# axe-core (a devDependency) is installed by the same `npm ci` for the accessibility test, which
# reads it from web/node_modules: it is never copied into the package.
$(VENDOR_STAMP): web/package.json web/package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; \
	fi
	@if command -v npm >/dev/null; then \
		cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && cd .. && \
		rm -rf $(VENDOR) && mkdir -p $(VENDOR)/swagger-ui $(VENDOR)/redoc $(VENDOR)/world-atlas && \
		cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		   web/node_modules/swagger-ui-dist/swagger-ui.css \
		   web/node_modules/swagger-ui-dist/LICENSE \
		   web/node_modules/swagger-ui-dist/NOTICE $(VENDOR)/swagger-ui/ && \
		cp web/node_modules/redoc/bundles/redoc.standalone.js \
		   web/node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt \
		   web/node_modules/redoc/LICENSE $(VENDOR)/redoc/ && \
		sed -i 's#https://cdn.redoc.ly/redoc/logo-mini.svg#data:,#' $(VENDOR)/redoc/redoc.standalone.js && \
		cp web/node_modules/world-atlas/countries-110m.json \
		   web/node_modules/world-atlas/LICENSE $(VENDOR)/world-atlas/ && \
		mkdir -p $(VENDOR)/noble/curves/abstract $(VENDOR)/noble/hashes && \
		cp web/node_modules/@noble/curves/ed25519.js web/node_modules/@noble/curves/utils.js \
		   web/node_modules/@noble/curves/LICENSE $(VENDOR)/noble/curves/ && \
		cp web/node_modules/@noble/curves/abstract/*.js $(VENDOR)/noble/curves/abstract/ && \
		cp web/node_modules/@noble/hashes/*.js web/node_modules/@noble/hashes/LICENSE $(VENDOR)/noble/hashes/ && \
		sed -i "s#from '@noble/hashes/#from '../hashes/#" $(VENDOR)/noble/curves/*.js && \
		sed -i "s#from '@noble/hashes/#from '../../hashes/#" $(VENDOR)/noble/curves/abstract/*.js && \
		touch $(VENDOR_STAMP); \
	else \
		echo "npm not found: /docs and /redoc will say their assets are missing (apt-get install npm)"; \
	fi

vendor: $(VENDOR_STAMP) ## Fetch Swagger UI and Redoc from npm (exact versions) into the package

install: $(STAMP) $(VENDOR_STAMP) $(CHROMIUM) $(CADDY) ## Create .venv and install Commonweal with its development tools (and Chromium, Caddy, the API docs' assets)

wheel: $(STAMP) $(VENDOR_STAMP) ## Build the wheel and sdist into dist/, the API docs' assets included
	$(BIN)/python -m build

demo: $(STAMP) $(VENDOR_STAMP) ## Seeded demo: a community on :8000, and three nodes and their alliance on :8100-8103
	$(BIN)/commonweal demo --data-dir $(DEMO_DIR) --port $(PORT) --network-port $(NETWORK_PORT)

demo-network: $(STAMP) ## Three nodes and their alliance on ports 8100-8103: witnessing, mirrors, a network vote
	$(BIN)/commonweal demo --network --data-dir $(DEMO_DIR) --network-port $(NETWORK_PORT)

lint: $(STAMP) ## ruff (lint + format check), mypy, the import contracts (.importlinter), and complete catalogues
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m commonweal.web.catalogues check

i18n: $(STAMP) ## Extract the pages' messages, merge them into every catalogue, and name what is left to translate
	$(BIN)/python -m commonweal.web.catalogues update

format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: lint $(VENDOR_STAMP) $(CHROMIUM) $(CADDY) ## Lint, then the whole test suite on both cores (PostgreSQL too when COMMONWEAL_TEST_POSTGRES_URL is set)
	$(PYTEST) -q $(XDIST)

test-fast: $(STAMP) $(VENDOR_STAMP) $(CHROMIUM) $(CADDY) ## The quick subset: everything not marked slow
	$(PYTEST) -q $(XDIST) -m "not slow"

test-browser: $(STAMP) $(VENDOR_STAMP) $(CHROMIUM) ## The browser tests alone (screenshots in test-artifacts/web/)
	$(PYTEST) -q tests/web/browser

wheel-check: $(STAMP) $(VENDOR_STAMP) ## Build the wheel, install it in a fresh venv, and run init, serve, sign-in, an event, verify
	$(PYTEST) -q tests/test_wheel_install.py

bench: $(STAMP) ## Run the benchmarks and print each figure beside its target
	$(BIN)/python -m bench

clean: ## Remove the virtual environment, caches and demo data
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DIR) web/node_modules $(VENDOR)
