"""The daily path end to end: a tiny synthetic drugstore chain in the `data=drugstore` layout
(daily sales, open / promo / holiday days, planned future days, store profiles) plus a per-week
index added by a command-line override, through the real `dvc repro`: sales summed to weeks,
covariates in the feature table and in every segment model's inputs, forecasts produced."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecastops.gitops.smoke import prepare
from forecastops.modeling.shared import SHARED_DIR

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

FIRST = dt.date(2021, 1, 4)  # a Monday
HISTORY_WEEKS, PLANNED_WEEKS = 80, 4
# store -> (state, daily base sales, store type, assortment, competition distance)
STORES = {
    1: ("BY", 1000, "a", "basic", "570"),
    2: ("BY", 400, "c", "extended", "14130"),
    3: ("BY", 150, "a", "basic", ""),
    4: ("HB,NI", 900, "b", "extra", "620"),
    5: ("HB,NI", 350, "a", "basic", "29910"),
    6: ("HB,NI", 120, "d", "extended", "310"),
}
COVARIATES = ["open_days", "promo_days", "school_holiday_days", "state_holiday_days"]


def _days(store: int, weeks: range, rng: np.random.Generator) -> pd.DataFrame:
    """One row a day: closed on Sundays and state holidays, promo every other week Mon-Fri."""
    days = pd.date_range(FIRST + dt.timedelta(weeks=weeks.start), periods=7 * len(weeks), freq="D")
    week = (days - pd.Timestamp(FIRST)).days // 7
    holiday = np.where(days.strftime("%m-%d").isin(["01-06", "05-01", "10-03", "12-25"]), "a", "0")
    is_open = (days.day_of_week != 6) & (holiday == "0")
    promo = ((week + store) % 2 == 0) & (days.day_of_week < 5)
    school = days.month.isin([8])
    mean = STORES[store][1] * (1 + 0.3 * promo) * (1 + 0.1 * np.sin(2 * np.pi * week / 52))
    return pd.DataFrame(
        {
            "Store": store,
            "DayOfWeek": days.day_of_week + 1,
            "Date": days.strftime("%Y-%m-%d"),
            "Sales": np.where(is_open, rng.poisson(mean), 0),
            "Open": is_open.astype(int),
            "Promo": promo.astype(int),
            "StateHoliday": holiday,
            "SchoolHoliday": school.astype(int),
        }
    )


def write_drugstore_like(root: Path, seed: int = 11) -> pd.DataFrame:
    """The raw files; returns the daily history (train.csv) for the checks."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    history = pd.concat([_days(s, range(HISTORY_WEEKS), rng) for s in STORES], ignore_index=True)
    history.to_csv(root / "train.csv", index=False)
    planned = pd.concat(
        [_days(s, range(HISTORY_WEEKS, HISTORY_WEEKS + PLANNED_WEEKS), rng) for s in STORES]
    ).drop(columns=["Sales"])
    planned["Open"] = planned["Open"].astype("object")
    planned.iloc[3, planned.columns.get_loc("Open")] = ""  # the real test.csv misses a few
    planned.insert(0, "Id", range(1, len(planned) + 1))
    planned.to_csv(root / "test.csv", index=False)
    pd.DataFrame(
        [(s, t, a, d, 9, 2008, 0) for s, (_, _, t, a, d) in STORES.items()],
        columns=[
            "Store",
            "StoreType",
            "Assortment",
            "CompetitionDistance",
            "CompetitionOpenSinceMonth",
            "CompetitionOpenSinceYear",
            "Promo2",
        ],
    ).to_csv(root / "store.csv", index=False)
    states = [(s, state) for s, (state, *_) in STORES.items()]
    pd.DataFrame(states, columns=["Store", "State"]).to_csv(root / "store_states.csv", index=False)
    weeks = [FIRST + dt.timedelta(weeks=i) for i in range(HISTORY_WEEKS + PLANNED_WEEKS)]
    index = [(f"{w:%Y-%m-%d}", 100 + 0.5 * i + 3 * np.sin(i)) for i, w in enumerate(weeks)]
    pd.DataFrame(index, columns=["Week", "Index"]).to_csv(root / "index.csv", index=False)
    return history


