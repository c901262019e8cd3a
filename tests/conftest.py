"""Shared fixtures: tiny, fast, deterministic inputs in the standard weekly table layout."""

from __future__ import annotations

import forecastops  # noqa: F401  (first: importing it pins NumPy's kernels before NumPy loads)

# isort: split
import os

import numpy as np
import pandas as pd
import pytest

from forecastops.config.compose import compose
from forecastops.config.load import section
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.modeling.cpu_math import PORTABLE

# The default train.cpu_math, set before any test runs torch math in this process: MKL and ATen read
# it once per process, and a fit refuses kernels other than those its config names.
os.environ.update(PORTABLE)

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def make_weekly_table(
    regions: tuple[str, ...] = ("northeast", "texas"),
    n_weeks: int = 110,
    horizon: int = 4,
    seed: int = 0,
) -> pd.DataFrame:
    """A small standard weekly table (contracts.md): seasonal, promoted, some intermittent series."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2021-01-04", periods=n_weeks + horizon, freq="7D")
    rows = []
    store_no = 0
    for region in regions:
        for fmt, size in (("large", 3.0), ("small", 1.0)):
            for _ in range(2):
                store_no += 1
                for p in range(6):
                    base = size * (40 if p < 3 else 1.5) * (1 + 0.2 * p)
                    woy = weeks.isocalendar().week.to_numpy().astype(float)
                    season = 1 + 0.3 * np.sin(2 * np.pi * woy / 52)
                    promo = (rng.random(len(weeks)) < 0.1) * rng.choice([0.2, 0.4], len(weeks))
                    mean = base * season * (1 + 1.5 * promo)
                    demand = rng.poisson(mean).astype(float)
                    future = np.arange(len(weeks)) >= n_weeks
                    rows.append(
                        pd.DataFrame(
                            {
                                "region": region,
                                "store_id": f"S{store_no:03d}",
                                "store_format": fmt,
                                "product_id": f"P{p:02d}",
                                "category": "dairy" if p % 2 else "bakery",
                                "zip": f"0{store_no:04d}",
                                "week_start": weeks,
                                "units_shipped": np.where(future, np.nan, demand),
                                "units_returned": np.where(future, np.nan, 0.0),
                                "net_demand": np.where(future, np.nan, demand),
                                "promo_discount": promo,
                                "is_event_week": (woy == 47).astype("int8"),
                                "event_names": np.where(woy == 47, "thanksgiving", ""),
                                "temperature_c": 10 + 10 * np.sin(2 * np.pi * woy / 52),
                                "precipitation_mm": rng.gamma(2, 5, len(weeks)),
                                "weather_source": np.where(future, "forecast", "observed"),
                                "median_income": 50000.0 + store_no,
                                "pct_families_with_kids": 0.3,
                                "pop_density": 1000.0 * store_no,
                                "median_age": 40.0,
                                "is_future": future,
                                "_filled": demand == 0,
                            }
                        )
                    )
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="session")
def weekly_table() -> pd.DataFrame:
    return make_weekly_table()


@pytest.fixture(scope="session")
def local_params() -> dict:
    """params composed with env=local (small splits, few epochs), as the smoke pipeline uses."""
    return compose(["env=local"], REPO / "conf")


@pytest.fixture(scope="session")
def cfgs(local_params) -> tuple[FeaturesConfig, SegmentsConfig, TrainConfig]:
    """The featurize stage's typed sections under env=local."""
    return (
        section(local_params, "features", FeaturesConfig),
        section(local_params, "segments", SegmentsConfig),
        section(local_params, "train", TrainConfig),
    )


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch):
    """Tests make real commits and tags; give them an identity without touching global config."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "forecastops tests")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tests@forecastops.invalid")
