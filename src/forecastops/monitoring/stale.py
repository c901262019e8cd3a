"""Stale models: a model trained more than ``monitor.stale.max_age_days`` before the scoring date.

A model version's training date is where its lineage says it was made: a registered version
(``forecaster@vX.Y.Z (commit)``, as ``score`` stamps it) was trained for the commit it is
registered at, so its commit date; models of the workspace (``workspace:<hash>``) were trained by
the last ``train@*`` run the stages recorded (``monitoring.resources``).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from forecastops.config.sections.monitor import StaleConfig
from forecastops.monitoring.alerts import Alert

COMMIT = re.compile(r"\(([0-9a-f]{7,40})\)\s*$")


def commit_date(commit: str, repo: Path) -> dt.date | None:
    """The committer date of ``commit``; None when git does not know it (a shallow clone)."""
    out = subprocess.run(
        ["git", "show", "-s", "--format=%cs", commit],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return dt.date.fromisoformat(out.stdout.strip()) if out.returncode == 0 else None


def training_date(version: str, records: dict[str, dict], repo: Path) -> dt.date | None:
    """When ``version`` was trained (see the module docstring); None when nothing says."""
    registered = COMMIT.search(version)
    if registered:
        return commit_date(registered.group(1), repo)
    runs = [
        r["finished_at"] for name, r in records.items() if name.startswith("train@") and r["ok"]
    ]
    return dt.datetime.fromisoformat(max(runs)).date() if runs else None


def stale_models(
    trained: dict[str, dt.date | None], scoring_date: dt.date, cfg: StaleConfig
) -> tuple[list[dict], list[Alert]]:
    """Each version's age in days at ``scoring_date``; older than ``max_age_days`` is stale."""
    rows, alerts = [], []
    for version, date in sorted(trained.items()):
        age = None if date is None else (scoring_date - date).days
        stale = age is not None and age > cfg.max_age_days
        rows.append(
            {
                "model_version": version,
                "trained_on": None if date is None else date.isoformat(),
                "age_days": age,
                "stale": stale,
            }
        )
        if stale:
            alerts.append(
                Alert(
                    cfg.level,
                    "stale",
                    None,
                    "age_days",
                    float(age),
                    float(cfg.max_age_days),
                    f"model {version} was trained {age} days before {scoring_date} "
                    f"(max {cfg.max_age_days}): retrain",
                )
            )
    return rows, alerts
