PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rolesim run

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache

eval: $(STAMP)
	@if [ -d ../shared/data ]; then $(BIN)/rolesim eval ../shared/data/esconv.jsonl ../shared/data/politeness_wiki.jsonl; \
	else echo "../shared/data not found beside the checkout: skipping ESConv and politeness"; fi
	$(BIN)/rolesim eval tests/labelled/en.jsonl tests/labelled/lv.jsonl tests/labelled/lt.jsonl tests/labelled/da.jsonl
