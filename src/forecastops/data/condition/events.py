"""Events per row: ``is_event_week`` and the ``|``-joined sorted names of its region's events.

An event applies to one region, or to every region when its ``scope`` is the configured
``all_scope`` value (or the source maps no scope); every-region events also reach stores of no
known region, through the pseudo region code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.data.condition.catalog import Stores
from forecastops.data.condition.codes import lookup, string_column, week_key
from forecastops.data.condition.grid import Rows
from forecastops.data.condition.weeks import week_index


def _names_by_region_week(events: pd.DataFrame, stores: Stores, all_scope: str) -> pd.Series:
    """week_key(region code, week) -> the week's event names, sorted and ``|``-joined."""
    names = events["event_name"].astype("str").to_numpy(object)
    if "scope" in events:
        scope = events["scope"].astype("str").to_numpy(object)
    else:
        scope = np.full(len(events), all_scope, object)
    every_region = scope == all_scope
    region = stores.regions.get_indexer(pd.Index(scope, dtype="object")).astype(np.int64)
    regional = ~every_region & (region >= 0)
    all_codes = np.arange(len(stores.regions) + 1)  # every region plus the unknown pseudo region
    everywhere = np.flatnonzero(every_region)
    event_row = np.concatenate([np.repeat(everywhere, len(all_codes)), np.flatnonzero(regional)])
    event_region = np.concatenate([np.tile(all_codes, len(everywhere)), region[regional]])
    table = pd.DataFrame(
        {
            "key": week_key(event_region, week_index(events["week_start"])[event_row]),
            "name": names[event_row],
        }
    )
    table = table.drop_duplicates().sort_values(["key", "name"])
    return table.groupby("key", sort=True)["name"].agg("|".join)


def event_columns(
    events: pd.DataFrame | None, stores: Stores, rows: Rows, all_scope: str
) -> tuple[np.ndarray, pd.Series]:
    """(``is_event_week`` as int8, ``event_names`` with "" for weeks without events)."""
    position = np.full(len(rows.key), -1, np.int64)
    names: list[str] = []
    if events is not None:
        joined = _names_by_region_week(events, stores, all_scope)
        names = list(joined.to_numpy())
        row_key = week_key(stores.region_or_unknown(rows.store), rows.week)
        position = lookup(row_key, joined.index.to_numpy())
    return (position >= 0).astype(np.int8), string_column(position + 1, ["", *names])
