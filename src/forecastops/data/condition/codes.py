"""Integer codes for string keys, composite (entity, week) keys and lookups between them.

Every join in ``condition`` is a lookup of an integer key in a sorted-unique table of keys; this
keeps the stage vectorised and its memory small.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# multiplier of the entity code in an (entity, week index) key; above every week index in use
KEY_STRIDE = 100_000


def codes(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Position of each value in ``categories`` or -1."""
    return categories.get_indexer(values.astype("str")).astype(np.int64)


def week_key(entity: np.ndarray, week: np.ndarray) -> np.ndarray:
    """One integer per (entity code, week index)."""
    return entity * KEY_STRIDE + week


def lookup(keys: np.ndarray, table_keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``table_keys`` (unique) or -1."""
    return pd.Index(table_keys).get_indexer(keys)


def take(values: np.ndarray, positions: np.ndarray, fill: float = np.nan) -> np.ndarray:
    """``values[positions]`` with ``fill`` where the position is -1 (also when ``values`` is empty)."""
    if len(values):
        found = values[np.clip(positions, 0, max(len(values) - 1, 0))]
    else:
        found = np.empty(len(positions))
    return np.where(positions >= 0, found, fill)


def string_column(codes: np.ndarray, categories: Sequence[str] | pd.Index) -> pd.Series:
    """Codes into ``categories`` -> a string column (-1 -> missing)."""
    labels = pd.Index(categories, dtype="object")
    codes = np.asarray(codes, dtype=np.int64)
    if not labels.is_unique:
        inverse, labels = pd.factorize(labels)
        codes = np.where(codes >= 0, inverse[np.clip(codes, 0, None)], -1)
    return pd.Series(pd.Categorical.from_codes(codes, labels)).astype("str")
