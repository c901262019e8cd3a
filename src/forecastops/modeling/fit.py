"""Fitting one segment: LASSO and the embedding NN, the ensemble weights, the refit, the save.

Both learners are fitted on the training weeks; the NN stops early on the validation weeks and the
ensemble weights are chosen there, by models that never saw them; both are then refitted on train +
val (the NN for its best epoch count) and forecast the held-out test weeks, next to the
historical-average and naive baselines.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import Lasso

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import EnsembleConfig, ModelConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.features.columns import numeric_columns
from forecastops.modeling.baselines import historical_average, naive, running_mean
from forecastops.modeling.design import Design, relative_target
from forecastops.modeling.ensemble import (
    EnsembleMeta,
    combine,
    component_predictions,
    predict_segment,
    usable,
)
from forecastops.modeling.lasso import fit_lasso, save_lasso
from forecastops.modeling.net import EmbeddingNet, resolve_device, seed_everything
from forecastops.modeling.net import fit as fit_net
from forecastops.quality.metrics import SCORERS


def _fit_pair(
    design: Design,
    rows: pd.DataFrame,
    model_cfg: ModelConfig,
    seed: int,
    device: torch.device,
    val: pd.DataFrame | None = None,
    epochs: int | None = None,
) -> tuple[object, EmbeddingNet, int]:
    lasso = fit_lasso(design, rows, model_cfg.lasso, seed)
    val_arrays = None
    if val is not None:
        val_arrays = (
            design.category_codes(val),
            design.numeric_matrix(val),
            relative_target(val),
        )
    net, best_epochs = fit_net(
        design.category_codes(rows),
        design.numeric_matrix(rows),
        relative_target(rows),
        [len(design.vocab[c]) for c in design.categoricals],
        model_cfg.nn,
        seed,
        device,
        val=val_arrays,
        epochs=epochs,
    )
    return lasso, net, best_epochs


def choose_weights(
    components: tuple[np.ndarray, np.ndarray], val: pd.DataFrame, grid: EnsembleConfig
) -> tuple[tuple[float, float, float], dict[str, float | None]]:
    """The (nn_weight, scale, mean_weight) of the grid that scores best on the validation weeks,
    and every candidate's score (kept in meta.json so a reviewer can see how close the race was)."""
    lasso_val, nn_val = components
    scorer = SCORERS[grid.select_metric]
    mean_val = running_mean(val)
    candidates = {
        (w, s, b): scorer(val["target"], combine(lasso_val, nn_val, mean_val, w, s, b))
        for w in grid.nn_weight_grid
        for s in grid.scale_grid
        for b in grid.mean_weight_grid
    }
    best = min(candidates, key=lambda k: np.inf if candidates[k] is None else candidates[k])
    scores = {f"nn_weight={w},scale={s},mean_weight={b}": v for (w, s, b), v in candidates.items()}
    return best, scores


def _save(out_dir: Path, lasso: Lasso, net: EmbeddingNet, meta: EnsembleMeta) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    save_lasso(lasso, out_dir / "lasso.joblib")
    torch.save(net.state_dict(), out_dir / "nn.pt")
    meta.save(out_dir / "meta.json")


def _nn_shape(design: Design, n_numeric: int, model_cfg: ModelConfig) -> dict:
    """What rebuilds the network as it was trained, whatever the config says at load time."""
    return {
        "cardinalities": [len(design.vocab[c]) for c in design.categoricals],
        "n_numeric": n_numeric,
        "config": model_cfg.nn.model_dump(),
    }


def _splits(rows: pd.DataFrame, segment: str) -> tuple[pd.DataFrame, ...]:
    train, val, test = (usable(rows, s) for s in ("train", "val", "test"))
    if len(train) == 0 or len(val) == 0 or len(test) == 0:
        raise ForecastopsError(
            f"train: segment {segment} has {len(train)} train / {len(val)} val / {len(test)} test rows; "
            "each split needs rows (check train.split in conf/train and the data's date range)"
        )
    return train, val, test


def _test_predictions(
    out_dir: Path, rows: pd.DataFrame, test: pd.DataFrame, horizon: int
) -> pd.DataFrame:
    """The saved ensemble's forecasts of the test weeks beside both baselines and the actuals."""
    preds = predict_segment(out_dir, test)
    history = rows[rows["split"].isin(["warmup", "train", "val"])]
    preds["baseline"] = historical_average(test, history)
    preds["naive"] = naive(test, horizon)
    preds["actual"] = test["target"].to_numpy()
    return preds


def fit_segment(
    rows: pd.DataFrame,
    segment: str,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
    out_dir: Path,
) -> tuple[pd.DataFrame, dict]:
    """Fit one segment, save its models in ``out_dir`` and return test predictions and its summary."""
    started = time.perf_counter()
    # A canonical row order: mini-batches and float sums then do not depend on the caller's order.
    rows = rows.sort_values(["store_id", "product_id", "week_start"], kind="stable")
    torch.set_num_threads(train_cfg.torch_threads)
    seed = seed_everything(train_cfg.seed, segment)
    device = resolve_device(train_cfg.device)
    train, val, test = _splits(rows, segment)
    numeric = numeric_columns(feat_cfg, train_cfg.horizon_weeks)
    design = Design.fit(train, numeric, feat_cfg.categoricals)
    lasso, net, best_epochs = _fit_pair(design, train, model_cfg, seed, device, val=val)

    # Ensemble weights and scale chosen on validation weeks, with models that never saw them.
    (nn_weight, scale, mean_weight), val_scores = choose_weights(
        component_predictions(design, lasso, net, val), val, model_cfg.ensemble
    )

    # Refit on everything before the test weeks: forecasts use the most recent behaviour.
    seen = pd.concat([train, val])
    design = Design.fit(seen, numeric, feat_cfg.categoricals)
    seed_everything(train_cfg.seed, segment)
    lasso, net, _ = _fit_pair(design, seen, model_cfg, seed, device, epochs=best_epochs)

    meta = EnsembleMeta(
        segment=segment,
        nn_weight=nn_weight,
        scale=scale,
        mean_weight=mean_weight,
        nn_epochs=int(best_epochs),
        design=design,
        nn_shape=_nn_shape(design, len(numeric), model_cfg),
        n_train=len(train),
        n_val=len(val),
        val_scores=val_scores,
    )
    _save(out_dir, lasso, net, meta)
    preds = _test_predictions(out_dir, rows, test, train_cfg.horizon_weeks)
    info = {
        "segment": segment,
        "n_train": len(train),
        "n_val": len(val),
        "n_test": len(test),
        "n_series": int(rows[["store_id", "product_id"]].drop_duplicates().shape[0]),
        "nn_weight": nn_weight,
        "scale": scale,
        "mean_weight": mean_weight,
        "nn_epochs": best_epochs,
        "device": str(device),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return preds, info
