# satcloud: two commands do everything on a fresh machine with Python >= 3.11 and make.
#   make report   execute the notebooks at full size and render reports/index.html
#   make test     run the whole test suite (lint, unit, reference, notebooks, offline)
# Both create .venv and install the project into it when it is missing or stale.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.satcloud-installed
PYTEST_ARGS ?=

.PHONY: report test lab app env benchmarks lint clean help

APP_PORT ?= 8866

help:
	@echo "make report   - execute notebooks, render HTML report into reports/"
	@echo "make test     - run the full test suite"
	@echo "make lab      - open JupyterLab on notebooks/"
	@echo "make app      - serve the what-if notebook as a web app (Voila, localhost only)"
	@echo "make benchmarks - run the speed benchmarks (prints ratios)"

# The stamp is older than pyproject.toml when dependencies change: reinstall then.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "satcloud needs Python >= 3.11; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[all]'
	@touch $(STAMP)

env: $(STAMP)

report: $(STAMP)
	$(BIN)/satcloud report --out reports --jobs 2

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Voila: the what-if notebook as a standalone app, bound to localhost, code cells hidden.
app: $(STAMP)
	$(BIN)/voila notebooks/07_what_if.ipynb --no-browser --port=$(APP_PORT) \
		--Voila.ip=127.0.0.1 --strip_sources=True

benchmarks: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf reports .pytest_cache .ruff_cache
