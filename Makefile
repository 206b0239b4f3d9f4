# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= dev

.PHONY: venv demo test lint bench clean

$(BIN)/empathos: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	@touch $@

venv: $(BIN)/empathos

demo: venv
	$(BIN)/empathos demo

test: venv
	$(BIN)/python -m pytest -q

# ruff, then import-linter: the layer order and no import cycles ([tool.importlinter] in
# pyproject.toml; tools/import_cycles.py is one of its contracts).
lint: venv
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) empathos.db empathos.db-wal empathos.db-shm .pytest_cache
