# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DEMO := examples/japan-layered-bmd.yaml

.PHONY: demo test lint typecheck layers unit golden browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/hoplon validate $(DEMO)
	$(BIN)/hoplon run $(DEMO)
	$(BIN)/hoplon report $(DEMO) -o out/japan-report.html
	@echo "report: $(CURDIR)/out/japan-report.html"

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy src

layers: $(DEV_STAMP)
	$(BIN)/lint-imports

# The browser test is part of the tests: Chromium is installed first where it is missing
# (browser-deps), and HOPLON_REQUIRE_BROWSER=1 makes a missing Chromium fail the browser
# test instead of skipping it.
# The tests run in one process per core (pytest-xdist), a file's tests together in one of
# them (--dist loadfile: module fixtures are built once, and file order is kept).
unit: $(DEV_STAMP) browser-deps
	HOPLON_REQUIRE_BROWSER=1 $(BIN)/pytest -q -n auto --dist loadfile

test: lint typecheck layers unit

# Rewrite tests/golden/*.json after a deliberate change of figures (say why in the commit).
golden: $(STAMP)
	$(BIN)/python tests/golden_cases.py

# Debian's headless Chromium for the report's browser test (tests/e2e/test_report_browser.py).
# Installs it with apt-get (as root) where it is missing; otherwise fails saying how.
CHROMIUM ?= /usr/bin/chromium
browser-deps:
	@if [ -x $(CHROMIUM) ]; then \
	  echo "chromium: $(CHROMIUM)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser-deps: $(CHROMIUM) is missing and there is no apt-get; install Debian's chromium package (or a Chromium at $(CHROMIUM)) by hand, then run make test again" >&2; exit 1; \
	elif [ "$$(id -u)" != 0 ]; then \
	  echo "browser-deps: $(CHROMIUM) is missing; install it as root: sudo apt-get install chromium (or sudo make browser-deps), then run make test again" >&2; exit 1; \
	else \
	  echo "browser-deps: $(CHROMIUM) is missing; installing Debian's chromium with apt-get"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	    || { echo "browser-deps: apt-get could not install chromium; install Debian's chromium package by hand, then run make test again" >&2; exit 1; }; \
	  [ -x $(CHROMIUM) ] || { echo "browser-deps: chromium is installed but $(CHROMIUM) is not there; install Debian's chromium package" >&2; exit 1; }; \
	fi

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
