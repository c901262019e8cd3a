"""Synthetic raw sources of the default company (``forecastops generate``).

A deterministic ``numpy.random.default_rng(seed)`` process writes the raw layout of
docs/contracts.md ("Raw sources of the default company"): weekly shipments per store x product
(zero weeks have no row), daily returns, daily weather (observed + a 14-day forecast), stores with
demographics, the product catalog, events and promotions.

Demand per store x product x week is a product of: a base level (store size, Zipf popularity,
demographics), yearly seasonality by category, slow trends, latent AR(1) drift (store traffic and
series level), holiday and regional-event effects on their real (moving) dates spread over the
shopping days before them, promotions (lift grows with the discount, small post-promo dip),
weather (temperature anomaly, heavy rain) and an unannounced shock (pandemic pantry loading);
counts are negative binomial. Quirks: feed outages, negative corrections, returns exceeding a
week's shipments, empty weather cells, stores/products opening and closing mid-history.

Everything written is byte-identical for the same config: fixed row order, fixed float formats,
``json.dumps(sort_keys=True)``, no dependence on time, locale or hash order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from forecastops import io
from forecastops.config.compose import compose_raw
from forecastops.config.load import section

DAY = np.timedelta64(1, "D")


# ------------------------------------------------------------------------------------------------
# config
# ------------------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegionSpec(_Strict):
    weight: float = Field(gt=0)
    temp_mean_f: float
    temp_amp_f: float = Field(ge=0)
    temp_anom_sd_f: float = Field(default=7.0, ge=0)
    diurnal_f: float = Field(default=18.0, gt=0)
    wet_day_prob: float = Field(ge=0, le=1)
    wet_day_mean_in: float = Field(gt=0)
    zip_prefixes: list[str] = Field(min_length=1)
    median_income: float = Field(gt=0)
    pop_density: float = Field(gt=0)
    median_age: float = Field(gt=0)

    @model_validator(mode="after")
    def _prefixes(self) -> RegionSpec:
        for p in self.zip_prefixes:
            if len(p) != 3 or not p.isdigit():
                raise ValueError(f"zip prefix {p!r} must be 3 digits (quote it in YAML)")
        return self


class CategorySpec(_Strict):
    items: list[str] = Field(min_length=1)
    peak_doy: float
    season_amp: float = Field(ge=0)
    season_amp2: float = 0.0
    temp_sens: float = 0.0  # log effect per +10 deg F of weekly temperature anomaly
    rain_effect: float = 0.0  # log effect per heavy-rain day in the week
    kids_elasticity: float = 0.0
    age_elasticity: float = 0.0
    premium_share: float = Field(default=0.3, ge=0, le=1)
    promo_elasticity: float = Field(ge=0)  # log lift per unit of discount fraction
    post_promo_dip: float = Field(default=0.2, ge=0)
    shelf_life_days: tuple[int, int]
    return_rate_mult: float = Field(default=1.0, gt=0)


class EventSpec(_Strict):
    name: str
    rule: Literal["fixed", "nth_weekday", "easter", "superbowl"]
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    weekday: int | None = Field(default=None, ge=0, le=6)  # 0 = Monday
    n: int | None = None  # 1..4, or -1 for the last one of the month
    offset_days: int = 0
    scope: list[str] = Field(default_factory=lambda: ["ALL"])
    shop_days: int = Field(default=4, ge=1, le=28)
    lifts: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rule_fields(self) -> EventSpec:
        need = {"fixed": ("month", "day"), "nth_weekday": ("month", "weekday", "n")}
        for f in need.get(self.rule, ()):
            if getattr(self, f) is None:
                raise ValueError(f"event {self.name!r}: rule {self.rule} needs '{f}'")
        if self.rule == "nth_weekday" and self.n not in (1, 2, 3, 4, -1):
            raise ValueError(f"event {self.name!r}: n must be 1..4 or -1")
        return self


class ShockSpec(_Strict):
    name: str
    start: dt.date
    weeks: int = Field(ge=1)
    lifts: dict[str, float]
    after_weeks: int = Field(default=0, ge=0)
    after_lifts: dict[str, float] = Field(default_factory=dict)


class TrendSd(_Strict):
    product: float = Field(ge=0)
    store: float = Field(ge=0)
    series: float = Field(ge=0)


class LatentSpec(_Strict):
    store_phi: float = Field(ge=0, lt=1)
    store_sd: float = Field(ge=0)
    series_phi: float = Field(ge=0, lt=1)
    series_sd: float = Field(ge=0)


class CarryBase(_Strict):
    large: float = Field(ge=0, le=1)
    small: float = Field(ge=0, le=1)


class Rates(_Strict):
    store_open_after_start: float = Field(ge=0, le=1)
    store_close_before_end: float = Field(ge=0, le=1)
    product_launch_after_start: float = Field(ge=0, le=1)
    product_discontinue_before_end: float = Field(ge=0, le=1)
    outage_store_week: float = Field(ge=0, le=0.2)
    negative_correction: float = Field(ge=0, le=0.01)
    promo_start_per_week: float = Field(ge=0, le=1)
    promo_misaligned: float = Field(ge=0, le=1)
    return_rate_mean: float = Field(ge=0, le=0.5)
    return_rate_log_sd: float = Field(ge=0)
    return_event_units: float = Field(ge=1)
    bulk_return: float = Field(ge=0, le=0.01)
    weather_missing_cell: float = Field(ge=0, le=0.1)


class SynthConfig(_Strict):
    seed: int
    start_week: dt.date
    end_week: dt.date
    future_weeks: int = Field(ge=8)
    forecast_days: int = Field(ge=1, le=28)
    n_stores: int = Field(ge=4)
    include_regions: list[str] | None = None
    large_sqft_threshold: int = Field(gt=0)
    sqft_median: float = Field(gt=0)
    sqft_log_sd: float = Field(ge=0)
    zips_per_store: float = Field(gt=0)
    n_products: int = Field(ge=1, le=99999)
    zipf_exponent: float = Field(ge=0)
    carry_base: CarryBase
    demand_scale: float = Field(gt=0)
    sqft_elasticity: float
    series_sd: float = Field(ge=0)
    premium_income_elasticity: float
    value_income_elasticity: float
    density_elasticity: float
    trend_sd_per_year: TrendSd
    latent: LatentSpec
    dispersion_median: float = Field(gt=0)
    dispersion_log_sd: float = Field(ge=0)
    dispersion_slow_knee: float = Field(ge=0)
    product_event_sd: float = Field(ge=0)
    promo_elasticity_sd: float = Field(ge=0)
    heavy_rain_in: float = Field(gt=0)
    launch_ramp_weeks: float = Field(gt=0)
    discontinue_fade_weeks: float = Field(gt=0)
    store_ramp_weeks: float = Field(gt=0)
    velocity_threshold: float = Field(gt=0)
    min_series_per_segment: int = Field(ge=0)
    rates: Rates
    regions: dict[str, RegionSpec] = Field(min_length=1)
    categories: dict[str, CategorySpec] = Field(min_length=1)
    events: list[EventSpec] = Field(default_factory=list)
    shocks: list[ShockSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> SynthConfig:
        for name in ("start_week", "end_week"):
            if getattr(self, name).weekday() != 0:
                raise ValueError(f"{name} {getattr(self, name)} must be a Monday")
        if (self.end_week - self.start_week).days < 7 * 60:
            raise ValueError("end_week must be at least 60 weeks after start_week")
        unknown = set(self.include_regions or []) - set(self.regions)
        if unknown:
            raise ValueError(f"include_regions: unknown regions {sorted(unknown)}")
        regions = self.region_ids()
        if self.n_stores < 4 * len(regions):
            raise ValueError(
                f"n_stores must be >= 4 per region (2 large + 2 small): {4 * len(regions)}"
            )
        for ev in self.events:
            bad = set(ev.lifts) - set(self.categories)
            bad |= {s for s in ev.scope if s != "ALL" and s not in self.regions}
            if bad:
                raise ValueError(f"event {ev.name!r}: unknown categories/regions {sorted(bad)}")
        for sh in self.shocks:
            bad = (set(sh.lifts) | set(sh.after_lifts)) - set(self.categories)
            if bad:
                raise ValueError(f"shock {sh.name!r}: unknown categories {sorted(bad)}")
        return self

    def region_ids(self) -> list[str]:
        return list(self.include_regions) if self.include_regions else list(self.regions)


# ------------------------------------------------------------------------------------------------
# calendar
# ------------------------------------------------------------------------------------------------
def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def event_date(ev: EventSpec, year: int) -> dt.date:
    if ev.rule == "fixed":
        base = dt.date(year, ev.month, ev.day)  # type: ignore[arg-type]
    elif ev.rule == "nth_weekday":
        base = nth_weekday(year, ev.month, ev.weekday, ev.n)  # type: ignore[arg-type]
    elif ev.rule == "easter":
        base = easter(year)
    else:  # Super Bowl Sunday: first Sunday of February until 2021, second since 2022
        base = nth_weekday(year, 2, 6, 1 if year <= 2021 else 2)
    return base + dt.timedelta(days=ev.offset_days)


def _d64(d: dt.date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "D")


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


# ------------------------------------------------------------------------------------------------
# generator
# ------------------------------------------------------------------------------------------------
class _World:
    """All generated tables; built step by step from one RNG stream (order matters)."""

    def __init__(self, cfg: SynthConfig):
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)
        self.start = _d64(cfg.start_week)
        self.end = _d64(cfg.end_week)
        self.n_weeks = int((self.end - self.start) // 7 // DAY) + 1
        self.weeks = self.start + 7 * np.arange(self.n_weeks) * DAY
        self.last_day = self.weeks[-1] + 6 * DAY
        self.n_days = 7 * self.n_weeks
        self.future_end = self.last_day + 7 * cfg.future_weeks * DAY
        self.regions = cfg.region_ids()
        self.cats = list(cfg.categories)
        # week position as fractional years from the middle (trends) and mid-week day of year
        self.t_years = (np.arange(self.n_weeks) - self.n_weeks / 2) / 52.18
        mid = pd.DatetimeIndex(self.weeks + 3 * DAY)
        self.doy = mid.day_of_year.to_numpy().astype(float)

    # -- stores ----------------------------------------------------------------------------------
    def make_stores(self) -> None:
        cfg, rng = self.cfg, self.rng
        n_reg = len(self.regions)
        weights = np.array([cfg.regions[r].weight for r in self.regions])
        extra = cfg.n_stores - 4 * n_reg
        quota = extra * weights / weights.sum()
        counts = np.floor(quota).astype(int)
        order = np.argsort(-(quota - counts), kind="stable")
        counts[order[: extra - counts.sum()]] += 1
        counts += 4
        thr = cfg.large_sqft_threshold
        mu = math.log(cfg.sqft_median)
        rows = []
        for ri, region in enumerate(self.regions):
            spec = cfg.regions[region]
            n = int(counts[ri])
            sq = np.exp(rng.normal(mu, cfg.sqft_log_sd, n))
            # guarantee >= 2 large and >= 2 small stores per region
            sq[:2] = np.maximum(sq[:2], thr * np.exp(np.abs(rng.normal(0.25, 0.2, 2))))
            sq[2:4] = np.minimum(sq[2:4], thr * np.exp(-np.abs(rng.normal(0.35, 0.2, 2))))
            sq = np.clip(np.round(sq / 500) * 500, 6000, 120000).astype(int)
            sq[:2] = np.maximum(sq[:2], thr + 500)
            sq[2:4] = np.minimum(sq[2:4], thr - 500)
            n_zip = max(1, math.ceil(n * cfg.zips_per_store))
            pre = rng.choice(spec.zip_prefixes, size=4 * n_zip)
            suf = rng.integers(0, 100, size=4 * n_zip)
            pool = list(dict.fromkeys(f"{p}{s:02d}" for p, s in zip(pre, suf, strict=True)))
            pool = pool[:n_zip]
            zips = [pool[i] for i in rng.integers(0, len(pool), size=n)]
            income = spec.median_income * np.exp(rng.normal(0, 0.28, n))
            kids = np.clip(rng.normal(0.30, 0.07, n), 0.08, 0.6)
            density = spec.pop_density * np.exp(rng.normal(0, 0.8, n))
            age = np.clip(rng.normal(spec.median_age, 4.0, n), 24, 65)
            for i in range(n):
                rows.append(
                    {
                        "region": region,
                        "region_idx": ri,
                        "slot": i,
                        "sq_ft": int(sq[i]),
                        "zip": zips[i],
                        "median_income": int(round(income[i] / 100) * 100),
                        "pct_families_with_kids": round(float(kids[i]), 2),
                        "pop_density": int(round(density[i], -1)),
                        "median_age": round(float(age[i]), 1),
                    }
                )
        st = pd.DataFrame(rows)
        n = len(st)
        st["store_nbr"] = np.sort(rng.choice(np.arange(1000, 10000), n, replace=False))[
            rng.permutation(n)
        ]
        st["large"] = st["sq_ft"] > thr
        # opening / closing dates; the first large and the first small store of each region stay
        # open over the whole history so every region x format has data in every week
        protected = st["slot"].isin([0, 2]).to_numpy()
        first = self.start + 26 * 7 * DAY
        span_open = int((self.end - 60 * 7 * DAY - first) // DAY)
        opens_late = (rng.random(n) < cfg.rates.store_open_after_start) & ~protected
        closes = (rng.random(n) < cfg.rates.store_close_before_end) & ~protected & ~opens_late
        if not opens_late.any() and (~protected).any():
            opens_late[np.flatnonzero(~protected)[0]] = True
        if not closes.any() and (~protected & ~opens_late).any():
            closes[np.flatnonzero(~protected & ~opens_late)[-1]] = True
        old_open = np.datetime64("1988-01-01") + rng.integers(0, 10500, n) * DAY
        new_open = first + rng.integers(0, max(span_open, 1), n) * DAY
        open_date = np.where(opens_late, new_open, old_open)
        close_lo = np.maximum(open_date + 52 * 7 * DAY, self.start + 52 * 7 * DAY)
        close_span = ((self.end - 10 * 7 * DAY) - close_lo) // DAY
        close_date = close_lo + (rng.random(n) * np.maximum(close_span, 1)).astype(int) * DAY
        st["open_date"] = open_date
        st["close_date"] = np.where(closes, close_date, np.datetime64("NaT"))
        st = st.sort_values("store_nbr", kind="stable").reset_index(drop=True)
        self.stores = st

    # -- products --------------------------------------------------------------------------------
    def make_products(self) -> None:
        cfg, rng = self.cfg, self.rng
        n = cfg.n_products
        cat_idx = np.arange(n) % len(self.cats)
        ranks = rng.permutation(n) + 1
        pop = ranks.astype(float) ** -cfg.zipf_exponent
        nbrs = np.sort(rng.choice(np.arange(1, 100000), n, replace=False))
        premium = np.array(
            [rng.random() < cfg.categories[self.cats[c]].premium_share for c in cat_idx]
        )
        descs, shelf = [], []
        brands = ("Harvest Table", "Golden Valley", "Prairie Pride", "Bayside")
        for j, c in enumerate(cat_idx):
            spec = cfg.categories[self.cats[c]]
            k = j // len(self.cats)
            item = spec.items[k % len(spec.items)]
            brand = "Reserve" if premium[j] else brands[k % len(brands)]
            suffix = f" No.{k // len(spec.items) + 1}" if k >= len(spec.items) else ""
            descs.append(f"{brand} {item}{suffix}")
            lo, hi = spec.shelf_life_days
            shelf.append(int(rng.integers(lo, hi + 1)))
        launches = rng.random(n) < cfg.rates.product_launch_after_start
        discont = (rng.random(n) < cfg.rates.product_discontinue_before_end) & ~launches
        # keep the most popular products of each category (up to 3) on sale over the whole history
        cat_rank = pd.Series(-pop).groupby(cat_idx).rank(method="first").to_numpy()
        per_cat = np.bincount(cat_idx)[cat_idx]
        movable = cat_rank > np.clip(per_cat - 1, 1, 3)
        launches &= movable
        discont &= movable
        free = np.flatnonzero(movable)
        if not launches.any() and len(free):
            launches[free[0]] = True
        if not discont.any() and len(free[~launches[free]]):
            discont[free[~launches[free]][-1]] = True
        old = np.datetime64("2003-01-01") + rng.integers(0, 5000, n) * DAY
        first = self.start + 20 * 7 * DAY
        new = first + rng.integers(0, int((self.end - 40 * 7 * DAY - first) // DAY), n) * DAY
        launch = np.where(launches, new, old)
        lo = np.maximum(launch + 52 * 7 * DAY, self.start + 40 * 7 * DAY)
        span = np.maximum(((self.end - 8 * 7 * DAY) - lo) // DAY, 1)
        disc = lo + (rng.random(n) * span).astype(int) * DAY
        self.products = pd.DataFrame(
            {
                "item_nbr": nbrs,
                "ITEM_NBR": [f"SKU-{x:05d}" for x in nbrs],
                "DESCRIPTION": descs,
                "cat_idx": cat_idx,
                "CATEGORY": [self.cats[c] for c in cat_idx],
                "pop": pop / pop.max(),
                "premium": premium,
                "launch": launch,
                "discontinue": np.where(discont, disc, np.datetime64("NaT")),
                "SHELF_LIFE_DAYS": shelf,
            }
        )

    # -- weather ---------------------------------------------------------------------------------
    def make_weather(self) -> None:
        cfg, rng = self.cfg, self.rng
        zips = sorted(set(self.stores["zip"]))
        zip_region = (
            self.stores.drop_duplicates("zip").set_index("zip").loc[zips, "region"].to_numpy()
        )
        reg_of_zip = np.array([self.regions.index(r) for r in zip_region])
        n_days = self.n_days + cfg.forecast_days
        days = self.start + np.arange(n_days) * DAY
        doy = pd.DatetimeIndex(days).day_of_year.to_numpy().astype(float)
        n_reg, n_zip = len(self.regions), len(zips)
        specs = [cfg.regions[r] for r in self.regions]
        t_mean = np.array([s.temp_mean_f for s in specs])
        t_amp = np.array([s.temp_amp_f for s in specs])
        t_sd = np.array([s.temp_anom_sd_f for s in specs])
        clim_reg = t_mean[None, :] + t_amp[None, :] * np.cos(
            2 * np.pi * (doy[:, None] - 200) / 365.25
        )
        phi = 0.75
        innov = rng.normal(0, 1, (n_days, n_reg)) * t_sd * math.sqrt(1 - phi**2)
        anom = np.empty((n_days, n_reg))
        anom[0] = innov[0] / math.sqrt(1 - phi**2)
        for d in range(1, n_days):
            anom[d] = phi * anom[d - 1] + innov[d]
        zip_off = rng.normal(0, 2.0, n_zip)
        clim = clim_reg[:, reg_of_zip] + zip_off
        tmax = clim + anom[:, reg_of_zip] + rng.normal(0, 1.5, (n_days, n_zip))
        diurnal = np.array([s.diurnal_f for s in specs])[reg_of_zip]
        tmin = tmax - np.clip(diurnal + rng.normal(0, 3.5, (n_days, n_zip)), 4, 40)
        wet_p = np.array([s.wet_day_prob for s in specs])
        wet_p = np.clip(wet_p * (1 + 0.25 * np.sin(2 * np.pi * (doy[:, None] - 60) / 365.25)), 0, 1)
        wet_reg = rng.random((n_days, n_reg)) < wet_p
        flip = rng.random((n_days, n_zip)) < 0.15
        wet = wet_reg[:, reg_of_zip] ^ flip
        mean_in = np.array([s.wet_day_mean_in for s in specs])[reg_of_zip]
        precip = np.where(wet, rng.gamma(0.7, 1.0, (n_days, n_zip)) * mean_in / 0.7, 0.0)
        self.zips, self.reg_of_zip = zips, reg_of_zip
        self.zip_idx = {z: i for i, z in enumerate(zips)}
        self.w_days, self.w_clim = days, clim
        self.w_tmax, self.w_tmin, self.w_precip = tmax, tmin, precip
        h = self.n_days
        wk_anom = (tmax[:h] - clim[:h]).reshape(self.n_weeks, 7, n_zip).mean(axis=1)
        heavy = (precip[:h] > cfg.heavy_rain_in).reshape(self.n_weeks, 7, n_zip).sum(axis=1)
        self.wk_temp_anom = wk_anom.T  # zip x week, deg F
        self.wk_heavy = heavy.T.astype(float)  # zip x week, heavy-rain days

    # -- events ----------------------------------------------------------------------------------
    def make_events(self) -> None:
        cfg = self.cfg
        years = range(self.cfg.start_week.year - 1, int(str(self.future_end)[:4]) + 2)
        rows = []
        n_reg, n_cat = len(self.regions), len(self.cats)
        log_eff = np.zeros((n_reg, n_cat, self.n_weeks))
        day0 = self.start
        for ev in cfg.events:
            scope = ["ALL"] if "ALL" in ev.scope else [r for r in ev.scope if r in self.regions]
            if not scope:
                continue
            reg_idx = (
                list(range(n_reg)) if scope == ["ALL"] else [self.regions.index(r) for r in scope]
            )
            lift = np.zeros(n_cat)
            for c, v in ev.lifts.items():
                lift[self.cats.index(c)] = v
            # shopping-day weights: days before the event, rising towards it; the day itself half
            k = ev.shop_days
            w = np.concatenate([np.arange(1, k + 1, dtype=float), [k / 2]])
            w /= w.sum()
            daily = np.zeros(self.n_days)
            for y in years:
                d = _d64(event_date(ev, y))
                if self.start <= d <= self.future_end:
                    rows.extend((str(d), ev.name, s) for s in scope)
                pos = int((d - day0) // DAY) - k + np.arange(k + 1)
                ok = (pos >= 0) & (pos < self.n_days)
                daily[pos[ok]] += w[ok]
            weekly = daily.reshape(self.n_weeks, 7).sum(axis=1)
            log_eff[reg_idx] += lift[None, :, None] * weekly[None, None, :]
        self.event_eff = log_eff
        ev_df = pd.DataFrame(rows, columns=["event_date", "event_name", "scope"])
        ev_df["_scope_all"] = ev_df["scope"] != "ALL"
        self.events = (
            ev_df.sort_values(["event_date", "_scope_all", "scope", "event_name"], kind="stable")
            .drop(columns="_scope_all")
            .reset_index(drop=True)
        )

    # -- promotions ------------------------------------------------------------------------------
    def make_promotions(self) -> None:
        cfg, rng = self.cfg, self.rng
        rates = cfg.rates
        n_reg, n_prod = len(self.regions), len(self.products)
        n_all = self.n_weeks + cfg.future_weeks
        # effective discount (discount x share of the week covered) and the post-promo week
        eff = np.zeros((n_reg, n_prod, self.n_weeks))
        post = np.zeros((n_reg, n_prod, self.n_weeks))
        start_draw = rng.random((n_reg, n_prod, n_all)) < rates.promo_start_per_week
        dur_draw = rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15], size=(n_reg, n_prod, n_all))
        pct_vals = np.array([10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60])
        pct_p = np.array([8, 12, 14, 14, 14, 11, 9, 7, 6, 3, 2], dtype=float)
        pct_draw = rng.choice(pct_vals, p=pct_p / pct_p.sum(), size=(n_reg, n_prod, n_all))
        mis_draw = rng.random((n_reg, n_prod, n_all)) < rates.promo_misaligned
        shift_draw = rng.integers(1, 5, size=(n_reg, n_prod, n_all))
        launch = self.products["launch"].to_numpy()
        disc = self.products["discontinue"].to_numpy()
        rows = []
        for ri in range(n_reg):
            for pj in range(n_prod):
                w = 2
                while w < n_all:
                    if not start_draw[ri, pj, w]:
                        w += 1
                        continue
                    dur = int(dur_draw[ri, pj, w])
                    shift = int(shift_draw[ri, pj, w]) if mis_draw[ri, pj, w] else 0
                    s = self.start + (7 * w + shift) * DAY
                    e = s + (7 * dur - 1) * DAY
                    if s < launch[pj] or (not np.isnat(disc[pj]) and e >= disc[pj]):
                        w += 1
                        continue
                    pct = int(pct_draw[ri, pj, w])
                    rows.append((s, e, self.regions[ri], pj, pct))
                    d = pct / 100.0
                    for k in range(dur + 1):
                        wk = w + k
                        if wk >= self.n_weeks:
                            break
                        ws = self.start + 7 * wk * DAY
                        lo = max(s, ws)
                        hi = min(e, ws + 6 * DAY)
                        cover = max(int((hi - lo) // DAY) + 1, 0) / 7.0
                        eff[ri, pj, wk] = max(eff[ri, pj, wk], d * cover)
                    after = int((e - self.start) // DAY) // 7 + 1
                    if after < self.n_weeks and eff[ri, pj, after] == 0:
                        post[ri, pj, after] = d
                    w = int((e - self.start) // DAY) // 7 + 3  # at least a week of gap
        pr = pd.DataFrame(rows, columns=["s", "e", "region", "pj", "discount_pct"])
        pr["ITEM_NBR"] = self.products["ITEM_NBR"].to_numpy()[pr["pj"].to_numpy()]
        pr = pr.sort_values(["s", "region", "ITEM_NBR"], kind="stable").reset_index(drop=True)
        pr["promo_id"] = [f"PR{i + 1:06d}" for i in range(len(pr))]
        pr["start"] = _fmt_dates(pr["s"].to_numpy().astype("datetime64[D]"), "%d.%m.%Y")
        pr["end"] = _fmt_dates(pr["e"].to_numpy().astype("datetime64[D]"), "%d.%m.%Y")
        self.promotions = pr[["promo_id", "ITEM_NBR", "region", "start", "end", "discount_pct"]]
        self.promo_eff, self.promo_post = eff, post

    # -- demand ----------------------------------------------------------------------------------
    def make_series(self) -> None:
        cfg, rng = self.cfg, self.rng
        st, pr = self.stores, self.products
        n_st, n_pr = len(st), len(pr)
        large = st["large"].to_numpy()
        carry_base = np.where(large, cfg.carry_base.large, cfg.carry_base.small)
        p_carry = (
            carry_base[:, None] + (1 - carry_base[:, None]) * pr["pop"].to_numpy()[None, :] ** 0.35
        )
        carry = rng.random((n_st, n_pr)) < p_carry
        s_store, s_prod = np.nonzero(carry)  # row-major: sorted by store_nbr, then product
        self.s_store, self.s_prod = s_store, s_prod
        self.s_region = st["region_idx"].to_numpy()[s_store]
        self.s_cat = pr["cat_idx"].to_numpy()[s_prod]
        self.s_zip = np.array([self.zip_idx[z] for z in st["zip"]])[s_store]
        n = len(s_store)
        cats = [cfg.categories[c] for c in self.cats]
        # base level: size x popularity x demographics x idiosyncratic
        sq = st["sq_ft"].to_numpy()[s_store]
        income = st["median_income"].to_numpy()[s_store] / 65000.0
        kids = st["pct_families_with_kids"].to_numpy()[s_store] / 0.30
        age = st["median_age"].to_numpy()[s_store] / 38.0
        dens = st["pop_density"].to_numpy()[s_store] / 2000.0
        prem = pr["premium"].to_numpy()[s_prod]
        kid_el = np.array([c.kids_elasticity for c in cats])[self.s_cat]
        age_el = np.array([c.age_elasticity for c in cats])[self.s_cat]
        log_base = (
            math.log(cfg.demand_scale)
            + np.log(pr["pop"].to_numpy()[s_prod])
            + cfg.sqft_elasticity * np.log(sq / 40000.0)
            + np.where(prem, cfg.premium_income_elasticity, cfg.value_income_elasticity)
            * np.log(income)
            + kid_el * np.log(kids)
            + age_el * np.log(age)
            + cfg.density_elasticity * np.log(dens)
            + rng.normal(0, cfg.series_sd, n)
        )
        # seasonality per product (category shape, product-level jitter)
        amp = np.array([c.season_amp for c in cats])[pr["cat_idx"]] * np.exp(
            rng.normal(0, 0.2, n_pr)
        )
        amp2 = np.array([c.season_amp2 for c in cats])[pr["cat_idx"]]
        peak = np.array([c.peak_doy for c in cats])[pr["cat_idx"]] + rng.normal(0, 8, n_pr)
        ang = 2 * np.pi * (self.doy[None, :] - peak[:, None]) / 365.25
        season = amp[:, None] * np.cos(ang) + amp2[:, None] * np.cos(2 * ang)  # product x week
        ev_scale = np.exp(rng.normal(0, cfg.product_event_sd, n_pr))
        # trends
        tsd = cfg.trend_sd_per_year
        slope = (
            rng.normal(0, tsd.product, n_pr)[s_prod]
            + rng.normal(0, tsd.store, n_st)[s_store]
            + rng.normal(0, tsd.series, n)
        )
        # latent AR(1) processes
        lat = cfg.latent
        z_store = self._ar1(lat.store_phi, lat.store_sd, n_st)
        z_series = self._ar1(lat.series_phi, lat.series_sd, n)
        # promotions, weather, shocks
        p_el = np.array([c.promo_elasticity for c in cats])[self.s_cat] * np.exp(
            rng.normal(0, cfg.promo_elasticity_sd, n)
        )
        p_dip = np.array([c.post_promo_dip for c in cats])[self.s_cat]
        t_sens = np.array([c.temp_sens for c in cats])[self.s_cat]
        r_eff = np.array([c.rain_effect for c in cats])[self.s_cat]
        shock = self._shocks()
        self.dispersion = cfg.dispersion_median * np.exp(rng.normal(0, cfg.dispersion_log_sd, n))
        self.return_rate = (
            cfg.rates.return_rate_mean
            * np.array([c.return_rate_mult for c in cats])[self.s_cat]
            * np.exp(
                rng.normal(-0.5 * cfg.rates.return_rate_log_sd**2, cfg.rates.return_rate_log_sd, n)
            )
        )
        # active span and ramps
        wk = self.weeks[None, :]
        opn = st["open_date"].to_numpy().astype("datetime64[D]")[s_store][:, None]
        cls = st["close_date"].to_numpy().astype("datetime64[D]")[s_store][:, None]
        lau = pr["launch"].to_numpy().astype("datetime64[D]")[s_prod][:, None]
        dis = pr["discontinue"].to_numpy().astype("datetime64[D]")[s_prod][:, None]
        active = (wk >= opn) & (wk >= lau)
        active &= np.isnat(cls) | (wk + 6 * DAY < cls)
        active &= np.isnat(dis) | (wk + 6 * DAY < dis)
        since_open = ((wk - opn) // DAY).astype(float) / 7
        since_launch = ((wk - lau) // DAY).astype(float) / 7
        ramp = np.log1p(-0.45 * np.exp(-np.clip(since_open, 0, None) / cfg.store_ramp_weeks))
        ramp += np.log1p(-0.7 * np.exp(-np.clip(since_launch, 0, None) / cfg.launch_ramp_weeks))
        dis_f = np.where(np.isnat(dis), np.datetime64("2200-01-01"), dis)
        to_disc = ((dis_f - wk) // DAY).astype(float) / 7
        fade = np.clip(to_disc / cfg.discontinue_fade_weeks, 0.35, 1.0)
        log_mu = (
            log_base[:, None]
            + season[s_prod]
            + self.event_eff[self.s_region, self.s_cat] * ev_scale[s_prod][:, None]
            + slope[:, None] * self.t_years[None, :]
            + z_store[s_store]
            + z_series
            + p_el[:, None] * self.promo_eff[self.s_region, s_prod]
            - p_dip[:, None] * self.promo_post[self.s_region, s_prod]
            + t_sens[:, None] * self.wk_temp_anom[self.s_zip] / 10.0
            + r_eff[:, None] * self.wk_heavy[self.s_zip]
            + shock[self.s_cat]
            + ramp
            + np.log(fade)
        )
        self.active = active
        self.log_mu = log_mu
        self._ensure_segments()
        # slow movers are lumpier: the negative binomial size shrinks with the series level
        level = np.where(active, np.exp(self.log_mu), 0).sum(axis=1) / np.maximum(
            active.sum(axis=1), 1
        )
        shrink = level**2 / (level**2 + cfg.dispersion_slow_knee**2)
        self.dispersion = np.maximum(self.dispersion * shrink, 0.05)

    def _ar1(self, phi: float, sd: float, n: int) -> np.ndarray:
        eps = self.rng.normal(0, sd * math.sqrt(1 - phi**2), (n, self.n_weeks))
        z = np.empty_like(eps)
        z[:, 0] = self.rng.normal(0, sd, n)
        for t in range(1, self.n_weeks):
            z[:, t] = phi * z[:, t - 1] + eps[:, t]
        return z

    def _shocks(self) -> np.ndarray:
        out = np.zeros((len(self.cats), self.n_weeks))
        for sh in self.cfg.shocks:
            w0 = int((_d64(sh.start) - self.start) // DAY) // 7
            for lifts, lo, n, fading in (
                (sh.lifts, w0, sh.weeks, False),
                (sh.after_lifts, w0 + sh.weeks, sh.after_weeks, True),
            ):
                prof = np.zeros(self.n_weeks)
                idx = np.arange(lo, lo + n)
                ok = (idx >= 0) & (idx < self.n_weeks)
                prof[idx[ok]] = (1 - np.arange(n) / max(n, 1))[ok] if fading else 1.0
                for c, v in lifts.items():
                    out[self.cats.index(c)] += v * prof
        return out

    def _ensure_segments(self) -> None:
        """Every region x format needs fast and slow series (mean weekly demand vs threshold)."""
        cfg = self.cfg
        k = cfg.min_series_per_segment
        thr = cfg.velocity_threshold
        recent = slice(max(0, self.n_weeks - 156), self.n_weeks)
        act = self.active[:, recent]
        mu = np.exp(self.log_mu[:, recent])
        full = act.all(axis=1)
        mean = np.where(act, mu, 0).sum(axis=1) / np.maximum(act.sum(axis=1), 1)
        large = self.stores["large"].to_numpy()[self.s_store]
        for ri in range(len(self.regions)):
            for fmt in (True, False):
                cand = np.flatnonzero((self.s_region == ri) & (large == fmt) & full)
                fast = cand[mean[cand] >= 1.5 * thr]
                if len(fast) < k:
                    rest = cand[mean[cand] < 1.5 * thr]
                    pick = rest[np.argsort(-mean[rest], kind="stable")][: k - len(fast)]
                    self.log_mu[pick] += np.log(2.0 * thr / mean[pick])[:, None]
                slow = cand[mean[cand] <= 0.5 * thr]
                if len(slow) < k:
                    rest = cand[(mean[cand] > 0.5 * thr) & ~np.isin(cand, fast)]
                    pick = rest[np.argsort(mean[rest], kind="stable")][: k - len(slow)]
                    self.log_mu[pick] += np.log(0.3 * thr / mean[pick])[:, None]

    # -- realisation -----------------------------------------------------------------------------
    def make_shipments(self) -> None:
        cfg, rng = self.cfg, self.rng
        mu = np.where(self.active, np.exp(self.log_mu), 0.0)
        k = self.dispersion[:, None]
        qty = rng.negative_binomial(np.broadcast_to(k, mu.shape), k / (k + mu)).astype(np.int64)
        qty[~self.active] = 0
        self.mu = mu
        self.true_qty = qty
        # feed outages: whole store-weeks without rows while the store is open
        n_st = len(self.stores)
        starts = rng.random((n_st, self.n_weeks)) < cfg.rates.outage_store_week
        if not starts.any():
            starts[0, self.n_weeks // 2] = True
        dur = rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1], size=(n_st, self.n_weeks))
        outage = np.zeros((n_st, self.n_weeks), dtype=bool)
        for s, w in zip(*np.nonzero(starts), strict=True):
            outage[s, w : w + dur[s, w]] = True
        self.outage = outage
        reported = np.where(outage[self.s_store], 0, qty)
        # rows in file order: week, store, item
        w_idx, s_idx = np.nonzero(reported.T)
        q = reported[s_idx, w_idx]
        neg = rng.random(len(q)) < cfg.rates.negative_correction
        if not neg.any() and len(q):
            neg[rng.integers(0, len(q))] = True
        q = np.where(neg, -rng.integers(1, np.maximum(q // 2, 1) + 1), q)
        self.ship = pd.DataFrame({"s": s_idx, "w": w_idx, "qty": q})

    def make_returns(self) -> None:
        cfg, rng = self.cfg, self.rng
        rates = cfg.rates
        s_idx, w_idx = np.nonzero(self.true_qty)  # goods actually shipped (outage or not)
        q = self.true_qty[s_idx, w_idx].astype(float)
        expect = q * self.return_rate[s_idx]
        p = np.minimum(0.9, expect / rates.return_event_units)
        hit = rng.random(len(q)) < p
        mean_units = np.where(p > 0, expect / np.maximum(p, 1e-12), 0.0)
        units = 1 + rng.poisson(np.maximum(mean_units - 1, 0))
        day = rng.integers(0, 14, len(q))
        bulk = rng.random(len(q)) < rates.bulk_return
        if not bulk.any() and len(q):
            bulk[int(np.argmax(q))] = True
        bulk_units = np.ceil(q * rng.uniform(1.2, 1.8, len(q))).astype(int) + 1
        bulk_day = rng.integers(0, 7, len(q))
        reasons = np.array(["damaged", "expired", "customer_return", "overstock"])
        reason = reasons[rng.choice(4, p=[0.35, 0.3, 0.2, 0.15], size=len(q))]
        bulk_reason = np.where(rng.random(len(q)) < 0.5, "recall", "overstock")
        sel = np.concatenate([np.flatnonzero(hit), np.flatnonzero(bulk)])
        is_bulk = np.concatenate([np.zeros(hit.sum(), bool), np.ones(bulk.sum(), bool)])
        date = self.weeks[w_idx[sel]] + np.where(is_bulk, bulk_day[sel], day[sel]) * DAY
        df = pd.DataFrame(
            {
                "s": s_idx[sel],
                "date": date,
                "qty": np.where(is_bulk, bulk_units[sel], units[sel]),
                "reason": np.where(is_bulk, bulk_reason[sel], reason[sel]),
            }
        )
        df = df[df["date"] <= self.last_day]
        df["store"] = self.stores["store_nbr"].to_numpy()[self.s_store[df["s"].to_numpy()]]
        df["sku"] = self.products["ITEM_NBR"].to_numpy()[self.s_prod[df["s"].to_numpy()]]
        self.returns = df.sort_values(["date", "store", "sku", "qty", "reason"], kind="stable")


# ------------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------------
def _csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _date_or_none(x) -> str | None:
    return None if pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d")


def write_world(w: _World, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    # shipments, one file per calendar year of the week-ending date
    sh = w.ship
    week_end = w.weeks + 6 * DAY
    end_str = _fmt_dates(week_end, "%m/%d/%Y")
    end_year = pd.DatetimeIndex(week_end).year.to_numpy()
    store_nbr = w.stores["store_nbr"].to_numpy()[w.s_store]
    item = w.products["ITEM_NBR"].to_numpy()[w.s_prod]
    s, wk = sh["s"].to_numpy(), sh["w"].to_numpy()
    table = pd.DataFrame(
        {
            "STORE_NBR": store_nbr[s],
            "ITEM_NBR": item[s],
            "WEEK_END_DT": end_str[wk],
            "SHIP_QTY": sh["qty"],
        }
    )
    years = end_year[wk]
    for y in np.unique(years):
        _csv(table[years == y], out / "shipments" / f"shipments_{y}.csv")
    counts["shipments"] = len(table)
    # returns (JSON Lines; key order as in docs/contracts.md)
    r = w.returns
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
    counts["returns"] = len(r)
    # weather: observed over the history, forecast for the days after
    n_h, n_z = w.n_days, len(w.zips)
    cfg = w.cfg
    rng = w.rng
    zip_col = np.tile(np.array(w.zips, dtype=object), n_h)
    date_col = np.repeat(_fmt_dates(w.w_days[:n_h], "%Y%m%d"), n_z)
    vals = {
        "tmax_f": (w.w_tmax[:n_h].ravel(), 1),
        "tmin_f": (w.w_tmin[:n_h].ravel(), 1),
        "precip_in": (w.w_precip[:n_h].ravel(), 2),
    }
    obs = {"zip_code": zip_col, "obs_date": date_col}
    for name, (v, dec) in vals.items():
        v = v.copy()
        v[rng.random(v.shape) < cfg.rates.weather_missing_cell] = np.nan
        obs[name] = _fmt_float(v, dec)
    _csv(pd.DataFrame(obs), out / "weather" / "observed.csv")
    counts["weather_observed"] = n_h * n_z
    f_days = w.w_days[n_h:]
    lead = np.arange(1, len(f_days) + 1)[:, None]
    err_sd = 2.0 + 0.45 * lead
    f_tmax = w.w_tmax[n_h:] + rng.normal(0, 1, (len(f_days), n_z)) * err_sd
    f_tmin = w.w_tmin[n_h:] + rng.normal(0, 1, (len(f_days), n_z)) * err_sd
    specs = [cfg.regions[r] for r in w.regions]
    wet_mean = np.array([s.wet_day_mean_in for s in specs])[w.reg_of_zip]
    skill = np.clip(1 - lead / 10.0, 0.0, 1.0)
    f_precip = skill * w.w_precip[n_h:] + (1 - skill) * 0.3 * wet_mean[None, :]
    fc = pd.DataFrame(
        {
            "zip_code": np.tile(np.array(w.zips, dtype=object), len(f_days)),
            "issued_date": _fmt_dates(np.repeat(w.last_day, len(f_days) * n_z), "%Y%m%d"),
            "target_date": np.repeat(_fmt_dates(f_days, "%Y%m%d"), n_z),
            "tmax_f": _fmt_float(f_tmax.ravel(), 1),
            "tmin_f": _fmt_float(np.minimum(f_tmin, f_tmax - 2).ravel(), 1),
            "precip_in": _fmt_float(f_precip.ravel(), 2),
        }
    )
    _csv(fc, out / "weather" / "forecast.csv")
    counts["weather_forecast"] = len(fc)
    # stores.json
    stores = []
    for row in w.stores.itertuples(index=False):
        stores.append(
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
        )
    (out / "stores.json").write_text(
        json.dumps(stores, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    counts["stores"] = len(stores)
    # products.csv
    p = w.products
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
    counts["products"] = len(prod)
    _csv(w.events, out / "events.csv")
    counts["events"] = len(w.events)
    _csv(w.promotions, out / "promotions.csv")
    counts["promotions"] = len(w.promotions)
    return counts


def build(cfg: SynthConfig) -> _World:
    w = _World(cfg)
    w.make_stores()
    w.make_products()
    w.make_weather()
    w.make_events()
    w.make_promotions()
    w.make_series()
    w.make_shipments()
    w.make_returns()
    return w


def generate(cfg: SynthConfig, out_dir: str | Path) -> dict[str, int]:
    """Write the raw sources of ``cfg`` to ``out_dir`` atomically; returns row counts."""
    world = build(cfg)
    with io.atomic_path(out_dir) as tmp:
        counts = write_world(world, tmp)
    counts["weeks"] = world.n_weeks
    counts["series"] = len(world.s_store)
    return counts


def load_config(overrides: list[str] | None = None, conf_dir: str | Path = "conf") -> SynthConfig:
    params = compose_raw(overrides, conf_dir, config_name="generate")
    return section(params, "synth", SynthConfig, source=f"{conf_dir}/ (synth)")


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate the synthetic raw sources of the default company (layout: docs/contracts.md)."
    )
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides, e.g. synth=sample synth.n_stores=300"
    )
    parser.add_argument("--out", required=True, help="output directory (replaced atomically)")
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")


def run(args: argparse.Namespace) -> int:
    cfg = load_config(args.overrides, args.conf)
    counts = generate(cfg, args.out)
    print(
        f"wrote {args.out}: {counts['stores']} stores in {len(cfg.region_ids())} regions, "
        f"{counts['products']} products, {counts['weeks']} weeks "
        f"({cfg.start_week} .. {cfg.end_week}), {counts['series']} store x product series"
    )
    for key in (
        "shipments",
        "returns",
        "weather_observed",
        "weather_forecast",
        "events",
        "promotions",
    ):
        print(f"  {key:<17} {counts[key]:>10,} rows")
    return 0
