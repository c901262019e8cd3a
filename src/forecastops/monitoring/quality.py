"""Data quality of the newest weeks: the validation rules (``conf/validation``), run again by
``forecastops.data.validate.stage.validate`` on just those weeks of the conditioned table.

Missing values, out-of-range values, unknown stores and products, missing store-weeks (feed
outages) and late data (``stale_data``) are the rules' own findings; nothing is checked twice.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from forecastops.config.sections.monitor import QualityConfig
from forecastops.config.sections.validation import ValidationConfig
from forecastops.data.table import history_rows
from forecastops.data.validate.stage import validate
from forecastops.monitoring.alerts import Alert


def latest_weeks(table: pd.DataFrame, current_weeks: int) -> pd.DataFrame:
    """The rows of the table's last ``current_weeks`` history weeks (future rows left out)."""
    history = table[history_rows(table)]
    weeks = sorted(history["week_start"].unique())[-current_weeks:]
    return history[history["week_start"].isin(weeks)].reset_index(drop=True)


def check_quality(
    table: pd.DataFrame, rules: ValidationConfig, current_weeks: int, today: dt.date | None = None
) -> dict:
    """The validation report of the newest weeks: each rule's violations and examples."""
    window = latest_weeks(table, current_weeks)
    _, report, _ = validate(window, rules, today)
    weeks = sorted(window["week_start"].unique())
    report["summary"]["weeks"] = [str(pd.Timestamp(w).date()) for w in (weeks[0], weeks[-1])]
    return report


def quality_alerts(report: dict, cfg: QualityConfig) -> list[Alert]:
    """One alert per rule with violations, at the level its severity maps to."""
    alerts = []
    for name, entry in report.items():
        if name == "summary" or not entry["violations"]:
            continue
        level = cfg.levels.get(entry["severity"])
        if level:
            alerts.append(
                Alert(
                    level,
                    "quality",
                    None,
                    f"violations({name})",
                    float(entry["violations"]),
                    0.0,
                    f"{name}: {entry['violations']} violation(s) in the latest weeks: "
                    f"{entry['description']}",
                )
            )
    return alerts
