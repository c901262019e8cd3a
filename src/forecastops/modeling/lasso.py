"""The linear half of the ensemble: LASSO on the design matrix, saved with joblib."""

from __future__ import annotations

from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import Lasso

from forecastops.config.sections.model import LassoConfig
from forecastops.modeling.design import Design, relative_target


def fit_lasso(design: Design, rows: pd.DataFrame, cfg: LassoConfig, seed: int) -> Lasso:
    model = Lasso(alpha=cfg.alpha, max_iter=cfg.max_iter, random_state=seed, selection="cyclic")
    return model.fit(design.numeric_matrix(rows), relative_target(rows))


def save_lasso(model: Lasso, path: Path) -> None:
    joblib.dump(model, path)


def load_lasso(path: Path) -> Lasso:
    return joblib.load(path)
