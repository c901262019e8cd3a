"""A segment's own components: LASSO and its embedding networks, fitted twice.

First on the training weeks (the networks stop early on the last of them) to forecast the
validation weeks, where the ensemble is later chosen by models that never saw them; then refitted on
train + val (the networks for their best epoch counts) and saved: forecasts use the newest weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.features.columns import numeric_columns
from forecastops.modeling.calibration import naive_mae
from forecastops.modeling.design import Design
from forecastops.modeling.lasso import fit_lasso, save_lasso
from forecastops.modeling.net import batch_size_for, seed_everything, training_device
from forecastops.modeling.nets import fit_nns, nn_shape, predict_nns, save_nns
from forecastops.modeling.rows import canonical, hold_out_last_weeks, splits


@dataclass
class Components:
    """What the ensemble choice needs from a fitted segment (validation forecasts, log-relative)."""

    segment: str
    lasso_val: np.ndarray
    nn_val: np.ndarray
    epochs: list[int]
    design: Design
    nn_shape: dict
    n_train: int
    n_val: int
    mase_scale: float | None
    device: str


def fit_components(
    rows: pd.DataFrame,
    segment: str,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
    out_dir: Path,
) -> Components:
    """Fit, forecast validation, refit and save the segment's LASSO and networks in ``out_dir``."""
    rows = canonical(rows)
    device = training_device(train_cfg)
    seed = seed_everything(train_cfg.seed, segment)
    batch = batch_size_for(device, model_cfg.nn.batch_size, train_cfg.gpu_batch_size)
    train, val, _ = splits(rows, f"segment {segment}")
    numeric = numeric_columns(feat_cfg, train_cfg.horizon_weeks)
    design = Design.fit(train, numeric, feat_cfg.categoricals)
    lasso_val = fit_lasso(design, train, model_cfg.lasso, seed).predict(design.numeric_matrix(val))
    fit, stop = hold_out_last_weeks(train, model_cfg.nn.stop_weeks, f"segment {segment}")
    nets, epochs = fit_nns(
        design, fit, model_cfg.nn, segment, train_cfg.seed, device, batch, val=stop
    )
    nn_val = predict_nns(design, nets, val)

    seen = pd.concat([train, val])
    design = Design.fit(seen, numeric, feat_cfg.categoricals)
    lasso = fit_lasso(design, seen, model_cfg.lasso, seed)
    nets, _ = fit_nns(
        design, seen, model_cfg.nn, segment, train_cfg.seed, device, batch, epochs=epochs
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    save_lasso(lasso, out_dir / "lasso.json")
    save_nns(nets, out_dir)
    return Components(
        segment=segment,
        lasso_val=lasso_val,
        nn_val=nn_val,
        epochs=epochs,
        design=design,
        nn_shape=nn_shape(design, model_cfg.nn),
        n_train=len(train),
        n_val=len(val),
        mase_scale=naive_mae(seen, train_cfg.horizon_weeks),
        device=str(device),
    )
