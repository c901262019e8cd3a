"""``reports/monitoring_data.json``: what the monitor finds in the data alone, drift of the
features and quality of the newest weeks, with their alerts.

It is a stage of its own (``monitor_data``) because it reads only data: after a change of models
(one region retrained) DVC skips it, and the ``monitor`` stage, which judges the models, reads it
back (``inputs.read_data_report``) instead of recomputing it: drift over every region was most of
the monitor's time at scale.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from forecastops.config.sections.monitor import MonitorConfig
from forecastops.config.sections.validation import ValidationConfig
from forecastops.monitoring import drift, quality
from forecastops.monitoring.alerts import Alert


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
    features: pd.DataFrame,
    table: pd.DataFrame,
    cfg: MonitorConfig,
    rules: ValidationConfig,
    today: dt.date,
) -> dict:
    """Drift, then quality; ``today`` stands in where the validation rules configure no date."""
    drift_part, alerts = drift_section(features, cfg)
    checked = quality.check_quality(table, rules, cfg.current_weeks, today)
    alerts += quality.quality_alerts(checked, cfg.quality)
    return {"drift": drift_part, "quality": checked, "alerts": [a.as_dict() for a in alerts]}
