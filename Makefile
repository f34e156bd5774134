# stampgate: `make run` serves the gateway on the embedded default; `make test` runs everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# pytest-xdist workers of `make pytest`: more than the cores, since most of a test's time is spent
# waiting on PostgreSQL, servers and the browser (README "Two commands").
PYTEST_WORKERS ?= 4

.PHONY: run test lint typecheck pytest bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/stampgate db upgrade
	$(BIN)/stampgate demo
	$(BIN)/stampgate serve --bind 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -m 'not alone' $(PYTEST_ARGS)
	$(BIN)/pytest -q -m alone $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.per_request
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.http_overhead
	$(BIN)/python -m bench.deliver
	$(BIN)/python -m bench.wallet_listener
	$(BIN)/python -m bench.redeem
	$(BIN)/python -m bench.poster_ack
	$(BIN)/python -m bench.purge_plans
	$(BIN)/python -m bench.memory
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.google_wallet

# Extract the strings of every translated blueprint and add the new ones to its catalogs
# (then fill in their msgstr; tests/web/test_translations.py lists what is missing).
translations: $(VENV)/.installed-test
	@for folder in gateway/web/*/translations; do \
	  blueprint=$${folder%/translations}; \
	  $(BIN)/pybabel -q extract -F gateway/web/babel.cfg --no-location --sort-output --omit-header \
	    -o $$folder/messages.pot $$blueprint; \
	  $(BIN)/pybabel -q update --init-missing --no-fuzzy-matching --ignore-obsolete --omit-header \
	    --no-wrap -i $$folder/messages.pot -d $$folder -l ja; \
	  $(BIN)/pybabel -q update --init-missing --no-fuzzy-matching --ignore-obsolete --omit-header \
	    --no-wrap -i $$folder/messages.pot -d $$folder -l ko; \
	  rm $$folder/messages.pot; \
	done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
