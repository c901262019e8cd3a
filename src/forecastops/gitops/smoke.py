"""smoke: the real DVC pipeline on the committed sample, in a scratch workspace.

PR checks and tests run exactly what main runs (``forecastops train-stale``: DVC over the same
dvc.yaml and code, every region's fits at once), only composed with ``env=local`` (the committed
sample, small models). The scratch copy keeps the repository's own params.yaml, dvc.lock and
outputs untouched; its reports are copied to ``reports/smoke/`` where the PR comment reads them.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.config.load import load_params
from forecastops.dvc_cli import run_dvc
from forecastops.errors import ForecastopsError
from forecastops.gitops.report import predictions
from forecastops.gitops.train_stale import train_stale

COPIED = ("conf", "src", "dvc.yaml")
REPORTS = ("metrics.json", "data_validation.json")
PREDICTIONS = "predictions.parquet"


def prepare(
    workdir: Path, overrides: list[str], repo: Path = Path("."), data_link: Path | None = None
) -> Path:
    """A fresh scratch workspace holding the pipeline, its data and params (env=local unless
    overridden). ``data_link`` symlinks a large data root instead of copying it (benchmarks)."""
    params = compose(["env=local", *overrides], repo / "conf")
    data_root = Path(params["env"]["data_root"])
    if data_link is None and not (repo / data_root).is_dir():
        raise ForecastopsError(f"{repo / data_root}: the committed sample is missing")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for name in COPIED:
        src = repo / name
        if src.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(src, workdir / name, ignore=ignore)
        else:
            shutil.copy2(src, workdir / name)
    if data_link is not None:
        (workdir / data_root).symlink_to(data_link.resolve(), target_is_directory=True)
    else:
        shutil.copytree(repo / data_root, workdir / data_root)
    (workdir / "params.yaml").write_text(dump(params), encoding="utf-8")
    run_dvc(["init", "--no-scm", "-q"], workdir)
    run_dvc(["config", "core.analytics", "false"], workdir)
    return workdir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides on top of env=local")
    parser.add_argument("--workdir", default=".smoke")
    parser.add_argument(
        "--reports", default="reports/smoke", help="where the smoke reports are copied"
    )


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    workdir = prepare(Path(args.workdir), args.overrides)
    params = load_params(workdir / "params.yaml")
    code = train_stale(workdir, params, None)
    if code:
        raise ForecastopsError(f"smoke: the pipeline failed in {workdir} (exit {code})")
    for name in REPORTS:
        io.write_text(Path(args.reports) / name, (workdir / "reports" / name).read_text())
    # the rows behind the metrics: the next PR's base side of the bootstrap intervals
    regions = list(params["segments"]["regions"])
    rows = predictions.collect(workdir / "models", regions)
    predictions.save(rows, Path(args.reports) / PREDICTIONS)
    plots = Path(args.reports) / "plots"
    with io.atomic_path(plots) as tmp:
        shutil.copytree(workdir / "reports" / "plots" / "segments", tmp)
    print(
        f"smoke: the pipeline on the sample took {time.perf_counter() - started:.1f}s -> {args.reports}/"
    )
    return 0
