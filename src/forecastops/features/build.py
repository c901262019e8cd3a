"""The model matrix: lags, rolling statistics, calendar, events, promotions and weather per row.

Every lag and rolling window ends ``horizon`` weeks before the target week, so a row's features are
exactly what a forecaster knew when the forecast was made (no look-ahead), and one model serves every
week of the horizon. Known-in-advance inputs (calendar, events, planned promotions, weather forecast)
are taken at the target week.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.features.columns import numeric_columns
from forecastops.features.context import temperature_anomaly
from forecastops.features.grid import rolling, shift, wide
from forecastops.features.split import target_and_split
from forecastops.features.velocity import velocity_cut, velocity_labels

KEY = ["store_id", "product_id"]
WEEKS_PER_YEAR = 365.25 / 7


def _history_features(
    df: pd.DataFrame,
    y: np.ndarray,
    at: tuple[np.ndarray, np.ndarray],
    cfg: FeaturesConfig,
    h: int,
) -> None:
    """Lags, rolling means, dispersion and the level, all ending ``h`` weeks before the row's week
    (``at``: each row's series and week index into the series x week matrix ``y``)."""
    rows, cols = at
    known = shift(y, h)  # the latest week known when forecasting h weeks ahead
    for weeks_back in cfg.lags:
        df[f"lag_{weeks_back}"] = shift(y, weeks_back)[rows, cols]
    for w in cfg.rolling_windows:
        df[f"rmean_{w}"] = rolling(known, w, "mean")[rows, cols]
    # Everything known so far: what the historical-average baseline forecasts, as an input.
    count = np.cumsum(~np.isnan(known), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        df["rmean_all"] = (np.nancumsum(known, axis=1) / np.where(count > 0, count, np.nan))[
            rows, cols
        ]
    w = cfg.dispersion_window
    df["rstd"] = rolling(known, w, "std")[rows, cols]
    is_zero = np.where(np.isnan(known), np.nan, (known <= 0).astype(float))
    df["zero_share"] = rolling(is_zero, w, "mean")[rows, cols]
    df["level"] = df[f"rmean_{cfg.level_window}"]


def _calendar_features(df: pd.DataFrame, cfg: FeaturesConfig) -> None:
    """Series age and the week of year (as a category and as two harmonics)."""
    series_start = df.groupby("_sid")["week_start"].transform("min")
    age = (df["week_start"] - series_start).dt.days // 7
    df["age_weeks"] = age.clip(upper=cfg.age_cap_weeks).astype(float)
    woy = df["week_start"].dt.isocalendar().week.astype(int).clip(upper=52)  # ISO week 53 -> 52
    df["week_of_year"] = woy.astype(str)
    angle = 2 * np.pi * woy.to_numpy() / WEEKS_PER_YEAR
    df["woy_sin"], df["woy_cos"] = np.sin(angle), np.cos(angle)
    df["woy_sin2"], df["woy_cos2"] = np.sin(2 * angle), np.cos(2 * angle)


def build_features(
    table: pd.DataFrame,
    cfg: FeaturesConfig,
    segments: SegmentsConfig,
    train: TrainConfig,
    cut: float | None = None,
    last: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The table's model matrix: features, target, split, velocity and segment per row.
    ``cut``: the velocity cut (``velocity``) and ``last``: the last history week (``split``), taken
    from this table when not given (featurize gives the whole table's to each region's part)."""
    h = train.horizon_weeks
    df = table.sort_values([*KEY, "week_start"], kind="stable").reset_index(drop=True)
    df["target"], df["split"] = target_and_split(df, cfg, train, last)

    first_week = df["week_start"].min()
    week_idx = ((df["week_start"] - first_week).dt.days // 7).astype(int)
    n_weeks = int(week_idx.max()) + 1
    df["_sid"] = df.groupby(KEY, sort=False).ngroup()
    y = wide(df, "target", week_idx, n_weeks)
    rows, cols = df["_sid"].to_numpy(), week_idx.to_numpy()

    _history_features(df, y, (rows, cols), cfg, h)
    _calendar_features(df, cfg)

    event = wide(df, "is_event_week", week_idx, n_weeks)
    df["event_next_week"] = np.nan_to_num(shift(event, -1)[rows, cols])
    df["event"] = df["event_names"].fillna("").str.split("|").str[0].replace("", "none")
    promo = wide(df, "promo_discount", week_idx, n_weeks)
    df["promo_prev"] = np.nan_to_num(shift(promo, 1)[rows, cols])
    df["temp_anomaly"] = temperature_anomaly(df)

    if cut is None:
        cut, _ = velocity_cut(df, cfg, segments.velocity, train)
    df["velocity"] = velocity_labels(df, segments.velocity, cut)
    df["segment"] = df["region"] + "/" + df["store_format"] + "/" + df["velocity"]
    keep = [
        "region",
        "store_format",
        "velocity",
        "segment",
        "zip",
        *KEY,
        "week_start",
        "split",
        "target",
        "level",
        *[c for c in cfg.categoricals if c not in KEY],
    ]
    out = df[list(dict.fromkeys(keep + numeric_columns(cfg, h)))]
    return out.copy()
