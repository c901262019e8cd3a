"""Which store carries which product: the store x product series that get demand and shipments.

Large stores carry more of the catalog, and popular products are carried almost everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from forecastops_synth.config import SynthConfig


@dataclass(frozen=True)
class Series:
    """Per carried store x product (sorted by store row, then product): what it belongs to."""

    store: np.ndarray  # row in the stores table
    prod: np.ndarray  # row in the products table
    region: np.ndarray  # region position
    cat: np.ndarray  # category position
    zip: np.ndarray  # column in the weather arrays
    store_nbr: np.ndarray  # the store's and the product's ids in the raw sources
    sku: np.ndarray

    def __len__(self) -> int:
        return len(self.store)

    def subset(self, idx: np.ndarray) -> Series:
        """The series at positions ``idx``."""
        return Series(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def joined(self, other: Series) -> Series:
        """These series, then ``other``'s (numbered after them)."""
        return Series(
            **{
                f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                for f in fields(self)
            }
        )


def carry_series(
    cfg: SynthConfig,
    rng: np.random.Generator,
    stores: pd.DataFrame,
    products: pd.DataFrame,
    zip_index: dict[str, int],
) -> Series:
    """Draw the assortment: P(carry) = format base + (1 - base) * popularity^0.35."""
    carry_base = np.where(stores["large"].to_numpy(), cfg.carry_base.large, cfg.carry_base.small)
    p_carry = (
        carry_base[:, None]
        + (1 - carry_base[:, None]) * products["pop"].to_numpy()[None, :] ** 0.35
    )
    carry = rng.random((len(stores), len(products))) < p_carry
    store, prod = np.nonzero(carry)  # row-major: sorted by store_nbr, then product
    return Series(
        store=store,
        prod=prod,
        region=stores["region_idx"].to_numpy()[store],
        cat=products["cat_idx"].to_numpy()[prod],
        zip=np.array([zip_index[z] for z in stores["zip"]])[store],
        store_nbr=stores["store_nbr"].to_numpy()[store],
        sku=products["ITEM_NBR"].to_numpy()[prod],
    )
