"""Stage ``train``: fit every segment of one region (store format x velocity).

One DVC stage per region (``train@<region>``), so changing one region's config retrains only that
region. Its fits (the region's shared networks and each segment's components) run on the configured
executor (``conf/executor``: processes here or a Ray cluster) and each finished fit is kept in the
work store at once: a failing segment loses nothing else. The stage then names every failed segment
and exits non-zero, and its rerun fits only what failed; fits ``forecastops train-stale``
precomputed are taken from the store. Then, per segment, the ensemble is chosen on validation and
saved.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.executor import (
    ExecutorConfig,
    LocalExecutor,
    RayExecutor,
    describe_executor,
)
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.exec.run import Report, run_tasks
from forecastops.exec.store import WorkStore
from forecastops.modeling.cpu_math import pin_cpu_math
from forecastops.modeling.ensemble import segment_dir
from forecastops.modeling.fit import finish_segment
from forecastops.modeling.jobs import (
    RegionPlan,
    components_from_meta,
    plan_region,
    shared_from_meta,
)
from forecastops.modeling.shared import SHARED_DIR
from forecastops.monitoring.resources import recorded
from forecastops.provenance import runtime_versions


def _finish(
    plan: RegionPlan, store: WorkStore, model_cfg: ModelConfig, horizon: int, out_dir: Path
) -> tuple[pd.DataFrame, dict]:
    """The stored fits into ``out_dir``; per segment the ensemble chosen and saved."""
    shared = None
    if plan.shared is not None:
        store.copy_files(plan.shared.key, out_dir / SHARED_DIR)
        shared = shared_from_meta(store.meta(plan.shared.key))
    finished = []
    for task in plan.tasks:
        if task is plan.shared:
            continue
        fitted = components_from_meta(store.meta(task.key))
        seg_dir = segment_dir(out_dir, fitted.segment)
        store.copy_files(task.key, seg_dir)
        rows = plan.seg_rows[fitted.segment]
        finished.append(finish_segment(rows, fitted, shared, model_cfg, horizon, seg_dir))
    summary = {
        "region": plan.region,
        "nn_scope": model_cfg.nn.scope,
        "segments": {info["segment"]: info for _, info in finished},
        "missing_segments": plan.missing,
    }
    return pd.concat([p for p, _ in finished], ignore_index=True), summary


def train_region(
    features: pd.DataFrame,
    region: str,
    segments: SegmentsConfig,
    configs: tuple[ModelConfig, FeaturesConfig, TrainConfig],
    out_dir: Path,
    executor: LocalExecutor | RayExecutor,
    store: WorkStore,
) -> tuple[pd.DataFrame, dict, Report]:
    """Fit all of a region's segments into ``out_dir``: test predictions, summary, and what ran.

    Fits the store lacks run on ``executor``; if any fails, every failure is raised by segment name
    after the others are stored. The test forecasts are made here, with the kernels
    ``train.cpu_math`` names, as the fits are."""
    pin_cpu_math(configs[2].cpu_math)
    plan = plan_region(features, region, segments, configs)
    report = run_tasks(plan.tasks, executor, store)
    if report.failures:
        raise ForecastopsError(report.failure_text(f"region {region}", store))
    model_cfg, _, train_cfg = configs
    preds, summary = _finish(plan, store, model_cfg, train_cfg.horizon_weeks, out_dir)
    return preds, summary, report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--region", required=True)
    parser.add_argument(
        "--features", default=None, help="default: artifacts/features/<region>.parquet"
    )
    parser.add_argument("--out", default=None, help="default: models/<region>")


@recorded("train", key="region")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    segments = section(params, "segments", SegmentsConfig)
    if args.region not in segments.regions:
        raise ForecastopsError(f"train: region '{args.region}' is not declared in conf/segments")
    model_cfg = ModelConfig.model_validate(segments.model_params(args.region, params["model"]))
    configs = (
        model_cfg,
        section(params, "features", FeaturesConfig),
        section(params, "train", TrainConfig),
    )
    executor = section(params, "executor", ExecutorConfig).root
    path = Path(args.features or f"artifacts/features/{args.region}.parquet")
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run the featurize stage first")
    out = Path(args.out or f"models/{args.region}")
    store = WorkStore.near(out)
    started = time.perf_counter()
    features = pd.read_parquet(path)
    with io.atomic_path(out) as tmp:
        preds, summary, report = train_region(
            features, args.region, segments, configs, tmp, executor, store
        )
        preds.to_parquet(tmp / "test_predictions.parquet", index=False)
        (tmp / "segments.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        # The exact package versions these models were trained with.
        versions = json.dumps(runtime_versions(), indent=2, sort_keys=True)
        (tmp / "provenance.json").write_text(versions + "\n")
    store.drop(report.keys)  # written: DVC records the models from here on
    # Timings go to the log, not the output, so identical inputs give byte-identical models.
    took = time.perf_counter() - started
    print(
        f"train {args.region}: {len(summary['segments'])} segments in {took:.1f}s on "
        f"{describe_executor(executor)} ({report.summary()}) -> {out}/"
    )
    for k in summary["missing_segments"]:
        print(f"  warning: segment {k} has no data and was not trained")
    return 0
