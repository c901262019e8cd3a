"""Build every generated table from one random stream.

All parts draw from a single `numpy.random.default_rng(seed)` in the fixed order of `build`, so
the same config gives the same data everywhere; reordering the steps changes every byte after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series, carry_series
from forecastops_synth.config import SynthConfig
from forecastops_synth.demand import Drivers, model_demand
from forecastops_synth.events import make_events
from forecastops_synth.products import make_products
from forecastops_synth.promotions import make_promotions
from forecastops_synth.returns import make_returns
from forecastops_synth.shipments import make_shipments
from forecastops_synth.stores import make_stores
from forecastops_synth.timeline import Timeline
from forecastops_synth.weather import Weather, WeatherFeed, report_weather, simulate_weather


@dataclass(frozen=True)
class World:
    """Everything the raw sources are written from."""

    timeline: Timeline
    stores: pd.DataFrame
    products: pd.DataFrame
    weather: Weather
    weather_feed: WeatherFeed
    events: pd.DataFrame
    promotions: pd.DataFrame
    series: Series
    shipments: pd.DataFrame  # reported rows: s (series), w (week), qty
    returns: pd.DataFrame
    drivers: Drivers | None = None  # what later weeks continue (forecastops_synth.extend)


def build(cfg: SynthConfig) -> World:
    """Generate every table; the order of the steps is the order of the random draws."""
    rng = np.random.default_rng(cfg.seed)
    tl = Timeline.from_config(cfg)
    stores = make_stores(cfg, rng, tl)
    products = make_products(cfg, rng, tl)
    weather = simulate_weather(cfg, rng, tl, stores)
    events = make_events(cfg, tl)
    promotions = make_promotions(cfg, rng, tl, products)
    series = carry_series(cfg, rng, stores, products, weather.zip_index())
    demand = model_demand(cfg, rng, tl, stores, products, series, weather, events, promotions)
    shipments = make_shipments(cfg, rng, tl, len(stores), series, demand)
    returns = make_returns(cfg, rng, tl, series, shipments.true_qty, demand.return_rate)
    return World(
        timeline=tl,
        stores=stores,
        products=products,
        weather=weather,
        weather_feed=report_weather(cfg, rng, tl, weather),
        events=events.table,
        promotions=promotions.table,
        series=series,
        shipments=shipments.rows,
        returns=returns,
        drivers=demand.drivers,
    )
