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

unit: $(DEV_STAMP)
	$(BIN)/pytest -q

test: lint typecheck layers unit

# Rewrite tests/golden/*.json after a deliberate change of figures (say why in the commit).
golden: $(STAMP)
	$(BIN)/python tests/golden_cases.py

# Debian's headless Chromium for the report's browser test (tests/e2e/test_report_browser.py).
browser-deps:
	@if [ -x /usr/bin/chromium ]; then \
	  echo "chromium: /usr/bin/chromium"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "browser-deps: install Debian's chromium (/usr/bin/chromium) by hand" >&2; exit 1; \
	fi

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
