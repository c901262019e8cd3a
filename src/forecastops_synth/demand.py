"""The demand model: expected log units per series x history week, and the count dispersion.

log mu = base level (store size, popularity, demographics, series noise) + category seasonality
+ event lifts + trend + latent AR(1) drift (store traffic, series level) + promotion lift - post-
promo dip + weather effects + shocks + lifecycle ramps. The series-level random parameters are
drawn in one fixed order (the RNG stream), including the return rates used later by returns.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.events import Events, shock_effects
from forecastops_synth.lifecycle import Lifecycle, lifecycle
from forecastops_synth.promotions import Promotions
from forecastops_synth.segments import ensure_segments
from forecastops_synth.timeline import Timeline
from forecastops_synth.weather import Weather


@dataclass(frozen=True)
class Drivers:
    """The drawn parameters behind ``log_mu``, kept so that later weeks continue the same series
    (``forecastops_synth.extend``): per series unless noted."""

    level: np.ndarray  # base log level, including the shift ensure_segments gave the series
    season: tuple[np.ndarray, np.ndarray, np.ndarray]  # per product: amplitude, 2nd, peak day
    ev_scale: np.ndarray  # per product: scale of the event lifts
    slope: np.ndarray  # log growth per year
    z_store: np.ndarray  # per store: the traffic AR(1) state in the last week
    z_series: np.ndarray  # the series-level AR(1) state in the last week
    promo: np.ndarray  # promotion elasticity
    dip: np.ndarray  # post-promotion dip
    temp: np.ndarray  # temperature sensitivity (per 10 deg F of anomaly)
    rain: np.ndarray  # effect per heavy-rain day
    dispersion: np.ndarray  # negative binomial size k (slow movers already lumpier)
    return_rate: np.ndarray  # expected returned / shipped units


@dataclass(frozen=True)
class Demand:
    """Per series (x history week): what the shipments are drawn from."""

    log_mu: np.ndarray  # expected log units, series x week
    active: np.ndarray  # series x week: the store and product sell this week
    dispersion: np.ndarray  # negative binomial size k per series
    return_rate: np.ndarray  # expected returned / shipped units per series
    drivers: Drivers | None = None  # None for weeks that continue a history


def model_demand(
    cfg: SynthConfig,
    rng: np.random.Generator,
    tl: Timeline,
    stores: pd.DataFrame,
    products: pd.DataFrame,
    series: Series,
    weather: Weather,
    events: Events,
    promotions: Promotions,
) -> Demand:
    """Draw the series parameters (in a fixed order: the RNG stream) and sum the components."""
    s, n, lat = series, len(series), cfg.latent
    log_base = _base_level(cfg, rng, stores, products, s)
    shape = _season_shape(cfg, rng, products)
    ev_scale = np.exp(rng.normal(0, cfg.product_event_sd, len(products)))
    slope = _trend_slopes(cfg, rng, s, len(stores), len(products))
    z_store = _ar1(rng, lat.store_phi, lat.store_sd, len(stores), tl.n_weeks)
    z_series = _ar1(rng, lat.series_phi, lat.series_sd, n, tl.n_weeks)
    p_el = cfg.category_values("promo_elasticity")[s.cat] * np.exp(
        rng.normal(0, cfg.promo_elasticity_sd, n)
    )
    dispersion = cfg.dispersion_median * np.exp(rng.normal(0, cfg.dispersion_log_sd, n))
    return_rate = _return_rates(cfg, rng, s)
    effects = (
        cfg.category_values(k)[s.cat] for k in ("post_promo_dip", "temp_sens", "rain_effect")
    )
    d = Drivers(
        log_base,
        shape,
        ev_scale,
        slope,
        z_store[:, -1],
        z_series[:, -1],
        p_el,
        *effects,
        dispersion,
        return_rate,
    )
    life = lifecycle(cfg, tl, stores, products, s)
    promo = (promotions.eff, promotions.post)
    log_mu = log_demand(
        d,
        tl,
        s,
        (z_store, z_series),
        weather,
        events.log_effect,
        promo,
        shock_effects(cfg, tl),
        life,
    )
    first_week = log_mu[:, 0].copy()
    ensure_segments(cfg, log_mu, life.active, s, stores["large"].to_numpy()[s.store])
    dispersion = _lumpier_slow_movers(cfg, dispersion, log_mu, life.active)
    d = dataclasses.replace(d, level=log_base + log_mu[:, 0] - first_week, dispersion=dispersion)
    return Demand(log_mu, life.active, dispersion, return_rate, d)


def log_demand(
    d: Drivers,
    tl: Timeline,
    s: Series,
    z: tuple[np.ndarray, np.ndarray],
    weather: Weather,
    event_effect: np.ndarray,
    promo: tuple[np.ndarray, np.ndarray],
    shocks: np.ndarray,
    life: Lifecycle,
) -> np.ndarray:
    """Expected log units per series x week of ``tl``: base level + seasonality + events + trend
    + AR(1) drift (``z``: store and series paths) + promotion lift - post-promotion dip + weather
    + shocks + lifecycle ramps. History and extensions (``forecastops_synth.extend``) both sum here."""
    z_store, z_series = z
    eff, post = promo
    return (
        d.level[:, None]
        + seasonality(d.season, tl.doy)[s.prod]
        + event_effect[s.region, s.cat] * d.ev_scale[s.prod][:, None]
        + d.slope[:, None] * tl.t_years[None, :]
        + z_store[s.store]
        + z_series
        + d.promo[:, None] * eff[s.region, s.prod]
        - d.dip[:, None] * post[s.region, s.prod]
        + d.temp[:, None] * weather.wk_temp_anom[s.zip] / 10.0
        + d.rain[:, None] * weather.wk_heavy[s.zip]
        + shocks[s.cat]
        + life.log_ramp
        + life.log_fade
    )


def _lumpier_slow_movers(
    cfg: SynthConfig, dispersion: np.ndarray, log_mu: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """Shrink the negative binomial size with the series' mean level: slow movers are lumpier."""
    level = np.where(active, np.exp(log_mu), 0).sum(axis=1) / np.maximum(active.sum(axis=1), 1)
    shrink = level**2 / (level**2 + cfg.dispersion_slow_knee**2)
    return np.maximum(dispersion * shrink, 0.05)


