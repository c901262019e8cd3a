"""Stage ``condition``: raw sources (through the adapters in ``data``) -> the standard weekly table.

One row per raw shipment row (duplicates kept: ``validate`` decides), zero-filled rows
(``_filled=True``) over each store x product series' active span (first shipment week .. last history
week, cut at store close / product discontinuation: a week is kept only if it ends (Sunday) before
the close / discontinue date, which is the first day closed),
and ``is_future=True`` rows for the next ``horizon_weeks`` weeks of every active series (store open,
product not discontinued, shipped (> 0 units) within the last ``active_within_weeks`` history weeks).

Joins: returns (summed per store x product x week, put on the first row of that key), promotions
(max discount of the promotions overlapping the week, per product x region, or every region for the
``all_scope`` value), events (per region or every region: ``is_event_week``, ``|``-joined sorted
names), weather (weekly mean of the daily mean temperature ((tmax + tmin) / 2 unless the source maps
``temp_c``), weekly precipitation total = sum of the reported days x 7 / number of reported days for a
daily source), keyed by the store's zip (or by store_id when the weather source maps ``store_id``
instead of ``zip``). History rows use observed weather, future rows the forecast; where those are
missing the climatology (key x ISO week-of-year mean of the observed weeks, week 53 counted as 52)
fills in; ``weather_source`` says which. Stores unknown to the stores source keep null attributes
(``region`` null) so that ``validate`` can name them; unknown products get a null ``category``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.data import DataConfig, SourceSpec
from forecastops.data.adapters import load_source, monday, require_columns
from forecastops.errors import ForecastopsError

K = 100_000  # week index multiplier in composite integer keys (week index = weeks since 1970-01-05)
BIG = np.iinfo(np.int64).max // 4

# The standard weekly table (docs/contracts.md): column -> kind, in output order. Demographic
# columns (named by the adapter config, float) go between the base and the tail columns.
BASE_SCHEMA = {
    "region": "string",
    "store_id": "string",
    "store_format": "string",
    "product_id": "string",
    "category": "string",
    "zip": "string",
    "week_start": "datetime",
    "units_shipped": "float",
    "units_returned": "float",
    "net_demand": "float",
    "promo_discount": "float",
    "is_event_week": "int",
    "event_names": "string",
    "temperature_c": "float",
    "precipitation_mm": "float",
    "weather_source": "string",
}
TAIL_SCHEMA = {
    "is_future": "bool",
    "_filled": "bool",
    "_source_file": "string",
    "_source_row": "int",
}
BASE_COLUMNS = list(BASE_SCHEMA)
TAIL_COLUMNS = list(TAIL_SCHEMA)

REQUIRED = {
    "shipments": ["store_id", "product_id", "week_start", "units_shipped"],
    "returns": ["store_id", "product_id", "week_start", "units_returned"],
    "stores": ["store_id", "region"],
    "products": ["product_id", "category"],
    "events": ["week_start", "event_name"],
    "promotions": ["product_id", "start", "end", "discount"],
    "weather_observed": ["week_start"],
    "weather_forecast": ["week_start"],
}


def standard_columns(demographics: list[str]) -> list[str]:
    return BASE_COLUMNS + list(demographics) + TAIL_COLUMNS


def _wk(d: pd.Series) -> np.ndarray:
    """Monday dates -> week index (weeks since Monday 1970-01-05); NaT -> BIG."""
    days = d.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = (days.astype(np.int64) - 4) // 7
    return np.where(pd.isna(d).to_numpy(), BIG, out)


def _last_full_week(close: pd.Series) -> np.ndarray:
    """Close / discontinue date (first day closed) -> index of the last week entirely before it
    (its Sunday < the date); NaT -> BIG (never)."""
    return _wk(close - pd.Timedelta(days=7))


def _wk_to_date(wk: np.ndarray) -> np.ndarray:
    return (wk * 7 + 4).astype("datetime64[D]").astype("datetime64[ns]")


def _codes(values: pd.Series, categories: pd.Index) -> np.ndarray:
    return categories.get_indexer(values.astype("str")).astype(np.int64)


def _lookup(keys: np.ndarray, table_keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``table_keys`` (unique) or -1."""
    return pd.Index(table_keys).get_indexer(keys)


