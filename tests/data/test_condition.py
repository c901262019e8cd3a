"""condition + adapters on tiny hand-written raw fixtures (default layout and Walmart-style)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from forecastops import cli
from forecastops.config.load import section
from forecastops.config.sections.data import ColumnSpec, DataConfig, SourceSpec, StoreFormatRule
from forecastops.data.adapters.load import load_source
from forecastops.data.condition.stage import condition
from forecastops.data.condition.store_format import store_formats
from forecastops.data.table import BASE_SCHEMA, TAIL_SCHEMA, standard_columns
from forecastops.errors import ForecastopsError

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample"


def _table(params: dict, root: Path, data: str = "default") -> pd.DataFrame:
    return condition(section(params[data], "data", DataConfig), root, 4, 8)[0]


@pytest.fixture
def table(base_params, raw_default) -> pd.DataFrame:
    return _table(base_params, raw_default)


def _row(df: pd.DataFrame, store: str, product: str, week: str) -> pd.Series:
    sel = df[(df.store_id == store) & (df.product_id == product) & (df.week_start == week)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# ---------------------------------------------------------------------------------------------
# the standard table


def test_columns_and_dtypes(table):
    assert list(table.columns) == standard_columns(
        ["median_income", "pct_families_with_kids", "pop_density", "median_age"], []
    )
    for col, kind in {**BASE_SCHEMA, **TAIL_SCHEMA}.items():
        if kind == "string":
            assert pd.api.types.is_string_dtype(table[col]), col
    assert table["week_start"].dtype == "datetime64[ns]"
    assert (table["week_start"].dt.dayofweek == 0).all()
    assert table["is_event_week"].dtype == "int8"
    assert table["is_future"].dtype == bool and table["_filled"].dtype == bool
    assert str(table["_source_row"].dtype) == "Int64"
    for col in ("units_shipped", "units_returned", "net_demand", "promo_discount"):
        assert table[col].dtype == "float64"


def test_grid_lineage_and_future(table):
    hist, fut = table[~table.is_future], table[table.is_future]
    assert len(hist) == 36 and len(fut) == 12  # 3 full series + 1 cut at store close; 3 active x 4
    assert hist.week_start.max() == pd.Timestamp("2024-02-26")
    # week ending Sunday 01/07/2024 -> Monday 2024-01-01; lineage = 1-based data row of its file
    r = _row(table, "1001", "SKU-1", "2024-01-01")
    assert (r._source_file, r._source_row, r.units_shipped) == (
        "shipments/shipments_2024.csv",
        1,
        11,
    )
    assert _row(table, "1001", "SKU-1", "2023-12-25")._source_file == "shipments/shipments_2023.csv"
    # zero-filled gap and outage week
    gap = _row(table, "1001", "SKU-2", "2024-01-15")
    assert gap._filled and gap.units_shipped == 0 and pd.isna(gap._source_row)
    assert _row(table, "1002", "SKU-1", "2024-01-22")._filled
    # store 2001 closes 2024-02-05: last full week 2024-01-29, no future rows
    s2001 = table[table.store_id == "2001"]
    assert s2001.week_start.max() == pd.Timestamp("2024-01-29") and not s2001.is_future.any()
    assert fut.units_shipped.isna().all() and fut.net_demand.isna().all()
    assert sorted(fut.week_start.dt.strftime("%Y-%m-%d").unique()) == [
        "2024-03-04",
        "2024-03-11",
        "2024-03-18",
        "2024-03-25",
    ]


def test_active_within_weeks_excludes_dormant_series(base_params, raw_default):
    ship = raw_default / "shipments" / "shipments_2024.csv"
    lines = [ln for ln in ship.read_text().splitlines() if not ln.startswith("1001,SKU-2")]
    ship.write_text("\n".join(lines) + "\n")
    df, _ = condition(section(base_params["default"], "data", DataConfig), raw_default, 4, 8)
    assert not df[(df.store_id == "1001") & (df.product_id == "SKU-2")].is_future.any()


def test_returns_promotions_events(table):
    r = _row(table, "1001", "SKU-1", "2024-01-01")
    assert r.units_returned == 3 and r.net_demand == 8  # two returns in the week, summed
    neg = _row(table, "1002", "SKU-1", "2024-01-08")
    assert neg.net_demand == -47  # kept: validate clips
    assert r.promo_discount == pytest.approx(0.20)
    assert _row(table, "1001", "SKU-1", "2024-01-08").promo_discount == pytest.approx(0.35)  # max
    assert _row(table, "1001", "SKU-2", "2024-01-08").promo_discount == 0  # P3 is texas only
    assert _row(table, "1001", "SKU-1", "2024-03-04").promo_discount == pytest.approx(0.10)
    assert r.is_event_week == 1 and r.event_names == "New Year's Day"
    assert _row(table, "1001", "SKU-1", "2024-01-15").event_names == "Patriots Test"
    assert _row(table, "2001", "SKU-1", "2024-01-15").is_event_week == 0  # regional event
    assert _row(table, "1001", "SKU-1", "2024-01-22").event_names == ""
    assert _row(table, "1001", "SKU-1", "2024-03-04").event_names == "Future Fest"


def test_weather_units_and_sources(table):
    r = _row(table, "1001", "SKU-1", "2024-01-01")
    assert r.temperature_c == pytest.approx(5.0)  # (50F + 32F) / 2 -> 5 C
    assert r.precipitation_mm == pytest.approx(7 * 2.54)  # 0.1 in a day
    assert r.weather_source == "observed"
    assert _row(table, "2001", "SKU-1", "2024-01-01").temperature_c == pytest.approx(25.0)
    f = _row(table, "1001", "SKU-1", "2024-03-04")
    assert (f.weather_source, f.temperature_c, f.precipitation_mm) == ("forecast", 15.0, 0.0)
    c = _row(table, "1001", "SKU-1", "2024-03-11")
    assert c.weather_source == "climatology" and c.temperature_c == pytest.approx(5.0)
    assert c.precipitation_mm == pytest.approx(7 * 5.08)


def test_store_attributes(table):
    r = _row(table, "1001", "SKU-1", "2024-01-01")
    assert (r.region, r.zip, r.store_format, r.category) == ("northeast", "02134", "large", "grill")
    assert r.median_income == 68000 and r.median_age == 38.5  # nested demographics.*
    assert _row(table, "1002", "SKU-1", "2024-01-01").store_format == "small"
    assert _row(table, "2001", "SKU-1", "2024-01-01").store_format == "large"  # >= 25000


def test_unknown_store_kept_with_null_attributes(base_params, raw_default):
    ship = raw_default / "shipments" / "shipments_2024.csv"
    ship.write_text(ship.read_text() + "9999,SKU-1,01/07/2024,4\n")
    df = _table(base_params, raw_default)
    r = _row(df, "9999", "SKU-1", "2024-01-01")
    assert pd.isna(r.region) and pd.isna(r.median_income) and r.units_shipped == 4


def test_duplicates_kept_as_separate_rows(base_params, raw_default):
    ship = raw_default / "shipments" / "shipments_2024.csv"
    ship.write_text(ship.read_text() + "1001,SKU-1,01/07/2024,11\n")
    df = _table(base_params, raw_default)
    dup = df[(df.store_id == "1001") & (df.product_id == "SKU-1") & (df.week_start == "2024-01-01")]
    assert len(dup) == 2 and dup.units_returned.tolist() == [3.0, 0.0]  # returns on the first only


# ---------------------------------------------------------------------------------------------
# adapter features


def _spec(path: str, fmt: str, **columns) -> SourceSpec:
    return SourceSpec.model_validate({"path": path, "format": fmt, "columns": columns})


@pytest.mark.parametrize(
    ("dates", "anchor", "day", "expected"),
    [
        (["2024-01-07", "2024-01-14"], "week_ending", "sunday", ["2024-01-01", "2024-01-08"]),
        (["2024-01-05", "2024-01-12"], "week_ending", "friday", ["2024-01-01", "2024-01-08"]),
        (["2024-01-01", "2024-01-08"], "week_ending", "monday", ["2023-12-25", "2024-01-01"]),
        (["2023-12-31", "2024-01-07"], "week_starting", "sunday", ["2024-01-01", "2024-01-08"]),
        (["2024-01-03", "2024-01-07"], "day", None, ["2024-01-01", "2024-01-01"]),
    ],
)
def test_week_anchoring(tmp_path, dates, anchor, day, expected):
    (tmp_path / "w.csv").write_text("d\n" + "\n".join(dates) + "\n")
    col = {"from": "d", "dtype": "date", "format": "%Y-%m-%d", "anchor": anchor}
    if day:
        col["week_end_day"] = day
    df = load_source("w", _spec("w.csv", "csv", week_start=col), tmp_path).frame
    assert df["week_start"].dt.strftime("%Y-%m-%d").tolist() == expected


def test_week_end_day_is_checked(tmp_path):
    (tmp_path / "w.csv").write_text("d\n2024-01-07\n2024-01-09\n")
    col = {"from": "d", "dtype": "date", "anchor": "week_ending", "week_end_day": "sunday"}
    with pytest.raises(
        ForecastopsError, match=r"w\.csv, column 'd'.*sunday.*row 2 \('2024-01-09'\)"
    ):
        load_source("w", _spec("w.csv", "csv", week_start=col), tmp_path)


def test_units_maps_constants_nested_filters(tmp_path):
    recs = [
        {"id": 7, "t": 212, "rain": 1, "pct": 25, "type": "A", "info": {"inc": 5.5}, "hol": True},
        {
            "id": 8,
            "t": 32,
            "rain": 0.5,
            "pct": 60,
            "type": "C",
            "info": {"inc": None},
            "hol": False,
        },
    ]
    (tmp_path / "s.json").write_text(json.dumps({"data": {"rows": recs}}))
    spec = SourceSpec.model_validate(
        {
            "path": "s.json",
            "format": "json",
            "records_path": "data.rows",
            "columns": {
                "store_id": "id",
                "temp_c": {"from": "t", "dtype": "float", "convert": "fahrenheit_to_celsius"},
                "precip_mm": {"from": "rain", "dtype": "float", "convert": "inch_to_mm"},
                "discount": {"from": "pct", "dtype": "float", "convert": "percent_to_fraction"},
                "fmt": {"from": "type", "map": {"A": "large"}, "map_default": "small"},
                "kind": {"from": "type", "map": {"A": "big"}},  # unmapped values kept
                "income": {"from": "info.inc", "dtype": "float", "nullable": True},
                "region": {"constant": "all"},
                "holiday": {"from": "hol", "dtype": "bool"},
            },
        }
    )
    df = load_source("s", spec, tmp_path).frame
    assert df["store_id"].tolist() == ["7", "8"]
    assert df["temp_c"].tolist() == pytest.approx([100.0, 0.0])
    assert df["precip_mm"].tolist() == pytest.approx([25.4, 12.7])
    assert df["discount"].tolist() == pytest.approx([0.25, 0.60])
    assert df["fmt"].tolist() == ["large", "small"] and df["kind"].tolist() == ["big", "C"]
    assert df["income"].iloc[0] == 5.5 and pd.isna(df["income"].iloc[1])
    assert df["region"].tolist() == ["all", "all"] and df["holiday"].tolist() == [True, False]
    assert df["_source_row"].tolist() == [1, 2]
    spec.where = {"hol": [True]}
    assert load_source("s", spec, tmp_path).frame["_source_row"].tolist() == [1]


def test_store_format_by_mapping_and_threshold():
    m = StoreFormatRule.model_validate(
        {"column": "t", "mapping": {"A": "large"}, "default": "small"}
    )
    assert store_formats(m, pd.Series(["A", "B", "C"], dtype="str")).tolist() == [
        "large",
        "small",
        "small",
    ]
    t = StoreFormatRule.model_validate({"column": "s", "threshold": 25000})
    assert store_formats(t, pd.Series(["24999", "25000"], dtype="str")).tolist() == [
        "small",
        "large",
    ]
    with pytest.raises(ValueError, match="exactly one"):
        StoreFormatRule.model_validate({"column": "s"})


def test_column_spec_validation():
    with pytest.raises(ValueError, match="exactly one of 'from'"):
        ColumnSpec.model_validate({"dtype": "str"})
    with pytest.raises(ValueError, match="anchor"):
        ColumnSpec.model_validate({"from": "x", "anchor": "day"})


def test_optional_sources_may_be_absent(base_params, raw_default):
    data = json.loads(json.dumps(base_params["default"]["data"]))
    for name in (
        "returns",
        "promotions",
        "products",
        "weather_observed",
        "weather_forecast",
        "events",
    ):
        data["sources"].pop(name)
    df, _ = condition(DataConfig.model_validate(data), raw_default, 4, 8)
    assert list(df.columns) == standard_columns(data["demographics"], [])
    assert (df.category == "all").all() and (df.promo_discount == 0).all()
    assert (df.event_names == "").all() and df.weather_source.isna().all()
    assert (df.units_returned.fillna(0) == 0).all()


# ---------------------------------------------------------------------------------------------
# walmart


def test_walmart_config_produces_standard_table(base_params, raw_walmart):
    df = _table(base_params, raw_walmart, "walmart")
    economy = ["fuel_price", "cpi", "unemployment", *(f"markdown{i}" for i in range(1, 6))]
    assert list(df.columns) == standard_columns([], economy)
    # features.csv per store-week, history and future weeks alike (it ends on Friday 2010-03-26,
    # so the last two future weeks have none); markdowns are all NA here
    covered = df.week_start <= "2010-03-22"
    assert df.loc[covered, "cpi"].to_numpy() == pytest.approx(211.0963582)
    assert df.loc[~covered, "cpi"].isna().all() and df.loc[~covered, "is_future"].all()
    assert (df.loc[covered, "fuel_price"] == 2.572).all() and df["markdown3"].isna().all()
    hist = df[~df.is_future]
    assert len(hist) == 18 and (df.region == "all").all()
    # Friday 2010-02-05 ends the Sat..Fri week -> Monday 2010-02-01
    assert hist.week_start.min() == pd.Timestamp("2010-02-01")
    assert set(df[df.store_id == "1"].store_format) == {"large"}
    assert set(df[df.store_id == "2"].store_format) == {"small"}
    assert set(df.product_id) == {"1", "2"} and (df.category == "all").all()
    r = _row(df, "1", "2", "2010-02-15")
    assert r.units_shipped == -120.25  # negative sales kept for validate
    hol = df[df.week_start == "2010-02-08"]
    assert (hol.is_event_week == 1).all() and (hol.event_names == "holiday").all()
    assert _row(df, "1", "1", "2010-02-01").temperature_c == pytest.approx(5.0)
    assert _row(df, "2", "1", "2010-02-01").temperature_c == pytest.approx(15.0)
    f = _row(df, "1", "1", "2010-03-15")
    assert f.is_future and f.weather_source == "forecast"


# ---------------------------------------------------------------------------------------------
# bad input through the real CLI: exit 2, clear message, previous output intact


def _run_condition(params: Path, root: Path, out: Path, capsys) -> tuple[int, str]:
    rc = cli.main(["condition", "--params", str(params), "--data", str(root), "--out", str(out)])
    return rc, capsys.readouterr().err


@pytest.fixture
def previous_output(tmp_path) -> Path:
    out = tmp_path / "artifacts" / "conditioned.parquet"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"previous conditioned table")
    return out


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


BAD_INPUTS = {
    "missing_column": (
        lambda r: _replace(r / "shipments/shipments_2024.csv", "SHIP_QTY", "QTY"),
        [r"shipments_2024\.csv", r"missing column.*SHIP_QTY"],
    ),
    "wrong_type": (
        lambda r: _replace(
            r / "shipments/shipments_2024.csv",
            "1001,SKU-2,01/14/2024,5",
            "1001,SKU-2,01/14/2024,five",
        ),
        [r"shipments_2024\.csv, column 'SHIP_QTY'", r"wrong type.*row 6 \('five'\)"],
    ),
    "unparsable_date": (
        lambda r: _replace(r / "shipments/shipments_2024.csv", "01/14/2024", "2024-01-14"),
        [r"shipments_2024\.csv, column 'WEEK_END_DT'", r"unparsable date.*row 5 \('2024-01-14'\)"],
    ),
    "corrupt_csv": (
        lambda r: _replace(r / "products.csv", "SKU-2,Tomato Soup,", "SKU-2,Tomato, Soup,x,"),
        [r"products\.csv", r"corrupt CSV"],
    ),
    "corrupt_json": (
        lambda r: (r / "stores.json").write_text('[{"store_nbr": 1001, "region": '),
        [r"stores\.json", r"corrupt JSON"],
    ),
    "corrupt_jsonl": (
        lambda r: (r / "returns.jsonl").write_text('{"store": "1001"}\n{"store": \n'),
        [r"returns\.jsonl", r"row 2 is not valid JSON"],
    ),
    "empty_file": (
        lambda r: (r / "events.csv").write_text(""),
        [r"events\.csv", r"empty file"],
    ),
    "header_only": (
        lambda r: (r / "events.csv").write_text("event_date,event_name,scope\n"),
        [r"events\.csv", r"empty file"],
    ),
    "missing_file": (
        lambda r: (r / "products.csv").unlink(),
        [r"products\.csv", r"not found"],
    ),
    "glob_matches_nothing": (
        lambda r: [p.unlink() for p in (r / "shipments").glob("*.csv")],
        [r"shipments/\*\.csv", r"no file matches"],
    ),
    "missing_value": (
        lambda r: _replace(
            r / "shipments/shipments_2024.csv", "1001,SKU-2,01/14/2024,5", "1001,,01/14/2024,5"
        ),
        [r"shipments_2024\.csv, column 'ITEM_NBR'", r"missing value.*row 6"],
    ),
    # a sentinel date beyond what a timestamp holds, a count beyond int64: named, no traceback
    "date_beyond_timestamps": (
        lambda r: _replace(r / "products.csv", "2020-01-01", "9999-12-31"),
        [r"products\.csv, column 'DISCONTINUE_DATE'", r"date outside.*row 3 \('9999-12-31'\)"],
    ),
    "int_beyond_int64": (
        lambda r: _replace(
            r / "shipments/shipments_2024.csv",
            "1001,SKU-2,01/14/2024,5",
            "1001,SKU-2,01/14/2024,1e30",
        ),
        [r"shipments_2024\.csv, column 'SHIP_QTY'", r"wrong type.*row 6 \('1e30'\)"],
    ),
    "binary_garbage": (  # NUL padding, as a crash leaves it
        lambda r: _replace(r / "shipments/shipments_2023.csv", "SKU-1", "SKU-\x00\x00\x00\x001"),
        [r"shipments_2023\.csv: line 2: binary garbage"],
    ),
    "header_cut_off": (
        lambda r: (r / "events.csv").write_text("event_date,event_na"),
        [r"events\.csv: empty file", r"its only line \(1\) was cut off: 'event_date,event_na'"],
    ),
    "only_row_cut_off": (
        lambda r: (r / "events.csv").write_text("event_date,event_name,scope\n2024-01-01,New Y"),
        [r"events\.csv: empty file", r"only data row \(line 2\) was cut off: '2024-01-01,New Y'"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_cleanly(case, make_params, raw_default, previous_output, capsys):
    mutate, patterns = BAD_INPUTS[case]
    mutate(raw_default)
    rc, err = _run_condition(make_params(), raw_default, previous_output, capsys)
    assert rc == 2, err
    for pat in patterns:
        assert re.search(pat, err, flags=re.S), (pat, err)
    assert "Traceback" not in err
    assert previous_output.read_bytes() == b"previous conditioned table"


def test_cli_writes_table(make_params, raw_default, previous_output, capsys):
    rc, err = _run_condition(make_params(), raw_default, previous_output, capsys)
    assert rc == 0, err
    df = pd.read_parquet(previous_output)
    assert len(df) == 48 and df["week_start"].dtype == "datetime64[ns]"


@pytest.mark.skipif(not (SAMPLE / "stores.json").is_file(), reason="no committed sample yet")
def test_sample_conditions_and_validates(make_params, tmp_path, capsys):
    params = make_params(**{"validation.too_few_rows.min_rows": 100})
    cond, val = tmp_path / "c.parquet", tmp_path / "v.parquet"
    assert (
        cli.main(["condition", "--params", str(params), "--data", str(SAMPLE), "--out", str(cond)])
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
            str(val),
            "--report",
            str(tmp_path / "r.json"),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    df = pd.read_parquet(val)
    assert df.is_future.any() and set(df.weather_source.dropna()) <= {
        "observed",
        "forecast",
        "climatology",
    }
    assert dt.date.today()  # the sample is fixed in time; stale_data is a warning only


def test_weather_keys_must_agree_with_each_other_and_the_stores(
    make_params, raw_default, previous_output, capsys
):
    """Mis-keyed weather is a named config error, not a KeyError or silently missing weather."""
    params = make_params(**{"data.sources.weather_observed": None})
    rc, err = _run_condition(params, raw_default, previous_output, capsys)
    assert rc == 2 and "weather_forecast needs data.sources.weather_observed" in err
    params = make_params(**{"data.sources.weather_forecast.columns.store_id": "zip_code"})
    cfg = yaml.safe_load(params.read_text())
    del cfg["data"]["sources"]["weather_forecast"]["columns"]["zip"]
    params.write_text(yaml.safe_dump(cfg))
    rc, err = _run_condition(params, raw_default, previous_output, capsys)
    assert rc == 2 and "both be keyed by 'zip' or both by 'store_id'" in err
    assert previous_output.read_bytes() == b"previous conditioned table"
