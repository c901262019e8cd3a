"""The design matrix scoring and training read: the whole-array ``numeric_matrix`` gives the numbers
the column-by-column path gives, byte for byte, its standardisation is fitted to those columns,
and category codes reserve 0 for values training never saw."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forecastops.modeling.design import RELATIVE_PREFIXES, Design


def _rows(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lag = rng.poisson(5, n).astype(float)
    lag[::7] = np.nan  # no history that far back
    return pd.DataFrame(
        {
            "level": rng.uniform(0, 20, n),
            "lag_4": lag,
            "rmean_13": rng.uniform(-1, 30, n),  # negative: clipped before the log
            "rstd_13": rng.uniform(0, 4, n),
            "promo_discount": pd.array(np.where(np.arange(n) % 5, 0.2, np.nan), dtype="Float64"),
            "is_event_week": rng.integers(0, 2, n),
            "store_id": [f"S{i % 3}" for i in range(n)],
            "week_of_year": rng.integers(1, 53, n),
        }
    )


def _columns(design: Design, rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each numeric column on its own, as a contiguous array: the reference layout."""
    offset = np.log1p(np.clip(rows["level"].astype(float).to_numpy(), 0, None))
    cols = {}
    for c in design.numeric:
        v = rows[c].astype(float).to_numpy()
        cols[c] = np.log1p(np.clip(v, 0, None)) - offset if c.startswith(RELATIVE_PREFIXES) else v
    return cols


def _column_by_column(design: Design, rows: pd.DataFrame) -> np.ndarray:
    cols = _columns(design, rows)
    raw = np.column_stack([cols[c] for c in design.numeric])
    mean = np.array([design.mean[c] for c in design.numeric])
    std = np.array([design.std[c] for c in design.numeric])
    return np.nan_to_num(((raw - mean) / std).astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)


def test_the_standardisation_is_each_columns_own_mean_and_spread():
    numeric = ["lag_4", "rmean_13", "promo_discount", "is_event_week", "empty"]
    rows = _rows().assign(empty=np.nan)
    design = Design.fit(rows, numeric, [])
    cols = _columns(design, rows)
    for c in numeric[:-1]:
        assert design.mean[c] == float(np.nanmean(cols[c])), c  # exact: the same sums
        spread = float(np.nanstd(cols[c]))
        assert design.std[c] == (spread if spread > 1e-9 else 1.0), c  # constant: scaled by 1
    # a column with no value in these rows: centred at 0, scaled by 1
    assert (design.mean["empty"], design.std["empty"]) == (0.0, 1.0)


def test_numeric_matrix_is_the_column_by_column_standardisation_byte_for_byte():
    numeric = ["lag_4", "rmean_13", "rstd_13", "promo_discount", "is_event_week"]
    design = Design.fit(_rows(), numeric, ["store_id", "week_of_year"])
    other = _rows(seed=1)
    got = design.numeric_matrix(other)
    assert got.dtype == np.float32 and got.shape == (len(other), len(numeric))
    assert got.flags.c_contiguous  # the layout too: a matrix product's last bits follow it
    assert got.tobytes() == _column_by_column(design, other).tobytes()
    assert np.isfinite(got).all()


def test_category_codes_reserve_zero_for_unseen_values():
    design = Design.fit(_rows(), ["lag_4"], ["store_id", "week_of_year"])
    rows = _rows(seed=2)
    rows.loc[0, "store_id"] = "S-new"
    with warnings.catch_warnings():
        # pandas deprecates categorising values outside the vocabulary
        warnings.simplefilter("error")
        codes = design.category_codes(rows)
    lookup = {c: {v: i + 1 for i, v in enumerate(design.vocab[c])} for c in design.categoricals}
    expected = np.column_stack(
        [rows[c].astype(str).map(lookup[c]).fillna(0).astype(np.int64) for c in design.categoricals]
    )
    assert codes.dtype == np.int64 and (codes == expected).all()
    assert codes[0, 0] == 0 and codes[1:, 0].min() >= 1
