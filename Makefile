# ProblemDesk: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

## Install, migrate, load demo data, run web + worker + beat (Ctrl-C stops all).
run: $(VENV)/.installed
	$(BIN)/python manage.py run_embedded

## Install the test tools and run the whole suite: SQLite, then PostgreSQL + Redis if they answer.
test: $(VENV)/.installed-test
	$(BIN)/python bin/run_tests.py

## Save PNGs of the main pages with demo data into docs/screenshots/ (needs Debian's chromium).
screenshots: $(VENV)/.installed-test
	$(BIN)/python bin/screenshots.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
