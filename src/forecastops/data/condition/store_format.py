"""Store format from a stores column, by the configured rule: a size threshold or a value mapping.

Stores with no usable value (not a number under a threshold rule, unmapped without a default) get
a null format rather than a guessed one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecastops.config.sections.data import StoreFormatRule, norm_key


def _mapping_key(value: Any) -> Any:
    """A raw value as the mapping's keys are written (missing values stay missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return value
    return norm_key(value)


def store_formats(rule: StoreFormatRule, values: pd.Series) -> pd.Series:
    """The format of each store, from its ``rule.column`` value."""
    if rule.threshold is not None:
        size = pd.to_numeric(values, errors="coerce")
        formats = np.where(size >= rule.threshold, rule.at_or_above, rule.below)
        return pd.Series(formats, index=values.index, dtype="str").where(size.notna())
    formats = values.map(_mapping_key).map(rule.mapping)
    if rule.default is not None:
        formats = formats.fillna(rule.default)
    return formats.astype("str")
