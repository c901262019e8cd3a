"""Finishing a segment: choose its ensemble, save it, and forecast its held-out test weeks.

The components (``modeling.components``) and the region's shared networks (``modeling.shared``) are
already fitted and saved; here the segment's ensemble is chosen on the validation weeks, written to
``meta.json``, and loaded back to forecast the test weeks next to the historical-average and naive
baselines, through the same code batch scoring uses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forecastops.config.sections.model import ModelConfig
from forecastops.modeling.baselines import historical_average, naive
from forecastops.modeling.choose import Choice, choose_ensemble
from forecastops.modeling.components import Components
from forecastops.modeling.ensemble import EnsembleMeta, average_relative, predict_segment
from forecastops.modeling.rows import canonical, splits


def _meta(fitted: Components, choice: Choice, model_cfg: ModelConfig) -> EnsembleMeta:
    return EnsembleMeta(
        segment=fitted.segment,
        nn_source=choice.nn_source,
        nn_weight=choice.nn_weight,
        scale=choice.scale,
        mean_weight=choice.mean_weight,
        smearing=choice.smearing,
        quantile_levels=list(model_cfg.quantiles.levels),
        quantile_offsets=choice.quantile_offsets,
        nn_epochs=fitted.epochs,
        design=fitted.design,
        nn_shape=fitted.nn_shape,
        n_train=fitted.n_train,
        n_val=fitted.n_val,
        mase_scale=fitted.mase_scale,
        source_scores=choice.source_scores,
        val_scores=choice.val_scores,
        evidence=choice.evidence,
    )


def _summary(fitted: Components, choice: Choice, rows: pd.DataFrame, n_test: int) -> dict:
    """The segment's line in segments.json: sizes and every choice made on validation."""
    return {
        "segment": fitted.segment,
        "n_train": fitted.n_train,
        "n_val": fitted.n_val,
        "n_test": n_test,
        "n_series": int(rows[["store_id", "product_id"]].drop_duplicates().shape[0]),
        "nn_source": choice.nn_source,
        "nn_source_scores": choice.source_scores,
        "val_score": choice.val_score,
        "nn_weight": choice.nn_weight,
        "scale": choice.scale,
        "mean_weight": choice.mean_weight,
        "smearing": choice.smearing,
        "evidence": choice.evidence,
        "nn_epochs": fitted.epochs,
        "device": fitted.device,
    }


def nn_sources(
    own: np.ndarray, shared: pd.Series | None, index: pd.Index, names: list[str]
) -> dict[str, np.ndarray]:
    """The candidate NN components' validation forecasts (log-relative): the segment's own
    networks alone without region networks, else those of ``names`` (``model.nn.sources``)."""
    if shared is None:
        return {"own": own}
    region = shared.loc[index].to_numpy(dtype=float)
    forecasts = {"own": own, "shared": region, "average": average_relative(own, region)}
    return {name: forecasts[name] for name in names}


def finish_segment(
    rows: pd.DataFrame,
    fitted: Components,
    shared_val: pd.Series | None,
    model_cfg: ModelConfig,
    horizon: int,
    out_dir: Path,
) -> tuple[pd.DataFrame, dict]:
    """Choose and save the segment's ensemble; return its test predictions and summary."""
    rows = canonical(rows)
    _, val, test = splits(rows, f"segment {fitted.segment}")
    sources = nn_sources(fitted.nn_val, shared_val, val.index, model_cfg.nn.sources)
    choice = choose_ensemble(val, fitted.lasso_val, sources, model_cfg)
    _meta(fitted, choice, model_cfg).save(out_dir / "meta.json")
    preds = predict_segment(out_dir, test)
    history = rows[rows["split"].isin(["warmup", "train", "val"])]
    preds["baseline"] = historical_average(test, history)
    preds["naive"] = naive(test, horizon)
    preds["actual"] = test["target"].to_numpy()
    preds["mase_scale"] = np.nan if fitted.mase_scale is None else fitted.mase_scale
    preds["nn_source"] = choice.nn_source
    return preds, _summary(fitted, choice, rows, len(test))
