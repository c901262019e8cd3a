"""Model inputs from conf/features: covariates reach the design matrix, a declared column the
table lacks is named by featurize (unknown names fail at compose already: test_config), empty
numeric inputs are handled once, and the velocity cut may be relative to the data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from forecastops.config.sections.segments import QuantileCut
from forecastops.errors import ForecastopsError
from forecastops.features.build import build_features
from forecastops.features.columns import numeric_columns
from forecastops.features.stage import featurize
from forecastops.modeling.design import Design


def _with_covariates(table: pd.DataFrame) -> pd.DataFrame:
    """Open days per store-week (a numeric covariate) and a store type (a categorical one)."""
    week = table["week_start"].dt.isocalendar().week.to_numpy()
    open_days = np.where(week % 5 == 0, 5.0, 7.0)
    store_type = np.where(table["store_id"].isin(["S001", "S003"]), "a", "b")
    return table.assign(open_days=open_days, store_type=pd.Series(store_type, dtype="str"))


def test_covariates_reach_the_design_matrix(weekly_table, cfgs):
    feat, seg, train = cfgs
    feat = feat.model_copy(
        update={
            "numeric_exogenous": [*feat.numeric_exogenous, "open_days"],
            "categoricals": [*feat.categoricals, "store_type"],
        }
    )
    parts = featurize(_with_covariates(weekly_table), feat, seg, train)
    rows = parts["northeast"]
    rows = rows[(rows["segment"] == rows["segment"].iloc[0]) & (rows["split"] == "train")]
    assert set(rows["open_days"]) == {5.0, 7.0} and set(rows["store_type"]) <= {"a", "b"}
    numeric = numeric_columns(feat, train.horizon_weeks)
    design = Design.fit(rows, numeric, feat.categoricals)
    column = design.numeric_matrix(rows)[:, numeric.index("open_days")]
    assert len(set(np.round(column, 6))) == 2  # standardised, two distinct values: it is used
    assert design.vocab["store_type"] and design.category_codes(rows)[:, -1].min() >= 1


def test_a_declared_input_missing_from_the_table_is_named(weekly_table, cfgs):
    feat, seg, train = cfgs
    for key, name in (("numeric_exogenous", "open_days"), ("categoricals", "store_type")):
        update = {key: [*getattr(feat, key), name]}
        with pytest.raises(
            ForecastopsError, match=f"columns \\['{name}'\\] named in conf/features"
        ):
            featurize(weekly_table, feat.model_copy(update=update), seg, train)


def test_an_all_empty_numeric_input_is_reported_once_and_fits_quietly(weekly_table, cfgs, capsys):
    feat, seg, train = cfgs
    dry = weekly_table.assign(precipitation_mm=np.nan)
    numeric = numeric_columns(feat, train.horizon_weeks)

    def fit_every_segment(features: pd.DataFrame) -> None:
        for _, rows in features[features["split"] == "train"].groupby("segment"):
            Design.fit(rows, numeric, feat.categoricals)

    with warnings.catch_warnings():  # Design.fit scales an all-empty column by 1, quietly
        warnings.simplefilter("error")
        fit_every_segment(build_features(dry, feat, seg, train))
    parts = featurize(dry, feat, seg, train)
    out = capsys.readouterr().out
    assert out.count("precipitation_mm has no value in any segment: a constant 0 there") == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_every_segment(pd.concat(parts.values()))
    assert all((part["precipitation_mm"] == 0).all() for part in parts.values())


def test_a_gap_in_some_segments_is_filled_there_only(weekly_table, cfgs, capsys):
    feat, seg, train = cfgs
    table = weekly_table.copy()
    table.loc[table["region"] == "texas", "temperature_c"] = np.nan
    parts = featurize(table, feat, seg, train)
    assert (
        "temperature_c has no value in 4 of 8 segments (texas/large/fast" in capsys.readouterr().out
    )
    assert (parts["texas"]["temperature_c"] == 0).all()
    assert parts["northeast"]["temperature_c"].equals(
        build_features(table, feat, seg, train)
        .query("region == 'northeast'")["temperature_c"]
        .reset_index(drop=True)
    )


def _series_velocity(features: pd.DataFrame) -> pd.Series:
    return features.groupby(["store_id", "product_id"])["velocity"].first()


def test_velocity_cut_relative_to_the_data(weekly_table, cfgs, capsys):
    feat, seg, train = cfgs
    relative = seg.model_copy(
        update={
            "velocity": seg.velocity.model_copy(update={"threshold": QuantileCut(quantile=0.75)})
        }
    )
    labels = _series_velocity(pd.concat(featurize(weekly_table, feat, relative, train).values()))
    assert (labels == "fast").sum() == len(labels) // 4  # a quarter of the series fast
    assert "fast at or above" in (out := capsys.readouterr().out)
    assert "quantile 0.75 of 48 series' training-era means" in out
    # the same sales in cents: a fixed threshold makes every series fast, the quantile does not move
    cents = weekly_table.assign(net_demand=weekly_table["net_demand"] * 100)
    scaled = _series_velocity(pd.concat(featurize(cents, feat, relative, train).values()))
    assert scaled.equals(labels)
    fixed = _series_velocity(pd.concat(featurize(cents, feat, seg, train).values()))
    assert (fixed == "fast").all()
    # the cut comes from every region of the table: training one region labels it alike
    only = relative.model_copy(update={"regions": {"texas": {}}, "include": ["texas"]})
    texas = _series_velocity(featurize(weekly_table, feat, only, train)["texas"])
    assert texas.equals(labels[labels.index.get_level_values(0).isin(texas.index.levels[0])])
