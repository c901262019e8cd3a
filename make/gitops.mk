# GitOps targets: every GitHub Actions step is one of these (or a `forecastops` command), so the
# workflows are thin and each step can be rehearsed on a laptop. Uses VENV/BIN from the Makefile.
.PHONY: install-cml pr-check pr-report pr-comment pr-summary dvc-pull dvc-pull-pinned repro \
	train-matrix train-stale dvc-push verify-pinned report-main model-update-pr release-validate release-summary \
	release-status release-record register promote rollback registry-list deploy-check deploy-pull deploy-score \
	deploy-publish lint-workflows repo-settings repo-settings-dry-run

# Base revision of a pull request: origin/<base branch> in Actions, else origin/main or main.
BASE ?= $(if $(GITHUB_BASE_REF),origin/$(GITHUB_BASE_REF),$(shell git rev-parse -q --verify origin/main >/dev/null 2>&1 && echo origin/main || echo main))
# `forecastops smoke` copies its reports here; committed, they are the PR comparison baseline.
SMOKE_REPORTS ?= reports/smoke
PR_COMMENT ?= reports/pr_comment.md
# The comment with its charts uploaded (`cml asset publish`): what the job summary shows.
PR_SUMMARY ?= reports/pr_summary.md
MAIN_REPORT ?= reports/main_report.md
# Metrics committed on main (HEAD) vs the workspace after `dvc repro`.
MAIN_BASE ?= HEAD
REPRO_FLAGS ?=
STAGE ?= prod
VERSION ?=
PROD_PARAMS ?= .release/params.yaml
RELEASE_REPORT ?= reports/release_validation.json
DEPLOY_REF ?= $(GITHUB_REF)
DEPLOYMENT ?= reports/deployment.json
PUBLISHED ?= deploy/forecasts.csv
# Release and deploy never retrain: they pull what dvc.lock pins and fail unless nothing is left
# to reproduce. PINNED_TARGETS: stages `dvc status` checks (empty: the whole pipeline).
PINNED_TARGETS ?=
PINNED_FILES ?= dvc.lock reports/metrics.json reports/data_validation.json reports/live reports/plots
# The score stage's inputs: artifacts/features (stage featurize) and models/<region> (train@*).
DEPLOY_PULL ?= featurize train
DEPLOY_PINNED ?= train
# CML: `iterative/setup-cml` declares the retired node16 runtime, so CML comes from npm, pinned, into
# a tool prefix (no root needed on self-hosted runners). Set CML=cml to use one on PATH.
CML_VERSION ?= 0.20.6
TOOLS ?= .tools
CML ?= $(TOOLS)/bin/cml
CML_PR_WATERMARK ?= forecastops-pr
CML_MAIN_WATERMARK ?= forecastops-main

pr-check: lint pytest smoke pr-report ## what pr.yml runs: lint, pytest, smoke, PR comment

pr-report: install ## reports/pr_comment.md: smoke run vs $(BASE) (intervals, params, charts)
	forecastops report pr --base $(BASE) --metrics $(SMOKE_REPORTS)/metrics.json \
	  --validation $(SMOKE_REPORTS)/data_validation.json \
	  --predictions $(SMOKE_REPORTS)/predictions.parquet \
	  --charts-dir $(SMOKE_REPORTS)/plots/compare --out $(PR_COMMENT)

install-cml: ## npm install -g --prefix $(TOOLS) @dvcorg/cml@$(CML_VERSION)
	npm install -g --prefix $(TOOLS) @dvcorg/cml@$(CML_VERSION)

pr-comment: ## post/update the PR comment with CML (needs REPO_TOKEN or GITHUB_TOKEN)
	$(CML) comment create --target=pr --watermark-title=$(CML_PR_WATERMARK) --update $(PR_COMMENT)

# A job summary cannot show the runner's files: the charts are uploaded first (CML's asset store,
# no token), so fork PRs, which get no comment, see them too.
pr-summary: install install-cml ## append the PR comment, charts uploaded, to the job summary
	forecastops report publish --in $(PR_COMMENT) --out $(PR_SUMMARY) --command '$(CML) asset publish'
	cat $(PR_SUMMARY) >> "$${GITHUB_STEP_SUMMARY:-/dev/stdout}"

dvc-pull: install ## data + cached stage outputs from the DVC remote (main.yml: may be incomplete)
	dvc pull --allow-missing

dvc-pull-pinned: install ## everything dvc.lock pins; fails if anything is missing on the remote
	dvc pull

verify-pinned: install ## fail unless the workspace is what git pins: nothing to reproduce, no diff
	@if dvc status -q $(PINNED_TARGETS); then echo "pipeline up to date with dvc.lock"; else \
	  echo "error: the pipeline is not what dvc.lock pins (this would retrain); retrain on main" \
	    "and merge the model-update PR first:" >&2; dvc status $(PINNED_TARGETS) >&2; exit 1; fi
	git diff --exit-code --stat -- $(PINNED_FILES)

repro: params-check ## reproduce the pipeline (only changed stages rerun)
	forecastops repro $(REPRO_FLAGS)

