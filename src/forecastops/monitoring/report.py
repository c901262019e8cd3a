"""``reports/monitoring.json``: drift, data quality, accuracy on actuals and stale models, with one
``alerts`` list over all of them (``monitoring.alerts``); and the resources of the last run.
Drift and quality come from the data report (``data_report``), its own stage upstream.

The report is a DVC metric, hashed into dvc.lock, so it holds only what the inputs determine: the
same data and models give the same bytes (issue 7's reproducible dvc.lock). Resources, different on
every run by nature, go to their own report beside it (``resources.summary``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.monitor import MonitorConfig
from forecastops.monitoring import accuracy, stale
from forecastops.monitoring.alerts import Alert, summary


@dataclass(frozen=True)
class Inputs:
    """Everything the monitor reads, already loaded."""

    history: pd.DataFrame  # every region's history rows: the actuals, and what was known when
    data_report: dict  # monitor_data's drift and quality
    data_alerts: list[Alert]  # and their alerts, checked back into shape
    log: pd.DataFrame  # the forecast log, the latest forecasts included
    forecasts: pd.DataFrame  # the latest forecasts (their model versions are scoring now)
    tested: dict  # metrics.json "segments": each segment's test figures
    records: dict[str, dict]  # resources: the last record of each stage
    repo: Path


def build(
    data: Inputs,
    cfg: MonitorConfig,
    gate: EvaluateConfig,
    horizon: int,
    today: dt.date,
) -> dict:
    """The monitoring report; ``today`` stands in where a date is not configured."""
    alerts = list(data.data_alerts)
    rows = accuracy.matched(data.log, data.history, horizon)
    by_segment, found = accuracy.segments(rows, gate, data.tested, cfg.accuracy)
    alerts += found
    scoring = cfg.stale.reference_date or today
    versions = sorted(data.forecasts["model_version"].unique())
    trained = {v: stale.training_date(v, data.records, data.repo) for v in versions}
    models, found = stale.stale_models(trained, scoring, cfg.stale)
    alerts += found
    listed = [a.as_dict() for a in alerts]
    return {
        "summary": summary(listed) | {"fail_on": cfg.fail_on},
        "alerts": listed,
        "drift": data.data_report["drift"],
        "quality": data.data_report["quality"],
        "accuracy": {
            "matched_rows": len(rows),
            "segments": by_segment,
            "weekly": accuracy.weekly(rows) if len(rows) else [],
        },
        "stale": {"scoring_date": scoring.isoformat(), "models": models},
    }
