"""Stage ``train``: fit every segment of one region (store format x velocity).

One DVC stage per region (``train@<region>``), so changing one region's config retrains only that
region; its segments fan out over ``train.n_jobs`` processes.
"""

from __future__ import annotations

import argparse
import json
import time
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
from forecastops.experiments import live
from forecastops.modeling.components import Components, fit_components
from forecastops.modeling.ensemble import segment_dir
from forecastops.modeling.fit import finish_segment
from forecastops.modeling.shared import SHARED_DIR, fit_shared_nn
from forecastops.monitoring.resources import recorded
from forecastops.provenance import runtime_versions


def _fit_job(kind: str, *args: object) -> Components | pd.Series:
    return fit_shared_nn(*args) if kind == "shared" else fit_components(*args)  # type: ignore[arg-type]


def _jobs(
    features: pd.DataFrame,
    region: str,
    seg_rows: dict[str, pd.DataFrame],
    configs: tuple[ModelConfig, FeaturesConfig, TrainConfig],
    out_dir: Path,
) -> list[tuple]:
    """The region's shared networks first (``model.nn.scope: region``), then each segment."""
    jobs: list[tuple] = []
    if configs[0].nn.scope == "region":
        region_rows = features[features["segment"].isin(list(seg_rows))]
        jobs.append(("shared", region_rows, region, *configs, out_dir / SHARED_DIR))
    jobs += [("segment", r, k, *configs, segment_dir(out_dir, k)) for k, r in seg_rows.items()]
    return jobs


def train_region(
    features: pd.DataFrame,
    region: str,
    segments: SegmentsConfig,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
    out_dir: Path,
) -> tuple[pd.DataFrame, dict]:
    """Fit all of a region's segments into ``out_dir``; returns test predictions and a summary.

    The fits (the shared networks and each segment's components) fan out over ``train.n_jobs``
    processes; then, per segment, the ensemble is chosen on validation and saved."""
    keys = [k for k in segments.segment_keys() if k.startswith(f"{region}/")]
    present = set(features["segment"].unique())
    seg_rows = {k: features[features["segment"] == k] for k in keys if k in present}
    if not seg_rows:
        raise ForecastopsError(
            f"train: region '{region}' has no rows in any segment {keys}; check the features file"
        )
    jobs = _jobs(features, region, seg_rows, (model_cfg, feat_cfg, train_cfg), out_dir)
    n_jobs = min(train_cfg.n_jobs, len(jobs)) or 1
    if n_jobs > 1:
        results = Parallel(n_jobs=n_jobs, backend="loky")(delayed(_fit_job)(*j) for j in jobs)
    else:
        results = [_fit_job(*j) for j in jobs]
    shared = results.pop(0) if model_cfg.nn.scope == "region" else None
    finished = [
        finish_segment(
            seg_rows[c.segment],
            c,
            shared,
            model_cfg,
            train_cfg.horizon_weeks,
            segment_dir(out_dir, c.segment),
        )
        for c in results
    ]
    summary = {
        "region": region,
        "nn_scope": model_cfg.nn.scope,
        "segments": {info["segment"]: info for _, info in finished},
        "missing_segments": [k for k in keys if k not in present],
    }
    return pd.concat([p for p, _ in finished], ignore_index=True), summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--region", required=True)
    parser.add_argument(
        "--features", default=None, help="default: artifacts/features/<region>.parquet"
    )
    parser.add_argument("--out", default=None, help="default: models/<region>")
    parser.add_argument("--live", default=None, help="DVCLive metrics dir (default: none)")


@recorded("train", key="region")  # wall, CPU, peak RSS -> monitor
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
    started = time.perf_counter()
    with io.atomic_path(out) as tmp:
        preds, summary = train_region(
            pd.read_parquet(path), args.region, segments, model_cfg, feat_cfg, train_cfg, tmp
        )
        preds.to_parquet(tmp / "test_predictions.parquet", index=False)
        (tmp / "segments.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        # The exact package versions these models were trained with.
        versions = json.dumps(runtime_versions(), indent=2, sort_keys=True)
        (tmp / "provenance.json").write_text(versions + "\n")
    if args.live:
        live.write(args.live, live.region_values(preds, summary, model_cfg.ensemble.select_metric))
    # Timings go to the log, not the output, so identical inputs give byte-identical models.
    took = time.perf_counter() - started
    print(f"train {args.region}: {len(summary['segments'])} segments in {took:.1f}s -> {out}/")
    for k in summary["missing_segments"]:
        print(f"  warning: segment {k} has no data and was not trained")
    return 0
