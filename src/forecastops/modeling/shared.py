"""Cross-learning (``model.nn.scope: region``): one set of networks over all of a region's segments.

The segment is one more embedded categorical, so a thin segment can borrow what its neighbours
show. Each segment still owns its ensemble (the unit of governance) and keeps the shared networks
only where they win on its validation weeks. Saved once per region in ``<models>/<region>/region_nn``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.features.columns import numeric_columns
from forecastops.modeling.design import Design
from forecastops.modeling.net import EmbeddingNet, batch_size_for, training_device
from forecastops.modeling.nets import fit_nns, load_nns, nn_shape, predict_nns, save_nns
from forecastops.modeling.rows import hold_out_last_weeks, splits

SHARED_DIR = "region_nn"
SEGMENT_COLUMN = "segment"


def fit_shared_nn(
    rows: pd.DataFrame,
    region: str,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
    out_dir: Path,
) -> pd.Series:
    """Fit on the training weeks (early stopping on their last weeks), forecast validation, refit on
    train + val and save in ``out_dir``; returns the validation forecasts by row index."""
    rows = rows.sort_values(["segment", "store_id", "product_id", "week_start"], kind="stable")
    device = training_device(train_cfg)
    batch = batch_size_for(device, model_cfg.nn.batch_size, train_cfg.gpu_batch_size)
    train, val, _ = splits(rows, f"region {region}")
    numeric = numeric_columns(feat_cfg, train_cfg.horizon_weeks)
    cats = [*feat_cfg.categoricals, SEGMENT_COLUMN]
    key = f"{region}/shared"
    design = Design.fit(train, numeric, cats)
    fit, stop = hold_out_last_weeks(train, model_cfg.nn.stop_weeks, f"region {region}")
    nets, epochs = fit_nns(design, fit, model_cfg.nn, key, train_cfg.seed, device, batch, val=stop)
    val_forecast = pd.Series(predict_nns(design, nets, val), index=val.index)

    seen = pd.concat([train, val])
    design = Design.fit(seen, numeric, cats)
    nets, _ = fit_nns(design, seen, model_cfg.nn, key, train_cfg.seed, device, batch, epochs=epochs)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_nns(nets, out_dir)
    meta = {"design": asdict(design), "nn_shape": nn_shape(design, model_cfg.nn), "epochs": epochs}
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return val_forecast


def load_shared_nn(out_dir: Path) -> tuple[Design, list[EmbeddingNet]]:
    meta = json.loads((out_dir / "meta.json").read_text())
    return Design(**meta["design"]), load_nns(out_dir, meta["nn_shape"], len(meta["epochs"]))
