"""Covariate sources (``data.sources.covariates``): extra columns of the weekly table, per
store-week, store, week or region-week, from config alone; and their config errors."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from forecastops.config.compose import validate
from forecastops.config.sections.data import DataConfig, Sources
from forecastops.data.condition.stage import condition
from forecastops.errors import ForecastopsError

DAY = {"from": "Date", "dtype": "date", "format": "%Y-%m-%d", "anchor": "day"}
CALENDAR = {
    "store_id": "Store",
    "week_start": DAY,
    "open_days": {"from": "Open", "dtype": "bool", "nullable": True},
    "promo_days": {"from": "Promo", "dtype": "bool"},
}
COUNTS = {"open_days": "count", "promo_days": "count"}
STORES = ("1001", "1002", "2001")


def _calendar(path: Path, first: dt.date, days: int, promo: int) -> None:
    """Every store's days: closed on Sundays, on promo every ``promo``-th day."""
    lines = ["Store,Date,Open,Promo"]
    for store in STORES:
        for i in range(days):
            day = first + dt.timedelta(days=i)
            lines.append(f"{store},{day:%Y-%m-%d},{int(day.weekday() != 6)},{int(i % promo == 0)}")
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def covariate_root(raw_default: Path) -> Path:
    """The tiny default fixture plus a history calendar, a plan for the future weeks (overlapping
    the last history week with other values), a per-week index, store profiles, a regional index."""
    _calendar(raw_default / "calendar.csv", dt.date(2023, 12, 25), 70, promo=2)
    _calendar(raw_default / "plan.csv", dt.date(2024, 2, 26), 35, promo=7)
    weeks = [dt.date(2023, 12, 25) + dt.timedelta(weeks=i) for i in range(14)]
    (raw_default / "index.csv").write_text(
        "Week,Index\n" + "".join(f"{w:%Y-%m-%d},{100 + i}\n" for i, w in enumerate(weeks))
    )
    (raw_default / "profile.csv").write_text("Store,Type\n1001,a\n1002,b\n9999,c\n")
    (raw_default / "regional.csv").write_text("Region,Week,Level\nnortheast,2024-01-01,7.5\n")
    return raw_default


def _sources() -> dict[str, Any]:
    return {
        "calendar": {"path": "calendar.csv", "columns": CALENDAR, "aggregate": COUNTS},
        "plan": {"path": "plan.csv", "columns": CALENDAR, "aggregate": COUNTS},
        "index": {
            "path": "index.csv",
            "columns": {
                "week_start": {**DAY, "from": "Week"},
                "consumer_index": {"from": "Index", "dtype": "float"},
            },
        },
        "profile": {"path": "profile.csv", "columns": {"store_id": "Store", "store_type": "Type"}},
        "regional": {
            "path": "regional.csv",
            "columns": {
                "region": "Region",
                "week_start": {**DAY, "from": "Week"},
                "regional_level": {"from": "Level", "dtype": "float"},
            },
        },
    }


def _data(base_params, covariates: dict[str, Any]) -> DataConfig:
    data = copy.deepcopy(base_params["default"]["data"])
    data["sources"]["covariates"] = covariates
    return DataConfig.model_validate(data)


def _at(table: pd.DataFrame, store: str, week: str) -> pd.Series:
    rows = table[(table.store_id == store) & (table.week_start == week)]
    assert len(rows) >= 1
    return rows.iloc[0]


def test_covariates_are_joined_per_store_week_store_week_and_region(base_params, covariate_root):
    table, _ = condition(_data(base_params, _sources()), covariate_root, 4, 8)
    new = ["open_days", "promo_days", "consumer_index", "store_type", "regional_level"]
    assert list(table.columns[-len(new) - 4 : -4]) == new  # before is_future and lineage
    history = _at(table, "1001", "2024-01-01")
    assert (history.open_days, history.promo_days) == (6, 3)  # Sunday closed; days 8, 10, 12
    assert history.consumer_index == 101 and history.regional_level == 7.5
    assert history.store_type == "a"
    # a week both files cover takes the first source (calendar); future weeks the plan's
    assert _at(table, "1001", "2024-02-26").promo_days == 3
    future = _at(table, "1001", "2024-03-04")
    assert future.is_future and (future.open_days, future.promo_days) == (6, 1)
    # per store: a store the profile lacks has none; a region the regional file lacks neither
    assert table.loc[table.store_id == "2001", "store_type"].isna().all()
    assert np.isnan(_at(table, "2001", "2024-01-01").regional_level)  # texas
    assert np.isnan(_at(table, "1002", "2024-01-08").regional_level)
    assert table["store_type"].dtype == "str" and table["open_days"].dtype == "float64"


def test_a_key_repeated_in_a_covariate_source_names_its_rows(base_params, covariate_root):
    daily = {"calendar": {"path": "calendar.csv", "columns": CALENDAR}}  # no aggregate
    with pytest.raises(ForecastopsError) as err:
        condition(_data(base_params, daily), covariate_root, 4, 8)
    message = str(err.value)
    assert "covariates.calendar" in message and "calendar.csv" in message
    assert "row 1, row 2" in message and "aggregate" in message


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"store_id": "Store"}, "covariates.bad: map at least one key column"),
        ({"opened": "Open"}, "covariates.bad: map at least one key column"),
        (
            {"store_id": "Store", "since": {"from": "Date", "dtype": "date"}},
            "covariates.bad.columns.since: a date cannot be a covariate",
        ),
        (
            {"week_start": DAY, "open_days": "Open"},
            "covariates.bad.columns.open_days is category but covariates.calendar maps it as numeric",
        ),
    ],
)
def test_covariate_config_errors(columns, message):
    sources = {
        "calendar": {"path": "c.csv", "columns": CALENDAR, "aggregate": COUNTS},
        "bad": {"path": "b.csv", "columns": columns},
    }
    with pytest.raises(ValidationError, match=re.escape(message)):
        Sources.model_validate(
            {"shipments": {"path": "s", "columns": {}}, "stores": {"path": "t", "columns": {}}}
            | {"covariates": sources}
        )


def test_a_covariate_shadowing_a_standard_column_fails_at_compose(base_params):
    params = copy.deepcopy(base_params["default"])
    params["data"]["sources"]["covariates"] = {
        "weather": {
            "path": "w.csv",
            "columns": {"week_start": DAY, "temperature_c": {"from": "T", "dtype": "float"}},
        }
    }
    with pytest.raises(ForecastopsError, match="'temperature_c' is a standard column"):
        validate(params)
