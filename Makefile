# Every workflow step is one of these targets, so CI and laptops run the same thing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
# The dev/CI environment is installed from a lock: every package at an exact version with its
# hashes (pip --require-hashes), compiled by `make lock` from pyproject.toml's ranges (kept for
# library users; the dev and ray extras included, so tests run the Ray executor) and
# requirements/<lock>.in. requirements/dev.txt has torch's CPU wheel (it starts
# with PyTorch's index; PyPI's Linux torch is a CUDA build); GPU runners set
# LOCK=requirements/dev-cuda.txt (torch's CUDA build from PyPI).
LOCK ?= requirements/dev.txt
LOCK_PYTHON ?= 3.11
LOCK_PLATFORM ?= x86_64-manylinux_2_28
PYPI_INDEX ?= https://pypi.org/simple
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# where `make lock` finds the CPU torch (offline: TORCH_RESOLVE="--find-links DIR-with-the-wheel")
TORCH_RESOLVE ?= --extra-index-url $(TORCH_INDEX)
# pip's retries per index request: an index that cannot be reached (PyTorch's, on a machine that
# only reaches PyPI and a local wheel) costs each package one quick retry, not five with backoff
PIP_RETRIES ?= 1
LOCK_FLAGS ?=# e.g. --upgrade, --upgrade-package pandas (default: keep the current pins)
UV_VERSION ?= 0.13.9
UV_VENV ?= .tools/uv
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install lock params params-check data run test lint pytest smoke bench clean
.DEFAULT_GOAL := help

help: ## list the targets (this)
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort | expand -t 20

$(BIN)/.installed: pyproject.toml $(LOCK)
	@v=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	[ "$$v" = "$(LOCK_PYTHON)" ] || { echo "error: $(LOCK) is locked for Python $(LOCK_PYTHON)," \
	  "$(PYTHON) is $$v: run PYTHON=python$(LOCK_PYTHON) make install" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --retries $(PIP_RETRIES) --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

install: $(BIN)/.installed ## create .venv from the lock $(LOCK), then the package itself (no deps)

# One lock: $(1) the .in, $(2) the lock, $(3) extra resolution sources. Pins already in the lock are
# kept unless LOCK_FLAGS says otherwise. unsafe-best-match: PyTorch's index also serves copies of
# PyPI packages; pick the best version across both (like pip), the hashes pin the exact files.
uv-compile = $(UV_VENV)/bin/uv pip compile pyproject.toml $(1) --extra dev --extra ray --generate-hashes \
	--python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) --index-url $(PYPI_INDEX) \
	$(3) --index-strategy unsafe-best-match --no-emit-index-url --no-emit-find-links \
	--custom-compile-command 'make lock' $(LOCK_FLAGS) -o $(2)

lock: ## refresh requirements/dev.txt and dev-cuda.txt (uv pip compile; LOCK_FLAGS=--upgrade to bump)
	test -x $(UV_VENV)/bin/uv || { $(PYTHON) -m venv $(UV_VENV) && \
	  $(UV_VENV)/bin/pip install -q uv==$(UV_VERSION); }
	sed -i '/^--extra-index-url /d' requirements/dev.txt
	$(call uv-compile,requirements/dev.in,requirements/dev.txt,$(TORCH_RESOLVE))
	sed -i '1i --extra-index-url $(TORCH_INDEX)' requirements/dev.txt
	$(call uv-compile,requirements/dev-cuda.in,requirements/dev-cuda.txt,)

params: install ## compose conf/ into params.yaml
	forecastops params

params-check: install ## fail if params.yaml drifted from conf/
	forecastops params --check

# The raw data the composition reads (env.data_root; conf/site.yaml records another company's):
# a DVC-tracked root (<root>.dvc) is checked, pulled, or for the default company generated; any
# other root must already hold the company's files.
data: install ## fetch env.data_root from the DVC remote, or materialise the embedded default
	@root=$$(forecastops params --get env.data_root); company=$$(forecastops params --get data.company); \
	if [ ! -f "$$root.dvc" ]; then \
	  if [ -d "$$root" ] && [ -n "$$(ls -A "$$root")" ]; then echo "data: $$root (env.data_root, company $$company)"; \
	  else echo "error: env.data_root $$root (company $$company) is missing or empty: put the company's raw files there" >&2; exit 1; fi; \
	elif dvc status "$$root.dvc" -q 2>/dev/null; then echo "$$root/ matches $$root.dvc"; \
	elif dvc pull -q "$$root.dvc" 2>/dev/null; then echo "$$root/ pulled from the DVC remote"; \
	elif [ "$$company" != default ]; then echo "error: $$root/ (company $$company) is not what $$root.dvc pins and no DVC remote answers; the embedded generator makes only the default company's data" >&2; exit 1; \
	else echo "no DVC remote reachable: generating the embedded default dataset"; \
	  forecastops generate --out "$$root" && dvc commit -q -f "$$root.dvc" && \
	  if git diff --quiet -- "$$root.dvc"; then echo "$$root/ is byte-identical to $$root.dvc"; \
	  else echo "error: generated $$root/ differs from the committed $$root.dvc" >&2; exit 1; fi; fi

# main.yml's job on one machine: every stale region's fits at once on the executor, then the rest
run: data params-check ## run the whole pipeline on env.data_root (the company conf/ serves; forecastops train-stale)
	forecastops train-stale
	@echo; echo "Results:"; \
	echo "  metrics     reports/metrics.json   (dvc metrics show)"; \
	echo "  validation  reports/data_validation.json"; \
	echo "  plots       reports/plots/         (dvc plots show)"; \
	echo "  forecasts   outputs/forecasts.csv"; \
	python -c "import json; o = json.load(open('reports/metrics.json'))['overall']; \
	print(f\"  MAPE {o['mape']:.3f} vs historical average {o['baseline_mape']:.3f} \
	(reduction {o['mape_reduction']:.1%}), naive {o['naive_mape']:.3f}; \
	{o['segments_passed']}/{o['segments_total']} segments pass\")"

lint: install ## pre-commit hooks: ruff, ruff-format, workflow schema, zizmor, params drift
	pre-commit run --all-files --show-diff-on-failure

pytest: install ## the test suite (code, data, model)
	pytest

test: lint pytest ## lint + the whole test suite

smoke: install ## the real DVC pipeline on the committed sample (env=local)
	forecastops smoke --workdir .smoke

bench: install ## scale benchmark: 14/56/140 regions, executors, rerun, scoring -> reports/benchmark.json
	python scripts/benchmark.py

clean: ## remove local pipeline outputs (.smoke, artifacts, models, outputs, unrecorded fits)
	rm -rf .smoke artifacts models outputs .forecastops/work

-include make/*.mk