def _take(values: np.ndarray, idx: np.ndarray, fill=np.nan) -> np.ndarray:
    out = values[np.clip(idx, 0, max(len(values) - 1, 0))] if len(values) else np.empty(len(idx))
    return np.where(idx >= 0, out, fill)


def _str_col(codes: np.ndarray, categories) -> pd.Series:
    cats = pd.Index(categories, dtype="object")
    codes = np.asarray(codes, dtype=np.int64)
    if not cats.is_unique:
        inv, cats = pd.factorize(cats)
        codes = np.where(codes >= 0, inv[np.clip(codes, 0, None)], -1)
    return pd.Series(pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), cats)).astype(
        "str"
    )


def _unique_keys(df: pd.DataFrame, key: str, name: str) -> None:
    dup = df[key].duplicated(keep=False).to_numpy()
    if dup.any():
        ex = df.loc[dup].head(5)
        rows = ", ".join(
            f"{f} row {r} ({key}={v!r})"
            for f, r, v in zip(ex["_source_file"], ex["_source_row"], ex[key], strict=True)
        )
        raise ForecastopsError(f"source '{name}': duplicate {key} in {rows}")


def _load(cfg: DataConfig, data_root: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in type(cfg.sources).model_fields:
        spec: SourceSpec | None = getattr(cfg.sources, name)
        if spec is None:
            continue
        req = list(REQUIRED[name])
        if name == "stores":
            req += [cfg.store_format.column, *cfg.demographics]
        require_columns(name, spec, req)
        if name.startswith("weather"):
            cols = spec.columns
            if ("zip" in cols) == ("store_id" in cols):
                raise ForecastopsError(
                    f"params.yaml: data.sources.{name} must map exactly one of 'zip' or 'store_id'"
                )
            if "temp_c" not in cols and not {"tmax_c", "tmin_c"} <= set(cols):
                raise ForecastopsError(
                    f"params.yaml: data.sources.{name} must map 'temp_c' or 'tmax_c' and 'tmin_c'"
                )
        out[name] = load_source(name, spec, data_root)
    _check_weather_keys(cfg)
    return out


def _check_weather_keys(cfg: DataConfig) -> None:
    """Observed and forecast weather must be keyed alike, and by something the stores provide."""
    obs, fc = cfg.sources.weather_observed, cfg.sources.weather_forecast
    if fc is not None and obs is None:
        raise ForecastopsError(
            "params.yaml: data.sources.weather_forecast needs data.sources.weather_observed "
            "(history weeks and climatology come from observed weather)"
        )
    if obs is None:
        return
    if fc is not None and ("zip" in obs.columns) != ("zip" in fc.columns):
        raise ForecastopsError(
            "params.yaml: data.sources.weather_observed and weather_forecast must both be keyed "
            "by 'zip' or both by 'store_id'"
        )
    if "zip" in obs.columns and "zip" not in cfg.sources.stores.columns:
        raise ForecastopsError(
            "params.yaml: weather is keyed by 'zip' but data.sources.stores maps no 'zip' column"
        )


def _weather_weekly(df: pd.DataFrame, key_codes: np.ndarray, daily: bool) -> pd.DataFrame:
    """Weekly (key, wk) -> temp, precip from a daily or weekly weather source."""
    temp = df["temp_c"] if "temp_c" in df else (df["tmax_c"] + df["tmin_c"]) / 2.0
    precip = df["precip_mm"] if "precip_mm" in df else pd.Series(np.nan, index=df.index)
    w = pd.DataFrame(
        {
            "k": key_codes,
            "wk": _wk(df["week_start"]),
            "temp": temp.to_numpy(float),
            "precip": precip.to_numpy(float),
        }
    )
    w = w[w["k"] >= 0]
    g = w.groupby(["k", "wk"], sort=False)
    out = g["temp"].mean().to_frame()
    if daily:
        n = g["precip"].count()
        out["precip"] = (g["precip"].sum() * 7.0 / n).where(n > 0)
    else:
        out["precip"] = g["precip"].mean()
    return out.reset_index()


def _woy(wk: np.ndarray) -> np.ndarray:
    u, inv = np.unique(wk, return_inverse=True)
    woy = pd.DatetimeIndex(_wk_to_date(u)).isocalendar().week.to_numpy(np.int64)
    return np.minimum(woy, 52)[inv]


def condition(
    cfg: DataConfig, data_root: Path, horizon_weeks: int, active_within_weeks: int
) -> pd.DataFrame:
    """Build the standard weekly table (history + future rows) from the raw sources."""
    src = _load(cfg, Path(data_root))
    ship, stores = src["shipments"], src["stores"]
    products = src.get("products")
    _unique_keys(stores, "store_id", "stores")
    if products is not None:
        _unique_keys(products, "product_id", "products")

    # ---- categories (sorted -> code order is string order) -----------------------------------
    store_cats = pd.Index(sorted(set(ship["store_id"].unique()) | set(stores["store_id"])))
    prod_set = set(ship["product_id"].unique())
    if products is not None:
        prod_set |= set(products["product_id"])
    prod_cats = pd.Index(sorted(prod_set))
    n_store, n_prod = len(store_cats), len(prod_cats)

    # ---- per store / product attributes (indexed by code) -----------------------------------
    st = _codes(stores["store_id"], store_cats)
    region_cats = pd.Index(sorted(stores["region"].dropna().unique()))
    store_region = np.full(n_store, -1, np.int64)
    store_region[st] = _codes(stores["region"], region_cats)
    store_format = cfg.store_format.apply(stores[cfg.store_format.column])
    format_cats = pd.Index(sorted(store_format.dropna().unique()))
    store_fmt = np.full(n_store, -1, np.int64)
    store_fmt[st] = format_cats.get_indexer(store_format)
    close_wk = np.full(n_store, BIG, np.int64)
    if "close_date" in stores:
        close_wk[st] = _last_full_week(stores["close_date"])
    demo = {}
    for col in cfg.demographics:
        arr = np.full(n_store, np.nan)
        arr[st] = pd.to_numeric(stores[col], errors="coerce").to_numpy(float)
        demo[col] = arr
    disc_wk = np.full(n_prod, BIG, np.int64)
    if products is not None:
        pr = _codes(products["product_id"], prod_cats)
        cat_cats = pd.Index(sorted(products["category"].dropna().unique()))
        prod_cat = np.full(n_prod, -1, np.int64)
        prod_cat[pr] = _codes(products["category"], cat_cats)
        if "discontinue_date" in products:
            disc_wk[pr] = _last_full_week(products["discontinue_date"])
    else:
        cat_cats = pd.Index([cfg.default_category])
        prod_cat = np.zeros(n_prod, np.int64)

    # ---- shipment rows, zero-filled grid, future rows ----------------------------------------
    s_code = _codes(ship["store_id"], store_cats)
    p_code = _codes(ship["product_id"], prod_cats)
    sid = s_code * n_prod + p_code
    wk = _wk(ship["week_start"])
    qty = ship["units_shipped"].to_numpy(float)
    last = int(wk.max())

    by = pd.DataFrame(
        {"sid": sid, "wk": wk, "recent": (wk > last - active_within_weeks) & (qty > 0)}
    )
    g = by.groupby("sid", sort=True).agg(first=("wk", "min"), recent=("recent", "any"))
    u_sid = g.index.to_numpy(np.int64)
    first = g["first"].to_numpy(np.int64)
    s_of, p_of = u_sid // n_prod, u_sid % n_prod
    stop = np.minimum(close_wk[s_of], disc_wk[p_of])
    end = np.minimum(last, stop)
    n = np.maximum(end - first + 1, 0)
    g_sid = np.repeat(u_sid, n)
    g_wk = np.repeat(first, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    fill = ~np.isin(g_sid * K + g_wk, sid * K + wk)
    g_sid, g_wk = g_sid[fill], g_wk[fill]

    active = g["recent"].to_numpy(bool) & (stop > last)
    nf = np.where(active, np.clip(np.minimum(last + horizon_weeks, stop) - last, 0, None), 0)
    f_sid = np.repeat(u_sid, nf)
    f_wk = last + 1 + (np.arange(nf.sum()) - np.repeat(np.cumsum(nf) - nf, nf))

    n_s, n_g, n_f = len(sid), len(g_sid), len(f_sid)
    all_sid = np.concatenate([sid, g_sid, f_sid])
    all_wk = np.concatenate([wk, g_wk, f_wk])
    shipped = np.concatenate([qty, np.zeros(n_g), np.full(n_f, np.nan)])
    filled = np.concatenate([np.zeros(n_s, bool), np.ones(n_g, bool), np.zeros(n_f, bool)])
    future = np.concatenate([np.zeros(n_s + n_g, bool), np.ones(n_f, bool)])
    file_cat = ship["_source_file"].astype("category").cat
    file_code = np.concatenate([file_cat.codes.to_numpy(np.int64), np.full(n_g + n_f, -1)])
    src_row = np.concatenate(
        [ship["_source_row"].to_numpy(np.int64), np.zeros(n_g + n_f, np.int64)]
    )
    order = np.lexsort((src_row, file_code, filled, all_wk, all_sid))
    all_sid, all_wk, shipped, filled, future, file_code, src_row = (
        a[order] for a in (all_sid, all_wk, shipped, filled, future, file_code, src_row)
    )
    s_all, p_all = all_sid // n_prod, all_sid % n_prod
    key = all_sid * K + all_wk

    # ---- returns -> first row of each store x product x week ---------------------------------
    returned = np.where(future, np.nan, 0.0)
    if "returns" in src:
        ret = src["returns"]
        r_s, r_p = _codes(ret["store_id"], store_cats), _codes(ret["product_id"], prod_cats)
        ok = (r_s >= 0) & (r_p >= 0)
        r_key = (r_s * n_prod + r_p)[ok] * K + _wk(ret["week_start"])[ok]
        r_sum = pd.Series(ret["units_returned"].to_numpy(float)[ok]).groupby(r_key).sum()
        first_row = ~pd.Series(key).duplicated().to_numpy() & ~future
        idx = _lookup(key, r_sum.index.to_numpy())
        hit = first_row & (idx >= 0)
        returned[hit] = r_sum.to_numpy()[idx[hit]]
        attached = float(returned[hit].sum())
        total = float(np.nansum(ret["units_returned"].to_numpy(float)))
        if total - attached > 0:
            # Returns for weeks outside every series' span (before its first shipment, after a
            # close or discontinuation, or for a store x product never shipped) have no row.
            print(
                f"condition: warning: {total - attached:g} of {total:g} returned units fall "
                "outside any series' active weeks and are not in the table"
            )
    net = shipped - returned

    # ---- store / product attributes ----------------------------------------------------------
    r_all = store_region[s_all]
    n_reg = len(region_cats)

    # ---- promotions: max discount over the week per product x region (or every region) -------
    promo = np.zeros(len(key))
    if "promotions" in src:
        pm = src["promotions"]
        bad = (pm["end"] < pm["start"]).to_numpy()
        if bad.any():
            ex = pm.loc[bad].head(5)
            rows = ", ".join(f"row {r}" for r in ex["_source_row"])
            raise ForecastopsError(
                f"{Path(data_root) / ex['_source_file'].iloc[0]}, columns start/end: "
                f"end before start at {rows}"
            )
        ws, we = _wk(monday(pm["start"])), _wk(monday(pm["end"]))
        cnt = we - ws + 1
        rep = np.repeat(np.arange(len(pm)), cnt)
        p_wk = np.repeat(ws, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        pp = _codes(pm["product_id"], prod_cats)[rep]
        disc = pm["discount"].to_numpy(float)[rep]
        if "region" in pm:
            reg_raw = pm["region"].astype("str").to_numpy(object)[rep]
            is_all = reg_raw == cfg.all_scope
            pr_code = region_cats.get_indexer(pd.Index(reg_raw, dtype="object")).astype(np.int64)
        else:
            is_all = np.ones(len(rep), bool)
            pr_code = np.full(len(rep), -1, np.int64)
        # every-region promotions: store them under a pseudo region n_reg, applied to all rows
        okr = (pp >= 0) & (pr_code >= 0) & ~is_all
        reg_max = (
            pd.Series(disc[okr])
            .groupby((pp[okr] * (n_reg + 1) + pr_code[okr]) * K + p_wk[okr])
            .max()
        )
        oka = (pp >= 0) & is_all
        all_max = pd.Series(disc[oka]).groupby(pp[oka] * K + p_wk[oka]).max()
        row_reg = np.where(r_all >= 0, r_all, n_reg)
        i1 = _lookup((p_all * (n_reg + 1) + row_reg) * K + all_wk, reg_max.index.to_numpy())
        i2 = _lookup(p_all * K + all_wk, all_max.index.to_numpy())
        promo = np.fmax(_take(reg_max.to_numpy(), i1), _take(all_max.to_numpy(), i2))
        promo = np.nan_to_num(promo, nan=0.0)

    # ---- events per region (or every region) -------------------------------------------------
    ev_code = np.full(len(key), -1, np.int64)
    ev_names: list[str] = []
    if "events" in src:
        ev = src["events"]
        e_wk = _wk(ev["week_start"])
        names = ev["event_name"].astype("str").to_numpy(object)
        scope = (
            ev["scope"].astype("str").to_numpy(object)
            if "scope" in ev
            else np.full(len(ev), cfg.all_scope, object)
        )
        is_all = scope == cfg.all_scope
        e_reg = region_cats.get_indexer(pd.Index(scope, dtype="object")).astype(np.int64)
        # every-region events go to every region code plus the pseudo code n_reg (unknown region)
        regs = np.arange(n_reg + 1)
        a_idx = np.flatnonzero(is_all)
        e_rows = np.concatenate(
            [np.repeat(a_idx, len(regs)), np.flatnonzero(~is_all & (e_reg >= 0))]
        )
        e_r = np.concatenate([np.tile(regs, len(a_idx)), e_reg[~is_all & (e_reg >= 0)]])
        tab = pd.DataFrame({"key": e_r * K + e_wk[e_rows], "name": names[e_rows]})
        tab = tab.drop_duplicates().sort_values(["key", "name"])
        joined = tab.groupby("key", sort=True)["name"].agg("|".join)
        ev_names = list(joined.to_numpy())
        row_reg = np.where(r_all >= 0, r_all, n_reg)
        ev_code = _lookup(row_reg * K + all_wk, joined.index.to_numpy())
    is_event = (ev_code >= 0).astype(np.int8)
    event_names = _str_col(ev_code + 1, ["", *ev_names])

    # ---- weather -----------------------------------------------------------------------------
    temp = np.full(len(key), np.nan)
    precip = np.full(len(key), np.nan)
    wsrc = np.full(len(key), -1, np.int64)  # 0 observed, 1 forecast, 2 climatology
    obs_spec = cfg.sources.weather_observed
    if obs_spec is not None:
        by_zip = "zip" in obs_spec.columns
        if by_zip:
            zips = stores["zip"].astype("str") if "zip" in stores else pd.Series([], dtype="str")
            wz = [src[n]["zip"] for n in ("weather_observed", "weather_forecast") if n in src]
            zip_cats = pd.Index(sorted(set(zips.dropna()) | set(pd.concat(wz).dropna())))
            store_key = np.full(n_store, -1, np.int64)
            if "zip" in stores:
                store_key[st] = zip_cats.get_indexer(zips)

            def kcodes(df: pd.DataFrame) -> np.ndarray:
                return zip_cats.get_indexer(df["zip"].astype("str")).astype(np.int64)
        else:
            store_key = np.arange(n_store, dtype=np.int64)

            def kcodes(df: pd.DataFrame) -> np.ndarray:
                return _codes(df["store_id"], store_cats)

        row_k = store_key[s_all]
        obs = src["weather_observed"]
        ow = _weather_weekly(obs, kcodes(obs), obs_spec.granularity == "daily")
        io_ = _lookup(row_k * K + all_wk, (ow["k"] * K + ow["wk"]).to_numpy())
        io_ = np.where((row_k >= 0) & ~future, io_, -1)
        temp = _take(ow["temp"].to_numpy(), io_)
        precip = _take(ow["precip"].to_numpy(), io_)
        wsrc = np.where(io_ >= 0, 0, -1)
        if "weather_forecast" in src:
            fc = src["weather_forecast"]
            if "issued_date" in fc and "day" in fc:  # the latest forecast of each day
                fc = fc.sort_values(["issued_date"]).drop_duplicates(
                    [c for c in ("zip", "store_id") if c in fc] + ["day"], keep="last"
                )
            fw = _weather_weekly(
                fc, kcodes(fc), cfg.sources.weather_forecast.granularity == "daily"
            )
            i_f = _lookup(row_k * K + all_wk, (fw["k"] * K + fw["wk"]).to_numpy())
            i_f = np.where((row_k >= 0) & future, i_f, -1)
            hit = i_f >= 0
            temp[hit] = fw["temp"].to_numpy()[i_f[hit]]
            precip[hit] = fw["precip"].to_numpy()[i_f[hit]]
            wsrc[hit] = 1
        clim = ow.assign(woy=_woy(ow["wk"].to_numpy())).groupby(["k", "woy"])[["temp", "precip"]]
        clim = clim.mean().reset_index()
        i_c = _lookup(row_k * 100 + _woy(all_wk), (clim["k"] * 100 + clim["woy"]).to_numpy())
        i_c = np.where(row_k >= 0, i_c, -1)
        c_temp, c_precip = (
            _take(clim["temp"].to_numpy(), i_c),
            _take(clim["precip"].to_numpy(), i_c),
        )
        # The label follows the temperature: climatology where it filled a missing value.
        use_c = np.isnan(temp) & ~np.isnan(c_temp)
        wsrc = np.where(use_c, 2, np.where(np.isnan(temp), -1, wsrc))
        temp = np.where(np.isnan(temp), c_temp, temp)
        precip = np.where(np.isnan(precip), c_precip, precip)

    # ---- assemble ----------------------------------------------------------------------------
    zip_arr, zip_list = store_key_zip(stores, st, n_store)
    out = pd.DataFrame(
        {
            "region": _str_col(r_all, region_cats),
            "store_id": _str_col(s_all, store_cats),
            "store_format": _str_col(store_fmt[s_all], format_cats),
            "product_id": _str_col(p_all, prod_cats),
            "category": _str_col(prod_cat[p_all], cat_cats),
            "zip": _str_col(zip_arr[s_all], zip_list),
            "week_start": _wk_to_date(all_wk),
            "units_shipped": shipped,
            "units_returned": returned,
            "net_demand": net,
            "promo_discount": promo,
            "is_event_week": is_event,
            "event_names": event_names,
            "temperature_c": temp,
            "precipitation_mm": precip,
            "weather_source": _str_col(wsrc, ["observed", "forecast", "climatology"]),
            **{c: demo[c][s_all] for c in cfg.demographics},
            "is_future": future,
            "_filled": filled,
            "_source_file": _str_col(file_code, list(file_cat.categories)),
            "_source_row": pd.array(np.where(file_code >= 0, src_row, 0), dtype="Int64"),
        }
    )
    out.loc[file_code < 0, "_source_row"] = pd.NA
    return out[standard_columns(cfg.demographics)]


def store_key_zip(stores: pd.DataFrame, st: np.ndarray, n_store: int) -> tuple[np.ndarray, list]:
    """Per store code: index into the sorted zips (or -1), and the zips."""
    if "zip" not in stores:
        return np.full(n_store, -1, np.int64), []
    zips = stores["zip"].astype("str")
    cats = pd.Index(sorted(zips.dropna().unique()))
    arr = np.full(n_store, -1, np.int64)
    arr[st] = cats.get_indexer(zips)
    return arr, list(cats)


# ---------------------------------------------------------------------------------------------
# CLI


def _int_param(params: dict, path: str) -> int:
    node = params
    for p in path.split("."):
        if not isinstance(node, dict) or p not in node:
            raise ForecastopsError(f"params.yaml: missing '{path}'")
        node = node[p]
    try:
        value = int(node)
    except (TypeError, ValueError) as exc:
        raise ForecastopsError(f"params.yaml: '{path}' must be an integer, got {node!r}") from exc
    if value < 1:
        raise ForecastopsError(f"params.yaml: '{path}' must be >= 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Raw sources -> standard weekly table (history + future rows)."
    parser.add_argument(
        "--params", default="params.yaml", help="params file (default: params.yaml)"
    )
    parser.add_argument(
        "--data", default=None, help="raw data root (default: params env.data_root)"
    )
    parser.add_argument("--out", default="artifacts/conditioned.parquet", help="output parquet")


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "data", DataConfig, source=str(args.params))
    data_root = args.data or (params.get("env") or {}).get("data_root")
    if not data_root:
        raise ForecastopsError(f"{args.params}: no --data given and no env.data_root")
    horizon = _int_param(params, "train.horizon_weeks")
    active = _int_param(params, "score.active_within_weeks")
    t0 = time.perf_counter()
    df = condition(cfg, Path(data_root), horizon, active)
    io.write_parquet(args.out, df)
    hist = int((~df["is_future"]).sum())
    print(
        f"wrote {args.out}: {len(df)} rows ({hist} history, {len(df) - hist} future, "
        f"{int(df['_filled'].sum())} zero-filled) from {data_root} in {time.perf_counter() - t0:.1f}s"
    )
    return 0
