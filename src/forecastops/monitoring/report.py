"""``reports/monitoring.json``: drift, data quality, accuracy on actuals and stale models, with one
``alerts`` list over all of them (``monitoring.alerts``); and the resources of the last run.

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
from forecastops.config.sections.validation import ValidationConfig
from forecastops.monitoring import accuracy, drift, quality, stale
from forecastops.monitoring.alerts import Alert, summary


@dataclass(frozen=True)
class Inputs:
    """Everything the monitor reads, already loaded."""

    features: pd.DataFrame  # every region's features (history and future rows)
    table: pd.DataFrame  # the conditioned weekly table (before validation's actions)
    log: pd.DataFrame  # the forecast log, the latest forecasts included
    forecasts: pd.DataFrame  # the latest forecasts (their model versions are scoring now)
    tested: dict  # metrics.json "segments": each segment's test figures
    records: dict[str, dict]  # resources: the last record of each stage
    repo: Path


def drift_section(features: pd.DataFrame, cfg: MonitorConfig) -> tuple[dict, list[Alert]]:
    """Drift over all rows per feature, then per segment for ``drift.per_segment``."""
    train, cur = drift.windows(features, cfg.current_weeks)
    ref = drift.seasonal(train, cur) if cfg.drift.reference == "seasonal" else train
    features = [*cfg.drift.numeric, *cfg.drift.categorical]
    overall = drift.compare(ref, cur, features, cfg.drift, cfg.drift.min_rows)
    overall |= drift.novelty(train, cur, cfg.drift.novel)
    alerts = drift.drift_alerts(overall, cfg.drift)
    per_segment = {}
    ref_by = dict(tuple(ref.groupby("segment", sort=True)))
    for segment, rows in cur.groupby("segment", sort=True):
        reference = ref_by.get(segment, ref.iloc[:0])
        found = drift.compare(
            reference, rows, cfg.drift.per_segment, cfg.drift, cfg.drift.segment_min_rows
        )
        per_segment[str(segment)] = found
        alerts += drift.drift_alerts(found, cfg.drift, str(segment))
    weeks = sorted(cur["week_start"].unique())
    window = {
        "current_weeks": [str(pd.Timestamp(w).date()) for w in (weeks[0], weeks[-1])],
        "reference": cfg.drift.reference,
        "reference_weeks": int(ref["week_start"].nunique()),
    }
    return {"window": window, "features": overall, "segments": per_segment}, alerts


def build(
    data: Inputs,
    cfg: MonitorConfig,
    rules: ValidationConfig,
    gate: EvaluateConfig,
    horizon: int,
    today: dt.date,
) -> dict:
    """The monitoring report; ``today`` stands in where a date is not configured."""
    drift_part, alerts = drift_section(data.features, cfg)
    checked = quality.check_quality(data.table, rules, cfg.current_weeks, today)
    alerts += quality.quality_alerts(checked, cfg.quality)
    history = data.features[data.features["split"] != "future"]
    rows = accuracy.matched(data.log, history, horizon)
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
        "drift": drift_part,
        "quality": checked,
        "accuracy": {
            "matched_rows": len(rows),
            "segments": by_segment,
            "weekly": accuracy.weekly(rows) if len(rows) else [],
        },
        "stale": {"scoring_date": scoring.isoformat(), "models": models},
    }
