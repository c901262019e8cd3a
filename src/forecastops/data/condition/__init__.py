"""Stage ``condition``: raw sources (through ``data.adapters``) -> the standard weekly table.

One row per raw shipment row (duplicates kept: ``validate`` decides), zero-filled rows
(``_filled=True``) over each store x product series' active span and ``is_future=True`` rows for the
next weeks of every active series (``grid``); returns, promotions, events and weather are joined
onto those rows by their own modules; ``stage`` assembles the table and is the CLI.
"""
