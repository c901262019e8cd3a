"""Drift and data quality of new weeks: found when injected, quiet when not (issue 9).

Each case is the committed sample's world extended by 8 weeks (fixed seeds), run through the real
condition, validate and featurize stages, then monitored against its training window.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecastops import cli
from forecastops.config.compose import compose, dump
from forecastops.config.sections.monitor import DriftConfig
from forecastops.monitoring import drift
from forecastops_synth.generate import generate, load_config

REPO = Path(__file__).resolve().parents[2]
CASES = {
    "quiet": [],
    "demand_shift": ["synth/drift=demand_shift"],
    "weather_anomaly": ["synth/drift=weather_anomaly"],
    "feed_outage": ["synth/drift=feed_outage"],
    "new_products": ["synth/drift=new_products"],
}


@pytest.fixture(scope="module")
def params(tmp_path_factory) -> dict:
    return compose(["env=local"], REPO / "conf")


@pytest.fixture(scope="module")
def monitored(tmp_path_factory, params) -> dict[str, tuple[list, dict]]:
    """Per case: (drift + quality alerts as dicts, the quality report)."""
    root = tmp_path_factory.mktemp("drift")
    (root / "params.yaml").write_text(dump(params))
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECASTOPS_RESOURCES", str(root / "resources.jsonl"))
        for name, drift_args in CASES.items():
            case = root / name
            generate(
                load_config(["synth=sample", "synth.extend_weeks=8", *drift_args]), case / "raw"
            )
            p = str(root / "params.yaml")
            assert (
                cli.main(
                    [
                        "condition",
                        "--params",
                        p,
                        "--data",
                        str(case / "raw"),
                        "--out",
                        str(case / "c.parquet"),
                    ]
                )
                == 0
            )
            assert (
                cli.main(
                    [
                        "validate",
                        "--params",
                        p,
                        "--in",
                        str(case / "c.parquet"),
                        "--out",
                        str(case / "v.parquet"),
                        "--report",
                        str(case / "v.json"),
                    ]
                )
                == 0
            )
            assert (
                cli.main(
                    [
                        "featurize",
                        "--params",
                        p,
                        "--in",
                        str(case / "v.parquet"),
                        "--out",
                        str(case / "f"),
                    ]
                )
                == 0
            )
            # the real stage: only the columns monitor.drift names are read from the features
            out_file = case / "monitoring_data.json"
            args = ["--params", p, "--table", str(case / "c.parquet")]
            args += ["--features", str(case / "f"), "--out", str(out_file)]
            assert cli.main(["monitor-data", *args]) == 0
            report = json.loads(out_file.read_text())
            out[name] = (report["alerts"], report["quality"])
    return out


def _alerts(alerts: list[dict], figure: str, level: str = "alert", region: str | None = None):
    return [
        a
        for a in alerts
        if a["figure"] == figure
        and a["level"] == level
        and (region is None or (a["segment"] or "").startswith(f"{region}/"))
    ]


def test_demand_shift_found_in_its_region_only(monitored):
    alerts, _ = monitored["demand_shift"]
    assert _alerts(alerts, "psi(target)", region="texas")
    assert not _alerts(alerts, "psi(target)", region="northeast")


def test_quiet_without_injected_drift(monitored):
    """No alert on the figures each injected kind raises (the sample's 2 regions make 8 weeks of
    weather too few values for PSI, so weather is judged by the KS statistic)."""
    alerts, _ = monitored["quiet"]
    for figure in ("psi(target)", "ks(target)", "psi(lag_4)", "ks(temperature_c)"):
        assert not _alerts(alerts, figure), figure
    assert not [a for a in alerts if a["figure"].startswith("new_share")]


def test_weather_anomaly_found(monitored):
    assert _alerts(monitored["weather_anomaly"][0], "ks(temperature_c)")
    assert _alerts(monitored["weather_anomaly"][0], "ks(temp_anomaly)")


def test_new_product_family_found(monitored):
    (alert,) = _alerts(monitored["new_products"][0], "new_share(product_id)")
    assert alert["value"] >= 0.05 and "product_id" in alert["message"]


def test_feed_outage_found_by_the_validation_rule(monitored):
    """The missing store-weeks are the validation rule's findings (run again on the new weeks)."""
    quiet = monitored["quiet"][1]["missing_weeks"]["violations"]
    outage = monitored["feed_outage"][1]
    # conf/synth/drift/feed_outage.yaml: 2 weeks of every northeast store
    assert outage["missing_weeks"]["violations"] >= quiet + 2 * 4
    assert outage["summary"]["weeks"][1] > outage["summary"]["weeks"][0]
    (alert,) = _alerts(monitored["feed_outage"][0], "violations(missing_weeks)", "warn")
    assert alert["kind"] == "quality"


def test_psi_and_ks_on_known_samples():
    cfg = DriftConfig.model_validate(compose([], REPO / "conf")["monitor"]["drift"])
    rng = np.random.default_rng(7)
    ref = rng.normal(0, 1, 20000)
    same = drift.numeric_drift(ref, rng.normal(0, 1, 5000), cfg)
    moved = drift.numeric_drift(ref, rng.normal(0.5, 1, 5000), cfg)
    assert same["psi"] < 0.02 and same["ks"] < 0.04
    # N(0,1) vs N(0.5,1): KS D = 2 * Phi(0.25) - 1 = 0.197; PSI of a half-sd shift ~ 0.25
    assert moved["ks"] == pytest.approx(0.197, abs=0.03)
    assert 0.18 < moved["psi"] < 0.32
    cats = drift.categorical_drift(
        pd.Series(["a"] * 500 + ["b"] * 500), pd.Series(["a"] * 100 + ["b"] * 400), cfg
    )
    assert cats["chi2_p"] < 1e-6 and cats["cramers_v"] > 0.2


def test_latest_weeks_are_history_weeks_and_fewer_when_history_is_short():
    """monitor_data reads the table from the first of these weeks: a history shorter than
    ``monitor.current_weeks`` gives all of it, not an IndexError."""
    weeks = pd.date_range("2026-01-05", periods=5, freq="W-MON")
    features = pd.DataFrame(
        {"week_start": weeks, "split": ["train", "train", "val", "future", "future"]}
    )
    assert list(drift.latest_weeks(features, 2)) == list(weeks[1:3])
    assert list(drift.latest_weeks(features, 13)) == list(weeks[:3])
