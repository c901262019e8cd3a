"""The ensemble against its better component, beyond the noise of the test weeks."""

import numpy as np
import pandas as pd
import pytest

from forecastops.config.sections.report import BootstrapConfig
from forecastops.quality.versus import versus_better_component

BOOT = BootstrapConfig(resamples=400, seed=1, level=0.95, min_effect=0.01)


def _preds(segment: str, n_series: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2024-01-01", periods=13, freq="W-MON")
    idx = pd.MultiIndex.from_product([range(n_series), weeks], names=["store_id", "week_start"])
    frame = idx.to_frame(index=False)
    level = rng.uniform(5, 50, n_series)[frame["store_id"]]
    frame["actual"] = rng.poisson(level).astype(float)
    frame["lasso"] = level * 1.15  # consistently worse
    frame["nn"] = level
    frame["segment"], frame["product_id"] = segment, "p1"
    frame["baseline"], frame["mase_scale"] = level, 1.0
    return frame


def test_a_tie_is_unchanged_noise_is_noise_and_a_real_gap_is_worse():
    same = _preds("r/large/fast", 60, 0).assign(ensemble=lambda f: f["nn"])
    noisy = _preds("r/large/slow", 60, 1)
    noisy["ensemble"] = noisy["nn"] * (1 + np.random.default_rng(2).normal(0, 0.01, len(noisy)))
    bad = _preds("r/small/fast", 60, 3).assign(ensemble=lambda f: f["nn"] * 1.3)
    out = versus_better_component(pd.concat([same, noisy, bad], ignore_index=True), BOOT)
    assert out["r/large/fast"]["component"] == "nn"
    assert out["r/large/fast"]["verdict"] == "unchanged"
    assert out["r/large/slow"]["verdict"] == "within noise"
    assert out["r/small/fast"]["verdict"] == "worse"
    assert out["r/small/fast"]["low"] > 0
    assert out["overall"]["component"] == "per segment"


def test_the_better_component_is_picked_per_segment():
    frame = _preds("r/large/fast", 30, 4)
    frame["lasso"], frame["nn"] = frame["nn"], frame["lasso"]  # now LASSO is the better one
    out = versus_better_component(frame.assign(ensemble=frame["lasso"]), BOOT)
    assert out["r/large/fast"]["component"] == "lasso"
    assert out["r/large/fast"]["wape_delta"] == 0


def _wape(frame: pd.DataFrame, column: str) -> float:
    return float((frame[column] - frame["actual"]).abs().sum() / frame["actual"].sum())


def test_a_class_row_pools_its_segments_each_against_its_own_better_component():
    large = _preds("r/large/fast", 40, 5).assign(ensemble=lambda f: f["nn"] * 1.3)
    small = _preds("r/small/fast", 40, 7)
    small["lasso"], small["nn"] = small["nn"], small["lasso"]  # here LASSO is the better one
    small["ensemble"] = small["lasso"] * 1.1
    slow = _preds("r/large/slow", 40, 6).assign(ensemble=lambda f: f["nn"])
    out = versus_better_component(pd.concat([large, small, slow], ignore_index=True), BOOT)
    # the class: the ensemble's WAPE over both segments' rows minus that of NN's forecasts for
    # r/large/fast and LASSO's for r/small/fast, by hand
    pooled = pd.concat([large, small], ignore_index=True)
    pooled["better"] = pd.concat([large["nn"], small["lasso"]], ignore_index=True)
    expected = _wape(pooled, "ensemble") - _wape(pooled, "better")
    assert out["fast movers"]["wape_delta"] == pytest.approx(expected, rel=1e-9)
    assert out["fast movers"]["wape_delta"] not in (
        out["r/large/fast"]["wape_delta"],
        out["r/small/fast"]["wape_delta"],
    )
    assert out["fast movers"]["verdict"] == "worse" and out["slow movers"]["verdict"] == "unchanged"
    assert out["fast movers"]["component"] == "per segment"
