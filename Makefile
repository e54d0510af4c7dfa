# Every target creates and uses the local virtual environment in .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
DEMO_DIR ?= demo-data
PORT ?= 8000
NETWORK_DIR ?= demo-network
NETWORK_PORT ?= 8100

.DEFAULT_GOAL := help
.PHONY: help install demo demo-network test test-fast test-postgres bench lint format clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install Commonweal with its development tools

demo: $(STAMP) ## Create a seeded demo node in ./demo-data and serve it on http://127.0.0.1:8000
	$(BIN)/commonweal demo --data-dir $(DEMO_DIR) --port $(PORT)

demo-network: $(STAMP) ## Three nodes and their alliance on ports 8100-8103: witnessing, mirrors, a network vote
	$(BIN)/commonweal demo --network --data-dir $(NETWORK_DIR) --port $(NETWORK_PORT)

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: lint ## Lint, then the whole test suite (PostgreSQL too when COMMONWEAL_TEST_POSTGRES_URL is set)
	$(PYTEST) -q

test-fast: $(STAMP) ## The quick subset: everything not marked slow
	$(PYTEST) -q -m "not slow"

bench: $(STAMP) ## Run the benchmarks and print each figure beside its target
	$(BIN)/python -m bench

clean: ## Remove the virtual environment, caches and demo data
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DIR) $(NETWORK_DIR)
