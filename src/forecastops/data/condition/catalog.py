"""Store and product attributes as arrays indexed by store / product code.

Codes are positions in the sorted ids (so code order is string order) of every store and product
seen in shipments or in the stores / products sources; the grid and the joins then take attributes
by code instead of merging frames. Stores / products missing from their source keep -1 codes (null
attributes), so that ``validate`` can name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.config.sections.data import DataConfig
from forecastops.data.condition.codes import codes
from forecastops.data.condition.store_format import store_formats
from forecastops.data.condition.weeks import NEVER, last_full_week


@dataclass
class Stores:
    """Store attributes by store code (-1: none; codes index ``regions``, ``formats``, ``zips``)."""

    ids: pd.Index
    source_codes: np.ndarray  # code of each row of the stores source
    regions: pd.Index
    region: np.ndarray
    formats: pd.Index
    format: np.ndarray
    last_week: np.ndarray  # last week before the store closes (NEVER: open)
    demographics: dict[str, np.ndarray]
    zips: list[str]
    zip: np.ndarray

    def region_or_unknown(self, store: np.ndarray) -> np.ndarray:
        """Region code of each store code; stores without a region get the pseudo code
        ``len(regions)``, which every-region promotions and events also cover."""
        region = self.region[store]
        return np.where(region >= 0, region, len(self.regions))


@dataclass
class Products:
    """Product attributes by product code (``category`` indexes ``categories``; -1: none)."""

    ids: pd.Index
    categories: pd.Index
    category: np.ndarray
    last_week: np.ndarray  # last week before the product is discontinued (NEVER: never)


def _sorted_labels(values: pd.Series) -> pd.Index:
    return pd.Index(sorted(values.dropna().unique()))


def _by_code(size: int, positions: np.ndarray, values: np.ndarray, fill: float) -> np.ndarray:
    """An array of ``size`` holding ``values`` at ``positions`` and ``fill`` elsewhere."""
    out = np.full(size, fill, dtype=np.asarray(values).dtype)
    out[positions] = values
    return out


def build_stores(cfg: DataConfig, stores: pd.DataFrame, ids: pd.Index) -> Stores:
    row_codes = codes(stores["store_id"], ids)
    regions = _sorted_labels(stores["region"])
    store_format = store_formats(cfg.store_format, stores[cfg.store_format.column])
    formats = _sorted_labels(store_format)
    last_week = np.full(len(ids), NEVER, np.int64)
    if "close_date" in stores:
        last_week[row_codes] = last_full_week(stores["close_date"])
    zips, zip_codes = pd.Index([], dtype=object), np.full(len(ids), -1, np.int64)
    if "zip" in stores:
        zips = _sorted_labels(stores["zip"].astype("str"))
        zip_codes = _by_code(len(ids), row_codes, zips.get_indexer(stores["zip"].astype("str")), -1)
    demographics = {
        col: _by_code(
            len(ids), row_codes, pd.to_numeric(stores[col], errors="coerce").to_numpy(float), np.nan
        )
        for col in cfg.demographics
    }
    return Stores(
        ids=ids,
        source_codes=row_codes,
        regions=regions,
        region=_by_code(len(ids), row_codes, codes(stores["region"], regions), -1),
        formats=formats,
        format=_by_code(len(ids), row_codes, formats.get_indexer(store_format), -1),
        last_week=last_week,
        demographics=demographics,
        zips=list(zips),
        zip=zip_codes,
    )


def build_products(cfg: DataConfig, products: pd.DataFrame | None, ids: pd.Index) -> Products:
    last_week = np.full(len(ids), NEVER, np.int64)
    if products is None:  # every product in the configured default category
        return Products(
            ids, pd.Index([cfg.default_category]), np.zeros(len(ids), np.int64), last_week
        )
    row_codes = codes(products["product_id"], ids)
    categories = _sorted_labels(products["category"])
    if "discontinue_date" in products:
        last_week[row_codes] = last_full_week(products["discontinue_date"])
    category = _by_code(len(ids), row_codes, codes(products["category"], categories), -1)
    return Products(ids, categories, category, last_week)


def build_catalog(cfg: DataConfig, sources: dict[str, pd.DataFrame]) -> tuple[Stores, Products]:
    """Codes and attributes of every store and product seen in shipments or their own source."""
    shipments, stores = sources["shipments"], sources["stores"]
    products = sources.get("products")
    store_ids = pd.Index(sorted(set(shipments["store_id"].unique()) | set(stores["store_id"])))
    product_ids = set(shipments["product_id"].unique())
    if products is not None:
        product_ids |= set(products["product_id"])
    return (
        build_stores(cfg, stores, store_ids),
        build_products(cfg, products, pd.Index(sorted(product_ids))),
    )
