"""The synthetic data generator: determinism, the committed sample, and the realism it promises."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from forecastops import cli
from forecastops.config.load import section
from forecastops.errors import ForecastopsError
from forecastops_synth.calendar import easter, event_date, nth_weekday
from forecastops_synth.config import EventSpec, SynthConfig
from forecastops_synth.generate import generate, load_config
from forecastops_synth.stores import make_stores
from forecastops_synth.timeline import Timeline

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "conf"
SAMPLE = REPO / "sample"
LARGE_SQFT = 25000
FAST = 12.0


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample_cfg() -> SynthConfig:
    return load_config(["synth=sample"], CONF)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, sample_cfg) -> tuple[Path, Path]:
    a = tmp_path_factory.mktemp("a") / "sample"
    b = tmp_path_factory.mktemp("b") / "sample"
    assert cli.main(["generate", "synth=sample", "--conf", str(CONF), "--out", str(a)]) == 0
    generate(sample_cfg, b)
    return a, b


@pytest.fixture(scope="module")
def data() -> dict:
    ship = pd.concat(
        [
            pd.read_csv(p, dtype={"ITEM_NBR": str, "WEEK_END_DT": str})
            for p in sorted((SAMPLE / "shipments").glob("shipments_*.csv"))
        ],
        ignore_index=True,
    )
    ship["week"] = pd.to_datetime(ship["WEEK_END_DT"], format="%m/%d/%Y") - pd.Timedelta(days=6)
    stores = pd.DataFrame(json.loads((SAMPLE / "stores.json").read_text()))
    stores["large"] = stores["sq_ft"] > LARGE_SQFT
    products = pd.read_csv(SAMPLE / "products.csv", dtype=str, keep_default_na=False)
    ship = ship.merge(
        stores[["store_nbr", "region", "large", "close_date"]],
        left_on="STORE_NBR",
        right_on="store_nbr",
    )
    ship = ship.merge(products[["ITEM_NBR", "CATEGORY"]], on="ITEM_NBR")
    returns = pd.read_json(SAMPLE / "returns.jsonl", lines=True, dtype={"store": str, "sku": str})
    return {"ship": ship, "stores": stores, "products": products, "returns": returns}


# ---- determinism and the committed sample -------------------------------------------------------
def test_generation_is_byte_identical_and_matches_committed_sample(generated):
    a, b = generated
    fa, fb = _files(a), _files(b)
    assert fa == fb, "two runs with the same config differ"
    committed = _files(SAMPLE)
    assert sorted(committed) == sorted(fa)
    stale = [name for name in fa if fa[name] != committed[name]]
    assert not stale, (
        f"sample is stale ({stale}): "
        "run `forecastops generate synth=sample --out sample` and commit it"
    )


def test_sample_is_small():
    total = sum(len(v) for v in _files(SAMPLE).values())
    assert total < 2_000_000, f"sample is {total} bytes (limit 2 MB)"


def test_config_is_validated(sample_cfg):
    bad = sample_cfg.model_dump(mode="json") | {"start_week": "2023-01-03"}
    with pytest.raises(ForecastopsError, match="Monday"):
        section({"synth": bad}, "synth", SynthConfig)
    bad = sample_cfg.model_dump(mode="json") | {"include_regions": ["atlantis"]}
    with pytest.raises(ForecastopsError, match="atlantis"):
        section({"synth": bad}, "synth", SynthConfig)


def test_default_config_shape():
    cfg = load_config([], CONF)
    assert cfg.start_week == dt.date(2017, 1, 2) and cfg.end_week == dt.date(2026, 11, 16)
    ids = list(yaml.safe_load((CONF / "segments" / "default.yaml").read_text())["all_regions"])
    assert cfg.region_ids() == ids
    assert len(ids) == 14 and 90 <= cfg.n_stores <= 110


# ---- calendar ------------------------------------------------------------------------------------
def test_moving_holidays():
    assert easter(2024) == dt.date(2024, 3, 31)
    assert easter(2025) == dt.date(2025, 4, 20)
    assert easter(2019) == dt.date(2019, 4, 21)
    assert nth_weekday(2026, 11, 3, 4) == dt.date(2026, 11, 26)  # Thanksgiving
    assert nth_weekday(2025, 5, 0, -1) == dt.date(2025, 5, 26)  # Memorial Day
    assert nth_weekday(2024, 9, 0, 1) == dt.date(2024, 9, 2)  # Labor Day
    sb = EventSpec(name="sb", rule="superbowl")
    assert event_date(sb, 2020) == dt.date(2020, 2, 2)
    assert event_date(sb, 2024) == dt.date(2024, 2, 11)


# ---- layout (docs/contracts.md) -----------------------------------------------------------------
def test_raw_layout_and_formats(sample_cfg):
    first = (SAMPLE / "shipments" / "shipments_2024.csv").read_text().splitlines()
    assert first[0] == "STORE_NBR,ITEM_NBR,WEEK_END_DT,SHIP_QTY"
    assert re.fullmatch(r"\d+,SKU-\d{5},\d{2}/\d{2}/2024,-?\d+", first[1])
    weeks = pd.to_datetime(
        pd.concat(
            [pd.read_csv(p, dtype=str)["WEEK_END_DT"] for p in (SAMPLE / "shipments").glob("*.csv")]
        ),
        format="%m/%d/%Y",
    )
    assert (weeks.dt.day_of_week == 6).all()
    assert weeks.max() == pd.Timestamp(sample_cfg.end_week) + pd.Timedelta(days=6)
    stores = json.loads((SAMPLE / "stores.json").read_text())
    keys = {"store_nbr", "region", "zip", "sq_ft", "open_date", "close_date", "demographics"}
    assert all(set(s) == keys for s in stores)
    assert all(re.fullmatch(r"\d{5}", s["zip"]) for s in stores)
    assert any(s["zip"].startswith("0") for s in stores), "no zip with a leading zero"
    assert len({s["zip"] for s in stores}) < len(stores), "no store shares a zip"
    assert {s["region"] for s in stores} == {"northeast", "texas"}
    demo = {"median_income", "pct_families_with_kids", "pop_density", "median_age"}
    assert all(set(s["demographics"]) == demo for s in stores)
    obs = pd.read_csv(SAMPLE / "weather" / "observed.csv", dtype={"zip_code": str, "obs_date": str})
    assert list(obs.columns) == ["zip_code", "obs_date", "tmax_f", "tmin_f", "precip_in"]
    assert obs[["tmax_f", "tmin_f", "precip_in"]].isna().any().any(), "no empty weather cells"
    assert set(obs["zip_code"]) == {s["zip"] for s in stores}
    fc = pd.read_csv(SAMPLE / "weather" / "forecast.csv", dtype=str)
    assert list(fc.columns) == [
        "zip_code",
        "issued_date",
        "target_date",
        "tmax_f",
        "tmin_f",
        "precip_in",
    ]
    last = pd.Timestamp(sample_cfg.end_week) + pd.Timedelta(days=6)
    targets = pd.to_datetime(fc["target_date"], format="%Y%m%d")
    assert targets.min() == last + pd.Timedelta(days=1)
    assert targets.max() == last + pd.Timedelta(days=14)
    prod = pd.read_csv(SAMPLE / "products.csv", dtype=str, keep_default_na=False)
    assert list(prod.columns) == [
        "ITEM_NBR", "DESCRIPTION", "CATEGORY", "LAUNCH_DATE", "DISCONTINUE_DATE", "SHELF_LIFE_DAYS"
    ]  # fmt: skip
    promos = pd.read_csv(SAMPLE / "promotions.csv", dtype=str)
    assert list(promos.columns) == [
        "promo_id",
        "ITEM_NBR",
        "region",
        "start",
        "end",
        "discount_pct",
    ]
    assert promos["start"].str.fullmatch(r"\d{2}\.\d{2}\.\d{4}").all()
    assert promos["discount_pct"].astype(int).between(0, 60).all()
    line = (SAMPLE / "returns.jsonl").read_text().splitlines()[0]
    assert set(json.loads(line)) == {"store", "sku", "return_date", "qty", "reason"}


# ---- realism -------------------------------------------------------------------------------------
def _series_weeks(data: dict, end_week: dt.date) -> pd.DataFrame:
    """Per store x item: mean weekly demand and zero share over first shipment .. end/close."""
    ship = data["ship"]
    last = pd.Timestamp(end_week)
    g = ship.groupby(["STORE_NBR", "ITEM_NBR"])
    out = g.agg(
        first=("week", "min"),
        rows=("week", "size"),
        units=("SHIP_QTY", "sum"),
        region=("region", "first"),
        large=("large", "first"),
        close=("close_date", "first"),
    )
    close = pd.to_datetime(out["close"]) - pd.Timedelta(days=7)
    end = close.where(close.notna() & (close < last), last)
    out["weeks"] = ((end - out["first"]).dt.days // 7 + 1).clip(lower=1)
    out["mean"] = out["units"] / out["weeks"]
    out["zero_share"] = 1 - out["rows"] / out["weeks"]
    return out


def test_every_segment_has_fast_and_slow_series(data, sample_cfg):
    s = _series_weeks(data, sample_cfg.end_week)
    s["velocity"] = np.where(s["mean"] >= FAST, "fast", "slow")
    counts = s.groupby(["region", "large", "velocity"]).size()
    assert len(counts) == 8 and (counts >= 2).all(), counts
    stores = data["stores"]
    per_region = stores.groupby(["region", "large"]).size()
    assert (per_region >= 2).all() and len(per_region) == 4


def test_slow_series_are_intermittent(data, sample_cfg):
    s = _series_weeks(data, sample_cfg.end_week)
    slow = s[s["mean"] < FAST]
    assert len(slow) >= 0.4 * len(s)
    assert slow["zero_share"].median() > 0.08
    assert (slow["zero_share"] > 0.3).sum() >= 10
    assert s["mean"].max() > 100  # and real fast movers


def test_store_openings_closures_and_launches(data, sample_cfg):
    ship, stores, products = data["ship"], data["stores"], data["products"]
    start = pd.Timestamp(sample_cfg.start_week)
    late = stores[pd.to_datetime(stores["open_date"]) > start]
    closed = stores[stores["close_date"].notna()]
    assert len(late) >= 1 and len(closed) >= 1
    for row in late.itertuples():
        weeks = ship.loc[ship["STORE_NBR"] == row.store_nbr, "week"]
        assert len(weeks) and weeks.min() >= pd.Timestamp(row.open_date)
    for row in closed.itertuples():
        weeks = ship.loc[ship["STORE_NBR"] == row.store_nbr, "week"]
        assert weeks.max() + pd.Timedelta(days=6) < pd.Timestamp(row.close_date)
    launched = products[pd.to_datetime(products["LAUNCH_DATE"]) > start]
    assert len(launched) >= 1 and (products["DISCONTINUE_DATE"] != "").sum() >= 1
    for row in launched.itertuples():
        weeks = ship.loc[ship["ITEM_NBR"] == row.ITEM_NBR, "week"]
        assert weeks.min() >= pd.Timestamp(row.LAUNCH_DATE)


def test_easter_moves_and_lifts_easter_categories(data):
    events = pd.read_csv(SAMPLE / "events.csv", dtype=str)
    easter = pd.to_datetime(events.loc[events["event_name"] == "Easter", "event_date"])
    assert easter.dt.strftime("%m-%d").nunique() >= 3
    ship = data["ship"]
    weekly = ship[ship["CATEGORY"].isin(["ham", "eggs"])].groupby("week")["SHIP_QTY"].sum()
    for day in easter:
        wk = day - pd.Timedelta(days=day.day_of_week)
        around = [wk + pd.Timedelta(weeks=k) for k in (-6, -5, -4, 4, 5, 6)]
        assert weekly[wk] > 1.4 * weekly.reindex(around).mean(), day


def test_events_and_promotions_cover_the_future(sample_cfg):
    end = pd.Timestamp(sample_cfg.end_week)
    events = pd.read_csv(SAMPLE / "events.csv", dtype=str)
    dates = pd.to_datetime(events["event_date"])
    assert dates.max() >= end + pd.Timedelta(weeks=8)
    assert (events["scope"] != "ALL").any() and set(events["scope"]) <= {
        "ALL",
        "northeast",
        "texas",
    }
    promos = pd.read_csv(SAMPLE / "promotions.csv", dtype=str)
    starts = pd.to_datetime(promos["start"], format="%d.%m.%Y")
    assert (starts > end + pd.Timedelta(days=6)).sum() >= 5


def test_promotions_raise_demand(data):
    ship = data["ship"]
    promos = pd.read_csv(SAMPLE / "promotions.csv", dtype={"discount_pct": int})
    promos["s"] = pd.to_datetime(promos["start"], format="%d.%m.%Y")
    promos["e"] = pd.to_datetime(promos["end"], format="%d.%m.%Y")
    aligned = promos[promos["s"].dt.day_of_week == 0]
    weeks = []
    for row in aligned.itertuples():
        for k in range((row.e - row.s).days // 7 + 1):
            weeks.append(
                (row.region, row.ITEM_NBR, row.s + pd.Timedelta(weeks=k), row.discount_pct)
            )
    on = pd.DataFrame(weeks, columns=["region", "ITEM_NBR", "week", "pct"])
    s = ship.merge(on, on=["region", "ITEM_NBR", "week"], how="left")
    s["promo"] = s["pct"].notna()
    by = s.groupby(["STORE_NBR", "ITEM_NBR", "promo"])["SHIP_QTY"].mean().unstack()
    ratio = (by[True] / by[False]).dropna()
    assert len(ratio) > 50 and ratio.median() > 1.3
    deep = s[s["pct"] >= 40].groupby(["STORE_NBR", "ITEM_NBR"])["SHIP_QTY"].mean()
    shallow = s[s["pct"] <= 20].groupby(["STORE_NBR", "ITEM_NBR"])["SHIP_QTY"].mean()
    assert (deep / shallow).dropna().median() > 1.1


def test_quirks_outages_negatives_and_returns(data, sample_cfg):
    ship, returns = data["ship"], data["returns"]
    assert (ship["SHIP_QTY"] < 0).sum() >= 1
    # outages: a store-week with no rows at all while the store shipped the weeks around it
    store_weeks = ship.groupby("STORE_NBR")["week"].apply(lambda w: set(w))
    gaps = 0
    for weeks in store_weeks:
        for w in weeks:
            nxt = w + pd.Timedelta(weeks=1)
            if nxt not in weeks and nxt + pd.Timedelta(weeks=1) in weeks:
                gaps += 1
    assert gaps >= 1
    # returns: a few percent of shipments, dated daily, sometimes above a week's shipments
    ratio = returns["qty"].sum() / ship["SHIP_QTY"].sum()
    assert 0.01 <= ratio <= 0.05, ratio
    rdate = pd.to_datetime(returns["return_date"])
    assert rdate.dt.day_of_week.nunique() == 7
    returns["week"] = rdate - pd.to_timedelta(rdate.dt.day_of_week, unit="D")
    returns["STORE_NBR"] = returns["store"].astype(int)
    r = returns.groupby(["STORE_NBR", "sku", "week"])["qty"].sum().rename("ret").reset_index()
    m = r.merge(
        ship, left_on=["STORE_NBR", "sku", "week"], right_on=["STORE_NBR", "ITEM_NBR", "week"]
    )
    assert (m["ret"] > m["SHIP_QTY"]).any()
    assert set(returns["reason"]) >= {"damaged", "expired"}


def test_region_copies_scale_regions_with_the_same_stores_per_region(sample_cfg):
    """`synth.region_copies: k` (the benchmark's 14/56/140 regions): k times the regions, each copy
    with its original's climate and number of stores, and the same product catalog."""
    cfg = load_config(["synth=sample", "synth.region_copies=3"], CONF)
    originals = sample_cfg.region_ids()
    assert cfg.region_ids() == [*originals, *(f"{r}_{i}" for i in (2, 3) for r in originals)]
    assert cfg.n_stores == 3 * sample_cfg.n_stores and cfg.n_products == sample_cfg.n_products
    assert cfg.regions["texas_3"] == cfg.regions["texas"]
    rng = np.random.default_rng(cfg.seed)
    stores = make_stores(cfg, rng, Timeline.from_config(cfg))
    per_region = stores.groupby("region").size()
    for region in originals:
        assert per_region[f"{region}_2"] == per_region[f"{region}_3"] == per_region[region]
    assert load_config(["synth=sample", "synth.region_copies=1"], CONF) == sample_cfg
