# The data scientist's loop (README "Experiments and tuning"): every setting an experiment or a
# search changes is written into conf/; DVC runs, records and compares. Uses VENV/BIN from the Makefile.
.PHONY: exp-show tune
REGION ?=
TUNE_ARGS ?=
# columns exp-show keeps even where every experiment agrees (DVC's --keep: regexes)
EXP_KEEP ?= ^overall\.

exp-show: install ## experiments side by side: the overall metrics, and the params and metrics that differ
	dvc exp show --only-changed --keep '$(EXP_KEEP)'

tune: install ## REGION's overrides searched on its validation weeks; winner into conf/ (TUNE_ARGS: tune.*)
	@test -n "$(REGION)" || { echo "usage: make tune REGION=texas [TUNE_ARGS='tune.method=random']" >&2; exit 2; }
	forecastops repro featurize
	forecastops tune --region $(REGION) $(TUNE_ARGS)
