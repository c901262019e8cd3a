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

run: data params-check ## run the whole pipeline on env.data_root (the company conf/ serves; dvc repro)
	dvc repro
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
