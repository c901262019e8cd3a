"""The demand model: expected log units per series x history week, and the count dispersion.

log mu = base level (store size, popularity, demographics, series noise) + category seasonality
+ event lifts + trend + latent AR(1) drift (store traffic, series level) + promotion lift - post-
promo dip + weather effects + shocks + lifecycle ramps. The series-level random parameters are
drawn in one fixed order (the RNG stream), including the return rates used later by returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.events import Events, shock_effects
from forecastops_synth.lifecycle import lifecycle
from forecastops_synth.promotions import Promotions
from forecastops_synth.segments import ensure_segments
from forecastops_synth.timeline import Timeline
from forecastops_synth.weather import Weather


@dataclass(frozen=True)
class Demand:
    """Per series (x history week): what the shipments are drawn from."""

    log_mu: np.ndarray  # expected log units, series x week
    active: np.ndarray  # series x week: the store and product sell this week
    dispersion: np.ndarray  # negative binomial size k per series
    return_rate: np.ndarray  # expected returned / shipped units per series


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
    """Draw the series parameters and sum the log demand components (order fixed: RNG, floats)."""
    s = series
    n = len(s)
    log_base = _base_level(cfg, rng, stores, products, s)
    season = _seasonality(cfg, rng, tl, products)  # product x week
    ev_scale = np.exp(rng.normal(0, cfg.product_event_sd, len(products)))
    slope = _trend_slopes(cfg, rng, s, len(stores), len(products))
    lat = cfg.latent
    z_store = _ar1(rng, lat.store_phi, lat.store_sd, len(stores), tl.n_weeks)
    z_series = _ar1(rng, lat.series_phi, lat.series_sd, n, tl.n_weeks)
    p_el = cfg.category_values("promo_elasticity")[s.cat] * np.exp(
        rng.normal(0, cfg.promo_elasticity_sd, n)
    )
    dispersion = cfg.dispersion_median * np.exp(rng.normal(0, cfg.dispersion_log_sd, n))
    return_rate = _return_rates(cfg, rng, s)
    p_dip = cfg.category_values("post_promo_dip")[s.cat]
    t_sens = cfg.category_values("temp_sens")[s.cat]
    r_eff = cfg.category_values("rain_effect")[s.cat]
    life = lifecycle(cfg, tl, stores, products, s)
    log_mu = (
        log_base[:, None]
        + season[s.prod]
        + events.log_effect[s.region, s.cat] * ev_scale[s.prod][:, None]
        + slope[:, None] * tl.t_years[None, :]
        + z_store[s.store]
        + z_series
        + p_el[:, None] * promotions.eff[s.region, s.prod]
        - p_dip[:, None] * promotions.post[s.region, s.prod]
        + t_sens[:, None] * weather.wk_temp_anom[s.zip] / 10.0
        + r_eff[:, None] * weather.wk_heavy[s.zip]
        + shock_effects(cfg, tl)[s.cat]
        + life.log_ramp
        + life.log_fade
    )
    ensure_segments(cfg, log_mu, life.active, s, stores["large"].to_numpy()[s.store])
    return Demand(
        log_mu=log_mu,
        active=life.active,
        dispersion=_lumpier_slow_movers(cfg, dispersion, log_mu, life.active),
        return_rate=return_rate,
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


def _seasonality(
    cfg: SynthConfig, rng: np.random.Generator, tl: Timeline, products: pd.DataFrame
) -> np.ndarray:
    """Yearly log seasonality per product x week: its category's shape, jittered per product."""
    cat_idx = products["cat_idx"]
    amp = cfg.category_values("season_amp")[cat_idx] * np.exp(rng.normal(0, 0.2, len(products)))
    amp2 = cfg.category_values("season_amp2")[cat_idx]
    peak = cfg.category_values("peak_doy")[cat_idx] + rng.normal(0, 8, len(products))
    ang = 2 * np.pi * (tl.doy[None, :] - peak[:, None]) / 365.25
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
    z = np.empty_like(eps)
    z[:, 0] = rng.normal(0, sd, n)
    for t in range(1, n_weeks):
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
