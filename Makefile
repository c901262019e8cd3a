# Every workflow step is one of these targets, so CI and laptops run the same thing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
# Pinned first so pip takes the CPU wheel and never resolves torch to a multi-GB CUDA build;
# pyproject.toml keeps a range so users get a current torch.
TORCH_VERSION ?= 2.13.0
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install params params-check data run test lint pytest smoke bench clean
.DEFAULT_GOAL := help

help: ## list the targets (this)
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort | expand -t 20

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==$(TORCH_VERSION)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed ## create .venv and install the package with dev tools

params: install ## compose conf/ into params.yaml
	forecastops params

params-check: install ## fail if params.yaml drifted from conf/
	forecastops params --check

data: install ## fetch data/ from the DVC remote, or materialise the embedded default
	@if dvc status data.dvc -q 2>/dev/null; then echo "data/ matches data.dvc"; \
	elif dvc pull -q data.dvc 2>/dev/null; then echo "data/ pulled from the DVC remote"; \
	else echo "no DVC remote reachable: generating the embedded default dataset"; \
	  forecastops generate --out data && dvc commit -q -f data.dvc && \
	  if git diff --quiet -- data.dvc; then echo "data/ is byte-identical to data.dvc"; \
	  else echo "error: generated data/ differs from the committed data.dvc" >&2; exit 1; fi; fi

run: data params-check ## run the whole pipeline on the default data (dvc repro)
	forecastops repro
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

bench: install ## measure the full pipeline (time, peak memory) -> reports/benchmark.json
	python scripts/benchmark.py

clean: ## remove local pipeline outputs (.smoke, artifacts, models, outputs)
	rm -rf .smoke artifacts models outputs

-include make/*.mk
