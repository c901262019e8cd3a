"""validate: rules, actions, report, and failures through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf
from pydantic import ValidationError

from forecastops import cli
from forecastops.config.compose import compose
from forecastops.config.sections.validation import ValidationConfig
from forecastops.data.validate.stage import validate

REPO = Path(__file__).resolve().parents[2]

PREVIOUS = b"previous validated table"


def _pipeline(params: Path, root: Path, tmp_path: Path, capsys) -> tuple[int, str, Path, Path]:
    """condition + validate through the CLI; the validated table exists beforehand."""
    cond = tmp_path / "artifacts" / "conditioned.parquet"
    out = tmp_path / "artifacts" / "validated.parquet"
    report = tmp_path / "reports" / "data_validation.json"
    rc = cli.main(["condition", "--params", str(params), "--data", str(root), "--out", str(cond)])
    assert rc == 0, capsys.readouterr().err
    out.write_bytes(PREVIOUS)
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
    return rc, capsys.readouterr().err, out, report


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + line + "\n")


def test_default_rules_pass_and_clean(make_params, raw_default, tmp_path, capsys):
    rc, err, out, report_path = _pipeline(make_params(), raw_default, tmp_path, capsys)
    assert rc == 0, err
    report = json.loads(report_path.read_text())
    df = pd.read_parquet(out)
    assert report["summary"] == {**report["summary"], "rows_in": 48, "rows_out": 47, "passed": True}
    # outage: store 1002 sent nothing in 2024-01-22 while 1001 (same region) did -> row dropped
    mw = report["missing_weeks"]
    assert (mw["violations"], mw["action"], mw["severity"]) == (1, "drop", "warning")
    assert (
        mw["examples"][0]["store_id"] == "1002" and mw["examples"][0]["week_start"] == "2024-01-22"
    )
    assert not ((df.store_id == "1002") & (df.week_start == "2024-01-22")).any()
    # the legitimate zero (1001 x SKU-2, other products reported) stays
    assert ((df.store_id == "1001") & (df.product_id == "SKU-2") & df._filled).sum() == 1
    # returns exceed shipments -> clipped to 0 and reported with lineage
    nn = report["negative_net_demand"]
    assert (
        nn["violations"] == 1
        and nn["examples"][0]["_source_file"] == "shipments/shipments_2024.csv"
    )
    assert nn["examples"][0]["_source_row"] == 7 and nn["examples"][0]["net_demand"] == -47
    assert (df.loc[~df.is_future, "net_demand"] >= 0).all()
    for name in (
        "schema",
        "unknown_store",
        "unknown_product",
        "duplicates",
        "negative_quantity",
        "temperature_range",
        "promo_range",
        "demand_max",
        "stale_data",
        "too_few_rows",
    ):
        assert report[name]["violations"] == 0, name
        assert set(report[name]) >= {"severity", "action", "violations", "examples"}


def test_negative_quantity_default_clip_keeps_the_week(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "1002,SKU-2,01/14/2024,-4")
    rc, err, out, report_path = _pipeline(make_params(), raw_default, tmp_path, capsys)
    assert rc == 0, err
    rep = json.loads(report_path.read_text())["negative_quantity"]
    assert rep["violations"] == 1 and rep["examples"][0]["_source_row"] == 31
    assert rep["action"] == "clip"
    df = pd.read_parquet(out)
    assert (df.units_shipped.dropna() >= 0).all()
    week = df[
        (df.store_id == "1002") & (df.product_id == "SKU-2") & (df.week_start == "2024-01-08")
    ]
    assert len(week) == 1 and week.units_shipped.iloc[0] == 0  # no hole in the series


def test_a_rule_naming_an_unknown_column_is_a_config_error(
    make_params, raw_default, tmp_path, capsys
):
    params = make_params(**{"validation.negative_quantity.column": "units_sold"})
    rc, err, out, _ = _pipeline(params, raw_default, tmp_path, capsys)
    assert rc == 2 and "validation.negative_quantity.column = 'units_sold'" in err
    assert out.read_bytes() == PREVIOUS


def _assert_failed(rc, err, out, report_path, rule, patterns):
    assert rc == 2, err
    assert f"validation rule '{rule}' failed" in err
    for pat in patterns:
        assert re.search(pat, err), (pat, err)
    assert out.read_bytes() == PREVIOUS  # the previous validated table is left intact
    report = json.loads(report_path.read_text())  # ... but the report is there to read
    assert report["summary"]["passed"] is False and rule in report["summary"]["failed_rules"]
    assert report[rule]["violations"] > 0 and report[rule]["examples"]
    return report


def test_negative_quantity_fail_stops_pipeline(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "1002,SKU-2,01/14/2024,-4")
    params = make_params(**{"validation.negative_quantity.action": "fail"})
    _assert_failed(
        *_pipeline(params, raw_default, tmp_path, capsys),
        "negative_quantity",
        [r"column: units_shipped", r"shipments/shipments_2024\.csv row 31", r"units_shipped=-4"],
    )


def test_duplicate_rows_fail(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "1001,SKU-1,01/07/2024,11")
    report = _assert_failed(
        *_pipeline(make_params(), raw_default, tmp_path, capsys),
        "duplicates",
        [
            r"column: store_id, product_id, week_start",
            r"shipments_2024\.csv row 1:",
            r"shipments_2024\.csv row 31:",
        ],
    )
    assert report["duplicates"]["violations"] == 2


def test_duplicates_drop_keeps_first(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "1001,SKU-1,01/07/2024,11")
    params = make_params(**{"validation.duplicates.action": "drop"})
    rc, err, out, _ = _pipeline(params, raw_default, tmp_path, capsys)
    assert rc == 0, err
    df = pd.read_parquet(out)
    key = df[(df.store_id == "1001") & (df.product_id == "SKU-1") & (df.week_start == "2024-01-01")]
    assert key._source_row.tolist() == [1] and key.units_returned.tolist() == [3]


def test_unknown_store_fails(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "9999,SKU-1,01/07/2024,4")
    _assert_failed(
        *_pipeline(make_params(), raw_default, tmp_path, capsys),
        "unknown_store",
        [r"column: store_id", r"shipments_2024\.csv row 31", r"store_id=9999"],
    )


def test_unknown_product_fails(make_params, raw_default, tmp_path, capsys):
    _append(raw_default / "shipments" / "shipments_2024.csv", "1001,SKU-404,01/07/2024,4")
    _assert_failed(
        *_pipeline(make_params(), raw_default, tmp_path, capsys),
        "unknown_product",
        [r"column: product_id", r"row 31", r"product_id=SKU-404"],
    )


def test_too_few_rows_and_stale_data_fail(make_params, raw_default, tmp_path, capsys):
    params = make_params(
        **{
            "validation.too_few_rows.min_rows": 1000,
            "validation.stale_data.action": "fail",
            "validation.stale_data.reference_date": "2025-01-06",
        }
    )
    rc, err, out, report_path = _pipeline(params, raw_default, tmp_path, capsys)
    assert rc == 2 and "'too_few_rows' failed" in err and "'stale_data' failed" in err
    assert out.read_bytes() == PREVIOUS
    report = json.loads(report_path.read_text())
    assert report["stale_data"]["examples"][0]["week_start"] == "2024-02-26"


def test_missing_validated_input(make_params, tmp_path, capsys):
    rc = cli.main(
        [
            "validate",
            "--params",
            str(make_params()),
            "--in",
            str(tmp_path / "no.parquet"),
            "--out",
            str(tmp_path / "v.parquet"),
            "--report",
            str(tmp_path / "r.json"),
        ]
    )
    assert rc == 2 and "no.parquet: not found" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# unit level


def _table() -> pd.DataFrame:
    n = 4
    return pd.DataFrame(
        {
            "region": pd.Series(["r"] * n, dtype="str"),
            "store_id": pd.Series(["1", "1", "2", "2"], dtype="str"),
            "store_format": pd.Series(["large"] * n, dtype="str"),
            "product_id": pd.Series(["a", "b", "a", "b"], dtype="str"),
            "category": pd.Series(["c"] * n, dtype="str"),
            "zip": pd.Series(["00001"] * n, dtype="str"),
            "week_start": pd.to_datetime(["2024-01-01"] * n).astype("datetime64[ns]"),
            "units_shipped": [1.0, np.nan, 200.0, 3.0],
            "units_returned": [0.0, 0.0, np.nan, 0.0],
            "net_demand": [1.0, np.nan, np.nan, 3.0],
            "promo_discount": [0.0, 1.5, -0.1, 0.2],
            "is_event_week": np.zeros(n, np.int8),
            "event_names": pd.Series([""] * n, dtype="str"),
            "temperature_c": [60.0, -50.0, 10.0, np.nan],
            "precipitation_mm": [0.0] * n,
            "weather_source": pd.Series(["observed"] * n, dtype="str"),
            "is_future": [False] * n,
            "_filled": [False] * n,
            "_source_file": pd.Series(["f.csv"] * n, dtype="str"),
            "_source_row": pd.array([1, 2, 3, 4], dtype="Int64"),
        }
    )


def _rules(**rules) -> dict:
    """conf/'s validation rules (the only place their defaults live) with test overrides."""
    base = compose(["env=local"], REPO / "conf")["validation"]
    fixed = {"too_few_rows": {"min_rows": 1}, "stale_data": {"reference_date": "2024-01-08"}}
    return OmegaConf.to_container(OmegaConf.merge(base, fixed, rules))


