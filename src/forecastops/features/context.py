"""Inputs that need care not to leak: weather anomalies, learned from the training era only (the
velocity label, learned the same way, is in ``velocity``)."""

from __future__ import annotations

import pandas as pd


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
