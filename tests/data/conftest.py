"""Tiny hand-written raw fixtures (default company layout and a Walmart-style layout) and params."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from forecastops.config import compose as config_compose

REPO = Path(__file__).resolve().parents[2]
MONDAYS = [dt.date(2023, 12, 25) + dt.timedelta(weeks=i) for i in range(10)]  # .. 2024-02-26
LAST = MONDAYS[-1]
OUTAGE = dt.date(2024, 1, 22)  # store 1002 sends nothing this week
GAP = dt.date(2024, 1, 15)  # 1001 x SKU-2 has no row (zero demand)


def _sunday(monday: dt.date) -> str:
    return (monday + dt.timedelta(days=6)).strftime("%m/%d/%Y")


def write_default_raw(root: Path) -> Path:
    """The 7 sources of docs/contracts.md, a few rows each."""
    (root / "shipments").mkdir(parents=True, exist_ok=True)
    (root / "weather").mkdir(exist_ok=True)
    rows: dict[int, list[str]] = {2023: [], 2024: []}
    for i, m in enumerate(MONDAYS):
        end_year = (m + dt.timedelta(days=6)).year
        rows[end_year].append(f"1001,SKU-1,{_sunday(m)},{10 + i}")
        if m != GAP:
            rows[end_year].append(f"1001,SKU-2,{_sunday(m)},{5}")
        if m != OUTAGE:
            rows[end_year].append(f"1002,SKU-1,{_sunday(m)},{3}")
        if m <= dt.date(2024, 1, 29):  # store 2001 closes 2024-02-05
            rows[end_year].append(f"2001,SKU-1,{_sunday(m)},{7}")
    for year, lines in rows.items():
        (root / "shipments" / f"shipments_{year}.csv").write_text(
            "STORE_NBR,ITEM_NBR,WEEK_END_DT,SHIP_QTY\n" + "\n".join(lines) + "\n"
        )
    returns = [
        {"store": "1001", "sku": "SKU-1", "return_date": "2024-01-03", "qty": 2, "reason": "x"},
        {"store": "1001", "sku": "SKU-1", "return_date": "2024-01-07", "qty": 1, "reason": "x"},
        {"store": "1002", "sku": "SKU-1", "return_date": "2024-01-09", "qty": 50, "reason": "x"},
    ]
    (root / "returns.jsonl").write_text("".join(json.dumps(r) + "\n" for r in returns))
    obs = ["zip_code,obs_date,tmax_f,tmin_f,precip_in"]
    day = dt.date(2023, 12, 25)
    while day <= dt.date(2024, 3, 3):
        for z, tmax, tmin in (("02134", 50, 32), ("02135", 50, 32), ("75001", 86, 68)):
            missing = z == "02135" and day == dt.date(2024, 1, 2)
            obs.append(f"{z},{day:%Y%m%d},{'' if missing else tmax},{tmin},0.1")
        day += dt.timedelta(days=1)
    day = dt.date(2023, 3, 6)  # a year earlier: climatology for the future weeks 11..13
    while day <= dt.date(2023, 4, 2):
        obs.append(f"02134,{day:%Y%m%d},41,41,0.2")
        day += dt.timedelta(days=1)
    (root / "weather" / "observed.csv").write_text("\n".join(obs) + "\n")
    fc = ["zip_code,issued_date,target_date,tmax_f,tmin_f,precip_in"]
    for k in range(7):
        d = dt.date(2024, 3, 4) + dt.timedelta(days=k)
        fc.append(f"02134,20240303,{d:%Y%m%d},68,50,0.0")
    (root / "weather" / "forecast.csv").write_text("\n".join(fc) + "\n")
    demo = {
        "median_income": 68000,
        "pct_families_with_kids": 0.31,
        "pop_density": 5200,
        "median_age": 38.5,
    }
    stores = [
        {
            "store_nbr": 1001,
            "region": "northeast",
            "zip": "02134",
            "sq_ft": 42000,
            "open_date": "2015-03-01",
            "close_date": None,
            "demographics": demo,
        },
        {
            "store_nbr": 1002,
            "region": "northeast",
            "zip": "02135",
            "sq_ft": 12000,
            "open_date": "2015-03-01",
            "close_date": None,
            "demographics": {**demo, "median_age": 30},
        },
        {
            "store_nbr": 2001,
            "region": "texas",
            "zip": "75001",
            "sq_ft": 25000,
            "open_date": "2010-01-01",
            "close_date": "2024-02-05",
            "demographics": demo,
        },
    ]
    (root / "stores.json").write_text(json.dumps(stores, indent=1))
    (root / "products.csv").write_text(
        "ITEM_NBR,DESCRIPTION,CATEGORY,LAUNCH_DATE,DISCONTINUE_DATE,SHELF_LIFE_DAYS\n"
        "SKU-1,Burgers,grill,2012-01-01,,10\n"
        "SKU-2,Tomato Soup,soup,2012-01-01,,400\n"
        "SKU-3,Sorbet,ice_cream,2012-01-01,2020-01-01,200\n"
    )
    (root / "events.csv").write_text(
        "event_date,event_name,scope\n"
        "2024-01-01,New Year's Day,ALL\n"
        "2024-01-15,Patriots Test,northeast\n"
        "2024-02-11,Super Bowl Sunday,ALL\n"
        "2024-02-14,Valentine's Day,ALL\n"
        "2024-03-05,Future Fest,ALL\n"
    )
    (root / "promotions.csv").write_text(
        "promo_id,ITEM_NBR,region,start,end,discount_pct\n"
        "P1,SKU-1,northeast,03.01.2024,12.01.2024,20\n"
        "P2,SKU-1,northeast,08.01.2024,09.01.2024,35\n"
        "P3,SKU-2,texas,01.01.2024,30.01.2024,50\n"
        "P4,SKU-1,northeast,05.03.2024,06.03.2024,10\n"
    )
    return root


def write_walmart_raw(root: Path) -> Path:
    """Walmart store-sales style: train.csv, features.csv, stores.csv (Friday-ending weeks)."""
    root.mkdir(parents=True, exist_ok=True)
    fridays = [dt.date(2010, 2, 5) + dt.timedelta(weeks=i) for i in range(8)]
    train = ["Store,Dept,Date,Weekly_Sales,IsHoliday"]
    for i, f in enumerate(fridays[:6]):
        hol = "TRUE" if f == dt.date(2010, 2, 12) else "FALSE"
        train.append(f"1,1,{f:%Y-%m-%d},{24924.5 + i},{hol}")
        train.append(f"1,2,{f:%Y-%m-%d},{-120.25 if i == 2 else 50.0},{hol}")
        train.append(f"2,1,{f:%Y-%m-%d},{1000.0},{hol}")
    (root / "train.csv").write_text("\n".join(train) + "\n")
    feats = [
        "Store,Date,Temperature,Fuel_Price,MarkDown1,MarkDown2,MarkDown3,MarkDown4,"
        "MarkDown5,CPI,Unemployment,IsHoliday"
    ]
    for s in (1, 2):
        for f in fridays:
            hol = "TRUE" if f == dt.date(2010, 2, 12) else "FALSE"
            feats.append(
                f"{s},{f:%Y-%m-%d},{41.0 if s == 1 else 59.0},2.572,NA,NA,NA,NA,NA,"
                f"211.0963582,8.106,{hol}"
            )
    (root / "features.csv").write_text("\n".join(feats) + "\n")
    (root / "stores.csv").write_text("Store,Type,Size\n1,A,151315\n2,B,202307\n")
    return root


def set_path(params: dict[str, Any], dotted: str, value: Any) -> None:
    node = params
    *parents, leaf = dotted.split(".")
    for p in parents:
        node = node[p]
    node[leaf] = value


@pytest.fixture(scope="session")
def base_params() -> dict[str, dict[str, Any]]:
    """Composed params (env=local) for both data configs, composed once per session."""
    return {
        "default": config_compose.compose(["env=local"], conf_dir=REPO / "conf"),
        "walmart": config_compose.compose(["env=local", "data=walmart"], conf_dir=REPO / "conf"),
    }


@pytest.fixture
def make_params(base_params, tmp_path):
    """Write a params.yaml for the tiny fixtures: ``make_params(data=..., **{dotted: value})``."""

    def make(data: str = "default", **overrides: Any) -> Path:
        params = copy.deepcopy(base_params[data])
        set_path(params, "validation.too_few_rows.min_rows", 1)
        set_path(params, "validation.stale_data.reference_date", "2024-03-04")
        for k, v in overrides.items():
            set_path(params, k.replace("__", "."), v)
        path = tmp_path / f"params_{data}.yaml"
        path.write_text(config_compose.dump(params))
        return path

    return make


@pytest.fixture
def raw_default(tmp_path) -> Path:
    return write_default_raw(tmp_path / "raw")


@pytest.fixture
def raw_walmart(tmp_path) -> Path:
    return write_walmart_raw(tmp_path / "walmart")
