"""Inputs that need care not to leak: weather anomalies and the velocity label, learned from the
training era only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.segments import SegmentsConfig


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
