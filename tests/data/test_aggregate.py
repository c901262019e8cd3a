"""Daily sources summed up to weeks by adapter config (``aggregate``), and its config errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from forecastops.config.sections.data import SourceSpec
from forecastops.data.adapters.load import load_source

# Monday 2024-01-01 .. Sunday 2024-01-14: two weeks of days
DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(14)]
DAILY = {
    "store_id": "Store",
    "week_start": {"from": "Date", "dtype": "date", "format": "%Y-%m-%d", "anchor": "day"},
    "units_shipped": {"from": "Sales", "dtype": "float", "nullable": True},
    "open_days": {"from": "Open", "dtype": "bool"},
    "promo_share": {"from": "Promo", "dtype": "int"},
    "temp_c": {"from": "Temp", "dtype": "float", "nullable": True},
}


def _daily_csv(path: Path) -> Path:
    """Two stores, 14 days; store 2 is closed on Sundays and reports no temperature in week 2."""
    lines = ["Store,Date,Sales,Open,Promo,Temp"]
    for store in (1, 2):
        for i, day in enumerate(DAYS):
            closed = store == 2 and day.weekday() == 6
            sales = "" if (store == 1 and i == 3) else str(0 if closed else 10 * store + i)
            temp = "" if (store == 2 and i >= 7) else str(float(i))
            lines.append(f"{store},{day:%Y-%m-%d},{sales},{'0' if closed else '1'},{i % 2},{temp}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _spec(**aggregate: str) -> SourceSpec:
    return SourceSpec.model_validate(
        {"path": "daily.csv", "format": "csv", "columns": DAILY, "aggregate": aggregate}
    )


def test_daily_rows_become_one_row_per_key_and_week(tmp_path):
    _daily_csv(tmp_path / "daily.csv")
    spec = _spec(units_shipped="sum", open_days="count", promo_share="share", temp_c="mean")
    weekly = load_source("shipments", spec, tmp_path).frame.set_index(["store_id", "week_start"])
    assert len(weekly) == 4 and list(weekly.columns)[-2:] == ["_source_file", "_source_row"]
    first, second = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08")
    # store 1 week 1: day 3 has no sales value -> the sum of the six others
    assert weekly.loc[("1", first), "units_shipped"] == sum(10 + i for i in range(7) if i != 3)
    assert weekly.loc[("2", second), "units_shipped"] == sum(20 + i for i in range(7, 13))
    assert weekly.loc[("2", first), "open_days"] == 6 and weekly.loc[("1", first), "open_days"] == 7
    assert weekly.loc[("1", first), "promo_share"] == pytest.approx(3 / 7)  # days 1, 3, 5
    assert weekly.loc[("1", second), "temp_c"] == pytest.approx(10.0)  # mean of 7..13
    assert pd.isna(weekly.loc[("2", second), "temp_c"])  # no value in the week stays missing
    # lineage: the first raw row of the group (store 2 starts at data row 15)
    assert weekly.loc[("2", first), "_source_row"] == 15
    assert weekly.loc[("2", second), "_source_file"] == "daily.csv"


def test_min_max_and_flags_from_numbers(tmp_path):
    _daily_csv(tmp_path / "daily.csv")
    weekly = load_source(
        "x",
        _spec(units_shipped="max", temp_c="min", promo_share="count", open_days="share"),
        tmp_path,
    ).frame.set_index(["store_id", "week_start"])
    row = weekly.loc[("2", pd.Timestamp("2024-01-01"))]
    assert row.units_shipped == 25 and row.temp_c == 0.0  # day 6 (Sunday) closed: sales 0
    assert row.promo_share == 3 and row.open_days == pytest.approx(6 / 7)


@pytest.mark.parametrize(
    ("aggregate", "message"),
    [
        ({"units_shiped": "sum"}, "aggregate: ['units_shiped'] not column(s) of this source"),
        ({"units_shipped": "median"}, "aggregate.units_shipped"),
        ({"store_id": "count"}, "aggregate: ['store_id'] are not numbers or flags"),
        ({"week_start": "max"}, "needs a week_start column (not aggregated)"),
    ],
)
def test_bad_aggregate_config_is_named(aggregate, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        _spec(**aggregate)