def _cfg(**rules) -> ValidationConfig:
    return ValidationConfig.model_validate(_rules(**rules))


def test_clip_fill_zero_and_report_actions():
    df, report, failed = validate(
        _table(),
        _cfg(
            demand_max={
                "severity": "warning",
                "action": "report",
                "column": "units_shipped",
                "max": 100,
            }
        ),
    )
    assert not failed and report["summary"]["passed"]
    assert df.temperature_c.tolist()[:3] == [50.0, -40.0, 10.0]  # clipped, NaN untouched
    assert np.isnan(df.temperature_c.iloc[3])
    assert df.promo_discount.tolist() == [0.0, 1.0, 0.0, 0.2]
    assert df.units_shipped.tolist() == [1.0, 0.0, 200.0, 3.0]  # missing -> 0
    assert df.units_returned.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert df.net_demand.tolist() == [1.0, 0.0, 200.0, 3.0]
    assert report["missing_values"]["violations"] == 2
    assert report["temperature_range"]["violations"] == 2
    assert report["promo_range"]["violations"] == 2
    assert report["demand_max"]["violations"] == 1 and df.units_shipped.max() == 200
    json.dumps(report, allow_nan=False)


def test_drop_action_and_disabled_rule():
    df, report, _ = validate(
        _table(),
        _cfg(
            temperature_range={"action": "drop", "column": "temperature_c", "min": -40, "max": 50},
            promo_range={"enabled": False, "column": "promo_discount"},
        ),
    )
    assert len(df) == 2 and report["promo_range"]["violations"] == 0


