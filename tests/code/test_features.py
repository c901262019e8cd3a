import numpy as np
import pandas as pd
import pytest

from forecastops.errors import ForecastopsError
from forecastops.features.build import build_features
from forecastops.features.columns import lag_columns
from forecastops.features.stage import featurize


def test_no_look_ahead(weekly_table, cfgs):
    """Changing demand from week T on must not change any feature of a week before T + horizon."""
    feat, seg, train = cfgs
    h = train.horizon_weeks
    cut = weekly_table["week_start"].sort_values().unique()[60]
    changed = weekly_table.copy()
    later = changed["week_start"] >= cut
    changed.loc[later, "net_demand"] = changed.loc[later, "net_demand"] * 7 + 3
    a = build_features(weekly_table, feat, seg, train)
    b = build_features(changed, feat, seg, train)
    early = a["week_start"] < cut + pd.Timedelta(weeks=h)
    cols = [
        *lag_columns(feat),
        "rmean_4",
        "rmean_52",
        "rmean_all",
        "rstd",
        "zero_share",
        "level",
    ]
    pd.testing.assert_frame_equal(a.loc[early, cols], b.loc[early, cols])
    # ... and the change is visible from week T + h on (the features are live, not constant)
    assert not a.loc[~early, "level"].equals(b.loc[~early, "level"])


def test_lags_are_the_target_shifted(weekly_table, cfgs):
    feat, seg, train = cfgs
    h = train.horizon_weeks
    f = build_features(weekly_table, feat, seg, train)
    one = f[(f["store_id"] == "S001") & (f["product_id"] == "P00")].reset_index(drop=True)
    np.testing.assert_array_equal(one[f"lag_{h}"].to_numpy()[h:], one["target"].to_numpy()[:-h])


def test_time_split_and_velocity_from_training_weeks_only(weekly_table, cfgs):
    feat, seg, train = cfgs
    f = build_features(weekly_table, feat, seg, train)
    last = f.loc[f["split"] == "test", "week_start"]
    assert last.dt.isocalendar().week.nunique() == train.split.test_weeks
    assert f.loc[f["split"] == "val", "week_start"].max() < last.min()
    assert f.loc[f["split"] == "future", "target"].isna().all()
    # inflating only the test weeks must not move any series between fast and slow
    spiked = weekly_table.copy()
    test_weeks = f.loc[f["split"] == "test", "week_start"].unique()
    spiked.loc[spiked["week_start"].isin(test_weeks), "net_demand"] += 1000
    g = build_features(spiked, feat, seg, train)
    assert (f["velocity"] == g["velocity"]).all()
    assert set(f["velocity"]) == {"fast", "slow"}


def test_unknown_region_is_a_clear_error(weekly_table, cfgs):
    feat, seg, train = cfgs
    table = weekly_table.copy()
    table.loc[table["region"] == "texas", "region"] = "atlantis"
    with pytest.raises(ForecastopsError, match="atlantis"):
        featurize(table, feat, seg, train)


def test_weather_normal_is_learned_from_training_weeks_only(weekly_table, cfgs):
    """Changing validation/test temperatures must not move any training row's anomaly."""
    feat, seg, train = cfgs
    a = build_features(weekly_table, feat, seg, train)
    hot = weekly_table.copy()
    late = hot["week_start"].isin(a.loc[a["split"].isin(["val", "test"]), "week_start"].unique())
    hot.loc[late, "temperature_c"] += 15
    b = build_features(hot, feat, seg, train)
    trained_on = a["split"].isin(["warmup", "train"])
    pd.testing.assert_series_equal(
        a.loc[trained_on, "temp_anomaly"], b.loc[trained_on, "temp_anomaly"]
    )
    later = a["split"].isin(["val", "test"])
    shift = b.loc[later, "temp_anomaly"] - a.loc[later, "temp_anomaly"]
    assert shift.to_numpy() == pytest.approx(15.0)


def test_unknown_store_format_and_missing_columns_are_clear_errors(weekly_table, cfgs):
    feat, seg, train = cfgs
    odd = weekly_table.copy()
    odd.loc[odd.index[:5], "store_format"] = "kiosk"
    with pytest.raises(ForecastopsError, match="kiosk"):
        featurize(odd, feat, seg, train)
    with pytest.raises(ForecastopsError, match="median_age"):
        featurize(weekly_table.drop(columns=["median_age"]), feat, seg, train)


def test_include_trains_a_subset_of_known_regions(weekly_table, cfgs):
    feat, seg, train = cfgs
    only = seg.model_copy(update={"regions": {"texas": {}}, "include": ["texas"]})
    assert list(featurize(weekly_table, feat, only, train)) == ["texas"]


def test_regions_are_built_one_at_a_time_and_alike_alone_or_together(weekly_table, cfgs):
    """featurize builds region by region (memory: the table and one region); a region's matrix is
    the same whether the run includes the others or not, and the same as one build of them all
    (the split's last week and the velocity cut are the whole run's)."""
    feat, seg, train = cfgs
    together = featurize(weekly_table, feat, seg, train)
    only = seg.model_copy(update={"regions": {"texas": {}}, "include": ["texas"]})
    alone = featurize(weekly_table, feat, only, train)["texas"]
    pd.testing.assert_frame_equal(together["texas"], alone)
    whole = build_features(weekly_table, feat, seg, train)
    for region, part in together.items():
        expected = whole[whole["region"] == region].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, expected)
