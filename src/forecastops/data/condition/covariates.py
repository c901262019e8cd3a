"""Covariates per row: the columns of ``data.sources.covariates``, joined by the keys each maps.

A covariate source is keyed by the key columns it maps (``COVARIATE_KEYS``: per store-week, per
store, per week, per product-week, per region-week ...); each of its other columns is a covariate
column of the table. A column that several sources provide takes, on each row, the value of the
first source (in declaration order) that has one: a history file, then a file of the planned future
weeks. Numbers and flags become floats, text a category (string). Source rows of a store, product,
region or week the table has no row for are not used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecastops.config.sections.data import COVARIATE_KEYS, DataConfig
from forecastops.data.adapters.text import describe_rows
from forecastops.data.condition.catalog import Products, Stores
from forecastops.data.condition.codes import KEY_STRIDE, codes, lookup
from forecastops.data.condition.grid import Rows
from forecastops.data.condition.weeks import NEVER, week_index
from forecastops.errors import ForecastopsError


def _key_codes(
    frame: pd.DataFrame, key: str, stores: Stores, products: Products, rows: Rows
) -> tuple[np.ndarray, np.ndarray, int]:
    """(codes of the source's rows, codes of the table's rows, number of codes) of one key column;
    -1 where a value has no code."""
    if key == "store_id":
        return codes(frame[key], stores.ids), rows.store, len(stores.ids)
    if key == "product_id":
        return codes(frame[key], products.ids), rows.product, len(products.ids)
    if key == "region":
        return codes(frame[key], stores.regions), stores.region[rows.store], len(stores.regions)
    week = week_index(frame[key])
    return np.where(week == NEVER, -1, week), rows.week, KEY_STRIDE


def _positions(
    name: str, frame: pd.DataFrame, keys: list[str], stores: Stores, products: Products, rows: Rows
) -> np.ndarray:
    """Position in ``frame`` of each table row's key (-1: none); a key twice in the source is an
    error naming its rows, since either value could be meant."""
    source_key = np.zeros(len(frame), np.int64)
    row_key = np.zeros(len(rows.key), np.int64)
    known = np.ones(len(frame), bool)
    row_known = np.ones(len(rows.key), bool)
    for key in keys:
        source_codes, row_codes, size = _key_codes(frame, key, stores, products, rows)
        known &= source_codes >= 0
        row_known &= row_codes >= 0
        source_key = source_key * size + source_codes
        row_key = row_key * size + row_codes
    usable = np.flatnonzero(known)
    repeated = pd.Series(source_key[usable]).duplicated(keep=False).to_numpy()
    if repeated.any():
        shown = frame.iloc[usable[repeated]]
        raise ForecastopsError(
            f"source 'covariates.{name}' ({', '.join(sorted(set(shown['_source_file'].astype(str))))}"
            f"): more than one row for the same {' x '.join(keys)} at "
            f"{describe_rows(shown['_source_row'].to_numpy())} (a daily source needs `aggregate`)"
        )
    position = lookup(row_key, source_key[usable])
    return np.where(row_known & (position >= 0), usable[np.maximum(position, 0)], -1)


def covariate_columns(
    cfg: DataConfig,
    sources: dict[str, pd.DataFrame],
    stores: Stores,
    products: Products,
    rows: Rows,
) -> dict[str, np.ndarray | pd.Series]:
    """Each covariate column per table row (missing where no source has a value)."""
    kinds = cfg.sources.covariate_kinds()
    n_rows = len(rows.key)
    out = {
        column: np.full(n_rows, np.nan) if kind == "numeric" else np.full(n_rows, None, object)
        for column, kind in kinds.items()
    }
    for name, spec in cfg.sources.covariates.items():
        frame = sources[f"covariates.{name}"]
        keys = [c for c in spec.columns if c in COVARIATE_KEYS]
        position = _positions(name, frame, keys, stores, products, rows)
        for column in (c for c in spec.columns if c not in COVARIATE_KEYS):
            if kinds[column] == "numeric":
                values = frame[column].astype("float64").to_numpy()
            else:
                values = frame[column].astype(object).where(frame[column].notna(), None).to_numpy()
            fill = (position >= 0) & pd.isna(out[column])
            out[column][fill] = values[position[fill]]
    return {
        column: pd.Series(values, dtype="str") if kinds[column] == "category" else values
        for column, values in out.items()
    }
