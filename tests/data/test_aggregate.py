"""Daily sources summed up to weeks by adapter config (``aggregate``), and its config errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from forecastops import cli
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
    weekly = load_source("shipments", spec, tmp_path).set_index(["store_id", "week_start"])
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
    ).set_index(["store_id", "week_start"])
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


def test_unknown_aggregation_fails_at_compose_naming_the_key(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    out = tmp_path / "p.yaml"
    rc = cli.main(
        ["params", "+data.sources.shipments.aggregate.units_shipped=median", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "data.sources.shipments.aggregate.units_shipped" in err and "median" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def _daily_default_layout(root: Path) -> None:
    """The tiny default fixture with shipments delivered per day (two rows for each week)."""
    lines = ["STORE_NBR,ITEM_NBR,SHIP_DATE,SHIP_QTY"]
    for path in sorted((root / "shipments").glob("*.csv")):
        for line in path.read_text().splitlines()[1:]:
            store, item, week_end, qty = line.split(",")
            sunday = dt.datetime.strptime(week_end, "%m/%d/%Y").date()
            for back, part in ((6, int(qty) // 2), (2, int(qty) - int(qty) // 2)):
                lines.append(f"{store},{item},{sunday - dt.timedelta(days=back):%Y-%m-%d},{part}")
        path.unlink()
    (root / "shipments" / "daily.csv").write_text("\n".join(lines) + "\n")


def _condition_validate(
    params: Path, root: Path, tmp_path: Path
) -> tuple[int, pd.DataFrame | None]:
    cond, out = tmp_path / "cond.parquet", tmp_path / "valid.parquet"
    report = tmp_path / "report.json"
    assert (
        cli.main(["condition", "--params", str(params), "--data", str(root), "--out", str(cond)])
        == 0
    )
    rc = cli.main(
        [
            "validate",
            "--params",
            str(params),
            "--in",
            str(cond),
            "--out",
            str(out),
            "--report",
            str(report),
        ]
    )
    return rc, (pd.read_parquet(out) if rc == 0 else json.loads(report.read_text()))


def test_daily_rows_fail_duplicates_unless_aggregated(make_params, raw_default, tmp_path, capsys):
    """The reported problem: days anchored to their Monday are several raw rows per week."""
    _daily_default_layout(raw_default)
    date = {"from": "SHIP_DATE", "dtype": "date", "format": "%Y-%m-%d", "anchor": "day"}
    path = "data.sources.shipments"
    plain = make_params(**{f"{path}.columns.week_start": date})
    rc, report = _condition_validate(plain, raw_default, tmp_path)
    assert rc == 2 and report["duplicates"]["violations"] > 0
    assert "validation rule 'duplicates' failed" in capsys.readouterr().err
    summed = make_params(
        **{f"{path}.columns.week_start": date, f"{path}.aggregate": {"units_shipped": "sum"}}
    )
    rc, table = _condition_validate(summed, raw_default, tmp_path)
    assert rc == 0, capsys.readouterr().err
    week = table[(table.store_id == "1001") & (table.product_id == "SKU-1")]
    assert week.set_index("week_start").loc["2024-01-01", "units_shipped"] == 11  # as weekly
