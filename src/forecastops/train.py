"""train: fit every segment of one region (store format x velocity) and predict its test weeks.

Per segment: LASSO and the embedding NN are fitted on the training weeks; the NN stops early on the
validation weeks and the ensemble weight is chosen there; both are then refitted on train + val
(the NN for its best epoch count) and forecast the held-out test weeks, next to the
historical-average and naive baselines. Segments fan out over ``train.n_jobs`` processes.
One DVC stage per region, so changing one region's config retrains only that region.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from forecastops import io, models, nn
from forecastops.config import load_params, section
from forecastops.errors import ForecastopsError
from forecastops.features import FeaturesConfig, numeric_columns
from forecastops.metrics import SCORERS
from forecastops.schema import ModelConfig, NNConfig, SegmentsConfig, TrainConfig

ID_COLUMNS = [
    "region",
    "store_format",
    "velocity",
    "segment",
    "store_id",
    "product_id",
    "week_start",
]


def usable(rows: pd.DataFrame, split: str) -> pd.DataFrame:
    """Rows of a split that have a target and a known level (some history before the horizon)."""
    mask = (rows["split"] == split) & rows["level"].notna()
    if split != "future":
        mask &= rows["target"].notna()
    return rows[mask]


def _fit_pair(
    design: models.Design,
    rows: pd.DataFrame,
    model_cfg: ModelConfig,
    seed: int,
    device: torch.device,
    val: pd.DataFrame | None = None,
    epochs: int | None = None,
) -> tuple[object, nn.EmbeddingNet, int]:
    lasso = models.fit_lasso(design, rows, model_cfg.lasso, seed)
    val_arrays = None
    if val is not None:
        val_arrays = (
            design.category_codes(val),
            design.numeric_matrix(val),
            models.relative_target(val),
        )
    net, best_epochs = nn.fit(
        design.category_codes(rows),
        design.numeric_matrix(rows),
        models.relative_target(rows),
        [len(design.vocab[c]) for c in design.categoricals],
        model_cfg.nn,
        seed,
        device,
        val=val_arrays,
        epochs=epochs,
    )
    return lasso, net, best_epochs


def component_predictions(
    design: models.Design, lasso: object, net: nn.EmbeddingNet, rows: pd.DataFrame
):
    """LASSO and NN forecasts in units for ``rows``."""
    nums = design.numeric_matrix(rows)
    lasso_units = models.to_units(rows, lasso.predict(nums))  # type: ignore[attr-defined]
    nn_units = models.to_units(rows, nn.predict(net, design.category_codes(rows), nums))
    return lasso_units, nn_units


def combine(
    lasso: np.ndarray,
    nn_units: np.ndarray,
    mean: np.ndarray,
    nn_weight: float,
    scale: float,
    mean_weight: float,
) -> np.ndarray:
    """The ensemble: LASSO/NN blend, scaled, shrunk towards the series' running mean."""
    return (1 - mean_weight) * scale * (
        (1 - nn_weight) * lasso + nn_weight * nn_units
    ) + mean_weight * mean


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
    torch.set_num_threads(train_cfg.torch_threads)
    seed = nn.seed_everything(train_cfg.seed, segment)
    device = nn.resolve_device(train_cfg.device)
    train, val, test = (usable(rows, s) for s in ("train", "val", "test"))
    if len(train) == 0 or len(val) == 0 or len(test) == 0:
        raise ForecastopsError(
            f"train: segment {segment} has {len(train)} train / {len(val)} val / {len(test)} test rows; "
            "each split needs rows (check train.split in conf/train and the data's date range)"
        )
    numeric = numeric_columns(feat_cfg, train_cfg.horizon_weeks)
    design = models.Design.fit(train, numeric, feat_cfg.categoricals)
    lasso, net, best_epochs = _fit_pair(design, train, model_cfg, seed, device, val=val)

    # Ensemble weights and scale chosen on validation weeks, with models that never saw them.
    lasso_val, nn_val = component_predictions(design, lasso, net, val)
    scorer = SCORERS[model_cfg.ensemble.select_metric]
    mean_val = models.running_mean(val)
    grid = model_cfg.ensemble
    candidates = {
        (w, s, b): scorer(val["target"], combine(lasso_val, nn_val, mean_val, w, s, b))
        for w in grid.nn_weight_grid
        for s in grid.scale_grid
        for b in grid.mean_weight_grid
    }
    nn_weight, scale, mean_weight = min(
        candidates, key=lambda k: np.inf if candidates[k] is None else candidates[k]
    )
    val_scores = {
        f"nn_weight={w},scale={s},mean_weight={b}": v for (w, s, b), v in candidates.items()
    }

    # Refit on everything before the test weeks: forecasts use the most recent behaviour.
    seen = pd.concat([train, val])
    design = models.Design.fit(seen, numeric, feat_cfg.categoricals)
    nn.seed_everything(train_cfg.seed, segment)
    lasso, net, _ = _fit_pair(design, seen, model_cfg, seed, device, epochs=best_epochs)

    meta = models.EnsembleMeta(
        segment=segment,
        nn_weight=nn_weight,
        scale=scale,
        mean_weight=mean_weight,
        nn_epochs=int(best_epochs),
        design=design,
        nn_shape={
            "cardinalities": [len(design.vocab[c]) for c in design.categoricals],
            "n_numeric": len(numeric),
            "config": model_cfg.nn.model_dump(),
        },
        n_train=len(train),
        n_val=len(val),
        val_scores=val_scores,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    models.save_lasso(lasso, out_dir / "lasso.joblib")
    torch.save(net.state_dict(), out_dir / "nn.pt")
    meta.save(out_dir / "meta.json")

    preds = predict_segment(out_dir, test)
    history = rows[rows["split"].isin(["warmup", "train", "val"])]
    preds["baseline"] = models.historical_average(test, history)
    preds["naive"] = models.naive(test, train_cfg.horizon_weeks)
    preds["actual"] = test["target"].to_numpy()
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


def load_segment(
    model_dir: Path,
) -> tuple[models.EnsembleMeta, object, nn.EmbeddingNet]:
    meta = models.EnsembleMeta.load(model_dir / "meta.json")
    # The network is rebuilt as it was trained, whatever the current config says.
    shape = meta.nn_shape
    net = nn.EmbeddingNet(shape["cardinalities"], shape["n_numeric"], NNConfig(**shape["config"]))
    net.load_state_dict(torch.load(model_dir / "nn.pt", map_location="cpu", weights_only=True))
    return meta, models.load_lasso(model_dir / "lasso.joblib"), net


def predict_segment(model_dir: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Forecast ``rows`` with a saved segment ensemble (used for test weeks and batch scoring)."""
    meta, lasso, net = load_segment(model_dir)
    lasso_units, nn_units = component_predictions(meta.design, lasso, net, rows)
    out = rows[ID_COLUMNS].reset_index(drop=True).copy()
    out["lasso"], out["nn"] = lasso_units, nn_units
    out["ensemble"] = combine(
        lasso_units,
        nn_units,
        models.running_mean(rows),
        meta.nn_weight,
        meta.scale,
        meta.mean_weight,
    )
    return out


def segment_dir(models_dir: Path, segment: str) -> Path:
    _, store_format, velocity = segment.split("/")
    return models_dir / f"{store_format}_{velocity}"


def _fit_job(args: tuple) -> tuple[pd.DataFrame, dict]:
    return fit_segment(*args)


def train_region(
    features: pd.DataFrame,
    region: str,
    segments: SegmentsConfig,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
    out_dir: Path,
) -> tuple[pd.DataFrame, dict]:
    """Fit all of a region's segments into ``out_dir``; returns test predictions and a summary."""
    keys = [k for k in segments.segment_keys() if k.startswith(f"{region}/")]
    present = set(features["segment"].unique())
    jobs = [
        (
            features[features["segment"] == k],
            k,
            model_cfg,
            feat_cfg,
            train_cfg,
            segment_dir(out_dir, k),
        )
        for k in keys
        if k in present
    ]
    missing = [k for k in keys if k not in present]
    if not jobs:
        raise ForecastopsError(
            f"train: region '{region}' has no rows in any segment {keys}; check the features file"
        )
    n_jobs = min(train_cfg.n_jobs, len(jobs)) or 1
    if n_jobs > 1:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, backend="loky")(delayed(_fit_job)(j) for j in jobs)
    else:
        results = [_fit_job(j) for j in jobs]
    preds = pd.concat([r[0] for r in results], ignore_index=True)
    summary = {
        "region": region,
        "segments": {r[1]["segment"]: r[1] for r in results},
        "missing_segments": missing,
    }
    return preds, summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--region", required=True)
    parser.add_argument(
        "--features", default=None, help="default: artifacts/features/<region>.parquet"
    )
    parser.add_argument("--out", default=None, help="default: models/<region>")


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    segments = section(params, "segments", SegmentsConfig)
    if args.region not in segments.regions:
        raise ForecastopsError(f"train: region '{args.region}' is not declared in conf/segments")
    model_cfg = ModelConfig.model_validate(segments.model_params(args.region, params["model"]))
    feat_cfg = section(params, "features", FeaturesConfig)
    train_cfg = section(params, "train", TrainConfig)
    path = Path(args.features or f"artifacts/features/{args.region}.parquet")
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run the featurize stage first")
    out = Path(args.out or f"models/{args.region}")
    with io.atomic_path(out) as tmp:
        preds, summary = train_region(
            pd.read_parquet(path), args.region, segments, model_cfg, feat_cfg, train_cfg, tmp
        )
        preds.to_parquet(tmp / "test_predictions.parquet", index=False)
        # Timings go to the log, not the output, so identical inputs give byte-identical models.
        took = sum(s.pop("seconds") for s in summary["segments"].values())
        (tmp / "segments.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(
        f"train {args.region}: {len(summary['segments'])} segments, {took:.1f}s of fitting -> {out}/"
    )
    for k in summary["missing_segments"]:
        print(f"  warning: segment {k} has no data and was not trained")
    return 0
