"""Accuracy as actuals arrive: archived forecasts matched with their actuals, against a hand
computation on a tiny case; stale models at 59 vs 61 days (issue 9)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from forecastops.config.compose import compose
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.monitor import AccuracyConfig, StaleConfig
from forecastops.monitoring import accuracy, resources, stale

REPO = Path(__file__).resolve().parents[2]
SEGMENT = "texas/large/fast"
W = [pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=k) for k in range(-3, 2)]  # 3 known, 2 new


def _history() -> pd.DataFrame:
    """Targets (and lag_4) of two series: three weeks before the forecasts, then the actuals."""
    rows = []
    for store, targets, lags in (("S1", [10, 20, 30, 10, 20], [8, 12, 25, 9, 9]),
                                 ("S2", [0, 4, 2, 0, 4], [1, 0, 3, 2, 2])):  # fmt: skip
        for week, target, lag in zip(W, targets, lags, strict=True):
            rows.append({"store_id": store, "product_id": "P1", "week_start": week,
                         "target": float(target), "lag_4": float(lag), "segment": SEGMENT})  # fmt: skip
    return pd.DataFrame(rows)


def _forecasts(values: dict[str, list[float]], version: str = "m1") -> pd.DataFrame:
    rows = []
    for store, forecasts in values.items():
        for week, f in zip(W[3:], forecasts, strict=True):
            rows.append({"segment": SEGMENT, "store_id": store, "product_id": "P1",
                         "week_start": str(week.date()), "forecast": f, "lasso": f, "nn": f,
                         "p10": f / 2, "p50": f, "p90": 2 * f, "model_version": version,
                         "data_version": "dvc:abc"})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture
def cfgs() -> tuple[EvaluateConfig, AccuracyConfig]:
    params = compose([], REPO / "conf")
    return (
        EvaluateConfig.model_validate(params["evaluate"]),
        AccuracyConfig.model_validate(params["monitor"]["accuracy"]),
    )


def test_matches_a_hand_computation(cfgs):
    log = accuracy.archive(None, _forecasts({"S1": [12, 18], "S2": [1, 5]}))
    rows = accuracy.matched(log, _history(), horizon=4)
    assert len(rows) == 4
    # references known at the origin 2026-01-05: S1 mean 20 / last 30, S2 mean 2 / last 2
    s1 = rows[rows["store_id"] == "S1"]
    assert set(s1["baseline"]) == {20.0} and set(s1["naive"]) == {30.0}
    # MASE scale: mean |target - lag_4| before the origin = (2 + 8 + 5 + 1 + 4 + 1) / 6
    assert list(rows["mase_scale"]) == pytest.approx([3.5] * 4)
    blocks, alerts = accuracy.segments(rows, cfgs[0], {}, cfgs[1])
    b = blocks[SEGMENT]
    # actuals [10, 20, 0, 4], forecasts [12, 18, 1, 5]
    assert b["mape"] == pytest.approx((0.2 + 0.1 + 0.25) / 3)
    assert b["wape"] == pytest.approx(6 / 34)
    assert b["bias"] == pytest.approx(2 / 34)
    assert b["rmse_all"] == pytest.approx((10 / 4) ** 0.5)
    assert b["rmse_0"] == pytest.approx(1.0)
    assert b["mase"] == pytest.approx(1.5 / 3.5)
    assert b["baseline_mape"] == pytest.approx((1 + 0 + 0.5) / 3)
    assert b["gate"]["passed"] and b["weeks"] == 2 and not alerts
    weekly = {w["week_start"]: w for w in accuracy.weekly(rows)}
    assert weekly["2026-01-05"]["mape"] == pytest.approx(0.2)
    assert weekly["2026-01-05"]["wape"] == pytest.approx(3 / 10)
    assert weekly["2026-01-12"]["mape"] == pytest.approx((0.1 + 0.25) / 2)


def test_failing_the_gate_alerts_and_degradation_escalates(cfgs):
    log = accuracy.archive(None, _forecasts({"S1": [30, 40], "S2": [9, 12]}))
    rows = accuracy.matched(log, _history(), horizon=4)
    _, (warned,) = accuracy.segments(rows, cfgs[0], {SEGMENT: {"mape": 1.5}}, cfgs[1])
    assert (warned.level, warned.kind, warned.figure) == ("warn", "accuracy", "mape")
    _, (alerted,) = accuracy.segments(rows, cfgs[0], {SEGMENT: {"mape": 0.2}}, cfgs[1])
    assert alerted.level == "alert" and "test mape 0.2000" in alerted.message


def test_archive_keeps_every_version_and_replaces_a_rerun():
    first = _forecasts({"S1": [12, 18]})
    log = accuracy.archive(accuracy.archive(None, first), _forecasts({"S1": [11, 17]}))
    assert len(log) == 2 and list(log["forecast"]) == [11, 17]
    log = accuracy.archive(log, _forecasts({"S1": [1, 1]}, version="m2"))
    assert sorted(log["model_version"].unique()) == ["m1", "m2"] and len(log) == 4


CFG = StaleConfig(max_age_days=60, level="alert", reference_date=None)


@pytest.mark.parametrize(("days", "is_stale"), [(59, False), (60, False), (61, True)])
def test_stale_at_59_vs_61_days(days, is_stale):
    scoring = dt.date(2026, 11, 24)
    rows, alerts = stale.stale_models({"m": scoring - dt.timedelta(days=days)}, scoring, CFG)
    assert rows == [{"model_version": "m", "trained_on": str(scoring - dt.timedelta(days=days)),
                     "age_days": days, "stale": is_stale}]  # fmt: skip
    assert bool(alerts) is is_stale
    if alerts:
        assert (alerts[0].level, alerts[0].value, alerts[0].threshold) == ("alert", 61.0, 60.0)


def test_training_dates_from_lineage(git_repo, tmp_path):
    """A registered version: its commit's date; workspace models: the last train@ run recorded."""
    env = {"GIT_COMMITTER_DATE": "2026-09-01T12:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "model"], cwd=git_repo, env={**os.environ, **env}, check=True)  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=git_repo, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    version = f"forecaster@v1.0.0 ({commit[:12]})"
    assert stale.training_date(version, {}, git_repo) == dt.date(2026, 9, 1)
    log = tmp_path / "r.jsonl"
    for stage, when in (("train@texas", "2026-10-02T08:00:00+00:00"), ("score", "2026-11-20T08:00:00+00:00")):  # fmt: skip
        resources.append({"stage": stage, "ok": True, "finished_at": when}, log)
    assert stale.training_date("workspace:abc", resources.latest(log), git_repo) == dt.date(
        2026, 10, 2
    )
    assert stale.training_date("workspace:abc", {}, git_repo) is None
    assert json.loads(log.read_text().splitlines()[0])["stage"] == "train@texas"
