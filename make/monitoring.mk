# Monitoring targets (monitor.yml; issue 9): each step of the workflow is one of these, so the loop
# "monitor -> alerts -> CML + webhook + retrain" can be rehearsed on a laptop.
.PHONY: extend-data monitor monitor-run alerts-check alerts-summary monitor-comment alerts-notify \
	retrain-dispatch notify-run

MONITORING ?= reports/monitoring.json
MONITOR_SUMMARY ?= reports/monitoring_summary.md
# Where the summary links the dashboard (monitor.yml: the run's page, where the artifact is).
MONITOR_LINK ?=
CML_MONITOR_WATERMARK ?= forecastops-monitor
# extend-data: new weeks after the default data's end, optionally with drift (conf/synth/drift/)
WEEKS ?= 8
DRIFT ?= none
# notify-run: a finished workflow run as an event (set by the workflow from its context)
RUN_NAME ?= pipeline
RUN_CONCLUSION ?= failure
RUN_URL ?=

extend-data: install ## the default data + $(WEEKS) new weeks, drift $(DRIFT) (rehearse monitoring)
	forecastops generate --out data synth.extend_weeks=$(WEEKS) synth/drift=$(DRIFT)

monitor-run: params-check ## dvc repro through monitor and dashboard (alerts never fail it)
	forecastops repro dashboard

monitor: monitor-run alerts-check ## monitor-run, then exit 3 on alerts at monitor.fail_on

alerts-check: install ## exit 3 when $(MONITORING) has alerts at monitor.fail_on
	forecastops alerts --report $(MONITORING) check

alerts-summary: install ## $(MONITOR_SUMMARY) + key plots for the CML comment
	forecastops alerts --report $(MONITORING) summary --out $(MONITOR_SUMMARY) \
	  $(if $(MONITOR_LINK),--link $(MONITOR_LINK))

monitor-comment: ## post/update the monitoring summary as a CML commit comment
	$(CML) comment create --target=commit --watermark-title=$(CML_MONITOR_WATERMARK) --update \
	  $(MONITOR_SUMMARY)

alerts-notify: install ## post the alerts to the webhook ($$FORECASTOPS_WEBHOOK_URL)
	forecastops alerts --report $(MONITORING) notify

retrain-dispatch: install ## repository_dispatch main.yml's retrain event (needs GITHUB_TOKEN)
	forecastops alerts --report $(MONITORING) dispatch

notify-run: install ## a finished run ($(RUN_NAME): $(RUN_CONCLUSION)) to the webhook
	forecastops alerts notify --event run-$(RUN_CONCLUSION) \
	  --title "$(RUN_NAME): $(RUN_CONCLUSION)" $(if $(RUN_URL),--line "$(RUN_URL)")
