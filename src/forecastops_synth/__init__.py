"""The generator of the embedded default data: a tool for the default company, not a pipeline stage.

A deterministic `numpy.random.default_rng(seed)` process writes the raw layout of docs/contracts.md
("Raw sources of the default company"): weekly shipments per store x product (zero weeks have no
row), daily returns, daily weather (observed + a 14-day forecast), stores with demographics, the
product catalog, events and promotions.

Demand per store x product x week is a product of: a base level (store size, Zipf popularity,
demographics), yearly seasonality by category, slow trends, latent AR(1) drift (store traffic and
series level), holiday and regional-event effects on their real (moving) dates spread over the
shopping days before them, promotions (lift grows with the discount, small post-promo dip),
weather (temperature anomaly, heavy rain) and an unannounced shock (pandemic pantry loading);
counts are negative binomial. Quirks: feed outages, negative corrections, returns exceeding a
week's shipments, empty weather cells, stores/products opening and closing mid-history.

Modules: config (settings), timeline and calendar (dates), stores, products, weather, events,
promotions, assortment, lifecycle, demand, segments, shipments, returns (one part of the world
each), world (draws them in order), write (formats), generate (the command).
"""
