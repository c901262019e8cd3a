"""Stage ``train``: fit every segment of one region (store format x velocity).

One DVC stage per region (``train@<region>``), so changing one region's config retrains only that
region; its segments fan out over ``train.n_jobs`` processes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.modeling.ensemble import segment_dir
from forecastops.modeling.fit import fit_segment


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
