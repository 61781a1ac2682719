# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv when missing
# and install the project from its own files (pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: install demo test slow lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/trader demo

test: $(STAMP)
	$(BIN)/ruff check trader tests bench examples strategies
	$(BIN)/ruff format --check trader tests bench examples strategies
	$(BIN)/mypy trader
	$(BIN)/pytest -n auto --dist loadfile

# the long statistical checks: many synthetic markets, Keras models included (minutes)
slow: $(STAMP)
	$(BIN)/pytest -m slow

lint: $(STAMP)
	$(BIN)/ruff check trader tests bench examples strategies
	$(BIN)/mypy trader

format: $(STAMP)
	$(BIN)/ruff format trader tests bench examples strategies
	$(BIN)/ruff check --fix trader tests bench examples strategies

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/training.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/demo.py
	$(BIN)/python bench/signals.py
	$(BIN)/python bench/lab.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
