"""How rows become model inputs, on each series' own scale.

Both learners forecast the target ``log1p(demand) - log1p(level)``, where level is the series'
trailing mean known at forecast time, so a 3-unit series and a 300-unit series look alike to the
model and small series are not swamped. Lag and rolling features are expressed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Features expressed relative to the series level (log ratio); others are standardised as they are.
RELATIVE_PREFIXES = ("lag_", "rmean_", "rstd")


@dataclass
class Design:
    """How rows become model inputs; fitted on training rows and stored with the model."""

    numeric: list[str]
    categoricals: list[str]
    mean: dict[str, float] = field(default_factory=dict)
    std: dict[str, float] = field(default_factory=dict)
    vocab: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def fit(cls, rows: pd.DataFrame, numeric: list[str], categoricals: list[str]) -> Design:
        design = cls(numeric, categoricals)
        raw = design._relative(rows)
        for i, c in enumerate(numeric):
            col = np.ascontiguousarray(raw[:, i])  # a contiguous column: NumPy's sums by layout
            seen = not np.isnan(col).all()
            design.mean[c] = float(np.nanmean(col)) if seen else 0.0
            # A column with no value in these rows (empty in a segment's training weeks) scales by 1.
            std = float(np.nanstd(col)) if seen else 1.0
            design.std[c] = std if np.isfinite(std) and std > 1e-9 else 1.0
        design.vocab = {c: sorted(rows[c].astype(str).unique().tolist()) for c in categoricals}
        return design

    def _relative(self, rows: pd.DataFrame) -> np.ndarray:
        """The numeric columns, those named ``RELATIVE_PREFIXES`` as log ratios to the level."""
        raw = rows[self.numeric].to_numpy(dtype=float, na_value=np.nan)
        # C order (a matrix product's last bits follow the layout), and a copy pandas does not own
        raw = np.require(raw, requirements=["C_CONTIGUOUS", "WRITEABLE"])
        relative = [i for i, c in enumerate(self.numeric) if c.startswith(RELATIVE_PREFIXES)]
        if relative:
            logs = np.log1p(np.clip(raw[:, relative], 0, None))
            raw[:, relative] = logs - log_level(rows)[:, None]
        return raw

    def numeric_matrix(self, rows: pd.DataFrame) -> np.ndarray:
        """Standardised numeric inputs; unknown values (no history that far back) become 0."""
        mean = np.array([self.mean[c] for c in self.numeric], dtype=float)
        std = np.array([self.std[c] for c in self.numeric], dtype=float)
        out = (self._relative(rows) - mean) / std
        return np.nan_to_num(out.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)

    def category_codes(self, rows: pd.DataFrame) -> np.ndarray:
        """Integer codes per categorical; 0 is reserved for values unseen in training. Each distinct
        value is looked up once (a segment's rows repeat few stores, products and weeks)."""
        codes = []
        for c in self.categoricals:
            positions, distinct = pd.factorize(rows[c], use_na_sentinel=False)
            lookup = {v: i + 1 for i, v in enumerate(self.vocab[c])}
            table = np.array([lookup.get(v, 0) for v in distinct.astype(str)], dtype=np.int64)
            codes.append(table[positions])
        return np.column_stack(codes) if codes else np.zeros((len(rows), 0), dtype=np.int64)


def log_level(rows: pd.DataFrame) -> np.ndarray:
    return np.log1p(np.clip(rows["level"].astype(float).to_numpy(), 0, None))


def relative_target(rows: pd.DataFrame) -> np.ndarray:
    return (
        np.log1p(np.clip(rows["target"].to_numpy(dtype=float), 0, None)) - log_level(rows)
    ).astype(np.float32)
