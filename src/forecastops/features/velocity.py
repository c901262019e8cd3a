"""The velocity label (fast / slow) of each series, from its mean demand over the training weeks.

The cut is ``segments.velocity.threshold``: a number of units a week, or ``{quantile: q}``, the q
quantile of every series' training-era mean, so that a company selling in dollars or in thousands
of units splits its series alike. The quantile is taken over the whole table, every region, so
that which regions a run includes does not move another region's series between segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.segments import QuantileCut, VelocityRule
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.features.split import target_and_split

TRAINING_ERA = ("warmup", "train")


def velocity_cut(
    table: pd.DataFrame, cfg: FeaturesConfig, rule: VelocityRule, train: TrainConfig
) -> tuple[float, str]:
    """The mean weekly demand at and above which a series is fast, and how it was set."""
    if not isinstance(rule.threshold, QuantileCut):
        return float(rule.threshold), f"{rule.threshold:g} a week (segments.velocity.threshold)"
    # in build's row order, so that each mean is the very float velocity_labels compares
    table = table.sort_values(["store_id", "product_id", "week_start"], kind="stable")
    target, split = target_and_split(table, cfg, train)
    known = target.where(split.isin(TRAINING_ERA).to_numpy())
    means = known.groupby([table["store_id"], table["product_id"]]).mean().dropna()
    if means.empty:
        raise ForecastopsError(
            "featurize: segments.velocity.threshold is a quantile, but no series has a week in "
            "the training era (check train.split against the data's date range)"
        )
    cut = float(np.quantile(means.to_numpy(), rule.threshold.quantile))
    return cut, (
        f"{cut:.6g} a week (quantile {rule.threshold.quantile:g} of {len(means)} series' "
        "training-era means, segments.velocity.threshold)"
    )


def velocity_labels(df: pd.DataFrame, rule: VelocityRule, cut: float) -> pd.Series:
    """Fast/slow per series from mean demand over training-era weeks only (no test leakage).

    Series that start after the training era (new launches) are labelled by what they have shown
    before the test weeks, and are slow when nothing is known yet.
    """
    fast, slow = rule.labels
    known = df["split"].isin(list(TRAINING_ERA))
    mean = df["target"].where(known).groupby(df["_sid"]).transform("mean")
    early = df["target"].where(df["split"] != "test").groupby(df["_sid"]).transform("mean")
    mean = mean.fillna(early).fillna(0.0)
    return pd.Series(np.where(mean >= cut, fast, slow), index=df.index)
