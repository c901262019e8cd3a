"""The linear half of the ensemble: LASSO on the design matrix, saved as plain JSON numbers.

Only the coefficients and the intercept are kept (a pickle of the sklearn object could run code
when loaded); predicting is one matrix product, so nothing but numbers is ever read back, and
scoring and assembling saved fits never import scikit-learn (over a second of every such process).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.sections.model import LassoConfig
from forecastops.errors import ForecastopsError
from forecastops.modeling.design import Design, relative_target


@dataclass(frozen=True)
class LinearModel:
    coef: list[float]
    intercept: float

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        return np.asarray(matrix, dtype=np.float64) @ np.asarray(self.coef) + self.intercept


def fit_lasso(design: Design, rows: pd.DataFrame, cfg: LassoConfig, seed: int) -> LinearModel:
    from sklearn.linear_model import Lasso  # lazy: only fitting needs it (module docstring)

    model = Lasso(alpha=cfg.alpha, max_iter=cfg.max_iter, random_state=seed, selection="cyclic")
    model.fit(design.numeric_matrix(rows), relative_target(rows))
    return LinearModel([float(c) for c in model.coef_], float(model.intercept_))


def save_lasso(model: LinearModel, path: Path) -> None:
    payload = {"kind": "linear", "coef": model.coef, "intercept": model.intercept}
    path.write_text(json.dumps(payload, indent=1) + "\n")


def load_lasso(path: Path, n_features: int) -> LinearModel:
    """The saved model, refused unless it is exactly ``n_features`` finite numbers and an intercept."""
    try:
        raw = json.loads(path.read_text())
        coef = [float(c) for c in raw["coef"]]
        intercept = float(raw["intercept"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ForecastopsError(f"{path}: not a saved linear model ({exc})") from exc
    if raw.get("kind") != "linear" or len(coef) != n_features:
        raise ForecastopsError(
            f"{path}: expected a linear model with {n_features} coefficients, got {len(coef)}"
        )
    if not np.all(np.isfinite([*coef, intercept])):
        raise ForecastopsError(f"{path}: non-finite coefficients")
    return LinearModel(coef, intercept)
