# The two commands of the quick start: `make run` builds the seed graph, `make test` runs every test.
# Both create .venv from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kg build seeds/ --out out/

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kg
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/build_corpus.py --documents 2000

clean:
	rm -rf out/ .pytest_cache build dist
