"""featurize: the validated weekly table -> one model matrix per region.

Every lag and rolling window ends ``horizon`` weeks before the target week, so a row's features are
exactly what a forecaster knew when the forecast was made (no look-ahead), and one model serves every
week of the horizon. Known-in-advance inputs (calendar, events, planned promotions, weather forecast)
are taken at the target week. The velocity split (fast/slow movers) and the train/val/test split are
decided here, from config, so every region's trainer sees the same rules.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, model_validator

from forecastops import io
from forecastops.config import load_params, section
from forecastops.errors import ForecastopsError
from forecastops.schema import SegmentsConfig, TrainConfig

KEY = ["store_id", "product_id"]
WEEKS_PER_YEAR = 365.25 / 7


class FeaturesConfig(BaseModel):
    lag_offsets: list[int]
    rolling_windows: list[int]
    level_window: int = Field(ge=1)
    age_cap_weeks: int = Field(ge=1)
    dispersion_window: int = Field(ge=2)
    target: str = "net_demand"
    clip_target_min: float | None = 0.0
    numeric_exogenous: list[str]
    demographics: list[str]
    categoricals: list[str]

    @model_validator(mode="after")
    def _level_is_a_window(self) -> FeaturesConfig:
        if self.level_window not in self.rolling_windows:
            raise ValueError(f"level_window {self.level_window} must be one of rolling_windows")
        return self


def lag_columns(cfg: FeaturesConfig, horizon: int) -> list[str]:
    return [f"lag_{horizon + o}" for o in cfg.lag_offsets]


def numeric_columns(cfg: FeaturesConfig, horizon: int) -> list[str]:
    """Numeric model inputs, in a fixed order (models store it with their weights)."""
    rolling = [*(f"rmean_{w}" for w in cfg.rolling_windows), "rmean_all"]
    return [
        *lag_columns(cfg, horizon),
        *rolling,
        "rstd",
        "zero_share",
        "age_weeks",
        "woy_sin",
        "woy_cos",
        "woy_sin2",
        "woy_cos2",
        "event_next_week",
        "promo_prev",
        "temp_anomaly",
        *cfg.numeric_exogenous,
        *cfg.demographics,
    ]


def assign_splits(weeks: pd.Series, is_future: pd.Series, train: TrainConfig) -> pd.Series:
    """Time-based split on the last history week: test = most recent weeks, then val, then train."""
    history = weeks[~is_future]
    if history.empty:
        raise ForecastopsError("featurize: the table has no history rows")
    last = history.max()
    test_start = last - pd.Timedelta(weeks=train.split.test_weeks - 1)
    val_start = test_start - pd.Timedelta(weeks=train.split.val_weeks)
    train_start = val_start - pd.Timedelta(weeks=train.split.history_weeks)
    split = np.select(
        [is_future, weeks >= test_start, weeks >= val_start, weeks >= train_start],
        ["future", "test", "val", "train"],
        default="warmup",
    )
    return pd.Series(split, index=weeks.index, dtype="string")


def _wide(df: pd.DataFrame, column: str, week_index: pd.Series, n_weeks: int) -> np.ndarray:
    """Series x week matrix (NaN where a week is absent: dropped outage weeks or outside the span)."""
    out = np.full((df["_sid"].max() + 1, n_weeks), np.nan)
    out[df["_sid"].to_numpy(), week_index.to_numpy()] = df[column].to_numpy(dtype=float)
    return out


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """Columns shifted right by ``k`` weeks (left for negative ``k``), NaN where unknown."""
    out = np.full_like(a, np.nan)
    if k >= 0:
        out[:, k:] = a[:, : a.shape[1] - k]
    else:
        out[:, :k] = a[:, -k:]
    return out


def _rolling(a: np.ndarray, window: int, fn: str) -> np.ndarray:
    frame = pd.DataFrame(a.T)
    roll = frame.rolling(window, min_periods=1)
    return getattr(roll, fn)().to_numpy().T


def build_features(
    table: pd.DataFrame, cfg: FeaturesConfig, segments: SegmentsConfig, train: TrainConfig
) -> pd.DataFrame:
    """All regions' model matrix: features, target, split, velocity and segment per row."""
    h = train.horizon_weeks
    df = table.sort_values([*KEY, "week_start"], kind="stable").reset_index(drop=True)
    target = df[cfg.target].astype(float)
    if cfg.clip_target_min is not None:
        target = target.clip(lower=cfg.clip_target_min)
    df["target"] = target.where(~df["is_future"].astype(bool))
    df["split"] = assign_splits(df["week_start"], df["is_future"].astype(bool), train)

    first_week = df["week_start"].min()
    week_idx = ((df["week_start"] - first_week).dt.days // 7).astype(int)
    n_weeks = int(week_idx.max()) + 1
    df["_sid"] = df.groupby(KEY, sort=False).ngroup()
    y = _wide(df, "target", week_idx, n_weeks)
    rows, cols = df["_sid"].to_numpy(), week_idx.to_numpy()

    known = _shift(y, h)  # the latest week known when forecasting h weeks ahead
    for offset in cfg.lag_offsets:
        df[f"lag_{h + offset}"] = _shift(y, h + offset)[rows, cols]
    for w in cfg.rolling_windows:
        df[f"rmean_{w}"] = _rolling(known, w, "mean")[rows, cols]
    # Everything known so far: what the historical-average baseline forecasts, as an input.
    count = np.cumsum(~np.isnan(known), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        df["rmean_all"] = (np.nancumsum(known, axis=1) / np.where(count > 0, count, np.nan))[
            rows, cols
        ]
    w = cfg.dispersion_window
    df["rstd"] = _rolling(known, w, "std")[rows, cols]
    is_zero = np.where(np.isnan(known), np.nan, (known <= 0).astype(float))
    df["zero_share"] = _rolling(is_zero, w, "mean")[rows, cols]
    df["level"] = df[f"rmean_{cfg.level_window}"]

    series_start = df.groupby("_sid")["week_start"].transform("min")
    age = (df["week_start"] - series_start).dt.days // 7
    df["age_weeks"] = age.clip(upper=cfg.age_cap_weeks).astype(float)
    woy = df["week_start"].dt.isocalendar().week.astype(int).clip(upper=52)  # ISO week 53 -> 52
    df["week_of_year"] = woy.astype(str)
    angle = 2 * np.pi * woy.to_numpy() / WEEKS_PER_YEAR
    df["woy_sin"], df["woy_cos"] = np.sin(angle), np.cos(angle)
    df["woy_sin2"], df["woy_cos2"] = np.sin(2 * angle), np.cos(2 * angle)

    event = _wide(df, "is_event_week", week_idx, n_weeks)
    df["event_next_week"] = np.nan_to_num(_shift(event, -1)[rows, cols])
    df["event"] = df["event_names"].fillna("").str.split("|").str[0].replace("", "none")
    promo = _wide(df, "promo_discount", week_idx, n_weeks)
    df["promo_prev"] = np.nan_to_num(_shift(promo, 1)[rows, cols])
    df["temp_anomaly"] = temperature_anomaly(df)

    df["velocity"] = velocity_labels(df, segments)
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


def temperature_anomaly(df: pd.DataFrame) -> pd.Series:
    """Temperature minus the location's normal for that week of year, where the normal is learned
    from training-era weeks only (one value per location and week, so big stores do not weigh more).
    Weather is located by zip, or by store where a company's weather has no zip."""
    place = df["zip"].astype("string").fillna(df["store_id"].astype("string"))
    weeks = pd.DataFrame({"place": place, "woy": df["week_of_year"], "week": df["week_start"]})
    weeks["t"] = df["temperature_c"]
    known = weeks[df["split"].isin(["warmup", "train"])].drop_duplicates(["place", "week"])
    normal = known.groupby(["place", "woy"])["t"].mean()
    keys = pd.MultiIndex.from_frame(weeks[["place", "woy"]])
    return df["temperature_c"] - normal.reindex(keys).to_numpy()


def velocity_labels(df: pd.DataFrame, segments: SegmentsConfig) -> pd.Series:
    """Fast/slow per series from mean demand over training-era weeks only (no test leakage).

    Series that start after the training era (new launches) are labelled by what they have shown
    before the test weeks, and are slow when nothing is known yet.
    """
    fast, slow = segments.velocity.labels
    known = df["split"].isin(["warmup", "train"])
    mean = df["target"].where(known).groupby(df["_sid"]).transform("mean")
    early = df["target"].where(df["split"] != "test").groupby(df["_sid"]).transform("mean")
    mean = mean.fillna(early).fillna(0.0)
    return pd.Series(np.where(mean >= segments.velocity.threshold, fast, slow), index=df.index)


def featurize(
    table: pd.DataFrame,
    cfg: FeaturesConfig,
    segments: SegmentsConfig,
    train: TrainConfig,
) -> dict[str, pd.DataFrame]:
    """Per-region model matrices for the regions this run includes (``segments.include``)."""
    missing = [
        c
        for c in [cfg.target, *cfg.numeric_exogenous, *cfg.demographics, "region", "store_format"]
        if c not in table.columns
    ]
    if missing:
        raise ForecastopsError(
            f"featurize: columns {missing} named in conf/features are not in the weekly table "
            f"(it has: {sorted(table.columns)})"
        )
    unknown = sorted(set(table["region"].dropna().unique()) - set(segments.all_regions))
    if unknown:
        raise ForecastopsError(
            f"featurize: regions {unknown} are in the data but not in conf/segments all_regions "
            f"(declared: {sorted(segments.all_regions)}); add them to conf/segments/default.yaml"
        )
    formats = sorted(set(table["store_format"].dropna().unique()) - set(segments.formats))
    if formats:
        raise ForecastopsError(
            f"featurize: store formats {formats} are in the data but not in segments.formats "
            f"{segments.formats}; fix the store_format rule in conf/data or add them"
        )
    table = table[table["region"].isin(list(segments.regions))]
    features = build_features(table, cfg, segments, train)
    out = {}
    for region in segments.regions:
        part = features[features["region"] == region].reset_index(drop=True)
        if part.empty:
            raise ForecastopsError(
                f"featurize: region '{region}' from conf/segments has no data rows"
            )
        out[region] = part
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--in", dest="inp", default="artifacts/validated.parquet")
    parser.add_argument(
        "--out", default="artifacts/features", help="directory, one file per region"
    )


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "features", FeaturesConfig)
    segments = section(params, "segments", SegmentsConfig)
    train = section(params, "train", TrainConfig)
    path = Path(args.inp)
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run the validate stage first")
    parts = featurize(pd.read_parquet(path), cfg, segments, train)
    with io.atomic_path(args.out) as tmp:
        tmp.mkdir()
        for region, frame in parts.items():
            frame.to_parquet(tmp / f"{region}.parquet", index=False)
    counts = {r: len(f) for r, f in parts.items()}
    print(f"featurize: {sum(counts.values())} rows in {len(counts)} regions -> {args.out}/")
    return 0
