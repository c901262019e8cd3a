"""The ensemble is chosen on validation weeks no model has seen: real torch on a tiny segment."""

import numpy as np
import pandas as pd
import pytest

from forecastops.config.load import section
from forecastops.config.sections.model import ModelConfig
from forecastops.errors import ForecastopsError
from forecastops.features.stage import featurize
from forecastops.modeling.components import fit_components
from forecastops.modeling.rows import hold_out_last_weeks, usable
from forecastops.modeling.shared import fit_shared_nn


@pytest.fixture(scope="module")
def region(weekly_table, local_params, cfgs):
    feat, seg, train = cfgs
    model = section(local_params, "model", ModelConfig)
    return featurize(weekly_table, feat, seg, train)["texas"], model, feat, train


@pytest.fixture(scope="module")
def segment(region):
    rows, model, feat, train = region
    key = sorted(rows["segment"].unique())[0]
    return rows[rows["segment"] == key], key, model, feat, train


def _poisoned(rows: pd.DataFrame) -> pd.DataFrame:
    """Every validation target made absurd: a model that learned from them would change."""
    out = rows.copy()
    val = out["split"] == "val"
    out.loc[val, "target"] = out.loc[val, "target"] * 50 + 1000
    return out


def test_validation_forecasts_do_not_depend_on_validation_actuals(segment, tmp_path):
    rows, key, model, feat, train = segment
    first = fit_components(rows, key, model, feat, train, tmp_path / "a")
    second = fit_components(_poisoned(rows), key, model, feat, train, tmp_path / "b")
    assert first.epochs == second.epochs
    np.testing.assert_array_equal(first.nn_val, second.nn_val)
    np.testing.assert_array_equal(first.lasso_val, second.lasso_val)


def test_early_stopping_watches_the_last_training_weeks(segment):
    rows, _, model, _, _ = segment
    train = usable(rows, "train")
    fit, stop = hold_out_last_weeks(train, model.nn.stop_weeks, "segment x")
    weeks = sorted(train["week_start"].unique())
    assert sorted(stop["week_start"].unique()) == weeks[-model.nn.stop_weeks :]
    assert fit["week_start"].max() < stop["week_start"].min()
    assert len(fit) + len(stop) == len(train)


def test_too_few_training_weeks_for_early_stopping_is_a_named_error(segment):
    rows, _, _, _, _ = segment
    train = usable(rows, "train")
    n_weeks = train["week_start"].nunique()
    with pytest.raises(ForecastopsError, match=r"segment x .*model\.nn\.stop_weeks"):
        hold_out_last_weeks(train, n_weeks, "segment x")


def test_the_region_shared_networks_never_see_validation_actuals(region, tmp_path):
    rows, model, feat, train = region
    first = fit_shared_nn(rows, "texas", model, feat, train, tmp_path / "a")
    second = fit_shared_nn(_poisoned(rows), "texas", model, feat, train, tmp_path / "b")
    pd.testing.assert_series_equal(first, second)
