# Ahual: `make demo` runs the pipeline on the demo data, `make test` runs the test suite.
# Both install into .venv first (pinned by constraints.txt).
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help install demo test lint demo-data bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/.installed ## create .venv and install Ahual with its pinned dependencies

demo: install ## run the whole pipeline on datasets/demo/ (state in .ahual/)
	$(BIN)/ahual demo

test: install ## run the test suite (executes the notebooks too)
	$(BIN)/python -m pytest

lint: install ## ruff
	$(BIN)/ruff check flows warehouse tests datasets

bench: install ## time validated loads against DuckDB's floor (bench/README.md; ~15 min)
	$(BIN)/python -m bench.run --skip-10m

demo-data: install ## regenerate the demo inputs (deterministic)
	cd datasets/demo && for g in make_registrations make_monitoring make_surveys make_progress; do ../../$(BIN)/python $$g.py || exit 1; done