# main.yml's matrix: one self-hosted GPU runner job per region group (env.train_groups), each
# running train-stale for its REGIONS; the gather job's `dvc repro --pull` restores their stages.
train-matrix: install ## the region groups (env.train_groups) as workflow-matrix JSON -> GITHUB_OUTPUT
	@echo "groups=$$(forecastops train-groups)" >> "$${GITHUB_OUTPUT:-/dev/stdout}"

train-stale: params-check ## fit the stale regions of REGIONS (default: all) at once, then dvc repro
	forecastops train-stale $${REGIONS:+--regions "$$REGIONS"} $(REPRO_FLAGS)

dvc-push: install ## cache + run-cache -> DVC remote (the gather job restores stages from it)
	dvc push --run-cache

report-main: install ## metric diff of the workspace vs main's committed metrics, as a commit comment
	forecastops report diff --base $(MAIN_BASE) --head workspace --out $(MAIN_REPORT) \
	  --predictions 'models/{region}/test_predictions.parquet'
	$(CML) comment create --target=commit --watermark-title=$(CML_MAIN_WATERMARK) --update $(MAIN_REPORT)

# Opened with FORECASTOPS_PUSH_TOKEN as REPO_TOKEN (main.yml) so that pr.yml runs on it (the
# required `pr-check`); no [skip ci], which would skip pr.yml too. No loop: it touches only
# dvc.lock and reports/, which main.yml paths-ignores.
model-update-pr: ## open/refresh the "model update" PR with dvc.lock + metrics + data validation
	$(CML) pr create --title "Model update: $$(git rev-parse --short HEAD)" \
	  --body "Retrained by the main pipeline; metric diff: see the commit comment." \
	  --message "model update" dvc.lock reports/metrics.json reports/data_validation.json \
	  reports/live reports/plots $(SMOKE_REPORTS)

release-validate: verify-pinned ## release gate in the prod env -> $(RELEASE_REPORT) (no retraining)
	forecastops release params --out $(PROD_PARAMS)
	forecastops release validate --params $(PROD_PARAMS) --out $(RELEASE_REPORT)

# release.yml's validate job, always (also after a failure): the commit status check-ref requires
# in Actions (success only for a passing report about HEAD). Needs gh and GH_TOKEN (statuses: write).
release-status: install ## set the release commit status (registry.release_status) on HEAD from $(RELEASE_REPORT)
	forecastops release status --report $(RELEASE_REPORT)

release-summary: ## append $(RELEASE_REPORT) to the Actions job summary (what prod approvers see)
	{ echo '### Release validation'; echo '```json'; cat $(RELEASE_REPORT); echo '```'; } \
	  >> "$${GITHUB_STEP_SUMMARY:-/dev/stdout}"

release-record: install ## commit $(RELEASE_REPORT) at the validated commit ([skip ci]) and push it
	forecastops release record --report $(RELEASE_REPORT) --push

register: install ## GTO version at HEAD: release/X.Y -> vX.Y.<next patch> (VERSION= to force)
	forecastops registry register $(if $(VERSION),--version $(VERSION)) --push

promote: install ## assign $(STAGE) to the validated version at HEAD (or VERSION=) and push the tag
	forecastops registry promote $(VERSION) --stage $(STAGE) --push

rollback: install ## assign $(STAGE) to the previous version (or VERSION=) and push the tag
	forecastops registry rollback $(if $(VERSION),--to $(VERSION)) --stage $(STAGE) --push

registry-list: install ## versions, stages and release validation verdicts
	forecastops registry list

deploy-check: install ## the pushed tag must be the active, validated $(STAGE) assignment -> $(DEPLOYMENT)
	forecastops registry check-ref "$(DEPLOY_REF)" --stage $(STAGE) --out $(DEPLOYMENT)

deploy-pull: install ## the score inputs dvc.lock pins (features, models); fails if any is missing
	dvc pull $(DEPLOY_PULL)

deploy-score: PINNED_TARGETS = $(DEPLOY_PINNED)
deploy-score: verify-pinned ## score with the pulled models of the tagged version (never retrains)
	forecastops score --features artifacts/features --models models \
	  --deployment $(DEPLOYMENT) --out $(PUBLISHED)

deploy-publish: install ## $(PUBLISHED) -> DVC remote (content-addressed)
	dvc add $(PUBLISHED)
	dvc push $(PUBLISHED).dvc

lint-workflows: install ## workflow schema + zizmor (offline, auditor persona)
	check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	zizmor --offline --persona auditor .github/workflows

# Repository settings the flow relies on (branch protection, rulesets, environments, Actions
# defaults), from a file in the repository; run by an admin with `gh auth login` done.
REPO_SETTINGS ?= .github/repo-settings.yaml

repo-settings-dry-run: install ## print the gh api calls that apply $(REPO_SETTINGS) (changes nothing)
	forecastops repo-settings apply --file $(REPO_SETTINGS) --dry-run

repo-settings: install ## apply $(REPO_SETTINGS) with gh api (repository admin)
	forecastops repo-settings apply --file $(REPO_SETTINGS)
