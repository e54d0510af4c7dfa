# Every target creates and uses the local virtual environment in .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
DEMO_DIR ?= demo-data
PORT ?= 8000
NETWORK_PORT ?= 8100
CHROMIUM := /usr/bin/chromium
CADDY := /usr/bin/caddy

.DEFAULT_GOAL := help
.PHONY: help install demo demo-network test test-fast test-browser test-postgres wheel-check bench lint format clean

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

install: $(STAMP) $(CHROMIUM) $(CADDY) ## Create .venv and install Commonweal with its development tools (and Chromium, Caddy)

demo: $(STAMP) ## Seeded demo: a community on :8000, and three nodes and their alliance on :8100-8103
	$(BIN)/commonweal demo --data-dir $(DEMO_DIR) --port $(PORT) --network-port $(NETWORK_PORT)

demo-network: $(STAMP) ## Three nodes and their alliance on ports 8100-8103: witnessing, mirrors, a network vote
	$(BIN)/commonweal demo --network --data-dir $(DEMO_DIR) --network-port $(NETWORK_PORT)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: lint $(CHROMIUM) $(CADDY) ## Lint, then the whole test suite (PostgreSQL too when COMMONWEAL_TEST_POSTGRES_URL is set)
	$(PYTEST) -q

test-fast: $(STAMP) $(CHROMIUM) $(CADDY) ## The quick subset: everything not marked slow
	$(PYTEST) -q -m "not slow"

test-browser: $(STAMP) $(CHROMIUM) ## The browser tests alone (screenshots in test-artifacts/web/)
	$(PYTEST) -q tests/web/browser

wheel-check: $(STAMP) ## Build the wheel, install it in a fresh venv, and run init, serve, sign-in, an event, verify
	$(PYTEST) -q tests/test_wheel_install.py

bench: $(STAMP) ## Run the benchmarks and print each figure beside its target
	$(BIN)/python -m bench

clean: ## Remove the virtual environment, caches and demo data
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DIR)