def test_schema_rule_names_the_columns():
    bad = _table().drop(columns=["zip"]).astype({"units_shipped": "str"})
    _, report, failed = validate(bad, _cfg())
    assert [c.name for c in failed] == ["schema"]
    cols = {e["column"] for e in report["schema"]["examples"]}
    assert cols == {"zip", "units_shipped"}
    assert "zip" in failed[0].message(None)


def test_unsupported_action_is_a_config_error():
    with pytest.raises(ValidationError, match="not supported"):
        ValidationConfig.model_validate(_rules(duplicates={"action": "clip"}))
    with pytest.raises(ValidationError, match="no_such_rule"):
        ValidationConfig.model_validate({**_rules(), "no_such_rule": {}})


def test_missing_weeks_catches_a_region_whose_feed_lags(make_params, raw_default, tmp_path, capsys):
    """Store 2001 is its region's only store: a week without its rows is still an outage while
    stores elsewhere reported, not a week of zero demand."""
    path = raw_default / "shipments" / "shipments_2024.csv"
    path.write_text(path.read_text().replace("2001,SKU-1,01/21/2024,7\n", ""))
    rc, err, out, report_path = _pipeline(make_params(), raw_default, tmp_path, capsys)
    assert rc == 0, err
    examples = json.loads(report_path.read_text())["missing_weeks"]["examples"]
    assert {"store_id": "2001", "week_start": "2024-01-15"}.items() <= next(
        e for e in examples if e["store_id"] == "2001"
    ).items()
    df = pd.read_parquet(out)
    assert not ((df.store_id == "2001") & (df.week_start == "2024-01-15")).any()


def test_a_range_bound_relative_to_the_data():
    """demand_max as 10 x the median of the raw history values: the same rule fits units or
    dollars; zero-filled rows do not count, and the report says what the bound came to."""
    table = _table()
    table.loc[1, "_filled"] = True  # raw values left: 1, 200, 3 -> median 3 -> bound 30
    relative = {"max": {"quantile": 0.5, "factor": 10}}
    _, report, failed = validate(table, _cfg(demand_max=relative))
    entry = report["demand_max"]
    assert not failed and entry["violations"] == 1 and entry["examples"][0]["units_shipped"] == 200
    assert entry["description"] == (
        "units_shipped outside [None, 10 x its 0.5 quantile]: [-, 30] on this data"
    )
    scaled = table.assign(units_shipped=table.units_shipped * 1000)  # dollars, not units
    assert validate(scaled, _cfg(demand_max=relative))[1]["demand_max"]["violations"] == 1
    clipped, _, _ = validate(table, _cfg(demand_max={**relative, "action": "clip"}))
    assert clipped.units_shipped.max() == 30


def test_relative_bounds_are_checked_config():
    with pytest.raises(ValidationError, match=r"demand_max\.max"):
        _cfg(demand_max={"max": {"quantile": 1.5, "factor": 10}})


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


def test_daily_rows_fail_duplicates_unless_aggregated(make_params, raw_default, tmp_path, capsys):
    """The reported problem: days anchored to their Monday are several raw rows per week."""
    _daily_default_layout(raw_default)
    date = {"from": "SHIP_DATE", "dtype": "date", "format": "%Y-%m-%d", "anchor": "day"}
    path = "data.sources.shipments"
    plain = make_params(**{f"{path}.columns.week_start": date})
    rc, err, _, report = _pipeline(plain, raw_default, tmp_path, capsys)
    assert rc == 2 and "validation rule 'duplicates' failed" in err
    assert json.loads(report.read_text())["duplicates"]["violations"] > 0
    summed = make_params(
        **{f"{path}.columns.week_start": date, f"{path}.aggregate": {"units_shipped": "sum"}}
    )
    rc, err, out, _ = _pipeline(summed, raw_default, tmp_path, capsys)
    assert rc == 0, err
    table = pd.read_parquet(out)
    week = table[(table.store_id == "1001") & (table.product_id == "SKU-1")]
    assert week.set_index("week_start").loc["2024-01-01", "units_shipped"] == 11  # as weekly
