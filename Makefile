# Two commands do all the set-up on a fresh machine:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench bench-scale validate clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Start the API on the embedded SQLite default with a demo organisation, and the timer worker beside it
## (SLA clocks and escalations fire; both stop together).
run: $(STAMP)
	$(BIN)/avvik db upgrade
	$(BIN)/avvik seed-demo
	$(BIN)/avvik serve --with-worker

## Run the whole test suite (SQLite by default; set AVVIK_TEST_DATABASE_URL for PostgreSQL).
test: $(STAMP)
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/avvik validate

## Benchmark (see bench/README.md); bench-scale loads 2.5 M events into PostgreSQL.
bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-scale: $(STAMP)
	$(BIN)/python -m bench.run --scale

clean:
	rm -rf $(VENV) var .pytest_cache
