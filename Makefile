# Ahual: `make demo` runs the pipeline on the demo data, `make test` runs the test suite.
# Both install into .venv first (pinned by constraints.txt): the demo only what it needs.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.DEFAULT_GOAL := help
.PHONY: help install install-test install-notebooks demo test lint notebooks notebooks-html bench demo-data stop

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $(VENV)/.installed $(VENV)/.installed-notebooks $@

install: $(VENV)/.installed ## create .venv and install Ahual with its pinned dependencies

install-test: $(VENV)/.installed-test ## the same, with the test and notebook tools

# The notebooks need only the `notebooks` extra (matplotlib, Jupyter), not the test tools.
$(VENV)/.installed-notebooks: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[notebooks]'
	touch $(VENV)/.installed $@

install-notebooks: $(VENV)/.installed-notebooks ## the same, with JupyterLab and matplotlib

demo: install ## run the whole pipeline on the bundled demo data (state in AHUAL_HOME)
	$(BIN)/ahual demo

test: install-test ## run the test suite (executes the notebooks too)
	$(BIN)/python -m pytest

lint: install-test ## ruff
	$(BIN)/ruff check flows warehouse tests datasets bench

notebooks: install-notebooks ## open the notebooks in JupyterLab (they read the warehouse `make demo` built)
	$(BIN)/jupyter lab notebooks/

notebooks-html: install-notebooks ## execute the notebooks; HTML copies in AHUAL_HOME/notebooks/
	$(BIN)/python -m ahual.flows.notebook

bench: install-test ## measure Ahual against the hand-written script, R and numpy (bench/README.md)
	$(BIN)/python -m bench.run

demo-data: install ## regenerate the demo inputs (deterministic)
	# every kind's generator (datasets/demo/make_<kind>.py), then the receipts, which hash their files
	cd datasets/demo && for g in $$(ls make_*.py | grep -v make_receipts) make_receipts.py; do ../../$(BIN)/python $$g || exit 1; done

stop: install ## stop the local Prefect servers and warm workers (your home's and the demo's)
	$(BIN)/ahual server stop
	AHUAL_HOME="$$($(BIN)/python -c 'from ahual.flows.settings import default_demo_home; print(default_demo_home())')" $(BIN)/ahual server stop
