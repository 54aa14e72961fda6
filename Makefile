# Atrium: the two commands of the README, and the checks CI runs.
#
#   make run    create .venv if needed, install Atrium into it, start `atrium serve`
#   make test   install the development tools, run the tests (SQLite, then PostgreSQL
#               again when ATRIUM_TEST_DATABASE_URL is set)
#   make lint   ruff and mypy on src/

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Tests run in parallel (pytest-xdist); browser and live-server tests share one worker.
# PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2
XDIST = -n $(PYTEST_WORKERS) --dist loadgroup
# A failed pytest run leaves its exit code in .venv/.pytest-exit for .ci/run to return.
KEEP_EXIT = { code=$$?; echo $$code > $(VENV)/.pytest-exit; exit $$code; }

.PHONY: run test test-sqlite test-postgres lint install install-dev clean-venv

run: $(VENV)/.installed
	$(BIN)/atrium serve

test: $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$ATRIUM_TEST_DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "ATRIUM_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped."; \
	fi

test-sqlite: $(VENV)/.installed-dev
	@echo "== tests on SQLite =="
	@env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS) || $(KEEP_EXIT)

test-postgres: $(VENV)/.installed-dev
	@test -n "$$ATRIUM_TEST_DATABASE_URL" || { echo "set ATRIUM_TEST_DATABASE_URL"; exit 2; }
	@echo "== tests on PostgreSQL =="
	@env -u REDIS_URL DATABASE_URL="$$ATRIUM_TEST_DATABASE_URL" $(BIN)/pytest $(XDIST) $(PYTEST_ARGS) \
		|| $(KEEP_EXIT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src
	$(BIN)/mypy src

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The virtualenv, created once. Debian/Ubuntu need the python3-venv package for it.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Atrium needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV): on Debian/Ubuntu, apt-get install python3-venv"; \
		  rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are stamped: they run again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

clean-venv:
	rm -rf $(VENV)