# a per-week numeric covariate source, added from the command line (config only)
INDEX = (
    "+data.sources.covariates.index={path:index.csv,columns:{"
    "week_start:{from:Week,dtype:date,anchor:day},consumer_index:{from:Index,dtype:float}}}"
)
INPUTS = [*COVARIATES, "competition_distance", "consumer_index"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    history = write_drugstore_like(root / "drugstore")
    overrides = [
        "env=dev",
        "data=drugstore",
        "env.data_root=drugstore",
        "segments.include=[BY,HB_NI]",
        "train.split.test_weeks=8",
        "train.split.val_weeks=8",
        "model.nn.epochs=3",
        INDEX,
        f"features.numeric_exogenous=[{','.join(INPUTS)}]",
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        ws = prepare(root / "ws", overrides, data_link=root / "drugstore")
    dvc = str(Path(sys.executable).parent / "dvc")
    out = subprocess.run([dvc, "repro"], cwd=ws, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return ws, history, out


def test_daily_sales_are_summed_to_weeks(run):
    ws, history, _ = run
    table = pd.read_parquet(ws / "artifacts" / "conditioned.parquet")
    days = history.assign(
        week_start=pd.to_datetime(history["Date"]), store_id=history["Store"].astype(str)
    )
    days["week_start"] -= pd.to_timedelta(days["week_start"].dt.day_of_week, unit="D")
    expected = days.groupby(["store_id", "week_start"])["Sales"].sum()
    weekly = table[~table["is_future"]].set_index(["store_id", "week_start"])["units_shipped"]
    assert len(weekly) == len(expected) == len(STORES) * HISTORY_WEEKS  # one row a store-week
    assert weekly.sort_index().to_numpy() == pytest.approx(expected.sort_index().to_numpy())
    assert set(table["region"]) == {"BY", "HB_NI"} and (table["product_id"] == "all").all()
    report = json.loads((ws / "reports" / "data_validation.json").read_text())
    assert report["duplicates"]["violations"] == 0 and report["summary"]["passed"]


def test_covariates_reach_the_feature_table_and_every_model(run):
    ws, _, out = run
    features = pd.concat(
        pd.read_parquet(p) for p in (ws / "artifacts" / "features").glob("*.parquet")
    )
    assert {*INPUTS, "store_type", "assortment"} <= set(features.columns)
    store1 = features[features["store_id"] == "1"].set_index("week_start")
    week = pd.Timestamp(FIRST) + pd.Timedelta(weeks=1)  # 2021-01-11: a promo week for store 1
    assert store1.loc[week, ["open_days", "promo_days", "state_holiday_days"]].tolist() == [6, 5, 0]
    assert store1.loc[pd.Timestamp(FIRST), "state_holiday_days"] == 1  # Epiphany, Wednesday
    assert set(store1["store_type"]) == {"a"} and store1["competition_distance"].eq(570).all()
    future = features[features["split"] == "future"]
    assert len(future) == len(STORES) * 4 and future["promo_days"].isin([0, 5]).all()
    assert future["consumer_index"].notna().all()  # the index covers the planned weeks too
    segments = {f"{r}/all/{v}" for r in ("BY", "HB_NI") for v in ("fast", "slow")}
    assert set(features["segment"]) == segments and "quantile 0.5 of 6 series" in out.stdout
    # every segment's model, and the region-shared networks (model.nn.scope: region)
    metas = sorted((ws / "models").glob("*/*/meta.json"))
    assert len([m for m in metas if m.parent.name != SHARED_DIR]) == len(segments)
    for meta_path in metas:
        design = json.loads(meta_path.read_text())["design"]
        assert set(INPUTS) <= set(design["numeric"]) and "store_type" in design["categoricals"]
        # the covariates vary in training: the model sees them, not a constant
        assert all(design["std"][c] != 1.0 for c in ("promo_days", "consumer_index")), meta_path


def test_forecasts_are_produced_for_every_store(run):
    ws, _, _ = run
    metrics = json.loads((ws / "reports" / "metrics.json").read_text())
    assert len(metrics["segments"]) == 4 and metrics["overall"]["missing_segments"] == []
    forecasts = pd.read_csv(ws / "outputs" / "forecasts.csv")
    assert forecasts["store_id"].nunique() == len(STORES)
    assert forecasts["week_start"].nunique() == 4 and (forecasts["forecast"] > 0).all()
