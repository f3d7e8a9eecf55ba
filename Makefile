# Two commands do all the set-up on a fresh machine:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install web bench bench-scale validate clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The web app (web/): install the locked npm packages, type the client against the API's OpenAPI document,
## build web/dist (served by `avvik serve` at /).
web: $(STAMP)
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p var
	$(BIN)/python -m server.openapi > var/openapi.json
	cd web && npm run --silent api-types
	cd web && npm run --silent build

## Start the API and the web app on the embedded SQLite default with a demo organisation and the demo login,
## and the timer worker beside it (SLA clocks and escalations fire; both stop together).
run: $(STAMP) web
	$(BIN)/avvik db upgrade
	$(BIN)/avvik seed-demo
	AVVIK_DEMO=1 $(BIN)/avvik serve --with-worker

## Run the whole test suite, browser tests included (SQLite by default; set AVVIK_TEST_DATABASE_URL for PostgreSQL).
test: $(STAMP) web
	$(BIN)/python -m pytest

## The linter and the type checker, with the settings in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/avvik validate

## Benchmark (see bench/README.md); bench-scale loads 2.5 M events into PostgreSQL.
bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-scale: $(STAMP)
	$(BIN)/python -m bench.run --scale

clean:
	rm -rf $(VENV) var .pytest_cache web/node_modules web/dist web/src/api/openapi.d.ts
