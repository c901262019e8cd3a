"""Write each raw source in its own format (docs/contracts.md), byte-identical for the same world.

The sources mimic different upstream systems, so each keeps its own conventions: shipments as CSV
per year with US dates, returns as JSON Lines, weather with compact dates and fixed decimals,
promotions with European dates. Row order, float formats and JSON key order are fixed, nothing
depends on time, locale or hash order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops_synth.timeline import DAY
from forecastops_synth.world import World


def write_world(world: World, out: Path) -> dict[str, int]:
    """Write all raw sources under `out`; returns the row count of each."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "shipments": _write_shipments(world, out),
        "returns": _write_returns(world.returns, out),
    }
    counts["weather_observed"], counts["weather_forecast"] = _write_weather(world, out)
    counts["stores"] = _write_stores(world.stores, out)
    counts["products"] = _write_products(world.products, out)
    _csv(world.events, out / "events.csv")
    counts["events"] = len(world.events)
    counts["promotions"] = _write_promotions(world.promotions, out)
    return counts


def _write_shipments(world: World, out: Path) -> int:
    """shipments/shipments_<year>.csv, one file per calendar year of the week-ending date."""
    sh = world.shipments
    week_end = world.timeline.weeks + 6 * DAY
    end_str = _fmt_dates(week_end, "%m/%d/%Y")
    end_year = pd.DatetimeIndex(week_end).year.to_numpy()
    s, wk = sh["s"].to_numpy(), sh["w"].to_numpy()
    table = pd.DataFrame(
        {
            "STORE_NBR": world.series.store_nbr[s],
            "ITEM_NBR": world.series.sku[s],
            "WEEK_END_DT": end_str[wk],
            "SHIP_QTY": sh["qty"],
        }
    )
    years = end_year[wk]
    for y in np.unique(years):
        _csv(table[years == y], out / "shipments" / f"shipments_{y}.csv")
    return len(table)


def _write_returns(r: pd.DataFrame, out: Path) -> int:
    """returns.jsonl, keys in the order of docs/contracts.md (built as text, not json.dumps)."""
    lines = (
        '{"store": "'
        + r["store"].astype(str)
        + '", "sku": "'
        + r["sku"]
        + '", "return_date": "'
        + pd.Series(
            _fmt_dates(r["date"].to_numpy().astype("datetime64[D]"), "%Y-%m-%d"), index=r.index
        )
        + '", "qty": '
        + r["qty"].astype(str)
        + ', "reason": "'
        + r["reason"]
        + '"}\n'
    )
    (out / "returns.jsonl").write_text("".join(lines.tolist()), encoding="utf-8")
    return len(r)


def _write_weather(world: World, out: Path) -> tuple[int, int]:
    """weather/observed.csv over the history and weather/forecast.csv for the days after."""
    wx, feed, tl = world.weather, world.weather_feed, world.timeline
    n_h, n_z, n_f = tl.n_days, len(wx.zips), len(feed.forecast_days)
    zips = np.array(wx.zips, dtype=object)
    decimals = {"tmax_f": 1, "tmin_f": 1, "precip_in": 2}
    obs = {
        "zip_code": np.tile(zips, n_h),
        "obs_date": np.repeat(_fmt_dates(wx.days[:n_h], "%Y%m%d"), n_z),
    }
    for name, values in feed.observed.items():
        obs[name] = _fmt_float(values, decimals[name])
    _csv(pd.DataFrame(obs), out / "weather" / "observed.csv")
    fc = pd.DataFrame(
        {
            "zip_code": np.tile(zips, n_f),
            "issued_date": _fmt_dates(np.repeat(tl.last_day, n_f * n_z), "%Y%m%d"),
            "target_date": np.repeat(_fmt_dates(feed.forecast_days, "%Y%m%d"), n_z),
            "tmax_f": _fmt_float(feed.forecast_tmax.ravel(), 1),
            "tmin_f": _fmt_float(feed.forecast_tmin.ravel(), 1),
            "precip_in": _fmt_float(feed.forecast_precip.ravel(), 2),
        }
    )
    _csv(fc, out / "weather" / "forecast.csv")
    return n_h * n_z, len(fc)


def _write_stores(st: pd.DataFrame, out: Path) -> int:
    """stores.json: one object per store, demographics nested, dates ISO or null."""
    stores = [
        {
            "store_nbr": int(row.store_nbr),
            "region": row.region,
            "zip": row.zip,
            "sq_ft": int(row.sq_ft),
            "open_date": _date_or_none(row.open_date),
            "close_date": _date_or_none(row.close_date),
            "demographics": {
                "median_income": int(row.median_income),
                "pct_families_with_kids": float(row.pct_families_with_kids),
                "pop_density": int(row.pop_density),
                "median_age": float(row.median_age),
            },
        }
        for row in st.itertuples(index=False)
    ]
    (out / "stores.json").write_text(
        json.dumps(stores, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return len(stores)


def _write_products(p: pd.DataFrame, out: Path) -> int:
    """products.csv: ISO dates, an empty DISCONTINUE_DATE for products still sold."""
    prod = pd.DataFrame(
        {
            "ITEM_NBR": p["ITEM_NBR"],
            "DESCRIPTION": p["DESCRIPTION"],
            "CATEGORY": p["CATEGORY"],
            "LAUNCH_DATE": [_date_or_none(x) for x in p["launch"]],
            "DISCONTINUE_DATE": [_date_or_none(x) or "" for x in p["discontinue"]],
            "SHELF_LIFE_DAYS": p["SHELF_LIFE_DAYS"],
        }
    )
    _csv(prod, out / "products.csv")
    return len(prod)


def _write_promotions(pr: pd.DataFrame, out: Path) -> int:
    """promotions.csv with dd.mm.yyyy start and end days."""
    table = pd.DataFrame(
        {
            "promo_id": pr["promo_id"],
            "ITEM_NBR": pr["ITEM_NBR"],
            "region": pr["region"],
            "start": _fmt_dates(pr["s"].to_numpy().astype("datetime64[D]"), "%d.%m.%Y"),
            "end": _fmt_dates(pr["e"].to_numpy().astype("datetime64[D]"), "%d.%m.%Y"),
            "discount_pct": pr["discount_pct"],
        }
    )
    _csv(table, out / "promotions.csv")
    return len(table)


def _csv(df: pd.DataFrame, path: Path) -> None:
    """CSV with "\\n" line ends and UTF-8 on every platform."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _date_or_none(x: object) -> str | None:
    return None if pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d")


def _fmt_dates(days: np.ndarray, fmt: str) -> np.ndarray:
    """Format datetime64[D] values (vectorised over unique values)."""
    uniq, inv = np.unique(days, return_inverse=True)
    strs = np.array(pd.DatetimeIndex(uniq).strftime(fmt), dtype=object)
    return strs[inv]


def _fmt_float(x: np.ndarray, decimals: int) -> np.ndarray:
    """Fixed-decimals strings, '' for NaN, never '-0.0'."""
    out = np.full(x.shape, "", dtype=object)
    ok = ~np.isnan(x)
    vals = np.round(x[ok], decimals) + 0.0
    out[ok] = np.char.mod(f"%.{decimals}f", vals).astype(object)
    return out