def _base_level(
    cfg: SynthConfig,
    rng: np.random.Generator,
    stores: pd.DataFrame,
    products: pd.DataFrame,
    s: Series,
) -> np.ndarray:
    """Log level per series: size x popularity x demographics x idiosyncratic noise."""
    sq = stores["sq_ft"].to_numpy()[s.store]
    income = stores["median_income"].to_numpy()[s.store] / 65000.0
    kids = stores["pct_families_with_kids"].to_numpy()[s.store] / 0.30
    age = stores["median_age"].to_numpy()[s.store] / 38.0
    dens = stores["pop_density"].to_numpy()[s.store] / 2000.0
    prem = products["premium"].to_numpy()[s.prod]
    kid_el = cfg.category_values("kids_elasticity")[s.cat]
    age_el = cfg.category_values("age_elasticity")[s.cat]
    return (
        math.log(cfg.demand_scale)
        + np.log(products["pop"].to_numpy()[s.prod])
        + cfg.sqft_elasticity * np.log(sq / 40000.0)
        + np.where(prem, cfg.premium_income_elasticity, cfg.value_income_elasticity)
        * np.log(income)
        + kid_el * np.log(kids)
        + age_el * np.log(age)
        + cfg.density_elasticity * np.log(dens)
        + rng.normal(0, cfg.series_sd, len(s))
    )


def _season_shape(
    cfg: SynthConfig, rng: np.random.Generator, products: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each product's yearly shape: its category's, jittered per product."""
    cat_idx = products["cat_idx"]
    amp = cfg.category_values("season_amp")[cat_idx] * np.exp(rng.normal(0, 0.2, len(products)))
    amp2 = cfg.category_values("season_amp2")[cat_idx]
    peak = cfg.category_values("peak_doy")[cat_idx] + rng.normal(0, 8, len(products))
    return amp, amp2, peak


def seasonality(shape: tuple[np.ndarray, np.ndarray, np.ndarray], doy: np.ndarray) -> np.ndarray:
    """Yearly log seasonality per product x week (``doy``: each week's Thursday)."""
    amp, amp2, peak = shape
    ang = 2 * np.pi * (doy[None, :] - peak[:, None]) / 365.25
    return amp[:, None] * np.cos(ang) + amp2[:, None] * np.cos(2 * ang)


def _trend_slopes(
    cfg: SynthConfig, rng: np.random.Generator, s: Series, n_stores: int, n_products: int
) -> np.ndarray:
    """Log growth per year of each series: product + store + series parts."""
    tsd = cfg.trend_sd_per_year
    return (
        rng.normal(0, tsd.product, n_products)[s.prod]
        + rng.normal(0, tsd.store, n_stores)[s.store]
        + rng.normal(0, tsd.series, len(s))
    )


def _ar1(rng: np.random.Generator, phi: float, sd: float, n: int, n_weeks: int) -> np.ndarray:
    """`n` stationary AR(1) paths over the weeks with persistence `phi` and marginal sd `sd`."""
    eps = rng.normal(0, sd * math.sqrt(1 - phi**2), (n, n_weeks))
    return _recur(rng.normal(0, sd, n), phi, eps)


def continue_ar1(
    rng: np.random.Generator, phi: float, sd: float, last: np.ndarray, n_weeks: int
) -> np.ndarray:
    """The weeks after an AR(1) path whose last state is `last` (same persistence and noise)."""
    eps = rng.normal(0, sd * math.sqrt(1 - phi**2), (len(last), n_weeks))
    return _recur(phi * last + eps[:, 0], phi, eps)


def _recur(first: np.ndarray, phi: float, eps: np.ndarray) -> np.ndarray:
    z = np.empty_like(eps)
    z[:, 0] = first
    for t in range(1, eps.shape[1]):
        z[:, t] = phi * z[:, t - 1] + eps[:, t]
    return z


def _return_rates(cfg: SynthConfig, rng: np.random.Generator, s: Series) -> np.ndarray:
    """Returned / shipped units per series: category multiple x log-normal with mean 1."""
    rates = cfg.rates
    return (
        rates.return_rate_mean
        * cfg.category_values("return_rate_mult")[s.cat]
        * np.exp(rng.normal(-0.5 * rates.return_rate_log_sd**2, rates.return_rate_log_sd, len(s)))
    )
