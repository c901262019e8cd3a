"""Feed outages: store-weeks with no raw shipment row while other stores reported that week.

A store-week without any raw row is zero demand only if the feed worked; when any other store (of
any region) reported the week, the store's feed is taken to have failed, so a region whose feed
lags as a whole is caught too, and its zero-filled rows are not read as zero demand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.data.table import history_rows


def outage_rows(df: pd.DataFrame) -> np.ndarray:
    """Mask of the history rows of store-weeks with no raw row while other stores had raw rows."""
    history = history_rows(df)
    if not history.any():
        return np.zeros(len(df), bool)
    rows = pd.DataFrame(
        {
            "region": df["region"].to_numpy(object),
            "store_id": df["store_id"].to_numpy(object),
            "week_start": df["week_start"].to_numpy(),
            "raw": ~df["_filled"].to_numpy(bool),
        }
    )[history]
    store_weeks = (
        rows.groupby(["region", "store_id", "week_start"], sort=False, dropna=False)["raw"]
        .any()
        .reset_index()
    )
    reporting = store_weeks[store_weeks["raw"]].groupby("week_start").size()
    store_weeks = store_weeks.join(reporting.rename("n_reporting"), on="week_start")
    silent = ~store_weeks["raw"] & (store_weeks["n_reporting"].fillna(0) > 0)
    outages = store_weeks.loc[silent, ["store_id", "week_start"]]
    if outages.empty:
        return np.zeros(len(df), bool)
    row_keys = pd.MultiIndex.from_frame(df[["store_id", "week_start"]].astype({"store_id": object}))
    outage_keys = pd.MultiIndex.from_frame(outages.astype({"store_id": object}))
    return row_keys.isin(outage_keys) & history
