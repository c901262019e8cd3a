"""Behavioural tests of the trained ensemble: invariance, directional expectation, minimum
functionality (the checklist Made-With-ML applies to models), on tiny data with real training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecastops.config.load import section
from forecastops.config.sections.executor import LocalExecutor
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.exec.store import WorkStore
from forecastops.features.stage import featurize
from forecastops.modeling.ensemble import predict_segment, segment_dir
from forecastops.modeling.rows import usable
from forecastops.quality import metrics
from forecastops.stages.train import train_region


def _configs(local_params):
    train = section(local_params, "train", TrainConfig)
    return (
        section(local_params, "features", FeaturesConfig),
        section(local_params, "segments", SegmentsConfig),
        train,
        section(local_params, "model", ModelConfig),
    )


def _train(table: pd.DataFrame, local_params, out):
    feat, seg, train, model = _configs(local_params)
    features = featurize(table, feat, seg, train)["texas"]
    in_process = LocalExecutor(kind="local", n_jobs=1)
    store = WorkStore(out.parent / "work")
    preds, _, _ = train_region(features, "texas", seg, (model, feat, train), out, in_process, store)
    return features, preds


@pytest.fixture(scope="module")
def texas(weekly_table, local_params, tmp_path_factory):
    out = tmp_path_factory.mktemp("behaviour") / "texas"
    features, preds = _train(weekly_table, local_params, out)
    return features, preds, out


def test_training_is_invariant_to_row_order(weekly_table, local_params, texas, tmp_path):
    _, preds, _ = texas
    shuffled = weekly_table.sample(frac=1.0, random_state=7).reset_index(drop=True)
    _, again = _train(shuffled, local_params, tmp_path / "texas")
    pd.testing.assert_frame_equal(preds, again)


def test_forecasts_do_not_depend_on_the_order_of_rows_scored(texas):
    features, _, out = texas
    rows = usable(features, "test")
    rows = rows[rows["segment"] == "texas/large/fast"]
    model = segment_dir(out, "texas/large/fast")
    key = ["store_id", "product_id", "week_start"]
    a = predict_segment(model, rows).sort_values(key).reset_index(drop=True)
    b = predict_segment(model, rows.iloc[::-1]).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_a_promotion_raises_the_forecast(texas):
    """Directional expectation: the fixture's promotions lift demand, so a promoted week must be
    forecast higher than the same week without the promotion."""
    features, _, out = texas
    rows = usable(features, "test")
    rows = rows[rows["segment"] == "texas/large/fast"]
    model = segment_dir(out, "texas/large/fast")
    off = predict_segment(model, rows.assign(promo_discount=0.0))["ensemble"].to_numpy()
    on = predict_segment(model, rows.assign(promo_discount=0.4))["ensemble"].to_numpy()
    assert (on >= off - 1e-9).mean() > 0.95
    assert on.sum() > 1.05 * off.sum()


def _seasonal_table(weekly_table: pd.DataFrame) -> pd.DataFrame:
    """The fixture's layout with demand a pure yearly cycle: no noise, no promotions."""
    table = weekly_table.copy()
    woy = table["week_start"].dt.isocalendar().week.to_numpy().astype(float)
    demand = np.round(40 * (1 + 0.5 * np.sin(2 * np.pi * woy / 52)))
    future = table["is_future"].to_numpy()
    for col in ("units_shipped", "net_demand"):
        table[col] = np.where(future, np.nan, demand)
    table["units_returned"] = np.where(future, np.nan, 0.0)
    table["promo_discount"] = 0.0
    return table


def test_minimum_functionality_on_a_pure_seasonal_series(weekly_table, local_params, tmp_path):
    _, preds = _train(_seasonal_table(weekly_table), local_params, tmp_path / "texas")
    wape = metrics.wape(preds["actual"], preds["ensemble"])
    assert wape < 0.10, wape
    assert wape < 0.5 * metrics.wape(preds["actual"], preds["baseline"])
