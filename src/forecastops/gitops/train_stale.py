"""``forecastops train-stale``: train every stale region at once on the executor, then let DVC record
them, so ``dvc status`` is clean afterwards.

``dvc repro`` runs stages one after another, so on its own it trains region after region. Here the
fits of every region whose ``train@<region>`` stage is stale (``dvc status``) are computed together
on the configured executor (``conf/executor``: all of a cluster busy across regions) and kept in the
work store; then each stale train stage runs as ``dvc repro`` runs it, finds its fits precomputed
and only assembles them, and ``dvc.lock`` is written once for all of them (``stage_group``); a
final ``dvc repro`` runs the stages after them. DVC's cache and ``dvc.lock`` stay the single record
of every model, exactly as a plain ``dvc repro`` writes them. A one-region change leaves one stage
stale: only that region trains. A failing segment is named, the others are kept, the command exits
non-zero, and its rerun fits only what failed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

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
from forecastops.exec.run import run_tasks
from forecastops.exec.store import WorkStore
from forecastops.exec.task import Task
from forecastops.gitops import stage_group
from forecastops.gitops.repro import repro
from forecastops.modeling.jobs import plan_region

FEATURES = Path("artifacts/features")  # the featurize stage's output (dvc.yaml)
UPSTREAM = "featurize"  # the stage whose outputs the fits read
GROUP = "train"  # the foreach stage group, one stage per region (dvc.yaml)


def selected(names: str | None, segments: SegmentsConfig) -> list[str]:
    """``--regions a,b`` (each declared in params.yaml), or every region."""
    if not names:
        return list(segments.regions)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in segments.regions]
    if unknown or not wanted:
        raise ForecastopsError(
            f"train-stale: --regions {names!r}: unknown {unknown}; declared: {sorted(segments.regions)}"
        )
    return wanted


def _needs_fit(entries: list) -> bool:
    """Whether ``dvc status`` says the stage must run its command: changed deps, params or command,
    or outputs DVC's cache does not hold (outputs merely deleted or edited it restores)."""
    for entry in entries:
        if isinstance(entry, str) or "changed deps" in entry:
            return True
        if "not in cache" in (entry.get("changed outs") or {}).values():
            return True
    return False


def stale_regions(regions: list[str], repo: Path) -> list[str]:
    """The regions whose train stage ``dvc repro`` would run (the group's status read once)."""
    status = stage_group.status(GROUP, repo)
    return [r for r in regions if _needs_fit(status.get(f"{GROUP}@{r}", []))]


def fit_tasks(params: dict, regions: list[str], features_dir: Path) -> Iterator[Task]:
    """Every fit of ``regions``, region by region (rows are read only as the executor asks)."""
    segments = section(params, "segments", SegmentsConfig)
    feat_cfg = section(params, "features", FeaturesConfig)
    train_cfg = section(params, "train", TrainConfig)
    for region in regions:
        model_cfg = ModelConfig.model_validate(segments.model_params(region, params["model"]))
        features = pd.read_parquet(features_dir / f"{region}.parquet")
        yield from plan_region(features, region, segments, (model_cfg, feat_cfg, train_cfg)).tasks


def command_jobs(executor: LocalExecutor | RayExecutor) -> int:
    """How many train stage commands run at once: they run on this machine whatever the executor,
    so the local executor's processes, or this machine's CPUs when the fits went to a cluster."""
    if isinstance(executor, LocalExecutor):
        return executor.n_jobs
    return len(os.sched_getaffinity(0))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument(
        "--regions",
        default=None,
        help="comma-separated regions (a runner's group); default: all, then the whole pipeline",
    )
    parser.add_argument(
        "--force", action="store_true", help="fit every selected region, stale or not"
    )


def run(args: argparse.Namespace) -> int:
    return train_stale(Path("."), load_params(args.params), args.regions, force=args.force)


def train_stale(repo: Path, params: dict, regions: str | None, *, force: bool = False) -> int:
    """The pipeline in ``repo`` (its ``params``) with every stale region of ``regions`` (``a,b``;
    ``None``: all, then every stage after them) trained at once; ``dvc repro``'s exit code."""
    names = selected(regions, section(params, "segments", SegmentsConfig))
    executor = section(params, "executor", ExecutorConfig).root
    code = repro([UPSTREAM], repo)  # the features every fit reads, current
    if code:
        return code
    stale = names if force else stale_regions(names, repo)
    print(f"train-stale: {len(stale)} of {len(names)} regions to train: {', '.join(stale) or '-'}")
    store = WorkStore.near(repo / "models")
    report = run_tasks(fit_tasks(params, stale, repo / FEATURES), executor, store)
    if report.failures:
        raise ForecastopsError(report.failure_text(f"{len(stale)} regions", store))
    print(f"train-stale: on {describe_executor(executor)}: {report.summary()}")
    # each stage assembles its fits (forced: never restored from the run-cache); dvc.lock once
    stage_group.record(GROUP, stale, repo, force=force, jobs=command_jobs(executor))
    targets = [f"{GROUP}@{r}" for r in names] if regions else []
    code = repro(targets, repo)  # the rest: evaluate, score... (or a group's deleted outputs)
    if code == 0:
        store.drop(report.keys)  # any DVC restored instead of running its stage
    return code
